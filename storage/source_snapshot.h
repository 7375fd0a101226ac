// SourceSnapshot is one published generation of one source, opened for
// reading: its manifest, its exact key index, its RocksDB, and its filter
// when it has one.
//
// Lookups are exact without RocksDB: the generation's index.bin
// (storage/key_index.h), built by dnc-load and read here, answers every
// number of a batch; nothing is rebuilt at open, so a server opens a
// national registry in well under a second. Generations of older loaders
// are still served: with keys.bin, the same index is built in memory from
// it at open; with neither, the filter answers the whole batch and RocksDB
// confirms its "maybe"s. A generation with an index and a filter (dnc-load
// --filter) probes the filter first and asks the index only about its
// "maybe"s: one line read for most misses instead of the index's two
// dependent ones (29 against 74 ns a number at 5% hits, 69 against 82 at
// 50%, 250M keys), for 10 more bits a key of memory.
// RocksDB, the store of record, is read only for per-number details
// (RegistryRecord), only when the caller asks for them, and only for numbers
// found that may have any: a full list without dates has none (nothing is
// read: RegistryStore::MayHaveDetails); after change lists with dates, only
// the numbers in the SST files holding values do (RegistryStore::
// KeysWithDetails: dnc-load stores them as details.bin, read at Open();
// generations of older loaders have their SST files scanned at Open()
// instead; kept up to max(4M, keys / 16) of them; beyond that every number
// found is read).
//
// Ownership: owns the index and filter mappings and the DB; shared between
// requests as std::shared_ptr<const SourceSnapshot> and closed when the last
// holder lets go.
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
class KeyIndex;
class RegistryStore;

class SourceSnapshot {
 public:
  // Opens a generation directory (MANIFEST, index.bin, db/; keys.bin or
  // filter.bin for older generations) and checks that the index it uses
  // belongs to it (generation number, key count and checksum match the
  // manifest; the size too where the manifest records it). The file the
  // manifest vouches for (index_checksum, else keys_checksum) must exist;
  // a manifest that vouches for neither is served from the filter.
  // Errors: NotFound, DataLoss (naming the file: truncated, corrupt, of
  // another format version, or of another generation), Internal.
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
  // The filter, or nullptr when the generation has none.
  const HashFilter* filter() const { return filter_.get(); }
  // The exact key index, or nullptr when the generation (made before
  // keys.bin existed) is served from the filter.
  const KeyIndex* index() const { return index_.get(); }
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
  // number the index lists whose details it reads (the generation is
  // inconsistent; membership is still answered from keys.bin, never a false
  // negative).
  absl::Status Lookup(absl::Span<const uint64_t> keys,
                      absl::Span<uint8_t> listed,
                      absl::Span<RegistryRecord> records = {}) const;

 private:
  SourceSnapshot(std::string dir, Manifest manifest,
                 std::unique_ptr<HashFilter> filter,
                 std::unique_ptr<KeyIndex> index,
                 std::unique_ptr<KeyIndex> detail_keys,
                 std::unique_ptr<RegistryStore> store);
  absl::Status LookupWithKeys(absl::Span<const uint64_t> keys,
                              absl::Span<uint8_t> listed,
                              absl::Span<RegistryRecord> records) const;
  // listed[i] from the filter, then the index for its "maybe"s.
  void ContainsThroughFilter(absl::Span<const uint64_t> keys,
                             absl::Span<uint8_t> listed) const;
  absl::Status LookupWithFilter(absl::Span<const uint64_t> keys,
                                absl::Span<uint8_t> listed,
                                absl::Span<RegistryRecord> records) const;

  const std::string dir_;
  const Manifest manifest_;
  const std::unique_ptr<HashFilter> filter_;  // Null without one.
  const std::unique_ptr<KeyIndex> index_;     // Null without one.
  // With index_ and details in the DB: the numbers that may have details, or
  // null when every number found must be read.
  const std::unique_ptr<KeyIndex> detail_keys_;
  const std::unique_ptr<RegistryStore> store_;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_SOURCE_SNAPSHOT_H_
