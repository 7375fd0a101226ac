// Randomized lifecycle against an in-memory oracle: with fixed seeds, each
// round loads a full list and applies several change lists (adds, deletes,
// re-adds, deletes of absent numbers, repeated records for a number, a few
// bad lines, sometimes two files in one run, sometimes an empty file), and
// after every step opens the published generation from CURRENT and compares
// every answer - listed or not, and the added date - for every number ever
// seen in the round plus random absent ones, with a std::map oracle. Also
// checks index.bin, the manifest counts and garbage collection. Zero
// mismatches allowed.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/bulk_loader.h"
#include "storage/key_index.h"
#include "storage/manifest.h"
#include "storage/registry_record.h"
#include "storage/source_directory.h"
#include "storage/source_snapshot.h"
#include "tests/loader/archive_writer.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

namespace fs = std::filesystem;

constexpr int kRoundsPerSeed = 5;
constexpr uint32_t kSeeds[] = {101, 202, 303, 404};  // 4 x 5 = 20 rounds.
constexpr int kChangeStepsPerRound = 6;

std::string FtcLine(uint64_t key) {
  const uint64_t national = key - 10000000000ULL;
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%03llu,%07llu",
           static_cast<unsigned long long>(national / 10000000),
           static_cast<unsigned long long>(national % 10000000));
  return buffer;
}

uint64_t RandomValidKey(std::mt19937_64& rng) {
  while (true) {
    const uint64_t key = 10000000000ULL + 2000000000ULL + rng() % 8000000000ULL;
    if (ClassifyE164(key).valid()) return key;
  }
}

// The truth: listed numbers and their added dates (0 = unknown).
using Oracle = std::map<uint64_t, DayNumber>;

struct Step {
  std::string what;
  LoadStats stats;
};

class RandomizedLifecycleTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  void SetUp() override { rng_.seed(GetParam()); }

  std::string Write(const std::string& content) {
    const std::string path =
        dir_.Path(absl::StrCat("input-", ++files_, ".txt"));
    EXPECT_TRUE(test::WritePlainFile(path, content));
    return path;
  }

  LoadOptions Options(LoadMode mode, std::vector<std::string> inputs) {
    LoadOptions options;
    options.mode = mode;
    options.data_dir = data_;
    options.source = "us-ftc";
    options.as_of = as_of_;
    options.today = *ParseIsoDate("2030-01-01");
    options.inputs = std::move(inputs);
    options.keep_generations = 1 + static_cast<int>(rng_() % 3);
    return options;
  }

  // A number: often one seen before in this round (so deletes and re-adds
  // hit), sometimes a fresh one.
  uint64_t PickKey() {
    if (!seen_.empty() && rng_() % 4 != 0) {
      return seen_[rng_() % seen_.size()];
    }
    const uint64_t key = RandomValidKey(rng_);
    seen_.push_back(key);
    return key;
  }

  void FullLoad() {
    oracle_.clear();
    const size_t count = 300 + rng_() % 3000;
    std::string text;
    for (size_t i = 0; i < count; ++i) {
      const uint64_t key = PickKey();
      oracle_[key] = 0;  // Full lists carry no dates.
      absl::StrAppend(&text, FtcLine(key), "\n");
    }
    absl::StatusOr<LoadStats> stats =
        BulkLoad(Options(LoadMode::kFull, {Write(text)}));
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_EQ(stats->loaded, oracle_.size());
  }

  // One change-list run of one or two files.
  void ChangeLoad() {
    const int files = rng_() % 4 == 0 ? 2 : 1;
    std::vector<std::string> paths;
    std::map<uint64_t, std::pair<bool, DayNumber>> last;  // Last record wins.
    uint64_t records = 0, rejected = 0;
    for (int f = 0; f < files; ++f) {
      std::string text;
      // Sometimes an empty change list (only once per round: its bytes are
      // always the same, and a re-applied file is refused).
      const size_t count =
          (!used_empty_ && rng_() % 8 == 0) ? 0 : 1 + rng_() % 400;
      used_empty_ |= count == 0;
      for (size_t i = 0; i < count; ++i) {
        if (rng_() % 50 == 0) {
          absl::StrAppend(&text, "not,a,record\n");
          ++rejected;
          continue;
        }
        const uint64_t key = PickKey();
        const bool add = rng_() % 2 == 0;
        const DayNumber date = as_of_ - static_cast<DayNumber>(rng_() % 5);
        absl::StrAppend(&text, FtcLine(key), ",", FormatIsoDate(date),
                        " 13:14:15,", add ? "A" : "D", "\n");
        last[key] = {add, date};
        ++records;
      }
      // A unique trailing line keeps every non-empty file distinct.
      if (count > 0) {
        const uint64_t key = RandomValidKey(rng_);
        seen_.push_back(key);
        absl::StrAppend(&text, FtcLine(key), ",", FormatIsoDate(as_of_),
                        " 00:00:00,D\n");
        last[key] = {false, as_of_};
        ++records;
      }
      if (count == 0 && f == 1) break;  // Two empty files would be equal.
      paths.push_back(Write(text));
    }
    uint64_t added = 0, deleted = 0, adds_listed = 0, deletes_absent = 0;
    for (const auto& [key, op] : last) {
      const auto [add, date] = op;
      if (add) {
        if (oracle_.emplace(key, date).second) {
          ++added;
        } else {
          ++adds_listed;
        }
      } else if (oracle_.erase(key) == 1) {
        ++deleted;
      } else {
        ++deletes_absent;
      }
    }
    absl::StatusOr<LoadStats> stats =
        BulkLoad(Options(LoadMode::kChange, paths));
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_EQ(stats->change_records, records);
    EXPECT_EQ(stats->rejected, rejected);
    EXPECT_EQ(stats->superseded, records - last.size());
    EXPECT_EQ(stats->added, added);
    EXPECT_EQ(stats->deleted, deleted);
    EXPECT_EQ(stats->adds_already_listed, adds_listed);
    EXPECT_EQ(stats->deletes_not_listed, deletes_absent);
    EXPECT_EQ(stats->loaded, oracle_.size());
  }

  // Compares the published generation with the oracle.
  void Verify(const std::string& step) {
    absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
        storage::SourceSnapshot::OpenCurrent(data_, "us-ftc");
    ASSERT_TRUE(snapshot.ok()) << step << ": " << snapshot.status();
    std::vector<uint64_t> probes = seen_;
    for (int i = 0; i < 500; ++i) probes.push_back(RandomValidKey(rng_));
    std::vector<uint8_t> listed(probes.size());
    std::vector<storage::RegistryRecord> records(probes.size());
    ASSERT_TRUE(
        (*snapshot)
            ->Lookup(probes, absl::MakeSpan(listed), absl::MakeSpan(records))
            .ok());
    size_t mismatches = 0;
    for (size_t i = 0; i < probes.size(); ++i) {
      const auto it = oracle_.find(probes[i]);
      const bool expected = it != oracle_.end();
      const bool ok = (listed[i] != 0) == expected &&
                      (!expected || records[i].added == it->second);
      if (!ok && ++mismatches <= 5) {
        ADD_FAILURE() << step << ": " << probes[i] << " listed "
                      << int{listed[i]} << " added " << records[i].added
                      << ", oracle " << expected << " "
                      << (expected ? it->second : 0);
      }
    }
    EXPECT_EQ(mismatches, 0u) << step;
    ++verified_steps_;

    const storage::Manifest& manifest = (*snapshot)->manifest();
    EXPECT_EQ(manifest.numbers_loaded, oracle_.size()) << step;
    EXPECT_EQ(manifest.as_of, as_of_) << step;
    absl::StatusOr<std::unique_ptr<storage::KeyIndex>> index =
        storage::KeyIndex::Open((*snapshot)->dir() + "/index.bin");
    ASSERT_TRUE(index.ok()) << index.status();
    std::vector<uint64_t> expected_keys;
    for (const auto& entry : oracle_) expected_keys.push_back(entry.first);
    std::vector<uint64_t> keys;
    (*index)->AppendKeys(&keys);
    EXPECT_EQ(keys, expected_keys) << step;
    EXPECT_EQ((*index)->checksum(), manifest.index_checksum) << step;
  }

  // No more generation dirs than keep_generations, and no leftovers.
  void VerifyGarbageCollected(int keep) {
    int generations = 0;
    for (const auto& entry :
         fs::directory_iterator(data_ + "/sources/us-ftc")) {
      const std::string name = entry.path().filename().string();
      EXPECT_NE(name.rfind(".tmp", 0), 0u) << name;
      generations += name[0] == 'g' ? 1 : 0;
    }
    EXPECT_LE(generations, keep);
  }

  test::ScratchDir dir_;
  const std::string data_ = dir_.Path("data");
  std::mt19937_64 rng_;
  Oracle oracle_;
  std::vector<uint64_t> seen_;
  DayNumber as_of_ = *ParseIsoDate("2026-01-01");
  int files_ = 0;
  bool used_empty_ = false;
  int verified_steps_ = 0;
};

TEST_P(RandomizedLifecycleTest, EveryAnswerMatchesTheOracleAfterEveryStep) {
  for (int round = 0; round < kRoundsPerSeed; ++round) {
    SCOPED_TRACE(absl::StrCat("seed ", GetParam(), " round ", round));
    // Each round starts a new data dir (a long chain of change lists is
    // covered within the round; fresh dirs keep empty files re-usable).
    fs::remove_all(data_);
    seen_.clear();
    used_empty_ = false;
    as_of_ += 30;
    FullLoad();
    if (HasFatalFailure()) return;
    Verify("full load");
    if (HasFatalFailure()) return;
    for (int step = 0; step < kChangeStepsPerRound; ++step) {
      as_of_ += static_cast<DayNumber>(rng_() % 2);  // Same day or the next.
      ChangeLoad();
      if (HasFatalFailure()) return;
      Verify(absl::StrCat("change list ", step + 1));
      if (HasFatalFailure()) return;
    }
    // A second full load in the same dir replaces everything.
    as_of_ += 1;
    FullLoad();
    if (HasFatalFailure()) return;
    Verify("second full load");
    VerifyGarbageCollected(3);
  }
  EXPECT_EQ(verified_steps_, kRoundsPerSeed * (kChangeStepsPerRound + 2));
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomizedLifecycleTest,
                         ::testing::ValuesIn(kSeeds));

}  // namespace
}  // namespace dnc::loader
