// ListUploads: the server's list uploads in progress (http/list_upload.h),
// by id and tenant. An id is "up-" and 32 random hex digits (128 bits from
// OpenSSL's RAND_bytes): unguessable, so it is only a handle, never the
// authority; every lookup also needs the upload's own tenant, and another
// tenant's id answers exactly as an unknown one.
//
// Bounds: uploads in progress per tenant and per server (more are refused
// with a retry time), raw bytes per upload (ListUploadSpec::max_bytes, set
// here), and idle time: an upload no request has touched for idle_timeout
// is cancelled and forgotten by a sweeper thread, as are uploads that are
// over. They live in memory only: a restarted server knows none.
//
// Ownership: owns the uploads and the sweeper; borrows what
// ListUploadsContext names, which must outlive it.
// Thread-safety: thread-safe.
#ifndef DNC_HTTP_LIST_UPLOADS_H_
#define DNC_HTTP_LIST_UPLOADS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "http/list_upload.h"

namespace dnc::http {

struct ListUploadsOptions {
  // An upload untouched this long is cancelled (--upload_idle_seconds).
  absl::Duration idle_timeout = absl::Minutes(10);
  // Uploads in progress at once (--max_uploads, --max_uploads_per_tenant).
  uint32_t max_uploads = 16;
  uint32_t max_uploads_per_tenant = 4;
  // Raw bytes one upload may send (--max_upload_bytes).
  uint64_t max_upload_bytes = uint64_t{2} << 30;
  // The chunk size clients are told to send (at most the server's largest
  // request body).
  uint64_t chunk_bytes = 1u << 20;
};

class ListUploads {
 public:
  // `context.tenant` is ignored (each upload has its own). Starts the
  // sweeper.
  ListUploads(ListUploadsOptions options, ListUploadContext context);
  ListUploads(const ListUploads&) = delete;
  ListUploads& operator=(const ListUploads&) = delete;
  // Cancels every upload and joins their threads and the sweeper.
  ~ListUploads();

  // Starts an upload of `spec` (max_bytes set here) for `tenant`; its id.
  // Errors: ResourceExhausted with a retry time (the tenant's or the
  // server's uploads in progress are at their bound).
  absl::StatusOr<std::string> Start(const tenant::Tenant* tenant,
                                    ListUploadSpec spec)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The upload `id` of `tenant`. Errors: NotFound (no such upload, or
  // another tenant's), saying it may have finished, been cancelled, expired
  // or been lost in a restart, and to start again.
  absl::StatusOr<std::shared_ptr<ListUpload>> Find(const tenant::Tenant* tenant,
                                                   std::string_view id) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Forgets `id` of `tenant` if it is over (after its last answer).
  void DropIfOver(const tenant::Tenant* tenant, std::string_view id)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Cancels and forgets `id` of `tenant`. Errors: as Find's; Aborted when
  // it is over already (done: its files are recorded).
  absl::Status Cancel(const tenant::Tenant* tenant, std::string_view id)
      ABSL_LOCKS_EXCLUDED(mu_);

  const ListUploadsOptions& options() const { return options_; }
  // Uploads in progress (tests, metrics).
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    const tenant::Tenant* tenant;
    std::shared_ptr<ListUpload> upload;
  };
  // Moves `id`'s entry to retired_ (its thread is joined by the sweeper).
  void RetireLocked(std::string_view id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Cancels idle uploads, forgets those over, destroys retired ones whose
  // thread has ended; every second until stopped.
  void Sweep() ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status NotFound(std::string_view id) const;

  const ListUploadsOptions options_;
  const ListUploadContext context_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> uploads_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<ListUpload>> retired_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar stop_;
  std::thread sweeper_;  // Last: started once everything else is built.
};

// "up-" + 32 lowercase hex digits from a cryptographic random source.
std::string NewUploadId();

}  // namespace dnc::http

#endif  // DNC_HTTP_LIST_UPLOADS_H_
