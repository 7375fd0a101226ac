#include "storage/line_index.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace dnc::storage {
namespace {

// Keys per line the line index aims for (31 fit; Poisson(20) overflows 31
// in ~0.7% of lines), and the fewest it accepts before a range index is
// smaller: 512 bits per line / 12 keys = 43 bits per key.
constexpr uint64_t kLineTarget = 20;
constexpr uint64_t kLineMinimum = 12;

}  // namespace

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

}  // namespace dnc::storage
