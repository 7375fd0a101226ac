// The Prometheus text exposition format, version 0.0.4 (what every
// Prometheus server and agent scrapes): a writer that emits one metric
// family at a time, its "# HELP" and "# TYPE" lines and then its samples,
// with the format's escaping. No Prometheus C++ client is packaged for
// Debian 12, and the format is small enough to write here.
//
// The format, as written:
//   # HELP <name> <help, with \ as \\ and newline as \n>
//   # TYPE <name> counter|gauge|histogram
//   <name>{<label>="<value, with \ as \\, " as \" and newline as \n>",...}
//   <value>
// Values are integers where exact, else the shortest decimal that reads
// back as the same double (fixed notation from 1e-4 up, like Prometheus's
// Go client), "+Inf", "-Inf" or "NaN". A histogram is its
// <name>_bucket{...,le="<bound>"} samples, cumulative and ending with
// le="+Inf" (the count), then <name>_sum and <name>_count.
//
// Thread-safety: thread-compatible (one writer per scrape).
#ifndef DNC_METRICS_EXPOSITION_H_
#define DNC_METRICS_EXPOSITION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dnc::metrics {

// The Content-Type of a /metrics answer in this format.
inline constexpr char kExpositionContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram };

struct Label {
  std::string name;
  std::string value;
};
using Labels = std::vector<Label>;

// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or label name
// ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__", which is reserved).
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

// A label value or HELP text escaped as the format requires.
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);

// `labels` as the inside of a sample's braces: name="value",... (escaped);
// "" for none. REQUIRES: valid label names.
std::string RenderLabels(const Labels& labels);

// A sample value: "+Inf", "-Inf", "NaN", an integer when exact, else the
// shortest decimal that reads back as `value`.
std::string FormatValue(double value);

class ExpositionWriter {
 public:
  // Starts a family. REQUIRES: a valid name, not started before.
  void Family(std::string_view name, std::string_view help, MetricType type);
  // One sample of the current family (or one named after it: name_sum ...).
  // `labels` as RenderLabels returns it ("" for none).
  void Sample(std::string_view name, std::string_view labels, double value);
  void Sample(std::string_view name, std::string_view labels, uint64_t value);
  void Sample(std::string_view name, std::string_view labels, int64_t value);
  // A histogram's samples: `bucket_counts[i]` observations <= bounds[i]
  // (not cumulative: the writer sums them), bucket_counts.back() those
  // above every bound. REQUIRES: bucket_counts.size() == bounds.size() + 1,
  // bounds increasing.
  void Histogram(std::string_view name, std::string_view labels,
                 const std::vector<double>& bounds,
                 const std::vector<uint64_t>& bucket_counts, double sum);

  const std::string& text() const { return text_; }
  std::string Take() { return std::move(text_); }

 private:
  void Line(std::string_view name, std::string_view labels,
            std::string_view value);
  std::string text_;
};

}  // namespace dnc::metrics

#endif  // DNC_METRICS_EXPOSITION_H_
