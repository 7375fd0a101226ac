// Calling rules as dated data: hours by weekday, effective dates, holidays
// computed per year (fixed with the observed shift, nth and last weekday,
// Easter-relative), and how a number's window applies them at UTC instants
// on DST days. Every row cites the rule (and source) it checks.
#include "policy/calling_rules.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "common/nanp_regions.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace dnc::policy {
namespace {

DayNumber D(const char* iso) {
  auto day = ParseIsoDate(iso);
  EXPECT_TRUE(day.ok()) << iso;
  return day.ok() ? *day : 0;
}

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

int Hm(int h, int m = 0) { return h * 60 + m; }

// ---- Hours by weekday and effective dates (RuleOnDay) -----------------------

struct DayCase {
  const char* name;
  const char* jurisdiction;
  const char* day;
  bool closed;
  int start, end;
  const char* row;     // The hours row that applies.
  const char* source;  // The rule the case checks.
};

std::vector<DayCase> DayCases() {
  return {
      {"UsMonday", "US", "2026-11-23", false, Hm(8), Hm(21), "US",
       "47 CFR 64.1200(c)(1): 8:00-21:00"},
      {"UsSunday", "US", "2026-11-29", false, Hm(8), Hm(21), "US",
       "47 CFR 64.1200(c)(1): every day"},
      {"TexasReadsAsUs", "US-TX", "2026-11-23", false, Hm(8), Hm(21), "US",
       "no Texas row: inherits US"},
      {"CanadaWeekday", "CA-ON", "2026-11-23", false, Hm(9), Hm(21, 30), "CA",
       "CRTC Telemarketing Rules: 9:00-21:30 weekdays"},
      {"CanadaSaturday", "CA", "2026-11-28", false, Hm(10), Hm(18), "CA",
       "CRTC Telemarketing Rules: 10:00-18:00 weekends"},
      {"CanadaSunday", "CA-QC", "2026-11-29", false, Hm(10), Hm(18), "CA",
       "CRTC Telemarketing Rules: 10:00-18:00 weekends"},
      {"GreatBritain", "GB", "2026-11-28", false, Hm(8), Hm(21), "GB",
       "industry practice 8:00-21:00 (no statute)"},
      {"Florida", "US-FL", "2026-11-23", false, Hm(8), Hm(20), "US-FL",
       "Fla. Stat. 501.616(6)(a): 8:00-20:00"},
      {"FloridaLowerCase", "us-fl", "2026-11-29", false, Hm(8), Hm(20), "US-FL",
       "Fla. Stat. 501.616(6)(a): every day"},
      {"OklahomaDayBeforeTheAct", "US-OK", "2022-10-31", false, Hm(8), Hm(21),
       "US", "Oklahoma Telephone Solicitation Act of 2022: from 2022-11-01"},
      {"OklahomaFirstDayOfTheAct", "US-OK", "2022-11-01", false, Hm(8), Hm(20),
       "US-OK", "Oklahoma Telephone Solicitation Act of 2022: 8:00-20:00"},
      {"MarylandDayBeforeTheAct", "US-MD", "2023-12-31", false, Hm(8), Hm(21),
       "US", "Maryland Stop the Spam Calls Act: from 2024-01-01"},
      {"MarylandFirstDayOfTheAct", "US-MD", "2024-01-01", false, Hm(8), Hm(20),
       "US-MD", "Maryland Stop the Spam Calls Act: 8:00-20:00"},
      {"LouisianaSaturday", "US-LA", "2026-11-28", false, Hm(8), Hm(20),
       "US-LA", "La. R.S. 45:844.11 et seq.: 8:00-20:00"},
      {"LouisianaSunday", "US-LA", "2026-11-29", true, 0, 0, "US-LA",
       "La. R.S. 45:844.11 et seq.: no calls on Sundays"},
      {"LouisianaMonday", "US-LA", "2026-11-30", false, Hm(8), Hm(20), "US-LA",
       "La. R.S. 45:844.11 et seq.: Monday open"},
      {"ConnecticutNarrowerOfTheSummaries", "US-CT", "2026-11-23", false, Hm(9),
       Hm(20), "US-CT",
       "Conn. Gen. Stat. 42-288a: 9-20 vs 9-21, narrower taken"},
  };
}

class DayRules : public ::testing::TestWithParam<DayCase> {};

TEST_P(DayRules, HoursOfTheDay) {
  const DayCase& c = GetParam();
  const DayRule rule = RuleOnDay(c.jurisdiction, D(c.day));
  ASSERT_TRUE(rule.known) << c.source;
  ASSERT_NE(rule.hours_row, nullptr);
  EXPECT_STREQ(rule.hours_row->jurisdiction, c.row) << c.source;
  EXPECT_EQ(rule.hours.closed(), c.closed) << c.source;
  if (!c.closed) {
    EXPECT_EQ(rule.hours.start, c.start) << c.source;
    EXPECT_EQ(rule.hours.end, c.end) << c.source;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, DayRules, ::testing::ValuesIn(DayCases()),
                         [](const ::testing::TestParamInfo<DayCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(DayRules, UnknownJurisdictionHasNoHours) {
  for (const char* j : {"JM", "IN", "", "XX-YY"}) {
    EXPECT_FALSE(RuleOnDay(j, D("2026-11-23")).known) << j;
  }
}

TEST(DayRules, LouisianaSundaySaysWhyCitingTheRule) {
  const DayRule rule = RuleOnDay("US-LA", D("2026-11-29"));
  const std::string text = ClosureText(rule, D("2026-11-29"));
  EXPECT_TRUE(
      absl::StartsWith(text, "US-LA: no telemarketing calls on Sundays"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "La. R.S. 45:844.11")) << text;
  EXPECT_EQ(ClosureText(RuleOnDay("US-LA", D("2026-11-30")), D("2026-11-30")),
            "");
}

// ---- Holidays computed per year
// ----------------------------------------------

TEST(Holidays, EasterByTheAnonymousGregorianAlgorithm) {
  // Known dates of Easter Sunday.
  EXPECT_EQ(FormatIsoDate(EasterSunday(2024)), "2024-03-31");
  EXPECT_EQ(FormatIsoDate(EasterSunday(2025)), "2025-04-20");
  EXPECT_EQ(FormatIsoDate(EasterSunday(2026)), "2026-04-05");
  EXPECT_EQ(FormatIsoDate(EasterSunday(2027)), "2027-03-28");
  EXPECT_EQ(FormatIsoDate(EasterSunday(2000)), "2000-04-23");
  EXPECT_EQ(FormatIsoDate(EasterSunday(2038)), "2038-04-25");  // Latest.
  EXPECT_EQ(FormatIsoDate(EasterSunday(2285)), "2285-03-22");  // Earliest.
}

const Holiday* Find(const char* jurisdiction, const char* name) {
  for (const HolidayBanRow& row : HolidayBanTable()) {
    if (std::string(row.jurisdiction) != jurisdiction) continue;
    for (int i = 0; i < row.holiday_count; ++i) {
      if (std::string(row.holidays[i].name) == name) return &row.holidays[i];
    }
  }
  return nullptr;
}

struct MovingCase {
  const char* jurisdiction;
  const char* holiday;
  int year;
  const char* date;
  const char* rule;  // DescribeHolidayRule
};

std::vector<MovingCase> MovingCases() {
  return {
      // 5 U.S.C. 6103(a): fourth Thursday of November.
      {"US-AL", "Thanksgiving Day", 2024, "2024-11-28",
       "fourth Thursday of November"},
      {"US-AL", "Thanksgiving Day", 2025, "2025-11-27",
       "fourth Thursday of November"},
      {"US-AL", "Thanksgiving Day", 2026, "2026-11-26",
       "fourth Thursday of November"},
      {"US-AL", "Thanksgiving Day", 2027, "2027-11-25",
       "fourth Thursday of November"},
      // 5 U.S.C. 6103(a): last Monday in May.
      {"US-PA", "Memorial Day", 2024, "2024-05-27", "last Monday of May"},
      {"US-PA", "Memorial Day", 2025, "2025-05-26", "last Monday of May"},
      {"US-PA", "Memorial Day", 2026, "2026-05-25", "last Monday of May"},
      {"US-PA", "Memorial Day", 2027, "2027-05-31", "last Monday of May"},
      {"US-UT", "Labor Day", 2026, "2026-09-07", "first Monday of September"},
      {"US-RI", "Birthday of Martin Luther King, Jr.", 2026, "2026-01-19",
       "third Monday of January"},
      {"US-RI", "Victory Day", 2026, "2026-08-10", "second Monday of August"},
      // La. R.S. 1:55: Good Friday = Easter - 2, Mardi Gras = Easter - 47.
      {"US-LA", "Good Friday", 2024, "2024-03-29", "Easter Sunday - 2 days"},
      {"US-LA", "Good Friday", 2025, "2025-04-18", "Easter Sunday - 2 days"},
      {"US-LA", "Good Friday", 2026, "2026-04-03", "Easter Sunday - 2 days"},
      {"US-LA", "Good Friday", 2027, "2027-03-26", "Easter Sunday - 2 days"},
      {"US-LA", "Mardi Gras", 2024, "2024-02-13", "Easter Sunday - 47 days"},
      {"US-LA", "Mardi Gras", 2025, "2025-03-04", "Easter Sunday - 47 days"},
      {"US-LA", "Mardi Gras", 2026, "2026-02-17", "Easter Sunday - 47 days"},
      {"US-LA", "Mardi Gras", 2027, "2027-02-09", "Easter Sunday - 47 days"},
      // Miss. Code 3-3-7: last Monday of April.
      {"US-MS", "Confederate Memorial Day", 2026, "2026-04-27",
       "last Monday of April"},
      // 44 P.S. 11: the Tuesday after the first Monday of November.
      {"US-PA", "Election Day", 2026, "2026-11-03",
       "first Monday of November + 1 day"},
      {"US-PA", "Election Day", 2027, "2027-11-02",
       "first Monday of November + 1 day"},
  };
}

class MovingHolidays : public ::testing::TestWithParam<MovingCase> {};

TEST_P(MovingHolidays, FallOnTheRightDayAndCloseIt) {
  const MovingCase& c = GetParam();
  const Holiday* holiday = Find(c.jurisdiction, c.holiday);
  ASSERT_NE(holiday, nullptr) << c.jurisdiction << " " << c.holiday;
  EXPECT_EQ(FormatIsoDate(HolidayDate(*holiday, c.year)), c.date);
  EXPECT_EQ(DescribeHolidayRule(*holiday), c.rule);
  const DayRule on = RuleOnDay(c.jurisdiction, D(c.date));
  EXPECT_TRUE(on.hours.closed());
  EXPECT_EQ(on.holiday, holiday);
  const std::string text = ClosureText(on, D(c.date));
  EXPECT_TRUE(absl::StartsWith(
      text, std::string(c.jurisdiction) +
                ": no telemarketing calls on legal holidays: " + c.holiday +
                " (" + c.rule + ")"))
      << text;
  // The same day a week later is not that holiday.
  EXPECT_NE(RuleOnDay(c.jurisdiction, D(c.date) + 7).holiday, holiday);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MovingHolidays, ::testing::ValuesIn(MovingCases()),
    [](const ::testing::TestParamInfo<MovingCase>& p) {
      std::string name = std::string(p.param.jurisdiction) + "_" +
                         p.param.holiday + "_" + std::to_string(p.param.year);
      for (char& ch : name) {
        if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

struct ObservedCase {
  const char* name;
  const char* jurisdiction;
  const char* day;
  bool closed;
  const char* holiday;  // nullptr when open
  const char* source;
};

std::vector<ObservedCase> ObservedCases() {
  return {
      // 5 U.S.C. 6103(b): July 4 2026 is a Saturday, observed Friday July 3;
      // fail closed: both days are closed.
      {"July3Of2026IsObserved", "US-AL", "2026-07-03", true, "Independence Day",
       "6103(b) Saturday -> Friday"},
      {"July4Of2026ItselfStaysClosed", "US-AL", "2026-07-04", true,
       "Independence Day", "fail closed: the date itself too"},
      {"July6Of2026IsOpen", "US-AL", "2026-07-06", false, nullptr,
       "the Monday after a Saturday holiday is open"},
      // A Sunday date: the Monday after. Christmas 2022 was a Sunday.
      {"December26Of2022IsObserved", "US-PA", "2022-12-26", true,
       "Christmas Day", "6103(b) Sunday -> Monday"},
      {"December23Of2022IsOpen", "US-PA", "2022-12-23", false, nullptr,
       "the Friday before a Sunday holiday is open"},
      // January 1 2022 was a Saturday: observed Friday December 31 2021.
      {"December31Of2021IsObserved", "US-RI", "2021-12-31", true,
       "New Year's Day", "6103(b) across a year end"},
      // Utah's Pioneer Day (July 24) in 2027 is a Saturday.
      {"PioneerDayObserved", "US-UT", "2027-07-23", true, "Pioneer Day",
       "Utah Code 63G-1-301, observed"},
      // A state without a holiday ban.
      {"TexasOpenOnThanksgiving", "US-TX", "2026-11-26", false, nullptr,
       "no holiday ban in Texas"},
      {"FloridaOpenOnJuly4", "US-FL", "2026-07-04", false, nullptr,
       "no holiday ban in Florida"},
  };
}

class ObservedDays : public ::testing::TestWithParam<ObservedCase> {};

TEST_P(ObservedDays, CloseAsTheRuleSays) {
  const ObservedCase& c = GetParam();
  const DayRule rule = RuleOnDay(c.jurisdiction, D(c.day));
  ASSERT_TRUE(rule.known);
  EXPECT_EQ(rule.hours.closed(), c.closed) << c.source;
  if (c.holiday == nullptr) {
    EXPECT_EQ(rule.holiday, nullptr) << c.source;
  } else {
    ASSERT_NE(rule.holiday, nullptr) << c.source;
    EXPECT_STREQ(rule.holiday->name, c.holiday);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ObservedDays,
                         ::testing::ValuesIn(ObservedCases()),
                         [](const ::testing::TestParamInfo<ObservedCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(Holidays, ObservedDayTextNamesTheDateAndTheShift) {
  const DayRule rule = RuleOnDay("US-AL", D("2026-07-03"));
  const std::string text = ClosureText(rule, D("2026-07-03"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "Independence Day (July 4, 2026-07-04 is a Saturday, observed "
      "Friday 2026-07-03)"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "Ala. Code 8-19A")) << text;
}

TEST(Holidays, EveryBanStateClosesEveryFederalHolidayOf2026) {
  const char* kDates[] = {"2026-01-01", "2026-01-19", "2026-02-16",
                          "2026-05-25", "2026-06-19", "2026-07-03",
                          "2026-09-07", "2026-10-12", "2026-11-11",
                          "2026-11-26", "2026-12-25"};
  for (const char* state :
       {"US-AL", "US-LA", "US-MS", "US-PA", "US-RI", "US-UT"}) {
    for (const char* date : kDates) {
      EXPECT_TRUE(RuleOnDay(state, D(date)).hours.closed())
          << state << " " << date;
    }
    EXPECT_FALSE(RuleOnDay(state, D("2026-11-24")).hours.closed()) << state;
  }
}

// ---- The tables are well formed
// ----------------------------------------------

TEST(CallingRuleTables, EveryRowIsWellFormedAndCitesASource) {
  for (const CallingHoursRow& row : CallingHoursTable()) {
    const std::string name = row.jurisdiction;
    EXPECT_GT(std::string(row.source).size(), 20u) << name;
    for (const char* date : {row.effective_from, row.effective_until}) {
      if (date[0] != '\0') EXPECT_TRUE(ParseIsoDate(date).ok()) << name;
    }
    for (const DayHours& day : row.days) {
      EXPECT_GE(day.start, 0) << name;
      EXPECT_LE(day.end, 24 * 60) << name;
    }
    if (name.find('-') != std::string::npos) {
      EXPECT_TRUE(
          RuleOnDay(name.substr(0, name.find('-')), D("2026-01-05")).known)
          << name << " has no country hours";
    }
  }
  for (const HolidayBanRow& row : HolidayBanTable()) {
    EXPECT_GT(std::string(row.source).size(), 20u) << row.jurisdiction;
    EXPECT_GT(row.holiday_count, 0) << row.jurisdiction;
    for (int i = 0; i < row.holiday_count; ++i) {
      const Holiday& h = row.holidays[i];
      EXPECT_NE(std::string(h.name), "");
      // Falls in its year for every year we could be asked about.
      for (int year = 2000; year <= 2100; ++year) {
        const CivilDate date = CivilFromDays(HolidayDate(h, year));
        ASSERT_EQ(date.year, year) << h.name;
      }
    }
  }
}

// ---- Windows of numbers at UTC instants
// ----------------------------------------

struct WindowCase {
  const char* name;
  uint64_t e164;
  absl::Time now;
  bool open;
  bool barred;
  const char* rule;
  int start, end;
  const char* restriction;  // Substring of the first restriction, or "".
  const char* source;       // The rule the case checks.
};

std::vector<WindowCase> WindowCases() {
  return {
      // DST: New York springs forward on 2026-03-08 (8:00 EDT = 12:00 UTC;
      // the day before 8:00 EST = 13:00 UTC) and falls back on 2026-11-01
      // (8:00 EST = 13:00 UTC). Phoenix (623: America/Phoenix only) keeps MST
      // (8:00 = 15:00 UTC).
      {"NewYorkSpringForward0759", 12125550100, Utc(2026, 3, 8, 11, 59), false,
       false, "US", Hm(8), Hm(21), "", "47 CFR 64.1200(c)(1), EDT"},
      {"NewYorkSpringForward0800", 12125550100, Utc(2026, 3, 8, 12, 0), true,
       false, "US", Hm(8), Hm(21), "", "47 CFR 64.1200(c)(1), EDT"},
      {"NewYorkFallBack0759", 12125550100, Utc(2026, 11, 1, 12, 59), false,
       false, "US", Hm(8), Hm(21), "", "47 CFR 64.1200(c)(1), EST"},
      {"NewYorkFallBack0800", 12125550100, Utc(2026, 11, 1, 13, 0), true, false,
       "US", Hm(8), Hm(21), "", "47 CFR 64.1200(c)(1), EST"},
      {"PhoenixSpringForwardDay0759", 16235550100, Utc(2026, 3, 8, 14, 59),
       false, false, "US", Hm(8), Hm(21), "", "Phoenix: no DST"},
      {"PhoenixSpringForwardDay0800", 16235550100, Utc(2026, 3, 8, 15, 0), true,
       false, "US", Hm(8), Hm(21), "", "Phoenix: no DST"},
      {"PhoenixFallBackDay0759", 16235550100, Utc(2026, 11, 1, 14, 59), false,
       false, "US", Hm(8), Hm(21), "", "Phoenix: no DST"},
      {"PhoenixFallBackDay0800", 16235550100, Utc(2026, 11, 1, 15, 0), true,
       false, "US", Hm(8), Hm(21), "", "Phoenix: no DST"},
      // Louisiana (504 New Orleans, Central): Sunday 2026-11-29 barred all
      // day; Monday open 8:00-20:00.
      {"LouisianaSundayNoon", 15045550100, Utc(2026, 11, 29, 18, 0), false,
       true, "US-LA", 0, 0, "US-LA: no telemarketing calls on Sundays",
       "La. R.S. 45:844.11 et seq."},
      {"LouisianaMondayNoon", 15045550100, Utc(2026, 11, 30, 18, 0), true,
       false, "US-LA", Hm(8), Hm(20), "", "La. R.S. 45:844.11 et seq."},
      {"LouisianaMonday2000", 15045550100, Utc(2026, 12, 1, 2, 0), false, false,
       "US-LA", Hm(8), Hm(20), "", "La. R.S. 45:844.11 et seq.: ends 20:00"},
      {"LouisianaMardiGras2026", 15045550100, Utc(2026, 2, 17, 18, 0), false,
       true, "US-LA", 0, 0, "Mardi Gras (Easter Sunday - 47 days)",
       "La. R.S. 1:55"},
      // Alabama (205 Birmingham, Central) on Thanksgiving 2026.
      {"AlabamaThanksgiving", 12055550100, Utc(2026, 11, 26, 18, 0), false,
       true, "US", 0, 0,
       "US-AL: no telemarketing calls on legal holidays: Thanksgiving Day "
       "(fourth Thursday of November)",
       "Ala. Code 8-19A"},
      {"AlabamaDayAfterThanksgiving", 12055550100, Utc(2026, 11, 27, 18, 0),
       true, false, "US", Hm(8), Hm(21), "", "Ala. Code 8-19A"},
      // Effective dates at 20:30 local: Oklahoma (405, Central) before and
      // after 2022-11-01; Maryland (410, Eastern) around 2024-01-01.
      {"Oklahoma2022-10-31At2030", 14055550100, Utc(2022, 11, 1, 1, 30), true,
       false, "US", Hm(8), Hm(21), "", "before the OK Act: federal hours"},
      {"Oklahoma2022-11-01At2030", 14055550100, Utc(2022, 11, 2, 1, 30), false,
       false, "US-OK", Hm(8), Hm(20), "", "OK Act of 2022: 8:00-20:00"},
      {"Maryland2023-12-31At2030", 14105550100, Utc(2024, 1, 1, 1, 30), true,
       false, "US", Hm(8), Hm(21), "", "before the MD Act: federal hours"},
      {"Maryland2024-01-01At2030", 14105550100, Utc(2024, 1, 2, 1, 30), false,
       false, "US-MD", Hm(8), Hm(20), "", "MD Act: 8:00-20:00"},
      // Connecticut (203): 9:00-20:00, the narrower of the summaries.
      {"Connecticut0859", 12035550100, Utc(2026, 11, 23, 13, 59), false, false,
       "US-CT", Hm(9), Hm(20), "", "Conn. Gen. Stat. 42-288a"},
      {"Connecticut2000", 12035550100, Utc(2026, 11, 24, 1, 0), false, false,
       "US-CT", Hm(9), Hm(20), "", "Conn. Gen. Stat. 42-288a"},
      // Texas on Thanksgiving: no ban.
      {"TexasThanksgiving", 12145550100, Utc(2026, 11, 26, 18, 0), true, false,
       "US", Hm(8), Hm(21), "", "no Texas holiday ban"},
  };
}

class NumberWindows : public ::testing::TestWithParam<WindowCase> {};

TEST_P(NumberWindows, FollowTheRules) {
  const WindowCase& c = GetParam();
  const CallingWindow w = EvaluateWindow(WindowKeyOf(c.e164), c.now);
  ASSERT_TRUE(w.known) << c.source;
  EXPECT_EQ(w.open_now, c.open) << c.source << " at " << w.local_now;
  EXPECT_EQ(w.barred_today, c.barred) << c.source;
  EXPECT_EQ(w.rule, c.rule) << c.source;
  EXPECT_EQ(w.start_minute, c.start) << c.source;
  EXPECT_EQ(w.end_minute, c.end) << c.source;
  EXPECT_FALSE(w.source.empty());
  if (c.restriction[0] == '\0') {
    EXPECT_TRUE(w.restrictions.empty()) << absl::StrJoin(w.restrictions, "|");
  } else {
    ASSERT_EQ(w.restrictions.size(), 1u) << c.source;
    EXPECT_TRUE(absl::StrContains(w.restrictions[0], c.restriction))
        << w.restrictions[0];
    EXPECT_TRUE(absl::StrContains(w.restrictions[0], c.source))
        << w.restrictions[0];
  }
}

INSTANTIATE_TEST_SUITE_P(Table, NumberWindows,
                         ::testing::ValuesIn(WindowCases()),
                         [](const ::testing::TestParamInfo<WindowCase>& p) {
                           std::string name = p.param.name;
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

TEST(NumberWindows, StatesWithRulesHaveTheirOwnKeysAndOthersShareTheCountrys) {
  EXPECT_EQ(WindowKeyOf(12125550100), WindowKeyOf(14045550100));  // NY, GA.
  EXPECT_EQ(WindowKeyOf(12145550100), WindowKeyOf(13125550100));  // TX, IL.
  EXPECT_NE(WindowKeyOf(12055550100), WindowKeyOf(12145550100));  // AL, TX.
  EXPECT_NE(WindowKeyOf(15045550100), 0u);                        // LA.
  EXPECT_EQ(WindowKeyOf(18765550100), 0u);  // Jamaica: no rules.
}

}  // namespace
}  // namespace dnc::policy
