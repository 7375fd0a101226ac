// `dnc-bench checkstream`: one number per message over K CheckStreams, open
// loop at fixed offered rates. Check i is due at t0 + i / rate whatever the
// answers do; it goes out on stream i % K, carries its index as its id, and
// its latency runs from its due time to its answer (matched by id), so a
// stall is charged to every check it delays. Every answer is compared with
// the query list (BLOCKED exactly for the listed numbers).
//
// The client is two threads, as `dnc-bench check`: a sender that sleeps
// until each check is due (1 us timer slack) and writes it (or queues it
// behind the stream's write in flight), and one completion-queue thread
// that takes the answers and write completions. Checks waiting on a stream
// are written back to back, all but the last with gRPC's buffer hint (one
// flush for the lot), so the load generator stays cheaper than the server.
// (gRPC's own timers wake in whole milliseconds, too coarse to pace by.)
//
// Reads the shared flags of dnc_bench_main.cc (--server, --queries, --rates,
// --seconds, --warmup_seconds, --runs, --server_pid, --api_key,
// --max_outstanding, --channels) and its own --streams; prints one
// "RESULT scenario=checkstream ..." line per run (with server and client
// CPU microseconds per check).
//
// Thread-safety: thread-compatible (one call at a time).
#ifndef DNC_BENCH_CHECK_STREAM_LOAD_H_
#define DNC_BENCH_CHECK_STREAM_LOAD_H_

namespace dnc::bench {

// Runs the subcommand; the process exit code (0 ok, 1 failure, 2 usage).
int RunCheckStream();

}  // namespace dnc::bench

#endif  // DNC_BENCH_CHECK_STREAM_LOAD_H_
