// The jurisdiction table: inheritance from a country's row, the rows as
// docs/rules.md states them, and calendar-month arithmetic at its edges.
// (Calling hours and holidays: calling_rules_test.)
#include "policy/jurisdiction_rules.h"

#include <random>
#include <string>

#include "absl/time/civil_time.h"
#include "common/civil_date.h"
#include "gtest/gtest.h"

namespace dnc::policy {
namespace {

DayNumber D(const std::string& iso) {
  auto day = ParseIsoDate(iso);
  EXPECT_TRUE(day.ok()) << iso;
  return day.ok() ? *day : 0;
}

std::string Plus(const std::string& iso, int months) {
  return FormatIsoDate(AddMonths(D(iso), months));
}

TEST(AddMonths, KeepsTheDayOfTheMonth) {
  EXPECT_EQ(Plus("2026-06-01", 3), "2026-09-01");
  EXPECT_EQ(Plus("2025-05-23", 18), "2026-11-23");
  EXPECT_EQ(Plus("2026-11-15", 2), "2027-01-15");  // Across a year end.
  EXPECT_EQ(Plus("2026-03-10", 0), "2026-03-10");
}

TEST(AddMonths, ClampsToTheEndOfAShorterMonth) {
  EXPECT_EQ(Plus("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(Plus("2028-01-31", 1), "2028-02-29");  // Leap year.
  EXPECT_EQ(Plus("2026-08-31", 1), "2026-09-30");
  EXPECT_EQ(Plus("2026-11-30", 3), "2027-02-28");
  EXPECT_EQ(Plus("2026-03-31", 6), "2026-09-30");
}

TEST(AddMonths, LeapDayPlusAYearIsFebruary28) {
  EXPECT_EQ(Plus("2024-02-29", 12), "2025-02-28");
  EXPECT_EQ(Plus("2024-02-29", 48), "2028-02-29");
  EXPECT_EQ(Plus("2024-02-29", 18), "2025-08-29");
}

TEST(AddMonths, MatchesAnOracleOnRandomDates) {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> days(D("2000-01-01"), D("2060-12-31"));
  std::uniform_int_distribution<int> months(0, 36);
  const absl::CivilDay epoch(1970, 1, 1);
  for (int i = 0; i < 20000; ++i) {
    const DayNumber day = days(rng);
    const int n = months(rng);
    const absl::CivilDay from = epoch + day;
    // Oracle: walk month by month from the first of the month.
    int y = static_cast<int>(from.year()), m = from.month();
    for (int k = 0; k < n; ++k) {
      if (++m == 13) {
        m = 1;
        ++y;
      }
    }
    int last = 31;
    while (absl::CivilDay(y, m, last).month() != m) --last;
    const absl::CivilDay want(y, m, from.day() < last ? from.day() : last);
    ASSERT_EQ(AddMonths(day, n), static_cast<DayNumber>(want - epoch))
        << FormatIsoDate(day) << " + " << n;
    ASSERT_GT(AddMonths(day, n + 1), AddMonths(day, n));  // Monotone.
  }
}

TEST(JurisdictionRules, UsFederalRowIsDomainMds) {
  const JurisdictionRules us = RulesFor("US");
  ASSERT_TRUE(us.known);
  EXPECT_EQ(us.ebr_purchase_months, 18);
  EXPECT_EQ(us.ebr_inquiry_months, 3);
  EXPECT_TRUE(us.written_consent);
  EXPECT_TRUE(PurposeExempt(us, Purpose::kCharity));
  EXPECT_TRUE(PurposeExempt(us, Purpose::kPolitical));
  EXPECT_TRUE(PurposeExempt(us, Purpose::kSurvey));
  EXPECT_FALSE(PurposeExempt(us, Purpose::kCommercial));
  EXPECT_FALSE(PurposeExempt(us, Purpose::kUnspecified));
}

TEST(JurisdictionRules, CanadaRowIsDomainMds) {
  const JurisdictionRules ca = RulesFor("CA");
  ASSERT_TRUE(ca.known);
  EXPECT_EQ(ca.ebr_purchase_months, 18);
  EXPECT_EQ(ca.ebr_inquiry_months, 6);
  EXPECT_TRUE(PurposeExempt(ca, Purpose::kSurvey));
}

TEST(JurisdictionRules, SubdivisionOverridesOnlyTheFieldsItSets) {
  const JurisdictionRules pa = RulesFor("US-PA");
  EXPECT_EQ(pa.ebr_purchase_months, 12);
  EXPECT_EQ(pa.ebr_inquiry_months, 0);
  EXPECT_TRUE(pa.written_consent);                       // From US.
  EXPECT_TRUE(PurposeExempt(pa, Purpose::kCharity));     // From US.
  const JurisdictionRules pa_lower = RulesFor("us-pa");  // Case-insensitive.
  EXPECT_EQ(pa_lower.ebr_purchase_months, 12);
}

TEST(JurisdictionRules, StateWithoutARowReadsAsItsCountry) {
  const JurisdictionRules tx = RulesFor("US-TX");
  const JurisdictionRules us = RulesFor("US");
  EXPECT_TRUE(tx.known);
  EXPECT_EQ(tx.ebr_purchase_months, us.ebr_purchase_months);
  EXPECT_EQ(tx.ebr_inquiry_months, us.ebr_inquiry_months);
  EXPECT_EQ(tx.exempt_purposes, us.exempt_purposes);
  EXPECT_EQ(RulesFor("US-FL").ebr_purchase_months, 18);
  EXPECT_TRUE(RulesFor("CA-ON").known);
  EXPECT_EQ(RulesFor("CA-ON").ebr_inquiry_months, 6);
}

TEST(JurisdictionRules, UnknownJurisdictionExcusesNothing) {
  for (const char* j : {"IN", "AU", "", "-", "XX-YY", "USA"}) {
    const JurisdictionRules r = RulesFor(j);
    EXPECT_FALSE(r.known) << j;
    EXPECT_EQ(r.ebr_purchase_months, 0) << j;
    EXPECT_EQ(r.ebr_inquiry_months, 0) << j;
    EXPECT_FALSE(r.written_consent) << j;
    EXPECT_EQ(r.exempt_purposes, 0u) << j;
  }
}

TEST(JurisdictionRules, GreatBritainHasConsentButNoEbrOrExemptPurpose) {
  const JurisdictionRules gb = RulesFor("GB");
  EXPECT_EQ(gb.ebr_purchase_months, 0);
  EXPECT_EQ(gb.ebr_inquiry_months, 0);
  EXPECT_TRUE(gb.written_consent);
  EXPECT_EQ(gb.exempt_purposes, 0u);
}

// Every registry applies to a commercial call (docs/rules.md): the purpose
// exemptions are for charity, political and survey calls only.
TEST(JurisdictionRules, NoRowExemptsCommercialCalls) {
  for (const JurisdictionRow& row : JurisdictionTable()) {
    EXPECT_FALSE(
        PurposeExempt(RulesFor(row.jurisdiction), Purpose::kCommercial))
        << row.jurisdiction;
  }
}

TEST(JurisdictionRules, EveryRowIsWellFormed) {
  for (const JurisdictionRow& row : JurisdictionTable()) {
    const std::string name = row.jurisdiction;
    const bool country = name.find('-') == std::string::npos;
    EXPECT_NE(std::string(row.basis), "") << name;
    if (country) {  // Country rows are complete.
      EXPECT_NE(row.ebr_purchase_months, kInherit) << name;
      EXPECT_NE(row.ebr_inquiry_months, kInherit) << name;
      EXPECT_NE(row.written_consent, kInherit) << name;
      EXPECT_NE(row.exempt_purposes, kInherit) << name;
    } else {
      EXPECT_TRUE(RulesFor(name.substr(0, name.find('-'))).known)
          << name << " has no country row";
    }
  }
}

}  // namespace
}  // namespace dnc::policy
