// Writes a whole file so that it is either complete and durable at `path` or
// not there at all: the bytes go to a temp file beside `path`, which is
// fsynced, renamed over `path`, and the directory fsynced. A reader that
// still maps an older file at `path` keeps its inode instead of faulting on
// a truncated one. Used for the generation's filter.bin and keys.bin.
// Thread-safety: thread-safe (no shared state; the temp name includes the pid
// and a per-process counter).
#ifndef DNC_STORAGE_DURABLE_FILE_H_
#define DNC_STORAGE_DURABLE_FILE_H_

#include <cstddef>
#include <initializer_list>
#include <string>

#include "absl/status/status.h"

namespace dnc::storage {

struct ByteRange {
  const void* data;
  size_t size;
};

// Writes the concatenation of `pieces` to `path` as described above. On error
// nothing is left at `path` (an older file there is untouched) and the temp
// file is removed. Errors: errno-derived status naming the operation and path.
absl::Status WriteFileDurably(const std::string& path,
                              std::initializer_list<ByteRange> pieces);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_DURABLE_FILE_H_
