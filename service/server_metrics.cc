#include "service/server_metrics.h"

#include <cinttypes>
#include <cstdio>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "metrics/process_metrics.h"
#include "service/registry.h"
#include "storage/manifest.h"
#include "tenant/tenant_store.h"

namespace dnc::service {
namespace {

using metrics::ExpositionWriter;
using metrics::Labels;
using metrics::MetricType;

// gRPC's status codes, by value (grpc::StatusCode; absl::StatusCode has the
// same numbers and names).
const std::vector<std::string>& GrpcCodeNames() {
  static const auto* names = new std::vector<std::string>{"OK",
                                                          "CANCELLED",
                                                          "UNKNOWN",
                                                          "INVALID_ARGUMENT",
                                                          "DEADLINE_EXCEEDED",
                                                          "NOT_FOUND",
                                                          "ALREADY_EXISTS",
                                                          "PERMISSION_DENIED",
                                                          "RESOURCE_EXHAUSTED",
                                                          "FAILED_PRECONDITION",
                                                          "ABORTED",
                                                          "OUT_OF_RANGE",
                                                          "UNIMPLEMENTED",
                                                          "INTERNAL",
                                                          "UNAVAILABLE",
                                                          "DATA_LOSS",
                                                          "UNAUTHENTICATED"};
  return *names;
}

// The HTTP statuses counted by name; any other is "other".
constexpr int kHttpStatuses[] = {200, 204, 400, 401, 403, 404, 405, 408, 409,
                                 411, 413, 414, 415, 429, 431, 500, 501, 503};
constexpr size_t kHttpOther = std::size(kHttpStatuses);

const std::vector<std::string>& HttpCodeNames() {
  static const auto* names = [] {
    auto* list = new std::vector<std::string>();
    for (const int status : kHttpStatuses)
      list->push_back(absl::StrCat(status));
    list->push_back("other");
    return list;
  }();
  return *names;
}

// The number of "g000012" (12).
int64_t GenerationNumber(const storage::Manifest& manifest) {
  if (manifest.generation_number > 0) {
    return static_cast<int64_t>(manifest.generation_number);
  }
  int64_t number = 0;
  for (const char c : manifest.generation) {
    if (c >= '0' && c <= '9') number = number * 10 + (c - '0');
  }
  return number;
}

}  // namespace

// Rate-limits the slow-call lines: at most kSlowCallBurst a second.
class SlowCallLog {
 public:
  void Log(const char* front_end, const std::string& method,
           const std::string& code, uint64_t nanos, uint64_t threshold_nanos) {
    const int64_t second = absl::ToUnixSeconds(absl::Now());
    uint64_t skipped = 0;
    {
      absl::MutexLock lock(&mu_);
      if (second != second_) {
        second_ = second;
        lines_ = 0;
      }
      if (lines_ >= kSlowCallBurst) {
        ++skipped_;
        return;
      }
      ++lines_;
      skipped = skipped_;
      skipped_ = 0;
    }
    // Rounded to 0.1 ms, as the message says it.
    const double ms = static_cast<double>(nanos / 100'000) / 10.0;
    char duration[32];
    std::snprintf(duration, sizeof(duration), "%.1f", ms);
    DNC_LOG(Warning)
            .Event("slow_call")
            .Field("front_end", front_end)
            .Field("method", method)
            .Field("duration_ms", ms)
            .Field("code", code)
            .Field("slow_call_ms",
                   static_cast<int64_t>(threshold_nanos / 1'000'000))
            .Field("not_logged", skipped)
        << "slow call: " << front_end << " " << method << " took " << duration
        << " ms (over --slow_call_ms " << threshold_nanos / 1'000'000
        << "), status " << code
        << (skipped == 0
                ? std::string()
                : absl::StrCat("; ", skipped,
                               " slow calls before it not logged (at most ",
                               kSlowCallBurst, " lines a second)"));
  }

 private:
  absl::Mutex mu_;
  int64_t second_ ABSL_GUARDED_BY(mu_) = 0;
  int lines_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t skipped_ ABSL_GUARDED_BY(mu_) = 0;
};

size_t CallMetrics::SlotOf(int code) const {
  if (!http_) {
    // An unknown code counts as UNKNOWN (as gRPC itself treats it).
    return code >= 0 && code <= 16 ? static_cast<size_t>(code) : 2;
  }
  for (size_t i = 0; i < kHttpOther; ++i) {
    if (kHttpStatuses[i] == code) return i;
  }
  return kHttpOther;
}

void CallMetrics::LogSlow(int code, uint64_t nanos) const {
  const std::vector<std::string>& names =
      http_ ? HttpCodeNames() : GrpcCodeNames();
  const std::string code_name =
      http_ ? absl::StrCat(code) : names[SlotOf(code)];
  slow_log_->Log(http_ ? "http" : "grpc", method_, code_name, nanos,
                 slow_nanos_);
}

ServerMetrics::ServerMetrics(ServerMetricsOptions options)
    : options_(std::move(options)), slow_log_(std::make_unique<SlowCallLog>()) {
  std::vector<std::string> dispositions;
  for (int d = 0; d <= static_cast<int>(Disposition::kMalformed); ++d) {
    dispositions.push_back(DispositionName(static_cast<Disposition>(d)));
  }
  metrics::VecDisplay display;
  display.hide_zero = true;  // DISPOSITION_UNSPECIFIED is never answered.
  for (size_t d = 1; d < dispositions.size(); ++d) {
    display.always_shown.push_back(d);
  }
  answers_ = registry_.AddCounterVec(
      "dnc_numbers_answered_total",
      "Numbers answered, by disposition (every front end; each number of a "
      "batch counts once).",
      {}, "disposition", dispositions, display);
  audit_writes_ = registry_.AddHistogram(
      "dnc_audit_write_duration_seconds",
      "Time to append one audit record to the tenant store.", {},
      metrics::LatencyBoundsNanos(), 1e9);
  registry_.AddCollector(
      [this](ExpositionWriter* writer) { WriteSources(writer); });
  registry_.AddCollector(
      [this](ExpositionWriter* writer) { WriteTenants(writer); });
  registry_.AddCollector(&metrics::WriteProcessMetrics);
}

ServerMetrics::~ServerMetrics() = default;

DayNumber ServerMetrics::Today() const {
  return options_.today ? options_.today() : TodayUtc();
}

CallMetrics* ServerMetrics::Method(bool http, std::string label) {
  absl::MutexLock lock(&mu_);
  for (const auto& method : methods_) {
    if (method->http_ == http && method->method_ == label) return method.get();
  }
  const Labels labels = {{"front_end", http ? "http" : "grpc"},
                         {"method", label}};
  metrics::VecDisplay display;
  display.hide_zero = true;  // Only the codes a method answered (and OK).
  if (label != "unmatched") display.always_shown = {0};
  metrics::CounterVec* calls = registry_.AddCounterVec(
      "dnc_calls_total",
      "Calls answered, by front end, method (gRPC method or HTTP route) and "
      "status code (gRPC code or HTTP status); for streams, each message.",
      labels, "code", http ? HttpCodeNames() : GrpcCodeNames(), display);
  metrics::Histogram* latency = registry_.AddHistogram(
      "dnc_call_duration_seconds",
      "Time from a call's start to its status (for streams, per message), by "
      "front end and method.",
      labels, metrics::LatencyBoundsNanos(), 1e9);
  const int64_t slow = absl::ToInt64Nanoseconds(options_.slow_call);
  methods_.push_back(std::unique_ptr<CallMetrics>(
      new CallMetrics(std::move(label), http, calls, latency,
                      slow > 0 ? static_cast<uint64_t>(slow)
                               : std::numeric_limits<uint64_t>::max(),
                      slow_log_.get())));
  return methods_.back().get();
}

CallMetrics* ServerMetrics::GrpcMethod(std::string_view full_method) {
  return Method(false, std::string(full_method));
}

CallMetrics* ServerMetrics::HttpRoute(std::string_view method,
                                      std::string_view path) {
  return Method(
      true, method.empty() && path.empty()
                ? std::string("unmatched")
                : absl::StrCat(std::string(method), " ", std::string(path)));
}

void ServerMetrics::CountAnswers(absl::Span<const Disposition> dispositions) {
  // Counted here first: one atomic add per disposition, not per number.
  // Four tallies taken in turn: most of a batch has one disposition, and one
  // tally's increments would wait on each other through memory.
  constexpr size_t kKinds = static_cast<size_t>(Disposition::kMalformed) + 1;
  uint64_t counts[4][kKinds] = {};
  const size_t n = dispositions.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t index = static_cast<size_t>(dispositions[i]);
    if (index < kKinds) ++counts[i & 3][index];
  }
  for (size_t i = 0; i < kKinds; ++i) {
    const uint64_t count =
        counts[0][i] + counts[1][i] + counts[2][i] + counts[3][i];
    if (count != 0) answers_->Inc(i, count);
  }
}

void ServerMetrics::ObserveAuditWrite(CallClock::time_point start) {
  const int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            CallClock::now() - start)
                            .count();
  audit_writes_->Observe(nanos > 0 ? static_cast<uint64_t>(nanos) : 0);
}

void ServerMetrics::WatchRegistry(const Registry* registry) {
  absl::MutexLock lock(&mu_);
  watched_registry_ = registry;
}

void ServerMetrics::WatchTenants(const tenant::TenantStore* store) {
  absl::MutexLock lock(&mu_);
  watched_tenants_ = store;
}

void ServerMetrics::WriteSources(ExpositionWriter* writer) const {
  absl::MutexLock lock(&mu_);
  if (watched_registry_ == nullptr) return;
  const std::shared_ptr<const SourceSet> set = watched_registry_->Current();
  const DayNumber today = Today();
  struct Row {
    std::string labels;
    const storage::Manifest* manifest;
    storage::Freshness freshness;
  };
  std::vector<Row> rows;
  for (const ServedSource& served : set->sources()) {
    const storage::Manifest& manifest = served.manifest();
    rows.push_back(Row{metrics::RenderLabels({{"source", manifest.source}}),
                       &manifest, storage::ComputeFreshness(manifest, today)});
  }
  writer->Family("dnc_sources", "Registry sources served.", MetricType::kGauge);
  writer->Sample("dnc_sources", "", static_cast<int64_t>(rows.size()));
  // One family per quantity, one sample per source.
  const auto family = [&](const char* name, const char* help,
                          const auto& value) {
    writer->Family(name, help, MetricType::kGauge);
    for (const Row& row : rows) writer->Sample(name, row.labels, value(row));
  };
  family("dnc_source_generation",
         "The generation served (the number of gNNNNNN).",
         [](const Row& r) { return GenerationNumber(*r.manifest); });
  family("dnc_source_as_of_timestamp_seconds",
         "The date the served copy is as of (its MANIFEST's as_of), midnight "
         "UTC in unix seconds.",
         [](const Row& r) { return int64_t{r.manifest->as_of} * 86400; });
  family("dnc_source_numbers", "Numbers in the served generation.",
         [](const Row& r) {
           return static_cast<int64_t>(r.manifest->numbers_loaded);
         });
  family("dnc_source_age_days", "Days from the copy's as_of date to today.",
         [](const Row& r) { return int64_t{r.freshness.age_days}; });
  family("dnc_source_max_age_days",
         "The source's legal window: the copy is stale when older.",
         [](const Row& r) { return int64_t{r.manifest->max_age_days}; });
  family("dnc_source_days_to_deadline",
         "Days until the copy turns stale (0: its last fresh day; negative: "
         "stale that many days ago). Load a newer copy before it reaches 0.",
         [today](const Row& r) {
           return int64_t{r.freshness.deadline} - int64_t{today};
         });
  family("dnc_source_stale",
         "1 when the copy is past its legal window (its unlisted numbers "
         "answer STALE), else 0.",
         [](const Row& r) { return int64_t{r.freshness.stale ? 1 : 0}; });

  const ReloadStats reloads = watched_registry_->reload_stats();
  writer->Family("dnc_registry_reloads_total",
                 "Registry reloads (polls and SIGHUP) by outcome: changed "
                 "(a new generation served or a source gone), unchanged, "
                 "failed (a source kept its previous generation).",
                 MetricType::kCounter);
  writer->Sample("dnc_registry_reloads_total", "outcome=\"changed\"",
                 reloads.changed);
  writer->Sample("dnc_registry_reloads_total", "outcome=\"unchanged\"",
                 reloads.unchanged);
  writer->Sample("dnc_registry_reloads_total", "outcome=\"failed\"",
                 reloads.failed);
  writer->Family("dnc_registry_last_reload_duration_seconds",
                 "How long the last registry reload took.", MetricType::kGauge);
  writer->Sample("dnc_registry_last_reload_duration_seconds", "",
                 reloads.last_seconds);
}

void ServerMetrics::WriteTenants(ExpositionWriter* writer) const {
  absl::MutexLock lock(&mu_);
  if (watched_tenants_ == nullptr) return;
  writer->Family("dnc_tenants", "Tenants in the tenant store.",
                 MetricType::kGauge);
  writer->Sample("dnc_tenants", "",
                 static_cast<int64_t>(watched_tenants_->ListTenants().size()));
}

}  // namespace dnc::service
