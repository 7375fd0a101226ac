// The line index of keys.bin (storage/sorted_key_file.h): an exact
// in-memory lookup structure for dense key sets (NANP registries from ~3M
// numbers up), built from the sorted keys by BuildLineIndex(). Each key is
// mapped by a bijective hash of its offset from the smallest key to one
// 64-byte line of 32 16-bit slots and stored there as the hash bits the line
// number does not imply (quotienting), so a lookup reads one cache line,
// like a blocked Bloom filter probe, but is exact. ~20 keys per line, 25.6
// bits per key (up to 43); keys of lines holding more than 31 go to a small
// overflow set, which lookups of those lines also consult.
//
// The lookups are defined here, inline, so that SortedKeyFile's calls
// compile into one loop. Ownership: owns its buffer and overflow set.
// Thread-safety: immutable after BuildLineIndex(); const methods are
// thread-safe.
#ifndef DNC_STORAGE_LINE_INDEX_H_
#define DNC_STORAGE_LINE_INDEX_H_
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
#include "storage/sorted_key_file.h"

namespace dnc::storage {

// The line index: every key hashed to one 64-byte line of 32 16-bit slots,
// so a lookup reads one cache line (the filter's cost) and is exact.
//
// x = key - min_key (u bits) is mixed by a bijection of [0, 2^u) (multiply,
// xor-shift, multiply, mod 2^u); the top 32 bits of the result pick the line
// by fastrange (line = top * line_count >> 32) and the slot value is the
// rest of the information: the fraction (top * line_count mod 2^32) shifted
// right by `frac_shift` (two tops in one line differ there, because their
// fractions differ by at least line_count) above the low u - 32 bits. That
// is u - floor(log2(line_count)) bits, at most 15, so 0xFFFF (empty) and
// 0xFFFE (overflowed) are never slot values. A line holds up to 31 keys;
// the keys of a bucket beyond that go to a small overflow set, and slot 31
// marks the line so lookups of its misses check that set. Line
// `line_count` is an always-empty line for keys out of range.
struct LineIndex {
  static constexpr uint16_t kEmpty = 0xffff;
  static constexpr uint16_t kOverflowed = 0xfffe;
  static constexpr uint32_t kSlots = 32;  // One 64-byte line.
  static constexpr uint32_t kUsable = kSlots - 1;
  static constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ULL;
  static constexpr uint64_t kMul2 = 0xbf58476d1ce4e5b9ULL;

  uint64_t min_key = 0;
  uint64_t span = 0;
  uint32_t u = 0;           // Bits of x; x < 2^u.
  uint32_t xor_shift = 0;   // (u + 1) / 2.
  uint32_t top_shift = 0;   // u >= 32: top = h >> (u - 32).
  uint32_t top_lshift = 0;  // u < 32: top = h << (32 - u).
  uint32_t frac_shift = 0;
  uint32_t low_bits = 0;  // max(u - 32, 0).
  uint64_t mask = 0;      // 2^u - 1.
  uint64_t line_count = 0;
  HugeBuffer line_buffer;
  const uint16_t* lines = nullptr;
  std::unique_ptr<SortedKeyFile> overflow;  // Null when no line overflowed.

  // The line to look in and the slot value to look for.
  struct Probe {
    const uint16_t* line;
    uint16_t value;
  };
  Probe Locate(uint64_t key) const {
    const uint64_t x = key - min_key;  // Wraps when key < min_key.
    uint64_t h = (x * kMul1) & mask;
    h ^= h >> xor_shift;
    h = (h * kMul2) & mask;
    const uint64_t top = ((h >> top_shift) << top_lshift) & 0xffffffffULL;
    const uint64_t product = top * line_count;
    const uint64_t line = x <= span ? product >> 32 : line_count;
    const uint64_t fraction = product & 0xffffffffULL;
    const uint64_t value = ((fraction >> frac_shift) << low_bits) |
                           (h & ((uint64_t{1} << low_bits) - 1));
    return Probe{lines + line * kSlots, static_cast<uint16_t>(value)};
  }

  // Whether `value` is among the line's slots (no slot holds 0xFFFF/0xFFFE
  // as a value, so the whole line is compared).
  static bool LineHas(const uint16_t* line, uint16_t value) {
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi16(static_cast<short>(value));
    const __m128i* v = reinterpret_cast<const __m128i*>(line);
    const __m128i eq =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(_mm_load_si128(v), q),
                                  _mm_cmpeq_epi16(_mm_load_si128(v + 1), q)),
                     _mm_or_si128(_mm_cmpeq_epi16(_mm_load_si128(v + 2), q),
                                  _mm_cmpeq_epi16(_mm_load_si128(v + 3), q)));
    return _mm_movemask_epi8(eq) != 0;
#else
    bool found = false;
    for (uint32_t j = 0; j < kSlots; ++j) found |= line[j] == value;
    return found;
#endif
  }

  // Branch-free but for overflowed lines (rare, so well predicted): at 50%
  // hits a branch on the comparison would be mispredicted half the time.
  bool Check(uint64_t key, const Probe& probe) const {
    const bool in_line = LineHas(probe.line, probe.value);
    if (__builtin_expect(probe.line[kUsable] == kOverflowed, 0)) {
      return in_line || overflow->Contains(key);
    }
    return in_line;
  }

  bool Contains(uint64_t key) const { return Check(key, Locate(key)); }

  // One memory read per key; the line of key i + kLookahead is prefetched
  // while key i is compared.
  void ContainsBatch(const uint64_t* in, uint8_t* out, size_t n) const {
    constexpr size_t kLookahead = 32;  // Power of two (ring index mask).
    Probe ring[kLookahead];
    const size_t primed = std::min(n, kLookahead);
    for (size_t i = 0; i < primed; ++i) {
      ring[i] = Locate(in[i]);
      __builtin_prefetch(ring[i].line);
    }
    size_t i = 0;
    for (; i + kLookahead < n; ++i) {
      Probe& slot = ring[i & (kLookahead - 1)];
      const Probe probe = slot;
      slot = Locate(in[i + kLookahead]);
      __builtin_prefetch(slot.line);
      out[i] = Check(in[i], probe) ? 1 : 0;
    }
    for (; i < n; ++i) {
      out[i] = Check(in[i], ring[i & (kLookahead - 1)]) ? 1 : 0;
    }
  }

  uint64_t bytes() const {
    return line_buffer.bytes() +
           (overflow ? overflow->index_bytes() + overflow->keys().size() * 8
                     : 0);
  }
};

// Builds the line index over `keys` (ascending, distinct), or returns nullptr
// when 15-bit slot values would need lines averaging fewer than 12 keys (a
// sparse key range: the range index is then smaller). `path` names the file
// in an error. Errors: the status of a failed allocation.
// REQUIRES: 0 < n < 2^32 - 1, keys[n - 1] - keys[0] < 2^62.
absl::StatusOr<std::unique_ptr<LineIndex>> BuildLineIndex(
    const uint64_t* keys, uint64_t n, const std::string& path);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_LINE_INDEX_H_
