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
  double false_positive_bound = 0;
};

// Writes a filter over `keys` to `path` (created or truncated) and fsyncs it.
// Duplicates are harmless. Errors: InvalidArgument (bits_per_key outside
// [2, 64]), or the errno-derived status of the write.
absl::StatusOr<HashFilterInfo> WriteHashFilter(absl::Span<const uint64_t> keys,
                                               const HashFilterOptions& options,
                                               const std::string& path);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_HASH_FILTER_BUILDER_H_
