#include "storage/range_index.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace dnc::storage {
namespace {

// Range index tuning (see range_index.h for the structure).
// Buckets average at most this many keys...
constexpr uint64_t kMaxMeanBucket = 8;
// ...and the shift is lowered (up to kMaxRefine times, while the directory
// stays within 16 bits per key) while more than 1/kOverflowShare of the keys
// sit in buckets larger than RangeIndex::kWindow (clustered data).
constexpr uint64_t kOverflowShare = 100;
constexpr int kMaxRefine = 4;
// Directory groups: 2^kGroupShift buckets share one 32-bit base position and
// each bucket stores its 16-bit offset from it (unless a group holds more
// than 65,535 keys, when groups shrink).
constexpr uint32_t kGroupShift = 6;

// Keys in buckets larger than RangeIndex::kWindow for this shift.
uint64_t KeysInBigBuckets(const uint64_t* keys, uint64_t n, uint64_t min_key,
                          uint32_t shift) {
  uint64_t big = 0;
  uint64_t run = 0;
  uint64_t bucket = ~uint64_t{0};
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t b = (keys[i] - min_key) >> shift;
    if (b != bucket) {
      if (run > RangeIndex::kWindow) big += run;
      bucket = b;
      run = 0;
    }
    ++run;
  }
  if (run > RangeIndex::kWindow) big += run;
  return big;
}

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

}  // namespace

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
  DNC_RETURN_IF_ERROR(index->low_buffer.Allocate(
      n * index->low_bytes + RangeIndex::kLowPadBytes, what));
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

}  // namespace dnc::storage
