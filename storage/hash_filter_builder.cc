#include "storage/hash_filter_builder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/durable_file.h"
#include "storage/filter_format.h"

namespace dnc::storage {

namespace filter_format {

uint64_t BlockCountFor(uint64_t key_count, double bits_per_key) {
  const long double bits = static_cast<long double>(key_count) *
                           static_cast<long double>(bits_per_key);
  const long double blocks = std::ceil(bits / kBitsPerBlock);
  if (!(blocks >= 1)) return 1;
  // Saturate instead of overflowing; the builder rejects > kMaxBlockCount.
  if (blocks > static_cast<long double>(kMaxBlockCount)) {
    return kMaxBlockCount + 1;
  }
  return static_cast<uint64_t>(blocks);
}

double FalsePositiveBound(uint64_t key_count, uint64_t block_count) {
  if (key_count == 0 || block_count == 0) return 0.0;
  const double lambda =
      static_cast<double>(key_count) / static_cast<double>(block_count);
  // With this many keys per block every bit is set: (63/64)^L < 1e-500 for
  // every load within 40 standard deviations of lambda.
  if (lambda > 1e5) return 1.0;
  const double log_lambda = std::log(lambda);
  // P(a given bit of a word is still clear after one key) = 1 - 1/64.
  const double log_clear = std::log1p(-1.0 / 64.0);
  // Poisson mass beyond 40 standard deviations (+40 for small lambda, whose
  // tail is heavier than normal) is far below double precision of the sum.
  const uint64_t hi =
      static_cast<uint64_t>(lambda + 40.0 * std::sqrt(lambda) + 40.0);
  // log P(L) by the recurrence P(L) = P(L-1) * lambda / L (no lgamma, which
  // writes the global signgam and so is not thread-safe).
  double log_p_load = -lambda;
  double sum = 0;
  for (uint64_t load = 0; load <= hi; ++load) {
    const double l = static_cast<double>(load);
    if (load > 0) log_p_load += log_lambda - std::log(l);
    const double p_bit_set = -std::expm1(l * log_clear);  // 1 - (63/64)^L
    sum += std::exp(log_p_load) *
           std::pow(p_bit_set, static_cast<double>(kProbesPerKey));
  }
  return std::min(sum, 1.0);
}

}  // namespace filter_format

namespace {

namespace ff = filter_format;

// Sets every key's bits. Hashes run kAhead keys in front of the insert, and
// the block they land in is prefetched for writing, so the cache misses of a
// large filter overlap instead of costing a full memory round trip each.
void InsertAll(absl::Span<const uint64_t> keys, uint64_t seed,
               uint64_t block_count, uint64_t* words) {
  constexpr size_t kAhead = 16;  // Power of two (ring index mask).
  uint64_t ring[kAhead];
  const size_t n = keys.size();
  const size_t primed = std::min(n, kAhead);
  for (size_t i = 0; i < primed; ++i) {
    ring[i] = ff::KeyHash(keys[i], seed);
    __builtin_prefetch(
        words + ff::BlockIndex(ring[i], block_count) * ff::kWordsPerBlock, 1);
  }
  for (size_t i = 0; i < n; ++i) {
    const uint64_t h = ring[i & (kAhead - 1)];
    if (i + kAhead < n) {
      const uint64_t next = ff::KeyHash(keys[i + kAhead], seed);
      ring[i & (kAhead - 1)] = next;
      __builtin_prefetch(
          words + ff::BlockIndex(next, block_count) * ff::kWordsPerBlock, 1);
    }
    uint64_t* block =
        words + ff::BlockIndex(h, block_count) * ff::kWordsPerBlock;
#pragma GCC unroll 8
    for (size_t w = 0; w < ff::kWordsPerBlock; ++w) {
      block[w] |= uint64_t{1} << ff::BitInWord(h, w);
    }
  }
}

}  // namespace

absl::StatusOr<HashFilterInfo> WriteHashFilter(absl::Span<const uint64_t> keys,
                                               const HashFilterOptions& options,
                                               const std::string& path) {
  if (!(options.bits_per_key >= ff::kMinBitsPerKey &&
        options.bits_per_key <= ff::kMaxBitsPerKey)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "write filter ", path, ": bits_per_key ", options.bits_per_key,
        " is outside [", ff::kMinBitsPerKey, ", ", ff::kMaxBitsPerKey, "]"));
  }
  const uint64_t key_count = keys.size();
  const uint64_t block_count =
      ff::BlockCountFor(key_count, options.bits_per_key);
  if (block_count > ff::kMaxBlockCount) {
    return absl::InvalidArgumentError(
        absl::StrCat("write filter ", path, ": ", key_count, " keys at ",
                     options.bits_per_key, " bits per key need more than ",
                     ff::kMaxBlockCount, " blocks"));
  }

  std::vector<uint64_t> words(block_count * ff::kWordsPerBlock, 0);
  InsertAll(keys, options.seed, block_count, words.data());

  // Round the bound up to whole parts per billion so the stored value, which
  // is what HashFilter reports, still bounds the model's figure.
  const double bound = ff::FalsePositiveBound(key_count, block_count);
  const double ppb = std::min(std::ceil(bound * 1e9), 1e9);

  ff::FilterHeader header;
  std::memset(&header, 0, sizeof(header));
  std::memcpy(header.magic, ff::kMagic, sizeof(header.magic));
  header.format_version = ff::kFormatVersion;
  header.probes_per_key = ff::kProbesPerKey;
  header.endian_tag = ff::kEndianTag;
  header.key_count = key_count;
  header.seed = options.seed;
  header.block_count = block_count;
  header.generation_number = options.generation_number;
  header.blocks_checksum =
      ff::BlocksChecksum(words.data(), words.size() * sizeof(uint64_t));
  header.fp_bound_ppb = static_cast<uint32_t>(ppb);
  header.header_checksum = ff::HeaderChecksum(header);

  // Write beside `path` and rename over it: a server that still maps an older
  // file at `path` keeps reading that inode instead of faulting on a
  // truncated one, and a failed write leaves nothing at `path`.
  DNC_RETURN_IF_ERROR(WriteFileDurably(
      path, {{&header, sizeof(header)},
             {words.data(), words.size() * sizeof(uint64_t)}}));

  HashFilterInfo info;
  info.key_count = key_count;
  info.file_bytes = ff::kHeaderBytes + block_count * ff::kBlockBytes;
  info.checksum = header.blocks_checksum;
  info.false_positive_bound = header.fp_bound_ppb / 1e9;
  return info;
}

}  // namespace dnc::storage
