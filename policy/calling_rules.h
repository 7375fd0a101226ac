// Calling rules as dated data with sources: the hours a jurisdiction allows
// telemarketing calls on each day of the week, and the holidays on which it
// bars them, each row with the dates it is in force and where its values come
// from (calling_rules.cc holds the tables; docs/rules.md describes them).
//
// A subdivision ("US-FL") without an hours row in force on a day reads as its
// country ("US") on that day; holiday bans of the country and of the
// subdivision both apply. Holidays are rules, computed per year: a fixed date
// (with the US observed-day shift), the nth or last weekday of a month, or a
// day relative to Easter Sunday.
//
// RuleOnDay() says what these rules allow in one jurisdiction on one local
// day; policy::EvaluateWindow (policy.h) combines that over a number's zones
// and jurisdictions, and adds declared emergencies (policy/emergencies.h).
//
// Nothing here is legal advice: the rows come from vendor and law-firm
// summaries, not statute text, and say so where they disagree.
//
// Thread-safety: thread-safe (immutable tables and pure functions).
#ifndef DNC_POLICY_CALLING_RULES_H_
#define DNC_POLICY_CALLING_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "common/civil_date.h"

namespace dnc::policy {

// The hours of one day in minutes after local midnight, end exclusive.
// start >= end: no calls that day.
struct DayHours {
  int16_t start;
  int16_t end;
  bool closed() const { return start >= end; }
};
inline constexpr DayHours kClosedDay{0, 0};

// Days in absl::Weekday's order: Monday = 0 ... Sunday = 6.
inline constexpr int kDaysPerWeek = 7;
const char* WeekdayName(int weekday);  // "Monday"; "?" out of range.

// One row of hours: from `effective_from` (inclusive, local date) until
// `effective_until` (exclusive; "" = still in force), calls in `days[w]` on
// weekday w.
struct CallingHoursRow {
  const char* jurisdiction;     // "US", "US-FL", "CA", "GB"
  const char* effective_from;   // YYYY-MM-DD, "" = always
  const char* effective_until;  // YYYY-MM-DD, "" = in force
  DayHours days[kDaysPerWeek];
  const char* source;  // Where the values come from (for people).
};

absl::Span<const CallingHoursRow> CallingHoursTable();

// How a holiday's date is found in a year. Each is then moved `offset` days.
enum class HolidayRule : uint8_t {
  kFixedDate,    // month/day
  kNthWeekday,   // the nth `weekday` of `month` (nth 1-5)
  kLastWeekday,  // the last `weekday` of `month`
  kEaster,       // Easter Sunday (Gregorian)
};

struct Holiday {
  const char* name;  // "Thanksgiving Day"
  HolidayRule rule;
  int8_t month;    // 1-12 (not kEaster)
  int8_t day;      // kFixedDate
  int8_t weekday;  // kNthWeekday, kLastWeekday: Monday = 0 ... Sunday = 6
  int8_t nth;      // kNthWeekday
  int16_t offset;  // Days after the rule's date (Good Friday: kEaster, -2)
  // kFixedDate with the US observed-day shift: when the date is a Saturday
  // the Friday before is also closed, when a Sunday the Monday after (both
  // the date and the observed day are closed: fail closed).
  bool observed;
};

// One holiday ban: from/until as CallingHoursRow, no telemarketing calls on
// any of `holidays` in `jurisdiction`.
struct HolidayBanRow {
  const char* jurisdiction;  // "US-AL"
  const char* effective_from;
  const char* effective_until;
  const Holiday* holidays;
  int holiday_count;
  const char* source;
};

absl::Span<const HolidayBanRow> HolidayBanTable();

// Easter Sunday of `year` (anonymous Gregorian algorithm). REQUIRES: year
// in 1583-9999.
DayNumber EasterSunday(int year);

// The day `holiday` falls on in `year` (before the observed shift).
DayNumber HolidayDate(const Holiday& holiday, int year);

// Whether `holiday` closes `day`: it is the holiday's date, or (observed
// rules) the Friday before a Saturday date or the Monday after a Sunday one.
// `*date`, when given, receives the holiday's date that does it (which may be
// in the year before or after `day`'s).
bool HolidayCloses(const Holiday& holiday, DayNumber day,
                   DayNumber* date = nullptr);

// "fourth Thursday of November", "July 4", "last Monday of May",
// "Easter Sunday - 2 days".
std::string DescribeHolidayRule(const Holiday& holiday);

// What the rules allow in one jurisdiction on one local day.
struct DayRule {
  // False when neither the jurisdiction nor its country has an hours row in
  // force that day: no calls (fail closed).
  bool known = false;
  DayHours hours = kClosedDay;
  const CallingHoursRow* hours_row = nullptr;  // Where `hours` come from.
  // Set when a holiday ban closes the day (the hours are then closed).
  const HolidayBanRow* holiday_row = nullptr;
  const Holiday* holiday = nullptr;
  DayNumber holiday_date = 0;  // The holiday's own date (observed: differs).
};

// The rule of `jurisdiction` ("US-LA"; ASCII case-insensitive) on the local
// date `day`. Allocates nothing.
DayRule RuleOnDay(std::string_view jurisdiction, DayNumber day);

// The text saying why a DayRule closes its whole local `day` ("" if it does
// not), naming the row's jurisdiction and citing its source: "US-LA: no
// telemarketing calls on Sundays (La. R.S. ...)" or "US-AL: no telemarketing
// calls on legal holidays: Thanksgiving Day (fourth Thursday of November)
// (Ala. ...)".
std::string ClosureText(const DayRule& rule, DayNumber day);

// Whether any hours or holiday row names `jurisdiction` itself (not its
// country): a subdivision without one reads exactly as its country.
bool HasOwnCallingRules(std::string_view jurisdiction);

}  // namespace dnc::policy

#endif  // DNC_POLICY_CALLING_RULES_H_
