// A TenantStore that forwards every call to a real one and counts the
// audit records appended through it, so a test can show that a refused
// HTTP call left no audit record at all (not only none under one job id).
// It can also refuse to append (as a full disk would), so a test can show
// that an answer that cannot be audited is not given.
// Thread-safety: as the wrapped store; the count and the switch are atomic.
#ifndef DNC_TESTS_HTTP_AUDIT_COUNTING_STORE_H_
#define DNC_TESTS_HTTP_AUDIT_COUNTING_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tenant/tenant_store.h"

namespace dnc::test {

class AuditCountingStore final : public tenant::TenantStore {
 public:
  // REQUIRES: `store` outlives this.
  explicit AuditCountingStore(tenant::TenantStore* store) : store_(store) {}

  uint64_t audits() const { return audits_.load(); }
  // While set, AppendAudit fails with Internal and appends nothing.
  void set_fail_audits(bool fail) { fail_audits_.store(fail); }

  absl::Status CreateTenant(const tenant::TenantConfig& config) override {
    return store_->CreateTenant(config);
  }
  absl::Status UpdateTenant(const tenant::TenantConfig& config) override {
    return store_->UpdateTenant(config);
  }
  std::vector<tenant::TenantConfig> ListTenants() const override {
    return store_->ListTenants();
  }
  absl::Status DeleteTenant(std::string_view name) override {
    return store_->DeleteTenant(name);
  }
  absl::StatusOr<std::string> CreateApiKey(std::string_view tenant,
                                           std::string_view label) override {
    return store_->CreateApiKey(tenant, label);
  }
  absl::Status RevokeApiKey(std::string_view tenant,
                            std::string_view label) override {
    return store_->RevokeApiKey(tenant, label);
  }
  absl::StatusOr<std::vector<tenant::ApiKeyInfo>> ListApiKeys(
      std::string_view tenant) const override {
    return store_->ListApiKeys(tenant);
  }
  absl::Time ConfirmedThrough() const override {
    return store_->ConfirmedThrough();
  }
  const tenant::Tenant* Authenticate(std::string_view api_key) const override {
    return store_->Authenticate(api_key);
  }
  const tenant::Tenant* Find(std::string_view name) const override {
    return store_->Find(name);
  }
  absl::Status AddOptOuts(const tenant::Tenant& tenant,
                          absl::Span<const uint64_t> e164, DayNumber day,
                          std::string_view note,
                          std::vector<bool>* changed) override {
    return store_->AddOptOuts(tenant, e164, day, note, changed);
  }
  absl::Status RemoveOptOuts(const tenant::Tenant& tenant,
                             absl::Span<const uint64_t> e164,
                             std::vector<bool>* changed) override {
    return store_->RemoveOptOuts(tenant, e164, changed);
  }
  absl::Status AddConsents(
      const tenant::Tenant& tenant,
      absl::Span<const tenant::StoredConsent> records) override {
    return store_->AddConsents(tenant, records);
  }
  absl::StatusOr<uint64_t> RevokeConsents(const tenant::Tenant& tenant,
                                          absl::Span<const uint64_t> e164,
                                          DayNumber day) override {
    return store_->RevokeConsents(tenant, e164, day);
  }
  std::vector<tenant::StoredConsent> ListConsents(
      const tenant::Tenant& tenant,
      absl::Span<const uint64_t> e164) const override {
    return store_->ListConsents(tenant, e164);
  }
  absl::Status RecordAttempts(const tenant::Tenant& tenant,
                              absl::Span<const tenant::StoredAttempt> attempts,
                              absl::Time now) override {
    return store_->RecordAttempts(tenant, attempts, now);
  }
  absl::StatusOr<std::vector<tenant::StoredAttempt>> ListAttempts(
      const tenant::Tenant& tenant, absl::Span<const uint64_t> e164,
      absl::Time since, size_t limit, bool* more) const override {
    return store_->ListAttempts(tenant, e164, since, limit, more);
  }
  absl::StatusOr<std::string> AppendAudit(const tenant::Tenant& tenant,
                                          tenant::AuditRecord record,
                                          bool sync) override {
    if (fail_audits_.load()) {
      return absl::InternalError("no space left on device (injected)");
    }
    audits_.fetch_add(1);
    return store_->AppendAudit(tenant, std::move(record), sync);
  }
  absl::StatusOr<std::vector<tenant::AuditRecord>> JobAudit(
      const tenant::Tenant& tenant, std::string_view job_id) const override {
    return store_->JobAudit(tenant, job_id);
  }
  absl::Status RecordJobFiles(const tenant::Tenant& tenant,
                              std::string_view job_id,
                              const tenant::JobFiles& files) override {
    return store_->RecordJobFiles(tenant, job_id, files);
  }
  absl::StatusOr<tenant::JobFiles> GetJobFiles(
      const tenant::Tenant& tenant, std::string_view job_id) const override {
    return store_->GetJobFiles(tenant, job_id);
  }
  absl::StatusOr<std::vector<tenant::JobSummary>> ListJobs(
      const tenant::Tenant& tenant, size_t limit) const override {
    return store_->ListJobs(tenant, limit);
  }
  absl::Status ExportAudit(
      std::string_view name, absl::Time since, absl::Time until,
      const std::function<absl::Status(const tenant::AuditRecord&)>& visit)
      const override {
    return store_->ExportAudit(name, since, until, visit);
  }
  absl::StatusOr<uint64_t> PruneAudit(absl::Time before) override {
    return store_->PruneAudit(before);
  }

 private:
  tenant::TenantStore* const store_;
  std::atomic<uint64_t> audits_{0};
  std::atomic<bool> fail_audits_{false};
};

}  // namespace dnc::test

#endif  // DNC_TESTS_HTTP_AUDIT_COUNTING_STORE_H_
