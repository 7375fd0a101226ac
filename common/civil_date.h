// Calendar dates as used by registries: "as of" dates, legal windows and
// deadlines. A date is a count of days since 1970-01-01 (UTC), which is what
// manifests store and what freshness arithmetic needs.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_COMMON_CIVIL_DATE_H_
#define DNC_COMMON_CIVIL_DATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dnc {

// Days since 1970-01-01.
using DayNumber = int32_t;

// Parses "YYYY-MM-DD". Errors: InvalidArgument naming the text when it is not
// a real calendar date in that exact form.
absl::StatusOr<DayNumber> ParseIsoDate(std::string_view text);

// Formats as "YYYY-MM-DD".
std::string FormatIsoDate(DayNumber day);

// Today's date in UTC.
DayNumber TodayUtc();

// Now as "YYYY-MM-DDTHH:MM:SSZ".
std::string NowUtcTimestamp();

}  // namespace dnc

#endif  // DNC_COMMON_CIVIL_DATE_H_
