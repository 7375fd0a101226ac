// The calling windows of a batch: each number's local calling hours now
// (policy::EvaluateWindow), each distinct window evaluated once per batch,
// with the declared emergencies in force (policy/emergencies.h).
//
// Thread-safety: thread-compatible (a WindowTable); AssignWindows shares no
// state.
#ifndef DNC_SERVICE_CALLING_WINDOWS_H_
#define DNC_SERVICE_CALLING_WINDOWS_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "policy/emergencies.h"
#include "policy/policy.h"

namespace dnc::service {

// The calling windows of one batch: one index per number into `windows`,
// whose entry 0 is the unknown window (known = false), used for 0 (a
// MALFORMED entry) and numbers with no zone or no hours rule. Each distinct
// window (WindowKey, and the declarations that may be in force for the
// number's area code) is evaluated once.
struct WindowTable {
  std::vector<uint32_t> index;
  std::vector<policy::CallingWindow> windows;
  // Internal: (emergency group << 32 | WindowKey) -> position in `windows`;
  // the groups of declarations that may be in force now, and each area
  // code's group (0: none).
  absl::flat_hash_map<uint64_t, uint32_t> positions;
  std::vector<std::vector<const policy::Emergency*>> emergency_groups;
  std::array<uint16_t, 1000> npa_group{};

  // Empties the table, keeping capacity.
  void Clear();
};

// Fills `*table` (cleared first) for `e164` (0 = malformed) at `now`, with
// the declarations of `emergencies` (nullptr = none), which must outlive the
// table's use. Per number: one table lookup and one array read, no
// allocation.
void AssignWindows(absl::Span<const uint64_t> e164, absl::Time now,
                   const policy::EmergencyTable* emergencies,
                   WindowTable* table);
inline void AssignWindows(absl::Span<const uint64_t> e164, absl::Time now,
                          WindowTable* table) {
  AssignWindows(e164, now, nullptr, table);
}

}  // namespace dnc::service

#endif  // DNC_SERVICE_CALLING_WINDOWS_H_
