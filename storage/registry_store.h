// RegistryStore answers "is this number registered, and what is known about
// it?" from one generation's RocksDB database, opened read-only. It is the
// store of record. A generation with keys.bin answers membership from there
// (SourceSnapshot) and asks RocksDB only for the details of numbers found
// that may have some; one without keys.bin asks it for the numbers its
// HashFilter says "maybe" to.
// Thread-safety: thread-safe; const methods need no external locking.
#ifndef DNC_STORAGE_REGISTRY_STORE_H_
#define DNC_STORAGE_REGISTRY_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/registry_record.h"

namespace rocksdb {
class DB;
class Cache;
}  // namespace rocksdb

namespace dnc::storage {

struct RegistryStoreOptions {
  std::string db_dir;  // Written by BuildRegistryDb().
  uint64_t block_cache_bytes = 64ULL << 20;
};

class RegistryStore {
 public:
  // Opens `db_dir` read-only. Errors: NotFound (no such dir or no DB in it),
  // DataLoss (RocksDB reports corruption), Internal (other RocksDB failure).
  static absl::StatusOr<std::unique_ptr<RegistryStore>> Open(
      const RegistryStoreOptions& options);

  RegistryStore(const RegistryStore&) = delete;
  RegistryStore& operator=(const RegistryStore&) = delete;
  ~RegistryStore();

  // True if registered, false if not: a miss is a value, not an error.
  // Errors: DataLoss / Internal from RocksDB.
  absl::StatusOr<bool> Contains(uint64_t e164) const;

  // One MultiGet per 4096 keys (so one for any usual batch). For each i,
  // found[i] = 1 if registered and, when `records` is non-empty, records[i] =
  // its details (cleared for keys not found). Per-key RocksDB failures are
  // reported as the first error (DataLoss / Internal) after every key was
  // tried. Errors: InvalidArgument when the REQUIRES below does not hold.
  // REQUIRES: found.size() == keys.size(); records empty or the same size.
  absl::Status ContainsBatch(absl::Span<const uint64_t> keys,
                             absl::Span<uint8_t> found,
                             absl::Span<RegistryRecord> records = {}) const;

  // False only if no key of this DB has a non-empty value, i.e. every
  // record decodes as "nothing known" (decided at Open() from the SST
  // files' table properties and the memtables; true when unsure). Lets a
  // reader skip RocksDB entirely for details when there are none.
  bool MayHaveDetails() const { return may_have_details_; }

  // The keys that may have details, for a reader that wants to read RocksDB
  // only for those: every key with a non-empty value in an SST file whose
  // values are not all empty (after change lists with dates, the small
  // files holding the adds), sorted and distinct. A superset: a listed key
  // not among them has no details. nullopt when no such set is known cheaply
  // (values in the memtables, or more than `max_keys` entries in the files
  // to read). Empty when !MayHaveDetails(). Reads those files once.
  // Errors: DataLoss / Internal from reading an SST file.
  absl::StatusOr<std::optional<std::vector<uint64_t>>> KeysWithDetails(
      uint64_t max_keys) const;

  // The most keys with details worth keeping as a set, for a generation of
  // `numbers_loaded` numbers: max(4Mi, numbers / 16). Beyond it a reader
  // reads RocksDB for every hit instead.
  static uint64_t MaxDetailKeys(uint64_t numbers_loaded);

 private:
  RegistryStore(std::unique_ptr<rocksdb::DB> db,
                std::shared_ptr<rocksdb::Cache> cache);
  // ContainsBatch() for at most 4096 keys: one sorted MultiGet.
  absl::Status MultiGetChunk(absl::Span<const uint64_t> keys,
                             absl::Span<uint8_t> found,
                             absl::Span<RegistryRecord> records) const;
  std::shared_ptr<rocksdb::Cache> cache_;
  const std::unique_ptr<rocksdb::DB> db_;
  bool may_have_details_ = true;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_REGISTRY_STORE_H_
