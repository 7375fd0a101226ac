// TenantStoreImpl's administration: tenants (create, update, list) and their
// API keys (create, revoke, list, authenticate).
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "tenant/api_key.h"
#include "tenant/record_rules.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {

absl::Status TenantStoreImpl::CreateTenant(const TenantConfig& config) {
  if (!IsValidTenantName(config.name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "create tenant '", config.name,
        "': a name is 1-64 of a-z, 0-9, '.', '_', '-', starting with a "
        "letter or digit"));
  }
  TenantConfig normalised = config;
  DNC_RETURN_IF_ERROR(NormaliseConfig(&normalised, "create tenant"));
  absl::MutexLock admin(&admin_mu_);
  if (FindImpl(config.name) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat(
        "create tenant ", config.name, ": it already exists in ", where_));
  }
  {
    absl::ReaderMutexLock lock(&tenants_mu_);
    if (deleted_names_.contains(config.name)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "create tenant ", config.name,
          ": a deleted tenant of that name "
          "still has audit records in ",
          where_,
          " (kept for the audit retention; a new tenant of the same name "
          "would read its job audit): choose another name, or prune its "
          "records first"));
    }
  }
  const int64_t created = absl::ToUnixSeconds(absl::Now());
  KvBatch batch;
  batch.Put(ConfigKey(config.name), EncodeConfig(normalised, created));
  DNC_RETURN_IF_ERROR(Write(batch, /*sync=*/true, "create", config.name));
  auto tenant = std::make_unique<InMemoryTenant>(config.name);
  {
    absl::MutexLock write_lock(&tenant->write_mu_);
    tenant->created_ = created;
    tenant->SetConfig(std::move(normalised));
  }
  absl::MutexLock lock(&tenants_mu_);
  tenants_[config.name] = std::move(tenant);
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::UpdateTenant(const TenantConfig& config) {
  InMemoryTenant* tenant = FindImpl(config.name);
  if (tenant == nullptr) {
    return absl::NotFoundError(absl::StrCat("update tenant ", config.name,
                                            ": no such tenant in ", where_));
  }
  TenantConfig normalised = config;
  DNC_RETURN_IF_ERROR(NormaliseConfig(&normalised, "update tenant"));
  absl::MutexLock admin(&admin_mu_);
  absl::MutexLock write_lock(&tenant->write_mu_);
  if (tenant->deleted()) {
    return absl::NotFoundError(absl::StrCat("update tenant ", config.name,
                                            ": it was deleted from ", where_));
  }
  KvBatch batch;
  batch.Put(ConfigKey(config.name), EncodeConfig(normalised, tenant->created_));
  DNC_RETURN_IF_ERROR(Write(batch, /*sync=*/true, "update", config.name));
  tenant->SetConfig(std::move(normalised));
  return absl::OkStatus();
}

std::vector<TenantConfig> TenantStoreImpl::ListTenants() const {
  std::vector<TenantConfig> configs;
  {
    absl::ReaderMutexLock lock(&tenants_mu_);
    for (const auto& [name, tenant] : tenants_) {
      configs.push_back(tenant->Config());
    }
  }
  std::sort(configs.begin(), configs.end(),
            [](const TenantConfig& a, const TenantConfig& b) {
              return a.name < b.name;
            });
  return configs;
}

absl::StatusOr<std::string> TenantStoreImpl::CreateApiKey(
    std::string_view tenant_name, std::string_view label_in) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant,
                       Named(tenant_name, "create api key"));
  absl::MutexLock admin(&admin_mu_);
  std::string label(label_in);
  {
    absl::ReaderMutexLock lock(&keys_mu_);
    absl::flat_hash_set<std::string> active;
    size_t count = 0;
    for (const auto& [prefix, bucket] : keys_) {
      for (const KeyEntry& entry : bucket) {
        if (entry.tenant != tenant) continue;
        ++count;
        if (entry.record.revoked_micros == 0) active.insert(entry.record.label);
      }
    }
    if (label.empty()) {
      for (size_t n = count + 1; label.empty() || active.contains(label); ++n) {
        label = absl::StrCat("key-", n);
      }
    }
    if (!IsValidLabel(label)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "create api key for tenant ", tenant->name(), ": label '", label,
          "' must be 1-", kMaxLabelBytes, " printable ASCII characters"));
    }
    if (active.contains(label)) {
      return absl::AlreadyExistsError(
          absl::StrCat("create api key for tenant ", tenant->name(),
                       ": an active key is already labelled '", label, "'"));
    }
  }
  DNC_ASSIGN_OR_RETURN(std::string key, NewApiKey());
  const Sha256Digest digest = Sha256Of(key);
  ApiKeyRecord record{tenant->name(), label, absl::ToUnixMicros(absl::Now()),
                      0};
  KvBatch batch;
  batch.Put(ApiKeyKey(digest), EncodeApiKey(record));
  DNC_RETURN_IF_ERROR(
      Write(batch, /*sync=*/true, "create api key", tenant->name()));
  absl::MutexLock lock(&keys_mu_);
  AddKeyLocked(digest, std::move(record), tenant);
  return key;
}

absl::Status TenantStoreImpl::RevokeApiKey(std::string_view tenant_name,
                                           std::string_view label) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant,
                       Named(tenant_name, "revoke api key"));
  absl::MutexLock admin(&admin_mu_);
  const int64_t now = absl::ToUnixMicros(absl::Now());
  KvBatch batch;
  std::vector<KeyEntry*> revoked;
  {
    absl::ReaderMutexLock lock(&keys_mu_);
    for (auto& [prefix, bucket] : keys_) {
      for (KeyEntry& entry : bucket) {
        if (entry.tenant != tenant || entry.record.label != label ||
            entry.record.revoked_micros != 0) {
          continue;
        }
        ApiKeyRecord record = entry.record;
        record.revoked_micros = now;
        batch.Put(ApiKeyKey(entry.digest), EncodeApiKey(record));
        revoked.push_back(&entry);
      }
    }
  }
  if (revoked.empty()) {
    return absl::NotFoundError(
        absl::StrCat("revoke api key: tenant ", tenant->name(),
                     " has no active key labelled '", std::string(label), "'"));
  }
  DNC_RETURN_IF_ERROR(
      Write(batch, /*sync=*/true, "revoke api key", tenant->name()));
  // Entries stay where they are (buckets only grow under admin_mu_).
  absl::MutexLock lock(&keys_mu_);
  for (KeyEntry* entry : revoked) entry->record.revoked_micros = now;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ApiKeyInfo>> TenantStoreImpl::ListApiKeys(
    std::string_view tenant_name) const {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant,
                       Named(tenant_name, "list api keys"));
  std::vector<ApiKeyInfo> infos;
  absl::ReaderMutexLock lock(&keys_mu_);
  for (const auto& [prefix, index] : key_order_) {
    const KeyEntry& entry = keys_.at(prefix)[index];
    if (entry.tenant != tenant) continue;
    ApiKeyInfo info;
    info.label = entry.record.label;
    info.created = absl::FromUnixMicros(entry.record.created_micros);
    info.revoked = entry.record.revoked_micros != 0;
    if (info.revoked) {
      info.revoked_at = absl::FromUnixMicros(entry.record.revoked_micros);
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

const Tenant* TenantStoreImpl::Authenticate(std::string_view api_key) const {
  if (api_key.empty()) return nullptr;
  const Sha256Digest digest = Sha256Of(api_key);
  absl::ReaderMutexLock lock(&keys_mu_);
  auto bucket = keys_.find(DigestPrefix(digest));
  if (bucket == keys_.end()) return nullptr;
  const Tenant* found = nullptr;
  for (const KeyEntry& entry : bucket->second) {
    if (SameDigest(entry.digest, digest) && entry.record.revoked_micros == 0) {
      found = entry.tenant;
    }
  }
  return found;
}

absl::Status TenantStoreImpl::DeleteTenant(std::string_view name) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Named(name, "delete tenant"));
  absl::MutexLock admin(&admin_mu_);
  absl::MutexLock write_lock(&tenant->write_mu_);
  // One batch: the config, every list, consent and attempt record (range
  // deletions) and every API key of the tenant. Audit records (a/, i/) and
  // job files (f/) stay.
  KvBatch batch;
  batch.Delete(ConfigKey(tenant->name()));
  for (const char* part : {"o/", "c/", "d/", "e/"}) {
    const std::string prefix = TenantPrefix(tenant->name()) + part;
    batch.DeleteRange(prefix, EndOfPrefix(prefix));
  }
  {
    absl::ReaderMutexLock lock(&keys_mu_);
    for (const auto& [prefix, bucket] : keys_) {
      for (const KeyEntry& entry : bucket) {
        if (entry.tenant == tenant) batch.Delete(ApiKeyKey(entry.digest));
      }
    }
  }
  DNC_RETURN_IF_ERROR(
      Write(batch, /*sync=*/true, "delete tenant", tenant->name()));
  ForgetTenant(tenant);
  return absl::OkStatus();
}

void TenantStoreImpl::ForgetTenant(InMemoryTenant* tenant) {
  // Drop its keys (rebuilding the key maps; RevokeApiKey's pointers into
  // them are taken under admin_mu_, held here), then the tenant.
  {
    absl::MutexLock lock(&keys_mu_);
    std::vector<KeyEntry> kept;
    for (const auto& [prefix, index] : key_order_) {
      KeyEntry& entry = keys_[prefix][index];
      if (entry.tenant != tenant) kept.push_back(std::move(entry));
    }
    keys_.clear();
    key_order_.clear();
    for (KeyEntry& entry : kept) {
      AddKeyLocked(entry.digest, std::move(entry.record), entry.tenant);
    }
  }
  {
    // Waits for audit records being written; later ones are refused.
    absl::MutexLock audit_lock(&tenant->audit_mu_);
    tenant->deleted_ = true;
  }
  {
    // Frees the lists (possibly millions of entries) now rather than when
    // the store closes. A call that reads them after this point has found
    // deleted_ set, so its audit record is refused and its answer never
    // sent: nothing is answered from the emptied lists.
    absl::MutexLock lock(&tenant->mu_);
    absl::flat_hash_map<uint64_t, DayNumber>().swap(tenant->opt_outs_);
    absl::flat_hash_map<uint64_t, std::vector<InForceConsent>>().swap(
        tenant->consents_);
    tenant->consent_count_ = 0;
    tenant->attempts_.Clear();
  }
  const bool has_audit = HasRecords(tenant->name());
  absl::MutexLock lock(&tenants_mu_);
  auto it = tenants_.find(tenant->name());
  deleted_tenants_.push_back(std::move(it->second));
  tenants_.erase(it);
  if (has_audit) deleted_names_.insert(tenant->name());
}

}  // namespace dnc::tenant
