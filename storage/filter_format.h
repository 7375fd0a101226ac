// The on-disk format of a HashFilter file (filter.bin), shared by the builder
// (hash_filter_builder.cc) and the reader (hash_filter.cc). Everything that
// decides where a key's bits live is here, because it is part of the format:
// changing any of it requires a new kFilterFormatVersion.
//
// Layout (native byte order; only little-endian hosts are supported, and the
// endianness tag makes any other reader fail with DataLoss):
//
//   offset  size  field
//        0     8  magic "DNCBLOOM"
//        8     2  format_version (1)
//       10     2  probes_per_key (8: one bit in each word of the block)
//       12     4  endian_tag 0x01020304 as written natively
//       16     8  key_count (keys passed to the builder, duplicates included)
//       24     8  seed (of XXH3_64bits_withSeed over the 8 key bytes)
//       32     8  block_count (>= 1, <= 2^32)
//       40     8  generation_number
//       48     8  blocks_checksum: XXH3-64 (seed 0) of the block array
//       56     4  fp_bound_ppb: stated false-positive bound, parts per
//                 billion, rounded up
//       60     4  header_checksum: low 32 bits of XXH3-64 of bytes [0, 60)
//       64     .  block_count blocks of 64 bytes (8 x uint64_t words)
//
// A mapping starts on a page boundary, so every block is 64-byte aligned in
// memory and a probe touches exactly one cache line.
//
// Per key: h = XXH3_64bits_withSeed(&key, 8, seed). The block is
// ((h >> 32) * block_count) >> 32 (Lemire's fastrange on the high half); in
// word i of that block the bit at ((uint32_t)h * kSalt[i]) >> 26 is set (the
// top 6 bits of eight odd multiplicative hashes of the low half, as in
// Parquet's split-block Bloom filter, widened from 32- to 64-bit words).
//
// Thread-safety: thread-safe (constants and pure functions).
#ifndef DNC_STORAGE_FILTER_FORMAT_H_
#define DNC_STORAGE_FILTER_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

// Inline XXH3 so the 8-byte key hash compiles to a few instructions in the
// probe loop instead of a library call. The results are identical to the
// library's; xxhash.h may be included in both modes in one translation unit.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#define DNC_FILTER_FORMAT_DEFINED_XXH_INLINE_ALL_
#endif
#include <xxhash.h>
#ifdef DNC_FILTER_FORMAT_DEFINED_XXH_INLINE_ALL_
#undef XXH_INLINE_ALL
#undef DNC_FILTER_FORMAT_DEFINED_XXH_INLINE_ALL_
#endif

namespace dnc::storage::filter_format {

inline constexpr char kMagic[8] = {'D', 'N', 'C', 'B', 'L', 'O', 'O', 'M'};
inline constexpr uint16_t kFormatVersion = 1;
inline constexpr uint16_t kProbesPerKey = 8;
inline constexpr uint32_t kEndianTag = 0x01020304u;
inline constexpr size_t kHeaderBytes = 64;
inline constexpr size_t kBlockBytes = 64;
inline constexpr size_t kWordsPerBlock = 8;
inline constexpr uint64_t kBitsPerBlock = kBlockBytes * 8;
// fastrange on 32 bits of the hash: more blocks than this cannot be indexed.
inline constexpr uint64_t kMaxBlockCount = uint64_t{1} << 32;
inline constexpr double kMinBitsPerKey = 2.0;
inline constexpr double kMaxBitsPerKey = 64.0;

// Parquet's split-block Bloom filter salts (odd 32-bit constants).
inline constexpr uint32_t kSalt[kWordsPerBlock] = {
    0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
    0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

struct FilterHeader {
  char magic[8];
  uint16_t format_version;
  uint16_t probes_per_key;
  uint32_t endian_tag;
  uint64_t key_count;
  uint64_t seed;
  uint64_t block_count;
  uint64_t generation_number;
  uint64_t blocks_checksum;
  uint32_t fp_bound_ppb;
  uint32_t header_checksum;
};
static_assert(sizeof(FilterHeader) == kHeaderBytes, "header is 64 bytes");
static_assert(offsetof(FilterHeader, endian_tag) == 12, "layout");
static_assert(offsetof(FilterHeader, key_count) == 16, "layout");
static_assert(offsetof(FilterHeader, blocks_checksum) == 48, "layout");
static_assert(offsetof(FilterHeader, fp_bound_ppb) == 56, "layout");
static_assert(offsetof(FilterHeader, header_checksum) == 60, "layout");

// Checksum over the header bytes before the header_checksum field.
inline uint32_t HeaderChecksum(const FilterHeader& header) {
  return static_cast<uint32_t>(
      XXH3_64bits(&header, offsetof(FilterHeader, header_checksum)));
}

// Checksum of the block array (stored as blocks_checksum).
inline uint64_t BlocksChecksum(const void* blocks, size_t bytes) {
  return XXH3_64bits(blocks, bytes);
}

inline uint64_t KeyHash(uint64_t key, uint64_t seed) {
  return XXH3_64bits_withSeed(&key, sizeof(key), seed);
}

// REQUIRES: 1 <= block_count <= kMaxBlockCount.
inline uint64_t BlockIndex(uint64_t hash, uint64_t block_count) {
  return ((hash >> 32) * block_count) >> 32;
}

// The bit of word `i` that the key with this hash sets or tests.
inline uint32_t BitInWord(uint64_t hash, size_t i) {
  return (static_cast<uint32_t>(hash) * kSalt[i]) >> 26;
}

// The two functions below are defined in hash_filter_builder.cc.

// Blocks for `key_count` keys at `bits_per_key`: ceil(keys * bits / 512),
// at least 1. REQUIRES: bits_per_key in [kMinBitsPerKey, kMaxBitsPerKey].
uint64_t BlockCountFor(uint64_t key_count, double bits_per_key);

// The false-positive probability of a filter with these sizes: block loads
// follow Poisson(key_count / block_count); a block holding L keys has a given
// bit of a word set with probability 1 - (1 - 1/64)^L, and a miss must find
// all 8 of its bits set. Returns 0 for key_count == 0.
double FalsePositiveBound(uint64_t key_count, uint64_t block_count);

}  // namespace dnc::storage::filter_format

#endif  // DNC_STORAGE_FILTER_FORMAT_H_
