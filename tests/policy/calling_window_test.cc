// Calling windows: a number's presumed zones (generated from libphonenumber's
// time-zone data) and its jurisdiction's hours, evaluated at UTC instants.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/nanp_regions.h"
#include "gtest/gtest.h"
#include "policy/nanp_time_zones.h"
#include "policy/policy.h"

// From the generated nanp_time_zones_check.cc.
struct NanpTimeZoneCheck {
  const char* prefix;
  uint64_t sample;
  const char* zones;
};
extern const NanpTimeZoneCheck kNanpTimeZoneChecks[];
extern const int kNanpTimeZoneCheckCount;

namespace dnc::policy {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi),
                         absl::UTCTimeZone());
}

int Hm(int h, int m) { return h * 60 + m; }

struct WindowCase {
  const char* name;
  uint64_t e164;
  absl::Time now;
  const char* zones;  // '|'-joined
  const char* rule;
  int start, end;
  const char* local_now;
  bool open;
};

std::vector<WindowCase> WindowCases() {
  return {
      // New York: 8:00 EST is 13:00 UTC.
      {"NewYorkOpensAt8Local", 12125550100, Utc(2026, 11, 23, 13, 0),
       "America/New_York", "US", Hm(8, 0), Hm(21, 0), "2026-11-23 08:00 Mon",
       true},
      {"NewYorkClosedAt759Local", 12125550100, Utc(2026, 11, 23, 12, 59),
       "America/New_York", "US", Hm(8, 0), Hm(21, 0), "2026-11-23 07:59 Mon",
       false},
      {"NewYorkClosesAt21Local", 12125550100, Utc(2026, 11, 24, 2, 0),
       "America/New_York", "US", Hm(8, 0), Hm(21, 0), "2026-11-23 21:00 Mon",
       false},
      // Florida 8:00-20:00; Georgia (same zone) federal 8:00-21:00.
      {"MiamiClosedAt20Local", 13055550100, Utc(2026, 11, 24, 1, 0),
       "America/New_York", "US-FL", Hm(8, 0), Hm(20, 0), "2026-11-23 20:00 Mon",
       false},
      {"MiamiOpenAt1959Local", 13055550100, Utc(2026, 11, 24, 0, 59),
       "America/New_York", "US-FL", Hm(8, 0), Hm(20, 0), "2026-11-23 19:59 Mon",
       true},
      {"AtlantaOpenAt20Local", 14045550100, Utc(2026, 11, 24, 1, 0),
       "America/New_York", "US", Hm(8, 0), Hm(21, 0), "2026-11-23 20:00 Mon",
       true},
      // Toronto: 10:00-18:00 weekends, 9:00-21:30 weekdays (EST = UTC-5).
      {"TorontoSaturdayOpenAt1759", 14165550100, Utc(2026, 11, 28, 22, 59),
       "America/Toronto", "CA", Hm(10, 0), Hm(18, 0), "2026-11-28 17:59 Sat",
       true},
      {"TorontoSaturdayClosedAt18", 14165550100, Utc(2026, 11, 28, 23, 0),
       "America/Toronto", "CA", Hm(10, 0), Hm(18, 0), "2026-11-28 18:00 Sat",
       false},
      {"TorontoSundayClosedAt959", 14165550100, Utc(2026, 11, 29, 14, 59),
       "America/Toronto", "CA", Hm(10, 0), Hm(18, 0), "2026-11-29 09:59 Sun",
       false},
      {"TorontoWeekdayOpenAt2129", 14165550100, Utc(2026, 11, 24, 2, 29),
       "America/Toronto", "CA", Hm(9, 0), Hm(21, 30), "2026-11-23 21:29 Mon",
       true},
      {"TorontoWeekdayClosedAt2130", 14165550100, Utc(2026, 11, 24, 2, 30),
       "America/Toronto", "CA", Hm(9, 0), Hm(21, 30), "2026-11-23 21:30 Mon",
       false},
      // DST: on 2026-03-08 New York springs forward at 2:00, so 8:00 EDT is
      // 12:00 UTC (it was 13:00 UTC the day before).
      {"NewYorkSpringForwardDayOpensAt8Edt", 12125550100,
       Utc(2026, 3, 8, 12, 0), "America/New_York", "US", Hm(8, 0), Hm(21, 0),
       "2026-03-08 08:00 Sun", true},
      {"NewYorkSpringForwardDayClosedAt759Edt", 12125550100,
       Utc(2026, 3, 8, 11, 59), "America/New_York", "US", Hm(8, 0), Hm(21, 0),
       "2026-03-08 07:59 Sun", false},
      {"NewYorkDayBeforeSpringForwardClosedAt12Utc", 12125550100,
       Utc(2026, 3, 7, 12, 0), "America/New_York", "US", Hm(8, 0), Hm(21, 0),
       "2026-03-07 07:00 Sat", false},
      {"NewYorkFallBackDayClosedAt1230Utc", 12125550100,
       Utc(2026, 11, 1, 12, 30), "America/New_York", "US", Hm(8, 0), Hm(21, 0),
       "2026-11-01 07:30 Sun", false},
      // Arizona 602: the data lists Denver and Phoenix. In summer Phoenix
      // (no DST) is an hour behind Denver: the window is the intersection,
      // 9:00-21:00 Denver time.
      {"Arizona602SummerClosedWhilePhoenixIsBefore8", 16025550100,
       Utc(2026, 7, 15, 14, 30), "America/Denver|America/Phoenix", "US",
       Hm(9, 0), Hm(21, 0), "2026-07-15 08:30 Wed", false},
      {"Arizona602SummerOpenWhenBothAreInside", 16025550100,
       Utc(2026, 7, 15, 15, 0), "America/Denver|America/Phoenix", "US",
       Hm(9, 0), Hm(21, 0), "2026-07-15 09:00 Wed", true},
      {"Arizona602SummerClosedAt21Denver", 16025550100, Utc(2026, 7, 16, 3, 0),
       "America/Denver|America/Phoenix", "US", Hm(9, 0), Hm(21, 0),
       "2026-07-15 21:00 Wed", false},
      {"Arizona602WinterZonesAgree", 16025550100, Utc(2026, 1, 14, 15, 0),
       "America/Denver|America/Phoenix", "US", Hm(8, 0), Hm(21, 0),
       "2026-01-14 08:00 Wed", true},
      // Idaho 208 by exchange (per the data: 208-201 Denver, 208-215
      // Los Angeles, 208-200 Boise or Los Angeles). 15:30 UTC in November
      // is 8:30 Mountain, 7:30 Pacific.
      {"Idaho208201IsMountain", 12082015555, Utc(2026, 11, 23, 15, 30),
       "America/Denver", "US", Hm(8, 0), Hm(21, 0), "2026-11-23 08:30 Mon",
       true},
      {"Idaho208215IsPacific", 12082155555, Utc(2026, 11, 23, 15, 30),
       "America/Los_Angeles", "US", Hm(8, 0), Hm(21, 0), "2026-11-23 07:30 Mon",
       false},
      {"Idaho208200IsAmbiguousBoiseOrLosAngeles", 12082005555,
       Utc(2026, 11, 23, 15, 30), "America/Boise|America/Los_Angeles", "US",
       Hm(9, 0), Hm(21, 0), "2026-11-23 08:30 Mon", false},
      // UK: +44 -> Europe/London under the GB row (8:00-21:00).
      {"LondonOpenAt8Gmt", 441635506160, Utc(2026, 11, 23, 8, 0),
       "Europe/London", "GB", Hm(8, 0), Hm(21, 0), "2026-11-23 08:00 Mon",
       true},
      {"LondonClosedAt21Gmt", 442079460000, Utc(2026, 11, 23, 21, 0),
       "Europe/London", "GB", Hm(8, 0), Hm(21, 0), "2026-11-23 21:00 Mon",
       false},
      {"LondonOpenAt0730UtcInSummer", 441635506160, Utc(2026, 7, 15, 7, 30),
       "Europe/London", "GB", Hm(8, 0), Hm(21, 0), "2026-07-15 08:30 Wed",
       true},
  };
}

class CallingWindows : public ::testing::TestWithParam<WindowCase> {};

TEST_P(CallingWindows, EvaluatesAsTheRulesSay) {
  const WindowCase& c = GetParam();
  const WindowKey key = WindowKeyOf(c.e164);
  ASSERT_NE(key, 0u) << c.e164;
  const CallingWindow w = EvaluateWindow(key, c.now);
  EXPECT_TRUE(w.known);
  EXPECT_EQ(absl::StrJoin(w.time_zones, "|"), c.zones);
  EXPECT_EQ(w.rule, c.rule);
  EXPECT_EQ(w.start_minute, c.start);
  EXPECT_EQ(w.end_minute, c.end);
  EXPECT_EQ(w.local_now, c.local_now);
  EXPECT_EQ(w.open_now, c.open);
}

INSTANTIATE_TEST_SUITE_P(Table, CallingWindows,
                         ::testing::ValuesIn(WindowCases()),
                         [](const ::testing::TestParamInfo<WindowCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(CallingWindow, UnknownNumbersHaveKeyZeroAndAreNeverOpen) {
  // 999: not an area code; +33: no zone or rule here; 0: nothing; Jamaica
  // (876): a zone is known but no hours rule.
  for (uint64_t e164 : {19995550100ULL, 33142685300ULL, 0ULL, 18765550100ULL,
                        4ULL, 61291234567ULL}) {
    EXPECT_EQ(WindowKeyOf(e164), 0u) << e164;
  }
  const CallingWindow w = EvaluateWindow(0, Utc(2026, 11, 23, 15, 0));
  EXPECT_FALSE(w.known);
  EXPECT_FALSE(w.open_now);
  EXPECT_TRUE(w.time_zones.empty());
  EXPECT_TRUE(w.rule.empty());
}

TEST(CallingWindow, MalformedKeysAreUnknown) {
  const absl::Time now = Utc(2026, 11, 23, 15, 0);
  const WindowKey good = WindowKeyOf(12125550100);
  for (WindowKey key : {good & ~0xffu, good | 0xffu, 0xffffff01u, 1u}) {
    const CallingWindow w = EvaluateWindow(key, now);
    EXPECT_FALSE(w.known) << key;
    EXPECT_FALSE(w.open_now) << key;
  }
}

TEST(CallingWindow, NumbersWithTheSameZonesAndRuleShareAKey) {
  EXPECT_EQ(WindowKeyOf(12125550100), WindowKeyOf(16465550199));  // NYC
  EXPECT_EQ(WindowKeyOf(12125550100), WindowKeyOf(14045550100));  // GA
  EXPECT_NE(WindowKeyOf(13055550100), WindowKeyOf(14045550100));  // FL rule
  EXPECT_NE(WindowKeyOf(12082015555), WindowKeyOf(12082155555));  // Zones
  EXPECT_EQ(WindowKeyOf(441635506160), WindowKeyOf(442079460000));
}

// WindowKeyOf reads one key per area code unless the area code's exchanges
// lie in different zones: within every area code, two exchanges share a key
// exactly when they share a zone set, and an area code has one key when
// NanpZonesVaryByExchange says so.
TEST(CallingWindow, KeysFollowTheZoneSetOfEveryExchange) {
  int varying = 0;
  for (uint64_t npa = 200; npa <= 999; ++npa) {
    const uint64_t first = 10'000'000'000ULL + npa * 10'000'000ULL + 2'000'000;
    bool one_zone_set = true;
    for (uint64_t nxx = 200; nxx <= 999; ++nxx) {
      const uint64_t e164 =
          10'000'000'000ULL + npa * 10'000'000ULL + nxx * 10'000ULL + 1234;
      const bool same_zones = NanpZoneSetOf(e164) == NanpZoneSetOf(first);
      one_zone_set = one_zone_set && same_zones;
      ASSERT_EQ(WindowKeyOf(e164) == WindowKeyOf(first), same_zones)
          << "number " << e164;
    }
    if (!one_zone_set) {
      ++varying;
      EXPECT_TRUE(NanpZonesVaryByExchange(static_cast<int>(npa))) << npa;
    }
  }
  EXPECT_GT(varying, 0);  // 208 (Idaho), 605, 850, ... span two zones.
}

// The generated table against libphonenumber: for every NANP prefix of its
// time-zone data, a number whose longest matching prefix it is gets exactly
// the zones libphonenumber's own lookup gives (the generator took them from
// phonenumbers.timezone.time_zones_for_geographical_number).
TEST(NanpTimeZoneTable, MatchesLibphonenumberOnEveryPrefix) {
  ASSERT_GT(kNanpTimeZoneCheckCount, 1500);
  int checked = 0, windows = 0;
  const absl::Time now = Utc(2026, 11, 23, 17, 0);
  for (int i = 0; i < kNanpTimeZoneCheckCount; ++i) {
    const NanpTimeZoneCheck& check = kNanpTimeZoneChecks[i];
    if (check.sample == 0) continue;  // Longer prefixes cover all of it.
    ++checked;
    const ZoneSetId id = NanpZoneSetOf(check.sample);
    std::vector<std::string> zones;
    for (int z = 0; z < ZoneSetSize(id); ++z)
      zones.push_back(ZoneSetZone(id, z));
    ASSERT_EQ(absl::StrJoin(zones, "|"), check.zones)
        << check.prefix << " " << check.sample;
    // Where the area code has an hours rule, the window shows those zones.
    const WindowKey key = WindowKeyOf(check.sample);
    const NpaInfo& info = LookupNpa(NanpAreaCode(check.sample));
    const std::string country = info.country;
    if (country == "US" || country == "CA") {
      ASSERT_NE(key, 0u) << check.sample;
      const CallingWindow w = EvaluateWindow(key, now);
      ASSERT_TRUE(w.known) << check.sample;
      ASSERT_EQ(absl::StrJoin(w.time_zones, "|"), check.zones);
      ASSERT_EQ(w.rule.substr(0, 2), country) << check.sample;
      ++windows;
    }
  }
  EXPECT_GT(checked, 1500);
  EXPECT_GT(windows, 1500);
}

TEST(NanpTimeZoneTable, AreaCodesTheDataDoesNotPlaceHaveNoZone) {
  EXPECT_EQ(NanpZoneSetOf(19995550100), 0);   // 999: not assigned.
  EXPECT_EQ(NanpZoneSetOf(12115550100), 0);   // 211: N11 code.
  EXPECT_EQ(NanpZoneSetOf(442079460000), 0);  // Not NANP.
  EXPECT_NE(std::string(TimeZoneDataSource()).find("libphonenumber"),
            std::string::npos);
}

TEST(CallingWindow, ConcurrentEvaluationsAgree) {
  const std::vector<uint64_t> numbers = {12125550100, 16025550100, 14165550100,
                                         12082005555, 19075550100, 18085550100,
                                         441635506160};
  const absl::Time now = Utc(2026, 7, 15, 18, 0);
  std::vector<CallingWindow> want;
  for (uint64_t n : numbers)
    want.push_back(EvaluateWindow(WindowKeyOf(n), now));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < numbers.size(); ++i) {
          const CallingWindow w = EvaluateWindow(WindowKeyOf(numbers[i]), now);
          if (w.open_now != want[i].open_now ||
              w.local_now != want[i].local_now ||
              w.time_zones != want[i].time_zones) {
            ++mismatches[t];
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << t;
  for (const CallingWindow& w : want) EXPECT_TRUE(w.known);
}

}  // namespace
}  // namespace dnc::policy
