// The metrics and their registry: values under concurrent updates, label
// sets fixed at registration, the rendered families, zero-hiding vectors,
// collectors, and the process metrics.
#include "metrics/metric_registry.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/metric.h"
#include "metrics/process_metrics.h"

namespace dnc::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricTest, CountersSumEveryThreadsIncrements) {
  Counter counter;
  CounterVec vec(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {  // More threads than shards.
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Inc();
        vec.Inc(i % 3, 2);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter.Value(), 120000u);
  EXPECT_EQ(vec.Value(0) + vec.Value(1) + vec.Value(2), 240000u);
  EXPECT_EQ(vec.Value(1), 2u * 12 * 3333);
}

TEST(MetricTest, HistogramCountsEachObservationInTheFirstBucketAtOrAbove) {
  Histogram histogram({10, 100, 1000}, 1000);
  for (uint64_t v : {0, 10, 11, 100, 101, 1000, 1001, 5000}) {
    histogram.Observe(v);
  }
  EXPECT_THAT(histogram.BucketCounts(), ::testing::ElementsAre(2, 2, 2, 2));
  EXPECT_EQ(histogram.Count(), 8u);
  EXPECT_DOUBLE_EQ(histogram.Sum(), 7223 / 1000.0);
  EXPECT_THAT(histogram.ExposedBounds(),
              ::testing::ElementsAre(0.01, 0.1, 1.0));
}

TEST(MetricTest, HistogramUnderConcurrentObservationsKeepsCountAndSum) {
  Histogram histogram(LatencyBoundsNanos(), 1e9);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (uint64_t i = 0; i < 5000; ++i) histogram.Observe(i * 1000);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(histogram.Count(), 20000u);
  // 4 * sum(0..4999) * 1000 ns.
  EXPECT_DOUBLE_EQ(histogram.Sum(), 4.0 * 4999 * 5000 / 2 * 1000 / 1e9);
}

TEST(MetricTest, LatencyBoundsSpanTenMicrosecondsToTenSeconds) {
  const std::vector<uint64_t> bounds = LatencyBoundsNanos();
  ASSERT_FALSE(bounds.empty());
  EXPECT_EQ(bounds.front(), 10'000u);
  EXPECT_EQ(bounds.back(), 10'000'000'000u);
  for (size_t i = 1; i < bounds.size(); ++i)
    EXPECT_LT(bounds[i - 1], bounds[i]);
}

TEST(MetricTest, GaugeHoldsWhatWasSetLast) {
  Gauge gauge;
  EXPECT_EQ(gauge.Value(), 0.0);
  gauge.Set(0.125);
  EXPECT_EQ(gauge.Value(), 0.125);
  gauge.Set(-2);
  EXPECT_EQ(gauge.Value(), -2.0);
}

TEST(MetricRegistryTest, RendersFamiliesInRegistrationOrderWithTheirSeries) {
  MetricRegistry registry;
  Counter* ok = registry.AddCounter("calls_total", "Calls.", {{"code", "OK"}});
  Counter* bad = registry.AddCounter("calls_total", "Calls.", {{"code", "X"}});
  Gauge* gauge = registry.AddGauge("temperature", "Heat.");
  Histogram* latency = registry.AddHistogram("latency_seconds", "Latency.",
                                             {{"m", "a"}}, {1000, 2000}, 1e3);
  ok->Inc(3);
  bad->Inc();
  gauge->Set(1.5);
  latency->Observe(1500);
  EXPECT_EQ(registry.Render(),
            "# HELP calls_total Calls.\n"
            "# TYPE calls_total counter\n"
            "calls_total{code=\"OK\"} 3\n"
            "calls_total{code=\"X\"} 1\n"
            "# HELP temperature Heat.\n"
            "# TYPE temperature gauge\n"
            "temperature 1.5\n"
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{m=\"a\",le=\"1\"} 0\n"
            "latency_seconds_bucket{m=\"a\",le=\"2\"} 1\n"
            "latency_seconds_bucket{m=\"a\",le=\"+Inf\"} 1\n"
            "latency_seconds_sum{m=\"a\"} 1.5\n"
            "latency_seconds_count{m=\"a\"} 1\n");
}

TEST(MetricRegistryTest, TheSameNameAndLabelsGiveTheSameMetric) {
  MetricRegistry registry;
  Counter* a = registry.AddCounter("c_total", "C.", {{"x", "1"}});
  EXPECT_EQ(registry.AddCounter("c_total", "C.", {{"x", "1"}}), a);
  EXPECT_NE(registry.AddCounter("c_total", "C.", {{"x", "2"}}), a);
}

TEST(MetricRegistryTest, ACounterVecHidesZeroValuesExceptThoseAlwaysShown) {
  MetricRegistry registry;
  VecDisplay display;
  display.hide_zero = true;
  display.always_shown = {0};
  CounterVec* codes =
      registry.AddCounterVec("calls_total", "Calls.", {{"method", "Check"}},
                             "code", {"OK", "CANCELLED", "UNKNOWN"}, display);
  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("calls_total{method=\"Check\",code=\"OK\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("UNKNOWN")));
  codes->Inc(2);
  text = registry.Render();
  EXPECT_THAT(text,
              HasSubstr("calls_total{method=\"Check\",code=\"UNKNOWN\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("CANCELLED")));
}

TEST(MetricRegistryTest, CollectorsWriteAfterTheRegisteredFamilies) {
  MetricRegistry registry;
  registry.AddCounter("first_total", "First.");
  int scrapes = 0;
  registry.AddCollector([&scrapes](ExpositionWriter* writer) {
    ++scrapes;
    writer->Family("scraped", "Computed when scraped.", MetricType::kGauge);
    writer->Sample("scraped", "", int64_t{scrapes});
  });
  EXPECT_THAT(registry.Render(), HasSubstr("first_total 0\n# HELP scraped "
                                           "Computed when scraped.\n# TYPE "
                                           "scraped gauge\nscraped 1\n"));
  EXPECT_THAT(registry.Render(), HasSubstr("scraped 2\n"));
}

TEST(MetricRegistryTest, RegisteringWhileRenderingIsSafe) {
  MetricRegistry registry;
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) {
      registry.AddCounter("c_total", "C.", {{"i", std::to_string(i)}})->Inc();
    }
  });
  for (int i = 0; i < 50; ++i) registry.Render();
  writer.join();
  EXPECT_THAT(registry.Render(), HasSubstr("c_total{i=\"199\"} 1\n"));
}

TEST(ProcessMetricsTest, ReportsTheStandardProcessMetricsFromProc) {
  ExpositionWriter writer;
  WriteProcessMetrics(&writer);
  const std::string& text = writer.text();
  EXPECT_THAT(text, HasSubstr("# TYPE process_resident_memory_bytes gauge\n"
                              "process_resident_memory_bytes "));
  EXPECT_THAT(text, HasSubstr("# TYPE process_start_time_seconds gauge\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  EXPECT_THAT(text, HasSubstr("process_open_fds "));
  // Resident memory is more than nothing and less than a terabyte.
  const std::string sample = "\nprocess_resident_memory_bytes ";
  const size_t at = text.find(sample);
  ASSERT_NE(at, std::string::npos);
  const double rss = std::stod(text.substr(at + sample.size()));
  EXPECT_GT(rss, 1e5);
  EXPECT_LT(rss, 1e12);
}

}  // namespace
}  // namespace dnc::metrics
