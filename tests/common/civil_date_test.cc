#include "common/civil_date.h"

#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc {
namespace {

TEST(CivilDateTest, EpochIsDayZero) {
  const absl::StatusOr<DayNumber> day = ParseIsoDate("1970-01-01");
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, 0);
  EXPECT_EQ(FormatIsoDate(0), "1970-01-01");
  EXPECT_EQ(FormatIsoDate(-1), "1969-12-31");
}

TEST(CivilDateTest, KnownDatesHaveKnownDayNumbers) {
  EXPECT_EQ(*ParseIsoDate("2000-03-01"), 11017);
  EXPECT_EQ(*ParseIsoDate("2026-11-22"), 20779);
}

TEST(CivilDateTest, EveryDayRoundTripsThroughFormatAndParse) {
  // 1900-01-01 .. 2100-12-31, consecutive days one apart.
  const DayNumber first = *ParseIsoDate("1900-01-01");
  const DayNumber last = *ParseIsoDate("2100-12-31");
  for (DayNumber day = first; day <= last; ++day) {
    const std::string text = FormatIsoDate(day);
    const absl::StatusOr<DayNumber> parsed = ParseIsoDate(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    ASSERT_EQ(*parsed, day) << text;
  }
}

TEST(CivilDateTest, LeapYearsFollowTheGregorianRule) {
  EXPECT_TRUE(ParseIsoDate("2024-02-29").ok());
  EXPECT_TRUE(ParseIsoDate("2000-02-29").ok());   // Divisible by 400.
  EXPECT_FALSE(ParseIsoDate("1900-02-29").ok());  // Divisible by 100 only.
  EXPECT_FALSE(ParseIsoDate("2026-02-29").ok());
  EXPECT_EQ(*ParseIsoDate("2024-03-01") - *ParseIsoDate("2024-02-28"), 2);
  EXPECT_EQ(*ParseIsoDate("2026-03-01") - *ParseIsoDate("2026-02-28"), 1);
}

TEST(CivilDateTest, RejectsDatesThatDoNotExist) {
  for (const char* text : {"2026-02-30", "2026-04-31", "2026-13-01",
                           "2026-00-10", "2026-01-00", "2026-01-32"}) {
    const absl::StatusOr<DayNumber> day = ParseIsoDate(text);
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(day.status().message()),
                ::testing::HasSubstr(text));
  }
}

TEST(CivilDateTest, RejectsOtherShapes) {
  for (const char* text :
       {"2026-1-5", "2026-01-5", "26-01-05", "2026/01/05", "20260105", "",
        " 2026-01-05", "2026-01-05 ", "2026-01-05T00:00:00Z", "2O26-01-05",
        "+026-01-05"}) {
    EXPECT_EQ(ParseIsoDate(text).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "[" << text << "]";
  }
}

TEST(CivilDateTest, TodayIsAFormattableRecentDate) {
  const DayNumber today = TodayUtc();
  EXPECT_GT(today, *ParseIsoDate("2024-01-01"));
  EXPECT_EQ(*ParseIsoDate(FormatIsoDate(today)), today);
  const std::string now = NowUtcTimestamp();
  EXPECT_THAT(now,
              ::testing::MatchesRegex(
                  "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
}

TEST(CivilDateTest, DayArithmeticMatchesAbslCivilDay) {
  // Every day of 0001-01-01 .. 9999-12-31 and a stretch either side.
  const absl::CivilDay epoch(1970, 1, 1);
  for (DayNumber day = -800000; day <= 3000000; ++day) {
    const absl::CivilDay want = epoch + day;
    const CivilDate got = CivilFromDays(day);
    ASSERT_EQ(got.year, want.year()) << day;
    ASSERT_EQ(got.month, want.month()) << day;
    ASSERT_EQ(got.day, want.day()) << day;
    ASSERT_EQ(DaysFromCivil(got.year, got.month, got.day), day);
  }
}

TEST(CivilDateTest, DaysInMonthFollowsTheCalendar) {
  EXPECT_EQ(DaysInMonth(2026, 1), 31);
  EXPECT_EQ(DaysInMonth(2026, 2), 28);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 4), 30);
  EXPECT_EQ(DaysInMonth(2026, 12), 31);
}

TEST(CivilDateTest, AddMonthsClampsAndGoesBothWays) {
  auto plus = [](const char* iso, int months) {
    return FormatIsoDate(AddMonths(*ParseIsoDate(iso), months));
  };
  EXPECT_EQ(plus("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(plus("2024-02-29", 12), "2025-02-28");
  EXPECT_EQ(plus("2026-11-15", 2), "2027-01-15");
  EXPECT_EQ(plus("2026-03-31", -1), "2026-02-28");
  EXPECT_EQ(plus("2026-01-15", -13), "2024-12-15");
  EXPECT_EQ(plus("1970-01-01", -1), "1969-12-01");
}

}  // namespace
}  // namespace dnc
