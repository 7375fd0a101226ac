// Decide() as one table of named cases: the facts about a number in, the
// disposition and its reasons out. Cases come from docs/rules.md and the
// rule order in policy/policy.h.
#include <deque>
#include <ostream>
#include <string>
#include <vector>

#include "common/civil_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace dnc::policy {
namespace {

DayNumber D(const std::string& iso) {
  auto day = ParseIsoDate(iso);
  EXPECT_TRUE(day.ok()) << iso;
  return day.ok() ? *day : 0;
}

struct Source {
  std::string source;
  std::string jurisdiction;
  bool listed = false;
  std::string added;  // "" = unknown
  bool stale = false;
  bool entitled = true;
};

struct Expect {
  ReasonCode why;
  uint32_t snapshot;       // kNoSnapshot where none applies.
  std::string date;        // "" = not checked.
  std::string detail_has;  // Substring of detail; "" = not checked.
};

struct Case {
  std::string name;
  uint64_t e164 = 12125550100;
  std::vector<Source> sources;  // Snapshot index = position.
  std::vector<std::pair<ConsentType, std::string>> records;
  Purpose purpose = Purpose::kCommercial;
  std::string today = "2026-11-23";
  bool opted_out = false;
  std::string opted_out_on;
  bool no_source = false;
  Disposition outcome = Disposition::kCallable;
  std::vector<Expect> reasons;

  explicit Case(std::string n) : name(std::move(n)) {}
  Case& Listed(std::string src, std::string jur, std::string added = "") {
    Source s;
    s.source = std::move(src);
    s.jurisdiction = std::move(jur);
    s.listed = true;
    s.added = std::move(added);
    sources.push_back(std::move(s));
    return *this;
  }
  Case& NotListed(std::string src, std::string jur) {
    Source s;
    s.source = std::move(src);
    s.jurisdiction = std::move(jur);
    sources.push_back(std::move(s));
    return *this;
  }
  Case& Stale() {
    sources.back().stale = true;
    return *this;
  }
  Case& Unentitled() {
    sources.back().entitled = false;
    return *this;
  }
  Case& Record(ConsentType type, std::string date) {
    records.emplace_back(type, std::move(date));
    return *this;
  }
  Case& For(Purpose p) {
    purpose = p;
    return *this;
  }
  Case& On(std::string day) {
    today = std::move(day);
    return *this;
  }
  Case& OptedOut(std::string day) {
    opted_out = true;
    opted_out_on = std::move(day);
    return *this;
  }
  Case& NoSource() {
    no_source = true;
    return *this;
  }
  Case& Number(uint64_t n) {
    e164 = n;
    return *this;
  }
  Case& Gives(Disposition o, std::vector<Expect> r = {}) {
    outcome = o;
    reasons = std::move(r);
    return *this;
  }
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

constexpr uint32_t kNone = kNoSnapshot;
const ConsentType kPurchase = ConsentType::kPurchase;
const ConsentType kInquiry = ConsentType::kInquiry;
const ConsentType kWritten = ConsentType::kWritten;

std::vector<Case> Cases() {
  std::vector<Case> c;
  // ---- 1. The internal list beats everything.
  c.push_back(
      Case("OptOutAfterAnEbrWins")
          .Listed("us-ftc", "US", "2024-01-01")
          .Record(kPurchase, "2026-10-01")
          .OptedOut("2026-11-01")
          .Gives(Disposition::kInternal, {{ReasonCode::kInternalList, kNone,
                                           "2026-11-01", "since 2026-11-01"}}));
  c.push_back(Case("InternalListBeatsWrittenConsentGivenLater")
                  .Listed("us-ftc", "US")
                  .Record(kWritten, "2026-06-01")
                  .OptedOut("2026-01-01")
                  .Gives(Disposition::kInternal, {{ReasonCode::kInternalList,
                                                   kNone, "2026-01-01", ""}}));
  c.push_back(Case("CharityCannotCallItsOwnOptOutsEvenOnARegisteredNumber")
                  .Listed("us-ftc", "US")
                  .For(Purpose::kCharity)
                  .OptedOut("2026-03-01")
                  .Gives(Disposition::kInternal, {{ReasonCode::kInternalList,
                                                   kNone, "", "overrides"}}));
  c.push_back(Case("InternalListAppliesToANumberOnNoRegistry")
                  .NotListed("us-ftc", "US")
                  .OptedOut("")
                  .Gives(Disposition::kInternal,
                         {{ReasonCode::kInternalList, kNone, "", ""}}));
  c.push_back(Case("InternalListBeatsMissingEntitlementAndStaleData")
                  .NotListed("us-ftc", "US")
                  .Unentitled()
                  .NotListed("us-pa", "US-PA")
                  .Stale()
                  .OptedOut("2026-02-02")
                  .Gives(Disposition::kInternal, {{ReasonCode::kInternalList,
                                                   kNone, "2026-02-02", ""}}));

  // ---- 2. No entitlement: NOT_SUBSCRIBED, nothing about the listing.
  c.push_back(Case("NotSubscribedBeatsAListingAndRevealsNothing")
                  .Listed("us-ftc", "US", "2020-05-05")
                  .Unentitled()
                  .Listed("us-pa", "US-PA", "2021-01-01")
                  .Gives(Disposition::kNotSubscribed,
                         {{ReasonCode::kNotEntitled, 0, "", "area code 212"}}));
  // Issue 10 item 6: a source the purpose is exempt from plays no part, so
  // it needs no subscription, and its listing is not shown to a seller who
  // has none (this answered NOT_SUBSCRIBED before).
  c.push_back(Case("APurposeExemptSourceNeedsNoSubscription")
                  .Listed("us-ftc", "US")
                  .Unentitled()
                  .For(Purpose::kCharity)
                  .Gives(Disposition::kCallable));
  c.push_back(Case("NotSubscribedToTheSourceThatApplies")
                  .Listed("us-ftc", "US")
                  .Unentitled()
                  .NotListed("in-ncpr", "IN")
                  .Unentitled()
                  .For(Purpose::kCharity)
                  .Gives(Disposition::kNotSubscribed,
                         {{ReasonCode::kNotEntitled, 1, "", "in-ncpr"}}));
  c.push_back(Case("OneNotEntitledReasonPerUnentitledSource")
                  .NotListed("us-ftc", "US")
                  .Unentitled()
                  .NotListed("us-pa", "US-PA")
                  .Unentitled()
                  .Gives(Disposition::kNotSubscribed,
                         {{ReasonCode::kNotEntitled, 0, "", ""},
                          {ReasonCode::kNotEntitled, 1, "", ""}}));

  // ---- 3. EBR windows: purchase 18 months in the US.
  c.push_back(
      Case("UsPurchaseEbrExcusesOnTheDayBeforeItsExpiry")
          .Listed("us-ftc", "US", "2019-01-01")
          .Record(kPurchase, "2025-05-23")
          .On("2026-11-22")
          .Gives(Disposition::kExempt,
                 {{ReasonCode::kListed, 0, "2019-01-01", "since 2019-01-01"},
                  {ReasonCode::kEbrPurchase, 0, "2025-05-23",
                   "purchase 2025-05-23; US allows 18 months: valid through "
                   "2026-11-22"}}));
  c.push_back(Case("UsPurchaseEbrNoLongerExcusesOnItsExpiryDay")
                  .Listed("us-ftc", "US")
                  .Record(kPurchase, "2025-05-23")
                  .On("2026-11-23")
                  .Gives(Disposition::kBlocked,
                         {{ReasonCode::kListed, 0, "", "date added unknown"},
                          {ReasonCode::kExemptionExpired, 0, "2025-05-23",
                           "purchase 2025-05-23; US allows 18 months: expired "
                           "2026-11-23"}}));
  c.push_back(Case("UsInquiryEbrExcusesWithinThreeMonths")
                  .Listed("us-ftc", "US")
                  .Record(kInquiry, "2026-09-01")
                  .On("2026-11-30")
                  .Gives(Disposition::kExempt,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kEbrInquiry, 0, "2026-09-01",
                           "valid through 2026-11-30"}}));
  c.push_back(Case("UsInquiryEbrExpiresAfterThreeMonths")
                  .Listed("us-ftc", "US")
                  .Record(kInquiry, "2026-06-01")
                  .On("2026-09-01")
                  .Gives(Disposition::kBlocked,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kExemptionExpired, 0, "2026-06-01",
                           "inquiry 2026-06-01; US allows 3 months: expired "
                           "2026-09-01"}}));
  c.push_back(
      Case("UsInquiryOnNovember30ExpiresOnFebruary28")
          .Listed("us-ftc", "US")
          .Record(kInquiry, "2026-11-30")
          .On("2027-02-28")
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""},
                                         {ReasonCode::kExemptionExpired, 0, "",
                                          "expired 2027-02-28"}}));
  c.push_back(Case("CanadaInquiryEbrStillExcusesAfterFiveMonths")
                  .Number(14165550100)
                  .Listed("ca-dncl", "CA")
                  .Record(kInquiry, "2026-06-01")
                  .On("2026-11-23")
                  .Gives(Disposition::kExempt,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kEbrInquiry, 0, "2026-06-01",
                           "CA allows 6 months: valid through 2026-11-30"}}));
  c.push_back(Case("CanadaInquiryEbrExpiresAfterSixMonths")
                  .Number(14165550100)
                  .Listed("ca-dncl", "CA")
                  .Record(kInquiry, "2026-06-01")
                  .On("2026-12-01")
                  .Gives(Disposition::kBlocked,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kExemptionExpired, 0, "",
                           "CA allows 6 months: expired 2026-12-01"}}));
  c.push_back(Case("CanadaPurchaseEbrLasts18Months")
                  .Number(14165550100)
                  .Listed("ca-dncl", "CA")
                  .Record(kPurchase, "2025-06-01")
                  .On("2026-11-30")
                  .Gives(Disposition::kExempt,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kEbrPurchase, 0, "", ""}}));
  c.push_back(
      Case("PennsylvaniaListBlocksA15MonthPurchaseTheFederalListExcuses")
          .Number(12155550100)
          .Listed("us-ftc", "US")
          .Listed("us-pa", "US-PA")
          .Record(kPurchase, "2025-08-23")
          .Gives(Disposition::kBlocked,
                 {{ReasonCode::kListed, 1, "", "us-pa (US-PA)"},
                  {ReasonCode::kExemptionExpired, 1, "2025-08-23",
                   "US-PA allows 12 months: expired 2026-08-23"}}));
  c.push_back(
      Case("PennsylvaniaPurchaseWithin12MonthsExcusesBothLists")
          .Number(12155550100)
          .Listed("us-ftc", "US")
          .Listed("us-pa", "US-PA")
          .Record(kPurchase, "2026-01-01")
          .Gives(
              Disposition::kExempt,
              {{ReasonCode::kListed, 0, "", ""},
               {ReasonCode::kEbrPurchase, 0, "", "US allows 18 months"},
               {ReasonCode::kListed, 1, "", ""},
               {ReasonCode::kEbrPurchase, 1, "", "US-PA allows 12 months"}}));
  c.push_back(Case("PennsylvaniaDoesNotRecogniseAnInquiryAlone")
                  .Number(12155550100)
                  .Listed("us-ftc", "US")
                  .Listed("us-pa", "US-PA")
                  .Record(kInquiry, "2026-11-01")
                  .Gives(Disposition::kBlocked,
                         {{ReasonCode::kListed, 1, "", ""},
                          {ReasonCode::kExemptionExpired, 1, "",
                           "US-PA does not recognise inquiry"}}));
  c.push_back(
      Case("StateWithoutARowFallsBackToTheFederalWindow")
          .Number(17135550100)
          .Listed("us-tx", "US-TX")
          .Record(kPurchase, "2025-08-23")
          .Gives(Disposition::kExempt, {{ReasonCode::kListed, 0, "", ""},
                                        {ReasonCode::kEbrPurchase, 0, "",
                                         "US-TX allows 18 months"}}));

  // ---- Written consent: until revoked (revoked records are not passed).
  c.push_back(
      Case("WrittenConsentExcusesYearsLater")
          .Listed("us-ftc", "US")
          .Record(kWritten, "2019-01-01")
          .Gives(Disposition::kExempt, {{ReasonCode::kListed, 0, "", ""},
                                        {ReasonCode::kWrittenConsent, 0,
                                         "2019-01-01", "until revoked"}}));
  c.push_back(
      Case("RevokedConsentIsNotPassedSoTheListingBlocks")
          .Listed("us-ftc", "US")
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""}}));

  // ---- Purposes.
  for (Purpose p : {Purpose::kCharity, Purpose::kPolitical, Purpose::kSurvey}) {
    const std::string name = PurposeName(p);
    std::string cap = name;
    cap[0] = static_cast<char>(cap[0] - 'a' + 'A');
    c.push_back(Case(cap + "CallToAUsRegisteredNumberIsExempt")
                    .Listed("us-ftc", "US")
                    .For(p)
                    .Gives(Disposition::kExempt,
                           {{ReasonCode::kListed, 0, "", ""},
                            {ReasonCode::kPurposeExempt, 0, "",
                             name + " calls are exempt from us-ftc"}}));
    c.push_back(Case(cap + "CallToACanadianRegisteredNumberIsExempt")
                    .Number(14165550100)
                    .Listed("ca-dncl", "CA")
                    .For(p)
                    .Gives(Disposition::kExempt,
                           {{ReasonCode::kListed, 0, "", ""},
                            {ReasonCode::kPurposeExempt, 0, "", ""}}));
  }
  c.push_back(
      Case("CommercialCallToAUsRegisteredNumberIsBlocked")
          .Listed("us-ftc", "US")
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""}}));
  c.push_back(
      Case("CommercialCallToACanadianRegisteredNumberIsBlocked")
          .Number(14165550100)
          .Listed("ca-dncl", "CA")
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""}}));
  c.push_back(
      Case("SurveyIsNotExemptFromTheUkTps")
          .Number(441635506160)
          .Listed("uk-tps", "GB")
          .For(Purpose::kSurvey)
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""}}));
  c.push_back(
      Case("CharityIsNotExemptFromTheUkTps")
          .Number(441635506160)
          .Listed("uk-tps", "GB")
          .For(Purpose::kCharity)
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""}}));
  c.push_back(
      Case("UkTpsHasNoEbrWindow")
          .Number(441635506160)
          .Listed("uk-tps", "GB")
          .Record(kPurchase, "2026-11-01")
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""},
                                         {ReasonCode::kExemptionExpired, 0, "",
                                          "GB does not recognise purchase"}}));
  c.push_back(Case("UkTpsHonoursConsent")
                  .Number(441635506160)
                  .Listed("uk-tps", "GB")
                  .Record(kWritten, "2026-11-01")
                  .Gives(Disposition::kExempt,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kWrittenConsent, 0, "", ""}}));
  c.push_back(
      Case("JurisdictionWithoutRulesExcusesNothing")
          .Listed("in-ncpr", "IN")
          .For(Purpose::kCharity)
          .Record(kWritten, "2026-01-01")
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""},
                                         {ReasonCode::kExemptionExpired, 0, "",
                                          "no rules are known for IN"}}));

  // ---- Several sources.
  c.push_back(
      Case("ListedOnTwoSourcesOneExcusedOneNotIsBlocked")
          .Listed("us-ftc", "US")
          .Listed("in-ncpr", "IN")
          .For(Purpose::kCharity)
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 1, "", ""}}));
  c.push_back(Case("ListedOnTwoSourcesBothExcusedIsExempt")
                  .Listed("us-ftc", "US")
                  .Listed("us-pa", "US-PA")
                  .For(Purpose::kPolitical)
                  .Gives(Disposition::kExempt,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kPurposeExempt, 0, "", ""},
                          {ReasonCode::kListed, 1, "", ""},
                          {ReasonCode::kPurposeExempt, 1, "", ""}}));

  // ---- 4. Stale or missing data.
  c.push_back(Case("StaleSourceThatDoesNotListTheNumberIsStale")
                  .NotListed("us-ftc", "US")
                  .Stale()
                  .Gives(Disposition::kStale, {{ReasonCode::kSourceStale, 0, "",
                                                "past its legal window"}}));
  c.push_back(
      Case("ListedOnAStaleSourceIsBlocked")
          .Listed("us-ftc", "US")
          .Stale()
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""}}));
  c.push_back(Case("NoSourceIsStale")
                  .NoSource()
                  .Gives(Disposition::kStale,
                         {{ReasonCode::kNoSource, kNone, "", ""}}));
  c.push_back(
      Case("BlockedBeatsStale")
          .Listed("us-ftc", "US")
          .NotListed("us-pa", "US-PA")
          .Stale()
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""}}));
  c.push_back(
      Case("StaleSourceOutweighsAnExcusedListingElsewhere")
          .Listed("us-ftc", "US")
          .NotListed("us-pa", "US-PA")
          .Stale()
          .Record(kPurchase, "2025-08-23")
          .Gives(Disposition::kStale, {{ReasonCode::kSourceStale, 1, "", ""},
                                       {ReasonCode::kListed, 0, "", ""},
                                       {ReasonCode::kEbrPurchase, 0, "", ""}}));
  c.push_back(Case("FreshSourceThatDoesNotListTheNumberIsCallable")
                  .NotListed("us-ftc", "US")
                  .Record(kPurchase, "2010-01-01")
                  .Gives(Disposition::kCallable));

  // ---- Which record counts.
  c.push_back(Case("NewestRecordIsChosen")
                  .Listed("us-ftc", "US")
                  .Record(kPurchase, "2025-12-01")
                  .Record(kInquiry, "2026-10-01")
                  .Gives(Disposition::kExempt,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kEbrInquiry, 0, "2026-10-01", ""}}));
  c.push_back(Case("NewestUnexpiredRecordBeatsANewerExpiredOne")
                  .Listed("us-ftc", "US")
                  .Record(kPurchase, "2026-01-01")
                  .Record(kInquiry, "2026-06-01")
                  .Gives(Disposition::kExempt,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kEbrPurchase, 0, "2026-01-01", ""}}));
  c.push_back(Case("RecordDatedInTheFutureDoesNotExcuse")
                  .Listed("us-ftc", "US")
                  .Record(kWritten, "2026-12-01")
                  .Gives(Disposition::kBlocked,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kExemptionExpired, 0, "2026-12-01",
                           "after today (2026-11-23)"}}));
  c.push_back(
      Case("UnknownConsentTypeDoesNotExcuse")
          .Listed("us-ftc", "US")
          .Record(static_cast<ConsentType>(9), "2026-11-01")
          .Gives(Disposition::kBlocked, {{ReasonCode::kListed, 0, "", ""},
                                         {ReasonCode::kExemptionExpired, 0, "",
                                          "record of unknown type 9"}}));
  c.push_back(Case("EachKindOfRecordThatFailsIsExplainedByItsNewest")
                  .Listed("us-ftc", "US")
                  .Record(kPurchase, "2024-01-01")
                  .Record(kWritten, "2027-01-01")
                  .Record(kPurchase, "2025-01-01")
                  .Record(kInquiry, "2026-01-01")
                  .Gives(Disposition::kBlocked,
                         {{ReasonCode::kListed, 0, "", ""},
                          {ReasonCode::kExemptionExpired, 0, "2025-01-01",
                           "purchase 2025-01-01; US allows 18 months: "
                           "expired 2026-07-01"},
                          {ReasonCode::kExemptionExpired, 0, "2026-01-01",
                           "inquiry 2026-01-01; US allows 3 months: expired "
                           "2026-04-01"},
                          {ReasonCode::kExemptionExpired, 0, "2027-01-01",
                           "written-consent 2027-01-01 is after today"}}));
  c.push_back(
      Case("UnspecifiedConsentTypeDoesNotExcuse")
          .Listed("us-ftc", "US")
          .Record(ConsentType::kUnspecified, "2026-11-01")
          .Gives(Disposition::kBlocked,
                 {{ReasonCode::kListed, 0, "", ""},
                  {ReasonCode::kExemptionExpired, 0, "", "excuses nothing"}}));
  return c;
}

class PolicyRules : public ::testing::TestWithParam<Case> {};

TEST_P(PolicyRules, DecidesAsTheRulesSay) {
  const Case& c = GetParam();
  std::vector<SourceFinding> findings;
  for (size_t i = 0; i < c.sources.size(); ++i) {
    const Source& s = c.sources[i];
    SourceFinding f;
    f.source = s.source;
    f.jurisdiction = s.jurisdiction;
    f.snapshot = static_cast<uint32_t>(i);
    f.listed = s.listed;
    f.added = s.added.empty() ? 0 : D(s.added);
    f.stale = s.stale;
    f.entitled = s.entitled;
    findings.push_back(f);
  }
  std::vector<ConsentRecord> records;
  for (const auto& [type, date] : c.records) records.push_back({type, D(date)});
  NumberFacts facts;
  facts.e164 = c.e164;
  facts.findings = findings;
  facts.no_source = c.no_source;
  facts.opted_out = c.opted_out;
  facts.opted_out_on = c.opted_out_on.empty() ? 0 : D(c.opted_out_on);
  facts.consents = records;
  facts.purpose = c.purpose;
  facts.today = D(c.today);

  std::vector<Reason> reasons;
  std::deque<std::string> texts;
  const Disposition disposition = Decide(facts, 0, &reasons, &texts);
  std::string got;
  for (const Reason& r : reasons) {
    got += "\n  why=" + std::to_string(static_cast<int>(r.code)) +
           " snapshot=" + std::to_string(r.snapshot) +
           " detail=" + std::string(r.detail);
  }
  SCOPED_TRACE("reasons:" + got);
  EXPECT_EQ(static_cast<int>(disposition), static_cast<int>(c.outcome));
  ASSERT_EQ(reasons.size(), c.reasons.size());
  for (size_t i = 0; i < c.reasons.size(); ++i) {
    const Reason& r = reasons[i];
    const Expect& e = c.reasons[i];
    EXPECT_EQ(static_cast<int>(r.code), static_cast<int>(e.why)) << i;
    EXPECT_EQ(r.snapshot, e.snapshot) << i;
    if (!e.date.empty()) {
      EXPECT_EQ(FormatIsoDate(r.date), e.date) << i;
    }
    EXPECT_FALSE(r.detail.empty()) << i;
    EXPECT_THAT(std::string(r.detail), ::testing::HasSubstr(e.detail_has)) << i;
    if (c.outcome == Disposition::kNotSubscribed) {
      // Nothing about the registry: no listing, no date added.
      EXPECT_EQ(r.date, 0) << i;
      EXPECT_THAT(std::string(r.detail),
                  ::testing::Not(::testing::HasSubstr("listed")));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, PolicyRules, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           return p.param.name;
                         });

// Issue 10 item 6, for every purpose x (the source applies / the purpose is
// exempt from it) x (fresh / stale) x (listed / unlisted): a source that does
// not apply to the call's purpose plays no part in the answer (neither its
// listing nor its staleness); a source that applies and is stale makes every
// number it covers not callable. The state source sits beside a fresh
// federal source that does not list the number, as a real route does.
struct Coherence {
  Purpose purpose;
  const char* jurisdiction;  // Of the state or national source under test.
  bool applies;              // Whether the purpose is judged by it.
};

TEST(PolicyCoherence, ASourceThePurposeIsExemptFromPlaysNoPart) {
  const std::vector<Coherence> table = {
      {Purpose::kCommercial, "US-PA", true}, {Purpose::kCommercial, "GB", true},
      {Purpose::kCharity, "US-PA", false},   {Purpose::kCharity, "CA", false},
      {Purpose::kCharity, "GB", true},       {Purpose::kCharity, "IN", true},
      {Purpose::kPolitical, "US-PA", false}, {Purpose::kPolitical, "GB", true},
      {Purpose::kSurvey, "US-PA", false},    {Purpose::kSurvey, "GB", true},
  };
  for (const Coherence& row : table) {
    for (const bool stale : {false, true}) {
      for (const bool listed : {false, true}) {
        SCOPED_TRACE(std::string(PurposeName(row.purpose)) + " " +
                     row.jurisdiction + (stale ? " stale" : " fresh") +
                     (listed ? " listed" : " unlisted"));
        SourceFinding federal;
        federal.source = "us-ftc";
        federal.jurisdiction = "US";
        federal.snapshot = 0;
        SourceFinding state;
        state.source = "state";
        state.jurisdiction = row.jurisdiction;
        state.snapshot = 1;
        state.listed = listed;
        state.stale = stale;
        const SourceFinding findings[] = {federal, state};
        NumberFacts facts;
        facts.e164 = 12155550100;
        facts.findings = findings;
        facts.purpose = row.purpose;
        facts.today = D("2026-11-23");
        std::vector<Reason> reasons;
        std::deque<std::string> texts;
        const Disposition got = Decide(facts, 0, &reasons, &texts);

        Disposition want = Disposition::kCallable;
        if (!row.applies) {
          want = listed ? Disposition::kExempt : Disposition::kCallable;
        } else if (listed) {
          want = Disposition::kBlocked;
        } else if (stale) {
          want = Disposition::kStale;
        }
        EXPECT_EQ(static_cast<int>(got), static_cast<int>(want));
        // Not callable only when the source applies; then a stale copy says
        // so, or a listing does.
        EXPECT_EQ(IsCallable(got), !row.applies || (!listed && !stale));
        bool cites_stale = false;
        for (const Reason& r : reasons) {
          cites_stale |= r.code == ReasonCode::kSourceStale;
        }
        EXPECT_EQ(cites_stale, row.applies && stale && !listed);
      }
    }
  }
}

TEST(PolicyNames, PurposesAndConsentTypesRoundTripCaseInsensitively) {
  for (Purpose p : {Purpose::kCommercial, Purpose::kCharity,
                    Purpose::kPolitical, Purpose::kSurvey}) {
    Purpose parsed = Purpose::kUnspecified;
    ASSERT_TRUE(ParsePurpose(PurposeName(p), &parsed)) << PurposeName(p);
    EXPECT_EQ(parsed, p);
  }
  Purpose purpose = Purpose::kUnspecified;
  EXPECT_TRUE(ParsePurpose("Charity", &purpose));
  EXPECT_EQ(purpose, Purpose::kCharity);
  EXPECT_FALSE(ParsePurpose("newspaper", &purpose));
  EXPECT_FALSE(ParsePurpose("", &purpose));
  for (ConsentType t :
       {ConsentType::kPurchase, ConsentType::kInquiry, ConsentType::kWritten}) {
    ConsentType parsed = ConsentType::kUnspecified;
    ASSERT_TRUE(ParseConsentType(ConsentTypeName(t), &parsed));
    EXPECT_EQ(parsed, t);
  }
  ConsentType type = ConsentType::kUnspecified;
  EXPECT_TRUE(ParseConsentType("WRITTEN-CONSENT", &type));
  EXPECT_EQ(type, ConsentType::kWritten);
  EXPECT_FALSE(ParseConsentType("verbal", &type));
}

}  // namespace
}  // namespace dnc::policy
