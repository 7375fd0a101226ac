#include "storage/key_index.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstring>
#include <utility>

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
//        0     8  magic "DNCKIDX1"
//        8     2  format_version (1)
//       10     2  block_size (0: sorted array; else 10000)
//       12     4  endian_tag 0x01020304 as written natively
//       16     8  key_count
//       24     8  generation_number
//       32     8  first_block (key / block_size of the directory's first)
//       40     8  block_count (directory entries)
//       48     8  data_words (8-byte words of block data, one pad word
//                 included; with block_size 0: key_count)
//       56     8  body_checksum: XXH3-64 (seed 0) of every byte after the
//                 header (data, then directory)
//       64    60  reserved (0)
//      124     4  header_checksum: low 32 bits of XXH3-64 of bytes [0, 124)
//      128     .  data_words words of data, then block_count directory
//                 entries
//
// A directory entry: bits 0-39 the block's offset in data words, 40-56 its
// key count n (0: empty), 57-60 its Elias-Fano low-bit width l, 61 set for a
// bitmap block. An Elias-Fano block of n keys, U = 10000 numbers and
// m = ceil(U / 2^l) buckets is: the positions of zeros number 64, 128, ... of
// the high bit vector (16 bits each, padded to a word), the high bit vector (n
// + m bits: key i sets bit (suffix_i >> l) + i), and the low l bits of each key
// packed. A bitmap block is U bits.
constexpr char kMagic[8] = {'D', 'N', 'C', 'K', 'I', 'D', 'X', '1'};
constexpr uint16_t kFormatVersion = 1;
constexpr uint32_t kEndianTag = 0x01020304u;
constexpr size_t kHeaderBytes = 128;
// Numbers per block: a NANP exchange (NPA-NXX), whose registered numbers
// are spread fairly evenly over its 10,000 lines, as Elias-Fano wants.
constexpr uint64_t kBlockSize = kKeyIndexBlockSize;
constexpr uint64_t kOffsetMask = (uint64_t{1} << 40) - 1;

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
  uint32_t l;
  bool bitmap;
};

Entry Unpack(uint64_t e) {
  return Entry{e & kOffsetMask, static_cast<uint32_t>((e >> 40) & 0x1ffff),
               static_cast<uint32_t>((e >> 57) & 0xf), ((e >> 61) & 1) != 0};
}

uint64_t Pack(uint64_t offset, uint32_t n, uint32_t l, bool bitmap) {
  return offset | (uint64_t{n} << 40) | (uint64_t{l} << 57) |
         (uint64_t{bitmap} << 61);
}

// The Elias-Fano low-bit width for n keys in a block: floor(log2(U/n)).
uint32_t EfLowBits(uint32_t n) {
  const uint64_t ratio = kBlockSize / n;
  return ratio <= 1 ? 0 : 63 - __builtin_clzll(ratio);
}

// Where the parts of an Elias-Fano block lie, in words from its start.
struct EfShape {
  uint64_t buckets;       // m
  uint64_t samples;       // 16-bit samples: zeros 64, 128, ... < m.
  uint64_t sample_words;  // Words the samples take.
  uint64_t high_words;
  uint64_t low_words;
  uint64_t words() const { return sample_words + high_words + low_words; }
};

EfShape ShapeOf(uint32_t n, uint32_t l) {
  EfShape s;
  s.buckets = (kBlockSize + (uint64_t{1} << l) - 1) >> l;
  s.samples = (s.buckets - 1) / 64;
  s.sample_words = (s.samples + 3) / 4;
  s.high_words = (n + s.buckets + 63) / 64;
  s.low_words = (uint64_t{n} * l + 63) / 64;
  return s;
}

constexpr uint64_t kBitmapWords = (kBlockSize + 63) / 64;

// Words block `e` takes.
uint64_t BlockWords(const Entry& e) {
  if (e.n == 0) return 0;
  return e.bitmap ? kBitmapWords : ShapeOf(e.n, e.l).words();
}

// kSelectInByte[b | r << 8]: the position of the r-th set bit of byte b.
struct SelectInByteTable {
  uint8_t at[256 * 8];
  constexpr SelectInByteTable() : at() {
    for (int b = 0; b < 256; ++b) {
      int r = 0;
      for (int bit = 0; bit < 8; ++bit) {
        if ((b >> bit) & 1) at[b | (r++ << 8)] = static_cast<uint8_t>(bit);
      }
    }
  }
};
constexpr SelectInByteTable kSelectInByte;

// The r-th (0-based) set bit of x, without branches (broadword: per-byte
// counts summed by one multiply pick the byte, a table the bit), so that
// lookups at random positions do not pay for mispredicted loops.
// REQUIRES: r < popcount(x).
inline uint32_t SelectInWord(uint64_t x, uint32_t r) {
  constexpr uint64_t kOnesStep4 = 0x1111111111111111ULL;
  constexpr uint64_t kOnesStep8 = 0x0101010101010101ULL;
  constexpr uint64_t kMsbsStep8 = 0x80ULL * kOnesStep8;
  uint64_t s = x - ((x & 0xA * kOnesStep4) >> 1);
  s = (s & 0x3 * kOnesStep4) + ((s >> 2) & 0x3 * kOnesStep4);
  s = (s + (s >> 4)) & 0xF * kOnesStep8;
  const uint64_t byte_sums = s * kOnesStep8;  // Inclusive prefix per byte.
  const uint64_t r_step8 = uint64_t{r} * kOnesStep8;
  const uint64_t geq = ((r_step8 | kMsbsStep8) - byte_sums) & kMsbsStep8;
  const uint32_t place = static_cast<uint32_t>(__builtin_popcountll(geq)) * 8;
  const uint32_t byte_rank =
      static_cast<uint32_t>(r - (((byte_sums << 8) >> place) & 0xFF));
  return place + kSelectInByte.at[((x >> place) & 0xFF) | (byte_rank << 8)];
}

constexpr uint64_t kNone = ~uint64_t{0};

// The position of the skip-th (0-based) zero at or after bit p of `high`
// (`words` words), or kNone.
inline uint64_t SelectZero(const uint64_t* high, uint64_t words, uint64_t p,
                           uint32_t skip) {
  uint64_t w = p >> 6;
  if (w >= words) return kNone;
  uint64_t x = ~high[w] & (~uint64_t{0} << (p & 63));
  while (true) {
    const uint32_t c = static_cast<uint32_t>(__builtin_popcountll(x));
    if (skip < c) return w * 64 + SelectInWord(x, skip);
    skip -= c;
    if (++w == words) return kNone;
    x = ~high[w];
  }
}

// Low bits of key `rank` (l bits at bit rank * l of `low`; the data is
// padded so the 8-byte read stays inside it).
inline uint32_t ReadLow(const uint8_t* low, uint64_t rank, uint32_t l) {
  const uint64_t bit = rank * l;
  uint64_t v;
  std::memcpy(&v, low + (bit >> 3), sizeof(v));
  return static_cast<uint32_t>((v >> (bit & 7)) & ((uint64_t{1} << l) - 1));
}

// Whether suffix s (< kBlockSize) is in the block at `block` described by
// `e`.
inline bool BlockContains(const uint64_t* block, const Entry& e, uint32_t s) {
  if (e.bitmap) return ((block[s >> 6] >> (s & 63)) & 1) != 0;
  const uint32_t l = e.l;
  const EfShape shape = ShapeOf(e.n, l);
  const uint16_t* samples = reinterpret_cast<const uint16_t*>(block);
  const uint64_t* high = block + shape.sample_words;
  const uint8_t* low =
      reinterpret_cast<const uint8_t*>(high + shape.high_words);
  const uint32_t h = s >> l;
  // Keys of bucket h are the ones after zero h - 1 and before zero h.
  uint64_t start = 0;
  if (h != 0) {
    const uint32_t z = h - 1;
    const uint32_t q = z >> 6;
    const uint64_t from = q == 0 ? 0 : samples[q - 1];
    const uint64_t zero = SelectZero(high, shape.high_words, from, z & 63);
    if (zero == kNone) return false;
    start = zero + 1;
  }
  const uint32_t target = s & ((uint32_t{1} << l) - 1);
  uint64_t rank = start - h;
  for (uint64_t p = start; (p >> 6) < shape.high_words && rank < e.n;
       ++p, ++rank) {
    if (((high[p >> 6] >> (p & 63)) & 1) == 0) return false;  // Bucket end.
    const uint32_t v = ReadLow(low, rank, l);
    if (v >= target) return v == target;
  }
  return false;
}

// Appends the keys of a block (base = its first number).
void DecodeBlock(const uint64_t* block, const Entry& e, uint64_t base,
                 std::vector<uint64_t>* out) {
  if (e.n == 0) return;
  if (e.bitmap) {
    for (uint64_t w = 0; w < kBitmapWords; ++w) {
      for (uint64_t x = block[w]; x != 0; x &= x - 1) {
        out->push_back(base + w * 64 + __builtin_ctzll(x));
      }
    }
    return;
  }
  const EfShape shape = ShapeOf(e.n, e.l);
  const uint64_t* high = block + shape.sample_words;
  const uint8_t* low =
      reinterpret_cast<const uint8_t*>(high + shape.high_words);
  uint64_t i = 0;
  for (uint64_t w = 0; w < shape.high_words && i < e.n; ++w) {
    for (uint64_t x = high[w]; x != 0 && i < e.n; x &= x - 1, ++i) {
      const uint64_t h = w * 64 + __builtin_ctzll(x) - i;
      out->push_back(base + ((h << e.l) | ReadLow(low, i, e.l)));
    }
  }
}

absl::Status Corrupt(const std::string& path, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("index file ", path, " ", what));
}

}  // namespace

// ---------------------------------------------------------------- KeyIndex

KeyIndex::~KeyIndex() = default;

uint64_t KeyIndex::file_bytes() const {
  return file_ == nullptr ? 0 : file_->size();
}

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
    if (e.n == 0) return;
    const uint64_t* block = L.data + e.offset;
    const uint32_t suffix = s.suffix;
    if (e.bitmap) {
      __builtin_prefetch(block + (suffix >> 6));
      return;
    }
    const EfShape shape = ShapeOf(e.n, e.l);
    const uint64_t h = suffix >> e.l;
    // Where the bucket's bits lie if keys are spread evenly over the block
    // (n / m is between 1/2 and 1; no division on this path).
    const uint64_t rank = (h * 3) >> 2;
    __builtin_prefetch(block + shape.sample_words + ((h + rank) >> 6));
    __builtin_prefetch(block + shape.sample_words + shape.high_words +
                       ((rank * e.l) >> 6));
  };
  auto stage3 = [&](size_t i) {
    const Slot& s = ring[i & (kRing - 1)];
    const Entry e = Unpack(s.entry);
    found[i] =
        e.n != 0 && BlockContains(L.data + e.offset, e, s.suffix) ? 1 : 0;
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
  const uint64_t universe = kBlockSize;
  for (uint64_t rel = 0; rel < L.block_count; ++rel) {
    const Entry e = Unpack(L.directory[rel]);
    if (e.n == 0) {
      if (L.directory[rel] != 0) {
        return Corrupt(path, absl::StrCat("has a malformed empty entry ", rel));
      }
      continue;
    }
    const bool bad_shape = e.n > universe || (L.directory[rel] >> 62) != 0 ||
                           (e.bitmap ? e.l != 0 : e.l != EfLowBits(e.n));
    if (bad_shape || e.offset != offset) {
      return Corrupt(
          path, absl::StrCat("has a corrupt directory entry ", rel, " (block ",
                             L.first_block + rel, ": offset ", e.offset,
                             ", expected ", offset, "; ", e.n,
                             " keys, low bits ", e.l, ")"));
    }
    offset += BlockWords(e);
    keys += e.n;
  }
  // One pad word follows the last block (8-byte reads of low bits).
  if (offset + 1 != L.data_words) {
    return Corrupt(path, absl::StrCat("has ", L.data_words,
                                      " data words but its blocks take ",
                                      offset, " (+1 pad)"));
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
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file,
                       MappedFile::Open(path));
  const uint64_t size = file->size();
  if (size < kHeaderBytes) {
    return Corrupt(
        path, absl::StrCat("is truncated: ", size, " bytes, smaller than the ",
                           kHeaderBytes, "-byte header"));
  }
  IndexHeader header;
  std::memcpy(&header, file->data(), sizeof(header));
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
  file->Advise(MappedFile::Access::kHugePage).IgnoreError();
  file->Advise(MappedFile::Access::kWillNeed).IgnoreError();
  const uint64_t* data =
      reinterpret_cast<const uint64_t*>(file->data() + kHeaderBytes);
  const uint64_t* directory = data + header.data_words;
  const uint64_t body_checksum =
      BodyChecksum(data, header.data_words, directory, header.block_count);
  if (body_checksum != header.body_checksum) {
    return Corrupt(path, absl::StrCat("fails its checksum: the body hashes to ",
                                      Hex(body_checksum), ", header says ",
                                      Hex(header.body_checksum)));
  }
  std::unique_ptr<KeyIndex> index(new KeyIndex());
  KeyIndexLayout& L = index->layout_;
  L.block_size = header.block_size;
  L.first_block = header.first_block;
  L.block_count = header.block_count;
  L.directory = directory;
  L.data = data;
  L.data_words = header.data_words;
  L.key_count = header.key_count;
  DNC_RETURN_IF_ERROR(ValidateLayout(L, path));
  file->Advise(MappedFile::Access::kRandom).IgnoreError();
  index->generation_number_ = header.generation_number;
  index->checksum_ = header.body_checksum;
  index->file_ = std::move(file);
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
  const uint64_t base = block * kBlockSize;
  const uint32_t l = EfLowBits(n);
  const EfShape shape = ShapeOf(n, l);
  const bool bitmap = kBitmapWords <= shape.words();
  const uint64_t offset = data_.size();
  DNC_RETURN_IF_ERROR(
      AppendEntry(block, Pack(offset, n, bitmap ? 0 : l, bitmap)));
  key_count_ += n;
  if (bitmap) {
    data_.resize(offset + kBitmapWords, 0);
    uint64_t* words = data_.data() + offset;
    for (uint64_t key : keys) {
      const uint64_t s = key - base;
      words[s >> 6] |= uint64_t{1} << (s & 63);
    }
    return absl::OkStatus();
  }
  data_.resize(offset + shape.words(), 0);
  uint64_t* block_words = data_.data() + offset;
  uint16_t* samples = reinterpret_cast<uint16_t*>(block_words);
  uint64_t* high = block_words + shape.sample_words;
  uint64_t* low = high + shape.high_words;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t s = keys[i] - base;
    const uint64_t p = (s >> l) + i;
    high[p >> 6] |= uint64_t{1} << (p & 63);
    if (l != 0) {
      const uint64_t v = s & ((uint64_t{1} << l) - 1);
      const uint64_t bit = uint64_t{i} * l;
      low[bit >> 6] |= v << (bit & 63);
      if ((bit & 63) + l > 64) low[(bit >> 6) + 1] |= v >> (64 - (bit & 63));
    }
  }
  // Zero number j of the high bits is at j + (keys with high part <= j).
  uint32_t i = 0;
  for (uint64_t j = 64; j < shape.buckets && (j / 64) <= shape.samples;
       j += 64) {
    while (i < n && ((keys[i] - base) >> l) <= j) ++i;
    samples[j / 64 - 1] = static_cast<uint16_t>(j + i);
  }
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
  DNC_RETURN_IF_ERROR(AppendEntry(block, Pack(offset, e.n, e.l, e.bitmap)));
  const uint64_t words = BlockWords(e);
  data_.insert(data_.end(), L.data + e.offset, L.data + e.offset + words);
  key_count_ += e.n;
  have_key_ = true;
  last_key_ = first_key + kBlockSize - 1;
  return absl::OkStatus();
}

void KeyIndexBuilder::Seal() {
  if (block_size_ != 0) data_.push_back(0);  // The pad word.
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
  index->owned_ = std::move(data_);
  const uint64_t data_words = index->owned_.size();
  index->owned_.insert(index->owned_.end(), directory_.begin(),
                       directory_.end());
  KeyIndexLayout& L = index->layout_;
  L.block_size = block_size_;
  L.first_block = first_block_;
  L.block_count = directory_.size();
  L.data = index->owned_.data();
  L.directory = L.data + data_words;
  L.data_words = data_words;
  L.key_count = key_count_;
  index->checksum_ =
      BodyChecksum(L.data, L.data_words, L.directory, L.block_count);
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
