// The one conversion from rocksdb::Status to absl::Status (storage-internal:
// only storage .cc files include it, and it names RocksDB types only by
// forward declaration).
//
// Mapping: OK -> OK; NotFound and IOError(PathNotFound) -> NotFound;
// Corruption -> DataLoss; IOError(NoSpace/SpaceLimit) -> ResourceExhausted;
// Busy, TimedOut, TryAgain, ShutdownInProgress -> Unavailable (transient);
// every other IOError -> Internal (a local disk read/write failure is not
// something a client fixes by retrying, so it is not Unavailable); everything
// else -> Internal (bad options or API misuse are our bugs). The message is
// "<operation> <path>: <RocksDB's own text>".
// Thread-safety: thread-safe (pure function).
#ifndef DNC_STORAGE_ROCKSDB_STATUS_H_
#define DNC_STORAGE_ROCKSDB_STATUS_H_

#include <string_view>

#include "absl/status/status.h"

namespace rocksdb {
class Status;
}  // namespace rocksdb

namespace dnc::storage {

// Converts `status` as above. `operation` (e.g. "open registry db") and
// `path` (the DB dir, file or key being worked on) prefix the message.
absl::Status FromRocksDbStatus(const rocksdb::Status& status,
                               std::string_view operation,
                               std::string_view path);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_ROCKSDB_STATUS_H_
