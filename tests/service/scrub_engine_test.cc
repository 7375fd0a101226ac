#include "service/scrub_engine.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/nanp_regions.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/source_set.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::ElementsAre;

const DayNumber kAsOf = *ParseIsoDate("2026-01-01");

// One expected or actual reason, with the snapshot resolved to its source id.
using ReasonTuple = std::tuple<ReasonCode, std::string, DayNumber>;

struct Expected {
  Disposition disposition = Disposition::kUnspecified;
  uint64_t e164 = 0;
  std::vector<ReasonTuple> reasons;
};

// The plain in-memory model of the rules in scrub_engine.h and Route.
struct OracleSource {
  std::string source;
  std::string jurisdiction;
  std::vector<uint32_t> country_codes;
  DayNumber as_of = 0;
  int32_t max_age_days = 0;
  std::unordered_map<uint64_t, DayNumber> added;  // key -> added day
};

Expected Oracle(const std::vector<OracleSource>& sources,
                const ParsedNumber& number, DayNumber today) {
  Expected out;
  out.e164 = number.number_class == NumberClass::kMalformed ? 0 : number.e164;
  if (number.number_class == NumberClass::kMalformed) {
    out.disposition = Disposition::kMalformed;
    out.reasons.emplace_back(ReasonCode::kMalformedNumber, "", 0);
    return out;
  }
  if (number.number_class == NumberClass::kInvalid) {
    out.disposition = Disposition::kInvalid;
    out.reasons.emplace_back(ReasonCode::kInvalidNumber, "", 0);
    return out;
  }
  // NANP numbers: by area code, through the generated table; the
  // jurisdiction must name the area code's country, region or
  // "country-subdivision". Others: by country code prefix.
  const std::string digits = absl::StrCat(number.e164);
  const bool nanp = digits.size() == 11 && digits[0] == '1';
  const NpaInfo& info = LookupNpa(nanp ? std::stoi(digits.substr(1, 3)) : -1);
  std::vector<std::string> region_names = {info.country, info.region};
  for (const char* sub : info.subdivisions) {
    if (sub[0] != '\0')
      region_names.push_back(absl::StrCat(info.country, "-", sub));
  }
  std::vector<const OracleSource*> applicable;
  bool national = false;
  for (const OracleSource& s : sources) {
    bool applies = false;
    for (uint32_t code : s.country_codes) {
      if (absl::StartsWith(digits, absl::StrCat(code))) applies = true;
    }
    if (nanp) {
      applies = applies && info.assigned() &&
                std::find(region_names.begin(), region_names.end(),
                          s.jurisdiction) != region_names.end();
    }
    if (!applies) continue;
    applicable.push_back(&s);
    national |= !absl::StrContains(s.jurisdiction, "-");
  }
  for (const OracleSource* s : applicable) {
    auto it = s->added.find(number.e164);
    if (it != s->added.end()) {
      out.reasons.emplace_back(ReasonCode::kListed, s->source, it->second);
    }
  }
  if (!out.reasons.empty()) {
    out.disposition = Disposition::kBlocked;
    return out;
  }
  for (const OracleSource* s : applicable) {
    if (today - s->as_of > s->max_age_days) {
      out.reasons.emplace_back(ReasonCode::kSourceStale, s->source, 0);
    }
  }
  if (!national) out.reasons.emplace_back(ReasonCode::kNoSource, "", 0);
  out.disposition =
      out.reasons.empty() ? Disposition::kCallable : Disposition::kStale;
  return out;
}

std::vector<std::vector<ReasonTuple>> ReasonsByEntry(const ScrubResult& result,
                                                     size_t n) {
  std::vector<std::vector<ReasonTuple>> by_entry(n);
  for (const Reason& r : result.reasons) {
    std::string source;
    if (r.snapshot != kNoSnapshot) {
      source = result.snapshots.at(r.snapshot)->manifest().source;
    }
    by_entry.at(r.entry).emplace_back(r.code, source, r.date);
  }
  return by_entry;
}

// Two sources of ~100k keys (+1 and +44) and ~200k queries of every kind.
class ScrubEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    std::mt19937_64 rng(20260101);
    test::FixtureSource us;
    us.source = "us-test";
    us.jurisdiction = "US";
    us.country_codes = {1};
    us.as_of = kAsOf;
    us.max_age_days = 31;
    test::FixtureSource uk;
    uk.source = "uk-test";
    uk.jurisdiction = "GB";
    uk.country_codes = {44};
    uk.as_of = kAsOf;
    uk.max_age_days = 28;
    // Distinct keys, so each has one added date.
    std::unordered_set<uint64_t> seen;
    for (int i = 0; i < 100000; ++i) {
      uint64_t key;
      do key = test::RandomValidNanp(rng);
      while (!seen.insert(key).second);
      us.keys.push_back(key);
      // Half the keys have a known added date.
      us.added.push_back(i % 2 == 0 ? kAsOf - 1 - i % 900 : 0);
      do {
        key = test::RandomValidInternational(rng, 44, 10);
      } while (!seen.insert(key).second);
      uk.keys.push_back(key);
      uk.added.push_back(i % 3 == 0 ? kAsOf - 2 - i % 500 : 0);
    }
    ASSERT_TRUE(test::PublishFixtureSource(dir_->path(), us).ok());
    ASSERT_TRUE(test::PublishFixtureSource(dir_->path(), uk).ok());

    oracle_ = new std::vector<OracleSource>();
    for (const test::FixtureSource* spec : {&us, &uk}) {
      OracleSource s;
      s.source = spec->source;
      s.jurisdiction = spec->jurisdiction;
      s.country_codes = spec->country_codes;
      s.as_of = spec->as_of;
      s.max_age_days = spec->max_age_days;
      for (size_t i = 0; i < spec->keys.size(); ++i) {
        s.added.emplace(spec->keys[i], spec->added[i]);
      }
      oracle_->push_back(std::move(s));
    }

    // Queries: hits and misses of both sources, as packed e164 and as text,
    // +49 numbers no source covers, invalid and malformed input.
    queries_ = new std::vector<ParsedNumber>();
    auto add_e164 = [](uint64_t e164) {
      queries_->push_back(ClassifyE164(e164));
    };
    auto add_raw = [](const std::string& text) {
      queries_->push_back(ParsePhoneNumber(text));
    };
    std::uniform_int_distribution<size_t> pick(0, 99999);
    for (int i = 0; i < 40000; ++i) add_e164(us.keys[pick(rng)]);
    for (int i = 0; i < 40000; ++i) add_e164(test::RandomValidNanp(rng));
    // Any area code: Canada, the Caribbean, territories, unassigned codes.
    for (int i = 0; i < 10000; ++i) {
      const uint64_t e164 =
          10000000000ULL + 2000000000ULL + rng() % 8000000000ULL;
      if (ClassifyE164(e164).valid()) add_e164(e164);
    }
    for (int i = 0; i < 30000; ++i) add_e164(uk.keys[pick(rng)]);
    for (int i = 0; i < 30000; ++i) {
      add_e164(test::RandomValidInternational(rng, 44, 10));
    }
    for (int i = 0; i < 20000; ++i) {
      add_e164(test::RandomValidInternational(rng, 49, 10));
    }
    for (int i = 0; i < 10000; ++i) {
      const uint64_t e164 =
          i % 2 == 0 ? us.keys[pick(rng)] : test::RandomValidNanp(rng);
      const std::string d = absl::StrCat(e164 % 10000000000ULL);
      add_raw(absl::StrCat("(", d.substr(0, 3), ") ", d.substr(3, 3), "-",
                           d.substr(6)));
    }
    for (int i = 0; i < 10000; ++i) {
      const uint64_t e164 = i % 2 == 0
                                ? uk.keys[pick(rng)]
                                : test::RandomValidInternational(rng, 44, 10);
      add_raw(absl::StrCat("+", e164));
    }
    const char* kMalformed[] = {
        "",   "hello", "12", "555-CALL-NOW", "+", "202-555-12345678901234",
        "--", "tel:"};
    for (int i = 0; i < 10000; ++i) add_raw(kMalformed[i % 8]);
    for (int i = 0; i < 10000; ++i) {
      // Area codes starting with 0 or 1, and N11 codes: never assignable.
      const uint64_t npa = i % 3 == 0 ? 11 + i % 80 : (i % 3 == 1 ? 911 : 411);
      add_e164(10000000000ULL + npa * 10000000ULL + 5550000 + i % 10000);
    }
    std::shuffle(queries_->begin(), queries_->end(), rng);
  }

  static void TearDownTestSuite() {
    delete queries_;
    delete oracle_;
    delete dir_;
  }

  void SetUp() override {
    auto set = SourceSet::Open(dir_->path());
    ASSERT_TRUE(set.ok()) << set.status();
    set_ = *std::move(set);
    ASSERT_EQ(set_->size(), 2u);
  }

  // Scrubs every query in batches of `batch` and checks each answer against
  // the oracle. Returns the count per disposition.
  std::unordered_map<int, int> CheckAgainstOracle(DayNumber today,
                                                  size_t batch) {
    std::unordered_map<int, int> counts;
    ScrubResult result;
    for (size_t start = 0; start < queries_->size(); start += batch) {
      const size_t n = std::min(batch, queries_->size() - start);
      absl::Span<const ParsedNumber> numbers(queries_->data() + start, n);
      const absl::Status status = Scrub(*set_, numbers, today, &result);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) return counts;
      EXPECT_EQ(result.dispositions.size(), n);
      EXPECT_EQ(result.e164.size(), n);
      EXPECT_TRUE(std::is_sorted(
          result.reasons.begin(), result.reasons.end(),
          [](const Reason& a, const Reason& b) { return a.entry < b.entry; }));
      const auto reasons = ReasonsByEntry(result, n);
      int mismatches = 0;
      for (size_t i = 0; i < n && mismatches < 5; ++i) {
        const Expected want = Oracle(*oracle_, numbers[i], today);
        ++counts[static_cast<int>(want.disposition)];
        const bool same = result.dispositions[i] == want.disposition &&
                          result.e164[i] == want.e164 &&
                          reasons[i] == want.reasons;
        if (!same) {
          ++mismatches;
          ADD_FAILURE() << "entry " << start + i << " e164 " << want.e164
                        << ": got " << DispositionName(result.dispositions[i])
                        << " with " << reasons[i].size() << " reasons, want "
                        << DispositionName(want.disposition) << " with "
                        << want.reasons.size() << " reasons";
        }
      }
      // Every reason that names a snapshot names one in the table, and the
      // table holds only sources the batch consulted.
      for (const Reason& r : result.reasons) {
        if (r.code == ReasonCode::kListed ||
            r.code == ReasonCode::kSourceStale) {
          EXPECT_LT(r.snapshot, result.snapshots.size());
          EXPECT_EQ(r.detail.empty(), r.code == ReasonCode::kListed);
        }
      }
      EXPECT_LE(result.snapshots.size(), set_->size());
    }
    return counts;
  }

  static test::ScratchDir* dir_;
  static std::vector<OracleSource>* oracle_;
  static std::vector<ParsedNumber>* queries_;
  std::shared_ptr<const SourceSet> set_;
};

test::ScratchDir* ScrubEngineTest::dir_ = nullptr;
std::vector<OracleSource>* ScrubEngineTest::oracle_ = nullptr;
std::vector<ParsedNumber>* ScrubEngineTest::queries_ = nullptr;

TEST_F(ScrubEngineTest, EveryAnswerMatchesTheOracleWhenSourcesAreFresh) {
  const auto counts = CheckAgainstOracle(kAsOf + 10, 10000);
  // The query mix really exercises every rule.
  EXPECT_GT(counts.at(static_cast<int>(Disposition::kBlocked)), 50000);
  EXPECT_GT(counts.at(static_cast<int>(Disposition::kCallable)), 50000);
  EXPECT_GE(counts.at(static_cast<int>(Disposition::kStale)), 20000);
  EXPECT_GE(counts.at(static_cast<int>(Disposition::kMalformed)), 5000);
  EXPECT_GE(counts.at(static_cast<int>(Disposition::kInvalid)), 5000);
}

TEST_F(ScrubEngineTest, AnswersDoNotDependOnBatchSize) {
  CheckAgainstOracle(kAsOf + 10, 1);
  CheckAgainstOracle(kAsOf + 10, 7777);
  CheckAgainstOracle(kAsOf + 10, queries_->size());
}

TEST_F(ScrubEngineTest, StaleSourceTurnsItsMissesStaleAndKeepsItsHitsBlocked) {
  // On day 30 the +44 source (28-day window) is stale, the +1 source
  // (31 days) is not.
  const DayNumber today = kAsOf + 30;
  CheckAgainstOracle(today, 10000);

  const OracleSource& uk = (*oracle_)[1];
  std::vector<ParsedNumber> numbers;
  std::vector<bool> listed;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t e164 = test::RandomValidInternational(rng, 44, 10);
    numbers.push_back(ClassifyE164(e164));
    listed.push_back(uk.added.count(e164) > 0);
  }
  int k = 0;
  for (const auto& [key, added] : uk.added) {
    if (++k > 500) break;
    numbers.push_back(ClassifyE164(key));
    listed.push_back(true);
  }
  ScrubResult result;
  ASSERT_TRUE(Scrub(*set_, numbers, today, &result).ok());
  ASSERT_EQ(result.snapshots.size(), 1u);
  EXPECT_EQ(result.snapshots[0]->manifest().source, "uk-test");
  const auto reasons = ReasonsByEntry(result, numbers.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (listed[i]) {
      EXPECT_EQ(result.dispositions[i], Disposition::kBlocked) << i;
      EXPECT_EQ(std::get<0>(reasons[i].at(0)), ReasonCode::kListed);
    } else {
      EXPECT_EQ(result.dispositions[i], Disposition::kStale) << i;
      ASSERT_EQ(reasons[i].size(), 1u);
      EXPECT_EQ(reasons[i][0],
                ReasonTuple(ReasonCode::kSourceStale, "uk-test", 0));
    }
  }
  const Reason* stale = nullptr;
  for (const Reason& r : result.reasons) {
    if (r.code == ReasonCode::kSourceStale) stale = &r;
  }
  ASSERT_NE(stale, nullptr);
  EXPECT_THAT(std::string(stale->detail), ::testing::HasSubstr("uk-test"));
  EXPECT_THAT(std::string(stale->detail), ::testing::HasSubstr("2026-01-01"));
  EXPECT_THAT(std::string(stale->detail), ::testing::HasSubstr("2026-01-29"));
}

TEST_F(ScrubEngineTest, BothSourcesStaleOnlyBlocksHits) {
  CheckAgainstOracle(kAsOf + 40, 10000);
}

TEST_F(ScrubEngineTest, ListedNumbersCarryTheDateTheyWereAdded) {
  const OracleSource& us = (*oracle_)[0];
  std::vector<ParsedNumber> numbers;
  std::vector<DayNumber> added;
  for (const auto& [key, day] : us.added) {
    numbers.push_back(ClassifyE164(key));
    added.push_back(day);
    if (numbers.size() == 100) break;
  }
  ScrubResult result;
  ASSERT_TRUE(Scrub(*set_, numbers, kAsOf, &result).ok());
  ASSERT_EQ(result.reasons.size(), numbers.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(result.dispositions[i], Disposition::kBlocked);
    EXPECT_EQ(result.reasons[i].entry, i);
    EXPECT_EQ(result.reasons[i].code, ReasonCode::kListed);
    EXPECT_EQ(result.reasons[i].date, added[i]);
    EXPECT_EQ(
        result.snapshots.at(result.reasons[i].snapshot)->manifest().source,
        "us-test");
  }
}

TEST(ScrubEngineNoSourceTest, EveryValidNumberIsStaleWithNoSourceReason) {
  const SourceSet empty;
  const std::vector<ParsedNumber> numbers = {
      ClassifyE164(12022345678), ClassifyE164(442071234567),
      ParsePhoneNumber("not a number"), ClassifyE164(4930123456)};
  ScrubResult result;
  ASSERT_TRUE(Scrub(empty, numbers, kAsOf, &result).ok());
  ASSERT_EQ(result.dispositions.size(), 4u);
  EXPECT_TRUE(result.snapshots.empty());
  ASSERT_EQ(result.reasons.size(), 4u);
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(result.reasons[i].entry, i);
    if (numbers[i].number_class == NumberClass::kValid) {
      EXPECT_EQ(result.dispositions[i], Disposition::kStale);
      EXPECT_EQ(result.reasons[i].code, ReasonCode::kNoSource);
      EXPECT_EQ(result.reasons[i].snapshot, kNoSnapshot);
      EXPECT_FALSE(IsCallable(result.dispositions[i]));
    }
  }
  EXPECT_EQ(result.dispositions[2], Disposition::kMalformed);
  EXPECT_EQ(result.e164[2], 0u);
  EXPECT_EQ(result.reasons[0].detail,
            "no loaded registry covers US (area code 202)");
  EXPECT_EQ(result.reasons[1].detail, "no loaded registry covers +44");
  EXPECT_EQ(result.reasons[3].detail, "no loaded registry covers +49");
}

TEST(ScrubEngineNoSourceTest, MalformedAndInvalidCarryTheParserProblem) {
  const SourceSet empty;
  const std::vector<ParsedNumber> numbers = {ParsePhoneNumber("hello"),
                                             ClassifyE164(19112345678)};
  ScrubResult result;
  ASSERT_TRUE(Scrub(empty, numbers, kAsOf, &result).ok());
  EXPECT_THAT(result.dispositions,
              ElementsAre(Disposition::kMalformed, Disposition::kInvalid));
  ASSERT_EQ(result.reasons.size(), 2u);
  EXPECT_EQ(result.reasons[0].code, ReasonCode::kMalformedNumber);
  EXPECT_EQ(result.reasons[1].code, ReasonCode::kInvalidNumber);
  EXPECT_EQ(result.e164[1], 19112345678u);
  ASSERT_NE(numbers[0].problem, nullptr);
  ASSERT_NE(numbers[1].problem, nullptr);
  EXPECT_EQ(result.reasons[0].detail, numbers[0].problem);
  EXPECT_EQ(result.reasons[1].detail, numbers[1].problem);
}

TEST(ScrubEngineTwoSourcesTest, NumberOnTwoListsGetsOneListedReasonPerSource) {
  test::ScratchDir dir;
  // Dallas (214), Houston (713) and Austin (512) are all in Texas.
  const uint64_t both = 12142345678, only_state = 17132345678,
                 neither = 15122345678;
  test::FixtureSource federal;
  federal.source = "us-federal";
  federal.as_of = kAsOf;
  federal.keys = {both};
  test::FixtureSource state;
  state.source = "us-state";
  state.jurisdiction = "US-TX";
  state.as_of = kAsOf - 100;  // Stale, but its hits still block.
  state.max_age_days = 60;
  state.keys = {both, only_state};
  state.added = {kAsOf - 5, kAsOf - 6};
  ASSERT_TRUE(test::PublishFixtureSource(dir.path(), federal).ok());
  ASSERT_TRUE(test::PublishFixtureSource(dir.path(), state).ok());
  auto set = SourceSet::Open(dir.path());
  ASSERT_TRUE(set.ok()) << set.status();

  const std::vector<ParsedNumber> numbers = {
      ClassifyE164(neither), ClassifyE164(both), ClassifyE164(only_state)};
  ScrubResult result;
  ASSERT_TRUE(Scrub(**set, numbers, kAsOf, &result).ok());
  EXPECT_THAT(result.dispositions,
              ElementsAre(Disposition::kStale, Disposition::kBlocked,
                          Disposition::kBlocked));
  ASSERT_EQ(result.snapshots.size(), 2u);
  EXPECT_EQ(result.snapshots[0]->manifest().source, "us-federal");
  EXPECT_EQ(result.snapshots[1]->manifest().source, "us-state");
  const auto reasons = ReasonsByEntry(result, numbers.size());
  EXPECT_THAT(reasons[0], ElementsAre(ReasonTuple(ReasonCode::kSourceStale,
                                                  "us-state", 0)));
  EXPECT_THAT(
      reasons[1],
      ElementsAre(ReasonTuple(ReasonCode::kListed, "us-federal", 0),
                  ReasonTuple(ReasonCode::kListed, "us-state", kAsOf - 5)));
  EXPECT_THAT(reasons[2], ElementsAre(ReasonTuple(ReasonCode::kListed,
                                                  "us-state", kAsOf - 6)));
}

}  // namespace
}  // namespace dnc::service
