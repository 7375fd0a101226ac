// Shared pieces of the end-to-end load generators (dnc-bench for dnc-server,
// dnc-peer-bench for Redis and PostgreSQL), so that every system is measured
// with the same registry, the same query lists and the same arithmetic:
//
//  - synthetic registries and query lists with an exact hit share, from a
//    fixed seed (GenerateRegistry, GenerateQueries), written as key files
//    (a small header + little-endian uint64 E.164 keys + per-key hit flags)
//    and, for dnc-load, as FTC flat text ("NPA,NXXXXXX" lines);
//  - batching of a query list (Batches) and the expected hits per batch, so
//    each load generator checks every answer once before it measures;
//  - timing: a monotonic clock, absolute sleeps for open-loop pacing, and
//    exact percentiles over recorded latencies;
//  - CPU accounting: this process (getrusage) and another process tree
//    (/proc/<pid>/stat plus its direct children, for PostgreSQL's backends);
//  - result lines: "RESULT key=value ..." on stdout, one per measured run,
//    which `dnc-bench report` turns into the tables of BENCHMARKS.md.
//
// No gRPC, Redis or PostgreSQL here. Thread-safety: thread-safe (pure
// functions and value types; ResultLine is thread-compatible).
#ifndef DNC_BENCH_LOAD_GEN_H_
#define DNC_BENCH_LOAD_GEN_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace dnc::bench {

// ---------------------------------------------------------------- data sets

// A registry of `count` distinct, valid NANP numbers, sorted ascending.
// Numbers are spread uniformly over the exchanges (NXX 200-999, no N11, no
// 555-01XX) of the first ceil(count / 1M) area codes of a fixed list of real
// US area codes (at most ~290), so each area code is about 12.5% listed, as
// the national registry is. The same (count, seed) gives the same registry.
// REQUIRES: count <= 290M.
std::vector<uint64_t> GenerateRegistry(uint64_t count, uint64_t seed);

// A registry of `count` distinct numbers shaped like the US one, sorted
// ascending: the model of bench/nanp_exchange_model.h (the one bench/
// loader_scale_gen.cc writes) over the exchanges listed in `exchanges_path`
// (tools/gen_nanp_exchanges.py), so the same (file, count, seed) gives the
// same numbers in both. `exchanges` (if not null) receives NPA * 1000 + NXX
// of every exchange with listed numbers, for GenerateQueries' misses.
// Errors: InvalidArgument (unreadable or malformed file, count too large).
absl::StatusOr<std::vector<uint64_t>> GenerateExchangeRegistry(
    const std::string& exchanges_path, uint64_t count, uint64_t seed,
    std::vector<int>* exchanges = nullptr);

struct QueryList {
  std::vector<uint64_t> keys;  // In the order they are sent.
  std::vector<uint8_t> hit;    // hit[i] is 1 iff keys[i] is in the registry.
  uint64_t hits = 0;           // Sum of hit.
};

// `count` distinct valid numbers in random order of which exactly
// round(count * hit_share) are drawn uniformly from `registry` and the rest
// are valid numbers of the same area codes that are not in it (of the
// exchanges `miss_exchanges`, NPA * 1000 + NXX, when given: see
// GenerateExchangeRegistry). (If the registry has fewer than twice as many
// numbers as hits wanted, numbers may repeat.) REQUIRES: registry sorted,
// non-empty; 0 <= hit_share <= 1; count well below the area codes' (or
// exchanges') free numbers.
QueryList GenerateQueries(absl::Span<const uint64_t> registry, uint64_t count,
                          double hit_share, uint64_t seed,
                          absl::Span<const int> miss_exchanges = {});

// Key files (native little-endian): the 8-byte magic "DNCBKEY1", then four
// uint64 (count, hits, seed, has_flags), then `count` uint64 keys, then (if
// has_flags) one 0/1 byte per key. A registry file has no flags (every key is
// a hit); a query list has them. Written to a temp file and renamed.
absl::Status WriteKeyFile(const std::string& path,
                          absl::Span<const uint64_t> keys,
                          absl::Span<const uint8_t> hit, uint64_t hits,
                          uint64_t seed);

// Reads a key file. For a registry (no flags) `hit` is all ones. Errors:
// NotFound (no file), DataLoss (bad magic, truncated).
absl::StatusOr<QueryList> ReadKeyFile(const std::string& path);

// Writes the registry as FTC flat text: "NPA,NXXXXXX\n" per number (what
// `dnc-load --source us-ftc` reads). Errors: errno-derived, naming the path.
absl::Status WriteFtcFlatText(const std::string& path,
                              absl::Span<const uint64_t> keys);

// The batches a load generator sends: `batch_size` consecutive queries each,
// wrapping around the end of the list so every batch is full; as many
// batches as cover the list once (at least one).
struct Batches {
  size_t batch_size = 0;
  std::vector<std::vector<uint64_t>> keys;  // keys[b]: the numbers of batch b.
  std::vector<uint32_t> expected_hits;      // Per batch.
  // Per batch: distinct listed numbers (what `= ANY` returns).
  std::vector<uint32_t> expected_distinct_hits;
};
// REQUIRES: !list.keys.empty(), batch_size >= 1.
Batches MakeBatches(const QueryList& list, size_t batch_size);

// ------------------------------------------------------------------ timing

// CLOCK_MONOTONIC in nanoseconds.
int64_t NowNanos();
// Sleeps until NowNanos() >= deadline_ns (absolute; returns at once if past).
void SleepUntilNanos(int64_t deadline_ns);
// Asks the kernel for 1 us timer slack on this thread (default 50 us), so
// open-loop sends leave close to their schedule.
void UseFineTimerSlack();

struct LatencySummary {
  uint64_t count = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};
// Exact percentiles (nearest rank) of `nanos`; sorts it in place. Empty input
// gives all zeros.
LatencySummary Summarize(std::vector<int64_t>* nanos);

// --------------------------------------------------------------------- CPU

// CPU seconds (user + system) this process has used so far.
double SelfCpuSeconds();
// CPU seconds of process `pid` (all its threads) plus, if `with_children`,
// those of its live direct children (PostgreSQL backends). 0 when pid <= 0;
// a process that vanished counts 0.
double ProcessTreeCpuSeconds(pid_t pid, bool with_children);
// VmRSS and VmHWM of `pid` in bytes (0 when unreadable).
struct MemoryUse {
  uint64_t rss_bytes = 0;
  uint64_t hwm_bytes = 0;
};
MemoryUse ProcessMemory(pid_t pid);
// Proportional set size (shared pages split among their users) of `pid` plus,
// if `with_children`, its live direct children, in bytes: a fair total for a
// multi-process server such as PostgreSQL. 0 when unreadable.
uint64_t ProcessTreePssBytes(pid_t pid, bool with_children);

// ----------------------------------------------------------------- results

// One measured run, printed as "RESULT k1=v1 k2=v2 ..." in insertion order.
// A value's spaces are written as '~' (the report turns them back).
class ResultLine {
 public:
  ResultLine& Set(const std::string& key, const std::string& value);
  ResultLine& Set(const std::string& key, double value);
  ResultLine& Set(const std::string& key, uint64_t value);
  ResultLine& Set(const std::string& key, uint32_t value) {
    return Set(key, static_cast<uint64_t>(value));
  }
  ResultLine& Set(const std::string& key, int value) {
    return Set(key, static_cast<uint64_t>(value < 0 ? 0 : value));
  }
  std::string ToString() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Parses a "RESULT k=v ..." line into its fields; empty map if the line is
// not a result line.
std::map<std::string, std::string> ParseResultLine(const std::string& line);

// Parses "10M", "50M", "250k", "1000000", "1e6" into a count. Errors:
// InvalidArgument naming the text.
absl::StatusOr<uint64_t> ParseCount(const std::string& text);

}  // namespace dnc::bench

#endif  // DNC_BENCH_LOAD_GEN_H_
