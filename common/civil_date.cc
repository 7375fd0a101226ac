#include "common/civil_date.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace dnc {
namespace {

const absl::CivilDay kEpoch(1970, 1, 1);

bool ParseDigits(std::string_view text, int* out) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return !text.empty();
}

}  // namespace

absl::StatusOr<DayNumber> ParseIsoDate(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), &year) ||
      !ParseDigits(text.substr(5, 2), &month) ||
      !ParseDigits(text.substr(8, 2), &day)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "date '", std::string(text), "' is not in the form YYYY-MM-DD"));
  }
  const absl::CivilDay civil(year, month, day);
  // CivilDay normalises out-of-range fields (2026-02-30 -> 2026-03-02).
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return absl::InvalidArgumentError(
        absl::StrCat("date '", std::string(text), "' is not a calendar date"));
  }
  return static_cast<DayNumber>(civil - kEpoch);
}

std::string FormatIsoDate(DayNumber day) {
  const absl::CivilDay civil = kEpoch + day;
  return absl::StrFormat("%04d-%02d-%02d", civil.year(), civil.month(),
                         civil.day());
}

DayNumber TodayUtc() {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return static_cast<DayNumber>(today - kEpoch);
}

std::string NowUtcTimestamp() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                          absl::UTCTimeZone());
}

}  // namespace dnc
