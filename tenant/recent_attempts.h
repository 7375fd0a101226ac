// Internal to the tenant module (not part of its API): one tenant's recent
// call attempts in memory, as the call-frequency caps count them. The store
// keeps every attempt on disk (tenant_store_attempts.cc) and here only those
// young enough to count against a cap (kRecentAttemptsHorizon), so a Check
// costs a hash lookup, not a database read.
//
// Counting rule (policy/frequency_caps.h): an attempt at time t counts for a
// call at `now` under a cap of window W while t > now - W (so it stops
// counting at exactly t + W). An attempt recorded without a subject counts
// for every subject, and a call that names no subject counts every attempt:
// a missing subject never lets a call through that a known one would stop.
//
// Thread-safety: thread-compatible (InMemoryTenant guards it with its mu_).
#ifndef DNC_TENANT_RECENT_ATTEMPTS_H_
#define DNC_TENANT_RECENT_ATTEMPTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "tenant/tenant.h"

namespace dnc::tenant {

// How long an attempt stays in memory: the longest cap window plus a day,
// so that a clock running behind, or a test judging calls at past times,
// still finds every attempt that can count.
absl::Duration RecentAttemptsHorizon();

class RecentAttempts {
 public:
  // Adds one attempt (micros since the epoch; `counter` from its key, so
  // adding the same record twice, as a follower may, keeps one). Drops the
  // number's attempts older than the horizon before `now`, and every
  // number's now and then (amortised over the adds).
  void Add(uint64_t e164, int64_t micros, uint64_t counter,
           std::string_view subject, absl::Time now);
  // Tallies each query for `subject` (empty = every attempt): see
  // Tenant::TallyAttempts.
  void Tally(std::string_view subject, absl::Span<const AttemptQuery> queries,
             absl::Span<AttemptTally> tallies) const;
  // Attempts held.
  uint64_t size() const { return size_; }
  void Clear();

 private:
  struct Attempt {
    int64_t micros;
    uint64_t counter;
    uint32_t subject;  // 0 = none; else subject_ids_'s id.
  };
  // Drops attempts at or before `horizon_micros` from `attempts`.
  void DropOld(std::vector<Attempt>* attempts, int64_t horizon_micros);
  void Sweep(int64_t horizon_micros);

  absl::flat_hash_map<uint64_t, std::vector<Attempt>> by_number_;
  absl::flat_hash_map<std::string, uint32_t> subject_ids_;
  uint64_t size_ = 0;
  uint64_t adds_since_sweep_ = 0;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_RECENT_ATTEMPTS_H_
