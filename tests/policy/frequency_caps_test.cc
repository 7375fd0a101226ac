// The call-frequency caps, row by row: each case names the row it checks,
// on the days around its effective date, for the area codes of its state.
#include "policy/frequency_caps.h"

#include <string>

#include "common/civil_date.h"
#include "gtest/gtest.h"

namespace dnc::policy {
namespace {

DayNumber D(const std::string& iso) {
  auto day = ParseIsoDate(iso);
  EXPECT_TRUE(day.ok()) << iso;
  return day.ok() ? *day : 0;
}

struct CapCase {
  const char* row;  // The rule and its source, as the table cites it.
  uint64_t e164;
  const char* day;
  int max_calls;  // 0 = no cap.
  const char* jurisdiction;
};

TEST(FrequencyCaps, EachRowOnTheDaysAroundItsEffectiveDate) {
  const CapCase cases[] = {
      {"Fla. Stat. 501.616(6)(b): Miami, from 2021-07-01", 13055550100,
       "2021-07-01", 3, "US-FL"},
      {"Fla. Stat. 501.616(6)(b): not before it", 13055550100, "2021-06-30", 0,
       ""},
      {"Fla. Stat. 501.616(6)(b): Tampa (813) today", 18135550100, "2026-12-03",
       3, "US-FL"},
      {"15 O.S. 775C.4: Oklahoma City (405), from 2022-11-01", 14055550100,
       "2022-11-01", 3, "US-OK"},
      {"15 O.S. 775C.4: not before it", 14055550100, "2022-10-31", 0, ""},
      {"Md. Code, Com. Law 14-4503: Baltimore (410), from 2024-01-01",
       14105550100, "2024-01-01", 3, "US-MD"},
      {"Md. Code, Com. Law 14-4503: not on 2023-12-31", 14105550100,
       "2023-12-31", 0, ""},
      {"no row: Texas (512)", 15125550100, "2026-12-03", 0, ""},
      {"no row: Toronto (416)", 14165550100, "2026-12-03", 0, ""},
      {"no row: outside +1 (London)", 442079460000, "2026-12-03", 0, ""},
  };
  for (const CapCase& c : cases) {
    SCOPED_TRACE(c.row);
    const FrequencyCap cap = FrequencyCapOf(c.e164, D(c.day));
    EXPECT_EQ(cap.max_calls, c.max_calls);
    EXPECT_EQ(std::string(cap.jurisdiction), c.jurisdiction);
    if (c.max_calls != 0) {
      EXPECT_EQ(cap.window_seconds, 24 * 60 * 60);
      EXPECT_FALSE(std::string(cap.source).empty());
    }
  }
}

TEST(FrequencyCaps, EveryRowHasDatesAndASource) {
  for (const FrequencyCapRow& row : FrequencyCapTable()) {
    SCOPED_TRACE(row.jurisdiction);
    EXPECT_TRUE(ParseIsoDate(row.effective_from).ok());
    if (row.effective_until[0] != '\0') {
      EXPECT_TRUE(ParseIsoDate(row.effective_until).ok());
    }
    EXPECT_GT(row.max_calls, 0);
    EXPECT_GT(row.window_seconds, 0);
    EXPECT_NE(std::string(row.source), "");
  }
  EXPECT_EQ(LongestCapWindowSeconds(), 24 * 60 * 60);
}

}  // namespace
}  // namespace dnc::policy
