// dnc-peer-bench: measures the systems a user would pick instead of
// dnc-server, Redis and PostgreSQL, with exactly what dnc-bench uses: the
// same registry and query key files, the same batch sizes, the same
// concurrency, the same open-loop schedule and accounting and the same
// RESULT lines. The peers themselves (how each loads the registry and
// answers a batch) are bench/peer.h.
//
//   scrub: closed loop, one blocking connection (and one thread) per request
//          in flight; each request built once before measuring, every
//          batch's answer checked once before measuring.
//   check: the open loop of dnc-bench check (bench/open_loop.h) over
//          --workers pipelined connections (bench/peer_check_loop.h,
//          bench/peer_pipelined.h): SISMEMBER, or the prepared
//          `SELECT 1 FROM dnc WHERE e164 = $1`, per number.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bench/load_gen.h"
#include "bench/open_loop.h"
#include "bench/peer.h"
#include "bench/peer_check_loop.h"
#include "bench/peer_pipelined.h"
#include "common/command_line.h"

ABSL_FLAG(std::string, peer, "", "redis or postgres (required).");
ABSL_FLAG(std::string, redis, "127.0.0.1:6390", "Redis HOST:PORT.");
ABSL_FLAG(std::string, pg, "host=127.0.0.1 port=5490 dbname=postgres",
          "PostgreSQL connection string (libpq conninfo).");
ABSL_FLAG(std::string, registry, "",
          "load: registry key file from `dnc-bench gen` (registry.keys).");
ABSL_FLAG(std::string, queries, "",
          "scrub/check: query list key file from `dnc-bench gen`.");
ABSL_FLAG(uint32_t, batch, 10000, "scrub: numbers per request.");
ABSL_FLAG(uint32_t, concurrency, 8,
          "scrub: requests in flight (one connection each).");
ABSL_FLAG(uint32_t, workers, 2,
          "check: pipelined connections the open-loop schedule sends on, "
          "round-robin (as dnc-bench check's --channels).");
ABSL_FLAG(double, send_tick_us, 100,
          "check: least time between two wake-ups of the sender (as "
          "dnc-bench check).");
ABSL_FLAG(uint32_t, max_outstanding, 20000,
          "check: most calls in flight; beyond it due calls are skipped and "
          "count as 10 s latencies.");
ABSL_FLAG(double, warmup_seconds, 2, "Warm-up before each measured run.");
ABSL_FLAG(double, seconds, 5, "Length of each measured run.");
ABSL_FLAG(uint32_t, runs, 1, "Measured runs (one RESULT line each).");
ABSL_FLAG(std::string, rates, "20000",
          "check: offered rates in checks/s, comma-separated.");
ABSL_FLAG(bool, sweep, false,
          "check: label runs check_sweep; stop after two rates in a row miss "
          "--p99_limit_us.");
ABSL_FLAG(double, p99_limit_us, 1000, "check --sweep: the p99 limit.");
ABSL_FLAG(int32_t, server_pid, 0,
          "pid of redis-server or the postmaster, for CPU and memory.");

namespace dnc::bench {
namespace {

constexpr char kUsage[] =
    "Measures Redis and PostgreSQL with the same registry, query lists, "
    "batch sizes,\nconcurrency and open-loop schedule as dnc-bench, for "
    "side-by-side ratios.\n\n"
    "Usage:\n"
    "  dnc-peer-bench load   --peer redis|postgres --registry FILE\n"
    "  dnc-peer-bench scrub  --peer redis|postgres --queries FILE "
    "[--batch 10000]\n"
    "                        [--concurrency 8] [--seconds 5] [--runs 1]\n"
    "  dnc-peer-bench check  --peer redis|postgres --queries FILE [--rates "
    "20000]\n"
    "                        [--sweep] [--workers 2]\n"
    "  dnc-peer-bench memory --peer redis|postgres --server_pid PID\n\n"
    "Examples:\n"
    "  dnc-peer-bench load --peer redis --redis 127.0.0.1:6390 --registry "
    "/tmp/b/registry.keys\n"
    "  dnc-peer-bench scrub --peer postgres --pg 'host=127.0.0.1 port=5490 "
    "dbname=postgres'\n"
    "      --queries /tmp/b/queries-hit5.keys --runs 5\n\n"
    "bench/run_benchmarks.sh starts both servers on loopback, runs "
    "everything and stops them.";

// ------------------------------------------------------------- the runs

int Fail(const std::string& message) {
  std::cerr << "dnc-peer-bench: " << message << std::endl;
  return 1;
}

int Usage(const std::string& message) {
  std::cerr << "dnc-peer-bench: " << message << "\nTry 'dnc-peer-bench --help'."
            << std::endl;
  return 2;
}

int HitPercent(const QueryList& list) {
  return static_cast<int>(std::lround(100.0 * static_cast<double>(list.hits) /
                                      static_cast<double>(list.keys.size())));
}

absl::StatusOr<QueryList> LoadQueries() {
  const std::string path = absl::GetFlag(FLAGS_queries);
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--queries is required: a query list from `dnc-bench gen`");
  }
  absl::StatusOr<QueryList> list = ReadKeyFile(path);
  if (list.ok() && list->keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no queries"));
  }
  return list;
}

absl::StatusOr<std::vector<std::unique_ptr<Connection>>> ConnectAll(Peer* peer,
                                                                    int count) {
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<std::unique_ptr<Connection>> c = peer->Connect();
    if (!c.ok()) return c.status();
    connections.push_back(std::move(*c));
  }
  return connections;
}

// Closed loop, one thread per connection: each takes the next batch as soon
// as its previous one is answered.
int RunScrub(Peer* peer) {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  const uint32_t batch = absl::GetFlag(FLAGS_batch);
  const int concurrency = static_cast<int>(absl::GetFlag(FLAGS_concurrency));
  if (batch < 1 || concurrency < 1) {
    return Usage("--batch and --concurrency must be at least 1");
  }
  Batches batches = MakeBatches(*list, batch);
  peer->Prepare(batches);
  if (peer->counts_distinct()) {
    batches.expected_hits = batches.expected_distinct_hits;
  }
  auto connections = ConnectAll(peer, concurrency);
  if (!connections.ok()) {
    return Fail(std::string(connections.status().message()));
  }
  // Check every batch once.
  {
    std::atomic<size_t> next{0};
    std::mutex mu;
    absl::Status first_error;
    std::vector<std::thread> threads;
    for (auto& connection : *connections) {
      threads.emplace_back([&, c = connection.get()] {
        for (size_t b = next++; b < batches.keys.size(); b = next++) {
          absl::StatusOr<uint32_t> hits = c->Scrub(b);
          absl::Status status = hits.status();
          if (hits.ok() && *hits != batches.expected_hits[b]) {
            status = absl::InternalError(
                absl::StrCat("batch ", b, ": ", *hits, " listed, expected ",
                             batches.expected_hits[b],
                             " (was the registry loaded with `load`?)"));
          }
          if (!status.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            if (first_error.ok()) first_error = status;
            return;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    if (!first_error.ok()) {
      return Fail(absl::StrCat("wrong or failed answer while checking: ",
                               first_error.message()));
    }
  }
  std::cerr << "dnc-peer-bench " << peer->name() << " scrub: checked "
            << batches.keys.size() << " batches of " << batch
            << " (every answer right)" << std::endl;
  const pid_t pid = absl::GetFlag(FLAGS_server_pid);
  const bool children = peer->name() == "postgres";
  for (uint32_t run = 1; run <= absl::GetFlag(FLAGS_runs); ++run) {
    const int64_t t0 = NowNanos();
    const int64_t start =
        t0 + static_cast<int64_t>(absl::GetFlag(FLAGS_warmup_seconds) * 1e9);
    const int64_t end =
        start + static_cast<int64_t>(absl::GetFlag(FLAGS_seconds) * 1e9);
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> numbers{0}, requests{0}, errors{0};
    std::vector<std::vector<int64_t>> latencies(connections->size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < connections->size(); ++i) {
      threads.emplace_back([&, i] {
        Connection* c = (*connections)[i].get();
        latencies[i].reserve(1 << 16);
        while (true) {
          const int64_t sent = NowNanos();
          if (sent >= end) return;
          const size_t b = next++ % batches.keys.size();
          if (!c->Scrub(b).ok()) {
            ++errors;
            return;
          }
          const int64_t now = NowNanos();
          if (now >= start && now <= end) {
            numbers += batch;
            ++requests;
            latencies[i].push_back(now - sent);
          }
        }
      });
    }
    SleepUntilNanos(start);
    const double self0 = SelfCpuSeconds();
    const double server0 = ProcessTreeCpuSeconds(pid, children);
    SleepUntilNanos(end);
    const double self_cpu = SelfCpuSeconds() - self0;
    const double server_cpu = ProcessTreeCpuSeconds(pid, children) - server0;
    for (auto& t : threads) t.join();
    if (errors > 0)
      return Fail(absl::StrCat(errors.load(), " requests failed"));
    std::vector<int64_t> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    const LatencySummary latency = Summarize(&all);
    const double seconds = static_cast<double>(end - start) / 1e9;
    ResultLine line;
    line.Set("scenario", "scrub")
        .Set("system", peer->name())
        .Set("hits", HitPercent(*list))
        .Set("batch", batch)
        .Set("concurrency", concurrency)
        .Set("run", run)
        .Set("seconds", seconds)
        .Set("numbers_per_s", static_cast<double>(numbers) / seconds)
        .Set("rpcs_per_s", static_cast<double>(requests) / seconds)
        .Set("rpc_p50_us", latency.p50_us)
        .Set("rpc_p99_us", latency.p99_us)
        .Set("client_cpu", self_cpu / seconds)
        .Set("server_cpu", server_cpu / seconds);
    std::cout << line.ToString() << std::endl;
  }
  return 0;
}

// Open loop over pipelined connections (bench/peer_check_loop.h): the same
// schedule, accounting and send tick as dnc-bench check.
int RunCheck(Peer* peer) {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  std::vector<double> rates;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_rates), ',',
                                               absl::SkipWhitespace())) {
    absl::StatusOr<uint64_t> rate = ParseCount(std::string(part));
    if (!rate.ok() || *rate < 1) {
      return Usage(
          absl::StrCat("--rates: '", std::string(part), "' is not a rate"));
    }
    rates.push_back(static_cast<double>(*rate));
  }
  const int workers = static_cast<int>(absl::GetFlag(FLAGS_workers));
  if (rates.empty() || workers < 1) {
    return Usage("--rates needs a rate and --workers at least 1");
  }
  std::vector<std::unique_ptr<PipelinedCheck>> owned;
  std::vector<PipelinedCheck*> connections;
  for (int i = 0; i < workers; ++i) {
    absl::StatusOr<std::unique_ptr<PipelinedCheck>> c =
        peer->name() == "redis"
            ? ConnectRedisPipelined(absl::GetFlag(FLAGS_redis), kRedisKey)
            : ConnectPostgresPipelined(absl::GetFlag(FLAGS_pg));
    if (!c.ok()) return Fail(std::string(c.status().message()));
    connections.push_back(c->get());
    owned.push_back(std::move(*c));
  }
  PipelinedCheckOptions options;
  options.warmup_seconds = absl::GetFlag(FLAGS_warmup_seconds);
  options.seconds = absl::GetFlag(FLAGS_seconds);
  options.send_tick_ns =
      static_cast<int64_t>(absl::GetFlag(FLAGS_send_tick_us) * 1000);
  options.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  const bool sweep = absl::GetFlag(FLAGS_sweep);
  const double limit = absl::GetFlag(FLAGS_p99_limit_us);
  const pid_t pid = absl::GetFlag(FLAGS_server_pid);
  const bool children = peer->name() == "postgres";
  const uint32_t runs = sweep ? 1 : absl::GetFlag(FLAGS_runs);
  int misses_in_a_row = 0;
  for (double rate : rates) {
    for (uint32_t run = 1; run <= runs; ++run) {
      absl::StatusOr<PipelinedCheckOutcome> outcome =
          RunPipelinedChecks(*list, connections, rate, options, pid, children);
      if (!outcome.ok()) {
        return Fail(absl::StrCat("check at ", rate,
                                 "/s: ", outcome.status().message()));
      }
      if (outcome->wrong > 0) {
        return Fail(absl::StrCat(outcome->wrong,
                                 " answers were wrong; was the registry "
                                 "loaded with `load`?"));
      }
      const OpenLoopSummary& summary = outcome->summary;
      ResultLine line;
      line.Set("scenario", sweep ? "check_sweep" : "check")
          .Set("system", peer->name())
          .Set("hits", HitPercent(*list))
          .Set("rate", static_cast<uint64_t>(rate))
          .Set("workers", workers)
          .Set("run", run);
      SetOpenLoopFields(summary, outcome->window_seconds,
                        outcome->client_cpu_seconds,
                        outcome->server_cpu_seconds, &line);
      std::cout << line.ToString() << std::endl;
      if (sweep) {
        misses_in_a_row = summary.latency.p99_us >= limit || Overloaded(summary)
                              ? misses_in_a_row + 1
                              : 0;
      }
    }
    if (sweep && misses_in_a_row >= 2) break;
  }
  return 0;
}

int RunLoad(Peer* peer) {
  const std::string path = absl::GetFlag(FLAGS_registry);
  if (path.empty()) return Usage("load needs --registry FILE (registry.keys)");
  absl::StatusOr<QueryList> registry = ReadKeyFile(path);
  if (!registry.ok()) return Fail(std::string(registry.status().message()));
  ResultLine line;
  line.Set("scenario", "load")
      .Set("system", peer->name())
      .Set("numbers", static_cast<uint64_t>(registry->keys.size()));
  const absl::Status status = peer->Load(registry->keys, &line);
  if (!status.ok()) return Fail(std::string(status.message()));
  std::cout << line.ToString() << std::endl;
  return 0;
}

int RunMemory(Peer* peer) {
  const pid_t pid = absl::GetFlag(FLAGS_server_pid);
  if (pid <= 0) return Usage("memory needs --server_pid PID");
  const std::string path = absl::GetFlag(FLAGS_registry);
  if (path.empty()) return Usage("memory needs --registry FILE");
  absl::StatusOr<QueryList> registry = ReadKeyFile(path);
  if (!registry.ok()) return Fail(std::string(registry.status().message()));
  const uint64_t numbers = registry->keys.size();
  ResultLine line;
  line.Set("scenario", "memory")
      .Set("system", peer->name())
      .Set("numbers", numbers);
  const absl::Status status = peer->Memory(pid, numbers, &line);
  if (!status.ok()) return Fail(std::string(status.message()));
  std::cout << line.ToString() << std::endl;
  return 0;
}

int Main(int argc, char** argv) {
  // Debian's Abseil checks every Mutex for lock cycles (a debug feature that
  // shows up in profiles); a load generator should not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const CommandLineSpec spec{"dnc-peer-bench", kUsage, "peer_bench_main.cc"};
  const std::vector<std::string> rest =
      ParseCommandLineOrExit(argc, argv, spec);
  if (rest.size() != 1) {
    return Usage("name one subcommand: load, scrub, check or memory");
  }
  const std::string command = rest[0];
  const std::string which = absl::GetFlag(FLAGS_peer);
  std::unique_ptr<Peer> peer;
  if (which == "redis") {
    peer = MakeRedisPeer(absl::GetFlag(FLAGS_redis));
  } else if (which == "postgres") {
    peer = MakePostgresPeer(absl::GetFlag(FLAGS_pg));
  } else {
    return Usage("--peer must be redis or postgres");
  }
  if (command == "load") return RunLoad(peer.get());
  if (command == "scrub") return RunScrub(peer.get());
  if (command == "check") return RunCheck(peer.get());
  if (command == "memory") return RunMemory(peer.get());
  return Usage(absl::StrCat("unknown subcommand '", command,
                            "'; use load, scrub, check or memory"));
}

}  // namespace
}  // namespace dnc::bench

int main(int argc, char** argv) { return dnc::bench::Main(argc, argv); }
