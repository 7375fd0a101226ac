// In-process scrub engine throughput (numbers/s): batches of 10,000 against
// one +1 source of 1M keys, at 5% and 50% hit rates. No gRPC: this is the
// ceiling the service can reach per core.
//
//   ninja -C build bench/scrub_engine_bench && build/bench/scrub_engine_bench
#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <unordered_set>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/logging.h"
#include "common/phone_number.h"
#include "service/scrub_engine.h"
#include "service/source_set.h"
#include "tests/service/registry_fixture.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::service {
namespace {

constexpr size_t kSourceKeys = 1'000'000;
constexpr size_t kBatch = 10'000;
constexpr size_t kPoolBatches = 20;  // Queries cycle through 200k numbers.

struct BenchData {
  test::ScratchDir dir;
  std::vector<uint64_t> keys;
  std::shared_ptr<const SourceSet> set;
  DayNumber today = 0;
};

// Built once: a published 1M-key source, opened.
BenchData& Data() {
  static BenchData* data = [] {
    auto* d = new BenchData();
    SetMinLogLevel(LogLevel::kWarning);
    std::mt19937_64 rng(1);
    std::unordered_set<uint64_t> seen;
    while (d->keys.size() < kSourceKeys) {
      const uint64_t key = test::RandomValidNanp(rng);
      if (seen.insert(key).second) d->keys.push_back(key);
    }
    d->today = TodayUtc();
    test::FixtureSource spec;
    spec.source = "us-bench";
    spec.as_of = d->today;
    spec.keys = d->keys;
    auto published = test::PublishFixtureSource(d->dir.path(), spec);
    DNC_CHECK(published.ok()) << published.status();
    auto set = SourceSet::Open(d->dir.path());
    DNC_CHECK(set.ok()) << set.status();
    d->set = *std::move(set);
    return d;
  }();
  return *data;
}

// kPoolBatches * kBatch parsed numbers, `hit_percent` of them listed.
const std::vector<ParsedNumber>& Queries(int hit_percent) {
  static std::mutex mu;
  static std::vector<ParsedNumber> pools[101];
  std::lock_guard<std::mutex> lock(mu);  // Benchmark threads share pools.
  std::vector<ParsedNumber>& pool = pools[hit_percent];
  if (!pool.empty()) return pool;
  BenchData& data = Data();
  std::vector<uint64_t> sorted = data.keys;
  std::sort(sorted.begin(), sorted.end());
  std::mt19937_64 rng(1000 + hit_percent);
  std::uniform_int_distribution<size_t> pick(0, data.keys.size() - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  for (size_t i = 0; i < kPoolBatches * kBatch; ++i) {
    uint64_t e164;
    if (percent(rng) < hit_percent) {
      e164 = data.keys[pick(rng)];
    } else {
      do e164 = test::RandomValidNanp(rng);
      while (std::binary_search(sorted.begin(), sorted.end(), e164));
    }
    pool.push_back(ClassifyE164(e164));
  }
  return pool;
}

void BM_ScrubParsed(benchmark::State& state) {
  const int hit_percent = static_cast<int>(state.range(0));
  BenchData& data = Data();
  const std::vector<ParsedNumber>& pool = Queries(hit_percent);
  ScrubResult result;
  size_t batch = 0;
  size_t blocked = 0;
  for (auto _ : state) {
    absl::Span<const ParsedNumber> numbers(pool.data() + batch * kBatch,
                                           kBatch);
    const absl::Status status = Scrub(*data.set, numbers, data.today, &result);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
    blocked += std::count(result.dispositions.begin(),
                          result.dispositions.end(), Disposition::kBlocked);
    batch = (batch + 1) % kPoolBatches;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["hit_rate"] =
      benchmark::Counter(static_cast<double>(blocked) /
                             std::max<double>(1, state.iterations() * kBatch),
                         benchmark::Counter::kAvgThreads);
}
// Arg: percent of numbers listed (0 shows the engine + filter cost alone).
BENCHMARK(BM_ScrubParsed)
    ->Arg(0)
    ->Arg(5)
    ->Arg(50)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->ThreadRange(1, 2);

// As the service does it: classify the packed e164, then scrub.
void BM_ClassifyAndScrub(benchmark::State& state) {
  const int hit_percent = static_cast<int>(state.range(0));
  BenchData& data = Data();
  const std::vector<ParsedNumber>& pool = Queries(hit_percent);
  std::vector<uint64_t> e164s;
  for (const ParsedNumber& p : pool) e164s.push_back(p.e164);
  std::vector<ParsedNumber> parsed(kBatch);
  ScrubResult result;
  size_t batch = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < kBatch; ++i) {
      parsed[i] = ClassifyE164(e164s[batch * kBatch + i]);
    }
    const absl::Status status = Scrub(*data.set, parsed, data.today, &result);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
    batch = (batch + 1) % kPoolBatches;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_ClassifyAndScrub)->Arg(5)->Arg(50)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dnc::service

BENCHMARK_MAIN();
