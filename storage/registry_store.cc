#include "storage/registry_store.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/table_properties.h"
#include "storage/key_codec.h"
#include "storage/registry_db_builder.h"
#include "storage/rocksdb_status.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;

// Keys per MultiGet call: bounds the per-thread buffers (~0.5 MB) whatever
// the batch size. RocksDB works in groups of 32 inside a MultiGet anyway.
constexpr size_t kMaxMultiGet = 4096;

// Per-thread buffers for ContainsBatch, grown to the largest chunk seen, so a
// batch allocates nothing of ours once warm. The PinnableSlices are Reset()
// before returning, so no block-cache entry stays pinned between calls.
struct BatchScratch {
  std::vector<char> key_bytes;
  std::vector<rocksdb::Slice> keys;
  std::vector<rocksdb::PinnableSlice> values;
  std::vector<rocksdb::Status> statuses;
  std::vector<std::pair<uint64_t, uint32_t>> order;

  void Reserve(size_t n) {
    if (keys.size() >= n) return;
    order.resize(n);
    key_bytes.resize(n * kKeySize);
    keys.resize(n);
    values.resize(n);
    statuses.resize(n);
  }
};

BatchScratch& ThreadScratch() {
  thread_local BatchScratch scratch;
  return scratch;
}

// False only if the DB certainly holds no non-empty value: every SST file's
// properties say its values total 0 bytes and the memtables (a read-only
// open replays any WAL into them) are empty. Table properties are kept in
// memory by an open DB, so this reads no data blocks.
bool AnyValueBytes(rocksdb::DB* db) {
  rocksdb::TablePropertiesCollection tables;
  if (!db->GetPropertiesOfAllTables(&tables).ok()) return true;
  for (const auto& [file, properties] : tables) {
    if (properties == nullptr || properties->raw_value_size != 0) return true;
  }
  for (const char* property : {"rocksdb.num-entries-active-mem-table",
                               "rocksdb.num-entries-imm-mem-tables"}) {
    uint64_t entries = 0;
    if (!db->GetIntProperty(property, &entries) || entries != 0) return true;
  }
  return false;
}

// "+12025551234", without depending on the phone-number parser.
std::string KeyText(uint64_t e164) { return absl::StrCat("+", e164); }

}  // namespace

absl::StatusOr<std::unique_ptr<RegistryStore>> RegistryStore::Open(
    const RegistryStoreOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(options.db_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("open registry db ", options.db_dir,
                                            ": no such directory"));
  }
  if (!fs::exists(fs::path(options.db_dir) / "CURRENT", ec)) {
    return absl::NotFoundError(
        absl::StrCat("open registry db ", options.db_dir,
                     ": no RocksDB database there (no CURRENT file)"));
  }
  std::shared_ptr<rocksdb::Cache> cache =
      rocksdb::NewLRUCache(static_cast<size_t>(options.block_cache_bytes));
  rocksdb::Options db_options;
  internal::ConfigureRegistryDbOptions(cache, &db_options);
  // Published SSTs never change, so they can be mapped: a block-cache miss
  // then reads the (LZ4) block straight from the page cache, without a
  // pread() into a buffer first, which pays for its decompression.
  db_options.allow_mmap_reads = true;
  rocksdb::DB* raw_db = nullptr;
  DNC_RETURN_IF_ERROR(FromRocksDbStatus(
      rocksdb::DB::OpenForReadOnly(db_options, options.db_dir, &raw_db),
      "open registry db", options.db_dir));
  std::unique_ptr<RegistryStore> store(new RegistryStore(
      std::unique_ptr<rocksdb::DB>(raw_db), std::move(cache)));
  store->may_have_details_ = AnyValueBytes(store->db_.get());
  return store;
}

RegistryStore::RegistryStore(std::unique_ptr<rocksdb::DB> db,
                             std::shared_ptr<rocksdb::Cache> cache)
    : cache_(std::move(cache)), db_(std::move(db)) {}

RegistryStore::~RegistryStore() {
  // Read-only: Close() has nothing to flush; its status carries no news.
  db_->Close().PermitUncheckedError();
}

absl::StatusOr<bool> RegistryStore::Contains(uint64_t e164) const {
  char key[kKeySize];
  EncodeKey(e164, key);
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
               rocksdb::Slice(key, kKeySize), &value);
  if (s.ok()) return true;
  if (s.IsNotFound()) return false;
  return FromRocksDbStatus(s, absl::StrCat("look up ", KeyText(e164), " in"),
                           db_->GetName());
}

uint64_t RegistryStore::MaxDetailKeys(uint64_t numbers_loaded) {
  return std::max<uint64_t>(uint64_t{4} << 20, numbers_loaded / 16);
}

absl::StatusOr<std::optional<std::vector<uint64_t>>>
RegistryStore::KeysWithDetails(uint64_t max_keys) const {
  std::vector<uint64_t> keys;
  if (!may_have_details_) return keys;
  for (const char* property : {"rocksdb.num-entries-active-mem-table",
                               "rocksdb.num-entries-imm-mem-tables"}) {
    uint64_t entries = 0;
    if (!db_->GetIntProperty(property, &entries) || entries != 0) {
      return std::nullopt;
    }
  }
  rocksdb::TablePropertiesCollection tables;
  if (!db_->GetPropertiesOfAllTables(&tables).ok()) return std::nullopt;
  uint64_t entries = 0;
  for (const auto& [file, properties] : tables) {
    if (properties == nullptr) return std::nullopt;
    if (properties->raw_value_size == 0) continue;
    entries += properties->num_entries;
    if (entries > max_keys) return std::nullopt;
  }
  rocksdb::Options options;
  internal::ConfigureRegistryDbOptions(cache_, &options);
  for (const auto& [file, properties] : tables) {
    if (properties->raw_value_size == 0) continue;
    rocksdb::SstFileReader reader(options);
    DNC_RETURN_IF_ERROR(
        FromRocksDbStatus(reader.Open(file), "open registry sst", file));
    rocksdb::ReadOptions read_options;
    read_options.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(read_options));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value().size() != 0 && it->key().size() == kKeySize) {
        keys.push_back(DecodeKey(std::string_view(it->key().data(), kKeySize)));
      }
    }
    DNC_RETURN_IF_ERROR(
        FromRocksDbStatus(it->status(), "read registry sst", file));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

absl::Status RegistryStore::ContainsBatch(
    absl::Span<const uint64_t> keys, absl::Span<uint8_t> found,
    absl::Span<RegistryRecord> records) const {
  if (found.size() != keys.size() ||
      (!records.empty() && records.size() != keys.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registry lookup: ", keys.size(), " keys but ", found.size(),
        " result slots and ", records.size(), " record slots"));
  }
  absl::Status result;
  for (size_t start = 0; start < keys.size(); start += kMaxMultiGet) {
    const size_t n = std::min(kMaxMultiGet, keys.size() - start);
    absl::Status status =
        MultiGetChunk(keys.subspan(start, n), found.subspan(start, n),
                      records.empty() ? records : records.subspan(start, n));
    if (result.ok()) result = std::move(status);
  }
  return result;
}

absl::Status RegistryStore::MultiGetChunk(
    absl::Span<const uint64_t> keys, absl::Span<uint8_t> found,
    absl::Span<RegistryRecord> records) const {
  const size_t n = keys.size();
  BatchScratch& scratch = ThreadScratch();
  scratch.Reserve(n);
  // Sorting here (plain integers; big-endian keys sort the same way) and
  // passing sorted_input=true is measurably cheaper than letting MultiGet
  // sort Slices through the comparator.
  for (size_t i = 0; i < n; ++i) {
    scratch.order[i] = {keys[i], static_cast<uint32_t>(i)};
  }
  std::sort(scratch.order.begin(), scratch.order.begin() + n);
  for (size_t j = 0; j < n; ++j) {
    char* key = &scratch.key_bytes[j * kKeySize];
    EncodeKey(scratch.order[j].first, key);
    scratch.keys[j] = rocksdb::Slice(key, kKeySize);
  }
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n,
                scratch.keys.data(), scratch.values.data(),
                scratch.statuses.data(), /*sorted_input=*/true);
  absl::Status result;
  for (size_t j = 0; j < n; ++j) {
    const size_t i = scratch.order[j].second;
    const rocksdb::Status& s = scratch.statuses[j];
    if (s.ok()) {
      found[i] = 1;
      if (!records.empty()) {
        records[i] = DecodeRecord(std::string_view(scratch.values[j].data(),
                                                   scratch.values[j].size()));
      }
    } else {
      found[i] = 0;
      if (!records.empty()) records[i] = RegistryRecord();
      if (!s.IsNotFound() && result.ok()) {
        result = FromRocksDbStatus(
            s, absl::StrCat("look up ", KeyText(keys[i]), " in"),
            db_->GetName());
      }
    }
    scratch.values[j].Reset();
  }
  return result;
}

}  // namespace dnc::storage
