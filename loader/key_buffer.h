// KeyBuffer is a growable array of 64-bit keys for very large loads (10^8+).
// Unlike std::vector it grows with realloc, which for large blocks glibc
// serves with mremap: no copy and no moment holding both the old and the new
// array, so peak memory stays near 8 bytes per key.
//
// Ownership: owns its memory; move-only. Thread-safety: thread-compatible.
#ifndef DNC_LOADER_KEY_BUFFER_H_
#define DNC_LOADER_KEY_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>

#include "absl/types/span.h"
#include "common/logging.h"

namespace dnc::loader {

class KeyBuffer {
 public:
  KeyBuffer() = default;
  KeyBuffer(KeyBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  KeyBuffer& operator=(KeyBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }
  KeyBuffer(const KeyBuffer&) = delete;
  KeyBuffer& operator=(const KeyBuffer&) = delete;
  ~KeyBuffer() { std::free(data_); }

  void push_back(uint64_t key) {
    if (size_ == capacity_) Grow();
    data_[size_++] = key;
  }
  // Keeps the first `size` keys. REQUIRES: size <= this->size().
  void Truncate(size_t size) { size_ = size; }
  // Frees the memory.
  void Clear() {
    std::free(data_);
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

  uint64_t* begin() { return data_; }
  uint64_t* end() { return data_ + size_; }
  size_t size() const { return size_; }
  absl::Span<const uint64_t> span() const { return {data_, size_}; }

 private:
  void Grow() {
    const size_t capacity = capacity_ < 4096 ? 4096 : capacity_ + capacity_ / 2;
    void* grown = std::realloc(data_, capacity * sizeof(uint64_t));
    DNC_CHECK(grown != nullptr) << "out of memory for " << capacity << " keys";
    data_ = static_cast<uint64_t*>(grown);
    capacity_ = capacity;
  }

  uint64_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_KEY_BUFFER_H_
