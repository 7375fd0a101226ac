// TenantStore::Open (choosing the backend) and what every part of
// TenantStoreImpl shares: the layout check, loading the store into memory
// and the write helper.
#include "tenant/tenant_store.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "tenant/api_key.h"
#include "tenant/kv_store.h"
#include "tenant/postgres_kv_store.h"
#include "tenant/rocksdb_kv_store.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {
namespace {

// What Load() gathers for one tenant before it is published (unlocked: no
// other thread sees it yet).
struct LoadingTenant {
  bool configured = false;
  // Has opt-out or consent records (which a deleted tenant has not).
  bool has_lists = false;
  policy::Purpose purpose = policy::Purpose::kCommercial;
  std::vector<Entitlement> entitlements;
  TenantLimits limits;
  int64_t created = 0;
  absl::flat_hash_map<uint64_t, DayNumber> opt_outs;
  absl::flat_hash_map<uint64_t, std::vector<InForceConsent>> consents;
  uint64_t consent_count = 0;
  uint64_t next_consent_seq = 1;
  RecentAttempts attempts;
};

// Adds the config, opt-out or consent record `value` (of the key `parsed`)
// to `t`; false if it does not decode or is of another kind.
bool LoadTenantRecord(const ParsedKey& parsed, std::string_view value,
                      LoadingTenant* t) {
  switch (parsed.kind) {
    case ParsedKey::Kind::kOptOut: {
      OptOut opt_out;
      if (!DecodeOptOut(value, &opt_out)) return false;
      t->opt_outs[parsed.e164] = opt_out.added;
      t->has_lists = true;
      return true;
    }
    case ParsedKey::Kind::kConsent: {
      StoredConsent consent;
      if (!DecodeConsent(value, &consent)) return false;
      t->has_lists = true;
      t->next_consent_seq = std::max(t->next_consent_seq, parsed.seq + 1);
      if (!consent.revoked.has_value()) {
        t->consents[parsed.e164].push_back(
            {parsed.seq, consent.type, consent.date});
        ++t->consent_count;
      }
      return true;
    }
    case ParsedKey::Kind::kConfig: {
      TenantConfig config;
      if (!DecodeConfig(value, &config, &t->created)) return false;
      t->purpose = config.default_purpose;
      t->entitlements = std::move(config.entitlements);
      t->limits = config.limits;
      t->configured = true;
      return true;
    }
    default:
      return false;
  }
}

// Layout 1 to 2: writes the time-index entry of every audit record (in
// unsynced batches; Put is idempotent, so an upgrade cut short is redone at
// the next open), then the new layout value, synced.
absl::Status AddAuditIndex(KvStore* kv) {
  constexpr size_t kBatchEntries = 10000;
  constexpr char kOperation[] = "upgrade tenant store (audit time index)";
  std::unique_ptr<KvIterator> it = kv->NewIterator(/*bulk=*/true);
  KvBatch batch;
  ParsedKey parsed;
  AuditKeyParts parts;
  for (it->Seek("t/"); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (!HasPrefix(key, "t/")) break;
    if (!ParseKey(key, &parsed) || parsed.kind != ParsedKey::Kind::kAudit) {
      continue;  // Load() reports keys outside the layout.
    }
    const std::string name(parsed.tenant);
    if (!ParseAuditKey(key, TenantPrefix(name), &parts)) {
      return absl::DataLossError(
          absl::StrCat("upgrade tenant store ", kv->where(), ": audit key ",
                       PrintableKey(key), " cannot be read"));
    }
    batch.Put(AuditIndexKey(name, parts.job_id, parts.sequence, parts.time,
                            parts.counter),
              "");
    if (batch.Count() >= kBatchEntries) {
      DNC_RETURN_IF_ERROR(kv->Write(batch, /*sync=*/false, kOperation));
      batch.Clear();
    }
  }
  DNC_RETURN_IF_ERROR(it->status());
  batch.Put(kFormatKey, kFormatValue);
  return kv->Write(batch, /*sync=*/true, kOperation);
}

// Checks the layout version key, writing it into a new store and upgrading
// layout 1.
absl::Status CheckLayout(KvStore* kv) {
  DNC_ASSIGN_OR_RETURN(std::optional<std::string> format, kv->Get(kFormatKey));
  if (!format.has_value()) {
    KvBatch batch;
    batch.Put(kFormatKey, kFormatValue);
    return kv->Write(batch, /*sync=*/true, "open tenant store");
  }
  if (*format == kFormatValueV1) return AddAuditIndex(kv);
  return absl::OkStatus();  // Load() refuses a layout it does not know.
}

}  // namespace

struct TenantStoreImpl::Loaded {
  absl::flat_hash_map<std::string, LoadingTenant> tenants;
  std::vector<std::pair<Sha256Digest, ApiKeyRecord>> keys;
};

std::string RedactedLocation(std::string_view location) {
  return IsPostgresLocation(location) ? RedactedUrl(location)
                                      : std::string(location);
}

absl::StatusOr<std::unique_ptr<TenantStore>> TenantStore::Open(
    const std::string& location, bool create_if_missing) {
  std::unique_ptr<KvStore> kv;
  if (IsPostgresLocation(location)) {
    DNC_ASSIGN_OR_RETURN(kv, OpenPostgresKvStore(location, IsFollowedKey));
  } else {
    DNC_ASSIGN_OR_RETURN(kv, OpenRocksDbKvStore(location, create_if_missing));
  }
  DNC_RETURN_IF_ERROR(CheckLayout(kv.get()));
  auto store = std::make_unique<TenantStoreImpl>(std::move(kv));
  DNC_RETURN_IF_ERROR(store->Load());
  return store;
}

absl::Status TenantStore::Migrate(const std::string& location) {
  if (!IsPostgresLocation(location)) {
    // The embedded store upgrades its layout when it is opened.
    DNC_ASSIGN_OR_RETURN(std::unique_ptr<TenantStore> store,
                         Open(location, /*create_if_missing=*/true));
    return absl::OkStatus();
  }
  return MigratePostgresSchema(location);
}

TenantStoreImpl::TenantStoreImpl(std::unique_ptr<KvStore> kv)
    : kv_(std::move(kv)), where_(kv_->where()) {
  if (kv_->shared()) {
    // Audit keys name (time, counter): replicas writing in the same
    // microsecond must not count from the same start.
    audit_counter_ = absl::Uniform<uint32_t>(absl::BitGen()) * uint64_t{1000};
  }
}

TenantStoreImpl::~TenantStoreImpl() { kv_->StopFollowing(); }

absl::Status TenantStoreImpl::Write(const KvBatch& batch, bool sync,
                                    std::string_view operation,
                                    std::string_view tenant) {
  return kv_->Write(batch, sync,
                    absl::StrCat(std::string(operation), " for tenant ",
                                 std::string(tenant)));
}

absl::Status TenantStoreImpl::CheckNotDeleted(
    const InMemoryTenant& tenant, std::string_view operation) const {
  if (!tenant.deleted()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(std::string(operation), ": tenant ", tenant.name(),
                   " was deleted from ", where_));
}

absl::Status TenantStoreImpl::DataLoss(std::string_view key) const {
  return absl::DataLossError(
      absl::StrCat("tenant store ", where_, ": record ", PrintableKey(key),
                   " cannot be read (unknown version or damaged)"));
}

InMemoryTenant* TenantStoreImpl::FindImpl(std::string_view name) const {
  absl::ReaderMutexLock lock(&tenants_mu_);
  auto it = tenants_.find(absl::string_view(name.data(), name.size()));
  return it == tenants_.end() ? nullptr : it->second.get();
}

absl::StatusOr<InMemoryTenant*> TenantStoreImpl::Named(
    std::string_view name, std::string_view operation) const {
  InMemoryTenant* tenant = FindImpl(name);
  if (tenant == nullptr) {
    return absl::NotFoundError(absl::StrCat(std::string(operation),
                                            ": no tenant ", std::string(name),
                                            " in ", where_));
  }
  return tenant;
}

absl::StatusOr<InMemoryTenant*> TenantStoreImpl::Own(
    const Tenant& tenant) const {
  if (tenant.deleted()) {
    return absl::FailedPreconditionError(
        absl::StrCat("tenant ", tenant.name(), " was deleted from ", where_));
  }
  InMemoryTenant* impl = FindImpl(tenant.name());
  if (impl == nullptr || impl != &tenant) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tenant ", tenant.name(), " is not a tenant of the store ", where_));
  }
  return impl;
}

const Tenant* TenantStoreImpl::Find(std::string_view name) const {
  return FindImpl(name);
}

// Loads every tenant's config, opt-outs, in-force consents, recent attempts
// and API keys; skips audit records, their index, job files and older
// attempts (not needed for serving).
// A name with only those (no config, no lists) is a deleted tenant's.
absl::Status TenantStoreImpl::Load() {
  Loaded loaded;
  const absl::Time now = absl::Now();
  const absl::Time horizon = now - RecentAttemptsHorizon();
  std::unique_ptr<KvIterator> it = kv_->NewIterator(/*bulk=*/true);
  // The tenant of the previous key: keys of one tenant are contiguous.
  std::string name;
  LoadingTenant* t = nullptr;
  ParsedKey parsed;
  for (it->Seek(""); it->Valid();) {
    const std::string_view key = it->key();
    const std::string_view value = it->value();
    if (!ParseKey(key, &parsed)) return DataLoss(key);
    if (parsed.kind == ParsedKey::Kind::kFormat) {
      if (value != kFormatValue) {
        return absl::FailedPreconditionError(absl::StrCat(
            "open tenant store ", where_, ": layout '", std::string(value),
            "' is not '", kFormatValue, "' (written by another version)"));
      }
    } else if (parsed.kind == ParsedKey::Kind::kApiKey) {
      ApiKeyRecord record;
      if (!DecodeApiKey(value, &record)) return DataLoss(key);
      loaded.keys.emplace_back(parsed.digest, std::move(record));
    } else {
      if (t == nullptr || parsed.tenant != name) {
        name = std::string(parsed.tenant);
        t = &loaded.tenants[name];
      }
      if (parsed.kind == ParsedKey::Kind::kAudit ||
          parsed.kind == ParsedKey::Kind::kAuditIndex ||
          parsed.kind == ParsedKey::Kind::kJobFiles ||
          parsed.kind == ParsedKey::Kind::kAttemptIndex) {
        it->Seek(EndOfRange(name, parsed.kind));  // Skip the whole range.
        continue;
      }
      if (parsed.kind == ParsedKey::Kind::kAttempt) {
        // Only attempts young enough to count are kept in memory.
        t->has_lists = true;
        if (parsed.time <= horizon) {
          it->Seek(AttemptSeek(name, horizon + absl::Microseconds(1)));
          continue;
        }
        std::string subject;
        if (!DecodeAttempt(value, &subject)) return DataLoss(key);
        t->attempts.Add(parsed.e164, absl::ToUnixMicros(parsed.time),
                        parsed.seq, subject, now);
        it->Next();
        continue;
      }
      if (!LoadTenantRecord(parsed, value, t)) return DataLoss(key);
    }
    it->Next();
  }
  DNC_RETURN_IF_ERROR(it->status());
  DNC_RETURN_IF_ERROR(Publish(loaded));
  kv_->Follow([this](const std::vector<KvChange>& changes) {
    return ApplyChanges(changes);
  });
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::ReloadLists(InMemoryTenant* tenant) {
  LoadingTenant loading;
  std::unique_ptr<KvIterator> it = kv_->NewIterator(/*bulk=*/true);
  ParsedKey parsed;
  for (const char* part : {"o/", "c/"}) {
    const std::string prefix = TenantPrefix(tenant->name()) + part;
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string_view key = it->key();
      if (!HasPrefix(key, prefix)) break;
      if (!ParseKey(key, &parsed) ||
          !LoadTenantRecord(parsed, it->value(), &loading)) {
        return DataLoss(key);
      }
    }
    DNC_RETURN_IF_ERROR(it->status());
  }
  tenant->next_consent_seq_ =
      std::max(tenant->next_consent_seq_, loading.next_consent_seq);
  absl::MutexLock lock(&tenant->mu_);
  tenant->opt_outs_ = std::move(loading.opt_outs);
  tenant->consents_ = std::move(loading.consents);
  tenant->consent_count_ = loading.consent_count;
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::Publish(Loaded& loaded) {
  absl::flat_hash_map<std::string, std::unique_ptr<InMemoryTenant>> tenants;
  absl::flat_hash_set<std::string> deleted_names;
  for (auto& [name, loading] : loaded.tenants) {
    if (!loading.configured) {
      // Audit records (and job files) outlive DeleteTenant; lists do not.
      if (loading.has_lists) return DataLoss(ConfigKey(name));
      deleted_names.insert(name);
      continue;
    }
    auto tenant = std::make_unique<InMemoryTenant>(name);
    absl::MutexLock write_lock(&tenant->write_mu_);
    absl::MutexLock lock(&tenant->mu_);
    tenant->created_ = loading.created;
    tenant->next_consent_seq_ = loading.next_consent_seq;
    tenant->purpose_ = loading.purpose;
    tenant->entitlements_ = std::move(loading.entitlements);
    tenant->limits_ = loading.limits;
    tenant->opt_outs_ = std::move(loading.opt_outs);
    tenant->consents_ = std::move(loading.consents);
    tenant->consent_count_ = loading.consent_count;
    tenant->attempts_ = std::move(loading.attempts);
    tenants[name] = std::move(tenant);
  }
  absl::MutexLock tenants_lock(&tenants_mu_);
  absl::MutexLock keys_lock(&keys_mu_);
  tenants_ = std::move(tenants);
  deleted_names_ = std::move(deleted_names);
  // Keys in creation order (ListApiKeys shows oldest first).
  std::stable_sort(loaded.keys.begin(), loaded.keys.end(),
                   [](const auto& a, const auto& b) {
                     return a.second.created_micros < b.second.created_micros;
                   });
  for (auto& [digest, record] : loaded.keys) {
    auto tenant = tenants_.find(record.tenant);
    if (tenant == tenants_.end()) return DataLoss(ApiKeyKey(digest));
    AddKeyLocked(digest, std::move(record), tenant->second.get());
  }
  return absl::OkStatus();
}

void TenantStoreImpl::AddKeyLocked(const Sha256Digest& digest,
                                   ApiKeyRecord record,
                                   InMemoryTenant* tenant) {
  std::vector<KeyEntry>& bucket = keys_[DigestPrefix(digest)];
  key_order_.emplace_back(DigestPrefix(digest), bucket.size());
  bucket.push_back({digest, std::move(record), tenant});
}

}  // namespace dnc::tenant
