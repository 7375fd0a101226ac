// Exact lookups in one generation of 1M keys: RegistryStore::Contains one at
// a time vs RegistryStore::ContainsBatch (one MultiGet) vs
// SourceSnapshot::Lookup on a generation without keys.bin (HashFilter first,
// MultiGet on the "maybe"s: the fallback path; source_snapshot_bench
// measures the keys.bin path), at 5% and 50% hit rates, in batches of 1000
// numbers. Also the build rate of BuildRegistryDb (SstFileWriter +
// IngestExternalFile).
//
//   ninja -C build bench/registry_store_bench
//   build/bench/registry_store_bench --benchmark_min_time=0.5
//
// items_per_second is numbers looked up per second on one thread. The 1M-key
// DB (~10 MB) fits the 64 MB block cache, so after the first pass every block
// read is a cache hit: this measures CPU cost, not disk.
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "benchmark/benchmark.h"
#include "storage/hash_filter_builder.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/registry_store.h"
#include "storage/source_directory.h"
#include "storage/source_snapshot.h"

namespace dnc::storage {
namespace {

constexpr size_t kKeys = 1 << 20;
constexpr size_t kBatch = 1000;
constexpr size_t kProbes = 1 << 16;  // Cycled through, kBatch at a time.

uint64_t RandomNanp(std::mt19937_64& rng) {
  const uint64_t npa = 200 + rng() % 800;
  const uint64_t nxx = 200 + rng() % 800;
  const uint64_t line = rng() % 10000;
  return 10000000000ULL + npa * 10000000ULL + nxx * 10000ULL + line;
}

std::vector<uint64_t> SortedDistinct(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> keys;
  while (keys.size() < n) {
    while (keys.size() < n) keys.push_back(RandomNanp(rng));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  return keys;
}

std::string MakeTempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl =
      std::string(base && *base ? base : "/tmp") + "/dnc-bench-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) abort();
  return tmpl;
}

// One published generation, built once, torn down by main() after the run.
struct Fixture {
  std::string data_dir;
  std::vector<uint64_t> keys;
  std::unique_ptr<SourceSnapshot> snapshot;
  std::unique_ptr<RegistryStore> store;  // A second handle on the same db/.
  std::vector<uint64_t> probes_5;        // 5% present, shuffled.
  std::vector<uint64_t> probes_50;       // 50% present, shuffled.

  ~Fixture() {
    snapshot.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir, ignored);
  }
};

Fixture* fixture = nullptr;

void Check(const absl::Status& status) {
  if (!status.ok()) {
    fprintf(stderr, "bench setup failed: %s\n", status.ToString().c_str());
    abort();
  }
}

std::vector<uint64_t> Probes(const Fixture& f, int hit_percent, uint64_t seed) {
  const std::unordered_set<uint64_t> present(f.keys.begin(), f.keys.end());
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> probes;
  probes.reserve(kProbes);
  const size_t hits = kProbes * hit_percent / 100;
  for (size_t i = 0; i < hits; ++i) probes.push_back(f.keys[rng() % kKeys]);
  while (probes.size() < kProbes) {
    const uint64_t key = RandomNanp(rng);
    if (present.count(key) == 0) probes.push_back(key);
  }
  std::shuffle(probes.begin(), probes.end(), rng);
  return probes;
}

Fixture& GetFixture() {
  if (fixture != nullptr) return *fixture;
  fixture = new Fixture();
  Fixture& f = *fixture;
  f.data_dir = MakeTempDir();
  f.keys = SortedDistinct(kKeys, 42);
  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(f.data_dir, "bench");
  Check(pending.status());
  Check(BuildRegistryDb(pending->dir() + "/db", f.keys));
  HashFilterOptions filter_options;
  filter_options.generation_number = pending->generation_number();
  absl::StatusOr<HashFilterInfo> info = WriteHashFilter(
      f.keys, filter_options, pending->dir() + "/" + kFilterFileName);
  Check(info.status());
  Manifest manifest;
  manifest.source = "bench";
  manifest.generation = pending->generation();
  manifest.generation_number = pending->generation_number();
  manifest.numbers_loaded = f.keys.size();
  manifest.filter_checksum = info->checksum;
  manifest.filter_bytes = info->file_bytes;
  Check(WriteManifest(manifest, pending->dir() + "/" + kManifestFileName));
  Check(PublishGeneration(std::move(*pending)));
  absl::StatusOr<std::unique_ptr<SourceSnapshot>> snapshot =
      SourceSnapshot::OpenCurrent(f.data_dir, "bench");
  Check(snapshot.status());
  f.snapshot = std::move(*snapshot);
  RegistryStoreOptions store_options;
  store_options.db_dir = f.snapshot->dir() + "/db";
  absl::StatusOr<std::unique_ptr<RegistryStore>> store =
      RegistryStore::Open(store_options);
  Check(store.status());
  f.store = std::move(*store);
  f.probes_5 = Probes(f, 5, 7);
  f.probes_50 = Probes(f, 50, 8);
  return f;
}

const std::vector<uint64_t>& ProbesFor(const Fixture& f, int64_t hit_percent) {
  return hit_percent == 5 ? f.probes_5 : f.probes_50;
}

void BM_ContainsLoop(benchmark::State& state) {
  Fixture& f = GetFixture();
  const std::vector<uint64_t>& probes = ProbesFor(f, state.range(0));
  size_t pos = 0;
  size_t hits = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < kBatch; ++i) {
      absl::StatusOr<bool> found = f.store->Contains(probes[pos + i]);
      hits += found.ok() && *found;
    }
    pos = (pos + kBatch) % (kProbes - kBatch);
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_ContainsBatch(benchmark::State& state) {
  Fixture& f = GetFixture();
  const std::vector<uint64_t>& probes = ProbesFor(f, state.range(0));
  std::vector<uint8_t> found(kBatch);
  size_t pos = 0;
  for (auto _ : state) {
    Check(f.store->ContainsBatch(absl::MakeConstSpan(&probes[pos], kBatch),
                                 absl::MakeSpan(found)));
    benchmark::DoNotOptimize(found.data());
    pos = (pos + kBatch) % (kProbes - kBatch);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_SnapshotLookup(benchmark::State& state) {
  Fixture& f = GetFixture();
  const std::vector<uint64_t>& probes = ProbesFor(f, state.range(0));
  std::vector<uint8_t> listed(kBatch);
  size_t pos = 0;
  for (auto _ : state) {
    Check(f.snapshot->Lookup(absl::MakeConstSpan(&probes[pos], kBatch),
                             absl::MakeSpan(listed)));
    benchmark::DoNotOptimize(listed.data());
    pos = (pos + kBatch) % (kProbes - kBatch);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_BuildRegistryDb(benchmark::State& state) {
  Fixture& f = GetFixture();
  int round = 0;
  for (auto _ : state) {
    const std::string dir = f.data_dir + "/build-" + std::to_string(round++);
    Check(BuildRegistryDb(dir, f.keys));
    state.PauseTiming();
    uint64_t bytes = 0;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(dir, ec)) {
      if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
    }
    state.counters["db_bytes_per_key"] =
        static_cast<double>(bytes) / static_cast<double>(f.keys.size());
    std::filesystem::remove_all(dir, ec);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * f.keys.size());
}

BENCHMARK(BM_ContainsLoop)->ArgName("hit_pct")->Arg(5)->Arg(50);
BENCHMARK(BM_ContainsBatch)->ArgName("hit_pct")->Arg(5)->Arg(50);
BENCHMARK(BM_SnapshotLookup)->ArgName("hit_pct")->Arg(5)->Arg(50);
BENCHMARK(BM_BuildRegistryDb)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

void DestroyFixture() {
  delete fixture;
  fixture = nullptr;
}

}  // namespace dnc::storage

// Our own main so the RocksDB handles close and the temp dir is removed
// before static destruction.
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  dnc::storage::DestroyFixture();
  return 0;
}
