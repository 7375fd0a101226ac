// Test world for the DNC.com endpoint: a registry (a fresh national list,
// a fresh Texas list, a Colorado list past its window) and a tenant store
// with two sellers, plus a phone list whose every entry carries the code
// each seller must get, worked out here from how the data was built (the
// oracle), not from the server's code:
//
//   acme (commercial; us-ftc for every US area code but 917; us-tx, us-co):
//     M  not 10 digits                 I  10 digits no one can be assigned
//     P  on acme's internal list       B  area code 917 (not subscribed)
//     O  listed, acme holds a purchase EBR (30 days) or written consent
//     D  listed (national, Texas or the stale Colorado list), no excuse;
//        also listed with only an inquiry EBR of 120 days (expired)
//     B  a Colorado number on no list (the Colorado copy is stale)
//     C  everything else
//   hope (charity; every source, every area code):
//     M, I as acme;  P on hope's internal list;  X listed anywhere (charity
//     calls are exempt from the US lists, and a list that does not apply is
//     not stale for the call);  C everything else
//
// Dates are relative to the real UTC date, so the real dnc-server (whose
// clock cannot be set) agrees with the in-process tests.
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_DNCCOM_DNCCOM_WORLD_H_
#define DNC_TESTS_DNCCOM_DNCCOM_WORLD_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/status_macros.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"

namespace dnc::test {

struct DncComEntry {
  std::string text;  // As sent in phoneList (before any "|ID").
  char acme = '?';   // The code each seller must get.
  char hope = '?';
  std::string reason_acme;  // The Reason acme must get, where checked.
};

struct DncComWorld {
  DayNumber today = 0;
  DayNumber listed_on = 0;  // The day every listing was added.
  std::unique_ptr<tenant::TenantStore> store;
  std::string acme_key;
  std::string hope_key;
  std::vector<DncComEntry> entries;  // Shuffled.
};

namespace dnccom_world_internal {

inline std::string Ten(uint64_t e164) {
  return std::to_string(e164 - 10000000000ULL);
}

}  // namespace dnccom_world_internal

// Builds the world under root/data and root/tenants with about `clean`
// clean numbers beside the rest (at least a few of every kind).
inline absl::Status BuildDncComWorld(const std::string& root, size_t clean,
                                     uint64_t seed, DncComWorld* world) {
  using dnccom_world_internal::Ten;
  world->today = TodayUtc();
  world->listed_on = world->today - 400;
  const DayNumber today = world->today;
  std::mt19937_64 rng(seed);
  std::set<uint64_t> used;
  auto fresh = [&](int npa) {
    for (;;) {
      const uint64_t e164 = RandomValidInAreaCode(rng, npa);
      if (used.insert(e164).second) return e164;
    }
  };
  const std::vector<int> general = {202, 212, 305, 415, 617, 312, 206};
  auto pick_general = [&] { return fresh(general[rng() % general.size()]); };
  const size_t few = std::max<size_t>(3, clean / 50);

  FixtureSource ftc;
  ftc.source = "us-ftc";
  ftc.kind = "national";
  ftc.as_of = today - 5;
  FixtureSource tx;
  tx.source = "us-tx";
  tx.jurisdiction = "US-TX";
  tx.kind = "state";
  tx.as_of = today - 5;
  FixtureSource co;
  co.source = "us-co";
  co.jurisdiction = "US-CO";
  co.kind = "state";
  co.as_of = today - 100;  // Past its 31 days.
  std::vector<uint64_t> acme_internal, hope_internal;
  std::vector<tenant::StoredConsent> consents;
  const std::string listed_date = FormatIsoDate(world->listed_on);

  auto add = [&](std::string text, char acme, char hope,
                 std::string reason = "") {
    world->entries.push_back({std::move(text), acme, hope, std::move(reason)});
  };
  for (size_t i = 0; i < clean; ++i) add(Ten(pick_general()), 'C', 'C', ";;;");
  for (size_t i = 0; i < few; ++i) {
    const uint64_t listed = pick_general();
    ftc.keys.push_back(listed);
    add(Ten(listed), 'D', 'X',
        absl::StrCat("National (USA) ", listed_date, ";;;"));
    const uint64_t texas = fresh(i % 2 ? 214 : 512);
    tx.keys.push_back(texas);
    add(Ten(texas), 'D', 'X', absl::StrCat(";State (TX) ", listed_date, ";;"));
    add(Ten(fresh(214)), 'C', 'C', ";;;");
    const uint64_t colorado_listed = fresh(303);
    co.keys.push_back(colorado_listed);
    add(Ten(colorado_listed), 'D', 'X');
    add(Ten(fresh(720)), 'B', 'C',
        absl::StrCat("Stale (us-co as of ", FormatIsoDate(co.as_of), ");;;"));
    add(Ten(fresh(917)), 'B', 'C', "Not subscribed (us-ftc 917);;;");
    const uint64_t listed_917 = fresh(917);
    ftc.keys.push_back(listed_917);
    add(Ten(listed_917), 'B', 'X', "Not subscribed (us-ftc 917);;;");
    // The seller's records.
    const uint64_t purchase = pick_general();
    ftc.keys.push_back(purchase);
    consents.push_back({purchase, policy::ConsentType::kPurchase, today - 30});
    add(Ten(purchase), 'O', 'X');
    const uint64_t written = pick_general();
    ftc.keys.push_back(written);
    consents.push_back({written, policy::ConsentType::kWritten, today - 700});
    add(Ten(written), 'O', 'X');
    const uint64_t inquiry_old = pick_general();
    ftc.keys.push_back(inquiry_old);
    consents.push_back(
        {inquiry_old, policy::ConsentType::kInquiry, today - 120});
    add(Ten(inquiry_old), 'D', 'X');
    const uint64_t internal_listed = pick_general();
    ftc.keys.push_back(internal_listed);
    acme_internal.push_back(internal_listed);
    add(Ten(internal_listed), 'P', 'X');
    const uint64_t internal = pick_general();
    acme_internal.push_back(internal);
    add(Ten(internal), 'P', 'C');
    const uint64_t hope_own = pick_general();
    hope_internal.push_back(hope_own);
    add(Ten(hope_own), 'C', 'P');
  }
  for (const char* invalid :
       {"9115551234", "2125550150", "0125551234", "2021234567", "3712345678"}) {
    add(invalid, 'I', 'I');
  }
  for (const char* malformed : {"12345", "202555012a", "12025550123",
                                "(202)5550123", "+12025550123", "x"}) {
    add(malformed, 'M', 'M', "Malformed (not 10 digits);;;");
  }
  ftc.added.assign(ftc.keys.size(), world->listed_on);
  tx.added.assign(tx.keys.size(), world->listed_on);
  co.added.assign(co.keys.size(), world->listed_on);
  const std::string data = root + "/data";
  for (const FixtureSource* source : {&ftc, &tx, &co}) {
    DNC_RETURN_IF_ERROR(PublishFixtureSource(data, *source).status());
  }

  DNC_ASSIGN_OR_RETURN(world->store,
                       tenant::TenantStore::Open(root + "/tenants", true));
  tenant::Entitlement ftc_most;
  ftc_most.source = "us-ftc";
  for (int npa : UsStateAreaCodes()) {
    if (npa != 917) ftc_most.area_codes.push_back(static_cast<uint32_t>(npa));
  }
  tenant::Entitlement ftc_all{"us-ftc", true, {}};
  tenant::Entitlement tx_all{"us-tx", true, {}};
  tenant::Entitlement co_all{"us-co", true, {}};
  tenant::TenantConfig acme{
      "acme", policy::Purpose::kCommercial, {ftc_most, tx_all, co_all}, {}};
  tenant::TenantConfig hope{
      "hope", policy::Purpose::kCharity, {ftc_all, tx_all, co_all}, {}};
  DNC_RETURN_IF_ERROR(world->store->CreateTenant(acme));
  DNC_RETURN_IF_ERROR(world->store->CreateTenant(hope));
  DNC_ASSIGN_OR_RETURN(world->acme_key,
                       world->store->CreateApiKey("acme", "vicidial"));
  DNC_ASSIGN_OR_RETURN(world->hope_key,
                       world->store->CreateApiKey("hope", "vicidial"));
  const tenant::Tenant& acme_tenant = *world->store->Find("acme");
  const tenant::Tenant& hope_tenant = *world->store->Find("hope");
  std::vector<bool> changed;
  DNC_RETURN_IF_ERROR(world->store->AddOptOuts(acme_tenant, acme_internal,
                                               today - 10, "asked", &changed));
  DNC_RETURN_IF_ERROR(world->store->AddOptOuts(hope_tenant, hope_internal,
                                               today - 10, "asked", &changed));
  DNC_RETURN_IF_ERROR(world->store->AddConsents(acme_tenant, consents));
  std::shuffle(world->entries.begin(), world->entries.end(), rng);
  return absl::OkStatus();
}

}  // namespace dnc::test

#endif  // DNC_TESTS_DNCCOM_DNCCOM_WORLD_H_
