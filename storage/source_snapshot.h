// SourceSnapshot is one published generation of one source, opened for
// reading: its manifest, its filter and its RocksDB. Lookups probe the filter
// for the whole batch, then confirm only the "maybe"s with one MultiGet.
//
// Ownership: owns the filter mapping and the DB; shared between requests as
// std::shared_ptr<const SourceSnapshot> and closed when the last holder lets go.
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

class SourceSnapshot {
 public:
  // Opens a generation directory (MANIFEST, filter.bin, db/) and checks that
  // the filter belongs to it (generation number, checksum and key count match
  // the manifest). Errors: NotFound, DataLoss (naming the file), Internal.
  static absl::StatusOr<std::unique_ptr<SourceSnapshot>> Open(
      const std::string& generation_dir, uint64_t block_cache_bytes = 64ULL << 20);

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

  // listed[i] = 1 if keys[i] is in this generation; with `records` non-empty
  // records[i] gets its details. Filter first, MultiGet on the maybes.
  // REQUIRES: listed.size() == keys.size(); records empty or the same size.
  // Errors: DataLoss / Internal from RocksDB.
  absl::Status Lookup(absl::Span<const uint64_t> keys, absl::Span<uint8_t> listed,
                      absl::Span<RegistryRecord> records = {}) const;

 private:
  SourceSnapshot(std::string dir, Manifest manifest,
                 std::unique_ptr<HashFilter> filter,
                 std::unique_ptr<RegistryStore> store);
  const std::string dir_;
  const Manifest manifest_;
  const std::unique_ptr<HashFilter> filter_;
  const std::unique_ptr<RegistryStore> store_;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_SOURCE_SNAPSHOT_H_
