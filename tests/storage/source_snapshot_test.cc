#include "storage/source_snapshot.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/hash_filter.h"
#include "storage/hash_filter_builder.h"
#include "storage/key_index.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/registry_store.h"
#include "storage/sorted_key_file.h"
#include "storage/source_directory.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr uint64_t kNanpLo = 12002000000ULL;
constexpr uint64_t kNanpHi = 19899999999ULL;

// `n` distinct random keys in [lo, hi], ascending.
std::vector<uint64_t> SortedKeys(size_t n, uint64_t seed, uint64_t lo = kNanpLo,
                                 uint64_t hi = kNanpHi) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> dist(lo, hi);
  std::vector<uint64_t> keys;
  while (keys.size() < n) {
    while (keys.size() < n) keys.push_back(dist(rng));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  return keys;
}

// How a generation is served.
enum class Served {
  kFilterAndDb,     // Made before keys.bin: filter, then RocksDB.
  kKeysFile,        // Made before index.bin: keys.bin (and the filter).
  kIndexFile,       // index.bin (what dnc-load writes).
  kIndexAndFilter,  // index.bin and filter.bin (dnc-load --filter).
};

// A generation built and published the way dnc-load does it (kIndexFile), or
// as older loaders did.
absl::Status PublishGenerationOf(const std::string& data_dir,
                                 const std::string& source,
                                 const std::vector<uint64_t>& keys,
                                 const std::vector<RegistryRecord>& records,
                                 Served served = Served::kIndexFile) {
  absl::StatusOr<PendingGeneration> pending = BeginGeneration(data_dir, source);
  if (!pending.ok()) return pending.status();
  const std::string dir = pending->dir();
  absl::Status status = BuildRegistryDb(dir + "/" + kDbDirName, keys, records);
  if (!status.ok()) return status;
  Manifest manifest;
  if (served == Served::kIndexFile || served == Served::kIndexAndFilter) {
    absl::StatusOr<KeyIndexInfo> index = WriteKeyIndex(
        keys, pending->generation_number(), dir + "/" + kIndexFileName);
    if (!index.ok()) return index.status();
    manifest.index_checksum = index->checksum;
    manifest.index_bytes = index->file_bytes;
  }
  if (served != Served::kIndexFile) {
    HashFilterOptions filter_options;
    filter_options.generation_number = pending->generation_number();
    absl::StatusOr<HashFilterInfo> info =
        WriteHashFilter(keys, filter_options, dir + "/" + kFilterFileName);
    if (!info.ok()) return info.status();
    manifest.filter_checksum = info->checksum;
    manifest.filter_bytes = info->file_bytes;
  }
  if (served == Served::kKeysFile) {
    absl::StatusOr<SortedKeyFileInfo> keys_info = WriteSortedKeyFile(
        keys, pending->generation_number(), dir + "/" + kKeysFileName);
    if (!keys_info.ok()) return keys_info.status();
    manifest.keys_checksum = keys_info->checksum;
  }
  manifest.source = source;
  manifest.generation = pending->generation();
  manifest.generation_number = pending->generation_number();
  manifest.as_of = 20400;
  manifest.numbers_loaded = keys.size();
  status = WriteManifest(manifest, dir + "/" + kManifestFileName);
  if (!status.ok()) return status;
  return PublishGeneration(std::move(*pending));
}

class SourceSnapshotTest : public ::testing::Test {
 protected:
  test::ScratchDir dir_;
};

class SourceSnapshotKeysFileTest
    : public SourceSnapshotTest,
      public ::testing::WithParamInterface<Served> {
 protected:
  // The range keys are drawn from: all of NANP, or a few area codes.
  uint64_t lo() const { return kNanpLo; }
  uint64_t hi() const {
    return GetParam() == Served::kKeysFile ? kNanpLo + 40000000 : kNanpHi;
  }
  void ExpectIndexKind(const SourceSnapshot& snapshot) const {
    EXPECT_EQ(snapshot.index() != nullptr, GetParam() != Served::kFilterAndDb);
    // The filter is opened wherever there is one: alone, or in front of the
    // index.
    EXPECT_EQ(snapshot.filter() != nullptr, GetParam() != Served::kIndexFile);
  }
};

INSTANTIATE_TEST_SUITE_P(WithAndWithoutKeysFile, SourceSnapshotKeysFileTest,
                         ::testing::Values(Served::kFilterAndDb,
                                           Served::kKeysFile,
                                           Served::kIndexFile,
                                           Served::kIndexAndFilter),
                         [](const ::testing::TestParamInfo<Served>& param) {
                           switch (param.param) {
                             case Served::kFilterAndDb:
                               return "FilterAndDb";
                             case Served::kKeysFile:
                               return "KeysFile";
                             case Served::kIndexFile:
                               return "IndexFile";
                             case Served::kIndexAndFilter:
                               return "IndexAndFilter";
                           }
                           return "Unknown";
                         });

TEST_P(SourceSnapshotKeysFileTest,
       LookupMatchesAnOracleOnPresentAndAbsentKeys) {
  const Served served = GetParam();
  const std::vector<uint64_t> keys = SortedKeys(200000, 11, lo(), hi());
  std::vector<RegistryRecord> records(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    records[i].added = static_cast<DayNumber>(15000 + i % 5000);
  }
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", keys, records, served).ok());
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-ftc", 8 << 20);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->manifest().generation, "g000001");
  EXPECT_EQ((*snapshot)->dir(), dir_.Path("sources/us-ftc/g000001"));
  ExpectIndexKind(**snapshot);
  EXPECT_TRUE((*snapshot)->may_have_details());

  // 200k present + 200k absent (in and around the key range), shuffled.
  const std::unordered_set<uint64_t> oracle(keys.begin(), keys.end());
  std::vector<uint64_t> probes = keys;
  std::mt19937_64 rng(12);
  std::uniform_int_distribution<uint64_t> dist(lo() - 1000, hi() + 1000);
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
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 1),
                                  {}, Served::kFilterAndDb)
                  .ok());
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 2),
                                  {}, Served::kFilterAndDb)
                  .ok());
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
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 1),
                                  {}, Served::kFilterAndDb)
                  .ok());
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

// The "no false negatives" invariant at registry scale: 1M keys, every one
// of them probed, plus 1M absent numbers (neighbours of listed numbers
// included), in one call and in service-sized batches, with keys.bin and
// without it (filter + RocksDB).
TEST_P(SourceSnapshotKeysFileTest, LookupAgreesWithOracleForOneMillionKeys) {
  const Served served = GetParam();
  const std::vector<uint64_t> keys = SortedKeys(1000000, 21, lo(), hi());
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", keys, {}, served).ok());
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-ftc");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ExpectIndexKind(**snapshot);
  // No dates were loaded: details never need RocksDB.
  EXPECT_FALSE((*snapshot)->may_have_details());

  std::mt19937_64 rng(22);
  std::vector<uint64_t> probes = keys;
  for (size_t i = 0; probes.size() < 2 * keys.size(); ++i) {
    const uint64_t near = keys[rng() % keys.size()] + (i % 2 ? 1 : -1);
    if (!std::binary_search(keys.begin(), keys.end(), near)) {
      probes.push_back(near);
    }
    const uint64_t random = lo() - 1000 + rng() % (hi() - lo() + 2000);
    if (!std::binary_search(keys.begin(), keys.end(), random)) {
      probes.push_back(random);
    }
  }
  std::shuffle(probes.begin(), probes.end(), rng);

  // Batches of 10,000 as the service sends them, details asked for.
  constexpr size_t kBatch = 10000;
  std::vector<uint8_t> listed(kBatch);
  std::vector<RegistryRecord> got(kBatch);
  size_t hits = 0;
  for (size_t pos = 0; pos < probes.size(); pos += kBatch) {
    const size_t n = std::min(kBatch, probes.size() - pos);
    const absl::Span<const uint64_t> part(probes.data() + pos, n);
    std::fill(listed.begin(), listed.end(), 9);
    std::fill(got.begin(), got.end(), RegistryRecord{7});
    ASSERT_TRUE((*snapshot)
                    ->Lookup(part, absl::MakeSpan(listed.data(), n),
                             absl::MakeSpan(got.data(), n))
                    .ok());
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(listed[i],
                std::binary_search(keys.begin(), keys.end(), part[i]) ? 1 : 0)
          << part[i];
      ASSERT_EQ(got[i].added, 0) << part[i];
      hits += listed[i];
    }
  }
  EXPECT_EQ(hits, keys.size());
}

TEST_F(SourceSnapshotTest, ManifestWithoutKeysChecksumIsServedWithoutKeysFile) {
  // keys.bin present but not recorded in the MANIFEST (written by something
  // that does not vouch for it): not trusted, the filter and DB answer.
  const std::vector<uint64_t> keys = SortedKeys(1000, 1);
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", keys, {}, Served::kKeysFile)
          .ok());
  const std::string g1 = dir_.Path("sources/us-ftc/g000001");
  const std::string manifest_path = g1 + "/MANIFEST";
  absl::StatusOr<Manifest> manifest = ReadManifest(manifest_path);
  ASSERT_TRUE(manifest.ok());
  manifest->keys_checksum = 0;
  ASSERT_TRUE(WriteManifest(*manifest, manifest_path).ok());
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::Open(g1);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->index(), nullptr);
  std::vector<uint8_t> listed(keys.size());
  ASSERT_TRUE((*snapshot)->Lookup(keys, absl::MakeSpan(listed)).ok());
  EXPECT_EQ(std::count(listed.begin(), listed.end(), 1),
            static_cast<long>(keys.size()));
}

TEST_F(SourceSnapshotTest,
       IndexFileTruncatedCorruptOfAnotherVersionOrGeneration) {
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 1), {}).ok());
  ASSERT_TRUE(
      PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 2), {}).ok());
  const std::string g1 = dir_.Path("sources/us-ftc/g000001");
  const std::string g2 = dir_.Path("sources/us-ftc/g000002");
  const std::string index = g1 + "/index.bin";
  ASSERT_TRUE(SourceSnapshot::Open(g1).ok());
  const uint64_t size = fs::file_size(index);
  auto expect_refused = [&](const char* what, const char* message) {
    SCOPED_TRACE(what);
    const absl::Status status = SourceSnapshot::Open(g1).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_THAT(status.message(), HasSubstr(index));
    EXPECT_THAT(status.message(), HasSubstr(message));
  };
  auto patch = [&](uint64_t offset, int byte) {
    std::FILE* f = std::fopen(index.c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, static_cast<long>(offset), SEEK_SET);
    std::fputc(byte, f);
    std::fclose(f);
  };
  // Another generation's index.
  fs::copy_file(g2 + "/index.bin", index, fs::copy_options::overwrite_existing);
  expect_refused("another generation's", "generation number");
  // Truncated.
  ASSERT_TRUE(WriteKeyIndex(SortedKeys(1000, 1), 1, index).ok());
  ASSERT_TRUE(SourceSnapshot::Open(g1).ok());
  fs::resize_file(index, size - 16);
  expect_refused("truncated", "truncated");
  // A damaged byte in the body.
  ASSERT_TRUE(WriteKeyIndex(SortedKeys(1000, 1), 1, index).ok());
  patch(size - 40, 0x55);
  expect_refused("corrupt", "checksum");
  // Another format version (offset 8, 16-bit).
  ASSERT_TRUE(WriteKeyIndex(SortedKeys(1000, 1), 1, index).ok());
  patch(8, 9);
  expect_refused("other version", "format version 9");
  // Gone while the MANIFEST still records it.
  fs::remove(index);
  expect_refused("missing", "missing");
}

TEST_F(SourceSnapshotTest, KeysFileMissingOrNotBelongingIsDataLoss) {
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 1),
                                  {}, Served::kKeysFile)
                  .ok());
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", SortedKeys(1000, 2),
                                  {}, Served::kKeysFile)
                  .ok());
  const std::string g1 = dir_.Path("sources/us-ftc/g000001");
  const std::string g2 = dir_.Path("sources/us-ftc/g000002");
  ASSERT_TRUE(SourceSnapshot::Open(g1).ok());

  // Another generation's keys.bin.
  fs::copy_file(g2 + "/keys.bin", g1 + "/keys.bin",
                fs::copy_options::overwrite_existing);
  absl::Status status = SourceSnapshot::Open(g1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr(g1 + "/keys.bin"));
  EXPECT_THAT(status.message(), HasSubstr("generation number"));

  // The same generation number but other keys: the checksum catches it.
  const std::vector<uint64_t> other = SortedKeys(1000, 3);
  ASSERT_TRUE(WriteSortedKeyFile(other, 1, g1 + "/keys.bin").ok());
  status = SourceSnapshot::Open(g1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("checksum"));

  // Damaged bytes.
  {
    std::FILE* f = std::fopen((g1 + "/keys.bin").c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 64 + 8 * 10, SEEK_SET);
    std::fputc(0x55, f);
    std::fclose(f);
  }
  status = SourceSnapshot::Open(g1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);

  // Gone while the MANIFEST still records it.
  fs::remove(g1 + "/keys.bin");
  status = SourceSnapshot::Open(g1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("missing"));
}

TEST_F(SourceSnapshotTest, KeysFileListingANumberTheDbLacksStillSaysListed) {
  // A generation whose keys.bin has one number RocksDB does not (a damaged
  // generation): keys.bin decides membership, so it is never a false
  // negative; RocksDB is not asked about it (it cannot have details).
  std::vector<uint64_t> keys = SortedKeys(1000, 1);
  std::vector<RegistryRecord> records(keys.size(), RegistryRecord{20000});
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", keys, records,
                                  Served::kKeysFile)
                  .ok());
  const std::string g1 = dir_.Path("sources/us-ftc/g000001");
  std::vector<uint64_t> more = keys;
  const uint64_t extra = 19999999999ULL;
  more.push_back(extra);
  absl::StatusOr<SortedKeyFileInfo> info =
      WriteSortedKeyFile(more, 1, g1 + "/keys.bin");
  ASSERT_TRUE(info.ok());
  absl::StatusOr<Manifest> manifest = ReadManifest(g1 + "/MANIFEST");
  ASSERT_TRUE(manifest.ok());
  manifest->keys_checksum = info->checksum;
  manifest->numbers_loaded = more.size();
  ASSERT_TRUE(WriteManifest(*manifest, g1 + "/MANIFEST").ok());
  // The filter's key count no longer matches the MANIFEST: rebuild it.
  HashFilterOptions filter_options;
  filter_options.generation_number = 1;
  absl::StatusOr<HashFilterInfo> filter =
      WriteHashFilter(more, filter_options, g1 + "/filter.bin");
  ASSERT_TRUE(filter.ok());
  manifest->filter_checksum = filter->checksum;
  manifest->filter_bytes = filter->file_bytes;
  ASSERT_TRUE(WriteManifest(*manifest, g1 + "/MANIFEST").ok());

  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::Open(g1);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  const std::vector<uint64_t> probe = {keys[0], extra};
  std::vector<uint8_t> listed(2);
  ASSERT_TRUE((*snapshot)->Lookup(probe, absl::MakeSpan(listed)).ok());
  EXPECT_THAT(listed, ::testing::ElementsAre(1, 1));
  std::vector<RegistryRecord> got(2);
  ASSERT_TRUE((*snapshot)
                  ->Lookup(probe, absl::MakeSpan(listed), absl::MakeSpan(got))
                  .ok());
  EXPECT_THAT(listed, ::testing::ElementsAre(1, 1));
  EXPECT_EQ(got[0].added, 20000);
  EXPECT_EQ(got[1].added, 0);
}

TEST_F(SourceSnapshotTest, DetailsComeFromTheDbOnlyWhenTheGenerationHasAny) {
  const std::vector<uint64_t> keys = SortedKeys(5000, 4);
  // Only some numbers have a date: the generation has details.
  std::vector<RegistryRecord> records(keys.size());
  for (size_t i = 0; i < keys.size(); i += 3) records[i].added = 19000 + i;
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", keys, records).ok());
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-dnc", keys, {}).ok());
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> dated =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-ftc");
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> plain =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-dnc");
  ASSERT_TRUE(dated.ok() && plain.ok());
  EXPECT_TRUE((*dated)->may_have_details());
  EXPECT_FALSE((*plain)->may_have_details());

  std::vector<uint8_t> listed(keys.size());
  std::vector<RegistryRecord> got(keys.size(), RegistryRecord{1});
  ASSERT_TRUE(
      (*dated)->Lookup(keys, absl::MakeSpan(listed), absl::MakeSpan(got)).ok());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(listed[i], 1);
    ASSERT_EQ(got[i].added, records[i].added) << keys[i];
  }
  std::fill(got.begin(), got.end(), RegistryRecord{1});
  ASSERT_TRUE(
      (*plain)->Lookup(keys, absl::MakeSpan(listed), absl::MakeSpan(got)).ok());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(listed[i], 1);
    ASSERT_EQ(got[i].added, 0);
  }
}

TEST_F(SourceSnapshotTest, DetailSetHoldsOnlyNumbersFromSstFilesWithValues) {
  // Like a change-list generation: most SST files hold keys without values,
  // one holds the dated adds. Only that file's dated keys may have details.
  const std::vector<uint64_t> keys = SortedKeys(10000, 5);
  std::vector<RegistryRecord> records(keys.size());
  std::vector<uint64_t> dated;
  for (size_t i = 9000; i < keys.size(); i += 2) {
    records[i].added = 20000 + static_cast<DayNumber>(i);
    dated.push_back(keys[i]);
  }
  RegistryDbBuildOptions options;
  options.keys_per_sst_file = 1000;
  const std::string db_dir = dir_.Path("db");
  ASSERT_TRUE(BuildRegistryDb(db_dir, keys, records, options).ok());
  RegistryStoreOptions store_options;
  store_options.db_dir = db_dir;
  absl::StatusOr<std::unique_ptr<RegistryStore>> store =
      RegistryStore::Open(store_options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->MayHaveDetails());
  absl::StatusOr<std::optional<std::vector<uint64_t>>> with_details =
      (*store)->KeysWithDetails(1000000);
  ASSERT_TRUE(with_details.ok()) << with_details.status();
  ASSERT_TRUE(with_details->has_value());
  EXPECT_EQ(**with_details, dated);
  // Too many entries to read: unknown, every hit must be read.
  with_details = (*store)->KeysWithDetails(999);
  ASSERT_TRUE(with_details.ok());
  EXPECT_FALSE(with_details->has_value());
}

TEST_F(SourceSnapshotTest, DetailsOfSomeNumbersAreExactThroughTheDetailSet) {
  const std::vector<uint64_t> keys = SortedKeys(20000, 6);
  std::vector<RegistryRecord> records(keys.size());
  for (size_t i = 0; i < keys.size(); i += 97) {
    records[i].added = 18000 + static_cast<DayNumber>(i % 3000);
  }
  ASSERT_TRUE(PublishGenerationOf(dir_.path(), "us-ftc", keys, records).ok());
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::OpenCurrent(dir_.path(), "us-ftc");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_TRUE((*snapshot)->may_have_details());
  std::vector<uint64_t> probes = keys;
  std::mt19937_64 rng(7);
  for (size_t i = 0; i < keys.size(); ++i) probes.push_back(keys[i] + 1);
  std::shuffle(probes.begin(), probes.end(), rng);
  std::vector<uint8_t> listed(probes.size());
  std::vector<RegistryRecord> got(probes.size(), RegistryRecord{1});
  ASSERT_TRUE((*snapshot)
                  ->Lookup(probes, absl::MakeSpan(listed), absl::MakeSpan(got))
                  .ok());
  for (size_t i = 0; i < probes.size(); ++i) {
    const auto it = std::lower_bound(keys.begin(), keys.end(), probes[i]);
    const bool present = it != keys.end() && *it == probes[i];
    ASSERT_EQ(listed[i], present ? 1 : 0) << probes[i];
    ASSERT_EQ(got[i].added, present ? records[it - keys.begin()].added : 0)
        << probes[i];
  }
}

}  // namespace
}  // namespace dnc::storage
