// SourceSnapshot is one published generation of one source, opened for
// reading: its manifest, its filter, its sorted keys (keys.bin) and its
// RocksDB.
//
// Lookups are exact without RocksDB when the generation has keys.bin: the
// SortedKeyFile's in-memory index answers every number of a batch, with one
// memory read per number for registries of a few million numbers and up
// (~10-16 ns a number in batches, the cost of a filter probe; see
// sorted_key_file.h). The filter is then not consulted: its "maybe" would
// cost as much as the exact answer.
// RocksDB, the store of record, is read only for per-number details
// (RegistryRecord), only when the caller asks for them, and only for numbers
// found that may have any: a full list without dates has none (nothing is
// read: RegistryStore::MayHaveDetails); after change lists with dates, only
// the numbers in the SST files holding values do (RegistryStore::
// KeysWithDetails, read once at Open() into an in-memory set, up to
// max(4M, keys / 16) of them; beyond that every number found is read).
// Generations made before keys.bin existed are served as before: the filter
// for the whole batch, then one MultiGet on the "maybe"s.
//
// Ownership: owns the filter and keys mappings, the keys index and the DB;
// shared between requests as std::shared_ptr<const SourceSnapshot> and
// closed when the last holder lets go.
// Thread-safety: immutable after Open(); const methods are thread-safe.
#ifndef DNC_STORAGE_SOURCE_SNAPSHOT_H_
#define DNC_STORAGE_SOURCE_SNAPSHOT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/manifest.h"
#include "storage/registry_record.h"

namespace dnc::storage {

class HashFilter;
class RegistryStore;
class SortedKeyFile;

class SourceSnapshot {
 public:
  // Opens a generation directory (MANIFEST, filter.bin, keys.bin, db/) and
  // checks that the filter and keys.bin belong to it (generation number,
  // key count and checksum match the manifest; the sizes too where the
  // manifest records them). keys.bin is used when the manifest records its
  // checksum (keys_checksum != 0), and then must exist; generations whose
  // manifest does not are served from the filter and RocksDB.
  // Errors: NotFound, DataLoss (naming the file), Internal.
  static absl::StatusOr<std::unique_ptr<SourceSnapshot>> Open(
      const std::string& generation_dir,
      uint64_t block_cache_bytes = 64ULL << 20);

  // Opens the published generation of `source` under `data_dir`. Errors as
  // Open(), plus NotFound when the source has nothing published.
  static absl::StatusOr<std::unique_ptr<SourceSnapshot>> OpenCurrent(
      const std::string& data_dir, const std::string& source,
      uint64_t block_cache_bytes = 64ULL << 20);

  SourceSnapshot(const SourceSnapshot&) = delete;
  SourceSnapshot& operator=(const SourceSnapshot&) = delete;
  ~SourceSnapshot();

  const Manifest& manifest() const { return manifest_; }
  const std::string& dir() const { return dir_; }
  const HashFilter& filter() const { return *filter_; }
  // The generation's keys.bin, or nullptr when it is served without one.
  const SortedKeyFile* keys() const { return keys_.get(); }
  // False only if no number of this generation has details: Lookup() then
  // never reads RocksDB, and every record it returns is "nothing known".
  bool may_have_details() const;

  // listed[i] = 1 if keys[i] is in this generation, else 0; with `records`
  // non-empty, records[i] gets its details (cleared for numbers not found).
  // Exact either way. Reads RocksDB only for the details of numbers found
  // that may have some (see above), or, without keys.bin, for the filter's
  // "maybe"s. Allocates nothing once the thread's buffers are warm.
  // REQUIRES: listed.size() == keys.size(); records empty or the same size
  // (else InvalidArgument).
  // Errors: DataLoss / Internal from RocksDB; DataLoss when RocksDB lacks a
  // number keys.bin lists whose details it reads (the generation is
  // inconsistent; membership is still answered from keys.bin, never a false
  // negative).
  absl::Status Lookup(absl::Span<const uint64_t> keys,
                      absl::Span<uint8_t> listed,
                      absl::Span<RegistryRecord> records = {}) const;

 private:
  SourceSnapshot(std::string dir, Manifest manifest,
                 std::unique_ptr<HashFilter> filter,
                 std::unique_ptr<SortedKeyFile> keys,
                 std::unique_ptr<SortedKeyFile> detail_keys,
                 std::unique_ptr<RegistryStore> store);
  absl::Status LookupWithKeys(absl::Span<const uint64_t> keys,
                              absl::Span<uint8_t> listed,
                              absl::Span<RegistryRecord> records) const;
  absl::Status LookupWithFilter(absl::Span<const uint64_t> keys,
                                absl::Span<uint8_t> listed,
                                absl::Span<RegistryRecord> records) const;

  const std::string dir_;
  const Manifest manifest_;
  const std::unique_ptr<HashFilter> filter_;
  const std::unique_ptr<SortedKeyFile> keys_;  // May be null.
  // With keys_ and details in the DB: the numbers that may have details, or
  // null when every number found must be read.
  const std::unique_ptr<SortedKeyFile> detail_keys_;
  const std::unique_ptr<RegistryStore> store_;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_SOURCE_SNAPSHOT_H_
