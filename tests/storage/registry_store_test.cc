#include "storage/registry_store.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <unordered_set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/registry_db_builder.h"
#include "storage/registry_record.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

using ::testing::HasSubstr;

// Distinct NANP-like keys, sorted.
std::vector<uint64_t> SortedKeys(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> dist(12002000000ULL, 19899999999ULL);
  std::vector<uint64_t> keys;
  keys.reserve(n + n / 8);
  while (keys.size() < n) {
    while (keys.size() < n) keys.push_back(dist(rng));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  return keys;
}

std::vector<uint64_t> AbsentKeys(const std::vector<uint64_t>& present, size_t n,
                                 uint64_t seed) {
  const std::unordered_set<uint64_t> set(present.begin(), present.end());
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> dist(12002000000ULL, 19899999999ULL);
  std::vector<uint64_t> absent;
  while (absent.size() < n) {
    const uint64_t key = dist(rng);
    if (set.count(key) == 0) absent.push_back(key);
  }
  return absent;
}

std::unique_ptr<RegistryStore> OpenStore(const std::string& dir) {
  RegistryStoreOptions options;
  options.db_dir = dir;
  options.block_cache_bytes = 8 << 20;
  absl::StatusOr<std::unique_ptr<RegistryStore>> store =
      RegistryStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

class RegistryStoreTest : public ::testing::Test {
 protected:
  test::ScratchDir dir_;
};

TEST_F(RegistryStoreTest, FindsEveryBuiltKeyAndNoAbsentKey) {
  const std::vector<uint64_t> keys = SortedKeys(100000, 1);
  const std::vector<uint64_t> absent = AbsentKeys(keys, 100000, 2);
  RegistryDbBuildOptions build;
  build.keys_per_sst_file = 30000;  // Several SST files, one ingestion.
  ASSERT_TRUE(BuildRegistryDb(dir_.Path("db"), keys, {}, build).ok());
  std::unique_ptr<RegistryStore> store = OpenStore(dir_.Path("db"));
  ASSERT_NE(store, nullptr);

  for (uint64_t key : keys) {
    absl::StatusOr<bool> found = store->Contains(key);
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_TRUE(*found) << key;
  }
  for (uint64_t key : absent) {
    absl::StatusOr<bool> found = store->Contains(key);
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_FALSE(*found) << key;
  }
}

TEST_F(RegistryStoreTest, ContainsBatchAgreesWithContainsOnMixedBatches) {
  const std::vector<uint64_t> keys = SortedKeys(100000, 3);
  const std::vector<uint64_t> absent = AbsentKeys(keys, 100000, 4);
  ASSERT_TRUE(BuildRegistryDb(dir_.Path("db"), keys).ok());
  std::unique_ptr<RegistryStore> store = OpenStore(dir_.Path("db"));
  ASSERT_NE(store, nullptr);

  std::vector<uint64_t> probes = keys;
  probes.insert(probes.end(), absent.begin(), absent.end());
  std::shuffle(probes.begin(), probes.end(), std::mt19937_64(5));
  // Batches of varied sizes, including 1 and sizes above MultiGet's internal
  // batch of 32, and a repeated key inside one batch.
  probes.insert(probes.begin() + 10, probes[3]);
  const std::unordered_set<uint64_t> oracle(keys.begin(), keys.end());

  // All 200k at once (several internal MultiGet chunks).
  std::vector<uint8_t> all(probes.size(), 7);
  ASSERT_TRUE(store->ContainsBatch(probes, absl::MakeSpan(all)).ok());
  for (size_t i = 0; i < probes.size(); ++i) {
    ASSERT_EQ(all[i], oracle.count(probes[i])) << probes[i];
  }

  size_t pos = 0;
  size_t batch_size = 1;
  std::vector<uint8_t> found;
  while (pos < probes.size()) {
    const size_t n = std::min(batch_size, probes.size() - pos);
    found.assign(n, 7);
    const absl::Span<const uint64_t> batch(probes.data() + pos, n);
    ASSERT_TRUE(store->ContainsBatch(batch, absl::MakeSpan(found)).ok());
    for (size_t i = 0; i < n; ++i) {
      absl::StatusOr<bool> single = store->Contains(batch[i]);
      ASSERT_TRUE(single.ok());
      ASSERT_EQ(found[i], *single ? 1 : 0) << batch[i];
      ASSERT_EQ(found[i], oracle.count(batch[i])) << batch[i];
    }
    pos += n;
    batch_size = batch_size * 3 % 2053 + 1;
  }
}

TEST_F(RegistryStoreTest, RecordsRoundTripThroughTheDb) {
  const std::vector<uint64_t> keys = SortedKeys(5000, 6);
  std::vector<RegistryRecord> records(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    // Every third key has nothing known (empty value).
    records[i].added = i % 3 == 0 ? 0 : static_cast<DayNumber>(10000 + i);
  }
  ASSERT_TRUE(BuildRegistryDb(dir_.Path("db"), keys, records).ok());
  std::unique_ptr<RegistryStore> store = OpenStore(dir_.Path("db"));
  ASSERT_NE(store, nullptr);

  std::vector<uint64_t> probes = keys;
  probes.push_back(11111111111ULL);  // Absent: record reset to nothing known.
  std::vector<uint8_t> found(probes.size());
  std::vector<RegistryRecord> got(probes.size(), RegistryRecord{77});
  ASSERT_TRUE(
      store->ContainsBatch(probes, absl::MakeSpan(found), absl::MakeSpan(got))
          .ok());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(found[i], 1);
    ASSERT_EQ(got[i].added, records[i].added) << i;
  }
  EXPECT_EQ(found.back(), 0);
  EXPECT_EQ(got.back().added, 0);
}

TEST(RegistryRecordTest, EncodingIsEmptyOrFourLittleEndianBytes) {
  EXPECT_EQ(EncodeRecord(RegistryRecord{0}), "");
  EXPECT_EQ(EncodeRecord(RegistryRecord{0x01020304}),
            std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(DecodeRecord(EncodeRecord(RegistryRecord{20000})).added, 20000);
  EXPECT_EQ(DecodeRecord("").added, 0);
  EXPECT_EQ(DecodeRecord("ab").added, 0);  // Short: nothing known.
  // Longer values (fields from a newer writer) keep the fields we know.
  EXPECT_EQ(DecodeRecord(std::string("\x10\x27\x00\x00xyz", 7)).added, 10000);
}

TEST_F(RegistryStoreTest, AnEmptyKeySetBuildsAnEmptyDb) {
  ASSERT_TRUE(BuildRegistryDb(dir_.Path("db"), {}).ok());
  std::unique_ptr<RegistryStore> store = OpenStore(dir_.Path("db"));
  ASSERT_NE(store, nullptr);
  absl::StatusOr<bool> found = store->Contains(12025551234ULL);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST_F(RegistryStoreTest, OpenOfMissingDirOrNonDbDirIsNotFound) {
  RegistryStoreOptions options;
  options.db_dir = dir_.Path("nope");
  absl::StatusOr<std::unique_ptr<RegistryStore>> store =
      RegistryStore::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr(dir_.Path("nope")));

  std::filesystem::create_directory(dir_.Path("empty"));
  options.db_dir = dir_.Path("empty");
  store = RegistryStore::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RegistryStoreTest, BuilderRefusesUnsortedKeysNamingTheIndex) {
  const std::vector<uint64_t> keys = {12025550001ULL, 12025550003ULL,
                                      12025550002ULL};
  absl::Status status = BuildRegistryDb(dir_.Path("db"), keys);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("keys[2] = 12025550002"));
  EXPECT_THAT(status.message(), HasSubstr("keys[1] = 12025550003"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("db")));
}

TEST_F(RegistryStoreTest, BuilderRefusesDuplicateKeys) {
  const std::vector<uint64_t> keys = {12025550001ULL, 12025550002ULL,
                                      12025550002ULL};
  absl::Status status = BuildRegistryDb(dir_.Path("db"), keys);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("repeats"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("db")));
}

TEST_F(RegistryStoreTest, BuilderRefusesAnExistingDir) {
  std::filesystem::create_directory(dir_.Path("db"));
  absl::Status status = BuildRegistryDb(dir_.Path("db"), {12025550001ULL});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("already exists"));
  // And leaves what was there alone.
  EXPECT_TRUE(std::filesystem::is_directory(dir_.Path("db")));
}

TEST_F(RegistryStoreTest, BuilderRefusesRecordsOfTheWrongLength) {
  const std::vector<uint64_t> keys = {12025550001ULL, 12025550002ULL};
  const std::vector<RegistryRecord> records(1);
  EXPECT_EQ(BuildRegistryDb(dir_.Path("db"), keys, records).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryStoreTest, BuilderLeavesOnlyTheDbDirBehind) {
  ASSERT_TRUE(
      BuildRegistryDb(dir_.Path("db"), {12025550001ULL, 12025550002ULL}).ok());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(names, ::testing::ElementsAre("db"));
}

TEST_F(RegistryStoreTest, ContainsBatchRejectsMismatchedSpans) {
  ASSERT_TRUE(BuildRegistryDb(dir_.Path("db"), {12025550001ULL}).ok());
  std::unique_ptr<RegistryStore> store = OpenStore(dir_.Path("db"));
  ASSERT_NE(store, nullptr);
  const std::vector<uint64_t> keys = {1, 2};
  std::vector<uint8_t> found(1);
  EXPECT_EQ(store->ContainsBatch(keys, absl::MakeSpan(found)).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dnc::storage
