// Sorting registry keys in place, faster than std::sort for the tens to
// hundreds of millions of keys of a full registry dump, without a second
// buffer (so peak memory stays at 8 bytes per key).
// Thread-safety: thread-compatible (sorts the caller's memory).
#ifndef DNC_LOADER_KEY_SORT_H_
#define DNC_LOADER_KEY_SORT_H_

#include <cstdint>

#include "absl/types/span.h"

namespace dnc::loader {

// Sorts `keys` ascending, in place: an MSD radix sort (American flag sort)
// on the top 10 bits of (key - min), recursing into buckets of 1024 keys or
// more and finishing smaller ones with std::sort. About 1.8x faster than
// std::sort on 10M random NANP keys (0.45-0.5 s vs 0.85-0.9 s CPU on our
// 2-core VM). No allocation; 16 KiB of bucket counters on the stack per level.
void SortKeys(absl::Span<uint64_t> keys);

}  // namespace dnc::loader

#endif  // DNC_LOADER_KEY_SORT_H_
