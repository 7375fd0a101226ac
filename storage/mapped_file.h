// MappedFile maps a whole file read-only into memory (mmap, MAP_SHARED,
// PROT_READ) for as long as the object lives. Used for filter files, which
// are immutable once their generation is published.
//
// Ownership: owns the mapping and unmaps it in the destructor; the file
// descriptor is closed as soon as the mapping exists. Pointers from data()
// are valid until the object is destroyed or moved from. The file must not be
// truncated while mapped (reading past its new end raises SIGBUS); published
// generations are never modified, so this holds for our files.
// Thread-safety: thread-safe (immutable after Open(); Advise() only changes
// kernel paging hints).
#ifndef DNC_STORAGE_MAPPED_FILE_H_
#define DNC_STORAGE_MAPPED_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dnc::storage {

class MappedFile {
 public:
  // Paging hints passed to madvise(2).
  enum class Access {
    kNormal,      // MADV_NORMAL: default read-ahead.
    kSequential,  // MADV_SEQUENTIAL: aggressive read-ahead, e.g. a checksum.
    kRandom,      // MADV_RANDOM: no read-ahead; each fault reads one page.
    kWillNeed,    // MADV_WILLNEED: start reading the whole file in now.
    kHugePage,    // MADV_HUGEPAGE: map with 2 MiB pages where the kernel and
                  // file system can (page-cache large folios); fewer TLB
                  // misses for random access to a large file.
  };

  // Maps `path`. An empty file gives size() == 0 and data() == nullptr.
  // Errors: NotFound (no such file), FailedPrecondition (not a regular
  // file), or the errno-derived status of open/fstat/mmap; every message
  // names the operation and the path.
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(
      const std::string& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // Page-aligned start of the mapping (nullptr when size() == 0).
  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Applies `access` to the whole mapping. A no-op for an empty file.
  // Errors: the errno-derived status of madvise (the mapping stays usable).
  absl::Status Advise(Access access) const;

 private:
  MappedFile(std::string path, const uint8_t* data, uint64_t size);
  void Unmap();

  std::string path_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_MAPPED_FILE_H_
