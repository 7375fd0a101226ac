// The metrics of a process and their exposition: MetricRegistry holds
// metric families (a name, its help, its type and one series per label set)
// and renders them, with what its collectors compute at scrape time, in
// Prometheus' text format (metrics/exposition.h).
//
// Register at start-up (not per call): a family's labels are fixed when its
// series is added, and the hot path keeps the returned pointer, so an update
// never looks anything up (metrics/metric.h). Values computed when scraped
// (a source's age, the process's memory) are collectors: functions that
// write their own families with an ExpositionWriter.
//
// Ownership: owns every metric; the returned pointers live as long as the
// registry. Thread-safety: thread-safe.
#ifndef DNC_METRICS_METRIC_REGISTRY_H_
#define DNC_METRICS_METRIC_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "metrics/exposition.h"
#include "metrics/metric.h"

namespace dnc::metrics {

// Which samples of a CounterVec appear while zero.
struct VecDisplay {
  // Leave out values whose counter is 0 (e.g. the status codes a method
  // never answered), except those in always_shown (indices).
  bool hide_zero = false;
  std::vector<size_t> always_shown;
};

class MetricRegistry {
 public:
  using Collector = std::function<void(ExpositionWriter*)>;

  MetricRegistry();
  ~MetricRegistry();
  MetricRegistry(const MetricRegistry&) = delete;
  MetricRegistry& operator=(const MetricRegistry&) = delete;

  // The metric of family `name` with `labels`, made on first use; the same
  // name and labels again return the same metric. REQUIRES (checked, a
  // programming error aborts): valid metric and label names, a family keeps
  // one type, a histogram's bounds as histogram.h requires.
  Counter* AddCounter(std::string_view name, std::string_view help,
                      const Labels& labels = {}) ABSL_LOCKS_EXCLUDED(mu_);
  Gauge* AddGauge(std::string_view name, std::string_view help,
                  const Labels& labels = {}) ABSL_LOCKS_EXCLUDED(mu_);
  Histogram* AddHistogram(std::string_view name, std::string_view help,
                          const Labels& labels, std::vector<uint64_t> bounds,
                          double per_exposed) ABSL_LOCKS_EXCLUDED(mu_);
  // Counters of family `name` for each of `values` of label `label` (index
  // i is values[i]), each with `labels` besides.
  CounterVec* AddCounterVec(std::string_view name, std::string_view help,
                            const Labels& labels, std::string_view label,
                            const std::vector<std::string>& values,
                            VecDisplay display = {}) ABSL_LOCKS_EXCLUDED(mu_);

  // Runs `collector` at every Render, after the registered families.
  void AddCollector(Collector collector) ABSL_LOCKS_EXCLUDED(mu_);

  // Every family in registration order, then the collectors' output.
  std::string Render() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Series;
  struct Family;
  Family* FamilyOf(std::string_view name, std::string_view help,
                   MetricType type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static Series* SeriesOf(Family* family, const std::string& key);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Family>> families_ ABSL_GUARDED_BY(mu_);
  std::vector<Collector> collectors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dnc::metrics

#endif  // DNC_METRICS_METRIC_REGISTRY_H_
