// The size and XXH3-128 of an input file as it lies on disk (compressed bytes
// for a .zip or .gz), recorded in the MANIFEST as evidence of which registry
// copy a generation was built from.
//
// FileDigester computes it from the bytes a reader fetches anyway, so that an
// input is read once: InputFile hands it every block libarchive reads, with
// the block's offset in the file. Bytes that arrive in file order are hashed
// as they come; whatever the reader jumped over or never fetched (a zip's
// central directory, read before the members; bytes after the end of a gzip
// stream) is read from the file by Finish(). The digest is the same as one
// pass over the whole file would give, whatever order the reader took.
//
// Thread-safety: thread-compatible.
#ifndef DNC_LOADER_FILE_DIGEST_H_
#define DNC_LOADER_FILE_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

struct XXH3_state_s;

namespace dnc::loader {

struct FileDigest {
  uint64_t bytes = 0;
  std::string xxh3_128;  // 32 lowercase hex digits, canonical (big-endian).
};

class FileDigester {
 public:
  FileDigester();
  ~FileDigester();
  FileDigester(const FileDigester&) = delete;
  FileDigester& operator=(const FileDigester&) = delete;

  // The bytes [offset, offset + size) of the file were read into `data`.
  // Hashes the part that extends the bytes hashed so far; ignores the rest.
  void Consume(uint64_t offset, const char* data, size_t size);

  // Hashes what was not consumed in order, from the end of that prefix to
  // the end of the file, with pread() on `fd` (its offset does not move),
  // and returns the digest of the whole file. `path` names the file in
  // errors. Call once. Errors: the errno-derived status of a failed read.
  absl::StatusOr<FileDigest> Finish(int fd, const std::string& path);

 private:
  struct StateDeleter {
    void operator()(XXH3_state_s* state) const;
  };

  std::unique_ptr<XXH3_state_s, StateDeleter> state_;
  uint64_t hashed_ = 0;  // Bytes [0, hashed_) of the file are in state_.
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_FILE_DIGEST_H_
