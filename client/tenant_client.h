// A small synchronous client for dnc-server's TenantService (dnc.v1, see
// proto/dnc/v1/tenant.proto): the calling tenant's internal do-not-call list
// (opt-outs), EBR and consent records, WhoAmI, the files of a scrub job and
// its certificate (GetReport). Requests and answers are the generated
// messages; the CLI formats them (client/report_format.h).
//
// Every call carries ClientOptions::api_key as metadata `x-api-key`. Errors
// are absl::Status with the gRPC code carried over, worded as in
// client/scrub_client.h (unreachable server, rejected API key); a server run
// with --auth=none answers FailedPrecondition (it keeps no tenants).
//
// Ownership: owns its channel. Thread-safety: thread-safe.
#ifndef DNC_CLIENT_TENANT_CLIENT_H_
#define DNC_CLIENT_TENANT_CLIENT_H_

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/scrub_client.h"
#include "dnc/v1/tenant.pb.h"

namespace dnc::client {

class TenantClient {
 public:
  // Creates a channel to options.server (connecting on first call). Errors:
  // InvalidArgument (empty server), NotFound (ca_cert_file unreadable).
  static absl::StatusOr<std::unique_ptr<TenantClient>> Create(
      const ClientOptions& options);

  ~TenantClient();
  TenantClient(const TenantClient&) = delete;
  TenantClient& operator=(const TenantClient&) = delete;

  // Each returns the server's answer, or the RPC's status. REQUIRES: at
  // most the server's max_batch_entries numbers per request.
  //
  // The internal list, one state per entry in request order: ADDED or
  // ALREADY_LISTED; REJECTED with its detail for a number that is not valid.
  absl::StatusOr<v1::OptOutResponse> AddOptOuts(
      const v1::OptOutRequest& request);
  // REMOVED or NOT_LISTED per entry (REJECTED as above).
  absl::StatusOr<v1::OptOutResponse> RemoveOptOuts(
      const v1::OptOutRequest& request);
  // ALREADY_LISTED or NOT_LISTED per entry (REJECTED as above).
  absl::StatusOr<v1::OptOutResponse> CheckOptOuts(
      const v1::OptOutRequest& request);

  // EBR and consent records. Add: the records stored, `rejected` naming
  // each one not taken.
  absl::StatusOr<v1::ConsentResponse> AddConsents(
      const v1::ConsentRequest& request);
  // Ends every record of the numbers; answers their records as stored after
  // the call (at most max_batch_entries; total_records counts them all).
  absl::StatusOr<v1::ConsentResponse> RevokeConsents(
      const v1::ConsentRequest& request);
  // The numbers' records, revoked ones included (at most as above).
  absl::StatusOr<v1::ConsentResponse> ListConsents(
      const v1::ConsentRequest& request);

  // Call attempts: record (`rejected` names each entry not taken), list.
  absl::StatusOr<v1::AttemptResponse> RecordAttempts(
      const v1::AttemptRequest& request);
  absl::StatusOr<v1::AttemptListResponse> ListAttempts(
      const v1::AttemptListRequest& request);

  // The calling tenant: name, default purpose, entitlements, list sizes.
  absl::StatusOr<v1::TenantInfo> WhoAmI();
  // Errors also: NotFound when the job has no audited batch of this tenant.
  absl::Status RecordJobFiles(const v1::JobFilesRequest& request);
  // Errors also: NotFound for a job this tenant never scrubbed.
  absl::StatusOr<v1::ScrubReport> GetReport(std::string_view job_id);

  const ClientOptions& options() const;

 private:
  struct Impl;
  explicit TenantClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dnc::client

#endif  // DNC_CLIENT_TENANT_CLIENT_H_
