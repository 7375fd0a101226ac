#include "policy/calling_rules.h"

#include <array>
#include <climits>
#include <cstddef>

#include "absl/strings/str_cat.h"

namespace dnc::policy {
namespace {

constexpr int16_t H(int hour, int minute = 0) {
  return static_cast<int16_t>(hour * 60 + minute);
}
constexpr DayHours Hours(int16_t start, int16_t end) {
  return DayHours{start, end};
}

// ---- Hours ------------------------------------------------------------------
//
// The values come from vendor and law-firm summaries gathered 2026-12, not
// from statute text; each source line says which law the summaries name and
// where they are uncertain. Where summaries disagree the narrower window is
// taken (fail closed). Days: Monday ... Sunday.
constexpr DayHours kUs8To21 = Hours(H(8), H(21));
constexpr DayHours kUs8To20 = Hours(H(8), H(20));

constexpr CallingHoursRow kHoursRows[] = {
    {"US",
     "",
     "",
     {kUs8To21, kUs8To21, kUs8To21, kUs8To21, kUs8To21, kUs8To21, kUs8To21},
     "47 CFR 64.1200(c)(1) (TCPA): no telephone solicitation before 8:00 or "
     "after 21:00 local time of the called party; TSR 16 CFR 310.4(c) "
     "likewise"},
    {"CA",
     "",
     "",
     {Hours(H(9), H(21, 30)), Hours(H(9), H(21, 30)), Hours(H(9), H(21, 30)),
      Hours(H(9), H(21, 30)), Hours(H(9), H(21, 30)), Hours(H(10), H(18)),
      Hours(H(10), H(18))},
     "CRTC Unsolicited Telecommunications Rules (Telemarketing Rules): "
     "9:00-21:30 weekdays, 10:00-18:00 Saturdays and Sundays, local time of "
     "the called party"},
    {"GB",
     "",
     "",
     {kUs8To21, kUs8To21, kUs8To21, kUs8To21, kUs8To21, kUs8To21, kUs8To21},
     "No statutory calling hours (PECR 2003); 8:00-21:00 every day is "
     "industry practice (Ofcom persistent-misuse guidance), not law"},
    {"US-FL",
     "",
     "",
     {kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20},
     "Fla. Stat. 501.616(6)(a) (FTSA), per summaries: 8:00-20:00 local; "
     "applied to all dates (whether the end moved from 21:00 to 20:00 with "
     "SB 1120 of 2021 is not verified: the narrower hours fail closed)"},
    {"US-OK",
     "2022-11-01",
     "",
     {kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20},
     "Oklahoma Telephone Solicitation Act of 2022 (HB 3168, 15 O.S. 775C.1 "
     "et seq.), in force 2022-11-01, per summaries: 8:00-20:00 local"},
    {"US-MD",
     "2024-01-01",
     "",
     {kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20},
     "Maryland Stop the Spam Calls Act of 2023 (SB 90, Md. Code Com. Law "
     "14-4501 et seq.), in force 2024-01-01, per summaries: 8:00-20:00 local"},
    {"US-LA",
     "",
     "",
     {kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kUs8To20, kClosedDay},
     "Louisiana Telephone Solicitation Relief Act (La. R.S. 45:844.11 et "
     "seq.), per summaries: 8:00-20:00 local, no calls on Sundays (section "
     "numbers not verified against the statute)"},
    {"US-CT",
     "",
     "",
     {Hours(H(9), H(20)), Hours(H(9), H(20)), Hours(H(9), H(20)),
      Hours(H(9), H(20)), Hours(H(9), H(20)), Hours(H(9), H(20)),
      Hours(H(9), H(20))},
     "Conn. Gen. Stat. 42-288a as amended in 2023 (PA 23-98): summaries "
     "disagree (9:00-20:00 or 9:00-21:00); the narrower 9:00-20:00 is taken "
     "(fail closed), and applied to all dates (effective date not "
     "verified)"},
};
constexpr size_t kHoursRowCount = sizeof(kHoursRows) / sizeof(kHoursRows[0]);

// ---- Holidays ---------------------------------------------------------------

constexpr int8_t kMon = 0, kThu = 3;
constexpr Holiday Fixed(const char* name, int month, int day) {
  return Holiday{name,
                 HolidayRule::kFixedDate,
                 static_cast<int8_t>(month),
                 static_cast<int8_t>(day),
                 0,
                 0,
                 0,
                 true};
}
constexpr Holiday Nth(const char* name, int nth, int8_t weekday, int month,
                      int offset = 0) {
  return Holiday{
      name,    HolidayRule::kNthWeekday, static_cast<int8_t>(month),   0,
      weekday, static_cast<int8_t>(nth), static_cast<int16_t>(offset), false};
}
constexpr Holiday Last(const char* name, int8_t weekday, int month) {
  return Holiday{name,
                 HolidayRule::kLastWeekday,
                 static_cast<int8_t>(month),
                 0,
                 weekday,
                 0,
                 0,
                 false};
}
constexpr Holiday Easter(const char* name, int offset) {
  return Holiday{name, HolidayRule::kEaster,         0,    0, 0,
                 0,    static_cast<int16_t>(offset), false};
}

// The federal legal public holidays (5 U.S.C. 6103(a)), with the observed
// shift of 6103(b). The states below list these among their legal holidays;
// where a state's own list differs (e.g. one that does not observe Columbus
// Day), the superset closes more days, never fewer (fail closed).
constexpr Holiday kFederalHolidays[] = {
    Fixed("New Year's Day", 1, 1),
    Nth("Birthday of Martin Luther King, Jr.", 3, kMon, 1),
    Nth("Washington's Birthday", 3, kMon, 2),
    Last("Memorial Day", kMon, 5),
    Fixed("Juneteenth National Independence Day", 6, 19),
    Fixed("Independence Day", 7, 4),
    Nth("Labor Day", 1, kMon, 9),
    Nth("Columbus Day", 2, kMon, 10),
    Fixed("Veterans Day", 11, 11),
    Nth("Thanksgiving Day", 4, kThu, 11),
    Fixed("Christmas Day", 12, 25),
};
constexpr int kFederalHolidayCount =
    sizeof(kFederalHolidays) / sizeof(kFederalHolidays[0]);

// States' own extra legal holidays, as far as the summaries name them.
constexpr Holiday kAlabamaHolidays[] = {
    Easter("Mardi Gras", -47),
    Nth("Confederate Memorial Day", 4, kMon, 4),
    Nth("Jefferson Davis' Birthday", 1, kMon, 6),
};
constexpr Holiday kLouisianaHolidays[] = {
    Easter("Mardi Gras", -47),
    Easter("Good Friday", -2),
};
constexpr Holiday kMississippiHolidays[] = {
    Last("Confederate Memorial Day", kMon, 4),
};
constexpr Holiday kPennsylvaniaHolidays[] = {
    Fixed("Flag Day", 6, 14), Easter("Good Friday", -2),
    Nth("Election Day", 1, kMon, 11, 1),  // Tuesday after the first Monday.
};
constexpr Holiday kRhodeIslandHolidays[] = {
    Nth("Victory Day", 2, kMon, 8),
};
constexpr Holiday kUtahHolidays[] = {
    Fixed("Pioneer Day", 7, 24),
};

template <size_t N>
constexpr int Count(const Holiday (&)[N]) {
  return static_cast<int>(N);
}

constexpr char kFederalList[] =
    "; holiday list: the federal legal holidays (5 U.S.C. 6103), the exact "
    "state list not verified (a superset fails closed)";

// Holiday bans: DOMAIN summaries (gathered 2026-12) name AL, LA, MS, PA, RI
// and UT as barring telemarketing calls on holidays. Sections are as the
// summaries give them, not verified against statute text.
constexpr HolidayBanRow kHolidayRows[] = {
    {"US-AL", "", "", kFederalHolidays, kFederalHolidayCount,
     "Alabama telemarketing law (Ala. Code 8-19A), per summaries: no calls on "
     "legal holidays"},
    {"US-AL", "", "", kAlabamaHolidays, Count(kAlabamaHolidays),
     "Alabama legal holidays (Ala. Code 1-3-8), per summaries; Mardi Gras is "
     "a holiday in Baldwin and Mobile counties only, applied statewide (area "
     "codes do not follow counties: fail closed)"},
    {"US-LA", "", "", kFederalHolidays, kFederalHolidayCount,
     "Louisiana Telephone Solicitation Relief Act (La. R.S. 45:844.11 et "
     "seq.), per summaries: no calls on legal holidays"},
    {"US-LA", "", "", kLouisianaHolidays, Count(kLouisianaHolidays),
     "Louisiana legal holidays (La. R.S. 1:55), per summaries: Mardi Gras "
     "and Good Friday besides the federal ones (other days of 1:55 and days "
     "the governor proclaims are not listed: load those as declarations)"},
    {"US-MS", "", "", kFederalHolidays, kFederalHolidayCount,
     "Mississippi telephone solicitation law (Miss. Code 77-3-725), per "
     "summaries: no calls on legal holidays"},
    {"US-MS", "", "", kMississippiHolidays, Count(kMississippiHolidays),
     "Mississippi legal holidays (Miss. Code 3-3-7), per summaries"},
    {"US-PA", "", "", kFederalHolidays, kFederalHolidayCount,
     "Pennsylvania Telemarketer Registration Act (73 P.S. 2241 et seq.), per "
     "summaries: no calls on legal holidays"},
    {"US-PA", "", "", kPennsylvaniaHolidays, Count(kPennsylvaniaHolidays),
     "Pennsylvania legal holidays (44 P.S. 11), per summaries; not verified "
     "(a superset fails closed)"},
    {"US-RI", "", "", kFederalHolidays, kFederalHolidayCount,
     "Rhode Island telephone sales law (R.I. Gen. Laws 5-61), per summaries: "
     "no calls on legal holidays"},
    {"US-RI", "", "", kRhodeIslandHolidays, Count(kRhodeIslandHolidays),
     "Rhode Island legal holidays (R.I. Gen. Laws 25-1-1), per summaries"},
    {"US-UT", "", "", kFederalHolidays, kFederalHolidayCount,
     "Utah Telephone and Facsimile Solicitation Act (Utah Code 13-25a), per "
     "summaries: no calls on legal holidays"},
    {"US-UT", "", "", kUtahHolidays, Count(kUtahHolidays),
     "Utah legal holidays (Utah Code 63G-1-301), per summaries"},
};
constexpr size_t kHolidayRowCount =
    sizeof(kHolidayRows) / sizeof(kHolidayRows[0]);

// ---- Helpers ----------------------------------------------------------------

char Upper(char c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Upper(a[i]) != Upper(b[i])) return false;
  }
  return true;
}

// A row's dates, parsed once. A date that does not parse makes the row
// apply always (the table test rejects such rows).
struct Dates {
  DayNumber from = INT32_MIN;
  DayNumber until = INT32_MAX;  // Exclusive.
  bool InForce(DayNumber day) const { return day >= from && day < until; }
};

Dates ParseDates(const char* from, const char* until) {
  Dates dates;
  if (from != nullptr && from[0] != '\0') {
    if (auto day = ParseIsoDate(from); day.ok()) dates.from = *day;
  }
  if (until != nullptr && until[0] != '\0') {
    if (auto day = ParseIsoDate(until); day.ok()) dates.until = *day;
  }
  return dates;
}

const std::array<Dates, kHoursRowCount>& HoursDates() {
  static const std::array<Dates, kHoursRowCount> dates = [] {
    std::array<Dates, kHoursRowCount> out{};
    for (size_t i = 0; i < kHoursRowCount; ++i) {
      out[i] = ParseDates(kHoursRows[i].effective_from,
                          kHoursRows[i].effective_until);
    }
    return out;
  }();
  return dates;
}

const std::array<Dates, kHolidayRowCount>& HolidayDates() {
  static const std::array<Dates, kHolidayRowCount> dates = [] {
    std::array<Dates, kHolidayRowCount> out{};
    for (size_t i = 0; i < kHolidayRowCount; ++i) {
      out[i] = ParseDates(kHolidayRows[i].effective_from,
                          kHolidayRows[i].effective_until);
    }
    return out;
  }();
  return dates;
}

int Weekday(DayNumber day) {  // Monday = 0; 1970-01-01 was a Thursday.
  const int w = static_cast<int>((static_cast<int64_t>(day) + 3) % 7);
  return w < 0 ? w + 7 : w;
}

constexpr const char* kMonthNames[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kOrdinals[] = {"first", "second", "third", "fourth",
                                     "fifth"};

// The hours row of `jurisdiction` itself in force on `day`, or nullptr.
// When several are, the last in the table (a later row amends an earlier).
const CallingHoursRow* OwnHoursRow(std::string_view jurisdiction,
                                   DayNumber day) {
  const CallingHoursRow* found = nullptr;
  for (size_t i = 0; i < kHoursRowCount; ++i) {
    if (EqualsIgnoreCase(kHoursRows[i].jurisdiction, jurisdiction) &&
        HoursDates()[i].InForce(day)) {
      found = &kHoursRows[i];
    }
  }
  return found;
}

// The first holiday of `jurisdiction`'s own ban rows closing `day`.
bool OwnHoliday(std::string_view jurisdiction, DayNumber day, DayRule* rule) {
  for (size_t i = 0; i < kHolidayRowCount; ++i) {
    const HolidayBanRow& row = kHolidayRows[i];
    if (!EqualsIgnoreCase(row.jurisdiction, jurisdiction) ||
        !HolidayDates()[i].InForce(day)) {
      continue;
    }
    for (int h = 0; h < row.holiday_count; ++h) {
      DayNumber date = 0;
      if (HolidayCloses(row.holidays[h], day, &date)) {
        rule->holiday_row = &row;
        rule->holiday = &row.holidays[h];
        rule->holiday_date = date;
        return true;
      }
    }
  }
  return false;
}

}  // namespace

const char* WeekdayName(int weekday) {
  static constexpr const char* kNames[] = {"Monday",   "Tuesday", "Wednesday",
                                           "Thursday", "Friday",  "Saturday",
                                           "Sunday"};
  return weekday >= 0 && weekday < kDaysPerWeek ? kNames[weekday] : "?";
}

absl::Span<const CallingHoursRow> CallingHoursTable() { return kHoursRows; }

absl::Span<const HolidayBanRow> HolidayBanTable() { return kHolidayRows; }

DayNumber EasterSunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = ((h + l - 7 * m + 114) % 31) + 1;
  return DaysFromCivil(year, month, day);
}

DayNumber HolidayDate(const Holiday& holiday, int year) {
  DayNumber date = 0;
  switch (holiday.rule) {
    case HolidayRule::kFixedDate:
      date = DaysFromCivil(year, holiday.month, holiday.day);
      break;
    case HolidayRule::kNthWeekday: {
      const DayNumber first = DaysFromCivil(year, holiday.month, 1);
      const int ahead = (holiday.weekday - Weekday(first) + 7) % 7;
      date = first + ahead + 7 * (holiday.nth - 1);
      break;
    }
    case HolidayRule::kLastWeekday: {
      const DayNumber last =
          DaysFromCivil(year, holiday.month, DaysInMonth(year, holiday.month));
      const int back = (Weekday(last) - holiday.weekday + 7) % 7;
      date = last - back;
      break;
    }
    case HolidayRule::kEaster:
      date = EasterSunday(year);
      break;
  }
  return date + holiday.offset;
}

bool HolidayCloses(const Holiday& holiday, DayNumber day, DayNumber* date) {
  const int year = static_cast<int>(CivilFromDays(day).year);
  // An observed day may fall in the year before its date (a Saturday
  // January 1 closes December 31), and no rule moves a date by more than a
  // few weeks: the neighbouring years cover every case.
  for (int y = year - 1; y <= year + 1; ++y) {
    const DayNumber d = HolidayDate(holiday, y);
    bool closes = d == day;
    if (!closes && holiday.observed) {
      const int w = Weekday(d);
      closes = (w == 5 && d - 1 == day) || (w == 6 && d + 1 == day);
    }
    if (closes) {
      if (date != nullptr) *date = d;
      return true;
    }
  }
  return false;
}

std::string DescribeHolidayRule(const Holiday& holiday) {
  std::string text;
  const char* month = holiday.month >= 1 && holiday.month <= 12
                          ? kMonthNames[holiday.month - 1]
                          : "?";
  switch (holiday.rule) {
    case HolidayRule::kFixedDate:
      text = absl::StrCat(month, " ", holiday.day);
      break;
    case HolidayRule::kNthWeekday:
      text = absl::StrCat(holiday.nth >= 1 && holiday.nth <= 5
                              ? kOrdinals[holiday.nth - 1]
                              : "?",
                          " ", WeekdayName(holiday.weekday), " of ", month);
      break;
    case HolidayRule::kLastWeekday:
      text = absl::StrCat("last ", WeekdayName(holiday.weekday), " of ", month);
      break;
    case HolidayRule::kEaster:
      text = "Easter Sunday";
      break;
  }
  if (holiday.offset != 0) {
    const int days = holiday.offset < 0 ? -holiday.offset : holiday.offset;
    absl::StrAppend(&text, holiday.offset < 0 ? " - " : " + ", days,
                    days == 1 ? " day" : " days");
  }
  return text;
}

DayRule RuleOnDay(std::string_view jurisdiction, DayNumber day) {
  DayRule rule;
  const size_t dash = jurisdiction.find('-');
  const std::string_view country = jurisdiction.substr(0, dash);
  const CallingHoursRow* row = OwnHoursRow(jurisdiction, day);
  if (row == nullptr && dash != std::string_view::npos) {
    row = OwnHoursRow(country, day);
  }
  if (row == nullptr) return rule;  // Unknown: closed.
  rule.known = true;
  rule.hours_row = row;
  rule.hours = row->days[Weekday(day)];
  if (OwnHoliday(jurisdiction, day, &rule) ||
      (dash != std::string_view::npos && OwnHoliday(country, day, &rule))) {
    rule.hours = kClosedDay;
  }
  return rule;
}

std::string ClosureText(const DayRule& rule, DayNumber day) {
  if (!rule.known || !rule.hours.closed()) return "";
  if (rule.holiday != nullptr) {
    std::string text = absl::StrCat(
        rule.holiday_row->jurisdiction,
        ": no telemarketing calls on legal holidays: ", rule.holiday->name,
        " (", DescribeHolidayRule(*rule.holiday));
    if (rule.holiday_date != day) {
      absl::StrAppend(&text, ", ", FormatIsoDate(rule.holiday_date), " is a ",
                      WeekdayName(Weekday(rule.holiday_date)), ", observed ",
                      WeekdayName(Weekday(day)), " ", FormatIsoDate(day));
    }
    absl::StrAppend(&text, ") (", rule.holiday_row->source, ")");
    return text;
  }
  return absl::StrCat(rule.hours_row->jurisdiction,
                      ": no telemarketing calls on ", WeekdayName(Weekday(day)),
                      "s (", rule.hours_row->source, ")");
}

bool HasOwnCallingRules(std::string_view jurisdiction) {
  for (const CallingHoursRow& row : kHoursRows) {
    if (EqualsIgnoreCase(row.jurisdiction, jurisdiction)) return true;
  }
  for (const HolidayBanRow& row : kHolidayRows) {
    if (EqualsIgnoreCase(row.jurisdiction, jurisdiction)) return true;
  }
  return false;
}

}  // namespace dnc::policy
