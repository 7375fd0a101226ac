// The hot-path cost of the metrics (metrics/metric.h, service/
// server_metrics.h): what one call pays for being counted and timed, alone
// and with two threads updating the same metrics, and what a scrape costs.
//
//   build/bench/metrics_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "metrics/metric.h"
#include "service/server_metrics.h"

namespace dnc {
namespace {

void BM_CounterInc(benchmark::State& state) {
  static metrics::Counter counter;
  for (auto _ : state) counter.Inc();
  benchmark::DoNotOptimize(counter.Value());
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
  static metrics::Histogram histogram(metrics::LatencyBoundsNanos(), 1e9);
  uint64_t value = 20'000;
  for (auto _ : state) {
    histogram.Observe(value);
    value = value * 7 % 3'000'000;  // Across the buckets.
  }
  benchmark::DoNotOptimize(histogram.Count());
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

// The clock read every timed call makes twice.
void BM_SteadyClockNow(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(service::CallClock::now());
  }
}
BENCHMARK(BM_SteadyClockNow);

// One call's whole cost: the start time, the code counter, the histogram
// and the end time (CallMetrics::Record), as a Check pays it.
void BM_CallMetricsRecord(benchmark::State& state) {
  static service::ServerMetrics* metrics = new service::ServerMetrics();
  static service::CallMetrics* check =
      metrics->GrpcMethod("dnc.v1.ScrubService/Check");
  for (auto _ : state) {
    const service::CallClock::time_point start = service::StartTimer(check);
    check->Record(0, start);
  }
}
BENCHMARK(BM_CallMetricsRecord)->Threads(1)->Threads(2);

// One Check's numbers counted by disposition.
void BM_CountAnswers(benchmark::State& state) {
  static service::ServerMetrics* metrics = new service::ServerMetrics();
  const Disposition one[] = {Disposition::kBlocked};
  for (auto _ : state) metrics->CountAnswers(one);
}
BENCHMARK(BM_CountAnswers);

// A scrape of a server with every gRPC and HTTP method registered.
void BM_Render(benchmark::State& state) {
  service::ServerMetrics metrics;
  for (int i = 0; i < 14; ++i) {
    metrics.GrpcMethod("dnc.v1.ScrubService/M" + std::to_string(i));
  }
  for (int i = 0; i < 8; ++i) {
    metrics.HttpRoute("GET", "/v1/r" + std::to_string(i));
  }
  size_t bytes = 0;
  for (auto _ : state) bytes = metrics.Render().size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Render);

}  // namespace
}  // namespace dnc

BENCHMARK_MAIN();
