// The text exposition format as Prometheus reads it: names, escaping,
// values, HELP/TYPE lines and histograms.
#include "metrics/exposition.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::metrics {
namespace {

TEST(ExpositionTest, MetricAndLabelNamesFollowTheFormat) {
  EXPECT_TRUE(IsValidMetricName("dnc_calls_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_TRUE(IsValidMetricName("_x"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("dnc-calls"));
  EXPECT_FALSE(IsValidMetricName("dnc calls"));
  EXPECT_TRUE(IsValidLabelName("method"));
  EXPECT_FALSE(IsValidLabelName("a:b"));       // Colons only in metric names.
  EXPECT_FALSE(IsValidLabelName("__name__"));  // Reserved.
  EXPECT_FALSE(IsValidLabelName("1a"));
}

TEST(ExpositionTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabelValue(R"(a\b"c)"
                             "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(EscapeLabelValue("GET /v1/check"), "GET /v1/check");
  EXPECT_EQ(RenderLabels({{"method", "x\"y"}, {"code", "OK"}}),
            R"(method="x\"y",code="OK")");
  EXPECT_EQ(RenderLabels({}), "");
}

TEST(ExpositionTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(EscapeHelp("say \"hi\"\\\nbye"), "say \"hi\"\\\\\\nbye");
}

TEST(ExpositionTest, ValuesAreIntegersWhenExactElseShortestDecimals) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(1e-05), "1e-05");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(1e-04), "0.0001");
  EXPECT_EQ(FormatValue(0.00025), "0.00025");
  EXPECT_EQ(FormatValue(2.5e-05), "2.5e-05");
  EXPECT_EQ(FormatValue(-1234.5), "-1234.5");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(1e300), "1e+300");
}

TEST(ExpositionTest, AFamilyIsItsHelpAndTypeLinesThenItsSamples) {
  ExpositionWriter writer;
  writer.Family("dnc_calls_total", "Calls answered.\nBy code.",
                MetricType::kCounter);
  writer.Sample("dnc_calls_total", R"(code="OK")", uint64_t{7});
  writer.Sample("dnc_calls_total", "", uint64_t{0});
  writer.Family("dnc_tenants", "Tenants.", MetricType::kGauge);
  writer.Sample("dnc_tenants", "", int64_t{-1});
  EXPECT_EQ(writer.text(),
            "# HELP dnc_calls_total Calls answered.\\nBy code.\n"
            "# TYPE dnc_calls_total counter\n"
            "dnc_calls_total{code=\"OK\"} 7\n"
            "dnc_calls_total 0\n"
            "# HELP dnc_tenants Tenants.\n"
            "# TYPE dnc_tenants gauge\n"
            "dnc_tenants -1\n");
}

TEST(ExpositionTest, HistogramBucketsAreCumulativeAndEndWithInf) {
  ExpositionWriter writer;
  writer.Family("x_seconds", "Latency.", MetricType::kHistogram);
  // 1 at <= 0.001, 2 more at <= 0.01, none at <= 0.1, 4 above.
  writer.Histogram("x_seconds", R"(method="m")", {0.001, 0.01, 0.1},
                   {1, 2, 0, 4}, 12.5);
  EXPECT_EQ(writer.text(),
            "# HELP x_seconds Latency.\n"
            "# TYPE x_seconds histogram\n"
            "x_seconds_bucket{method=\"m\",le=\"0.001\"} 1\n"
            "x_seconds_bucket{method=\"m\",le=\"0.01\"} 3\n"
            "x_seconds_bucket{method=\"m\",le=\"0.1\"} 3\n"
            "x_seconds_bucket{method=\"m\",le=\"+Inf\"} 7\n"
            "x_seconds_sum{method=\"m\"} 12.5\n"
            "x_seconds_count{method=\"m\"} 7\n");
}

TEST(ExpositionTest, AHistogramWithoutLabelsHasOnlyLe) {
  ExpositionWriter writer;
  writer.Histogram("y", "", {1}, {0, 0}, 0);
  EXPECT_EQ(writer.text(),
            "y_bucket{le=\"1\"} 0\n"
            "y_bucket{le=\"+Inf\"} 0\n"
            "y_sum 0\n"
            "y_count 0\n");
}

}  // namespace
}  // namespace dnc::metrics
