// Plain-text pieces of what the client prints: counts with thousands
// separators, left-aligned tables, and the "count by disposition" line a
// scrub summary and a certificate share. Pure functions.
// Thread-safety: thread-safe.
#ifndef DNC_LEADLIST_TEXT_FORMAT_H_
#define DNC_LEADLIST_TEXT_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnc::leadlist {

// 1234567 -> "1,234,567".
std::string FormatCount(uint64_t n);

// Left-aligned columns separated by two spaces, one line per row (each
// ending in "\n"); a row may have fewer cells than others.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// "  BLOCKED                 12  30.0%\n": the disposition's name, `count`
// and its share of `total` (0.0% when total is 0).
std::string FormatDispositionShare(int disposition, uint64_t count,
                                   uint64_t total);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_TEXT_FORMAT_H_
