// TenantStore::Open and what every part of TenantStoreImpl shares: loading
// the database into memory, the write helper and the WAL-sync thread.
#include "tenant/tenant_store.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "storage/rocksdb_status.h"
#include "tenant/api_key.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {
namespace {

namespace fs = std::filesystem;

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
absl::Status AddAuditIndex(rocksdb::DB* db, const std::string& dir) {
  constexpr size_t kBatchEntries = 10000;
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options));
  rocksdb::WriteBatch batch;
  ParsedKey parsed;
  AuditKeyParts parts;
  for (it->Seek("t/"); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!HasPrefix(key, "t/")) break;
    if (!ParseKey(key, &parsed) || parsed.kind != ParsedKey::Kind::kAudit) {
      continue;  // Load() reports keys outside the layout.
    }
    const std::string name(parsed.tenant);
    if (!ParseAuditKey(key, TenantPrefix(name), &parts)) {
      return absl::DataLossError(absl::StrCat("upgrade tenant store ", dir,
                                              ": audit key ", PrintableKey(key),
                                              " cannot be read"));
    }
    batch.Put(AuditIndexKey(name, parts.job_id, parts.sequence, parts.time,
                            parts.counter),
              "");
    if (batch.Count() >= kBatchEntries) {
      DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
          db->Write(rocksdb::WriteOptions(), &batch),
          "upgrade tenant store (audit time index)", dir));
      batch.Clear();
    }
  }
  DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
      it->status(), "upgrade tenant store (audit time index)", dir));
  batch.Put(kFormatKey, kFormatValue);
  rocksdb::WriteOptions synced;
  synced.sync = true;
  return storage::FromRocksDbStatus(db->Write(synced, &batch),
                                    "upgrade tenant store (audit time index)",
                                    dir);
}

// Opens (or creates) the RocksDB database and checks or writes its layout
// version key (upgrading layout 1).
absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenDatabase(
    const std::string& dir, bool create_if_missing) {
  rocksdb::Options options;
  options.create_if_missing = create_if_missing;
  options.keep_log_file_num = 5;
  options.max_manifest_file_size = 64 << 20;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, dir, &raw_db);
  if (status.IsIOError() &&
      absl::StrContains(absl::AsciiStrToLower(status.ToString()), "lock")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "open tenant store ", dir,
        ": the directory is in use by another process (a dnc-server may be "
        "running on it; stop it first): ",
        status.ToString()));
  }
  DNC_RETURN_IF_ERROR(
      storage::FromRocksDbStatus(status, "open tenant store", dir));
  std::unique_ptr<rocksdb::DB> db(raw_db);
  std::string format;
  status = db->Get(rocksdb::ReadOptions(), kFormatKey, &format);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    status = db->Put(write_options, kFormatKey, kFormatValue);
  }
  DNC_RETURN_IF_ERROR(
      storage::FromRocksDbStatus(status, "open tenant store", dir));
  if (format == kFormatValueV1) {
    DNC_RETURN_IF_ERROR(AddAuditIndex(db.get(), dir));
  }
  return db;
}

}  // namespace

struct TenantStoreImpl::Loaded {
  absl::flat_hash_map<std::string, LoadingTenant> tenants;
  std::vector<std::pair<Sha256Digest, ApiKeyRecord>> keys;
};

absl::StatusOr<std::unique_ptr<TenantStore>> TenantStore::Open(
    const std::string& dir, bool create_if_missing) {
  std::error_code ec;
  if (!create_if_missing && !fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return absl::NotFoundError(
        absl::StrCat("open tenant store ", dir,
                     ": no tenant store there (create one with "
                     "'dnc-tenant --tenants ",
                     dir, " create NAME ...')"));
  }
  if (create_if_missing) {
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::InternalError(absl::StrCat(
          "open tenant store ", dir, ": cannot create it: ", ec.message()));
    }
  }
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::DB> db,
                       OpenDatabase(dir, create_if_missing));
  auto store = std::make_unique<TenantStoreImpl>(dir, std::move(db));
  DNC_RETURN_IF_ERROR(store->Load());
  store->StartWalSync();
  return store;
}

TenantStoreImpl::TenantStoreImpl(std::string dir,
                                 std::unique_ptr<rocksdb::DB> db)
    : dir_(std::move(dir)), db_(std::move(db)) {}

TenantStoreImpl::~TenantStoreImpl() {
  {
    absl::MutexLock lock(&sync_mu_);
    stopping_ = true;
  }
  if (sync_thread_.joinable()) sync_thread_.join();
  if (unsynced_.exchange(false)) {
    db_->FlushWAL(/*sync=*/true).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

void TenantStoreImpl::StartWalSync() {
  sync_thread_ = std::thread([this] { WalSyncLoop(); });
}

void TenantStoreImpl::WalSyncLoop() {
  while (true) {
    {
      absl::MutexLock lock(&sync_mu_);
      sync_mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      if (stopping_) return;
    }
    if (unsynced_.exchange(false)) {
      rocksdb::Status status = db_->FlushWAL(/*sync=*/true);
      if (!status.ok()) unsynced_ = true;  // Try again next time.
    }
  }
}

absl::Status TenantStoreImpl::Write(rocksdb::WriteBatch* batch, bool sync,
                                    std::string_view operation,
                                    std::string_view tenant) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  rocksdb::Status status = db_->Write(options, batch);
  if (status.ok() && !sync) unsynced_ = true;
  return storage::FromRocksDbStatus(
      status,
      absl::StrCat(std::string(operation), " for tenant ", std::string(tenant),
                   " in tenant store"),
      dir_);
}

absl::Status TenantStoreImpl::CheckNotDeleted(
    const InMemoryTenant& tenant, std::string_view operation) const {
  if (!tenant.deleted()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(std::string(operation), ": tenant ", tenant.name(),
                   " was deleted from ", dir_));
}

absl::Status TenantStoreImpl::DataLoss(std::string_view key) const {
  return absl::DataLossError(
      absl::StrCat("tenant store ", dir_, ": record ", PrintableKey(key),
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
                                            " in ", dir_));
  }
  return tenant;
}

absl::StatusOr<InMemoryTenant*> TenantStoreImpl::Own(
    const Tenant& tenant) const {
  if (tenant.deleted()) {
    return absl::FailedPreconditionError(
        absl::StrCat("tenant ", tenant.name(), " was deleted from ", dir_));
  }
  InMemoryTenant* impl = FindImpl(tenant.name());
  if (impl == nullptr || impl != &tenant) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tenant ", tenant.name(), " is not a tenant of the store ", dir_));
  }
  return impl;
}

const Tenant* TenantStoreImpl::Find(std::string_view name) const {
  return FindImpl(name);
}

// Loads every tenant's config, opt-outs, in-force consents and API keys;
// skips audit records, their index and job files (not needed for serving).
// A name with only those (no config, no lists) is a deleted tenant's.
absl::Status TenantStoreImpl::Load() {
  Loaded loaded;
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  read_options.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  // The tenant of the previous key: keys of one tenant are contiguous.
  std::string name;
  LoadingTenant* t = nullptr;
  ParsedKey parsed;
  for (it->SeekToFirst(); it->Valid();) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (!ParseKey(key, &parsed)) return DataLoss(key);
    if (parsed.kind == ParsedKey::Kind::kFormat) {
      if (value != kFormatValue) {
        return absl::FailedPreconditionError(absl::StrCat(
            "open tenant store ", dir_, ": layout '", std::string(value),
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
          parsed.kind == ParsedKey::Kind::kJobFiles) {
        it->Seek(EndOfRange(name, parsed.kind));  // Skip the whole range.
        continue;
      }
      if (!LoadTenantRecord(parsed, value, t)) return DataLoss(key);
    }
    it->Next();
  }
  DNC_RETURN_IF_ERROR(
      storage::FromRocksDbStatus(it->status(), "read tenant store", dir_));
  return Publish(loaded);
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
