// The calling windows of a batch: each number's local calling hours now
// (policy::EvaluateWindow), each distinct window evaluated once per batch.
//
// Thread-safety: thread-compatible (a WindowTable); AssignWindows shares no
// state.
#ifndef DNC_SERVICE_CALLING_WINDOWS_H_
#define DNC_SERVICE_CALLING_WINDOWS_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "policy/policy.h"

namespace dnc::service {

// The calling windows of one batch: one index per number into `windows`,
// whose entry 0 is the unknown window (known = false), used for 0 (a
// MALFORMED entry) and numbers with no zone or no hours rule. Each distinct
// window is evaluated once.
struct WindowTable {
  std::vector<uint32_t> index;
  std::vector<policy::CallingWindow> windows;
  // Internal: WindowKey -> position in `windows`.
  absl::flat_hash_map<policy::WindowKey, uint32_t> positions;

  // Empties the table, keeping capacity.
  void Clear();
};

// Fills `*table` (cleared first) for `e164` (0 = malformed) at `now`.
void AssignWindows(absl::Span<const uint64_t> e164, absl::Time now,
                   WindowTable* table);

}  // namespace dnc::service

#endif  // DNC_SERVICE_CALLING_WINDOWS_H_
