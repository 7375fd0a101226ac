#include "common/civil_date.h"

#include <string>

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

}  // namespace
}  // namespace dnc
