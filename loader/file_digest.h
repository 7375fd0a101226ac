// The size and XXH3-128 of an input file as it lies on disk (compressed bytes
// for a .zip or .gz), recorded in the MANIFEST as evidence of which registry
// copy a generation was built from.
// Thread-safety: thread-safe (pure function of the file).
#ifndef DNC_LOADER_FILE_DIGEST_H_
#define DNC_LOADER_FILE_DIGEST_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace dnc::loader {

struct FileDigest {
  uint64_t bytes = 0;
  std::string xxh3_128;  // 32 lowercase hex digits, canonical (big-endian).
};

// Reads `path` once in 1 MiB blocks. Errors: NotFound naming the path, or the
// errno-derived status of the open or read.
absl::StatusOr<FileDigest> DigestFile(const std::string& path);

}  // namespace dnc::loader

#endif  // DNC_LOADER_FILE_DIGEST_H_
