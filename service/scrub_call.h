// The proto-free call layer: one Check, or one Scrub request or ScrubStream
// chunk, from its fields to its audited answer. Front ends decode their
// request into a CheckCall / ScrubCall, call ScrubCalls, and encode the
// ScrubAnswer; they decide nothing (service/scrub_service.cc for gRPC, and
// the HTTP front end and the benchmarks next).
//
// The steps, in order:
//   1. validate every field (service/field_rules.h) and resolve the purpose;
//      then the limits (service/call_limits.h), when the options have them:
//      a bulk slot for a Scrub, the tenant's requests/s and numbers/day;
//   2. parse the numbers; take the registry's current SourceSet;
//   3. Scrub (service/scrub_engine.h: findings, the tenant's records, one
//      policy::Decide per number) and the calling windows;
//   4. `encode`: the front end builds its response and may still refuse it
//      (e.g. too large to send);
//   5. the audit record (service/audit.h), for calls with a tenant.
// So nothing is answered unaudited, and nothing refused is audited.
//
// Ownership: borrows the Registry and the TenantStore (nullptr without
// tenants), which must outlive it.
// Thread-safety: thread-safe (calls share only what they borrow); a
// CallScratch is thread-compatible.
#ifndef DNC_SERVICE_SCRUB_CALL_H_
#define DNC_SERVICE_SCRUB_CALL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "policy/policy.h"
#include "service/call_limits.h"
#include "service/calling_windows.h"
#include "service/field_rules.h"
#include "service/registry.h"
#include "service/scrub_engine.h"
#include "service/source_set.h"

namespace dnc::tenant {
class Tenant;
class TenantStore;
}  // namespace dnc::tenant

namespace dnc::service {

class ServerMetrics;

// The purpose a call is judged under: `requested` (a dnc.v1.CallPurpose
// value) unless it is 0 (unspecified), then the tenant's default (commercial
// without a tenant or default). Errors: InvalidArgument for a value that is
// not a known purpose.
absl::StatusOr<policy::Purpose> ResolvePurpose(int requested,
                                               const tenant::Tenant* tenant);

// One Scrub request or ScrubStream chunk: entries are `e164` followed by
// `raw`.
struct ScrubCall {
  const char* method = "Scrub";  // "Scrub" or "ScrubStream" (the audit's).
  absl::Span<const uint64_t> e164;
  absl::Span<const std::string_view> raw;
  size_t id_count = 0;                            // Numeric ids sent.
  absl::Span<const std::string_view> string_ids;  // As sent.
  std::string_view job_id;
  std::string_view request_id;
  uint64_t sequence = 0;
  int purpose = 0;               // dnc.v1.CallPurpose; 0 = the default.
  int64_t now_unix_seconds = 0;  // 0 = the server's clock.
  // The campaign or subject matter the call-frequency caps count per;
  // empty = any (every recorded attempt counts). CheckSubject's rule.
  std::string_view subject;
  // The front end took this call's limits itself: `admitted`, its numbers
  // are admitted already (ScrubCalls::AdmitJob: a DNC.com form answered in
  // several calls); `holds_slot`, it holds a bulk slot (gRPC waits for one
  // in WorkSlots::Submit; a DNC.com form takes one for all its calls).
  bool admitted = false;
  bool holds_slot = false;
};

// One Check: exactly one of the two numbers.
struct CheckCall {
  const char* method = "Check";  // "Check" or "CheckStream" (the audit's).
  bool has_e164 = false;
  uint64_t e164 = 0;
  std::string_view raw;  // When !has_e164.
  std::string_view id;
  std::string_view request_id;
  int purpose = 0;
  int64_t now_unix_seconds = 0;
  std::string_view subject;  // As ScrubCall's.
};

// The answer to one call, in the batch's order.
struct ScrubAnswer {
  ScrubResult result;
  WindowTable windows;
  policy::Purpose purpose = policy::Purpose::kCommercial;
  // Set once the audit record is written (calls with a tenant).
  std::string audit_id;
};

// Buffers one call (or one stream, chunk after chunk) reuses.
struct CallScratch {
  std::vector<ParsedNumber> parsed;
  ScrubScratch scrub;
  ScrubAnswer answer;
};

struct ScrubCallsOptions {
  // Most entries one Scrub request or one ScrubStream chunk may carry.
  uint32_t max_batch_entries = kDefaultMaxBatchEntries;
  // The date freshness is judged against; TodayUtc when empty (tests set it).
  std::function<DayNumber()> today;
  // The time call-frequency caps are counted at; absl::Now when empty
  // (tests set it). A request's now_unix_seconds never moves it: a caller
  // must not be able to step past a cap.
  std::function<absl::Time()> clock;
  // Counts the numbers answered by disposition and times the audit
  // writes (service/server_metrics.h); nullptr = no metrics. Must outlive
  // the ScrubCalls.
  ServerMetrics* metrics = nullptr;
  // The server's limits, shared by every front end (so a tenant's budget is
  // one); nullptr = none. Must outlive the ScrubCalls.
  CallLimits* limits = nullptr;
};

class ScrubCalls {
 public:
  // Builds the response from the answer before it is audited; a non-OK
  // status fails the call unaudited.
  using Encode = absl::FunctionRef<absl::Status(const ScrubAnswer&)>;

  // REQUIRES: registry outlives this; store non-null when tenants call;
  // options.max_batch_entries > 0.
  ScrubCalls(const Registry* registry, tenant::TenantStore* store,
             ScrubCallsOptions options);

  // Answers `call` for `tenant` (nullptr: no tenant, registry-only answers,
  // no audit) into scratch->answer and hands it to `encode`. Errors:
  // InvalidArgument (a field outside its rule in service/field_rules.h: too
  // many entries, ids or string_ids not one per entry, an id too long, a bad
  // job_id, purpose or now_unix_seconds), the engine's storage error,
  // `encode`'s error, Unavailable (the audit record could not be
  // written), or ResourceExhausted with a retry time (a limit of
  // options.limits: no bulk slot free, the tenant's requests per second or
  // numbers per day; nothing is answered, audited or counted then).
  absl::Status Scrub(const ScrubCall& call, const tenant::Tenant* tenant,
                     CallScratch* scratch, Encode encode) const;
  absl::Status Check(const CheckCall& call, const tenant::Tenant* tenant,
                     CallScratch* scratch, Encode encode) const;

  // For a front end that answers one request in several Scrub calls (the
  // DNC.com form): admits all `numbers` for `tenant` at once, as one
  // request, and takes one bulk slot for them into *slot; its calls then set
  // `admitted` and `holds_slot`, and what is not answered is given back with
  // Refund. OK at once without limits. Errors: as Scrub's limits.
  absl::Status AdmitJob(const tenant::Tenant* tenant, uint64_t numbers,
                        WorkSlots::Slot* slot) const;
  void Refund(const tenant::Tenant* tenant, uint64_t numbers) const;

  DayNumber Today() const;
  absl::Time Now() const;
  uint32_t max_batch_entries() const { return options_.max_batch_entries; }
  const Registry& registry() const { return *registry_; }

 private:
  // Steps 2-5 for numbers already parsed into scratch->parsed.
  struct Audited {
    const char* method;
    std::string_view job_id;
    std::string_view request_id;
    uint64_t sequence;
    std::string numbers_sha256;
  };
  absl::Status Answer(absl::Time now, policy::Purpose purpose,
                      std::string_view subject, const tenant::Tenant* tenant,
                      Audited audited, CallScratch* scratch,
                      Encode encode) const;

  const Registry* const registry_;
  tenant::TenantStore* const store_;
  const ScrubCallsOptions options_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_SCRUB_CALL_H_
