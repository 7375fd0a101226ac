// SourceSnapshot::Lookup, the storage half of a scrub: batches of 10,000
// numbers (the service's batch size) against one generation of 1M, 10M or
// 50M keys, at 5% and 50% hits, exact from keys.bin's index (keys_file:1)
// or the older path, filter then one RocksDB MultiGet on the "maybe"s
// (keys_file:0, the same generation without keys.bin). details:1 asks for
// RegistryRecords too (the engine always does; this generation has no dates,
// so with keys.bin RocksDB is never read).
//
//   ninja -C build source_snapshot_bench
//   build/bench/source_snapshot_bench --benchmark_min_time=0.5
//   build/bench/source_snapshot_bench --with_50m   # adds 50M (~2 min setup)
//
// "per_number" is CPU time per number ("9.5n" = 9.5 ns); items_per_second
// is numbers per second on one core.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "bench/registry_bench_fixture.h"
#include "benchmark/benchmark.h"
#include "common/logging.h"
#include "storage/registry_record.h"
#include "storage/source_snapshot.h"

namespace dnc::bench {
namespace {

constexpr size_t kBatch = 10'000;
constexpr size_t kPool = 50 * kBatch;  // Queries cycled through.

bool with_50m = false;

struct Fixture {
  std::unique_ptr<BenchGeneration> generation;
  std::unique_ptr<storage::SourceSnapshot> with_keys;
  std::unique_ptr<storage::SourceSnapshot> without_keys;
  std::map<int, std::vector<uint64_t>> queries;  // By hit percent.
};

std::map<size_t, std::unique_ptr<Fixture>>& Fixtures() {
  static auto* fixtures = new std::map<size_t, std::unique_ptr<Fixture>>();
  return *fixtures;
}

Fixture& GetFixture(size_t n) {
  std::unique_ptr<Fixture>& f = Fixtures()[n];
  if (f != nullptr) return *f;
  f = std::make_unique<Fixture>();
  f->generation =
      std::make_unique<BenchGeneration>(ValidSortedKeys(n, n), TodayUtc());
  auto with_keys =
      storage::SourceSnapshot::Open(f->generation->with_keys_dir());
  CheckOk(with_keys.status(), "open snapshot");
  f->with_keys = *std::move(with_keys);
  auto without_keys =
      storage::SourceSnapshot::Open(f->generation->without_keys_dir());
  CheckOk(without_keys.status(), "open twin snapshot");
  f->without_keys = *std::move(without_keys);
  for (int hit : {5, 50}) {
    f->queries[hit] = f->generation->Queries(kPool, hit, 100 + hit);
  }
  return *f;
}

// Args: {keys, hit percent, keys_file, details}.
void BM_SnapshotLookup(benchmark::State& state) {
  Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  const std::vector<uint64_t>& queries = f.queries[state.range(1)];
  const storage::SourceSnapshot& snapshot =
      state.range(2) ? *f.with_keys : *f.without_keys;
  const bool details = state.range(3) != 0;
  std::vector<uint8_t> listed(kBatch);
  std::vector<storage::RegistryRecord> records(details ? kBatch : 0);
  size_t offset = 0;
  uint64_t hits = 0;
  for (auto _ : state) {
    const absl::Status status =
        snapshot.Lookup(absl::MakeConstSpan(&queries[offset], kBatch),
                        absl::MakeSpan(listed), absl::MakeSpan(records));
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
    for (uint8_t l : listed) hits += l;
    offset = (offset + kBatch) % kPool;
  }
  const double numbers = static_cast<double>(state.iterations()) * kBatch;
  state.SetItemsProcessed(static_cast<int64_t>(numbers));
  state.counters["per_number"] = benchmark::Counter(
      numbers, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["hit_rate"] = hits / std::max(1.0, numbers);
}

void Register() {
  std::vector<int64_t> sizes = {1'000'000, 10'000'000};
  if (with_50m) sizes.push_back(50'000'000);
  auto* b =
      benchmark::RegisterBenchmark("BM_SnapshotLookup", BM_SnapshotLookup);
  b->ArgNames({"keys", "hit", "keys_file", "details"});
  for (int64_t n : sizes) {
    for (int64_t hit : {5, 50}) {
      b->Args({n, hit, 1, 1});
      b->Args({n, hit, 1, 0});
      b->Args({n, hit, 0, 1});
    }
  }
  b->Unit(benchmark::kMicrosecond);
}

}  // namespace
}  // namespace dnc::bench

int main(int argc, char** argv) {
  dnc::bench::with_50m = dnc::bench::TakeWith50mFlag(&argc, argv);
  dnc::SetMinLogLevel(dnc::LogLevel::kWarning);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  dnc::bench::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  dnc::bench::Fixtures().clear();  // Close DBs and remove temp dirs.
  return 0;
}
