#include "leadlist/job_names.h"

#include <cstdint>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dnc::leadlist {

std::string GenerateJobId(absl::Time now) {
  std::random_device device;
  const uint32_t random = static_cast<uint32_t>(device());
  return absl::StrCat(
      "job-", absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone()), "-",
      absl::StrFormat("%08x", random));
}

std::string ScrubbedOutputName(const std::string& input) {
  if (input == "-") return "-";
  std::string base = input;
  if (base.size() > 4 &&
      absl::EqualsIgnoreCase(base.substr(base.size() - 4), ".csv")) {
    base.resize(base.size() - 4);
  }
  return base + ".scrubbed.csv";
}

}  // namespace dnc::leadlist
