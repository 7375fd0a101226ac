// Internal to the tenant module: the KvStore of one embedded RocksDB database
// (default column family) that one process owns (RocksDB's LOCK refuses a
// second opener). Synced writes use WriteOptions::sync. Unsynced ones are in
// the WAL file when Write returns (manual_wal_flush is off, so they survive
// the process being killed) and a background thread syncs the WAL
// (FlushWAL(true)) about once a second when there are unsynced writes; the
// destructor stops it and syncs once more.
// Thread-safety: thread-safe.
#ifndef DNC_TENANT_ROCKSDB_KV_STORE_H_
#define DNC_TENANT_ROCKSDB_KV_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tenant/kv_store.h"

namespace dnc::tenant {

// Opens (creating it with `create_if_missing`) the database at `dir`.
// Errors: FailedPrecondition (in use by another process: names the
// directory), NotFound (missing and !create_if_missing), as RocksDB's
// status maps (storage/rocksdb_status.h).
absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbKvStore(
    const std::string& dir, bool create_if_missing);

}  // namespace dnc::tenant

#endif  // DNC_TENANT_ROCKSDB_KV_STORE_H_
