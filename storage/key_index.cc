#include "storage/key_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "storage/durable_file.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dnc::storage {
namespace {

// On-disk layout (native byte order; little-endian hosts only, enforced by
// the endianness tag):
//
//   offset  size  field
//        0     8  magic "DNCKIDX1"
//        8     2  format_version (2)
//       10     2  block_size (0: sorted array; else 10000)
//       12     4  endian_tag 0x01020304 as written natively
//       16     8  key_count
//       24     8  generation_number
//       32     8  first_block (key / block_size of the directory's first)
//       40     8  block_count (directory entries)
//       48     8  data_words (8-byte words of block data, kPadWords pad
//                 words included; with block_size 0: key_count)
//       56     8  body_checksum: XXH3-64 (seed 0) of every byte after the
//                 header (data, then directory)
//       64    60  reserved (0)
//      124     4  header_checksum: low 32 bits of XXH3-64 of bytes [0, 124)
//      128     .  data_words words of data, then block_count directory
//                 entries
//
// A directory entry: bits 0-39 the block's offset in data words, 40-56 its
// key count n (0: empty), 57-58 its encoding (a BlockKind, which n decides:
// the smallest of the three), the rest 0. A block stores each key as its
// suffix s = key - block * 10000:
// - kArray: the n suffixes, ascending, as two planes: their high bytes
//   (s >> 8), then their low bytes (s & 255), padded to a word. 16 bits a
//   key; the smallest for n <= 88. (Planes, so a lookup compares bytes as
//   it does in buckets.)
// - kBuckets: the suffixes cut into 40 buckets of 256 (s >> 8): 41 16-bit
//   cumulative counts (keys before bucket b, b = 0..40, so the last is n;
//   88 bytes with padding), then the low bytes (s & 255) of the n keys,
//   ascending, padded to a word. 8 bits a key plus 704 a block; the
//   smallest for 89 <= n <= 1168.
// - kBitmap: one bit per number, 10,000 bits (157 words); the smallest
//   above 1,168 keys, 8.5 bits a key at that density and fewer beyond.
// Every lookup is a few loads and compares with no data-dependent loop:
// a bucket holds on average n / 39 <= 30 keys, compared 32 at a time
// (SSE2), and the kPadWords pad words after the last block keep those
// 32-byte reads inside the data.
constexpr char kMagic[8] = {'D', 'N', 'C', 'K', 'I', 'D', 'X', '1'};
constexpr uint16_t kFormatVersion = 2;
constexpr uint32_t kEndianTag = 0x01020304u;
constexpr size_t kHeaderBytes = 128;
// Numbers per block: a NANP exchange (NPA-NXX), the unit in which numbers
// are assigned, so a block's density is an exchange's.
constexpr uint64_t kBlockSize = kKeyIndexBlockSize;
constexpr uint64_t kOffsetMask = (uint64_t{1} << 40) - 1;
constexpr uint64_t kPadWords = 4;  // 32 bytes: one pair of 16-byte reads.

enum class BlockKind : uint32_t { kArray = 0, kBuckets = 1, kBitmap = 2 };

constexpr uint32_t kBucketShift = 8;
constexpr uint32_t kBucketCount = (kBlockSize + 255) >> kBucketShift;  // 40
constexpr uint64_t kBucketHeaderWords = (2 * (kBucketCount + 1) + 7) / 8;
constexpr uint64_t kBitmapWords = (kBlockSize + 63) / 64;

struct IndexHeader {
  char magic[8];
  uint16_t format_version;
  uint16_t block_size;
  uint32_t endian_tag;
  uint64_t key_count;
  uint64_t generation_number;
  uint64_t first_block;
  uint64_t block_count;
  uint64_t data_words;
  uint64_t body_checksum;
  uint8_t reserved[60];
  uint32_t header_checksum;
};
static_assert(sizeof(IndexHeader) == kHeaderBytes, "header is 128 bytes");
static_assert(offsetof(IndexHeader, body_checksum) == 56, "layout");
static_assert(offsetof(IndexHeader, header_checksum) == 124, "layout");

uint32_t HeaderChecksum(const IndexHeader& header) {
  return static_cast<uint32_t>(
      XXH3_64bits(&header, offsetof(IndexHeader, header_checksum)));
}

uint64_t BodyChecksum(const uint64_t* data, uint64_t data_words,
                      const uint64_t* directory, uint64_t block_count) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, data, data_words * 8);
  XXH3_64bits_update(&state, directory, block_count * 8);
  return XXH3_64bits_digest(&state);
}

// One directory entry, unpacked.
struct Entry {
  uint64_t offset;
  uint32_t n;
  BlockKind kind;
};

Entry Unpack(uint64_t e) {
  return Entry{e & kOffsetMask, static_cast<uint32_t>((e >> 40) & 0x1ffff),
               static_cast<BlockKind>((e >> 57) & 3)};
}

uint64_t Pack(uint64_t offset, uint32_t n, BlockKind kind) {
  return offset | (uint64_t{n} << 40) |
         (uint64_t{static_cast<uint32_t>(kind)} << 57);
}

uint64_t ArrayWords(uint32_t n) { return (uint64_t{n} + 3) / 4; }
uint64_t BucketsWords(uint32_t n) {
  return kBucketHeaderWords + (uint64_t{n} + 7) / 8;
}

// The encoding of a block of n >= 1 keys: the smallest.
BlockKind KindFor(uint32_t n) {
  if (BucketsWords(n) >= kBitmapWords) return BlockKind::kBitmap;
  if (ArrayWords(n) <= BucketsWords(n)) return BlockKind::kArray;
  return BlockKind::kBuckets;
}

// Words block `e` takes.
uint64_t BlockWords(const Entry& e) {
  if (e.n == 0) return 0;
  switch (e.kind) {
    case BlockKind::kArray:
      return ArrayWords(e.n);
    case BlockKind::kBuckets:
      return BucketsWords(e.n);
    case BlockKind::kBitmap:
      break;
  }
  return kBitmapWords;
}

const uint8_t* BytesOf(const uint64_t* block) {
  return reinterpret_cast<const uint8_t*>(block);
}
const uint16_t* CountsOf(const uint64_t* block) {
  return reinterpret_cast<const uint16_t*>(block);
}
const uint8_t* LowBytesOf(const uint64_t* block) {
  return BytesOf(block) + kBucketHeaderWords * 8;
}

// `if_true` when `c`, else `if_false`, by masking rather than branching:
// GCC compiles a ternary on the block's encoding into a jump as often as
// not, and a jump on it is mispredicted as often as the encoding changes
// from one random number to the next.
inline uint32_t Select(bool c, uint32_t if_true, uint32_t if_false) {
  const uint32_t mask = 0u - static_cast<uint32_t>(c);
  return (if_true & mask) | (if_false & ~mask);
}
template <typename T>
inline const T* Select(bool c, const T* if_true, const T* if_false) {
  const uintptr_t mask = uintptr_t{0} - static_cast<uintptr_t>(c);
  return reinterpret_cast<const T*>(
      (reinterpret_cast<uintptr_t>(if_true) & mask) |
      (reinterpret_cast<uintptr_t>(if_false) & ~mask));
}

// The counts a block without buckets reads instead (every bucket empty).
constexpr uint16_t kNoCounts[kBucketCount + 1] = {};

// Whether key j < len of a run has high byte `high` and low byte `low`,
// for some j: the run's low bytes are at low_bytes, its high bytes at
// high_bytes unless `any_high` (buckets: the bucket implies them). Reads
// the 32 bytes at each pointer + j for j = 0, 32, ... below max(len, 1):
// the pad keeps them in the data. No branch but the loop's, which a bucket
// (n / 39 <= 30 keys on average) seldom repeats.
inline bool RunHas(const uint8_t* low_bytes, const uint8_t* high_bytes,
                   bool any_high, uint32_t len, uint8_t low, uint8_t high) {
#ifdef __SSE2__
  const __m128i low_v = _mm_set1_epi8(static_cast<char>(low));
  const __m128i high_v = _mm_set1_epi8(static_cast<char>(high));
  const __m128i force = _mm_set1_epi8(any_high ? -1 : 0);
  uint64_t found = 0;
  uint32_t j = 0;
  do {
    const __m128i* lo = reinterpret_cast<const __m128i*>(low_bytes + j);
    const __m128i* hi = reinterpret_cast<const __m128i*>(high_bytes + j);
    const __m128i m0 = _mm_and_si128(
        _mm_cmpeq_epi8(_mm_loadu_si128(lo), low_v),
        _mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128(hi), high_v), force));
    const __m128i m1 = _mm_and_si128(
        _mm_cmpeq_epi8(_mm_loadu_si128(lo + 1), low_v),
        _mm_or_si128(_mm_cmpeq_epi8(_mm_loadu_si128(hi + 1), high_v), force));
    const uint64_t hits =
        static_cast<uint32_t>(_mm_movemask_epi8(m0)) |
        (static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m1)))
         << 16);
    const uint32_t rest = std::min(len - j, 32u);
    found |= hits & ((uint64_t{1} << rest) - 1);
    j += 32;
  } while (j < len);
  return found != 0;
#else
  bool found = false;
  for (uint32_t j = 0; j < len; ++j) {
    found |= low_bytes[j] == low && (any_high || high_bytes[j] == high);
  }
  return found;
#endif
}

// Whether suffix s (< kBlockSize) is in the block at `block` described by
// `e` (an empty entry reads as an empty array at offset 0). One code path
// for every encoding, selecting with conditional moves rather than
// branching on it: which encoding a random number's block has is as
// unpredictable as whether the number is listed, and a mispredicted branch
// costs as much as the lookup.
inline bool BlockContains(const uint64_t* block, const Entry& e, uint32_t s) {
  const bool bitmap = e.kind == BlockKind::kBitmap;
  const bool buckets = e.kind == BlockKind::kBuckets;
  const uint32_t high = s >> kBucketShift;
  const uint16_t* counts = Select(buckets, CountsOf(block), kNoCounts);
  const uint32_t from = counts[high];
  const uint32_t to =
      Select(buckets, uint32_t{counts[high + 1]}, Select(bitmap, 0u, e.n));
  // An array's high bytes are its first n bytes, its low bytes the next n.
  // Every pointer is at a line PrefetchBlock() fetched: a bitmap's points
  // at the word that holds s, a bucket's high bytes at its low ones.
  const uint64_t* word = block + Select(bitmap, s >> 6, 0u);
  const uint8_t* bytes = BytesOf(block);
  const uint8_t* low = Select(
      buckets, LowBytesOf(block) + from,
      Select(bitmap, BytesOf(word), static_cast<const uint8_t*>(bytes + e.n)));
  const uint8_t* high_bytes = Select(buckets || bitmap, low, bytes);
  const bool in_run =
      RunHas(low, high_bytes, buckets, to - from, static_cast<uint8_t>(s),
             static_cast<uint8_t>(high));
  return in_run | (bitmap & (((*word >> (s & 63)) & 1) != 0));
}

// Where in a block of n keys suffix s's key would be if its keys were
// spread evenly: n * s / 10000, without a division.
inline uint64_t EvenRank(uint32_t n, uint32_t s) {
  return (uint64_t{n} * s * 6711) >> 26;  // 6711 / 2^26 ~ 1 / 10000.
}

// Prefetches the lines BlockContains(block, e, s) will read, without a
// branch either (an empty entry prefetches the data's first line). Always
// inlined: GCC 12 takes a function that only prefetches for one without
// effects and drops the calls (measured: ContainsBatch then had no block
// prefetches).
__attribute__((always_inline)) inline void PrefetchBlock(const uint64_t* block,
                                                         const Entry& e,
                                                         uint32_t s) {
  const bool bitmap = e.kind == BlockKind::kBitmap;
  const bool buckets = e.kind == BlockKind::kBuckets;
  const uint8_t* bytes = BytesOf(block);
  const uint8_t* low = LowBytesOf(block) + EvenRank(e.n, s);
  // Array: both planes of up to 88 bytes. Buckets: the bucket's count and
  // where its low bytes are if keys are spread evenly. Bitmap: s's word.
  const uint8_t* first =
      Select(bitmap, BytesOf(block + (s >> 6)),
             Select(buckets,
                    reinterpret_cast<const uint8_t*>(CountsOf(block) +
                                                     (s >> kBucketShift)),
                    bytes));
  const uint8_t* second =
      Select(bitmap, first, Select(buckets, low, bytes + e.n));
  const uint8_t* third =
      Select(bitmap, first, Select(buckets, low + 31, bytes + 2 * e.n));
  __builtin_prefetch(first);
  __builtin_prefetch(second);
  __builtin_prefetch(third);
}

// Appends the keys of a block (base = its first number).
void DecodeBlock(const uint64_t* block, const Entry& e, uint64_t base,
                 std::vector<uint64_t>* out) {
  if (e.n == 0) return;
  switch (e.kind) {
    case BlockKind::kArray: {
      const uint8_t* bytes = BytesOf(block);
      for (uint32_t i = 0; i < e.n; ++i) {
        out->push_back(base + ((uint64_t{bytes[i]} << 8) | bytes[e.n + i]));
      }
      return;
    }
    case BlockKind::kBuckets: {
      const uint16_t* counts = CountsOf(block);
      const uint8_t* low = LowBytesOf(block);
      for (uint32_t b = 0; b < kBucketCount; ++b) {
        for (uint32_t i = counts[b]; i < counts[b + 1]; ++i) {
          out->push_back(base + ((uint64_t{b} << kBucketShift) | low[i]));
        }
      }
      return;
    }
    case BlockKind::kBitmap:
      break;
  }
  for (uint64_t w = 0; w < kBitmapWords; ++w) {
    for (uint64_t x = block[w]; x != 0; x &= x - 1) {
      out->push_back(base + w * 64 + __builtin_ctzll(x));
    }
  }
}

// Encodes block keys `keys` (n >= 1, all in the block starting at `base`)
// as `kind` into `words` (BlockWords() of them, zeroed).
void EncodeBlock(absl::Span<const uint64_t> keys, uint64_t base, BlockKind kind,
                 uint64_t* words) {
  switch (kind) {
    case BlockKind::kArray: {
      uint8_t* bytes = reinterpret_cast<uint8_t*>(words);
      for (size_t i = 0; i < keys.size(); ++i) {
        const uint64_t s = keys[i] - base;
        bytes[i] = static_cast<uint8_t>(s >> 8);
        bytes[keys.size() + i] = static_cast<uint8_t>(s);
      }
      return;
    }
    case BlockKind::kBuckets: {
      uint16_t* counts = reinterpret_cast<uint16_t*>(words);
      uint8_t* low = reinterpret_cast<uint8_t*>(words + kBucketHeaderWords);
      for (size_t i = 0; i < keys.size(); ++i) {
        const uint64_t s = keys[i] - base;
        ++counts[(s >> kBucketShift) + 1];
        low[i] = static_cast<uint8_t>(s);
      }
      for (uint32_t b = 1; b <= kBucketCount; ++b) counts[b] += counts[b - 1];
      return;
    }
    case BlockKind::kBitmap:
      break;
  }
  for (uint64_t key : keys) {
    const uint64_t s = key - base;
    words[s >> 6] |= uint64_t{1} << (s & 63);
  }
}

absl::Status Corrupt(const std::string& path, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("index file ", path, " ", what));
}

// Reads bytes [offset, offset + size) of `fd` (the file at `path`) into `to`.
absl::Status ReadAt(int fd, const std::string& path, uint64_t offset, void* to,
                    uint64_t size) {
  uint8_t* out = static_cast<uint8_t*>(to);
  while (size > 0) {
    const ssize_t got = ::pread(fd, out, std::min<uint64_t>(size, 1 << 26),
                                static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("read index file ", path));
    }
    if (got == 0) {
      return Corrupt(path, absl::StrCat("is truncated: it ended at byte ",
                                        offset, " while being read"));
    }
    out += got;
    offset += static_cast<uint64_t>(got);
    size -= static_cast<uint64_t>(got);
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------- KeyIndex

KeyIndex::~KeyIndex() = default;

uint64_t KeyIndex::encoded_bytes() const {
  return (layout_.data_words + layout_.block_count) * 8;
}

double KeyIndex::bits_per_key() const {
  return layout_.key_count == 0 ? 0.0
                                : 8.0 * static_cast<double>(encoded_bytes()) /
                                      static_cast<double>(layout_.key_count);
}

bool KeyIndex::Contains(uint64_t key) const {
  const KeyIndexLayout& L = layout_;
  if (L.block_size == 0) {
    return std::binary_search(L.data, L.data + L.key_count, key);
  }
  const uint64_t block = key / kBlockSize;
  const uint64_t rel = block - L.first_block;
  if (rel >= L.block_count) return false;
  const Entry e = Unpack(L.directory[rel]);
  if (e.n == 0) return false;
  return BlockContains(L.data + e.offset, e,
                       static_cast<uint32_t>(key - block * kBlockSize));
}

void KeyIndex::ContainsBatch(absl::Span<const uint64_t> keys,
                             absl::Span<uint8_t> found) const {
  assert(found.size() == keys.size());
  const size_t n = std::min(keys.size(), found.size());
  const KeyIndexLayout& L = layout_;
  if (L.block_size == 0) {
    for (size_t i = 0; i < n; ++i) found[i] = Contains(keys[i]) ? 1 : 0;
    return;
  }
  // A three-stage software pipeline: prefetch key i's directory entry; read
  // key i - kStage's entry and prefetch the lines of its block it will read;
  // answer key i - 2 * kStage. About 2 * kStage keys' reads are in flight.
  constexpr size_t kStage = 16;
  constexpr size_t kRing = 64;
  static_assert(kRing > 2 * kStage && (kRing & (kRing - 1)) == 0, "ring");
  struct Slot {
    uint64_t rel;
    uint64_t entry;
    uint32_t suffix;
  };
  Slot ring[kRing];
  auto stage1 = [&](size_t i) {
    Slot& s = ring[i & (kRing - 1)];
    const uint64_t block = keys[i] / kBlockSize;
    s.suffix = static_cast<uint32_t>(keys[i] - block * kBlockSize);
    s.rel = block - L.first_block;
    if (s.rel < L.block_count) __builtin_prefetch(L.directory + s.rel);
  };
  auto stage2 = [&](size_t i) {
    Slot& s = ring[i & (kRing - 1)];
    s.entry = s.rel < L.block_count ? L.directory[s.rel] : 0;
    const Entry e = Unpack(s.entry);
    PrefetchBlock(L.data + e.offset, e, s.suffix);
  };
  auto stage3 = [&](size_t i) {
    const Slot& s = ring[i & (kRing - 1)];
    const Entry e = Unpack(s.entry);
    found[i] = BlockContains(L.data + e.offset, e, s.suffix) ? 1 : 0;
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
  for (size_t i = n + kStage; i < n + 2 * kStage; ++i) stage3(i - 2 * kStage);
}

void KeyIndex::AppendKeys(std::vector<uint64_t>* out) const {
  const KeyIndexLayout& L = layout_;
  out->reserve(out->size() + L.key_count);
  if (L.block_size == 0) {
    out->insert(out->end(), L.data, L.data + L.key_count);
    return;
  }
  for (uint64_t rel = 0; rel < L.block_count; ++rel) {
    AppendBlockKeys(L.first_block + rel, out);
  }
}

void KeyIndex::AppendBlockKeys(uint64_t block,
                               std::vector<uint64_t>* out) const {
  const KeyIndexLayout& L = layout_;
  const uint64_t rel = block - L.first_block;
  if (L.block_size == 0 || rel >= L.block_count) return;
  const Entry e = Unpack(L.directory[rel]);
  DecodeBlock(L.data + e.offset, e, block * kBlockSize, out);
}

uint32_t KeyIndex::BlockKeyCount(uint64_t block) const {
  const KeyIndexLayout& L = layout_;
  const uint64_t rel = block - L.first_block;
  if (L.block_size == 0 || rel >= L.block_count) return 0;
  return Unpack(L.directory[rel]).n;
}

namespace {

// Checks that `layout` is self-consistent (every block where its entry says,
// of the size its entry implies, counts adding up; or a sorted array), so
// lookups never read outside the data. `what` names the index in errors.
absl::Status ValidateLayout(const KeyIndexLayout& L, const std::string& path) {
  if (L.block_size == 0) {
    if (L.data_words != L.key_count || L.block_count != 0) {
      return Corrupt(path, absl::StrCat("holds ", L.data_words, " words for ",
                                        L.key_count, " keys"));
    }
    for (uint64_t i = 1; i < L.key_count; ++i) {
      if (L.data[i] <= L.data[i - 1]) {
        return Corrupt(path, absl::StrCat("has keys out of order at ", i));
      }
    }
    return absl::OkStatus();
  }
  if (L.block_size != kBlockSize) {
    return Corrupt(path, absl::StrCat("has block_size ", L.block_size,
                                      ", expected 0 or ", kBlockSize));
  }
  if (L.block_count != 0 &&
      L.first_block > (~uint64_t{0} / kBlockSize) - (L.block_count - 1)) {
    return Corrupt(path, "has a directory past the largest key");
  }
  uint64_t offset = 0;
  uint64_t keys = 0;
  for (uint64_t rel = 0; rel < L.block_count; ++rel) {
    const uint64_t raw = L.directory[rel];
    const Entry e = Unpack(raw);
    if (e.n == 0) {
      if (raw != 0) {
        return Corrupt(path, absl::StrCat("has a malformed empty entry ", rel));
      }
      continue;
    }
    const bool bad_shape =
        e.n > kBlockSize || (raw >> 59) != 0 || e.kind != KindFor(e.n);
    if (bad_shape || e.offset != offset) {
      return Corrupt(path, absl::StrCat("has a corrupt directory entry ", rel,
                                        " (block ", L.first_block + rel,
                                        ": offset ", e.offset, ", expected ",
                                        offset, "; ", e.n, " keys, encoding ",
                                        static_cast<uint32_t>(e.kind), ")"));
    }
    offset += BlockWords(e);
    if (offset + kPadWords > L.data_words) break;  // Reported below.
    if (e.kind == BlockKind::kBuckets) {
      // Lookups index the low bytes by these counts: they must rise from 0
      // to n.
      const uint16_t* counts = CountsOf(L.data + e.offset);
      bool rising = counts[0] == 0 && counts[kBucketCount] == e.n;
      for (uint32_t b = 0; b < kBucketCount; ++b) {
        rising = rising && counts[b] <= counts[b + 1];
      }
      if (!rising) {
        return Corrupt(path, absl::StrCat("has corrupt bucket counts in block ",
                                          L.first_block + rel));
      }
    }
    keys += e.n;
  }
  // kPadWords pad words follow the last block (reads of 32 bytes).
  if (offset + kPadWords != L.data_words) {
    return Corrupt(path, absl::StrCat("has ", L.data_words,
                                      " data words but its blocks take ",
                                      offset, " (+", kPadWords, " pad)"));
  }
  if (keys != L.key_count) {
    return Corrupt(
        path, absl::StrCat("holds ", keys, " keys, header says ", L.key_count));
  }
  return absl::OkStatus();
}

std::string Hex(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

}  // namespace

absl::StatusOr<std::unique_ptr<KeyIndex>> KeyIndex::Open(
    const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("open index file ", path));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("fstat index file ", path));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < kHeaderBytes) {
    return Corrupt(
        path, absl::StrCat("is truncated: ", size, " bytes, smaller than the ",
                           kHeaderBytes, "-byte header"));
  }
  IndexHeader header;
  DNC_RETURN_IF_ERROR(ReadAt(fd, path, 0, &header, sizeof(header)));
  if (std::memcmp(header.magic, kMagic, sizeof(header.magic)) != 0) {
    return Corrupt(path,
                   absl::StrCat("has bad magic \"",
                                absl::CHexEscape(absl::string_view(
                                    header.magic, sizeof(header.magic))),
                                "\", expected \"DNCKIDX1\": not an index"));
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
                                ", this build reads version ", kFormatVersion,
                                ": rebuild the generation with this dnc-load"));
  }
  const uint32_t header_checksum = HeaderChecksum(header);
  if (header.header_checksum != header_checksum) {
    return Corrupt(path, absl::StrCat("has a corrupt header: header checksum ",
                                      Hex(header.header_checksum),
                                      ", computed ", Hex(header_checksum)));
  }
  const uint64_t body_words = (size - kHeaderBytes) / 8;
  if (header.data_words > body_words ||
      header.block_count > body_words - header.data_words ||
      (size - kHeaderBytes) % 8 != 0) {
    return Corrupt(path,
                   absl::StrCat("is truncated: ", size, " bytes, header says ",
                                header.data_words, " data words and ",
                                header.block_count, " directory entries"));
  }
  const uint64_t expected =
      kHeaderBytes + (header.data_words + header.block_count) * 8;
  if (size != expected) {
    return Corrupt(path, absl::StrCat("has trailing data: ", size,
                                      " bytes, header says ", expected));
  }
  std::unique_ptr<KeyIndex> index(new KeyIndex());
  const uint64_t body_bytes = size - kHeaderBytes;
  DNC_RETURN_IF_ERROR(
      index->words_.Allocate(body_bytes, absl::StrCat("index file ", path)));
  DNC_RETURN_IF_ERROR(
      ReadAt(fd, path, kHeaderBytes, index->words_.data(), body_bytes));
  const uint64_t* data =
      reinterpret_cast<const uint64_t*>(index->words_.data());
  const uint64_t* directory = data + header.data_words;
  const uint64_t body_checksum =
      BodyChecksum(data, header.data_words, directory, header.block_count);
  if (body_checksum != header.body_checksum) {
    return Corrupt(path, absl::StrCat("fails its checksum: the body hashes to ",
                                      Hex(body_checksum), ", header says ",
                                      Hex(header.body_checksum)));
  }
  KeyIndexLayout& L = index->layout_;
  L.block_size = header.block_size;
  L.first_block = header.first_block;
  L.block_count = header.block_count;
  L.directory = directory;
  L.data = data;
  L.data_words = header.data_words;
  L.key_count = header.key_count;
  DNC_RETURN_IF_ERROR(ValidateLayout(L, path));
  index->generation_number_ = header.generation_number;
  index->checksum_ = header.body_checksum;
  index->file_bytes_ = size;
  return index;
}

absl::StatusOr<std::unique_ptr<KeyIndex>> KeyIndex::FromKeys(
    absl::Span<const uint64_t> keys) {
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] <= keys[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key set in memory: keys not strictly ascending at index ", i, " (",
          keys[i - 1], " then ", keys[i], ")"));
    }
  }
  KeyIndexBuilder builder(KeyIndexBuilder::ChooseBlockSize(
      keys.size(), keys.empty() ? 0 : keys.front(),
      keys.empty() ? 0 : keys.back()));
  DNC_RETURN_IF_ERROR(builder.AddKeys(keys));
  return builder.Finish();
}

// ---------------------------------------------------------- KeyIndexBuilder

uint32_t KeyIndexBuilder::ChooseBlockSize(uint64_t key_count, uint64_t min_key,
                                          uint64_t max_key) {
  if (key_count == 0) return kBlockSize;
  // Blocks cost a 64-bit entry each, empty or not. A sorted array is
  // smaller for keys sparse over their range, but a binary search over it
  // is many times slower than a block lookup: it is used only where the
  // directory would take over 256 bits a key (keys of many countries).
  const uint64_t blocks = max_key / kBlockSize - min_key / kBlockSize + 1;
  if (blocks / 4 > key_count + 1024) return 0;
  return kBlockSize;
}

KeyIndexBuilder::KeyIndexBuilder(uint32_t block_size)
    : block_size_(block_size) {}

KeyIndexBuilder::~KeyIndexBuilder() = default;

absl::Status KeyIndexBuilder::AppendEntry(uint64_t block, uint64_t entry) {
  if (!have_block_) {
    have_block_ = true;
    first_block_ = block;
    next_block_ = block;
  }
  if (block < next_block_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "index builder: block ", block, " after block ", next_block_ - 1));
  }
  // Empty blocks between cost a directory entry each: refuse a gap no key
  // set of this size should have (it would take memory without bound).
  const uint64_t gap = block - next_block_;
  if (gap > 64 * (key_count_ + (uint64_t{1} << 20))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "index builder: a gap of ", gap, " empty blocks before block ", block,
        " (keys too spread out for block_size ", block_size_, ")"));
  }
  directory_.resize(directory_.size() + gap, 0);
  directory_.push_back(entry);
  next_block_ = block + 1;
  return absl::OkStatus();
}

absl::Status KeyIndexBuilder::AddBlock(absl::Span<const uint64_t> keys) {
  if (keys.empty()) return absl::OkStatus();
  for (size_t i = 0; i < keys.size(); ++i) {
    if ((have_key_ || i > 0) && keys[i] <= (i == 0 ? last_key_ : keys[i - 1])) {
      return absl::FailedPreconditionError(
          absl::StrCat("index builder: key ", keys[i], " not above ",
                       i == 0 ? last_key_ : keys[i - 1]));
    }
  }
  have_key_ = true;
  last_key_ = keys.back();
  if (block_size_ == 0) {
    data_.insert(data_.end(), keys.begin(), keys.end());
    key_count_ += keys.size();
    return absl::OkStatus();
  }
  const uint64_t block = keys.front() / kBlockSize;
  if (keys.back() / kBlockSize != block) {
    return absl::FailedPreconditionError(
        absl::StrCat("index builder: keys ", keys.front(), " and ", keys.back(),
                     " are in different blocks"));
  }
  const uint32_t n = static_cast<uint32_t>(keys.size());
  const BlockKind kind = KindFor(n);
  const uint64_t offset = data_.size();
  DNC_RETURN_IF_ERROR(AppendEntry(block, Pack(offset, n, kind)));
  key_count_ += n;
  data_.resize(offset + BlockWords(Entry{offset, n, kind}), 0);
  EncodeBlock(keys, block * kBlockSize, kind, data_.data() + offset);
  return absl::OkStatus();
}

absl::Status KeyIndexBuilder::AddKeys(absl::Span<const uint64_t> keys) {
  if (block_size_ == 0) return AddBlock(keys);
  size_t start = 0;
  while (start < keys.size()) {
    const uint64_t block = keys[start] / kBlockSize;
    size_t end = start + 1;
    while (end < keys.size() && keys[end] / kBlockSize == block) ++end;
    DNC_RETURN_IF_ERROR(AddBlock(keys.subspan(start, end - start)));
    start = end;
  }
  return absl::OkStatus();
}

absl::Status KeyIndexBuilder::CopyBlock(const KeyIndex& from, uint64_t block) {
  const KeyIndexLayout& L = from.layout();
  if (L.block_size != block_size_ || block_size_ == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "index builder: cannot copy a block of an index with block_size ",
        L.block_size, " into one with ", block_size_));
  }
  const uint64_t rel = block - L.first_block;
  if (rel >= L.block_count) return absl::OkStatus();
  const Entry e = Unpack(L.directory[rel]);
  if (e.n == 0) return absl::OkStatus();
  const uint64_t first_key = block * kBlockSize;
  if (have_key_ && first_key <= last_key_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "index builder: block ", block, " is not above key ", last_key_));
  }
  const uint64_t offset = data_.size();
  DNC_RETURN_IF_ERROR(AppendEntry(block, Pack(offset, e.n, e.kind)));
  const uint64_t words = BlockWords(e);
  data_.insert(data_.end(), L.data + e.offset, L.data + e.offset + words);
  key_count_ += e.n;
  have_key_ = true;
  last_key_ = first_key + kBlockSize - 1;
  return absl::OkStatus();
}

void KeyIndexBuilder::Seal() {
  if (block_size_ != 0) data_.resize(data_.size() + kPadWords, 0);
}

absl::StatusOr<KeyIndexInfo> KeyIndexBuilder::WriteFile(
    uint64_t generation_number, const std::string& path) {
  Seal();
  IndexHeader header;
  std::memset(&header, 0, sizeof(header));
  std::memcpy(header.magic, kMagic, sizeof(header.magic));
  header.format_version = kFormatVersion;
  header.block_size = static_cast<uint16_t>(block_size_);
  header.endian_tag = kEndianTag;
  header.key_count = key_count_;
  header.generation_number = generation_number;
  header.first_block = first_block_;
  header.block_count = directory_.size();
  header.data_words = data_.size();
  header.body_checksum = BodyChecksum(data_.data(), data_.size(),
                                      directory_.data(), directory_.size());
  header.header_checksum = HeaderChecksum(header);
  DNC_RETURN_IF_ERROR(
      WriteFileDurably(path, {{&header, sizeof(header)},
                              {data_.data(), data_.size() * 8},
                              {directory_.data(), directory_.size() * 8}}));
  KeyIndexInfo info;
  info.key_count = key_count_;
  info.file_bytes = kHeaderBytes + (data_.size() + directory_.size()) * 8;
  info.checksum = header.body_checksum;
  std::vector<uint64_t>().swap(data_);
  std::vector<uint64_t>().swap(directory_);
  return info;
}

absl::StatusOr<std::unique_ptr<KeyIndex>> KeyIndexBuilder::Finish() {
  Seal();
  std::unique_ptr<KeyIndex> index(new KeyIndex());
  const uint64_t data_words = data_.size();
  DNC_RETURN_IF_ERROR(index->words_.Allocate(
      (data_words + directory_.size()) * 8, "index in memory"));
  uint64_t* words = reinterpret_cast<uint64_t*>(index->words_.data());
  std::copy(data_.begin(), data_.end(), words);
  std::copy(directory_.begin(), directory_.end(), words + data_words);
  KeyIndexLayout& L = index->layout_;
  L.block_size = block_size_;
  L.first_block = first_block_;
  L.block_count = directory_.size();
  L.data = words;
  L.directory = L.data + data_words;
  L.data_words = data_words;
  L.key_count = key_count_;
  index->checksum_ =
      BodyChecksum(L.data, L.data_words, L.directory, L.block_count);
  std::vector<uint64_t>().swap(data_);
  std::vector<uint64_t>().swap(directory_);
  return index;
}

absl::StatusOr<KeyIndexInfo> WriteKeyIndex(absl::Span<const uint64_t> keys,
                                           uint64_t generation_number,
                                           const std::string& path) {
  KeyIndexBuilder builder(KeyIndexBuilder::ChooseBlockSize(
      keys.size(), keys.empty() ? 0 : keys.front(),
      keys.empty() ? 0 : keys.back()));
  DNC_RETURN_IF_ERROR(builder.AddKeys(keys));
  return builder.WriteFile(generation_number, path);
}

}  // namespace dnc::storage
