// Test helper for tenant_store_test and dnc_tenant_main_test: a separate
// process that holds or writes a tenant store, reports on stdout (flushed
// per line) and then waits to be killed.
//   tenant_store_writer DIR hold
//       Opens the store, prints "ready", waits.
//   tenant_store_writer DIR add TENANT BATCHES
//       Per batch i: adds the opt-outs 12025550000 + 10*i ... + 9 (day 20600)
//       and an unsynced audit record (job "job", sequence i), then prints
//       "ack i". Then prints "done" and waits.
// Exit codes: 2 usage, 3 the store failed (message on stderr).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tenant/tenant_store.h"

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "tenant_store_writer: %s\n",
               std::string(status.message()).c_str());
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  using dnc::tenant::TenantStore;
  if (argc < 3) return 2;
  const std::string command = argv[2];
  absl::StatusOr<std::unique_ptr<TenantStore>> store =
      TenantStore::Open(argv[1], /*create_if_missing=*/true);
  if (!store.ok()) return Fail(store.status());
  if (command == "hold" && argc == 3) {
    std::printf("ready\n");
    std::fflush(stdout);
    while (true) pause();
  }
  if (command != "add" || argc != 5) return 2;
  const dnc::tenant::Tenant* tenant = (*store)->Find(argv[3]);
  if (tenant == nullptr) return Fail(absl::NotFoundError(argv[3]));
  const int batches = std::atoi(argv[4]);
  for (int i = 0; i < batches; ++i) {
    std::vector<uint64_t> numbers;
    for (int j = 0; j < 10; ++j) numbers.push_back(12025550000 + i * 10 + j);
    absl::Status added =
        (*store)->AddOptOuts(*tenant, numbers, 20600, "writer", nullptr);
    if (!added.ok()) return Fail(added);
    dnc::tenant::AuditRecord record;
    record.job_id = "job";
    record.method = "Scrub";
    record.sequence = static_cast<uint64_t>(i);
    record.numbers = 10;
    absl::StatusOr<std::string> id =
        (*store)->AppendAudit(*tenant, record, /*sync=*/false);
    if (!id.ok()) return Fail(id.status());
    std::printf("ack %d\n", i);
    std::fflush(stdout);
  }
  std::printf("done\n");
  std::fflush(stdout);
  while (true) pause();
}
