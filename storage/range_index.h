// The range index of keys.bin (storage/sorted_key_file.h): an exact
// in-memory lookup structure for sparse or small key sets, built from the
// sorted keys by BuildRangeIndex(). Keys are cut into buckets by
// (key - smallest) >> s; a directory of bucket starts (a 32-bit base per 64
// buckets plus 16 bits per bucket) and every key's low s bits (8, 16 or 32)
// answer a lookup in two memory reads; 15-30 bits per key.
//
// The lookups are defined here, inline, so that SortedKeyFile's calls
// compile into one loop. Ownership: owns its buffers. Thread-safety:
// immutable after BuildRangeIndex(); const methods are thread-safe.
#ifndef DNC_STORAGE_RANGE_INDEX_H_
#define DNC_STORAGE_RANGE_INDEX_H_
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/huge_buffer.h"

namespace dnc::storage {

// Keys cut into buckets by (key - min_key) >> shift. Bucket b's keys are
// positions [Start(b), Start(b + 1)) of the key order, where Start(b) =
// base[b >> group_shift] + offset[b]; `lows` holds each key's low `shift`
// bits. There are bucket_count + 2 buckets: bucket `bucket_count` is an
// always-empty one that keys outside [min_key, min_key + span] look in.
struct RangeIndex {
  // A bucket's low bits are compared kWindow at a time; bigger buckets fall
  // back to a binary search within the bucket.
  static constexpr uint32_t kWindow = 16;
  // Low arrays are padded so a window read past the last key stays mapped.
  static constexpr size_t kLowPadBytes = 64;
  // ContainsBatch pipeline: the directory entry of key i + 2 * kStage and the
  // low-bits line of key i + kStage are prefetched while key i is compared.
  static constexpr size_t kStage = 16;
  static constexpr size_t kRing = 64;  // Power of two, > 2 * kStage.
  static_assert((kRing & (kRing - 1)) == 0 && kRing > 2 * kStage, "ring");

  uint64_t min_key = 0;
  uint64_t span = 0;  // max_key - min_key.
  uint32_t shift = 0;
  uint32_t low_bytes = 0;  // 1, 2 or 4.
  uint32_t group_shift = 0;
  uint64_t bucket_count = 0;
  HugeBuffer base_buffer;
  HugeBuffer offset_buffer;
  HugeBuffer low_buffer;
  const uint32_t* base = nullptr;
  const uint16_t* offset = nullptr;
  const void* lows = nullptr;

  // Memory held by the directory and the low array.
  uint64_t bytes() const {
    return base_buffer.bytes() + offset_buffer.bytes() + low_buffer.bytes();
  }

  // The bucket to search for `key` (the empty one when out of range).
  uint64_t BucketOf(uint64_t key) const {
    const uint64_t d = key - min_key;  // Wraps when key < min_key.
    return d <= span ? d >> shift : bucket_count;
  }
  uint32_t LowOf(uint64_t key) const {
    return static_cast<uint32_t>((key - min_key) &
                                 ((uint64_t{1} << shift) - 1));
  }
  uint32_t Start(uint64_t bucket) const {
    return base[bucket >> group_shift] + offset[bucket];
  }

  bool Contains(uint64_t key) const {
    switch (low_bytes) {
      case 1:
        return ContainsT<uint8_t>(key);
      case 2:
        return ContainsT<uint16_t>(key);
      default:
        return ContainsT<uint32_t>(key);
    }
  }
  void ContainsBatch(const uint64_t* in, uint8_t* out, size_t n) const {
    switch (low_bytes) {
      case 1:
        return BatchT<uint8_t>(in, out, n);
      case 2:
        return BatchT<uint16_t>(in, out, n);
      default:
        return BatchT<uint32_t>(in, out, n);
    }
  }

  template <typename Low>
  bool ContainsT(uint64_t key) const {
    const uint64_t b = BucketOf(key);
    const uint32_t lo = Start(b);
    return FindLow<Low>(static_cast<const Low*>(lows) + lo, Start(b + 1) - lo,
                        static_cast<Low>(LowOf(key)));
  }

  // A three-stage software pipeline over the batch: locate the bucket and
  // prefetch its directory entries (key i), read them and prefetch the
  // bucket's low bits (key i - kStage), compare (key i - 2 * kStage). The
  // memory reads of ~2 * kStage keys are in flight at once.
  template <typename Low>
  void BatchT(const uint64_t* in, uint8_t* out, size_t n) const {
    struct Slot {
      uint64_t bucket;
      uint32_t lo;
      uint32_t count;
      Low low;
    };
    Slot ring[kRing];
    const Low* const low_array = static_cast<const Low*>(lows);
    auto stage1 = [&](size_t i) {
      Slot& s = ring[i & (kRing - 1)];
      s.bucket = BucketOf(in[i]);
      s.low = static_cast<Low>(LowOf(in[i]));
      __builtin_prefetch(offset + s.bucket);
      __builtin_prefetch(offset + s.bucket + 1);
    };
    auto stage2 = [&](size_t i) {
      Slot& s = ring[i & (kRing - 1)];
      s.lo = Start(s.bucket);
      s.count = Start(s.bucket + 1) - s.lo;
      const char* first = reinterpret_cast<const char*>(low_array + s.lo);
      __builtin_prefetch(first);
      __builtin_prefetch(first + kWindow * sizeof(Low) - 1);
    };
    auto stage3 = [&](size_t i) {
      const Slot& s = ring[i & (kRing - 1)];
      out[i] = FindLow<Low>(low_array + s.lo, s.count, s.low) ? 1 : 0;
    };
    if (n <= 2 * kStage) {
      for (size_t i = 0; i < n; ++i) stage1(i);
      for (size_t i = 0; i < n; ++i) stage2(i);
      for (size_t i = 0; i < n; ++i) stage3(i);
      return;
    }
    for (size_t i = 0; i < kStage; ++i) stage1(i);
    for (size_t i = kStage; i < 2 * kStage; ++i) {
      stage1(i);
      stage2(i - kStage);
    }
    for (size_t i = 2 * kStage; i < n; ++i) {
      stage1(i);
      stage2(i - kStage);
      stage3(i - 2 * kStage);
    }
    for (size_t i = n; i < n + kStage; ++i) {
      stage2(i - kStage);
      stage3(i - 2 * kStage);
    }
    for (size_t i = n + kStage; i < n + 2 * kStage; ++i) {
      stage3(i - 2 * kStage);
    }
  }

  // True if `x` is among the `count` ascending values at `p` (which may be
  // read up to kWindow values past p + count: the array is padded).
  template <typename Low>
  static bool FindLow(const Low* p, uint32_t count, Low x) {
    if (__builtin_expect(count > kWindow, 0)) {
      return std::binary_search(p, p + count, x);
    }
    const uint32_t valid = (uint32_t{1} << count) - 1;  // count <= 16.
#ifdef __SSE2__
    if constexpr (sizeof(Low) == 1) {
      const __m128i q = _mm_set1_epi8(static_cast<char>(x));
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const uint32_t m =
          static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)));
      return (m & valid) != 0;
    } else if constexpr (sizeof(Low) == 2) {
      const __m128i q = _mm_set1_epi16(static_cast<short>(x));
      const __m128i* v = reinterpret_cast<const __m128i*>(p);
      const __m128i eq =
          _mm_packs_epi16(_mm_cmpeq_epi16(_mm_loadu_si128(v), q),
                          _mm_cmpeq_epi16(_mm_loadu_si128(v + 1), q));
      const uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(eq));
      return (m & valid) != 0;
    } else {
      const __m128i q = _mm_set1_epi32(static_cast<int>(x));
      const __m128i* v = reinterpret_cast<const __m128i*>(p);
      const __m128i lo =
          _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(v), q),
                          _mm_cmpeq_epi32(_mm_loadu_si128(v + 1), q));
      const __m128i hi =
          _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(v + 2), q),
                          _mm_cmpeq_epi32(_mm_loadu_si128(v + 3), q));
      const uint32_t m =
          static_cast<uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(lo, hi)));
      return (m & valid) != 0;
    }
#else
    uint32_t m = 0;
    for (uint32_t j = 0; j < kWindow; ++j) m |= uint32_t{p[j] == x} << j;
    return (m & valid) != 0;
#endif
  }
};

// Builds the range index over `keys` (ascending, distinct), or returns
// nullptr when the keys are too spread out for one to pay (lookups then
// binary-search the keys). `path` names the file in an error. Errors: the
// status of a failed allocation.
// REQUIRES: 0 < n < 2^32 - 1, keys[n - 1] - keys[0] < 2^62.
absl::StatusOr<std::unique_ptr<RangeIndex>> BuildRangeIndex(
    const uint64_t* keys, uint64_t n, const std::string& path);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_RANGE_INDEX_H_
