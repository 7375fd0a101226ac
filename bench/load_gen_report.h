// Turns the RESULT lines of dnc-bench and dnc-peer-bench runs into the
// markdown tables of BENCHMARKS.md: one table per scenario, medians with the
// range over runs, and the ratio of dnc-server to each peer.
//
// Scenarios (the `scenario` field of a result line) and the fields read:
//   scrub        system hits batch concurrency numbers_per_s rpc_p50_us
//                rpc_p99_us server_cpu client_cpu
//   stream       system hits batch concurrency numbers_per_s server_cpu
//                client_cpu (compared with the peers' scrub rows)
//   check        system hits rate achieved_per_s late failed p50_us p99_us
//                p999_us server_cpu client_cpu server_us_per_call
//                client_us_per_call overloaded
//   checkstream  the same, shown in the check tables as its own row
//   check_sweep  system hits rate p99_us p999_us server_us_per_call
//                overloaded
//   http         request tool connections requests_per_s numbers_per_s
//                p50_us p99_us server_cpu client_cpu errors
//   memory       system numbers rss_bytes hwm_bytes bytes_per_number note
//   load         system numbers seconds
// Unknown scenarios and fields are ignored. Systems: dnc, redis, postgres.
// Rows with `placement=pinned` or `placement=unpinned` are rendered in a
// section per placement (memory and load rows carry none).
// Thread-safety: thread-safe (a pure function).
#ifndef DNC_BENCH_LOAD_GEN_REPORT_H_
#define DNC_BENCH_LOAD_GEN_REPORT_H_

#include <map>
#include <string>
#include <vector>

namespace dnc::bench {

using ResultFields = std::map<std::string, std::string>;

struct ReportOptions {
  double check_p99_limit_us = 1000;  // For "highest rate with p99 under".
  // Targets, shown next to the ratios.
  double scrub_target_vs_redis = 10;
  double scrub_target_vs_postgres = 20;
};

// Markdown (tables and a line of verdicts per table). Empty results give a
// short note instead of tables.
std::string RenderReport(const std::vector<ResultFields>& results,
                         const ReportOptions& options);

}  // namespace dnc::bench

#endif  // DNC_BENCH_LOAD_GEN_REPORT_H_
