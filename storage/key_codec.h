// RocksDB key encoding for registry numbers: the E.164 number as 8 bytes,
// big-endian, so RocksDB's bytewise order equals numeric order (SstFileWriter
// REQUIRES ascending keys; sorted uint64s give sorted keys).
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_STORAGE_KEY_CODEC_H_
#define DNC_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <string_view>

namespace dnc::storage {

inline constexpr size_t kKeySize = 8;

inline void EncodeKey(uint64_t e164, char out[kKeySize]) {
  for (int i = kKeySize - 1; i >= 0; --i) {
    out[i] = static_cast<char>(e164 & 0xff);
    e164 >>= 8;
  }
}

// REQUIRES: key.size() == kKeySize.
inline uint64_t DecodeKey(std::string_view key) {
  uint64_t value = 0;
  for (size_t i = 0; i < kKeySize; ++i) {
    value = (value << 8) | static_cast<unsigned char>(key[i]);
  }
  return value;
}

}  // namespace dnc::storage

#endif  // DNC_STORAGE_KEY_CODEC_H_
