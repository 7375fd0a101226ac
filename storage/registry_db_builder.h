// Builds a generation's RocksDB from sorted keys: SstFileWriter writes SST
// files beside the DB, IngestExternalFile moves them in (no memtable, no WAL,
// no compaction), and the DB is closed. Only storage knows RocksDB options;
// RegistryStore opens what this writes.
// Thread-safety: thread-safe (no shared state).
#ifndef DNC_STORAGE_REGISTRY_DB_BUILDER_H_
#define DNC_STORAGE_REGISTRY_DB_BUILDER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "storage/registry_record.h"

namespace dnc::storage {

// Creates a new RocksDB at `db_dir` (which must not exist) holding `keys`.
// `records` is empty (nothing known about any key) or parallel to `keys`.
// REQUIRES: keys strictly ascending. Errors: FailedPrecondition (db_dir
// exists, or keys not strictly ascending), Internal/DataLoss from RocksDB.
absl::Status BuildRegistryDb(const std::string& db_dir,
                             absl::Span<const uint64_t> keys,
                             absl::Span<const RegistryRecord> records = {});

}  // namespace dnc::storage

#endif  // DNC_STORAGE_REGISTRY_DB_BUILDER_H_
