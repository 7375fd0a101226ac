// TenantStoreImpl following a shared store: applying the changes other
// replicas (and this one) committed to the in-memory view. Each change is
// applied by reading the key's current value, so applying one twice, or an
// older one after a newer, leaves memory as the store is. A change is
// applied under the lock its local writers hold (admin_mu_ for configs and
// API keys, the tenant's write_mu_ for its lists), with the read inside it,
// so a local write acknowledged meanwhile is never undone by an older read.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "tenant/api_key.h"
#include "tenant/record_codec.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {

absl::Status TenantStoreImpl::ApplyChanges(
    const std::vector<KvChange>& changes) {
  // Consecutive list changes of one tenant are applied together.
  std::string list_tenant;
  std::vector<std::string> list_keys;
  auto flush = [&]() -> absl::Status {
    if (list_keys.empty()) return absl::OkStatus();
    absl::Status status = ApplyListChanges(list_tenant, list_keys);
    list_keys.clear();
    return status;
  };
  ParsedKey parsed;
  for (const KvChange& change : changes) {
    if (change.range_end.has_value()) {
      // DeleteTenant's ranges: its config change says it is gone; a tenant
      // of that name created since reads its lists again.
      const size_t slash = change.key.find('/', 2);
      if (slash == std::string::npos) continue;
      DNC_RETURN_IF_ERROR(flush());
      InMemoryTenant* tenant = FindImpl(change.key.substr(2, slash - 2));
      if (tenant == nullptr) continue;
      absl::MutexLock write_lock(&tenant->write_mu_);
      if (!tenant->deleted()) {
        DNC_RETURN_IF_ERROR(ReloadLists(tenant));
        DNC_RETURN_IF_ERROR(ReloadAttempts(tenant));
      }
      continue;
    }
    if (!ParseKey(change.key, &parsed)) continue;
    switch (parsed.kind) {
      case ParsedKey::Kind::kApiKey:
        DNC_RETURN_IF_ERROR(flush());
        DNC_RETURN_IF_ERROR(ApplyApiKeyChange(change.key));
        break;
      case ParsedKey::Kind::kConfig:
        DNC_RETURN_IF_ERROR(flush());
        DNC_RETURN_IF_ERROR(ApplyConfigChange(std::string(parsed.tenant)));
        break;
      case ParsedKey::Kind::kOptOut:
      case ParsedKey::Kind::kConsent:
      case ParsedKey::Kind::kAttempt:
        if (parsed.tenant != list_tenant) {
          DNC_RETURN_IF_ERROR(flush());
          list_tenant = std::string(parsed.tenant);
        }
        list_keys.push_back(change.key);
        break;
      default:
        break;
    }
  }
  return flush();
}

absl::Status TenantStoreImpl::ApplyConfigChange(const std::string& name) {
  absl::MutexLock admin(&admin_mu_);
  const std::string key = ConfigKey(name);
  DNC_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(key));
  InMemoryTenant* tenant = FindImpl(name);
  if (!value.has_value()) {  // Deleted.
    if (tenant == nullptr) return absl::OkStatus();
    absl::MutexLock write_lock(&tenant->write_mu_);
    ForgetTenant(tenant);
    return absl::OkStatus();
  }
  TenantConfig config;
  int64_t created = 0;
  if (!DecodeConfig(*value, &config, &created)) return DataLoss(key);
  if (tenant != nullptr) {
    absl::MutexLock write_lock(&tenant->write_mu_);
    tenant->SetConfig(std::move(config));
    return absl::OkStatus();
  }
  auto created_tenant = std::make_unique<InMemoryTenant>(name);
  {
    absl::MutexLock write_lock(&created_tenant->write_mu_);
    created_tenant->created_ = created;
    created_tenant->SetConfig(std::move(config));
    DNC_RETURN_IF_ERROR(ReloadLists(created_tenant.get()));
    DNC_RETURN_IF_ERROR(ReloadAttempts(created_tenant.get()));
  }
  absl::MutexLock lock(&tenants_mu_);
  deleted_names_.erase(name);
  tenants_[name] = std::move(created_tenant);
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::ApplyApiKeyChange(const std::string& key) {
  absl::MutexLock admin(&admin_mu_);
  ParsedKey parsed;
  if (!ParseKey(key, &parsed)) return absl::OkStatus();
  DNC_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(key));
  std::optional<ApiKeyRecord> record;
  if (value.has_value()) {
    record.emplace();
    if (!DecodeApiKey(*value, &*record)) return DataLoss(key);
  }
  InMemoryTenant* tenant =
      record.has_value() ? FindImpl(record->tenant) : nullptr;
  absl::MutexLock lock(&keys_mu_);
  auto bucket = keys_.find(DigestPrefix(parsed.digest));
  if (bucket != keys_.end()) {
    for (KeyEntry& entry : bucket->second) {
      if (!SameDigest(entry.digest, parsed.digest)) continue;
      if (record.has_value()) {
        entry.record.revoked_micros = record->revoked_micros;
      } else {
        // Removed (only DeleteTenant removes keys; it forgets the tenant's
        // keys with it): make it fail from now on.
        entry.record.revoked_micros = 1;
      }
      return absl::OkStatus();
    }
  }
  if (record.has_value() && tenant != nullptr) {
    AddKeyLocked(parsed.digest, *std::move(record), tenant);
  }
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::ApplyListChanges(
    const std::string& name, const std::vector<std::string>& keys) {
  InMemoryTenant* tenant = FindImpl(name);
  if (tenant == nullptr) return absl::OkStatus();  // Its config comes first.
  absl::MutexLock write_lock(&tenant->write_mu_);
  if (tenant->deleted()) return absl::OkStatus();
  ParsedKey parsed;
  for (const std::string& key : keys) {
    if (!ParseKey(key, &parsed)) continue;
    if (parsed.kind == ParsedKey::Kind::kAttempt) {
      DNC_RETURN_IF_ERROR(ApplyAttemptChange(tenant, key, parsed));
      continue;
    }
    DNC_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(key));
    if (parsed.kind == ParsedKey::Kind::kOptOut) {
      OptOut opt_out;
      if (value.has_value() && !DecodeOptOut(*value, &opt_out)) {
        return DataLoss(key);
      }
      absl::MutexLock lock(&tenant->mu_);
      if (value.has_value()) {
        tenant->opt_outs_[parsed.e164] = opt_out.added;
      } else {
        tenant->opt_outs_.erase(parsed.e164);
      }
      continue;
    }
    // A consent record: in force (keep it), revoked or removed (drop it).
    StoredConsent consent;
    if (value.has_value() && !DecodeConsent(*value, &consent)) {
      return DataLoss(key);
    }
    const bool in_force = value.has_value() && !consent.revoked.has_value();
    if (value.has_value()) {
      tenant->next_consent_seq_ =
          std::max(tenant->next_consent_seq_, parsed.seq + 1);
    }
    absl::MutexLock lock(&tenant->mu_);
    std::vector<InForceConsent>& records = tenant->consents_[parsed.e164];
    bool found = false;
    for (size_t i = 0; i < records.size(); ++i) {
      if (records[i].seq != parsed.seq) continue;
      found = true;
      if (!in_force) {
        records.erase(records.begin() + i);
        --tenant->consent_count_;
      }
      break;
    }
    if (!found && in_force) {
      records.push_back({parsed.seq, consent.type, consent.date});
      ++tenant->consent_count_;
    }
    if (records.empty()) tenant->consents_.erase(parsed.e164);
  }
  return absl::OkStatus();
}

}  // namespace dnc::tenant
