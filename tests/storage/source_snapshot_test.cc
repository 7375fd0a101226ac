#include "storage/source_snapshot.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/hash_filter.h"
#include "storage/hash_filter_builder.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/source_directory.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<uint64_t> SortedKeys(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> dist(12002000000ULL, 19899999999ULL);
  std::vector<uint64_t> keys;
  while (keys.size() < n) {
    while (keys.size() < n) keys.push_back(dist(rng));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  return keys;
}

// A generation built and published the way dnc-load does it.
absl::Status PublishGenerationOf(const std::string& data_dir,
                                 const std::string& source,
                                 const std::vector<uint64_t>& keys,
                                 const std::vector<RegistryRecord>& records) {
  absl::StatusOr<PendingGeneration> pending = BeginGeneration(data_dir, source);
  if (!pending.ok()) return pending.status();
  const std::string dir = pending->dir();
  absl::Status status = BuildRegistryDb(dir + "/" + kDbDirName, keys, records);
  if (!status.ok()) return status;
  HashFilterOptions filter_options;
  filter_options.generation_number = pending->generation_number();
  absl::StatusOr<HashFilterInfo> info =
      WriteHashFilter(keys, filter_options, dir + "/" + kFilterFileName);
  if (!info.ok()) return info.status();
  Manifest manifest;
  manifest.source = source;
  manifest.generation = pending->generation();
  manifest.generation_number = pending->generation_number();
  manifest.as_of = 20400;
  manifest.numbers_loaded = keys.size();
  manifest.filter_checksum = info->checksum;
  manifest.filter_bytes = info->file_bytes;
  status = WriteManifest(manifest, dir + "/" + kManifestFileName);
  if (!status.ok()) return status;
  return PublishGeneration(std::move(*pending));
}

class SourceSnapshotTest : public ::testing::Test {
 protected:
  test::ScratchDir dir_;
};

TEST_F(SourceSnapshotTest, LookupMatchesAnOracleOnPresentAndAbsentKeys) {
  const std::vector<uint64_t> keys = SortedKeys(200000, 11);
  std::vector<RegistryRecord> records(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    records[i].added = static_cast<DayNumber>(15000 + i % 5000);
  }
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", keys, records).ok());
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-ftc", 8 << 20);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->manifest().generation, "g000001");
  EXPECT_EQ((*snapshot)->dir(), dir_.Path("sources/us-ftc/g000001"));
  EXPECT_EQ((*snapshot)->filter().key_count(), keys.size());

  // 200k present + 200k absent, shuffled.
  const std::unordered_set<uint64_t> oracle(keys.begin(), keys.end());
  std::vector<uint64_t> probes = keys;
  std::mt19937_64 rng(12);
  std::uniform_int_distribution<uint64_t> dist(10000000000ULL, 19999999999ULL);
  while (probes.size() < 2 * keys.size()) {
    const uint64_t key = dist(rng);
    if (oracle.count(key) == 0) probes.push_back(key);
  }
  std::shuffle(probes.begin(), probes.end(), rng);

  // One large call (many internal chunks), then batches of assorted sizes.
  std::vector<uint8_t> listed(probes.size(), 9);
  ASSERT_TRUE((*snapshot)->Lookup(probes, absl::MakeSpan(listed)).ok());
  size_t hits = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    ASSERT_EQ(listed[i], oracle.count(probes[i])) << probes[i];
    hits += listed[i];
  }
  EXPECT_EQ(hits, keys.size());

  std::vector<RegistryRecord> got;
  size_t pos = 0;
  size_t batch = 1;
  while (pos < probes.size()) {
    const size_t n = std::min(batch, probes.size() - pos);
    const absl::Span<const uint64_t> part(probes.data() + pos, n);
    listed.assign(n, 9);
    got.assign(n, RegistryRecord{1});
    ASSERT_TRUE((*snapshot)
                    ->Lookup(part, absl::MakeSpan(listed), absl::MakeSpan(got))
                    .ok());
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(listed[i], oracle.count(part[i])) << part[i];
      if (listed[i]) {
        const size_t index =
            std::lower_bound(keys.begin(), keys.end(), part[i]) - keys.begin();
        ASSERT_EQ(got[i].added, records[index].added) << part[i];
      } else {
        ASSERT_EQ(got[i].added, 0) << part[i];
      }
    }
    pos += n;
    batch = batch * 7 % 9001 + 1;
  }
}

TEST_F(SourceSnapshotTest, FilterFromAnotherGenerationIsDataLoss) {
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 1), {}).ok());
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 2), {}).ok());
  const std::string g1 = dir_.Path("sources/us-ftc/g000001");
  const std::string g2 = dir_.Path("sources/us-ftc/g000002");
  ASSERT_TRUE(SourceSnapshot::Open(g1).ok());
  ASSERT_TRUE(SourceSnapshot::Open(g2).ok());

  // Swap the two filter files.
  fs::rename(g1 + "/filter.bin", dir_.Path("filter.tmp"));
  fs::rename(g2 + "/filter.bin", g1 + "/filter.bin");
  fs::rename(dir_.Path("filter.tmp"), g2 + "/filter.bin");
  for (const std::string& dir : {g1, g2}) {
    absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
        SourceSnapshot::Open(dir);
    EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss) << dir;
    EXPECT_THAT(snapshot.status().message(), HasSubstr(dir + "/filter.bin"));
    EXPECT_THAT(snapshot.status().message(), HasSubstr("generation number"));
  }
}

TEST_F(SourceSnapshotTest, ManifestDisagreeingWithFilterIsDataLoss) {
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 1), {}).ok());
  const std::string g1 = dir_.Path("sources/us-ftc/g000001");
  const std::string manifest_path = g1 + "/MANIFEST";
  absl::StatusOr<Manifest> good = ReadManifest(manifest_path);
  ASSERT_TRUE(good.ok());

  Manifest bad = *good;
  bad.filter_checksum ^= 1;
  ASSERT_TRUE(WriteManifest(bad, manifest_path).ok());
  absl::Status status = SourceSnapshot::Open(g1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("checksum"));

  bad = *good;
  bad.numbers_loaded += 1;
  ASSERT_TRUE(WriteManifest(bad, manifest_path).ok());
  status = SourceSnapshot::Open(g1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("key count"));
}

TEST_F(SourceSnapshotTest, MissingPiecesAreReported) {
  absl::Status status =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-ftc").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("us-ftc"));

  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(100, 1), {}).ok());
  const std::string g1 = dir_.Path("sources/us-ftc/g000001");
  fs::remove_all(g1 + "/db");
  EXPECT_EQ(SourceSnapshot::Open(g1).status().code(),
            absl::StatusCode::kNotFound);
  fs::remove(g1 + "/filter.bin");
  EXPECT_EQ(SourceSnapshot::Open(g1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SourceSnapshotTest, EmptyGenerationAnswersNoForEverything) {
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", {}, {}).ok());
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-ftc");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  const std::vector<uint64_t> probes = {12025550123ULL, 14155550000ULL};
  std::vector<uint8_t> listed(probes.size(), 9);
  ASSERT_TRUE((*snapshot)->Lookup(probes, absl::MakeSpan(listed)).ok());
  EXPECT_THAT(listed, ::testing::ElementsAre(0, 0));
}

}  // namespace
}  // namespace dnc::storage
