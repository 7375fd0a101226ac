#include "loader/key_sort.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace dnc::loader {
namespace {

constexpr int kRadixBits = 10;
constexpr size_t kBuckets = size_t{1} << kRadixBits;
// Below this, std::sort alone is as fast.
constexpr size_t kMinRadixSize = size_t{1} << 10;

int BitWidth(uint64_t value) {
  return value == 0 ? 0 : 64 - __builtin_clzll(value);
}

}  // namespace

void SortKeys(absl::Span<uint64_t> keys) {
  if (keys.size() < kMinRadixSize) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  const auto [min_it, max_it] = std::minmax_element(keys.begin(), keys.end());
  const uint64_t min = *min_it;
  const uint64_t range = *max_it - min;
  const int width = BitWidth(range);
  if (width == 0) return;  // All equal.
  const int shift = width > kRadixBits ? width - kRadixBits : 0;
  auto bucket_of = [min, shift](uint64_t key) {
    return static_cast<size_t>((key - min) >> shift);
  };

  // Count, then permute in place (American flag sort): each swap puts one key
  // into its bucket for good.
  std::array<size_t, kBuckets + 1> begin{};
  for (const uint64_t key : keys) ++begin[bucket_of(key) + 1];
  for (size_t b = 1; b <= kBuckets; ++b) begin[b] += begin[b - 1];
  std::array<size_t, kBuckets> next;
  std::copy(begin.begin(), begin.end() - 1, next.begin());
  uint64_t* const data = keys.data();
  for (size_t b = 0; b < kBuckets; ++b) {
    const size_t end = begin[b + 1];
    while (next[b] < end) {
      uint64_t key = data[next[b]];
      size_t target = bucket_of(key);
      while (target != b) {
        std::swap(key, data[next[target]++]);
        target = bucket_of(key);
      }
      data[next[b]++] = key;
    }
  }
  // Buckets are small unless the keys cluster (e.g. +1 and +44 numbers in
  // one source); large ones get another radix pass over their own range.
  for (size_t b = 0; b < kBuckets; ++b) {
    SortKeys(absl::MakeSpan(data + begin[b], begin[b + 1] - begin[b]));
  }
}

}  // namespace dnc::loader
