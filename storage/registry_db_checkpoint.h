// Derives a generation's RocksDB from the previous generation's without
// rewriting it, for change lists:
//
//  1. Checkpoint: the previous DB (published, so immutable) is opened
//     read-only and rocksdb::Checkpoint makes a new DB directory of hard
//     links to its SST files plus copies of its small metadata files. The
//     previous generation is never opened read-write and never changes.
//  2. Apply: the changes (puts with their records, deletes) are written, in
//     key order, into one SST file that is ingested into the new DB. It lands
//     in a level above the base data (an "overlay" of newer entries,
//     tombstones included); reads see the newest entry for a key.
//  3. Bound the overlays: when more than max_overlay_files overlay files have
//     accumulated, they are compacted (CompactFiles) into one file in the
//     level above the base. Only the overlay is rewritten, never the base;
//     the next full load starts from a single base again.
//
// Crash safety comes from where the DB is built: inside a generation's temp
// dir, which nothing reads and BeginGeneration() removes when a loader died
// (a half-made checkpoint included).
//
// Thread-safety: thread-safe (no shared state).
#ifndef DNC_STORAGE_REGISTRY_DB_CHECKPOINT_H_
#define DNC_STORAGE_REGISTRY_DB_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/registry_record.h"

namespace dnc::storage {

// One change to a registry DB.
struct RegistryDbChange {
  uint64_t key = 0;       // The E.164 number.
  RegistryRecord record;  // The value written for a put.
  bool erase = false;     // true: delete the key; false: put it.
};

struct DeriveRegistryDbOptions {
  // Compact the overlay files when there are more than this many. At least
  // 1. Each overlay costs readers one more (Bloom-filtered) file per lookup;
  // each compaction rewrites all changes since the last full load.
  int max_overlay_files = 4;
};

struct DeriveRegistryDbStats {
  uint64_t puts = 0;
  uint64_t deletes = 0;
  int overlay_files = 0;   // Files above the base level when done.
  bool compacted = false;  // The overlays were compacted into one.
  double checkpoint_seconds = 0;
  double apply_seconds = 0;  // Writing and ingesting the changes SST.
  double compact_seconds = 0;
};

// Creates `db_dir` (which must not exist) as a checkpoint of `base_db_dir`
// with `changes` applied; see above. `db_dir` must be on the same file system
// as `base_db_dir` for hard links (RocksDB copies otherwise).
// REQUIRES: changes strictly ascending by key.
// Errors: InvalidArgument (changes not strictly ascending, or
// max_overlay_files < 1), FailedPrecondition (db_dir exists), NotFound (no DB
// at base_db_dir), DataLoss / Internal from RocksDB. On error `db_dir` and
// any scratch file are removed.
absl::StatusOr<DeriveRegistryDbStats> DeriveRegistryDb(
    const std::string& base_db_dir, const std::string& db_dir,
    absl::Span<const RegistryDbChange> changes,
    const DeriveRegistryDbOptions& options = {});

}  // namespace dnc::storage

#endif  // DNC_STORAGE_REGISTRY_DB_CHECKPOINT_H_
