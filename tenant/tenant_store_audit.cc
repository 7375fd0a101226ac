// TenantStoreImpl's audit log and job files.
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/write_batch.h"
#include "storage/rocksdb_status.h"
#include "tenant/record_rules.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {

absl::StatusOr<std::string> TenantStoreImpl::AppendAudit(const Tenant& handle,
                                                         AuditRecord record,
                                                         bool sync) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  if (record.time == absl::UnixEpoch()) record.time = absl::Now();
  const uint64_t counter = ++audit_counter_;
  record.audit_id = absl::StrCat(
      absl::FormatTime("%Y%m%dT%H%M%E6SZ", record.time, absl::UTCTimeZone()),
      "-", counter);
  if (record.job_id.empty()) record.job_id = record.audit_id;
  DNC_RETURN_IF_ERROR(CheckJobId(record.job_id, "append audit"));
  rocksdb::WriteBatch batch;
  batch.Put(AuditKey(tenant->name(), record.job_id, record.sequence,
                     record.time, counter),
            EncodeAudit(record));
  DNC_RETURN_IF_ERROR(Write(&batch, sync, "append audit", tenant->name()));
  return record.audit_id;
}

absl::StatusOr<std::vector<AuditRecord>> TenantStoreImpl::JobAudit(
    const Tenant& handle, std::string_view job_id) const {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "read job audit"));
  std::vector<AuditRecord> records;
  const std::string prefix = AuditPrefix(tenant->name(), job_id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!HasPrefix(key, prefix)) break;
    AuditRecord record;
    if (!DecodeAudit(std::string_view(it->value().data(), it->value().size()),
                     &record)) {
      return DataLoss(key);
    }
    records.push_back(std::move(record));
  }
  DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
      it->status(), absl::StrCat("read job audit of tenant ", tenant->name()),
      dir_));
  return records;
}

absl::Status TenantStoreImpl::RecordJobFiles(const Tenant& handle,
                                             std::string_view job_id,
                                             const JobFiles& files) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "record job files"));
  DNC_RETURN_IF_ERROR(CheckJobFiles(files, "record job files"));
  absl::MutexLock write_lock(&tenant->write_mu_);
  {
    const std::string prefix = AuditPrefix(tenant->name(), job_id);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    it->Seek(prefix);
    DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
        it->status(), "record job files in tenant store", dir_));
    if (!it->Valid() ||
        !HasPrefix(std::string_view(it->key().data(), it->key().size()),
                   prefix)) {
      return absl::NotFoundError(absl::StrCat("record job files: tenant ",
                                              tenant->name(), " has no job '",
                                              std::string(job_id), "'"));
    }
  }
  rocksdb::WriteBatch batch;
  batch.Put(JobFilesKey(tenant->name(), job_id), EncodeJobFiles(files));
  return Write(&batch, /*sync=*/true, "record job files", tenant->name());
}

absl::StatusOr<JobFiles> TenantStoreImpl::GetJobFiles(
    const Tenant& handle, std::string_view job_id) const {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "get job files"));
  const std::string key = JobFilesKey(tenant->name(), job_id);
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("get job files: tenant ", tenant->name(),
                     " recorded no files for job '", std::string(job_id), "'"));
  }
  DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
      status, "get job files in tenant store", dir_));
  JobFiles files;
  if (!DecodeJobFiles(value, &files)) return DataLoss(key);
  return files;
}

absl::Status TenantStoreImpl::ExportAudit(
    std::string_view, absl::Time, absl::Time,
    const std::function<absl::Status(const AuditRecord&)>&) const {
  return absl::UnimplementedError("ExportAudit: not yet");
}

absl::StatusOr<uint64_t> TenantStoreImpl::PruneAudit(absl::Time) {
  return absl::UnimplementedError("PruneAudit: not yet");
}

}  // namespace dnc::tenant
