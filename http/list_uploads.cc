#include "http/list_uploads.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "service/field_rules.h"
#include "service/retry_after.h"

namespace dnc::http {
namespace {

// The map's key for `id` (absl::string_view is not std::string_view here).
absl::string_view Key(std::string_view id) {
  return absl::string_view(id.data(), id.size());
}

// "10 minutes", "1 minute", "30 seconds".
std::string IdleText(absl::Duration idle) {
  const int64_t seconds = absl::ToInt64Seconds(idle);
  if (seconds >= 60 && seconds % 60 == 0) {
    const int64_t minutes = seconds / 60;
    return absl::StrCat(minutes, minutes == 1 ? " minute" : " minutes");
  }
  return absl::StrCat(seconds, seconds == 1 ? " second" : " seconds");
}

}  // namespace

std::string NewUploadId() {
  unsigned char bytes[16];
  // OpenSSL's generator fails only when it cannot be seeded: nothing here
  // could recover (docs/conventions.md, "Crashing").
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  return absl::StrCat(
      "up-", absl::BytesToHexString(absl::string_view(
                 reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

ListUploads::ListUploads(ListUploadsOptions options, ListUploadContext context)
    : options_(options), context_(context) {
  sweeper_ = std::thread([this] { Sweep(); });
}

ListUploads::~ListUploads() {
  std::vector<std::shared_ptr<ListUpload>> all;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    stop_.SignalAll();
    for (auto& [id, entry] : uploads_) all.push_back(std::move(entry.upload));
    uploads_.clear();
    for (auto& upload : retired_) all.push_back(std::move(upload));
    retired_.clear();
  }
  sweeper_.join();
  for (auto& upload : all) upload->Cancel();
  all.clear();  // Joins each thread.
}

absl::Status ListUploads::NotFound(std::string_view id) const {
  return absl::NotFoundError(absl::StrCat(
      "no upload '", service::EchoValue(id),
      "': it finished, was cancelled, expired after ",
      IdleText(options_.idle_timeout),
      " idle, or the server restarted; start the upload again (POST "
      "/v1/lists)"));
}

absl::StatusOr<std::string> ListUploads::Start(const tenant::Tenant* tenant,
                                               ListUploadSpec spec) {
  spec.max_bytes = options_.max_upload_bytes;
  ListUploadContext context = context_;
  context.tenant = tenant;
  absl::MutexLock lock(&mu_);
  size_t of_tenant = 0;
  for (const auto& [id, entry] : uploads_) {
    if (entry.tenant == tenant) ++of_tenant;
  }
  if (of_tenant >= options_.max_uploads_per_tenant) {
    return service::RetryAfterError(
        absl::StrCat("this tenant has ", of_tenant,
                     " uploads in progress, the most this server allows "
                     "(--max_uploads_per_tenant): finish or cancel one "
                     "(POST /v1/lists/cancel), or retry in 10 s"),
        10);
  }
  if (uploads_.size() >= options_.max_uploads) {
    return service::RetryAfterError(
        absl::StrCat("the server has ", uploads_.size(),
                     " uploads in progress, the most it allows "
                     "(--max_uploads): retry in 10 s"),
        10);
  }
  std::string id = NewUploadId();
  uploads_[id] =
      Entry{tenant, std::make_shared<ListUpload>(std::move(spec), context)};
  return id;
}

absl::StatusOr<std::shared_ptr<ListUpload>> ListUploads::Find(
    const tenant::Tenant* tenant, std::string_view id) const {
  absl::MutexLock lock(&mu_);
  const auto it = uploads_.find(Key(id));
  if (it == uploads_.end() || it->second.tenant != tenant) return NotFound(id);
  return it->second.upload;
}

void ListUploads::RetireLocked(std::string_view id) {
  const auto it = uploads_.find(Key(id));
  if (it == uploads_.end()) return;
  retired_.push_back(std::move(it->second.upload));
  uploads_.erase(it);
}

void ListUploads::DropIfOver(const tenant::Tenant* tenant,
                             std::string_view id) {
  absl::MutexLock lock(&mu_);
  const auto it = uploads_.find(Key(id));
  if (it == uploads_.end() || it->second.tenant != tenant) return;
  if (it->second.upload->over()) RetireLocked(id);
}

absl::Status ListUploads::Cancel(const tenant::Tenant* tenant,
                                 std::string_view id) {
  absl::MutexLock lock(&mu_);
  const auto it = uploads_.find(Key(id));
  if (it == uploads_.end() || it->second.tenant != tenant) return NotFound(id);
  const bool cancelled = it->second.upload->Cancel();
  const bool over = it->second.upload->over();
  if (cancelled || over) RetireLocked(id);
  if (cancelled) return absl::OkStatus();
  if (over) return NotFound(id);
  return absl::AbortedError(
      "the upload is scrubbed and its files are recorded, so it cannot be "
      "cancelled: fetch the rest of its answer with an empty chunk "
      "(POST /v1/lists/chunk?upload_id=...&offset=N&final=1)");
}

size_t ListUploads::size() const {
  absl::MutexLock lock(&mu_);
  return uploads_.size();
}

void ListUploads::Sweep() {
  const absl::Duration tick =
      std::min(absl::Seconds(1), options_.idle_timeout / 2);
  while (true) {
    std::vector<std::shared_ptr<ListUpload>> finished;
    {
      absl::MutexLock lock(&mu_);
      stop_.WaitWithTimeout(&mu_, tick);
      if (stopping_) return;
      const absl::Time now = absl::Now();
      std::vector<std::string> gone;
      for (const auto& [id, entry] : uploads_) {
        ListUpload& upload = *entry.upload;
        if (upload.over()) {
          gone.push_back(id);
        } else if (now - upload.last_used() > options_.idle_timeout) {
          upload.Cancel();
          DNC_LOG(Info).Event("upload_expired").Field("upload_id", id)
              << "list upload " << id << " cancelled after "
              << IdleText(options_.idle_timeout) << " idle";
          gone.push_back(id);
        }
      }
      for (const std::string& id : gone) RetireLocked(id);
      // Retired uploads whose thread has ended go now (destroying one
      // joins its thread); the others wait for a later sweep.
      for (auto it = retired_.begin(); it != retired_.end();) {
        if ((*it)->finished()) {
          finished.push_back(std::move(*it));
          it = retired_.erase(it);
        } else {
          ++it;
        }
      }
    }
    finished.clear();  // Outside the lock.
  }
}

}  // namespace dnc::http
