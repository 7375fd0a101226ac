// The one durable file writer: a whole file is either complete and durable at
// `path` or not there at all. The bytes go to a temp file beside `path`, which
// is fsynced, renamed over `path`, and the directory fsynced. A reader that
// still maps an older file at `path` keeps its inode instead of faulting on
// a truncated one. Used for a generation's filter.bin, keys.bin and MANIFEST
// and a source's CURRENT.
// Thread-safety: thread-safe (no shared state; the default temp name includes
// the pid and a per-process counter).
#ifndef DNC_STORAGE_DURABLE_FILE_H_
#define DNC_STORAGE_DURABLE_FILE_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace dnc::storage {

struct ByteRange {
  const void* data;
  size_t size;
};

struct DurableWriteOptions {
  // Where the bytes go before the rename. Empty: "<path>.tmp.<pid>.<n>".
  // A fixed name is for a caller that holds a lock over the directory and
  // removes a leftover of a killed writer by name (CURRENT.tmp).
  std::string temp_path;
  // A crash point (storage/crash_point.h) reached after the temp file is
  // fsynced and before the rename; empty: none.
  std::string_view crash_point_before_rename;
};

// Writes the concatenation of `pieces` to `path` as described above. On error
// nothing new is left at `path` (an older file there is untouched) and the
// temp file is removed. Errors: errno-derived status naming the operation and
// path (NotFound when the directory does not exist).
absl::Status WriteFileDurably(const std::string& path,
                              std::initializer_list<ByteRange> pieces,
                              const DurableWriteOptions& options = {});

// The same for one piece of text: WriteFileDurably(path, {contents}).
absl::Status WriteFileDurably(const std::string& path,
                              std::string_view contents);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_DURABLE_FILE_H_
