#include "leadlist/job_names.h"

#include <cstdint>
#include <random>
#include <string>

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
  // The output is always CSV, so a workbook's or a text export's suffix
  // goes too: "leads.xlsx" -> "leads.scrubbed.csv", not
  // "leads.xlsx.scrubbed.csv".
  for (const char* suffix : {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}) {
    const size_t n = std::char_traits<char>::length(suffix);
    if (base.size() > n &&
        absl::EqualsIgnoreCase(base.substr(base.size() - n), suffix)) {
      base.resize(base.size() - n);
      break;
    }
  }
  return base + ".scrubbed.csv";
}

}  // namespace dnc::leadlist
