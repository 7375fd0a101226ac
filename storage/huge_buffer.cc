#include "storage/huge_buffer.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dnc::storage {

absl::Status HugeBuffer::Allocate(size_t bytes, const std::string& what) {
  Free();
  const size_t rounded = (bytes + kHugePage - 1) & ~(kHugePage - 1);
  mapped_ = rounded + kHugePage;
  void* base = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    mapped_ = 0;
    return absl::ErrnoToStatus(
        errno, absl::StrCat("allocate ", bytes, " bytes for ", what));
  }
  base_ = base;
  const uintptr_t aligned =
      (reinterpret_cast<uintptr_t>(base) + kHugePage - 1) & ~(kHugePage - 1);
  data_ = reinterpret_cast<uint8_t*>(aligned);
  bytes_ = bytes;
  // A hint: without THP the index still works on 4 KiB pages.
  ::madvise(data_, rounded, MADV_HUGEPAGE);
  return absl::OkStatus();
}

void HugeBuffer::Free() {
  if (base_ != nullptr) ::munmap(base_, mapped_);
  base_ = nullptr;
  data_ = nullptr;
  mapped_ = 0;
  bytes_ = 0;
}

}  // namespace dnc::storage
