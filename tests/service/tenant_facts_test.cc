// The tenant's part of a scrub without gRPC: a fake Tenant over the real
// engine and a fixture registry. Checks the answers against a simple oracle
// on generated data, that entitlement is asked per area code and not per
// number, that reasons stay sorted by entry, that a callable batch makes no
// reason text, the purpose a call is judged under, and the calling-window
// table.
#include "service/tenant_facts.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/emergencies.h"
#include "service/calling_windows.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "service/scrub_engine.h"
#include "service/source_set.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::ElementsAre;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");
const DayNumber kToday = kAsOf + 5;

class FakeTenant final : public tenant::Tenant {
 public:
  const std::string& name() const override { return name_; }
  policy::Purpose default_purpose() const override { return purpose_; }
  bool Entitled(std::string_view source, int npa) const override {
    ++entitled_calls;
    return npa < 0 || denied_npas.count(npa) == 0;
  }
  std::vector<tenant::Entitlement> entitlements() const override { return {}; }
  tenant::TenantLimits limits() const override { return {}; }
  bool deleted() const override { return false; }
  void LookupOptOuts(
      absl::Span<const uint64_t> e164,
      absl::Span<std::optional<DayNumber>> opted_out_on) const override {
    for (size_t i = 0; i < e164.size(); ++i) {
      auto it = opt_outs.find(e164[i]);
      if (it == opt_outs.end()) {
        opted_out_on[i].reset();
      } else {
        opted_out_on[i] = it->second;
      }
    }
  }
  void ConsentsOf(uint64_t e164,
                  std::vector<policy::ConsentRecord>* out) const override {
    auto it = consents.find(e164);
    if (it != consents.end()) out->push_back(it->second);
  }
  void TallyAttempts(std::string_view, absl::Span<const tenant::AttemptQuery>,
                     absl::Span<tenant::AttemptTally> tallies) const override {
    for (tenant::AttemptTally& tally : tallies) tally = {};
  }
  uint64_t recent_attempt_count() const override { return 0; }
  uint64_t opt_out_count() const override { return opt_outs.size(); }
  uint64_t consent_count() const override { return consents.size(); }

  std::map<uint64_t, DayNumber> opt_outs;
  std::map<uint64_t, policy::ConsentRecord> consents;
  std::set<int> denied_npas;
  mutable int entitled_calls = 0;

 private:
  std::string name_ = "fake";
  policy::Purpose purpose_ = policy::Purpose::kCharity;
};

class TenantFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 3000; ++i)
      numbers_.push_back(test::RandomValidNanp(rng));
    std::sort(numbers_.begin(), numbers_.end());
    numbers_.erase(std::unique(numbers_.begin(), numbers_.end()),
                   numbers_.end());
    std::shuffle(numbers_.begin(), numbers_.end(), rng);
    for (size_t i = 0; i < numbers_.size(); i += 10)
      listed_.insert(numbers_[i]);
    test::FixtureSource us;
    us.source = "us-ftc";
    us.jurisdiction = "US";
    us.as_of = kAsOf;
    us.keys.assign(listed_.begin(), listed_.end());
    ASSERT_TRUE(test::PublishFixtureSource(dir_.path(), us).ok());
    auto set = SourceSet::Open(dir_.path());
    ASSERT_TRUE(set.ok()) << set.status();
    sources_ = *set;
  }

  test::ScratchDir dir_;
  std::vector<uint64_t> numbers_;
  std::set<uint64_t> listed_;
  std::shared_ptr<const SourceSet> sources_;
};

TEST_F(TenantFactsTest, AnswersMatchAnOracleAndEntitlementIsAskedPerAreaCode) {
  FakeTenant tenant;
  std::mt19937_64 rng(11);
  std::set<int> npas;
  for (uint64_t e164 : numbers_) npas.insert(NanpAreaCode(e164));
  tenant.denied_npas.insert(*npas.begin());
  for (size_t i = 3; i < numbers_.size(); i += 17) {
    tenant.opt_outs[numbers_[i]] = kToday - 1;
  }
  for (size_t i = 0; i < numbers_.size(); i += 20) {  // Every other listed.
    tenant.consents[numbers_[i]] = {policy::ConsentType::kPurchase,
                                    kToday - 10};
  }

  std::vector<ParsedNumber> parsed;
  for (uint64_t e164 : numbers_) parsed.push_back(ClassifyE164(e164));
  parsed.push_back(ParsePhoneNumber("garbage"));
  ScrubResult result;
  ScrubScratch scratch;
  ScrubContext context;
  context.today = kToday;
  context.tenant = &tenant;
  ASSERT_TRUE(Scrub(*sources_, parsed, context, &result, &scratch).ok());

  // Numbers whose answer the tenant's records change.
  size_t expected_decided = 0;
  for (size_t i = 0; i < numbers_.size(); ++i) {
    const uint64_t e164 = numbers_[i];
    const bool opted_out = tenant.opt_outs.count(e164) != 0;
    const bool denied = tenant.denied_npas.count(NanpAreaCode(e164)) != 0;
    const bool listed = listed_.count(e164) != 0;
    const bool consent = tenant.consents.count(e164) != 0;
    Disposition expected = Disposition::kCallable;
    if (opted_out) {
      expected = Disposition::kInternal;
    } else if (denied) {
      expected = Disposition::kNotSubscribed;
    } else if (listed) {
      expected = consent ? Disposition::kExempt : Disposition::kBlocked;
    }
    if (opted_out || denied || (listed && consent)) ++expected_decided;
    EXPECT_EQ(result.dispositions[i], expected) << e164;
  }
  EXPECT_EQ(result.dispositions.back(), Disposition::kMalformed);
  // Entitlement is asked once per area code, not per number.
  EXPECT_LE(tenant.entitled_calls, static_cast<int>(npas.size()) + 1 +
                                       static_cast<int>(expected_decided));

  // Reasons sorted by entry; NOT_SUBSCRIBED entries say only NOT_ENTITLED.
  for (size_t r = 1; r < result.reasons.size(); ++r) {
    EXPECT_LE(result.reasons[r - 1].entry, result.reasons[r].entry);
  }
  for (const Reason& reason : result.reasons) {
    if (result.dispositions[reason.entry] == Disposition::kNotSubscribed) {
      EXPECT_EQ(reason.code, ReasonCode::kNotEntitled);
    }
    if (result.dispositions[reason.entry] == Disposition::kInternal) {
      EXPECT_EQ(reason.code, ReasonCode::kInternalList);
      EXPECT_EQ(reason.date, kToday - 1);
    }
  }
}

TEST_F(TenantFactsTest, CallableBatchMakesNoReasonText) {
  FakeTenant tenant;
  std::vector<ParsedNumber> parsed;
  for (uint64_t e164 : numbers_) {
    if (listed_.count(e164) == 0) parsed.push_back(ClassifyE164(e164));
  }
  ScrubResult result;
  ScrubScratch scratch;
  ScrubContext context;
  context.today = kToday;
  context.tenant = &tenant;
  ASSERT_TRUE(Scrub(*sources_, parsed, context, &result, &scratch).ok());
  EXPECT_TRUE(result.detail_storage.empty());
  for (Disposition d : result.dispositions) {
    EXPECT_EQ(d, Disposition::kCallable);
  }
  EXPECT_TRUE(result.reasons.empty());
}

TEST(ResolvePurposeTest, UnspecifiedTakesTheTenantDefaultAndUnknownIsAnError) {
  FakeTenant tenant;
  EXPECT_EQ(*ResolvePurpose(0, &tenant), policy::Purpose::kCharity);
  EXPECT_EQ(*ResolvePurpose(0, nullptr), policy::Purpose::kCommercial);
  EXPECT_EQ(*ResolvePurpose(4, &tenant), policy::Purpose::kSurvey);
  EXPECT_FALSE(ResolvePurpose(9, &tenant).ok());
  EXPECT_FALSE(ResolvePurpose(-1, &tenant).ok());
}

TEST(AssignWindowsTest, MalformedAndUnknownNumbersGetTheUnknownWindow) {
  WindowTable table;
  const absl::Time now = absl::FromUnixSeconds(1770390000);
  AssignWindows({0, 12122345678, 12122345679, 447911123456}, now, &table);
  ASSERT_EQ(table.index.size(), 4u);
  ASSERT_GE(table.windows.size(), 2u);
  EXPECT_FALSE(table.windows[0].known);
  EXPECT_EQ(table.index[0], 0u);
  EXPECT_NE(table.index[1], 0u);
  EXPECT_EQ(table.index[1], table.index[2]);
  EXPECT_TRUE(table.windows[table.index[1]].known);
  for (uint32_t index : table.index) EXPECT_LT(index, table.windows.size());
}

constexpr char kEmergencyHeader[] =
    "id,jurisdiction,area_codes,zip_prefixes,start,end,source\n";

// A declaration for Fort Myers (239) splits the US-FL window of a batch: its
// numbers are barred, Miami's (305, same zone and rules) are not, and each
// window is still evaluated once.
TEST(AssignWindowsTest, EmergenciesBarTheirAreaCodesOnly) {
  auto emergencies = policy::ParseEmergencies(
      "em.csv", absl::StrCat(kEmergencyHeader,
                             "fl-2026-ian,US-FL,239,,2026-09-28T12:00:00-04:00,"
                             "2026-10-12,Fla. Governor EO 26-210\n"));
  ASSERT_TRUE(emergencies.ok()) << emergencies.status();
  const absl::Time during = absl::FromCivil(
      absl::CivilSecond(2026, 10, 1, 16, 0, 0), absl::UTCTimeZone());
  WindowTable table;
  AssignWindows({12395550100, 13055550100, 12395550199, 13055550199}, during,
                &*emergencies, &table);
  ASSERT_EQ(table.windows.size(), 3u);  // Unknown, barred 239, open 305.
  EXPECT_EQ(table.index[0], table.index[2]);
  EXPECT_EQ(table.index[1], table.index[3]);
  const policy::CallingWindow& barred = table.windows[table.index[0]];
  const policy::CallingWindow& open = table.windows[table.index[1]];
  EXPECT_TRUE(barred.barred_today);
  EXPECT_FALSE(barred.open_now);
  ASSERT_EQ(barred.restrictions.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(barred.restrictions[0],
                               "emergency fl-2026-ian declared for US-FL"));
  EXPECT_TRUE(open.open_now);
  EXPECT_EQ(open.rule, "US-FL");
  // After its end the two area codes share one window again.
  const absl::Time after = absl::FromCivil(
      absl::CivilSecond(2026, 10, 14, 16, 0, 0), absl::UTCTimeZone());
  AssignWindows({12395550100, 13055550100}, after, &*emergencies, &table);
  EXPECT_EQ(table.index[0], table.index[1]);
  EXPECT_TRUE(table.windows[table.index[0]].open_now);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// The registry reads the emergencies file at Open and again on Reload when
// it changed; a file that cannot be read or parsed keeps the previous table.
TEST(RegistryEmergencies, ReloadedWhenTheFileChangesAndKeptWhenItBreaks) {
  test::ScratchDir dir;
  const std::string data = dir.Path("data");
  std::filesystem::create_directories(data);
  const std::string file = dir.Path("emergencies.csv");
  WriteFile(file,
            absl::StrCat(kEmergencyHeader, "a,US-FL,,,2026-09-28,,FDEM\n"));
  RegistryOptions options;
  options.data_dir = data;
  options.emergencies_file = file;
  auto registry = Registry::Open(options);
  ASSERT_TRUE(registry.ok()) << registry.status();
  ASSERT_NE((*registry)->Emergencies(), nullptr);
  EXPECT_EQ((*registry)->Emergencies()->rows.size(), 1u);

  WriteFile(file, absl::StrCat(kEmergencyHeader,
                               "a,US-FL,,,2026-09-28,,FDEM\n"
                               "b,US-LA,504,,2026-08-29,2026-09-05,GOHSEP\n"
                               "c,US-LA,212,,2026-08-29,,bad area code\n"));
  ASSERT_TRUE((*registry)->Reload().ok());
  EXPECT_EQ((*registry)->Emergencies()->rows.size(), 2u);
  EXPECT_EQ((*registry)->Emergencies()->rejected, 1u);

  WriteFile(file, "not the header\n");
  ASSERT_TRUE((*registry)->Reload().ok());
  EXPECT_EQ((*registry)->Emergencies()->rows.size(), 2u);  // Kept.
  std::filesystem::remove(file);
  ASSERT_TRUE((*registry)->Reload().ok());
  EXPECT_EQ((*registry)->Emergencies()->rows.size(), 2u);  // Kept.

  // Without a file there is no table; with a missing one Open fails.
  options.emergencies_file.clear();
  auto none = Registry::Open(options);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->Emergencies(), nullptr);
  options.emergencies_file = file;
  auto missing = Registry::Open(options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dnc::service
