// The on-disk format of a generation's RocksDB (issue 13): what the builder
// and change lists write (LZ4 blocks, a few bytes per number), and that
// generations written before that change (uncompressed blocks with an
// in-block hash index) still read and still take change lists.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/table.h"
#include "rocksdb/table_properties.h"
#include "storage/key_codec.h"
#include "storage/registry_db_builder.h"
#include "storage/registry_db_checkpoint.h"
#include "storage/registry_record.h"
#include "storage/registry_store.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;

// Numbers clustered like a registry's: `exchanges` exchanges of +1 NPA-NXX,
// every `stride`-th line listed (stride 2-3: 33-50% of an exchange).
std::vector<uint64_t> ClusteredKeys(int exchanges, int stride) {
  std::vector<uint64_t> keys;
  for (int e = 0; e < exchanges; ++e) {
    const uint64_t base = 12012000000ULL + static_cast<uint64_t>(e) * 10000;
    for (int line = e % stride; line < 10000; line += stride) {
      keys.push_back(base + line);
    }
  }
  return keys;
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
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

// Writes a DB as BuildRegistryDb did before issue 13: no compression, 4 KiB
// blocks with a binary-and-hash data block index, the same Bloom filter.
void BuildLegacyDb(const std::string& dir, const std::vector<uint64_t>& keys,
                   const std::vector<RegistryRecord>& records) {
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 4 * 1024;
  table.format_version = 5;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10.0));
  table.data_block_index_type =
      rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  table.data_block_hash_table_util_ratio = 0.75;
  table.no_block_cache = true;
  rocksdb::Options options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kNoCompression;
  options.bottommost_compression = rocksdb::kNoCompression;
  options.disable_auto_compactions = true;
  options.create_if_missing = true;
  const std::string sst = dir + ".sst";
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options);
  ASSERT_TRUE(writer.Open(sst).ok());
  char key[kKeySize];
  for (size_t i = 0; i < keys.size(); ++i) {
    EncodeKey(keys[i], key);
    ASSERT_TRUE(writer
                    .Put(rocksdb::Slice(key, kKeySize),
                         rocksdb::Slice(EncodeRecord(records[i])))
                    .ok());
  }
  ASSERT_TRUE(writer.Finish().ok());
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  ingest.write_global_seqno = false;
  ASSERT_TRUE(db->IngestExternalFile({sst}, ingest).ok());
  ASSERT_TRUE(db->Close().ok());
}

// Compression names of the DB's SST files, from their table properties.
std::vector<std::string> Compressions(const std::string& dir) {
  rocksdb::Options options;
  internal::ConfigureRegistryDbOptions(nullptr, &options);
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(rocksdb::DB::OpenForReadOnly(options, dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<std::string> names;
  if (db == nullptr) return names;
  rocksdb::TablePropertiesCollection tables;
  EXPECT_TRUE(db->GetPropertiesOfAllTables(&tables).ok());
  for (const auto& [file, properties] : tables) {
    names.push_back(properties->compression_name);
  }
  EXPECT_TRUE(db->Close().ok());
  return names;
}

std::vector<RegistryRecord> Dated(const std::vector<uint64_t>& keys) {
  std::vector<RegistryRecord> records(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    records[i].added = i % 4 == 0 ? 0 : static_cast<DayNumber>(19000 + i % 50);
  }
  return records;
}

class RegistryDbFormatTest : public ::testing::Test {
 protected:
  test::ScratchDir dir_;
};

TEST_F(RegistryDbFormatTest, NewFilesAreCompressedWhereRocksDbHasLz4) {
  const std::vector<uint64_t> keys = ClusteredKeys(20, 3);
  ASSERT_TRUE(BuildRegistryDb(dir_.Path("db"), keys).ok());
  const std::string expected =
      internal::RegistryDbCompression() == rocksdb::kLZ4Compression
          ? "LZ4"
          : "NoCompression";
  for (const std::string& name : Compressions(dir_.Path("db"))) {
    EXPECT_EQ(name, expected);
  }
  // A change overlay is written the same way.
  std::vector<RegistryDbChange> changes = {{keys[0], {}, true},
                                           {keys.back() + 1, {20000}, false}};
  ASSERT_TRUE(
      DeriveRegistryDb(dir_.Path("db"), dir_.Path("db2"), changes).ok());
  const std::vector<std::string> names = Compressions(dir_.Path("db2"));
  EXPECT_EQ(names.size(), 2u);
  for (const std::string& name : names) EXPECT_EQ(name, expected);
}

TEST_F(RegistryDbFormatTest, ClusteredNumbersTakeAtMostEightBytesEachOnDisk) {
  if (internal::RegistryDbCompression() != rocksdb::kLZ4Compression) {
    GTEST_SKIP() << "this RocksDB has no LZ4: files are uncompressed";
  }
  // 100 exchanges, a third of each listed: 333,400 numbers.
  const std::vector<uint64_t> keys = ClusteredKeys(100, 3);
  ASSERT_TRUE(BuildRegistryDb(dir_.Path("db"), keys).ok());
  const double per_key =
      static_cast<double>(DirBytes(dir_.Path("db"))) / keys.size();
  EXPECT_LE(per_key, 8.0);
  // Uncompressed, the same keys took ~15 bytes each.
  BuildLegacyDb(dir_.Path("legacy"), keys,
                std::vector<RegistryRecord>(keys.size()));
  EXPECT_GT(static_cast<double>(DirBytes(dir_.Path("legacy"))) / keys.size(),
            12.0);
}

TEST_F(RegistryDbFormatTest, ReadsAGenerationWrittenBeforeCompression) {
  const std::vector<uint64_t> keys = ClusteredKeys(30, 2);
  const std::vector<RegistryRecord> records = Dated(keys);
  BuildLegacyDb(dir_.Path("db"), keys, records);
  std::unique_ptr<RegistryStore> store = OpenStore(dir_.Path("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->MayHaveDetails());

  std::vector<uint64_t> probes = keys;
  probes.push_back(keys[0] + 1);  // Odd lines are not listed.
  std::vector<uint8_t> found(probes.size());
  std::vector<RegistryRecord> got(probes.size());
  ASSERT_TRUE(
      store->ContainsBatch(probes, absl::MakeSpan(found), absl::MakeSpan(got))
          .ok());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(found[i], 1) << i;
    ASSERT_EQ(got[i].added, records[i].added) << i;
  }
  EXPECT_EQ(found.back(), 0);
  EXPECT_EQ(*store->Contains(keys[7]), true);
  EXPECT_EQ(*store->Contains(keys[7] + 1), false);
}

TEST_F(RegistryDbFormatTest, AppliesChangesOntoAGenerationWrittenBefore) {
  const std::vector<uint64_t> keys = ClusteredKeys(10, 2);
  BuildLegacyDb(dir_.Path("db"), keys, Dated(keys));
  // Delete the first key, add an odd line with a date, re-date the last.
  std::vector<RegistryDbChange> changes = {{keys[0], {}, true},
                                           {keys[0] + 1, {20001}, false},
                                           {keys.back(), {20002}, false}};
  absl::StatusOr<DeriveRegistryDbStats> stats =
      DeriveRegistryDb(dir_.Path("db"), dir_.Path("db2"), changes);
  ASSERT_TRUE(stats.ok()) << stats.status();
  std::unique_ptr<RegistryStore> store = OpenStore(dir_.Path("db2"));
  ASSERT_NE(store, nullptr);
  const std::vector<uint64_t> probes = {keys[0], keys[0] + 1, keys[1],
                                        keys.back()};
  std::vector<uint8_t> found(probes.size());
  std::vector<RegistryRecord> got(probes.size());
  ASSERT_TRUE(
      store->ContainsBatch(probes, absl::MakeSpan(found), absl::MakeSpan(got))
          .ok());
  EXPECT_EQ(found[0], 0);
  EXPECT_EQ(found[1], 1);
  EXPECT_EQ(got[1].added, 20001);
  EXPECT_EQ(found[2], 1);
  EXPECT_EQ(got[2].added, Dated(keys)[1].added);
  EXPECT_EQ(found[3], 1);
  EXPECT_EQ(got[3].added, 20002);
  // The previous generation is untouched and still reads as before.
  std::unique_ptr<RegistryStore> old = OpenStore(dir_.Path("db"));
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(*old->Contains(keys[0]), true);
  EXPECT_EQ(*old->Contains(keys[0] + 1), false);
}

}  // namespace
}  // namespace dnc::storage
