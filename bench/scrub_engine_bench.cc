// In-process scrub engine throughput (numbers/s): batches of 10,000 parsed
// numbers against one national +1 source of 1M, 10M or 50M keys, at 0%, 5%
// and 50% hits. No gRPC: this is the ceiling the service can reach per core.
// keys_file:1 is a generation with keys.bin (exact lookups from its index,
// no RocksDB read: the source has no dates); keys_file:0 is the same
// generation without it (filter, then RocksDB MultiGet on the "maybe"s).
//
//   ninja -C build scrub_engine_bench
//   build/bench/scrub_engine_bench --benchmark_min_time=0.5
//   build/bench/scrub_engine_bench --with_50m   # adds 50M (~2 min setup)
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "bench/registry_bench_fixture.h"
#include "benchmark/benchmark.h"
#include "common/logging.h"
#include "common/phone_number.h"
#include "service/scrub_engine.h"
#include "service/source_set.h"

namespace dnc::service {
namespace {

constexpr size_t kBatch = 10'000;
constexpr size_t kPoolBatches = 20;  // Queries cycle through 200k numbers.

bool with_50m = false;

struct Fixture {
  std::unique_ptr<bench::BenchGeneration> generation;
  std::shared_ptr<const SourceSet> with_keys;
  std::shared_ptr<const SourceSet> without_keys;
  std::map<int, std::vector<ParsedNumber>> pools;  // By hit percent.
  DayNumber today = 0;
};

std::map<size_t, std::unique_ptr<Fixture>>& Fixtures() {
  static auto* fixtures = new std::map<size_t, std::unique_ptr<Fixture>>();
  return *fixtures;
}

std::shared_ptr<const SourceSet> OpenSet(const std::string& generation_dir) {
  auto snapshot = storage::SourceSnapshot::Open(generation_dir);
  bench::CheckOk(snapshot.status(), "open snapshot");
  ServedSource served;
  served.snapshot = *std::move(snapshot);
  served.loaded_at = NowUtcTimestamp();
  std::vector<ServedSource> sources;
  sources.push_back(std::move(served));
  return std::make_shared<const SourceSet>(std::move(sources));
}

// Built once per size, before any benchmark thread runs (see main()).
Fixture& GetFixture(size_t n) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<Fixture>& f = Fixtures()[n];
  if (f != nullptr) return *f;
  f = std::make_unique<Fixture>();
  f->today = TodayUtc();
  f->generation = std::make_unique<bench::BenchGeneration>(
      bench::ValidSortedKeys(n, n), f->today);
  f->with_keys = OpenSet(f->generation->with_keys_dir());
  f->without_keys = OpenSet(f->generation->without_keys_dir());
  for (int hit : {0, 5, 50}) {
    std::vector<ParsedNumber>& pool = f->pools[hit];
    for (uint64_t e164 :
         f->generation->Queries(kPoolBatches * kBatch, hit, 1000 + hit)) {
      pool.push_back(ClassifyE164(e164));
    }
  }
  return *f;
}

// Args: {keys, hit percent, keys_file}.
void BM_ScrubParsed(benchmark::State& state) {
  Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  const std::vector<ParsedNumber>& pool = f.pools[state.range(1)];
  const SourceSet& set = state.range(2) ? *f.with_keys : *f.without_keys;
  ScrubResult result;
  size_t batch = state.thread_index() % kPoolBatches;
  size_t blocked = 0;
  for (auto _ : state) {
    absl::Span<const ParsedNumber> numbers(pool.data() + batch * kBatch,
                                           kBatch);
    const absl::Status status = Scrub(set, numbers, f.today, &result);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
    blocked += std::count(result.dispositions.begin(),
                          result.dispositions.end(), Disposition::kBlocked);
    batch = (batch + 1) % kPoolBatches;
  }
  const double numbers = static_cast<double>(state.iterations()) * kBatch;
  state.SetItemsProcessed(static_cast<int64_t>(numbers));
  state.counters["per_number"] = benchmark::Counter(
      numbers, benchmark::Counter::kIsRate | benchmark::Counter::kInvert |
                   benchmark::Counter::kAvgThreads);
  state.counters["hit_rate"] = benchmark::Counter(
      blocked / std::max(1.0, numbers), benchmark::Counter::kAvgThreads);
}

// As the service does it: classify the packed e164, then scrub.
// Args: {keys, hit percent}; keys.bin present.
void BM_ClassifyAndScrub(benchmark::State& state) {
  Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  const std::vector<ParsedNumber>& pool = f.pools[state.range(1)];
  std::vector<uint64_t> e164s;
  for (const ParsedNumber& p : pool) e164s.push_back(p.e164);
  std::vector<ParsedNumber> parsed(kBatch);
  ScrubResult result;
  size_t batch = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < kBatch; ++i) {
      parsed[i] = ClassifyE164(e164s[batch * kBatch + i]);
    }
    const absl::Status status = Scrub(*f.with_keys, parsed, f.today, &result);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
    batch = (batch + 1) % kPoolBatches;
  }
  const double numbers = static_cast<double>(state.iterations()) * kBatch;
  state.SetItemsProcessed(static_cast<int64_t>(numbers));
  state.counters["per_number"] = benchmark::Counter(
      numbers, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

std::vector<int64_t> Sizes() {
  std::vector<int64_t> sizes = {1'000'000, 10'000'000};
  if (with_50m) sizes.push_back(50'000'000);
  return sizes;
}

void Register() {
  auto* scrub = benchmark::RegisterBenchmark("BM_ScrubParsed", BM_ScrubParsed);
  scrub->ArgNames({"keys", "hit", "keys_file"});
  auto* scrub2 = benchmark::RegisterBenchmark("BM_ScrubParsed", BM_ScrubParsed);
  scrub2->ArgNames({"keys", "hit", "keys_file"});
  auto* classify =
      benchmark::RegisterBenchmark("BM_ClassifyAndScrub", BM_ClassifyAndScrub);
  classify->ArgNames({"keys", "hit"});
  for (int64_t n : Sizes()) {
    // 0% shows the engine's own cost with the lookup at its cheapest.
    for (int64_t hit : {0, 5, 50}) scrub->Args({n, hit, 1});
    for (int64_t hit : {5, 50}) {
      scrub->Args({n, hit, 0});
      scrub2->Args({n, hit, 1});
      classify->Args({n, hit});
    }
  }
  scrub->Unit(benchmark::kMillisecond)->UseRealTime();
  scrub2->Unit(benchmark::kMillisecond)->UseRealTime()->Threads(2);
  classify->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace dnc::service

int main(int argc, char** argv) {
  dnc::service::with_50m = dnc::bench::TakeWith50mFlag(&argc, argv);
  dnc::SetMinLogLevel(dnc::LogLevel::kWarning);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  dnc::service::Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  dnc::service::Fixtures().clear();  // Close DBs and remove temp dirs.
  return 0;
}
