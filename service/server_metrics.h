// The metrics of dnc-server, served as GET /metrics on the HTTP listener
// (docs/metrics.md lists every one): calls by front end, method and status
// code with their latency, numbers answered by disposition, audit write
// latency, each served source's generation and freshness against the legal
// window, registry reloads, tenants, and the process's own. No label names
// a number, a tenant or a key.
//
// One ServerMetrics is made by dnc-server's main and handed to both front
// ends and to their call layers (ServerOptions::metrics,
// HttpFrontEndOptions::metrics, ScrubCallsOptions::metrics) as an optional
// pointer: nullptr means no metrics (tests and benchmarks that do not care).
// Front ends resolve a CallMetrics per method once, when they start; a call
// then costs two clock reads and three relaxed atomic adds
// (metrics/metric.h).
//
// Slow calls: a call that took longer than ServerMetricsOptions::slow_call
// is logged as one warning line naming the method, the duration and the
// status code (never a number or a key), at most kSlowCallBurst lines a
// second; the lines left out are counted in the next one.
//
// Ownership: borrows the Registry and the TenantStore it watches (they must
// outlive it, or be unwatched before they go); owns its metrics.
// Thread-safety: thread-safe.
#ifndef DNC_SERVICE_SERVER_METRICS_H_
#define DNC_SERVICE_SERVER_METRICS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/answer.h"
#include "common/civil_date.h"
#include "metrics/metric_registry.h"

namespace dnc::tenant {
class TenantStore;
}  // namespace dnc::tenant

namespace dnc::service {

class Registry;
class SlowCallLog;

struct ServerMetricsOptions {
  // The date sources' freshness is judged against; TodayUtc when empty
  // (tests set it, as ServerOptions::today).
  std::function<DayNumber()> today;
  // Calls that take longer are logged (--slow_call_ms); zero: none.
  absl::Duration slow_call = absl::Seconds(1);
};

// The most slow-call lines logged in one second.
inline constexpr int kSlowCallBurst = 5;

// The clock calls are timed with.
using CallClock = std::chrono::steady_clock;

// One method of one front end: its calls by status code and their latency
// (from the handler's start to its status; for a stream, of each message).
class CallMetrics {
 public:
  // `code`: a gRPC status code (0-16) for gRPC methods, an HTTP status for
  // HTTP routes.
  void Record(int code, CallClock::time_point start) {
    const int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              CallClock::now() - start)
                              .count();
    const uint64_t elapsed = nanos > 0 ? static_cast<uint64_t>(nanos) : 0;
    calls_->Inc(SlotOf(code));
    latency_->Observe(elapsed);
    if (elapsed > slow_nanos_) LogSlow(code, elapsed);
  }

  const std::string& method() const { return method_; }

 private:
  friend class ServerMetrics;
  CallMetrics(std::string method, bool http, metrics::CounterVec* calls,
              metrics::Histogram* latency, uint64_t slow_nanos,
              SlowCallLog* slow_log)
      : method_(std::move(method)),
        http_(http),
        calls_(calls),
        latency_(latency),
        slow_nanos_(slow_nanos),
        slow_log_(slow_log) {}
  size_t SlotOf(int code) const;
  void LogSlow(int code, uint64_t nanos) const;

  const std::string method_;  // As labelled: "dnc.v1.ScrubService/Check".
  const bool http_;
  metrics::CounterVec* const calls_;
  metrics::Histogram* const latency_;
  const uint64_t slow_nanos_;  // UINT64_MAX: never slow.
  SlowCallLog* const slow_log_;
};

class ServerMetrics {
 public:
  explicit ServerMetrics(ServerMetricsOptions options = {});
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;
  ~ServerMetrics();

  // The metrics of gRPC method `full_method` ("dnc.v1.ScrubService/Check"),
  // or HTTP route `method` `path` ("GET", "/v1/check"; the route's pattern,
  // never a raw path: HttpRoute("", "") counts requests no route matched).
  // The same name again returns the same object. Call when a front end
  // starts, not per call.
  CallMetrics* GrpcMethod(std::string_view full_method);
  CallMetrics* HttpRoute(std::string_view method, std::string_view path);

  // The numbers of one answered call, by disposition.
  void CountAnswers(absl::Span<const Disposition> dispositions);
  // One audit record written (TenantStore::AppendAudit), from `start`.
  void ObserveAuditWrite(CallClock::time_point start);

  // Scrapes report the sources `registry` serves and its reloads, and the
  // tenants of `store`, from now on; nullptr stops. REQUIRES: each outlives
  // this object or is unwatched first.
  void WatchRegistry(const Registry* registry) ABSL_LOCKS_EXCLUDED(mu_);
  void WatchTenants(const tenant::TenantStore* store) ABSL_LOCKS_EXCLUDED(mu_);

  // The /metrics body, in Prometheus' text format 0.0.4
  // (metrics::kExpositionContentType).
  std::string Render() const { return registry_.Render(); }

  DayNumber Today() const;

 private:
  void WriteSources(metrics::ExpositionWriter* writer) const
      ABSL_LOCKS_EXCLUDED(mu_);
  void WriteTenants(metrics::ExpositionWriter* writer) const
      ABSL_LOCKS_EXCLUDED(mu_);
  CallMetrics* Method(bool http, std::string label);

  const ServerMetricsOptions options_;
  metrics::MetricRegistry registry_;
  std::unique_ptr<SlowCallLog> slow_log_;
  metrics::CounterVec* answers_;
  metrics::Histogram* audit_writes_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<CallMetrics>> methods_ ABSL_GUARDED_BY(mu_);
  const Registry* watched_registry_ ABSL_GUARDED_BY(mu_) = nullptr;
  const tenant::TenantStore* watched_tenants_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// A CallMetrics for gRPC method `full_method` of `metrics`, or nullptr
// without metrics; and a timer start that costs nothing without them.
inline CallMetrics* GrpcMethodMetrics(ServerMetrics* metrics,
                                      std::string_view full_method) {
  return metrics == nullptr ? nullptr : metrics->GrpcMethod(full_method);
}
inline CallClock::time_point StartTimer(const CallMetrics* metrics) {
  return metrics == nullptr ? CallClock::time_point() : CallClock::now();
}

}  // namespace dnc::service

#endif  // DNC_SERVICE_SERVER_METRICS_H_
