// Calendar dates as used by registries: "as of" dates, legal windows and
// deadlines. A date is a count of days since 1970-01-01 (UTC), which is what
// manifests store and what freshness arithmetic needs. This is the one date
// library: proleptic Gregorian day arithmetic (days from a civil date and
// back, days in a month, calendar-month addition) and the ISO form
// "YYYY-MM-DD"; the loader's date fields and the policy's windows use it.
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

// A proleptic Gregorian calendar date.
struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1-12.
  int day = 1;    // 1-DaysInMonth(year, month).
};

bool IsLeapYear(int64_t year);

// 28-31. REQUIRES: 1 <= month <= 12.
int DaysInMonth(int64_t year, int month);

// The day number of a date (H. Hinnant's days_from_civil).
// REQUIRES: a real date (month 1-12, day 1-DaysInMonth); the result fits a
// DayNumber.
DayNumber DaysFromCivil(int64_t year, int month, int day);

// The date of a day number (H. Hinnant's civil_from_days).
CivilDate CivilFromDays(DayNumber day);

// The day `months` calendar months after `day`: the same day of the month,
// clamped to the end of a shorter month (2026-01-31 + 1 = 2026-02-28,
// 2024-02-29 + 12 = 2025-02-28). `months` may be negative.
DayNumber AddMonths(DayNumber day, int months);

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
