// Builds a generation's RocksDB from sorted keys: SstFileWriter writes SST
// files beside the DB, IngestExternalFile moves them in (no memtable, no WAL,
// no compaction), and the DB is closed. Only storage knows RocksDB options;
// RegistryStore opens what this writes.
// Thread-safety: thread-safe (no shared state).
#ifndef DNC_STORAGE_REGISTRY_DB_BUILDER_H_
#define DNC_STORAGE_REGISTRY_DB_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "rocksdb/compression_type.h"
#include "storage/registry_record.h"

namespace rocksdb {
struct Options;
class Cache;
}  // namespace rocksdb

namespace dnc::storage {

struct RegistryDbBuildOptions {
  // Keys per SST file (8-byte keys: 32M keys is about 256 MiB of keys).
  // Smaller values only matter for tests that exercise several files.
  uint64_t keys_per_sst_file = 32ULL << 20;
};

// Creates a new RocksDB at `db_dir` (which must not exist) holding `keys`.
// `records` is empty (nothing known about any key) or parallel to `keys`.
// REQUIRES: keys strictly ascending. Errors: FailedPrecondition (db_dir
// exists, or keys not strictly ascending), Internal/DataLoss from RocksDB.
absl::Status BuildRegistryDb(const std::string& db_dir,
                             absl::Span<const uint64_t> keys,
                             absl::Span<const RegistryRecord> records = {});

// The same with explicit build options. Also InvalidArgument when `records`
// is neither empty nor keys.size() long, or keys_per_sst_file is 0.
absl::Status BuildRegistryDb(const std::string& db_dir,
                             absl::Span<const uint64_t> keys,
                             absl::Span<const RegistryRecord> records,
                             const RegistryDbBuildOptions& options);

namespace internal {
// Storage-internal: the compression of every file the builder and change
// lists write, compactions of change overlays included: LZ4 (see the table
// format notes in registry_db_builder.cc), or none if this RocksDB was built
// without it (readers handle either, block by block).
rocksdb::CompressionType RegistryDbCompression();

// Storage-internal: fills in the table format (block-based, whole-key Bloom
// filter, block size, compression) and DB options shared by the builder and
// RegistryStore, so the reader reads exactly what the builder wrote.
// `block_cache` may be null (the builder does not read).
void ConfigureRegistryDbOptions(std::shared_ptr<rocksdb::Cache> block_cache,
                                rocksdb::Options* options);
}  // namespace internal

}  // namespace dnc::storage

#endif  // DNC_STORAGE_REGISTRY_DB_BUILDER_H_
