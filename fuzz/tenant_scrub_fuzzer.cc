// Fuzz target: the request path of dnc-server for a tenant:
// ScrubServiceImpl::ScrubInto with the tenant's records
// (service/tenant_facts.h: internal list, entitlements, EBR and consent)
// decided by policy::Decide with the call's purpose, and its audit record, over
// a small registry and a tenant store made once at start-up: a fresh national
// US list and a Texas state list; tenant "acme" entitled to both, with an
// internal list and a written consent; tenant "gamma" entitled to area code 202
// of the US list only.
//
// The first byte picks the tenant (bit 0) and how the rest is read (bit 1:
// lines of free-form numbers, else a ScrubRequest). Invariants:
//   - a request fails only with InvalidArgument, a plain one (no ids, job,
//     request id, purpose or now) never, and an answer has an audit id;
//   - one disposition and e164 per entry, MALFORMED / INVALID exactly as the
//     parser says;
//   - a number on the tenant's internal list is INTERNAL;
//   - a listed number the tenant holds no consent for is never callable
//     for a commercial call (the default purpose);
//   - gamma never gets CALLABLE or EXEMPT outside area code 202 for a
//     commercial call: registry data it did not buy answers NOT_SUBSCRIBED,
//     never callable (a purpose the US lists exempt needs no subscription);
//   - CALLABLE entries have no reason, every other entry at least one.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "dnc/v1/scrub.pb.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/scrub_answer_checks.h"
#include "google/protobuf/stubs/logging.h"
#include "policy/policy.h"
#include "service/auth.h"
#include "service/registry.h"
#include "service/scrub_engine.h"
#include "service/scrub_service.h"
#include "service/source_set.h"
#include "tenant/tenant_store.h"
#include "tests/service/registry_fixture.h"

namespace dnc::fuzz {
namespace {

constexpr uint32_t kMaxBatch = 256;
const DayNumber kAsOf = *ParseIsoDate("2026-02-15");
const DayNumber kToday = kAsOf + 5;

constexpr uint64_t kListedInternal = 12022345678;  // acme's internal list.
constexpr uint64_t kListedConsent = 13032345678;   // acme's written consent.
constexpr uint64_t kListedPlain = 14152345678;
constexpr uint64_t kListedTexas = 15122345678;       // us-tx only.
constexpr uint64_t kUnlistedInternal = 16172345678;  // acme's internal list.
constexpr uint64_t kListed[] = {kListedInternal, kListedConsent, kListedPlain,
                                kListedTexas};

bool IsListed(uint64_t e164) {
  for (uint64_t key : kListed) {
    if (key == e164) return true;
  }
  return false;
}

struct Server {
  std::unique_ptr<service::Registry> registry;
  std::unique_ptr<tenant::TenantStore> store;
  std::unique_ptr<service::Authenticator> auth;
  service::CallGate gate;
  std::unique_ptr<service::ScrubServiceImpl> service;
  service::BatchScratch scratch;
  const tenant::Tenant* acme = nullptr;
  const tenant::Tenant* gamma = nullptr;
};

void Check(const absl::Status& status, const char* what) {
  DNC_FUZZ_CHECK(status.ok(), "%s: %s", what, status.ToString().c_str());
}

Server& GetServer() {
  static Server* const kServer = [] {
    auto* server = new Server;
    const std::string data = ProcessScratchDir().Path("data");
    test::FixtureSource us;
    us.source = "us-test";
    us.jurisdiction = "US";
    us.kind = "national";
    us.as_of = kAsOf;
    us.keys = {kListedInternal, kListedConsent, kListedPlain};
    us.added.assign(us.keys.size(), kAsOf - 100);
    Check(test::PublishFixtureSource(data, us).status(), "publish us-test");
    test::FixtureSource tx;
    tx.source = "us-tx";
    tx.jurisdiction = "US-TX";
    tx.kind = "state";
    tx.as_of = kAsOf;
    tx.max_age_days = 90;
    tx.keys = {kListedTexas};
    Check(test::PublishFixtureSource(data, tx).status(), "publish us-tx");
    service::RegistryOptions options;
    options.data_dir = data;
    auto registry = service::Registry::Open(options);
    Check(registry.status(), "Registry::Open");
    server->registry = std::move(*registry);

    auto store =
        tenant::TenantStore::Open(ProcessScratchDir().Path("tenants"), true);
    Check(store.status(), "TenantStore::Open");
    server->store = std::move(*store);
    tenant::TenantConfig acme;
    acme.name = "acme";
    for (const char* source : {"us-test", "us-tx"}) {
      tenant::Entitlement all;
      all.source = source;
      all.all_area_codes = true;
      acme.entitlements.push_back(all);
    }
    Check(server->store->CreateTenant(acme), "CreateTenant acme");
    tenant::TenantConfig gamma;
    gamma.name = "gamma";
    tenant::Entitlement some;
    some.source = "us-test";
    some.area_codes = {202};
    gamma.entitlements.push_back(some);
    Check(server->store->CreateTenant(gamma), "CreateTenant gamma");
    server->acme = server->store->Find("acme");
    server->gamma = server->store->Find("gamma");
    DNC_FUZZ_CHECK(server->acme != nullptr && server->gamma != nullptr,
                   "tenants not found");
    const uint64_t internal[] = {kListedInternal, kUnlistedInternal};
    std::vector<bool> changed;
    Check(server->store->AddOptOuts(*server->acme, internal, kAsOf - 3, "fuzz",
                                    &changed),
          "AddOptOuts");
    tenant::StoredConsent consent;
    consent.e164 = kListedConsent;
    consent.type = policy::ConsentType::kWritten;
    consent.date = kAsOf - 30;
    Check(server->store->AddConsents(*server->acme, {&consent, 1}),
          "AddConsents");

    server->auth = std::make_unique<service::Authenticator>(
        service::AuthMode::kApiKey, server->store.get());
    service::ScrubServiceOptions service_options;
    service_options.max_batch_entries = kMaxBatch;
    service_options.today = [] { return kToday; };
    server->service = std::make_unique<service::ScrubServiceImpl>(
        server->registry.get(), server->auth.get(), &server->gate,
        service_options);
    return server;
  }();
  return *kServer;
}

int AreaCode(uint64_t e164) {
  return e164 / 10000000000ULL == 1 && e164 < 20000000000ULL
             ? static_cast<int>(e164 / 10000000ULL % 1000)
             : -1;
}

void CheckScrub(const v1::ScrubRequest& request, bool as_gamma) {
  Server& server = GetServer();
  const tenant::Tenant* tenant = as_gamma ? server.gamma : server.acme;
  v1::ScrubResponse response;
  const absl::Status status = server.service->ScrubInto(
      request, tenant, "Scrub", &server.scratch, &response);
  if (!status.ok()) {
    CheckScrubRefusal(status, request, kMaxBatch);
    return;
  }
  const int n = EntryCount(request);
  DNC_FUZZ_CHECK(!response.audit_id().empty(), "an answer without audit");
  const std::vector<int> reasons = CheckScrubAnswerShape(request, response);
  const bool commercial = IsCommercial(request.purpose());
  for (int i = 0; i < n; ++i) {
    const ParsedNumber parsed =
        i < request.e164_size()
            ? ClassifyE164(request.e164(i))
            : ParsePhoneNumber(request.raw(i - request.e164_size()));
    const Disposition d = static_cast<Disposition>(response.dispositions(i));
    const int code = static_cast<int>(d);
    const unsigned long long key = parsed.e164;
    DNC_FUZZ_CHECK(code >= 1 && code <= 8, "entry %d: disposition %d", i, code);
    if (parsed.number_class == NumberClass::kMalformed) {
      DNC_FUZZ_CHECK(d == Disposition::kMalformed && response.e164(i) == 0,
                     "entry %d: malformed answered %d", i, code);
    } else if (parsed.number_class == NumberClass::kInvalid) {
      DNC_FUZZ_CHECK(d == Disposition::kInvalid,
                     "entry %d: invalid %llu "
                     "answered %d",
                     i, key, code);
    } else {
      DNC_FUZZ_CHECK(response.e164(i) == parsed.e164, "entry %d: e164", i);
      if (!as_gamma && (parsed.e164 == kListedInternal ||
                        parsed.e164 == kUnlistedInternal)) {
        DNC_FUZZ_CHECK(d == Disposition::kInternal,
                       "entry %d: %llu on acme's internal list answered %d", i,
                       key, code);
      }
      if (IsListed(parsed.e164) && commercial &&
          (as_gamma || parsed.e164 != kListedConsent)) {
        DNC_FUZZ_CHECK(!IsCallable(d),
                       "entry %d: listed %llu without consent answered %d "
                       "for a commercial call",
                       i, key, code);
      }
      if (as_gamma && commercial && IsCallable(d)) {
        DNC_FUZZ_CHECK(AreaCode(parsed.e164) == 202,
                       "entry %d: gamma got %llu (not entitled) as %d", i, key,
                       code);
      }
    }
    if (d == Disposition::kCallable) {
      DNC_FUZZ_CHECK(reasons[i] == 0, "entry %d: CALLABLE with reasons", i);
    } else {
      DNC_FUZZ_CHECK(reasons[i] > 0, "entry %d: %d without a reason", i, code);
    }
  }
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  google::protobuf::SetLogHandler(nullptr);
  dnc::fuzz::GetServer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnc::fuzz;  // NOLINT(build/namespaces): a harness.
  if (size == 0) return 0;
  const bool as_gamma = (data[0] & 1) != 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  dnc::v1::ScrubRequest request;
  if ((data[0] & 2) != 0) {
    for (std::string_view line : Split(rest, '\n')) {
      request.add_raw(std::string(line));
    }
  } else if (!request.ParseFromArray(rest.data(),
                                     static_cast<int>(rest.size()))) {
    return 0;
  }
  CheckScrub(request, as_gamma);
  return 0;
}
