// The checks both request-path harnesses (scrub_request_fuzzer without a
// tenant, tenant_scrub_fuzzer with one) make of every Scrub answer,
// whatever the tenant: which refusals are allowed, and the answer's shape
// (one disposition, number and window per entry; reasons in entry order).
// Each harness adds the invariants of its own registry and tenant.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_FUZZ_SCRUB_ANSWER_CHECKS_H_
#define DNC_FUZZ_SCRUB_ANSWER_CHECKS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "dnc/v1/scrub.pb.h"
#include "fuzz/fuzz_check.h"

namespace dnc::fuzz {

// Whether the call is judged as commercial: its purpose says so, or is
// unset (the default without a tenant default).
inline bool IsCommercial(int purpose) {
  return purpose == v1::PURPOSE_UNSPECIFIED || purpose == v1::COMMERCIAL;
}

inline int EntryCount(const v1::ScrubRequest& request) {
  return request.e164_size() + request.raw_size();
}

// A refused request: only InvalidArgument, and never for a plain request
// (at most `max_batch` entries, no optional field set), which the service
// must always answer.
inline void CheckScrubRefusal(const absl::Status& status,
                              const v1::ScrubRequest& request,
                              uint32_t max_batch) {
  const int n = EntryCount(request);
  const bool plain = n <= static_cast<int>(max_batch) &&
                     request.ids_size() == 0 &&
                     request.string_ids_size() == 0 &&
                     request.job_id().empty() && request.request_id().empty() &&
                     request.purpose() == 0 && request.now_unix_seconds() == 0;
  DNC_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
                 "ScrubInto: %s", status.ToString().c_str());
  DNC_FUZZ_CHECK(!plain, "a plain request of %d entries failed: %s", n,
                 status.ToString().c_str());
}

// An answer's shape: one disposition, e164 and window index per entry, and
// reasons sorted by entry, each naming an entry of the request. Returns the
// number of reasons per entry.
inline std::vector<int> CheckScrubAnswerShape(
    const v1::ScrubRequest& request, const v1::ScrubResponse& response) {
  const int n = EntryCount(request);
  DNC_FUZZ_CHECK(response.dispositions_size() == n &&
                     response.e164_size() == n && response.window_size() == n,
                 "%d entries, %d dispositions, %d e164, %d windows", n,
                 response.dispositions_size(), response.e164_size(),
                 response.window_size());
  std::vector<int> reasons(n, 0);
  uint32_t last_entry = 0;
  for (const v1::Reason& reason : response.reasons()) {
    DNC_FUZZ_CHECK(reason.entry() < static_cast<uint32_t>(n) &&
                       reason.entry() >= last_entry,
                   "reason for entry %u after %u (of %d)", reason.entry(),
                   last_entry, n);
    last_entry = reason.entry();
    ++reasons[reason.entry()];
  }
  return reasons;
}

}  // namespace dnc::fuzz

#endif  // DNC_FUZZ_SCRUB_ANSWER_CHECKS_H_
