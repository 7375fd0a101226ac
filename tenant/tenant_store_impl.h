// Internal to the tenant module (not part of its API): TenantStoreImpl, the
// TenantStore that TenantStore::Open() returns. Its methods live in
// tenant_store.cc (open, load, WAL sync, shared helpers),
// tenant_store_admin.cc (tenants and API keys), tenant_store_lists.cc
// (internal list and consents), tenant_store_attempts.cc (call attempts)
// and tenant_store_audit.cc (audit records and job files).
//
// Storage: a KvStore (kv_store.h), the embedded RocksDB database or a
// shared PostgreSQL table. Durability: every write of tenant data (config,
// keys, opt-outs, consents, job files) is one synced KvBatch; audit records
// are written unsynced unless the caller asks (see KvStore::Write).
//
// Followers: with a shared store, other replicas write too. The store tells
// this one of every committed change (KvStore::Follow) and ApplyChanges
// brings memory up to date by reading the changed keys' current values.
//
// Locking: tenants_mu_ guards the tenant map (and the deleted tenants),
// keys_mu_ the key map, admin_mu_ serialises administration
// (create/update/delete/keys). Per tenant,
// InMemoryTenant's write_mu_ and mu_ (see in_memory_tenant.h).
// Thread-safety: thread-safe.
#ifndef DNC_TENANT_TENANT_STORE_IMPL_H_
#define DNC_TENANT_TENANT_STORE_IMPL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "common/sha256.h"
#include "tenant/in_memory_tenant.h"
#include "tenant/kv_store.h"
#include "tenant/record_codec.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store.h"

namespace dnc::tenant {

// One API key in memory.
struct KeyEntry {
  Sha256Digest digest;
  ApiKeyRecord record;
  InMemoryTenant* tenant = nullptr;
};

class TenantStoreImpl final : public TenantStore {
 public:
  explicit TenantStoreImpl(std::unique_ptr<KvStore> kv);
  ~TenantStoreImpl() override;

  // Reads the whole store into memory and starts following it (Open()
  // calls it once, before any other method). Errors: as Open().
  absl::Status Load();

  absl::Status CreateTenant(const TenantConfig& config) override;
  absl::Status UpdateTenant(const TenantConfig& config) override;
  std::vector<TenantConfig> ListTenants() const override;
  absl::Status DeleteTenant(std::string_view name) override;
  absl::StatusOr<std::string> CreateApiKey(std::string_view tenant,
                                           std::string_view label) override;
  absl::Status RevokeApiKey(std::string_view tenant,
                            std::string_view label) override;
  absl::StatusOr<std::vector<ApiKeyInfo>> ListApiKeys(
      std::string_view tenant) const override;
  absl::Time ConfirmedThrough() const override {
    return kv_->ConfirmedThrough();
  }
  const Tenant* Authenticate(std::string_view api_key) const override;
  const Tenant* Find(std::string_view name) const override;
  absl::Status AddOptOuts(const Tenant& tenant, absl::Span<const uint64_t> e164,
                          DayNumber day, std::string_view note,
                          std::vector<bool>* changed) override;
  absl::Status RemoveOptOuts(const Tenant& tenant,
                             absl::Span<const uint64_t> e164,
                             std::vector<bool>* changed) override;
  absl::Status AddConsents(const Tenant& tenant,
                           absl::Span<const StoredConsent> records) override;
  absl::StatusOr<uint64_t> RevokeConsents(const Tenant& tenant,
                                          absl::Span<const uint64_t> e164,
                                          DayNumber day) override;
  std::vector<StoredConsent> ListConsents(
      const Tenant& tenant, absl::Span<const uint64_t> e164) const override;
  absl::Status RecordAttempts(const Tenant& tenant,
                              absl::Span<const StoredAttempt> attempts,
                              absl::Time now) override;
  absl::StatusOr<std::vector<StoredAttempt>> ListAttempts(
      const Tenant& tenant, absl::Span<const uint64_t> e164, absl::Time since,
      size_t limit, bool* more) const override;
  absl::StatusOr<std::string> AppendAudit(const Tenant& tenant,
                                          AuditRecord record,
                                          bool sync) override;
  absl::StatusOr<std::vector<AuditRecord>> JobAudit(
      const Tenant& tenant, std::string_view job_id) const override;
  absl::Status RecordJobFiles(const Tenant& tenant, std::string_view job_id,
                              const JobFiles& files) override;
  absl::StatusOr<JobFiles> GetJobFiles(const Tenant& tenant,
                                       std::string_view job_id) const override;
  absl::StatusOr<std::vector<JobSummary>> ListJobs(const Tenant& tenant,
                                                   size_t limit) const override;
  absl::Status ExportAudit(
      std::string_view name, absl::Time since, absl::Time until,
      const std::function<absl::Status(const AuditRecord&)>& visit)
      const override;
  absl::StatusOr<uint64_t> PruneAudit(absl::Time before) override;

 private:
  // (e164, seq) of consent records being revoked.
  using Revocations = std::vector<std::pair<uint64_t, uint64_t>>;

  // The store's own object for `tenant`: InvalidArgument for a handle from
  // another store (so a handle can only ever reach its own prefix).
  absl::StatusOr<InMemoryTenant*> Own(const Tenant& tenant) const;
  InMemoryTenant* FindImpl(std::string_view name) const;
  // FindImpl, or NotFound "<operation>: no tenant <name> in <dir>".
  absl::StatusOr<InMemoryTenant*> Named(std::string_view name,
                                        std::string_view operation) const;
  absl::Status Write(const KvBatch& batch, bool sync,
                     std::string_view operation, std::string_view tenant);
  absl::Status DataLoss(std::string_view key) const;
  // FailedPrecondition "<operation>: tenant <name> was deleted ..." once
  // DeleteTenant has committed. Writers call it holding tenant.write_mu_
  // (which DeleteTenant holds), so nothing is written for a deleted tenant.
  absl::Status CheckNotDeleted(const InMemoryTenant& tenant,
                               std::string_view operation) const;
  // True if any key "t/<name>/..." is in the database (for a deleted
  // tenant: audit records or job files are left). A read error counts as
  // true (the name stays reserved).
  bool HasRecords(std::string_view name) const;
  // Appends the records of `job_id` stored as index values (a record that
  // is its own job: its job id is its audit id, which names its time).
  absl::Status ReadInlineJob(std::string_view name, std::string_view job_id,
                             std::vector<AuditRecord>* records) const;
  // True if the job has any audit record (either form).
  absl::StatusOr<bool> JobHasRecords(std::string_view name,
                                     std::string_view job_id) const;
  // PruneAudit for one tenant name (live or deleted): deletes its records
  // older than `before` and the job files of jobs left with none.
  absl::StatusOr<uint64_t> PruneTenantAudit(const std::string& name,
                                            absl::Time before);
  // ---- Following a shared store (tenant_store_follow.cc)
  // Brings memory up to date with `changes` (committed by any writer, this
  // one included): reads each changed key's current value and applies it,
  // under the locks the writers of that key hold.
  absl::Status ApplyChanges(const std::vector<KvChange>& changes);
  absl::Status ApplyConfigChange(const std::string& name);
  absl::Status ApplyApiKeyChange(const std::string& key);
  absl::Status ApplyListChanges(const std::string& name,
                                const std::vector<std::string>& keys);
  // Applies one changed attempt key (a record added, or removed with its
  // tenant). REQUIRES: tenant->write_mu_ held.
  absl::Status ApplyAttemptChange(InMemoryTenant* tenant,
                                  const std::string& key,
                                  const ParsedKey& parsed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tenant->write_mu_);
  // Reads the tenant's recent attempts (those young enough to count) into
  // its memory, replacing what it held.
  absl::Status ReloadAttempts(InMemoryTenant* tenant)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tenant->write_mu_);
  // Reads the tenant's whole internal list and consents again.
  absl::Status ReloadLists(InMemoryTenant* tenant)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(tenant->write_mu_);
  // The memory side of DeleteTenant. REQUIRES: admin_mu_ and
  // tenant->write_mu_ held.
  void ForgetTenant(InMemoryTenant* tenant);

  // Publishes what Load() read: the tenants, then the keys.
  struct Loaded;
  absl::Status Publish(Loaded& loaded);
  // Adds a key to the maps. REQUIRES: keys_mu_ held.
  void AddKeyLocked(const Sha256Digest& digest, ApiKeyRecord record,
                    InMemoryTenant* tenant)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(keys_mu_);
  // Adds to `batch` the rewrite (revoked = day) of every in-force consent of
  // `e164` and returns them. REQUIRES: tenant->write_mu_ held.
  absl::StatusOr<Revocations> PrepareRevocations(
      InMemoryTenant* tenant, absl::Span<const uint64_t> e164, DayNumber day,
      KvBatch* batch);
  // Drops revoked records from memory. REQUIRES: tenant->write_mu_ held and
  // the batch from PrepareRevocations committed.
  static void ApplyRevocations(InMemoryTenant* tenant,
                               const Revocations& ending);

  const std::unique_ptr<KvStore> kv_;
  const std::string where_;  // kv_->where(), for messages.

  absl::Mutex admin_mu_ ABSL_ACQUIRED_BEFORE(tenants_mu_, keys_mu_);
  mutable absl::Mutex tenants_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<InMemoryTenant>> tenants_
      ABSL_GUARDED_BY(tenants_mu_);
  // Deleted tenants: handles given out stay valid while the store lives.
  std::vector<std::unique_ptr<InMemoryTenant>> deleted_tenants_
      ABSL_GUARDED_BY(tenants_mu_);
  // Names of deleted tenants that still have audit records or job files:
  // CreateTenant refuses them (a new tenant would read the old one's jobs).
  absl::flat_hash_set<std::string> deleted_names_ ABSL_GUARDED_BY(tenants_mu_);
  mutable absl::Mutex keys_mu_;
  // By the first 8 bytes of the digest; entries in creation order.
  absl::flat_hash_map<uint64_t, std::vector<KeyEntry>> keys_
      ABSL_GUARDED_BY(keys_mu_);
  // (bucket, index in it) of every key, oldest first.
  std::vector<std::pair<uint64_t, size_t>> key_order_ ABSL_GUARDED_BY(keys_mu_);

  std::atomic<uint64_t> audit_counter_{0};
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_TENANT_STORE_IMPL_H_
