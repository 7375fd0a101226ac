// TenantStoreImpl's audit log and job files, and their retention (export
// and prune through the per-tenant time index).
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "tenant/record_rules.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {
namespace {

// Audit ids are "<time>-<counter>", the time in this format (UTC), e.g.
// "20261202T060821.123456Z-7".
constexpr char kAuditIdTime[] = "%Y%m%dT%H%M%E6SZ";

// `count` decimal digits at text[at], or -1.
int64_t Digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return -1;
  int64_t value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// The time an audit id made by AppendAudit starts with; empty for any other
// text (also one whose time would not format back to the same text).
std::optional<absl::Time> TimeOfAuditId(std::string_view audit_id) {
  // YYYYmmddTHHMMSS.ffffffZ-
  constexpr size_t kTimeChars = 23;
  if (audit_id.size() <= kTimeChars || audit_id[kTimeChars] != '-') {
    return std::nullopt;
  }
  const int64_t year = Digits(audit_id, 0, 4), month = Digits(audit_id, 4, 2),
                day = Digits(audit_id, 6, 2), hour = Digits(audit_id, 9, 2),
                minute = Digits(audit_id, 11, 2),
                second = Digits(audit_id, 13, 2),
                micros = Digits(audit_id, 16, 6);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 ||
      second < 0 || micros < 0) {
    return std::nullopt;
  }
  const absl::Time time =
      absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                      absl::UTCTimeZone()) +
      absl::Microseconds(micros);
  if (absl::FormatTime(kAuditIdTime, time, absl::UTCTimeZone()) !=
      audit_id.substr(0, kTimeChars)) {
    return std::nullopt;
  }
  return time;
}

// True if `time` is in years 1000-9999, where kAuditIdTime writes exactly
// the 23 characters TimeOfAuditId reads back (cheaper than formatting the
// id again on every call).
bool InFixedWidthYears(absl::Time time) {
  static const absl::Time kFirst = absl::FromCivil(
      absl::CivilSecond(1000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kEnd = absl::FromCivil(
      absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  return time >= kFirst && time < kEnd;
}

}  // namespace

absl::StatusOr<std::string> TenantStoreImpl::AppendAudit(const Tenant& handle,
                                                         AuditRecord record,
                                                         bool sync) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  if (record.time == absl::UnixEpoch()) record.time = absl::Now();
  const uint64_t counter = ++audit_counter_;
  record.audit_id = absl::StrCat(
      absl::FormatTime(kAuditIdTime, record.time, absl::UTCTimeZone()), "-",
      counter);
  const bool own_job = record.job_id.empty();
  if (own_job) record.job_id = record.audit_id;
  DNC_RETURN_IF_ERROR(CheckJobId(record.job_id, "append audit"));
  absl::ReaderMutexLock audit_lock(&tenant->audit_mu_);
  DNC_RETURN_IF_ERROR(CheckNotDeleted(*tenant, "append audit"));
  KvBatch batch;
  const std::string index_key = AuditIndexKey(
      tenant->name(), record.job_id, record.sequence, record.time, counter);
  if (own_job && InFixedWidthYears(record.time)) {
    // A record that is its own job (a call without a job id: a dialer's
    // Check) is stored once, as the value of its index entry: one key per
    // call on the hot path. JobAudit finds it at the time its id names.
    batch.Insert(index_key, EncodeAudit(record));
  } else {
    batch.Insert(AuditKey(tenant->name(), record.job_id, record.sequence,
                          record.time, counter),
                 EncodeAudit(record));
    batch.Insert(index_key, "");
  }
  DNC_RETURN_IF_ERROR(Write(batch, sync, "append audit", tenant->name()));
  return record.audit_id;
}

absl::StatusOr<std::vector<AuditRecord>> TenantStoreImpl::JobAudit(
    const Tenant& handle, std::string_view job_id) const {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "read job audit"));
  std::vector<AuditRecord> records;
  const std::string prefix = AuditPrefix(tenant->name(), job_id);
  std::unique_ptr<KvIterator> it = kv_->NewIterator();
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (!HasPrefix(key, prefix)) break;
    AuditRecord record;
    if (!DecodeAudit(it->value(), &record)) {
      return DataLoss(key);
    }
    records.push_back(std::move(record));
  }
  DNC_RETURN_IF_ERROR(it->status());
  const size_t in_job_range = records.size();
  DNC_RETURN_IF_ERROR(ReadInlineJob(tenant->name(), job_id, &records));
  if (records.size() > in_job_range) {
    std::stable_sort(records.begin(), records.end(),
                     [](const AuditRecord& a, const AuditRecord& b) {
                       return a.sequence != b.sequence ? a.sequence < b.sequence
                                                       : a.time < b.time;
                     });
  }
  return records;
}

absl::Status TenantStoreImpl::ReadInlineJob(
    std::string_view name, std::string_view job_id,
    std::vector<AuditRecord>* records) const {
  const std::optional<absl::Time> time = TimeOfAuditId(job_id);
  if (!time.has_value()) return absl::OkStatus();
  const std::string tenant_prefix = TenantPrefix(name);
  const std::string at_time = AuditIndexSeek(name, *time);
  std::unique_ptr<KvIterator> it = kv_->NewIterator();
  AuditKeyParts parts;
  for (it->Seek(at_time); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (!HasPrefix(key, at_time)) break;
    if (!ParseAuditIndexKey(key, tenant_prefix, &parts)) return DataLoss(key);
    if (parts.job_id != job_id || it->value().empty()) continue;
    AuditRecord record;
    if (!DecodeAudit(it->value(), &record)) {
      return DataLoss(key);
    }
    records->push_back(std::move(record));
  }
  return it->status();
}

absl::StatusOr<bool> TenantStoreImpl::JobHasRecords(
    std::string_view name, std::string_view job_id) const {
  const std::string prefix = AuditPrefix(name, job_id);
  std::unique_ptr<KvIterator> it = kv_->NewIterator();
  it->Seek(prefix);
  DNC_RETURN_IF_ERROR(it->status());
  if (it->Valid() && HasPrefix(it->key(), prefix)) {
    return true;
  }
  std::vector<AuditRecord> inline_records;
  DNC_RETURN_IF_ERROR(ReadInlineJob(name, job_id, &inline_records));
  return !inline_records.empty();
}

absl::Status TenantStoreImpl::RecordJobFiles(const Tenant& handle,
                                             std::string_view job_id,
                                             const JobFiles& files) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "record job files"));
  DNC_RETURN_IF_ERROR(CheckJobFiles(files, "record job files"));
  absl::MutexLock write_lock(&tenant->write_mu_);
  DNC_RETURN_IF_ERROR(CheckNotDeleted(*tenant, "record job files"));
  DNC_ASSIGN_OR_RETURN(const bool has_records,
                       JobHasRecords(tenant->name(), job_id));
  if (!has_records) {
    return absl::NotFoundError(absl::StrCat("record job files: tenant ",
                                            tenant->name(), " has no job '",
                                            std::string(job_id), "'"));
  }
  KvBatch batch;
  batch.Put(JobFilesKey(tenant->name(), job_id), EncodeJobFiles(files));
  return Write(batch, /*sync=*/true, "record job files", tenant->name());
}

absl::StatusOr<JobFiles> TenantStoreImpl::GetJobFiles(
    const Tenant& handle, std::string_view job_id) const {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "get job files"));
  const std::string key = JobFilesKey(tenant->name(), job_id);
  DNC_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(key));
  if (!value.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("get job files: tenant ", tenant->name(),
                     " recorded no files for job '", std::string(job_id), "'"));
  }
  JobFiles files;
  if (!DecodeJobFiles(*value, &files)) return DataLoss(key);
  return files;
}

absl::StatusOr<std::vector<JobSummary>> TenantStoreImpl::ListJobs(
    const Tenant& handle, size_t limit) const {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  if (limit == 0 || limit > kMaxListJobs) {
    return absl::InvalidArgumentError(
        absl::StrCat("list jobs: limit ", limit, " is not 1-", kMaxListJobs));
  }
  const std::string& name = tenant->name();
  const std::string operation = absl::StrCat("list jobs of tenant ", name);
  // One snapshot, so a prune running at the same time cannot leave a job
  // found in the index without its records.
  const std::unique_ptr<KvView> snapshot = kv_->Snapshot();

  // 1. The newest `limit` named jobs, from the time index read backwards:
  // an entry with an empty value is a record under its job's a/ key (a
  // named job); a record stored as the entry's value is a call without a
  // job id, which is not listed.
  std::vector<std::string> jobs;
  absl::flat_hash_set<std::string> seen;
  {
    const std::string tenant_prefix = TenantPrefix(name);
    const std::string index_prefix = AuditIndexPrefix(name);
    std::unique_ptr<KvIterator> it = snapshot->NewIterator();
    AuditKeyParts parts;
    for (it->SeekForPrev(EndOfRange(name, ParsedKey::Kind::kAuditIndex));
         it->Valid() && jobs.size() < limit; it->Prev()) {
      const std::string_view key = it->key();
      if (!HasPrefix(key, index_prefix)) {
        if (key > index_prefix) continue;  // The range's end key itself.
        break;
      }
      if (!it->value().empty()) continue;
      if (!ParseAuditIndexKey(key, tenant_prefix, &parts)) return DataLoss(key);
      std::string job(parts.job_id);
      if (seen.insert(job).second) jobs.push_back(std::move(job));
    }
    DNC_RETURN_IF_ERROR(it->status());
  }

  // 2. Each job's records (one prefix of a/ keys) and its files.
  std::vector<JobSummary> summaries;
  summaries.reserve(jobs.size());
  std::unique_ptr<KvIterator> it = snapshot->NewIterator();
  for (const std::string& job : jobs) {
    JobSummary summary;
    summary.job_id = job;
    const std::string prefix = AuditPrefix(name, job);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string_view key = it->key();
      if (!HasPrefix(key, prefix)) break;
      AuditRecord record;
      if (!DecodeAudit(it->value(), &record)) {
        return DataLoss(key);
      }
      if (summary.requests == 0 || record.time < summary.first_request) {
        summary.first_request = record.time;
      }
      if (summary.requests == 0 || record.time > summary.last_request) {
        summary.last_request = record.time;
      }
      ++summary.requests;
      summary.numbers += record.numbers;
    }
    DNC_RETURN_IF_ERROR(it->status());
    if (summary.requests == 0) continue;  // An index entry without records.
    DNC_ASSIGN_OR_RETURN(std::optional<std::string> files,
                         snapshot->Get(JobFilesKey(name, job)));
    summary.has_files = files.has_value();
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

absl::Status TenantStoreImpl::ExportAudit(
    std::string_view name, absl::Time since, absl::Time until,
    const std::function<absl::Status(const AuditRecord&)>& visit) const {
  if (!IsValidTenantName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("export audit: '", PrintableKey(name),
                     "' is not a tenant name (1-64 of a-z, 0-9, '.', '_', "
                     "'-', starting with a letter or digit)"));
  }
  if (since > until) {
    return absl::InvalidArgumentError(absl::StrCat(
        "export audit of tenant ", std::string(name), ": since ",
        absl::FormatTime(since), " is after until ", absl::FormatTime(until)));
  }
  // One snapshot for the index and the records, so a prune running at the
  // same time cannot leave an index entry without its record.
  const std::unique_ptr<KvView> snapshot = kv_->Snapshot();
  const std::string tenant_prefix = TenantPrefix(name);
  const std::string index_prefix = AuditIndexPrefix(name);
  std::unique_ptr<KvIterator> it = snapshot->NewIterator();
  AuditKeyParts parts;
  for (it->Seek(AuditIndexSeek(name, since)); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (!HasPrefix(key, index_prefix)) break;
    if (!ParseAuditIndexKey(key, tenant_prefix, &parts)) return DataLoss(key);
    if (parts.time >= until) break;
    AuditRecord record;
    if (!it->value().empty()) {  // The record itself (see AppendAudit).
      if (!DecodeAudit(it->value(), &record)) {
        return DataLoss(key);
      }
    } else {
      const std::string record_key = AuditKey(
          name, parts.job_id, parts.sequence, parts.time, parts.counter);
      DNC_ASSIGN_OR_RETURN(std::optional<std::string> value,
                           snapshot->Get(record_key));
      if (!value.has_value()) return DataLoss(record_key);
      if (!DecodeAudit(*value, &record)) return DataLoss(record_key);
    }
    DNC_RETURN_IF_ERROR(visit(record));
  }
  return it->status();
}

absl::StatusOr<uint64_t> TenantStoreImpl::PruneAudit(absl::Time before) {
  uint64_t pruned = 0;
  std::vector<std::string> names;  // Every tenant name with keys.
  std::unique_ptr<KvIterator> it = kv_->NewIterator(/*bulk=*/true);
  ParsedKey parsed;
  for (it->Seek("t/"); it->Valid();) {
    const std::string_view key = it->key();
    if (!HasPrefix(key, "t/")) break;
    if (!ParseKey(key, &parsed)) return DataLoss(key);
    names.emplace_back(parsed.tenant);
    it->Seek(EndOfTenant(names.back()));
  }
  DNC_RETURN_IF_ERROR(it->status());
  for (const std::string& name : names) {
    DNC_ASSIGN_OR_RETURN(const uint64_t count, PruneTenantAudit(name, before));
    pruned += count;
  }
  // Names of deleted tenants with nothing left may be used again.
  absl::MutexLock admin(&admin_mu_);
  std::vector<std::string> freed;
  {
    absl::ReaderMutexLock lock(&tenants_mu_);
    for (const std::string& name : deleted_names_) {
      if (!HasRecords(name)) freed.push_back(name);
    }
  }
  absl::MutexLock lock(&tenants_mu_);
  for (const std::string& name : freed) deleted_names_.erase(name);
  return pruned;
}

absl::StatusOr<uint64_t> TenantStoreImpl::PruneTenantAudit(
    const std::string& name, absl::Time before) {
  // Deletions are committed every kBatchRecords records (synced), so a
  // prune of years of records holds no more than that in memory.
  constexpr size_t kBatchRecords = 10000;
  const std::string tenant_prefix = TenantPrefix(name);
  const std::string index_prefix = AuditIndexPrefix(name);
  // The jobs that have files (few: the lead-list scrubs), so that only
  // their remaining records need to be looked for after the deletions.
  absl::flat_hash_set<std::string> jobs_with_files;
  {
    const std::string files_prefix = JobFilesPrefix(name);
    std::unique_ptr<KvIterator> it = kv_->NewIterator();
    for (it->Seek(files_prefix); it->Valid(); it->Next()) {
      const std::string_view key = it->key();
      if (!HasPrefix(key, files_prefix)) break;
      const std::string_view rest = key.substr(files_prefix.size());
      if (rest.size() < 2) return DataLoss(key);
      jobs_with_files.emplace(rest.substr(2));
    }
    DNC_RETURN_IF_ERROR(it->status());
  }
  uint64_t pruned = 0;
  std::unique_ptr<KvIterator> it = kv_->NewIterator(/*bulk=*/true);
  KvBatch batch;
  absl::flat_hash_set<std::string> touched_jobs;  // With files, in `batch`.
  AuditKeyParts parts;
  // Commits `batch`, then deletes the files of every touched job that has
  // no audit record left.
  auto commit = [&]() -> absl::Status {
    if (batch.Count() == 0) return absl::OkStatus();
    DNC_RETURN_IF_ERROR(Write(batch, /*sync=*/true, "prune audit", name));
    batch.Clear();
    for (const std::string& job : touched_jobs) {
      DNC_ASSIGN_OR_RETURN(const bool left, JobHasRecords(name, job));
      if (!left) batch.Delete(JobFilesKey(name, job));
    }
    touched_jobs.clear();
    if (batch.Count() == 0) return absl::OkStatus();
    DNC_RETURN_IF_ERROR(Write(batch, /*sync=*/true, "prune audit", name));
    batch.Clear();
    return absl::OkStatus();
  };
  for (it->Seek(index_prefix); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (!HasPrefix(key, index_prefix)) break;
    if (!ParseAuditIndexKey(key, tenant_prefix, &parts)) return DataLoss(key);
    if (parts.time >= before) break;
    if (it->value().empty()) {  // Else the record is the entry's value.
      batch.Delete(AuditKey(name, parts.job_id, parts.sequence, parts.time,
                            parts.counter));
    }
    batch.Delete(key);
    const std::string job(parts.job_id);
    if (jobs_with_files.contains(job)) touched_jobs.insert(job);
    ++pruned;
    if (pruned % kBatchRecords == 0) DNC_RETURN_IF_ERROR(commit());
  }
  DNC_RETURN_IF_ERROR(it->status());
  DNC_RETURN_IF_ERROR(commit());
  return pruned;
}

bool TenantStoreImpl::HasRecords(std::string_view name) const {
  const std::string prefix = TenantPrefix(name);
  std::unique_ptr<KvIterator> it = kv_->NewIterator();
  it->Seek(prefix);
  if (!it->status().ok()) return true;
  return it->Valid() && HasPrefix(it->key(), prefix);
}

}  // namespace dnc::tenant
