// The DNC.com-compatible endpoint's cost per number, in process: one POST
// /app/main/rpc/scrub of N numbers as VICIdial sends it (a multipart form),
// from the HttpRequest to the CSV body (form parsing, phoneList splitting,
// the call layer's scrub of each chunk, the audit record for a tenant, the
// rows), over a 1M-number national registry at 5% hits.
//
//   ninja -C build dnccom_scrub_bench
//   taskset -c 0 build/bench/dnccom_scrub_bench --benchmark_min_time=1
//
// items_per_second is numbers per second on one thread.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/registry_bench_fixture.h"
#include "benchmark/benchmark.h"
#include "dnccom/dnccom_scrub.h"
#include "http/api_context.h"
#include "service/auth.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "tenant/tenant_store.h"

namespace dnc::bench {
namespace {

constexpr char kBoundary[] = "------------------------4f2b9c1d0e7a6b35";

// The registry, a tenant store with one tenant, and the call layer over
// them, built once.
struct World {
  World() : generation(ValidSortedKeys(1'000'000, 7), TodayUtc()) {
    service::RegistryOptions options;
    options.data_dir = generation.data_dir();
    auto opened = service::Registry::Open(options);
    CheckOk(opened.status(), "open registry");
    registry = std::move(*opened);
    std::string tmpl = "/tmp/dnc-dnccom-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    tenants_dir = tmpl;
    auto store_or = tenant::TenantStore::Open(tenants_dir + "/t", true);
    CheckOk(store_or.status(), "open tenant store");
    store = std::move(*store_or);
    tenant::TenantConfig config;
    config.name = "acme";
    config.entitlements = {{"us-bench", true, {}}};
    CheckOk(store->CreateTenant(config), "create tenant");
    auto key_or = store->CreateApiKey("acme", "bench");
    CheckOk(key_or.status(), "create key");
    key = *key_or;
    calls = std::make_unique<service::ScrubCalls>(registry.get(), store.get(),
                                                  service::ScrubCallsOptions());
    with_tenants = std::make_unique<service::Authenticator>(
        service::AuthMode::kApiKey, store.get());
    without_tenants = std::make_unique<service::Authenticator>(
        service::AuthMode::kNone, nullptr);
  }
  ~World() {
    calls.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(tenants_dir, ignored);
  }

  BenchGeneration generation;
  std::unique_ptr<service::Registry> registry;
  std::string tenants_dir;
  std::unique_ptr<tenant::TenantStore> store;
  std::string key;
  std::unique_ptr<service::ScrubCalls> calls;
  std::unique_ptr<service::Authenticator> with_tenants;
  std::unique_ptr<service::Authenticator> without_tenants;
};

World& TheWorld() {
  static World* const world = new World();
  return *world;
}

// VICIdial's request: the five fields as libcurl's multipart form.
http::HttpRequest VicidialRequest(const World& world, size_t numbers) {
  std::string list;
  for (const uint64_t e164 : world.generation.Queries(numbers, 5, 3)) {
    absl::StrAppend(&list, list.empty() ? "" : ",", e164 - 10000000000ULL);
  }
  http::HttpRequest request;
  request.method = "POST";
  request.path = "/app/main/rpc/scrub";
  request.headers.push_back(
      {"content-type",
       absl::StrCat("multipart/form-data; boundary=", kBoundary)});
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"loginId", world.key},
                                                        {"version", "5"},
                                                        {"projId", "P"},
                                                        {"campaignId", "C"},
                                                        {"phoneList", list}}) {
    absl::StrAppend(&request.body, "--", kBoundary,
                    "\r\nContent-Disposition: form-data; name=\"", name,
                    "\"\r\n\r\n", value, "\r\n");
  }
  absl::StrAppend(&request.body, "--", kBoundary, "--\r\n");
  return request;
}

void RunScrub(benchmark::State& state, bool tenants) {
  World& world = TheWorld();
  const http::HttpRequest request =
      VicidialRequest(world, static_cast<size_t>(state.range(0)));
  const http::ApiContext api{
      tenants ? world.with_tenants.get() : world.without_tenants.get(),
      world.calls.get()};
  size_t bytes = 0;
  for (auto _ : state) {
    http::HttpResponse response;
    dnccom::ServeScrub(api, request, &response);
    if (response.status != 200) {
      state.SkipWithError(response.body.c_str());
      return;
    }
    bytes = response.body.size();
    benchmark::DoNotOptimize(response.body.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["answer_bytes"] = static_cast<double>(bytes);
}

// With a tenant: entitlements, the internal list and one audit record per
// chunk, as every VICIdial scrub runs.
void BM_DncComScrubTenant(benchmark::State& state) { RunScrub(state, true); }
// --auth=none: registry-only answers, nothing audited.
void BM_DncComScrubNoTenant(benchmark::State& state) { RunScrub(state, false); }

BENCHMARK(BM_DncComScrubTenant)->Arg(1000)->Arg(10000)->Arg(50000);
BENCHMARK(BM_DncComScrubNoTenant)->Arg(10000);

}  // namespace
}  // namespace dnc::bench

BENCHMARK_MAIN();
