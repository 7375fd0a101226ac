// Builds HashFilter files. The loader calls this once per generation with the
// same sorted, deduplicated keys it ingests into RocksDB.
// Thread-safety: thread-safe (pure function of its arguments).
#ifndef DNC_STORAGE_HASH_FILTER_BUILDER_H_
#define DNC_STORAGE_HASH_FILTER_BUILDER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace dnc::storage {

struct HashFilterOptions {
  double bits_per_key = 10.0;  // About 1% false positives at 10.
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  uint64_t generation_number = 0;  // Recorded in the header.
};

struct HashFilterInfo {
  uint64_t key_count = 0;
  uint64_t file_bytes = 0;
  uint64_t checksum = 0;  // XXH3-64 of the block array, as in the header.
  double false_positive_bound = 0;  // As stored (HashFilter reports the same).
};

// Writes a filter over `keys` (any order) to `path`: ceil(keys * bits_per_key
// / 512) blocks of 64 bytes, at least one. The file is written beside `path`
// (`path`.tmp.<pid>), fsynced and renamed over `path`, then the directory is
// fsynced; a process that has the old file at `path` open keeps reading the
// old file. Duplicates are harmless but count in key_count. Allocates the
// block array in memory (~1.25 bytes per key at 10 bits/key).
// Errors: InvalidArgument (bits_per_key outside [2, 64] or NaN, or more than
// 2^32 blocks), or the errno-derived status of the write, naming the path
// (NotFound when the directory does not exist). If writing the file fails,
// `path` is left as it was.
absl::StatusOr<HashFilterInfo> WriteHashFilter(absl::Span<const uint64_t> keys,
                                               const HashFilterOptions& options,
                                               const std::string& path);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_HASH_FILTER_BUILDER_H_
