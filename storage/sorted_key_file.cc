#include "storage/sorted_key_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "storage/durable_file.h"
#include "storage/mapped_file.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dnc::storage {
namespace {

// On-disk layout (native byte order; little-endian hosts only, enforced by
// the endianness tag):
//
//   offset  size  field
//        0     8  magic "DNCKEYS1"
//        8     2  format_version (1)
//       10     2  reserved (0)
//       12     4  endian_tag 0x01020304 as written natively
//       16     8  key_count
//       24     8  generation_number
//       32     8  keys_checksum: XXH3-64 (seed 0) of the key array
//       40    20  reserved (0)
//       60     4  header_checksum: low 32 bits of XXH3-64 of bytes [0, 60)
//       64     .  key_count uint64_t keys, strictly ascending
constexpr char kMagic[8] = {'D', 'N', 'C', 'K', 'E', 'Y', 'S', '1'};
constexpr uint16_t kFormatVersion = 1;
constexpr uint32_t kEndianTag = 0x01020304u;
constexpr size_t kHeaderBytes = 64;

struct KeysHeader {
  char magic[8];
  uint16_t format_version;
  uint16_t reserved0;
  uint32_t endian_tag;
  uint64_t key_count;
  uint64_t generation_number;
  uint64_t keys_checksum;
  uint8_t reserved1[20];
  uint32_t header_checksum;
};
static_assert(sizeof(KeysHeader) == kHeaderBytes, "header is 64 bytes");
static_assert(offsetof(KeysHeader, key_count) == 16, "layout");
static_assert(offsetof(KeysHeader, keys_checksum) == 32, "layout");
static_assert(offsetof(KeysHeader, header_checksum) == 60, "layout");

uint32_t HeaderChecksum(const KeysHeader& header) {
  return static_cast<uint32_t>(
      XXH3_64bits(&header, offsetof(KeysHeader, header_checksum)));
}

uint64_t KeysChecksum(const uint64_t* keys, uint64_t count) {
  return XXH3_64bits(keys, count * sizeof(uint64_t));
}

std::string Hex(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

absl::Status Corrupt(const std::string& path, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("keys file ", path, " ", what));
}

// Anonymous memory for the index: 2 MiB aligned and advised for transparent
// huge pages. Lookups touch one random cache line of each array per key, so
// with 4 KiB pages nearly every lookup would also miss the TLB (a nested
// page walk in a VM); the filter measured ~2x faster on 2 MiB pages.
class HugeBuffer {
 public:
  static constexpr size_t kHugePage = size_t{2} << 20;

  HugeBuffer() = default;
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;
  ~HugeBuffer() { Free(); }

  // Zero-filled; replaces any earlier allocation. Errors: the errno-derived
  // status of mmap.
  absl::Status Allocate(size_t bytes, const std::string& what) {
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

  uint8_t* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void Free() {
    if (base_ != nullptr) ::munmap(base_, mapped_);
    base_ = nullptr;
    data_ = nullptr;
    mapped_ = 0;
    bytes_ = 0;
  }

  void* base_ = nullptr;
  size_t mapped_ = 0;
  uint8_t* data_ = nullptr;
  size_t bytes_ = 0;
};

// Range index tuning (see the header comment for the structure).
// A bucket's low bits are compared 16 at a time; bigger buckets fall back to
// a binary search within the bucket.
constexpr uint32_t kWindow = 16;
// Buckets average at most this many keys...
constexpr uint64_t kMaxMeanBucket = 8;
// ...and the shift is lowered (up to kMaxRefine times, while the directory
// stays within 16 bits per key) while more than 1/kOverflowShare of the keys
// sit in buckets larger than kWindow (clustered data).
constexpr uint64_t kOverflowShare = 100;
constexpr int kMaxRefine = 4;
// Directory groups: 2^kGroupShift buckets share one 32-bit base position and
// each bucket stores its 16-bit offset from it (unless a group holds more
// than 65,535 keys, when groups shrink).
constexpr uint32_t kGroupShift = 6;
// Low arrays are padded so a window read past the last key stays mapped.
constexpr size_t kLowPadBytes = 64;
// ContainsBatch pipeline: the directory entry of key i + 2 * kStage and the
// low-bits line of key i + kStage are prefetched while key i is compared.
constexpr size_t kStage = 16;
constexpr size_t kRing = 64;  // Power of two, > 2 * kStage.
static_assert((kRing & (kRing - 1)) == 0 && kRing > 2 * kStage, "ring");

// Keys in buckets larger than kWindow for this shift.
uint64_t KeysInBigBuckets(const uint64_t* keys, uint64_t n, uint64_t min_key,
                          uint32_t shift) {
  uint64_t big = 0;
  uint64_t run = 0;
  uint64_t bucket = ~uint64_t{0};
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t b = (keys[i] - min_key) >> shift;
    if (b != bucket) {
      if (run > kWindow) big += run;
      bucket = b;
      run = 0;
    }
    ++run;
  }
  if (run > kWindow) big += run;
  return big;
}

// True if `x` is among the `count` ascending values at `p` (which may be
// read up to kWindow values past p + count: the array is padded).
template <typename Low>
inline bool FindLow(const Low* p, uint32_t count, Low x) {
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

// Keys cut into buckets by (key - min_key) >> shift. Bucket b's keys are
// positions [Start(b), Start(b + 1)) of the key order, where Start(b) =
// base[b >> group_shift] + offset[b]; `lows` holds each key's low `shift`
// bits. There are bucket_count + 2 buckets: bucket `bucket_count` is an
// always-empty one that keys outside [min_key, min_key + span] look in.
struct RangeIndex {
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
};

// The directory for `bucket_count` + 2 buckets with groups of
// 2^group_shift, or false if some bucket starts more than 65,535 keys after
// its group's base (the caller then tries smaller groups).
bool FillDirectory(const uint64_t* keys, uint64_t n, RangeIndex* index) {
  const uint64_t entries = index->bucket_count + 2;
  uint32_t* base = reinterpret_cast<uint32_t*>(index->base_buffer.data());
  uint16_t* offset = reinterpret_cast<uint16_t*>(index->offset_buffer.data());
  const uint32_t group_shift = index->group_shift;
  const uint64_t group_mask = (uint64_t{1} << group_shift) - 1;
  uint64_t next = 0;  // Next bucket whose start is to be written.
  auto set_start = [&](uint64_t bucket, uint64_t position) {
    if ((bucket & group_mask) == 0) {
      base[bucket >> group_shift] = static_cast<uint32_t>(position);
    }
    const uint64_t rel = position - base[bucket >> group_shift];
    if (rel > 0xffff) return false;
    offset[bucket] = static_cast<uint16_t>(rel);
    return true;
  };
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t b = (keys[i] - index->min_key) >> index->shift;
    while (next <= b) {
      if (!set_start(next++, i)) return false;
    }
  }
  while (next < entries) {
    if (!set_start(next++, n)) return false;
  }
  return true;
}

// Builds the range index over `keys` (ascending, distinct), or returns
// nullptr when the keys are too spread out for one to pay (lookups then
// binary-search the keys). Errors: the status of a failed allocation.
// REQUIRES: 0 < n < 2^32 - 1, keys[n - 1] - keys[0] < 2^62.
absl::StatusOr<std::unique_ptr<RangeIndex>> BuildRangeIndex(
    const uint64_t* keys, uint64_t n, const std::string& path) {
  auto index = std::make_unique<RangeIndex>();
  index->min_key = keys[0];
  index->span = keys[n - 1] - keys[0];
  const uint64_t span = index->span;
  auto buckets = [&](uint32_t shift) { return (span >> shift) + 1; };
  // The largest shift (up to 32) whose buckets average at most
  // kMaxMeanBucket keys. shift 0 always qualifies: keys are distinct.
  const uint64_t min_buckets = (n + kMaxMeanBucket - 1) / kMaxMeanBucket;
  uint32_t shift = 0;
  while (shift < 32 && buckets(shift + 1) >= min_buckets) ++shift;
  // A directory much larger than the keys is not worth it (keys spread over
  // a huge range, e.g. mixed countries: leave them to binary search).
  if (buckets(shift) > std::max<uint64_t>(4 * n, 1 << 20)) return nullptr;
  // Clustered keys: more buckets while too many keys sit in big ones.
  for (int step = 0; step < kMaxRefine && shift > 0 &&
                     buckets(shift - 1) <= std::max<uint64_t>(n, 1 << 16);
       ++step) {
    if (KeysInBigBuckets(keys, n, index->min_key, shift) * kOverflowShare <=
        n) {
      break;
    }
    --shift;
  }
  // One step down from 9 (or 17) bits halves the low array's width for
  // twice the directory, which is smaller overall.
  if (shift == 9 || shift == 17) --shift;
  index->shift = shift;
  index->low_bytes = shift <= 8 ? 1 : (shift <= 16 ? 2 : 4);
  index->bucket_count = buckets(shift);

  const uint64_t entries = index->bucket_count + 2;
  const std::string what = absl::StrCat("the index of ", path);
  DNC_RETURN_IF_ERROR(
      index->offset_buffer.Allocate(entries * sizeof(uint16_t), what));
  // Groups of 64 buckets unless a group would hold more than 65,535 keys.
  for (int group_shift = kGroupShift;; --group_shift) {
    index->group_shift = static_cast<uint32_t>(group_shift);
    const uint64_t groups = (entries >> group_shift) + 1;
    DNC_RETURN_IF_ERROR(
        index->base_buffer.Allocate(groups * sizeof(uint32_t), what));
    // With one bucket per group every offset is 0, so this ends.
    if (FillDirectory(keys, n, index.get())) break;
  }
  DNC_RETURN_IF_ERROR(
      index->low_buffer.Allocate(n * index->low_bytes + kLowPadBytes, what));
  uint8_t* low_bytes = index->low_buffer.data();
  const uint64_t mask = (uint64_t{1} << shift) - 1;
  for (uint64_t i = 0; i < n; ++i) {
    const uint32_t low =
        static_cast<uint32_t>((keys[i] - index->min_key) & mask);
    switch (index->low_bytes) {
      case 1:
        low_bytes[i] = static_cast<uint8_t>(low);
        break;
      case 2:
        reinterpret_cast<uint16_t*>(low_bytes)[i] = static_cast<uint16_t>(low);
        break;
      default:
        reinterpret_cast<uint32_t*>(low_bytes)[i] = low;
        break;
    }
  }
  index->base = reinterpret_cast<const uint32_t*>(index->base_buffer.data());
  index->offset =
      reinterpret_cast<const uint16_t*>(index->offset_buffer.data());
  index->lows = low_bytes;
  return index;
}

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

// Keys per line the line index aims for (31 fit; Poisson(20) overflows 31
// in ~0.7% of lines), and the fewest it accepts before a range index is
// smaller: 512 bits per line / 12 keys = 43 bits per key.
constexpr uint64_t kLineTarget = 20;
constexpr uint64_t kLineMinimum = 12;

// Builds the line index, or returns nullptr when 15-bit slot values would
// need lines averaging fewer than kLineMinimum keys (a sparse key range:
// the range index is then smaller). REQUIRES: as BuildRangeIndex.
absl::StatusOr<std::unique_ptr<LineIndex>> BuildLineIndex(
    const uint64_t* keys, uint64_t n, const std::string& path) {
  const uint64_t span = keys[n - 1] - keys[0];
  const uint32_t u = span == 0 ? 1 : 64 - __builtin_clzll(span);
  uint64_t lines = std::max<uint64_t>(1, n / kLineTarget);
  auto log2_floor = [](uint64_t v) { return 63 - __builtin_clzll(v); };
  // Slot values take u - floor(log2(lines)) bits; at most 15.
  if (u > 15 + static_cast<uint32_t>(log2_floor(lines))) {
    lines = uint64_t{1} << (u - 15);
  }
  if (lines * kLineMinimum > n || lines >= (uint64_t{1} << 32)) return nullptr;
  auto index = std::make_unique<LineIndex>();
  index->min_key = keys[0];
  index->span = span;
  index->u = u;
  index->xor_shift = (u + 1) / 2;
  index->top_shift = u >= 32 ? u - 32 : 0;
  index->top_lshift = u < 32 ? 32 - u : 0;
  index->low_bits = u >= 32 ? u - 32 : 0;
  // Two tops in one line differ by >= 2^top_lshift, so their fractions by
  // >= line_count << top_lshift.
  index->frac_shift =
      static_cast<uint32_t>(log2_floor(lines)) + index->top_lshift;
  index->mask = u >= 64 ? ~uint64_t{0} : (uint64_t{1} << u) - 1;
  index->line_count = lines;
  const size_t bytes = (lines + 1) * LineIndex::kSlots * sizeof(uint16_t);
  DNC_RETURN_IF_ERROR(
      index->line_buffer.Allocate(bytes, absl::StrCat("the index of ", path)));
  std::memset(index->line_buffer.data(), 0xff, bytes);
  uint16_t* const line_array =
      reinterpret_cast<uint16_t*>(index->line_buffer.data());
  index->lines = line_array;

  // Insert every key, prefetching the line of the key kAhead places later
  // (lines are written at random).
  std::vector<uint64_t> overflow;
  constexpr size_t kAhead = 16;
  auto insert = [&](uint64_t key) {
    const LineIndex::Probe probe = index->Locate(key);
    uint16_t* line = const_cast<uint16_t*>(probe.line);
    // Slots fill from the front, so the number used is the first empty one.
    uint32_t used = 0;
    while (used < LineIndex::kUsable && line[used] != LineIndex::kEmpty) {
      ++used;
    }
    if (used < LineIndex::kUsable) {
      line[used] = probe.value;
      return;
    }
    line[LineIndex::kUsable] = LineIndex::kOverflowed;
    overflow.push_back(key);  // Keys arrive ascending.
  };
  for (uint64_t i = 0; i < n; ++i) {
    if (i + kAhead < n) {
      __builtin_prefetch(index->Locate(keys[i + kAhead]).line, 1);
    }
    insert(keys[i]);
  }
  if (!overflow.empty()) {
    DNC_ASSIGN_OR_RETURN(index->overflow,
                         SortedKeyFile::FromKeys(std::move(overflow)));
  }
  return index;
}

}  // namespace

// The index a SortedKeyFile answers from: the line index where the keys are
// dense enough for one (NANP registries from a few million numbers up),
// else the range index.
struct SortedKeyFile::Index {
  std::unique_ptr<LineIndex> lines;
  std::unique_ptr<RangeIndex> range;

  bool Contains(uint64_t key) const {
    return lines ? lines->Contains(key) : range->Contains(key);
  }
  void ContainsBatch(const uint64_t* in, uint8_t* out, size_t n) const {
    if (lines) {
      lines->ContainsBatch(in, out, n);
    } else {
      range->ContainsBatch(in, out, n);
    }
  }
  uint64_t bytes() const {
    if (lines) return lines->bytes();
    return range->base_buffer.bytes() + range->offset_buffer.bytes() +
           range->low_buffer.bytes();
  }
};

namespace {

// Builds the index over `keys` (ascending, distinct), or returns nullptr
// when there is nothing to index or the keys are too spread out for an index
// to pay (lookups then binary-search the keys). Errors: the status of a
// failed allocation.
absl::StatusOr<std::unique_ptr<SortedKeyFile::Index>> BuildIndex(
    const uint64_t* keys, uint64_t n, const std::string& path,
    SortedKeyFileIndexKind kind) {
  if (n == 0 || n >= (uint64_t{1} << 32) - 1) return nullptr;
  // E.164 keys span less than 10^15; this also keeps the index arithmetic
  // from overflowing.
  if (keys[n - 1] - keys[0] >= (uint64_t{1} << 62)) return nullptr;
  auto index = std::make_unique<SortedKeyFile::Index>();
  if (kind != SortedKeyFileIndexKind::kRange) {
    DNC_ASSIGN_OR_RETURN(index->lines, BuildLineIndex(keys, n, path));
  }
  if (index->lines == nullptr) {
    DNC_ASSIGN_OR_RETURN(index->range, BuildRangeIndex(keys, n, path));
    if (index->range == nullptr) return nullptr;
  }
  return index;
}

}  // namespace

absl::StatusOr<SortedKeyFileInfo> WriteSortedKeyFile(
    absl::Span<const uint64_t> keys, uint64_t generation_number,
    const std::string& path) {
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] <= keys[i - 1]) {
      return absl::FailedPreconditionError(absl::StrCat(
          "write keys file ", path, ": keys not strictly ascending at index ",
          i, " (", keys[i - 1], " then ", keys[i], ")"));
    }
  }
  KeysHeader header;
  std::memset(&header, 0, sizeof(header));
  std::memcpy(header.magic, kMagic, sizeof(header.magic));
  header.format_version = kFormatVersion;
  header.endian_tag = kEndianTag;
  header.key_count = keys.size();
  header.generation_number = generation_number;
  header.keys_checksum = KeysChecksum(keys.data(), keys.size());
  header.header_checksum = HeaderChecksum(header);

  DNC_RETURN_IF_ERROR(
      WriteFileDurably(path, {{&header, sizeof(header)},
                              {keys.data(), keys.size() * sizeof(uint64_t)}}));
  SortedKeyFileInfo info;
  info.key_count = keys.size();
  info.file_bytes = kHeaderBytes + keys.size() * sizeof(uint64_t);
  info.checksum = header.keys_checksum;
  return info;
}

absl::StatusOr<std::unique_ptr<SortedKeyFile>> SortedKeyFile::Open(
    const std::string& path, const SortedKeyFileOptions& options) {
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file,
                       MappedFile::Open(path));
  const uint64_t size = file->size();
  if (size < kHeaderBytes) {
    return Corrupt(
        path, absl::StrCat("is truncated: ", size, " bytes, smaller than the ",
                           kHeaderBytes, "-byte header"));
  }
  KeysHeader header;
  std::memcpy(&header, file->data(), sizeof(header));
  if (std::memcmp(header.magic, kMagic, sizeof(header.magic)) != 0) {
    return Corrupt(path,
                   absl::StrCat("has bad magic \"",
                                absl::CHexEscape(absl::string_view(
                                    header.magic, sizeof(header.magic))),
                                "\", expected \"DNCKEYS1\": not a keys file"));
  }
  if (header.endian_tag != kEndianTag) {
    return Corrupt(path,
                   absl::StrCat("has endianness tag ", Hex(header.endian_tag),
                                ", expected ", Hex(kEndianTag),
                                ": written with another byte order"));
  }
  if (header.format_version != kFormatVersion) {
    return Corrupt(path,
                   absl::StrCat("has format version ", header.format_version,
                                ", this build reads version ", kFormatVersion));
  }
  const uint32_t header_checksum = HeaderChecksum(header);
  if (header.header_checksum != header_checksum) {
    return Corrupt(path, absl::StrCat("has a corrupt header: header checksum ",
                                      Hex(header.header_checksum),
                                      ", computed ", Hex(header_checksum)));
  }
  if (header.key_count > (size - kHeaderBytes) / sizeof(uint64_t)) {
    return Corrupt(path,
                   absl::StrCat("is truncated: ", size, " bytes, header says ",
                                header.key_count, " keys"));
  }
  const uint64_t expected = kHeaderBytes + header.key_count * sizeof(uint64_t);
  if (size != expected) {
    return Corrupt(path, absl::StrCat("has trailing data: ", size,
                                      " bytes, header says ", expected));
  }
  file->Advise(MappedFile::Access::kHugePage).IgnoreError();
  file->Advise(MappedFile::Access::kSequential).IgnoreError();
  const uint64_t* keys =
      reinterpret_cast<const uint64_t*>(file->data() + kHeaderBytes);
  const uint64_t keys_checksum = KeysChecksum(keys, header.key_count);
  if (keys_checksum != header.keys_checksum) {
    return Corrupt(path, absl::StrCat("fails its checksum: keys hash to ",
                                      Hex(keys_checksum), ", header says ",
                                      Hex(header.keys_checksum)));
  }
  for (uint64_t i = 1; i < header.key_count; ++i) {
    if (keys[i] <= keys[i - 1]) {
      return Corrupt(path, absl::StrCat("has keys out of order at index ", i));
    }
  }
  std::unique_ptr<SortedKeyFile> result(new SortedKeyFile());
  if (options.build_index) {
    DNC_ASSIGN_OR_RETURN(result->index_, BuildIndex(keys, header.key_count,
                                                    path, options.index_kind));
  }
  // Lookups now read the index (or binary-search the keys): no read-ahead.
  // Without an index the caller means to scan keys(): keep read-ahead.
  if (options.build_index) {
    file->Advise(MappedFile::Access::kRandom).IgnoreError();
  }

  result->keys_ = keys;
  result->key_count_ = header.key_count;
  result->generation_number_ = header.generation_number;
  result->checksum_ = header.keys_checksum;
  result->file_ = std::move(file);
  return result;
}

absl::StatusOr<std::unique_ptr<SortedKeyFile>> SortedKeyFile::FromKeys(
    std::vector<uint64_t> keys, const SortedKeyFileOptions& options) {
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] <= keys[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key set in memory: keys not strictly ascending at index ", i, " (",
          keys[i - 1], " then ", keys[i], ")"));
    }
  }
  std::unique_ptr<SortedKeyFile> result(new SortedKeyFile());
  result->owned_keys_ = std::move(keys);
  result->keys_ = result->owned_keys_.data();
  result->key_count_ = result->owned_keys_.size();
  result->checksum_ = KeysChecksum(result->keys_, result->key_count_);
  if (options.build_index) {
    DNC_ASSIGN_OR_RETURN(result->index_,
                         BuildIndex(result->keys_, result->key_count_,
                                    "a key set in memory", options.index_kind));
  }
  return result;
}

SortedKeyFile::~SortedKeyFile() = default;

absl::Span<const uint64_t> SortedKeyFile::keys() const {
  return absl::Span<const uint64_t>(keys_, key_count_);
}

bool SortedKeyFile::Contains(uint64_t e164) const {
  if (index_ != nullptr) return index_->Contains(e164);
  return std::binary_search(keys_, keys_ + key_count_, e164);
}

void SortedKeyFile::ContainsBatch(absl::Span<const uint64_t> keys,
                                  absl::Span<uint8_t> found) const {
  assert(found.size() == keys.size());
  const size_t n = std::min(keys.size(), found.size());
  if (index_ != nullptr) {
    index_->ContainsBatch(keys.data(), found.data(), n);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    found[i] = std::binary_search(keys_, keys_ + key_count_, keys[i]) ? 1 : 0;
  }
}

uint64_t SortedKeyFile::generation_number() const { return generation_number_; }
uint64_t SortedKeyFile::checksum() const { return checksum_; }
uint64_t SortedKeyFile::file_bytes() const {
  return file_ == nullptr ? 0 : file_->size();
}
uint64_t SortedKeyFile::index_bytes() const {
  return index_ == nullptr ? 0 : index_->bytes();
}
int SortedKeyFile::index_shift() const {
  if (index_ == nullptr || index_->range == nullptr) return -1;
  return static_cast<int>(index_->range->shift);
}
bool SortedKeyFile::has_line_index() const {
  return index_ != nullptr && index_->lines != nullptr;
}

}  // namespace dnc::storage
