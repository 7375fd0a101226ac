// The standard process metrics every Prometheus client exports, read from
// /proc/self at scrape time (Linux only): process_resident_memory_bytes,
// process_virtual_memory_bytes, process_start_time_seconds,
// process_cpu_seconds_total, process_open_fds, process_threads. A file that
// cannot be read leaves its metrics out (never a made-up value).
//
// Thread-safety: thread-safe (reads files only).
#ifndef DNC_METRICS_PROCESS_METRICS_H_
#define DNC_METRICS_PROCESS_METRICS_H_

#include "metrics/exposition.h"

namespace dnc::metrics {

// Writes the families above (a collector for MetricRegistry::AddCollector).
void WriteProcessMetrics(ExpositionWriter* writer);

}  // namespace dnc::metrics

#endif  // DNC_METRICS_PROCESS_METRICS_H_
