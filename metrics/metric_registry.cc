#include "metrics/metric_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace dnc::metrics {

// One label set of a family: exactly one of the metrics is set.
struct MetricRegistry::Series {
  std::string key;     // Rendered labels (+ the vec's label name).
  std::string labels;  // RenderLabels of the fixed labels.
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
  std::unique_ptr<CounterVec> vec;
  std::vector<std::string> vec_labels;  // Per index: the whole label set.
  std::vector<bool> vec_shown_while_zero;
};

struct MetricRegistry::Family {
  std::string name;
  std::string help;
  MetricType type;
  std::vector<std::unique_ptr<Series>> series;
};

MetricRegistry::MetricRegistry() = default;
MetricRegistry::~MetricRegistry() = default;

MetricRegistry::Family* MetricRegistry::FamilyOf(std::string_view name,
                                                 std::string_view help,
                                                 MetricType type) {
  DNC_CHECK(IsValidMetricName(name)) << "metric name " << name;
  for (const auto& family : families_) {
    if (family->name != name) continue;
    DNC_CHECK(family->type == type)
        << "metric " << name << " registered with two types";
    return family.get();
  }
  auto family = std::make_unique<Family>();
  family->name = std::string(name);
  family->help = std::string(help);
  family->type = type;
  families_.push_back(std::move(family));
  return families_.back().get();
}

MetricRegistry::Series* MetricRegistry::SeriesOf(Family* family,
                                                 const std::string& key) {
  for (const auto& series : family->series) {
    if (series->key == key) return series.get();
  }
  family->series.push_back(std::make_unique<Series>());
  family->series.back()->key = key;
  return family->series.back().get();
}

Counter* MetricRegistry::AddCounter(std::string_view name,
                                    std::string_view help,
                                    const Labels& labels) {
  absl::MutexLock lock(&mu_);
  const std::string rendered = RenderLabels(labels);
  Series* series =
      SeriesOf(FamilyOf(name, help, MetricType::kCounter), rendered);
  if (series->counter == nullptr) {
    DNC_CHECK(series->vec == nullptr) << name;
    series->labels = rendered;
    series->counter = std::make_unique<Counter>();
  }
  return series->counter.get();
}

Gauge* MetricRegistry::AddGauge(std::string_view name, std::string_view help,
                                const Labels& labels) {
  absl::MutexLock lock(&mu_);
  const std::string rendered = RenderLabels(labels);
  Series* series = SeriesOf(FamilyOf(name, help, MetricType::kGauge), rendered);
  if (series->gauge == nullptr) {
    series->labels = rendered;
    series->gauge = std::make_unique<Gauge>();
  }
  return series->gauge.get();
}

Histogram* MetricRegistry::AddHistogram(std::string_view name,
                                        std::string_view help,
                                        const Labels& labels,
                                        std::vector<uint64_t> bounds,
                                        double per_exposed) {
  absl::MutexLock lock(&mu_);
  for (const Label& label : labels) {
    DNC_CHECK(label.name != "le") << "le is a histogram's own label";
  }
  const std::string rendered = RenderLabels(labels);
  Series* series =
      SeriesOf(FamilyOf(name, help, MetricType::kHistogram), rendered);
  if (series->histogram == nullptr) {
    series->labels = rendered;
    series->histogram =
        std::make_unique<Histogram>(std::move(bounds), per_exposed);
  }
  return series->histogram.get();
}

CounterVec* MetricRegistry::AddCounterVec(
    std::string_view name, std::string_view help, const Labels& labels,
    std::string_view label, const std::vector<std::string>& values,
    VecDisplay display) {
  absl::MutexLock lock(&mu_);
  DNC_CHECK(IsValidLabelName(label)) << "label name " << label;
  DNC_CHECK(!values.empty()) << name;
  const std::string rendered = RenderLabels(labels);
  Series* series = SeriesOf(FamilyOf(name, help, MetricType::kCounter),
                            absl::StrCat(rendered, "|", std::string(label)));
  if (series->vec == nullptr) {
    series->labels = rendered;
    series->vec = std::make_unique<CounterVec>(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      Labels all = labels;
      all.push_back(Label{std::string(label), values[i]});
      series->vec_labels.push_back(RenderLabels(all));
      series->vec_shown_while_zero.push_back(
          !display.hide_zero ||
          std::find(display.always_shown.begin(), display.always_shown.end(),
                    i) != display.always_shown.end());
    }
  }
  DNC_CHECK(series->vec->size() == values.size()) << name;
  return series->vec.get();
}

void MetricRegistry::AddCollector(Collector collector) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricRegistry::Render() const {
  ExpositionWriter writer;
  std::vector<Collector> collectors;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& family : families_) {
      writer.Family(family->name, family->help, family->type);
      for (const auto& series : family->series) {
        if (series->counter != nullptr) {
          writer.Sample(family->name, series->labels, series->counter->Value());
        } else if (series->gauge != nullptr) {
          writer.Sample(family->name, series->labels, series->gauge->Value());
        } else if (series->histogram != nullptr) {
          const Histogram& h = *series->histogram;
          writer.Histogram(family->name, series->labels, h.ExposedBounds(),
                           h.BucketCounts(), h.Sum());
        } else if (series->vec != nullptr) {
          for (size_t i = 0; i < series->vec->size(); ++i) {
            const uint64_t value = series->vec->Value(i);
            if (value == 0 && !series->vec_shown_while_zero[i]) continue;
            writer.Sample(family->name, series->vec_labels[i], value);
          }
        }
      }
    }
    collectors = collectors_;
  }
  for (const Collector& collector : collectors) collector(&writer);
  return writer.Take();
}

}  // namespace dnc::metrics
