// Jurisdiction routing on generated data: which registries a number is
// checked against. Federal (us-ftc, "US"), Texas (us-tx, "US-TX"), CRTC
// (ca-dncl, "CA") and TPS (uk-tps, "GB") are loaded; each list also carries
// numbers from outside its jurisdiction (misfiled rows) that must not block
// anyone there. The oracle knows each query's applicable sources from how
// the number was generated, using area codes picked from public knowledge
// (not from the generated table).
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/nanp_regions.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/scrub_engine.h"
#include "service/source_set.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const DayNumber kAsOf = *ParseIsoDate("2026-02-01");

// The kinds of number the test generates, each with the sources that apply.
enum class Kind {
  kTexas,       // US, Texas area codes: us-ftc + us-tx.
  kOtherState,  // US, other states and DC: us-ftc only.
  kTerritory,   // Puerto Rico, USVI, Guam: us-ftc only.
  kTollFree,    // US non-geographic: us-ftc only.
  kCanada,      // ca-dncl only.
  kUk,          // +44: uk-tps only.
  kCaribbean,   // Jamaica, Dominican Republic, ...: none (NO_SOURCE).
  kUnassigned,  // Area codes nobody has: none (NO_SOURCE).
  kGermany,     // +49: none (NO_SOURCE).
};

const std::map<Kind, std::vector<int>>& AreaCodesByKind() {
  static const auto* const kCodes = new std::map<Kind, std::vector<int>>{
      {Kind::kTexas, {210, 214, 254, 281, 512, 713, 817, 832, 915, 972}},
      {Kind::kOtherState, {201, 202, 212, 305, 312, 415, 617, 808, 907}},
      {Kind::kTerritory, {787, 939, 340, 671}},
      {Kind::kTollFree, {800, 888}},
      {Kind::kCanada, {204, 416, 514, 604, 902, 867}},
      {Kind::kCaribbean, {876, 809, 242, 246, 868}},
      {Kind::kUnassigned, {222, 333, 444}},
  };
  return *kCodes;
}

std::vector<std::string> ApplicableSources(Kind kind) {
  switch (kind) {
    case Kind::kTexas:
      return {"us-ftc", "us-tx"};
    case Kind::kOtherState:
    case Kind::kTerritory:
    case Kind::kTollFree:
      return {"us-ftc"};
    case Kind::kCanada:
      return {"ca-dncl"};
    case Kind::kUk:
      return {"uk-tps"};
    default:
      return {};
  }
}

struct Query {
  uint64_t e164 = 0;
  Kind kind = Kind::kOtherState;
};

using ReasonTuple = std::tuple<ReasonCode, std::string>;

class RoutingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    lists_ = new std::map<std::string, std::set<uint64_t>>();
    queries_ = new std::vector<Query>();
    std::mt19937_64 rng(4242);

    // 400 numbers of every kind; about a third of each listed in each
    // applicable source (independently, so some are on two lists).
    std::map<Kind, std::vector<uint64_t>> numbers;
    for (const auto& [kind, npas] : AreaCodesByKind()) {
      std::uniform_int_distribution<size_t> pick(0, npas.size() - 1);
      for (int i = 0; i < 400; ++i) {
        numbers[kind].push_back(
            test::RandomValidInAreaCode(rng, npas[pick(rng)]));
      }
    }
    for (int i = 0; i < 400; ++i) {
      numbers[Kind::kUk].push_back(test::RandomValidInternational(rng, 44, 10));
      numbers[Kind::kGermany].push_back(
          test::RandomValidInternational(rng, 49, 10));
    }
    std::bernoulli_distribution third(1.0 / 3);
    for (const auto& [kind, list] : numbers) {
      for (uint64_t e164 : list) {
        queries_->push_back({e164, kind});
        for (const std::string& source : ApplicableSources(kind)) {
          if (third(rng)) (*lists_)[source].insert(e164);
        }
      }
    }
    // Misfiled rows: numbers from outside each list's jurisdiction. They are
    // stored, but no query they could block is routed to that list.
    auto misfile = [&](const std::string& source, Kind kind, int count) {
      for (int i = 0; i < count; ++i) {
        (*lists_)[source].insert(numbers[kind][i]);
      }
    };
    misfile("us-tx", Kind::kOtherState, 100);
    misfile("us-ftc", Kind::kCanada, 100);
    misfile("us-ftc", Kind::kCaribbean, 100);
    misfile("ca-dncl", Kind::kTexas, 100);
    misfile("ca-dncl", Kind::kUnassigned, 100);
    misfile("uk-tps", Kind::kGermany, 100);
    std::shuffle(queries_->begin(), queries_->end(), rng);

    const std::tuple<const char*, const char*, uint32_t, int> kSources[] = {
        {"us-ftc", "US", 1, 31},
        {"us-tx", "US-TX", 1, 20},
        {"ca-dncl", "CA", 1, 31},
        {"uk-tps", "GB", 44, 28}};
    for (const auto& [id, jurisdiction, code, window] : kSources) {
      test::FixtureSource spec;
      spec.source = id;
      spec.jurisdiction = jurisdiction;
      spec.country_codes = {code};
      spec.as_of = kAsOf;
      spec.max_age_days = window;
      const auto& keys = (*lists_)[id];
      spec.keys.assign(keys.begin(), keys.end());
      ASSERT_TRUE(test::PublishFixtureSource(dir_->path(), spec).ok()) << id;
    }
  }

  static void TearDownTestSuite() {
    delete queries_;
    delete lists_;
    delete dir_;
  }

  // The oracle: BLOCKED if an applicable source lists it; else STALE with
  // SOURCE_STALE per stale applicable source (`stale` ids) and NO_SOURCE when
  // no source applies; else CALLABLE. Reasons in source id order, NO_SOURCE
  // last.
  static std::pair<Disposition, std::vector<ReasonTuple>> Expect(
      const Query& query, const std::set<std::string>& stale) {
    std::vector<std::string> applicable = ApplicableSources(query.kind);
    std::sort(applicable.begin(), applicable.end());
    std::vector<ReasonTuple> reasons;
    for (const std::string& source : applicable) {
      if ((*lists_)[source].count(query.e164) > 0) {
        reasons.emplace_back(ReasonCode::kListed, source);
      }
    }
    if (!reasons.empty()) return {Disposition::kBlocked, reasons};
    for (const std::string& source : applicable) {
      if (stale.count(source) > 0) {
        reasons.emplace_back(ReasonCode::kSourceStale, source);
      }
    }
    if (applicable.empty()) reasons.emplace_back(ReasonCode::kNoSource, "");
    return {reasons.empty() ? Disposition::kCallable : Disposition::kStale,
            reasons};
  }

  // Scrubs every query in one batch on `today` and compares each answer with
  // the oracle. Returns the number of answers per disposition.
  std::map<Disposition, int> CheckAll(DayNumber today,
                                      const std::set<std::string>& stale) {
    auto set = SourceSet::Open(dir_->path());
    EXPECT_TRUE(set.ok()) << set.status();
    std::map<Disposition, int> counts;
    if (!set.ok()) return counts;
    std::vector<ParsedNumber> numbers;
    for (const Query& q : *queries_) numbers.push_back(ClassifyE164(q.e164));
    ScrubResult result;
    EXPECT_TRUE(Scrub(**set, numbers, today, &result).ok());
    std::vector<std::vector<ReasonTuple>> got(numbers.size());
    for (const Reason& r : result.reasons) {
      got.at(r.entry).emplace_back(
          r.code, r.snapshot == kNoSnapshot
                      ? std::string()
                      : result.snapshots.at(r.snapshot)->manifest().source);
    }
    int mismatches = 0;
    for (size_t i = 0; i < numbers.size(); ++i) {
      const auto [disposition, reasons] = Expect((*queries_)[i], stale);
      ++counts[disposition];
      if (result.dispositions[i] != disposition || got[i] != reasons) {
        if (++mismatches <= 10) {
          ADD_FAILURE() << "+" << (*queries_)[i].e164 << " (kind "
                        << static_cast<int>((*queries_)[i].kind) << "): got "
                        << DispositionName(result.dispositions[i]) << " with "
                        << got[i].size() << " reasons, want "
                        << DispositionName(disposition) << " with "
                        << reasons.size();
        }
      }
    }
    EXPECT_EQ(mismatches, 0);
    return counts;
  }

  static test::ScratchDir* dir_;
  static std::map<std::string, std::set<uint64_t>>* lists_;
  static std::vector<Query>* queries_;
};

test::ScratchDir* RoutingTest::dir_ = nullptr;
std::map<std::string, std::set<uint64_t>>* RoutingTest::lists_ = nullptr;
std::vector<Query>* RoutingTest::queries_ = nullptr;

TEST_F(RoutingTest, EveryNumberIsCheckedAgainstItsJurisdictionsOnly) {
  auto counts = CheckAll(kAsOf + 5, {});
  EXPECT_GT(counts[Disposition::kBlocked], 700);
  EXPECT_GT(counts[Disposition::kCallable], 1200);
  EXPECT_EQ(counts[Disposition::kStale],
            3 * 400);  // Caribbean, unassigned, +49.
}

TEST_F(RoutingTest, StaleStateListTurnsOnlyItsUnlistedNumbersStale) {
  // Windows: us-ftc 31 days, us-tx 20, ca-dncl 31, uk-tps 28. On day 25
  // only the Texas list is stale: Texas numbers on neither list turn STALE,
  // every other number is unaffected.
  const auto counts = CheckAll(kAsOf + 25, {"us-tx"});
  EXPECT_GT(counts.at(Disposition::kCallable), 1000);
  EXPECT_GT(counts.at(Disposition::kStale), 3 * 400 + 100);
  // On day 29 TPS is stale too; on day 40 every list is, and listed
  // numbers still answer BLOCKED.
  CheckAll(kAsOf + 29, {"us-tx", "uk-tps"});
  CheckAll(kAsOf + 40, {"us-ftc", "us-tx", "ca-dncl", "uk-tps"});
}

TEST_F(RoutingTest, EveryAreaCodeRoutesToItsCountrysLists) {
  auto set = SourceSet::Open(dir_->path());
  ASSERT_TRUE(set.ok()) << set.status();
  const SourceSet& sources = **set;
  int us = 0, texas = 0, canada = 0, none = 0;
  for (int npa = 200; npa < 1000; ++npa) {
    const NpaInfo& info = LookupNpa(npa);
    const Route& route = sources.route(
        sources.RouteOf(10000000000ULL + npa * 10000000ULL + 2345678));
    std::vector<std::string> ids;
    for (uint32_t s : route.sources) {
      ids.push_back(sources.sources()[s].manifest().source);
    }
    const std::string country = info.country;
    bool in_texas = false;
    for (const char* sub : info.subdivisions)
      in_texas |= std::string(sub) == "TX";
    if (country == "US" && in_texas) {
      EXPECT_THAT(ids, ElementsAre("us-ftc", "us-tx")) << npa;
      ++texas;
    } else if (country == "US") {
      EXPECT_THAT(ids, ElementsAre("us-ftc")) << npa;
      ++us;
    } else if (country == "CA") {
      EXPECT_THAT(ids, ElementsAre("ca-dncl")) << npa;
      ++canada;
    } else {
      EXPECT_THAT(ids, IsEmpty()) << npa;
      EXPECT_FALSE(route.national) << npa;
      ++none;
    }
    EXPECT_EQ(route.national, !ids.empty()) << npa;
  }
  // The table is real data: Texas has dozens of area codes, the US hundreds.
  EXPECT_GT(texas, 20);
  EXPECT_GT(us, 250);
  EXPECT_GT(canada, 30);
  EXPECT_GT(none, 350);
}

// A fixture source listing `keys`, as of kAsOf.
test::FixtureSource Spec(const std::string& id, const std::string& jurisdiction,
                         uint32_t country_code,
                         const std::vector<uint64_t>& keys = {}) {
  test::FixtureSource spec;
  spec.source = id;
  spec.jurisdiction = jurisdiction;
  spec.country_codes = {country_code};
  spec.as_of = kAsOf;
  spec.keys = keys;
  return spec;
}

// A fresh data dir with the given sources, opened.
std::shared_ptr<const SourceSet> OpenWith(
    const test::ScratchDir& dir,
    const std::vector<test::FixtureSource>& specs) {
  for (const test::FixtureSource& spec : specs) {
    EXPECT_TRUE(test::PublishFixtureSource(dir.path(), spec).ok())
        << spec.source;
  }
  auto set = SourceSet::Open(dir.path());
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : std::make_shared<const SourceSet>();
}

// The ids of the sources consulted for `e164`.
std::vector<std::string> SourcesOf(const SourceSet& set, uint64_t e164) {
  std::vector<std::string> ids;
  for (uint32_t s : set.route(set.RouteOf(e164)).sources) {
    ids.push_back(set.sources()[s].manifest().source);
  }
  return ids;
}

// Scrubs `numbers` and returns "DISPOSITION detail" per number (the last
// reason's detail).
std::vector<std::string> Answers(const SourceSet& set,
                                 const std::vector<uint64_t>& numbers) {
  std::vector<ParsedNumber> parsed;
  for (uint64_t e164 : numbers) parsed.push_back(ClassifyE164(e164));
  ScrubResult result;
  EXPECT_TRUE(Scrub(set, parsed, kAsOf, &result).ok());
  std::vector<std::string> out;
  for (size_t i = 0; i < numbers.size(); ++i) {
    std::string detail;
    for (const Reason& r : result.reasons) {
      if (r.entry == i) detail = std::string(r.detail);
    }
    out.push_back(absl::StrCat(DispositionName(result.dispositions[i]),
                               detail.empty() ? "" : " ", detail));
  }
  return out;
}

TEST(RoutingNoSourceTest,
     NumbersOutsideEveryLoadedJurisdictionNameWhatIsMissing) {
  test::ScratchDir dir;
  const auto set = OpenWith(dir, {Spec("us-ftc", "US", 1, {14162345678})});
  EXPECT_THAT(
      Answers(*set, {14162345678, 18762345678, 12222345678, 17872345678,
                     12122345678}),
      ElementsAre(
          // Listed in us-ftc by mistake, but us-ftc does not cover Canada.
          "STALE no loaded registry covers CA (area code 416)",
          "STALE no loaded registry covers JM (area code 876)",
          "STALE area code 222 is not in the numbering table",
          "CALLABLE",  // Puerto Rico: the federal list covers the territories.
          "CALLABLE"));
}

TEST(RoutingNoSourceTest, StateListAloneNeverMakesANumberCallable) {
  test::ScratchDir dir;
  const auto set = OpenWith(dir, {Spec("us-tx", "US-TX", 1, {12142345678})});
  EXPECT_THAT(
      Answers(*set, {12142345678, 15122345678, 12122345678}),
      ElementsAre("BLOCKED",
                  "STALE no loaded national registry covers US "
                  "(area code 512)",
                  "STALE no loaded registry covers US (area code 212)"));
}

TEST(RoutingNoSourceTest,
     ProvincialAndTerritoryJurisdictionsMatchTheirAreaCodes) {
  test::ScratchDir dir;
  // A Nova Scotia list, a Puerto Rico list and Canada's national list;
  // jurisdictions are matched without regard to case.
  const auto set =
      OpenWith(dir, {Spec("ca-ns", "ca-ns", 1), Spec("pr-list", "PR", 1),
                     Spec("ca-dncl", "CA", 1)});
  auto sources_of = [&](uint64_t e164) { return SourcesOf(*set, e164); };
  EXPECT_THAT(sources_of(19022345678),
              ElementsAre("ca-dncl", "ca-ns"));                  // NS/PE.
  EXPECT_THAT(sources_of(14162345678), ElementsAre("ca-dncl"));  // ON.
  EXPECT_THAT(sources_of(17872345678), ElementsAre("pr-list"));
  EXPECT_TRUE(set->route(set->RouteOf(17872345678)).national);
}

TEST(RoutingManifestTest, AreaCodesWidenAStateListAndNeverNarrowIt) {
  test::ScratchDir dir;
  test::FixtureSource federal = Spec("us-ftc", "US", 1);
  federal.kind = "national";
  test::FixtureSource texas = Spec("us-tx", "US-TX", 1, {15122345678});
  texas.kind = "state";
  // A catalogue that forgot Austin (512) but presumes a Louisiana code.
  texas.area_codes = {214, 713, 318};
  const auto set = OpenWith(dir, {federal, texas});
  EXPECT_THAT(SourcesOf(*set, 15122345678), ElementsAre("us-ftc", "us-tx"));
  EXPECT_THAT(SourcesOf(*set, 13182345678), ElementsAre("us-ftc", "us-tx"));
  EXPECT_THAT(SourcesOf(*set, 12122345678), ElementsAre("us-ftc"));
  EXPECT_THAT(Answers(*set, {15122345678, 15122345679}),
              ElementsAre("BLOCKED", "CALLABLE"));
}

TEST(RoutingManifestTest, NationalListBoughtPerAreaCodeCoversOnlyThose) {
  test::ScratchDir dir;
  test::FixtureSource federal = Spec("us-ftc", "US", 1, {13052345678});
  federal.kind = "national";
  federal.area_codes = {212, 718};
  const auto set = OpenWith(dir, {federal});
  EXPECT_THAT(
      Answers(*set, {12122345678, 13052345678, 13052345679}),
      ElementsAre(
          "CALLABLE",
          "BLOCKED",  // Listed all the same (numbers are portable).
          "STALE no loaded national registry covers US (area code 305)"));
}

TEST(RoutingManifestTest, OnlyNationalKindsMakeANumberCallable) {
  test::ScratchDir dir;
  // Jurisdiction "US" alone does not make a list national when its kind
  // says otherwise.
  test::FixtureSource litigators = Spec("lit", "US", 1, {12122345678});
  litigators.kind = "litigator";
  test::FixtureSource tps = Spec("uk-tps", "GB", 44);
  tps.kind = "national";
  const auto set = OpenWith(dir, {litigators, tps});
  EXPECT_THAT(
      Answers(*set, {12122345678, 12122345679, 442071234567}),
      ElementsAre("BLOCKED",
                  "STALE no loaded national registry covers US (area code 212)",
                  "CALLABLE"));
}

}  // namespace
}  // namespace dnc::service
