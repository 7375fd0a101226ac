#include "service/source_set.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/registry.h"
#include "storage/key_index.h"
#include "storage/source_directory.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

using ::testing::HasSubstr;

const DayNumber kAsOf = *ParseIsoDate("2026-03-01");

test::FixtureSource Source(const std::string& id, std::vector<uint64_t> keys,
                           uint32_t country_code = 1) {
  test::FixtureSource spec;
  spec.source = id;
  spec.country_codes = {country_code};
  spec.as_of = kAsOf;
  spec.keys = std::move(keys);
  return spec;
}

// True if `snapshot` lists `e164`.
bool Lists(const storage::SourceSnapshot& snapshot, uint64_t e164) {
  uint8_t listed = 0;
  const uint64_t keys[1] = {e164};
  EXPECT_TRUE(snapshot.Lookup(keys, absl::MakeSpan(&listed, 1)).ok());
  return listed != 0;
}

class SourceSetTest : public ::testing::Test {
 protected:
  std::unique_ptr<Registry> OpenRegistry() {
    RegistryOptions options;
    options.data_dir = dir_.path();
    auto registry = Registry::Open(options);
    EXPECT_TRUE(registry.ok()) << registry.status();
    return registry.ok() ? *std::move(registry) : nullptr;
  }

  test::ScratchDir dir_;
};

TEST_F(SourceSetTest, OpenFindsEveryPublishedSourceSortedById) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("zz-last", {12022345678})).ok());
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("aa-first", {442071234567}, 44))
          .ok());
  auto set = SourceSet::Open(dir_.path());
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ((*set)->size(), 2u);
  EXPECT_EQ((*set)->sources()[0].manifest().source, "aa-first");
  EXPECT_EQ((*set)->sources()[1].manifest().source, "zz-last");
  EXPECT_FALSE((*set)->sources()[0].loaded_at.empty());
  EXPECT_NE((*set)->Find("zz-last"), nullptr);
  EXPECT_EQ((*set)->Find("missing"), nullptr);
}

TEST_F(SourceSetTest, EmptyDataDirOpensWithNoSources) {
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  EXPECT_TRUE(registry->Current()->empty());
}

TEST_F(SourceSetTest, MissingDataDirIsNotFoundNamingIt) {
  RegistryOptions options;
  options.data_dir = dir_.Path("nope");
  auto registry = Registry::Open(options);
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(registry.status().message(), HasSubstr(options.data_dir));
}

TEST_F(SourceSetTest, ReloadPicksUpANewlyPublishedGeneration) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {12022345678})).ok());
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  const std::string first_generation =
      registry->Current()->Find("us-a")->manifest().generation;

  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {13032345678})).ok());
  ReloadSummary summary;
  ASSERT_TRUE(registry->Reload(&summary).ok());
  EXPECT_EQ(summary.opened, 1);
  EXPECT_EQ(summary.reused, 0);
  const ServedSource* served = registry->Current()->Find("us-a");
  ASSERT_NE(served, nullptr);
  EXPECT_NE(served->manifest().generation, first_generation);
  EXPECT_TRUE(Lists(*served->snapshot, 13032345678));
  EXPECT_FALSE(Lists(*served->snapshot, 12022345678));
}

TEST_F(SourceSetTest, ReloadPicksUpANewSourceAndDropsAnUnpublishedOne) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {12022345678})).ok());
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("uk-b", {442071234567}, 44))
          .ok());
  ReloadSummary summary;
  ASSERT_TRUE(registry->Reload(&summary).ok());
  EXPECT_EQ(summary.opened, 1);
  EXPECT_EQ(summary.reused, 1);
  EXPECT_EQ(registry->Current()->size(), 2u);

  std::filesystem::remove(dir_.path() + "/sources/us-a/CURRENT");
  ASSERT_TRUE(registry->Reload(&summary).ok());
  EXPECT_EQ(summary.dropped, 1);
  ASSERT_EQ(registry->Current()->size(), 1u);
  EXPECT_EQ(registry->Current()->sources()[0].manifest().source, "uk-b");
}

TEST_F(SourceSetTest, InFlightHoldersKeepTheOldSnapshotAlive) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {12022345678})).ok());
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  std::shared_ptr<const SourceSet> held = registry->Current();
  std::weak_ptr<const storage::SourceSnapshot> old_snapshot =
      held->Find("us-a")->snapshot;

  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {13032345678})).ok());
  ASSERT_TRUE(registry->Reload().ok());
  EXPECT_NE(registry->Current()->Find("us-a")->snapshot.get(),
            held->Find("us-a")->snapshot.get());
  // The request that took `held` before the swap still reads the old data.
  ASSERT_FALSE(old_snapshot.expired());
  EXPECT_TRUE(Lists(*held->Find("us-a")->snapshot, 12022345678));
  EXPECT_EQ(registry->CloseUnused(), 1u);  // Still held: stays open.
  ASSERT_FALSE(old_snapshot.expired());
  // The last request lets go: the generation is not closed on its thread...
  held.reset();
  EXPECT_FALSE(old_snapshot.expired());
  // ...but by the next CloseUnused (every Reload and poll runs it).
  EXPECT_EQ(registry->CloseUnused(), 0u);
  EXPECT_TRUE(old_snapshot.expired());
}

TEST_F(SourceSetTest, ReloadClosesReplacedGenerationsNoRequestHolds) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {12022345678})).ok());
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  std::weak_ptr<const storage::SourceSnapshot> first =
      registry->Current()->Find("us-a")->snapshot;
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {13032345678})).ok());
  ASSERT_TRUE(registry->Reload().ok());
  EXPECT_TRUE(first.expired());
}

TEST_F(SourceSetTest, GenerationDeletedWhileServedKeepsAnswering) {
  // Enough keys for real SST files; every lookup asks for details, so hits
  // read RocksDB, not only the memory-mapped files.
  std::mt19937_64 rng(42);
  std::vector<uint64_t> keys;
  for (int i = 0; i < 20000; ++i) keys.push_back(test::RandomValidNanp(rng));
  auto published = PublishFixtureSource(dir_.path(), Source("us-a", keys));
  ASSERT_TRUE(published.ok()) << published.status();
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  const std::shared_ptr<const SourceSet> held = registry->Current();

  // A loader publishes the next generation and garbage-collects this one
  // before the server reloads (unlinking all its files).
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {13032345678})).ok());
  std::filesystem::remove_all(*published);
  ASSERT_FALSE(std::filesystem::exists(*published));

  std::vector<uint64_t> probe(keys.begin(), keys.begin() + 5000);
  for (int i = 0; i < 5000; ++i) probe.push_back(test::RandomValidNanp(rng));
  const std::set<uint64_t> listed_set(keys.begin(), keys.end());
  std::vector<uint8_t> listed(probe.size());
  std::vector<storage::RegistryRecord> records(probe.size());
  ASSERT_TRUE(
      held->Find("us-a")
          ->snapshot
          ->Lookup(probe, absl::MakeSpan(listed), absl::MakeSpan(records))
          .ok());
  for (size_t i = 0; i < probe.size(); ++i) {
    EXPECT_EQ(listed[i] != 0, listed_set.count(probe[i]) > 0) << probe[i];
  }
  // The reload swaps to the new generation; the request holding the
  // deleted one still finishes on it.
  ASSERT_TRUE(registry->Reload().ok());
  EXPECT_TRUE(Lists(*registry->Current()->Find("us-a")->snapshot, 13032345678));
  EXPECT_TRUE(Lists(*held->Find("us-a")->snapshot, keys[0]));
}

TEST_F(SourceSetTest, UnchangedSourcesAreReused) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {12022345678})).ok());
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("uk-b", {442071234567}, 44))
          .ok());
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  const std::shared_ptr<const SourceSet> before = registry->Current();

  ReloadSummary summary;
  ASSERT_TRUE(registry->Reload(&summary).ok());
  EXPECT_EQ(summary.reused, 2);
  EXPECT_EQ(summary.opened, 0);
  // Nothing changed: the same set is still served.
  EXPECT_EQ(registry->Current(), before);

  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("uk-b", {442071234568}, 44))
          .ok());
  ASSERT_TRUE(registry->Reload(&summary).ok());
  EXPECT_EQ(summary.reused, 1);
  EXPECT_EQ(summary.opened, 1);
  const std::shared_ptr<const SourceSet> after = registry->Current();
  EXPECT_NE(after, before);
  EXPECT_EQ(after->Find("us-a")->snapshot, before->Find("us-a")->snapshot);
  EXPECT_EQ(after->Find("us-a")->loaded_at, before->Find("us-a")->loaded_at);
  EXPECT_NE(after->Find("uk-b")->snapshot, before->Find("uk-b")->snapshot);
}

TEST_F(SourceSetTest, FailedOpenKeepsServingThePreviousGeneration) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {12022345678})).ok());
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  const std::string old_dir =
      registry->Current()->Find("us-a")->snapshot->dir();

  // Generations whose index is truncated, corrupt or of another format
  // version: each refused with a clear error, the old one kept serving.
  struct Damage {
    const char* what;
    const char* message;
    std::function<void(const std::string&)> apply;
  };
  auto patch = [](const std::string& path, long offset, char byte) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(offset);
    f.put(byte);
  };
  const std::vector<Damage> damages = {
      {"truncated", "truncated",
       [](const std::string& path) {
         std::filesystem::resize_file(path,
                                      std::filesystem::file_size(path) - 8);
       }},
      {"corrupt", "checksum",
       [&](const std::string& path) {
         patch(path, static_cast<long>(std::filesystem::file_size(path)) - 12,
               0x5a);
       }},
      {"other version", "format version 7",
       [&](const std::string& path) { patch(path, 8, 7); }},
      {"not an index", "bad magic",
       [](const std::string& path) {
         std::ofstream(path, std::ios::trunc) << std::string(200, 'x');
       }},
  };
  uint64_t number = 13032345678;
  for (const Damage& damage : damages) {
    SCOPED_TRACE(damage.what);
    auto new_dir =
        PublishFixtureSource(dir_.path(), Source("us-a", {number++}));
    ASSERT_TRUE(new_dir.ok()) << new_dir.status();
    const std::string index = *new_dir + "/" + storage::kIndexFileName;
    damage.apply(index);
    ReloadSummary summary;
    const absl::Status status = registry->Reload(&summary);
    EXPECT_FALSE(status.ok());
    EXPECT_THAT(status.message(), HasSubstr("us-a"));
    EXPECT_THAT(status.message(), HasSubstr(index));
    EXPECT_THAT(status.message(), HasSubstr(damage.message));
    EXPECT_EQ(summary.failed, 1);
    ASSERT_NE(registry->Current()->Find("us-a"), nullptr);
    EXPECT_EQ(registry->Current()->Find("us-a")->snapshot->dir(), old_dir);
    // Still answering from the old generation.
    const std::vector<uint64_t> keys = {12022345678};
    std::vector<uint8_t> listed(1);
    ASSERT_TRUE(registry->Current()
                    ->Find("us-a")
                    ->snapshot->Lookup(keys, absl::MakeSpan(listed))
                    .ok());
    EXPECT_EQ(listed[0], 1);
  }
}

TEST_F(SourceSetTest, PollingPicksUpANewGenerationByItself) {
  ASSERT_TRUE(
      PublishFixtureSource(dir_.path(), Source("us-a", {12022345678})).ok());
  auto registry = OpenRegistry();
  ASSERT_NE(registry, nullptr);
  registry->StartPolling(absl::Milliseconds(20));
  auto published =
      PublishFixtureSource(dir_.path(), Source("us-a", {13032345678}));
  ASSERT_TRUE(published.ok());
  const std::string generation =
      std::filesystem::path(*published).filename().string();
  // Wait (bounded) for the poller; no timing is asserted, only the outcome.
  for (int i = 0; i < 1000; ++i) {
    if (registry->Current()->Find("us-a")->manifest().generation ==
        generation) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(registry->Current()->Find("us-a")->manifest().generation,
            generation);
  registry->StopPolling();
}

}  // namespace
}  // namespace dnc::service
