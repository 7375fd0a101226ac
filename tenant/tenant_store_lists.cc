// TenantStoreImpl's internal list (opt-outs) and EBR/consent records.
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "tenant/record_rules.h"
#include "tenant/store_keys.h"
#include "tenant/tenant_store_impl.h"

namespace dnc::tenant {
namespace {

// The numbers of `e164` whose presence on the tenant's internal list is
// `on_list`, each once, in order; (*chosen)[i] is true for the e164[i]
// returned. REQUIRES: tenant->mu_ held.
std::vector<uint64_t> ChooseNumbers(const InMemoryTenant& tenant,
                                    absl::Span<const uint64_t> e164,
                                    bool on_list, std::vector<bool>* chosen)
    ABSL_SHARED_LOCKS_REQUIRED(tenant.mu_) {
  std::vector<uint64_t> numbers;
  absl::flat_hash_set<uint64_t> in_batch;
  for (size_t i = 0; i < e164.size(); ++i) {
    if (tenant.opt_outs_.contains(e164[i]) != on_list) continue;
    if (!in_batch.insert(e164[i]).second) continue;
    (*chosen)[i] = true;
    numbers.push_back(e164[i]);
  }
  return numbers;
}

}  // namespace

absl::Status TenantStoreImpl::AddOptOuts(const Tenant& handle,
                                         absl::Span<const uint64_t> e164,
                                         DayNumber day, std::string_view note,
                                         std::vector<bool>* changed) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  for (uint64_t number : e164) {
    DNC_RETURN_IF_ERROR(CheckE164(number, "add opt-outs"));
  }
  DNC_RETURN_IF_ERROR(CheckNote(note, "add opt-outs"));
  std::vector<bool> added(e164.size(), false);
  absl::MutexLock write_lock(&tenant->write_mu_);
  DNC_RETURN_IF_ERROR(CheckNotDeleted(*tenant, "add opt-outs"));
  std::vector<uint64_t> fresh;
  {
    absl::ReaderMutexLock lock(&tenant->mu_);
    fresh = ChooseNumbers(*tenant, e164, /*on_list=*/false, &added);
  }
  // A company-specific do-not-call request ends every EBR and consent of
  // the number: revoked in the same batch, so both or neither happen.
  KvBatch batch;
  DNC_ASSIGN_OR_RETURN(Revocations ending,
                       PrepareRevocations(tenant, e164, day, &batch));
  if (!fresh.empty() || !ending.empty()) {
    const std::string value = EncodeOptOut(day, note);
    for (uint64_t number : fresh) {
      batch.Put(OptOutKey(tenant->name(), number), value);
    }
    DNC_RETURN_IF_ERROR(
        Write(batch, /*sync=*/true, "add opt-outs", tenant->name()));
    ApplyRevocations(tenant, ending);
    absl::MutexLock lock(&tenant->mu_);
    for (uint64_t number : fresh) tenant->opt_outs_[number] = day;
  }
  if (changed != nullptr) *changed = std::move(added);
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::RemoveOptOuts(const Tenant& handle,
                                            absl::Span<const uint64_t> e164,
                                            std::vector<bool>* changed) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  std::vector<bool> removed(e164.size(), false);
  absl::MutexLock write_lock(&tenant->write_mu_);
  DNC_RETURN_IF_ERROR(CheckNotDeleted(*tenant, "remove opt-outs"));
  std::vector<uint64_t> gone;
  {
    absl::ReaderMutexLock lock(&tenant->mu_);
    gone = ChooseNumbers(*tenant, e164, /*on_list=*/true, &removed);
  }
  if (!gone.empty()) {
    KvBatch batch;
    for (uint64_t number : gone) {
      batch.Delete(OptOutKey(tenant->name(), number));
    }
    DNC_RETURN_IF_ERROR(
        Write(batch, /*sync=*/true, "remove opt-outs", tenant->name()));
    absl::MutexLock lock(&tenant->mu_);
    for (uint64_t number : gone) tenant->opt_outs_.erase(number);
  }
  if (changed != nullptr) *changed = std::move(removed);
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::AddConsents(
    const Tenant& handle, absl::Span<const StoredConsent> records) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  for (const StoredConsent& record : records) {
    DNC_RETURN_IF_ERROR(CheckE164(record.e164, "add consents"));
    DNC_RETURN_IF_ERROR(CheckNote(record.note, "add consents"));
    DNC_RETURN_IF_ERROR(CheckConsentType(record, "add consents"));
  }
  if (records.empty()) return absl::OkStatus();
  absl::MutexLock write_lock(&tenant->write_mu_);
  DNC_RETURN_IF_ERROR(CheckNotDeleted(*tenant, "add consents"));
  uint64_t seq = tenant->next_consent_seq_;
  KvBatch batch;
  for (const StoredConsent& record : records) {
    // Insert: a replica that wrote this tenant's records since this one
    // last heard makes the batch fail (Aborted) rather than be overwritten.
    batch.Insert(ConsentKey(tenant->name(), record.e164, seq++),
                 EncodeConsent(record));
  }
  DNC_RETURN_IF_ERROR(
      Write(batch, /*sync=*/true, "add consents", tenant->name()));
  seq = tenant->next_consent_seq_;
  tenant->next_consent_seq_ += records.size();
  absl::MutexLock lock(&tenant->mu_);
  for (const StoredConsent& record : records) {
    const uint64_t this_seq = seq++;
    if (record.revoked.has_value()) continue;
    tenant->consents_[record.e164].push_back(
        {this_seq, record.type, record.date});
    ++tenant->consent_count_;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> TenantStoreImpl::RevokeConsents(
    const Tenant& handle, absl::Span<const uint64_t> e164, DayNumber day) {
  DNC_ASSIGN_OR_RETURN(InMemoryTenant * tenant, Own(handle));
  absl::MutexLock write_lock(&tenant->write_mu_);
  DNC_RETURN_IF_ERROR(CheckNotDeleted(*tenant, "revoke consents"));
  KvBatch batch;
  DNC_ASSIGN_OR_RETURN(Revocations ending,
                       PrepareRevocations(tenant, e164, day, &batch));
  if (ending.empty()) return 0;
  DNC_RETURN_IF_ERROR(
      Write(batch, /*sync=*/true, "revoke consents", tenant->name()));
  ApplyRevocations(tenant, ending);
  return ending.size();
}

absl::StatusOr<TenantStoreImpl::Revocations>
TenantStoreImpl::PrepareRevocations(InMemoryTenant* tenant,
                                    absl::Span<const uint64_t> e164,
                                    DayNumber day, KvBatch* batch) {
  Revocations ending;
  {
    absl::ReaderMutexLock lock(&tenant->mu_);
    if (tenant->consents_.empty()) return ending;
    absl::flat_hash_set<uint64_t> seen;
    for (uint64_t number : e164) {
      auto it = tenant->consents_.find(number);
      if (it == tenant->consents_.end()) continue;
      if (!seen.insert(number).second) continue;
      for (const InForceConsent& consent : it->second) {
        ending.emplace_back(number, consent.seq);
      }
    }
  }
  for (const auto& [number, seq] : ending) {
    const std::string key = ConsentKey(tenant->name(), number, seq);
    DNC_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(key));
    if (!value.has_value()) return DataLoss(key);
    StoredConsent consent;
    if (!DecodeConsent(*value, &consent)) return DataLoss(key);
    consent.revoked = day;
    batch->Put(key, EncodeConsent(consent));
  }
  return ending;
}

void TenantStoreImpl::ApplyRevocations(InMemoryTenant* tenant,
                                       const Revocations& ending) {
  if (ending.empty()) return;
  absl::MutexLock lock(&tenant->mu_);
  for (const auto& [number, seq] : ending) {
    auto it = tenant->consents_.find(number);
    if (it == tenant->consents_.end()) continue;
    tenant->consent_count_ -= it->second.size();
    tenant->consents_.erase(it);
  }
}

std::vector<StoredConsent> TenantStoreImpl::ListConsents(
    const Tenant& handle, absl::Span<const uint64_t> e164) const {
  std::vector<StoredConsent> out;
  absl::StatusOr<InMemoryTenant*> tenant = Own(handle);
  if (!tenant.ok()) return out;
  std::unique_ptr<KvIterator> it = kv_->NewIterator();
  absl::flat_hash_set<uint64_t> seen;
  for (uint64_t number : e164) {
    if (!seen.insert(number).second) continue;
    const std::string prefix = ConsentPrefix((*tenant)->name(), number);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string_view key = it->key();
      if (!HasPrefix(key, prefix)) break;
      StoredConsent consent;
      if (!DecodeConsent(it->value(), &consent)) {
        continue;  // Load() already refused damaged records.
      }
      consent.e164 = number;
      out.push_back(std::move(consent));
    }
  }
  return out;
}

}  // namespace dnc::tenant
