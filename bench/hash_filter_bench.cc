// HashFilter micro-benchmarks: lookups one at a time and in batches, hits and
// misses, by filter size; and build time per key.
//
//   ninja -C build hash_filter_bench
//   build/bench/hash_filter_bench --benchmark_min_time=0.3
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   (one command line)
//
// Time per key is the "per_key" counter (CPU time; BM_Build uses real time
// because it includes the write and fsync). 1M keys make a 1.2 MB filter
// (L2/L3), 10M keys 12.5 MB (L3 on a 48 MB-L3 machine), 100M keys 125 MB
// (DRAM: the case that matters for a 300M-number registry). The 100M fixture
// takes a few seconds and ~1 GB of memory to set up.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "storage/hash_filter.h"
#include "storage/hash_filter_builder.h"

namespace dnc::storage {
namespace {

constexpr size_t kQueries = 1 << 20;  // Keys probed, cycled through.
constexpr size_t kBatch = 1024;

// A NANP number 1 NPA NXX XXXX with NPA in [npa_lo, npa_lo + 400).
uint64_t RandomNanp(std::mt19937_64& rng, uint64_t npa_lo) {
  const uint64_t npa = npa_lo + rng() % 400;
  const uint64_t nxx = 200 + rng() % 800;
  const uint64_t line = rng() % 10000;
  return 10000000000ULL + npa * 10000000ULL + nxx * 10000ULL + line;
}

// A scratch directory removed at exit.
class BenchDir {
 public:
  BenchDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/dnc-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    path_ = tmpl;
  }
  ~BenchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Destroyed at exit, removing the filter files (the leaked fixtures still
// map them; unlinking a mapped file is fine).
BenchDir& Dir() {
  static BenchDir dir;
  return dir;
}

// Present keys have NPAs 200-599 and absent ones 600-999, so a miss is known
// to be a miss without a lookup table.
std::vector<uint64_t> PresentKeys(size_t n) {
  std::mt19937_64 rng(n);
  std::vector<uint64_t> keys(n);
  for (uint64_t& k : keys) k = RandomNanp(rng, 200);
  return keys;
}

struct Fixture {
  std::unique_ptr<HashFilter> filter;
  std::vector<uint64_t> hits;    // kQueries keys built in, random order.
  std::vector<uint64_t> misses;  // kQueries keys not built in.
};

const Fixture& GetFixture(size_t n) {
  static auto* fixtures = new std::map<size_t, std::unique_ptr<Fixture>>();
  std::unique_ptr<Fixture>& f = (*fixtures)[n];
  if (f != nullptr) return *f;
  // Built once per size and kept: the largest takes a few seconds.
  f = std::make_unique<Fixture>();
  Fixture* fresh = f.get();
  const std::vector<uint64_t> keys = PresentKeys(n);
  const std::string path = Dir().Path("filter-" + std::to_string(n) + ".bin");
  if (!WriteHashFilter(keys, {}, path).ok()) abort();
  auto filter = HashFilter::Open(path);
  if (!filter.ok()) abort();
  fresh->filter = std::move(*filter);
  std::mt19937_64 rng(n + 1);
  fresh->hits.resize(kQueries);
  for (uint64_t& k : fresh->hits) k = keys[rng() % keys.size()];
  fresh->misses.resize(kQueries);
  for (uint64_t& k : fresh->misses) k = RandomNanp(rng, 600);
  return *fresh;
}

void SetPerKey(benchmark::State& state, size_t keys_per_iteration) {
  const double keys = static_cast<double>(state.iterations()) *
                      static_cast<double>(keys_per_iteration);
  state.SetItemsProcessed(static_cast<int64_t>(keys));
  // Seconds per key, shown with an SI prefix: "21.3n" is 21.3 ns/key.
  state.counters["per_key"] = benchmark::Counter(
      keys, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Args: {key count, 1 = hits / 0 = misses}.
void BM_MayContain(benchmark::State& state) {
  const Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  const std::vector<uint64_t>& queries = state.range(1) ? f.hits : f.misses;
  size_t i = 0;
  uint64_t maybes = 0;
  for (auto _ : state) {
    maybes += f.filter->MayContain(queries[i++ & (kQueries - 1)]);
  }
  benchmark::DoNotOptimize(maybes);
  SetPerKey(state, 1);
  state.counters["maybe_rate"] =
      static_cast<double>(maybes) / static_cast<double>(state.iterations());
}

void BM_MayContainBatch(benchmark::State& state) {
  const Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  const std::vector<uint64_t>& queries = state.range(1) ? f.hits : f.misses;
  std::vector<uint8_t> maybe(kBatch);
  size_t offset = 0;
  uint64_t maybes = 0;
  for (auto _ : state) {
    f.filter->MayContainBatch(absl::MakeConstSpan(&queries[offset], kBatch),
                              absl::MakeSpan(maybe));
    benchmark::DoNotOptimize(maybe.data());
    benchmark::ClobberMemory();
    maybes += maybe[kBatch - 1];
    offset = (offset + kBatch) & (kQueries - 1);
  }
  benchmark::DoNotOptimize(maybes);
  SetPerKey(state, kBatch);
}

// Args: {key count}. Includes hashing, setting bits, the checksum, the write
// and the fsync.
void BM_Build(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::vector<uint64_t> keys = PresentKeys(n);
  const std::string path = Dir().Path("build.bin");
  for (auto _ : state) {
    auto info = WriteHashFilter(keys, {}, path);
    if (!info.ok()) state.SkipWithError("WriteHashFilter failed");
    benchmark::DoNotOptimize(info);
  }
  SetPerKey(state, n);
}

void LookupArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"keys", "hit"});
  for (int64_t n : {1000000, 10000000, 100000000}) {
    for (int64_t hit : {1, 0}) b->Args({n, hit});
  }
}

BENCHMARK(BM_MayContain)->Apply(LookupArgs);
BENCHMARK(BM_MayContainBatch)->Apply(LookupArgs);
BENCHMARK(BM_Build)
    ->ArgName("keys")
    ->Arg(1000000)
    ->Arg(10000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();  // The write and fsync wait on I/O, not the CPU.

}  // namespace
}  // namespace dnc::storage

BENCHMARK_MAIN();
