#include "common/nanp_regions.h"

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace dnc {
namespace {

constexpr NpaInfo kUnassigned = {};

absl::string_view View(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

}  // namespace

const NpaInfo& LookupNpa(int npa) {
  if (npa < 0 || npa >= 1000) return kUnassigned;
  return nanp_internal::kTable[npa];
}

bool NpaInJurisdiction(const NpaInfo& info, std::string_view jurisdiction) {
  if (!info.assigned()) return false;
  const absl::string_view j = View(jurisdiction);
  if (absl::EqualsIgnoreCase(j, info.country) ||
      absl::EqualsIgnoreCase(j, info.region)) {
    return true;
  }
  const size_t country_length = std::strlen(info.country);
  if (j.size() <= country_length + 1 || j[country_length] != '-' ||
      !absl::EqualsIgnoreCase(j.substr(0, country_length), info.country)) {
    return false;
  }
  const absl::string_view sub = j.substr(country_length + 1);
  for (const char* code : info.subdivisions) {
    if (code[0] != '\0' && absl::EqualsIgnoreCase(sub, code)) return true;
  }
  return false;
}

std::string DescribeNpa(const NpaInfo& info) {
  if (!info.assigned()) return "";
  std::string subs;
  for (const char* code : info.subdivisions) {
    if (code[0] == '\0') continue;
    absl::StrAppend(&subs, subs.empty() ? "" : "/", code);
  }
  if (subs.empty()) {
    return std::strcmp(info.country, info.region) == 0
               ? std::string(info.country)
               : absl::StrCat(info.country, "-", info.region);
  }
  return absl::StrCat(info.country, "-", subs);
}

const char* NanpDataSource() { return nanp_internal::kDataSource; }

int AssignedNpaCount() { return nanp_internal::kAssignedCount; }

}  // namespace dnc
