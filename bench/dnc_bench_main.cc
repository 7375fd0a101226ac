// dnc-bench: the end-to-end load generator for dnc-server over real gRPC.
//
//   dnc-bench gen     registry + query lists (fixed seed) for every system
//   dnc-bench scrub   batched Scrub, closed loop: --concurrency requests of
//                     --batch numbers in flight; numbers/s
//   dnc-bench stream  ScrubStream bulk: --concurrency streams, --window
//                     chunks in flight each; numbers/s
//   dnc-bench check   one number per Check RPC, open loop at fixed offered
//                     rates; p50/p99/p999 from the scheduled send time,
//                     achieved = answered inside the window (open_loop.h)
//   dnc-bench memory  server RSS and the generation's bits per key
//   dnc-bench numbers a query list as 10-digit numbers (for wrk and ab)
//   dnc-bench report  RESULT lines -> markdown tables (BENCHMARKS.md)
//
// The client is kept cheap because it shares the machine with the server:
// the batched loads are bench/scrub_load.h, the event-driven open-loop Check
// load bench/check_load.h.
// Every measured run prints one "RESULT k=v ..." line on stdout; progress and
// errors go to stderr.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "bench/bench_channel.h"
#include "bench/check_load.h"
#include "bench/check_stream_load.h"
#include "bench/load_gen.h"
#include "bench/load_gen_report.h"
#include "bench/open_loop.h"
#include "bench/scrub_load.h"
#include "common/command_line.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051",
          "scrub/stream/check: dnc-server address: HOST:PORT, "
          "dns:///NAME:PORT, or IP:PORT,IP:PORT,... for several replicas "
          "(calls are spread round-robin and retried on another replica "
          "when one is UNAVAILABLE).");
ABSL_FLAG(std::string, queries, "",
          "scrub/stream/check: query list key file written by `dnc-bench "
          "gen` (e.g. DIR/queries-hit5.keys).");
ABSL_FLAG(uint32_t, batch, 10000,
          "scrub/stream: numbers per request (per chunk for stream).");
ABSL_FLAG(uint32_t, concurrency, 8,
          "scrub: requests in flight; stream: concurrent streams.");
ABSL_FLAG(uint32_t, channels, 0,
          "gRPC channels (TCP connections). 0: one per concurrent request "
          "(scrub, stream), as the peers get one connection each; 2 for "
          "check.");
ABSL_FLAG(uint32_t, window, 2,
          "stream: chunks each stream keeps in flight (written, not yet "
          "answered).");
ABSL_FLAG(double, connect_timeout_seconds, 10,
          "How long to wait for dnc-server to accept connections.");
ABSL_FLAG(double, warmup_seconds, 2, "Warm-up before each measured run.");
ABSL_FLAG(double, seconds, 5, "Length of each measured run.");
ABSL_FLAG(uint32_t, runs, 1, "Measured runs (one RESULT line each).");
ABSL_FLAG(std::string, rates, "20000",
          "check: offered rates in checks/s, comma-separated, run in order.");
ABSL_FLAG(bool, sweep, false,
          "check: label the runs check_sweep and stop once --p99_limit_us is "
          "missed at two rates in a row.");
ABSL_FLAG(double, p99_limit_us, 1000, "check --sweep: the p99 limit.");
ABSL_FLAG(uint32_t, max_outstanding, 20000,
          "check: most calls in flight; beyond it the run is marked "
          "overloaded and the skipped sends count as 10 s latencies.");
ABSL_FLAG(uint32_t, check_deadline_ms, 10000,
          "check: per-call deadline. 0 sends no deadline (no grpc-timeout "
          "header and no deadline timer per call, on either side); calls "
          "still unanswered 10 s after the run are then cancelled.");
ABSL_FLAG(std::string, check_api, "cq",
          "check: gRPC client API, cq (completion queue, one polling "
          "thread) or callback (answers on gRPC's two callback threads; "
          "about 10% more client CPU per call with gRPC 1.51).");
ABSL_FLAG(uint32_t, cq_threads, 1,
          "check (cq): completion queues, one thread each, that take the "
          "answers off the channels; 0: the sender takes them off one queue "
          "on each wake-up (one thread, fewest wake-ups; answers timed up "
          "to --send_tick_us late).");
ABSL_FLAG(double, send_tick_us, 100,
          "check: least time between two wake-ups of the sender, which then "
          "sends every call that has come due (measured from its due time).");
ABSL_FLAG(std::string, api_key, "",
          "API key sent as `x-api-key` metadata on every call (a dnc-server "
          "with tenants; from `dnc-tenant create`). Empty: none (--auth=none "
          "servers). Default: $DNC_API_KEY.");
ABSL_FLAG(int32_t, server_pid, 0,
          "pid of the server, to report its CPU use (and RSS for `memory`).");
ABSL_FLAG(std::string, out_dir, "", "gen: directory to write into.");
ABSL_FLAG(std::string, numbers, "10M", "gen: registry size, e.g. 10M, 50M.");
ABSL_FLAG(std::string, query_count, "1M",
          "gen: numbers per query list, e.g. 1M.");
ABSL_FLAG(std::string, hit_percents, "5,50",
          "gen: hit rates of the query lists, in percent, comma-separated.");
ABSL_FLAG(uint64_t, seed, 20261122,
          "gen: seed; the same seed and sizes give the same files.");
ABSL_FLAG(std::string, exchanges, "",
          "gen: US exchange list from tools/gen_nanp_exchanges.py: a registry "
          "shaped like the US one (bench/nanp_exchange_model.h, as "
          "bench/loader_scale.sh loads). Empty: numbers uniform over ~1M per "
          "area code (the earlier model).");
ABSL_FLAG(std::string, data, "",
          "memory: dnc-load data directory, to read the generation's sizes.");
ABSL_FLAG(std::string, source, "us-ftc", "memory: source id under --data.");

namespace dnc::bench {
namespace {

// The tenant's API key: --api_key, else $DNC_API_KEY; empty for none.
const std::string& ApiKey() {
  static const std::string* const key = [] {
    std::string flag = absl::GetFlag(FLAGS_api_key);
    if (flag.empty()) {
      const char* env = std::getenv("DNC_API_KEY");
      if (env != nullptr) flag = env;
    }
    return new std::string(flag);
  }();
  return *key;
}

// The warm-up and window of every run, and the API key.
LoadTiming Timing() {
  LoadTiming timing;
  timing.warmup_seconds = absl::GetFlag(FLAGS_warmup_seconds);
  timing.seconds = absl::GetFlag(FLAGS_seconds);
  timing.api_key = ApiKey();
  return timing;
}

constexpr char kUsage[] =
    "End-to-end load generator for dnc-server over real gRPC.\n\n"
    "Usage:\n"
    "  dnc-bench gen --out_dir DIR [--numbers 10M] [--query_count 1M]\n"
    "                [--hit_percents 5,50] [--seed S] [--exchanges FILE]\n"
    "  dnc-bench scrub  --server H:P --queries FILE [--batch 10000]\n"
    "                   [--concurrency 8] [--seconds 5] [--runs 1]\n"
    "  dnc-bench stream --server H:P --queries FILE [--batch 10000]\n"
    "                   [--concurrency 2] [--window 2]\n"
    "  dnc-bench check  --server H:P --queries FILE [--rates 20000,...]\n"
    "                   [--sweep]\n"
    "  dnc-bench memory --server_pid PID --data DIR [--source us-ftc]\n"
    "  dnc-bench checkstream --server H:P --queries FILE [--rates 20000,...]\n"
    "                   [--streams 4]   (one number per message, open loop)\n"
    "  dnc-bench numbers --queries FILE   (10-digit numbers, one a line)\n"
    "  dnc-bench report RESULTS_FILE...   (markdown tables on stdout)\n"
    "scrub, stream, check and checkstream connect with TLS given --ca_cert "
    "FILE\n(hostname checked), with a client certificate given "
    "--client_cert FILE --client_key FILE.\n\n"
    "Examples:\n"
    "  dnc-bench gen --out_dir /tmp/b --numbers 10M\n"
    "  dnc-bench scrub --server 127.0.0.1:50051 --queries "
    "/tmp/b/queries-hit5.keys --runs 5\n"
    "  dnc-bench check --server 127.0.0.1:50051 --queries "
    "/tmp/b/queries-hit5.keys --sweep --rates 10000,20000,40000,60000\n\n"
    "gen writes DIR/registry.txt (FTC flat text for dnc-load), "
    "DIR/registry.keys and\nDIR/queries-hitN.keys (for dnc-bench and "
    "dnc-peer-bench). Every answer is checked\nagainst the query list once "
    "before measuring; a wrong answer fails the run (exit 1).\n"
    "bench/run_benchmarks.sh runs the whole comparison with Redis and "
    "PostgreSQL.";

void Emit(const ResultLine& line) { std::cout << line.ToString() << std::endl; }

int HitPercent(const QueryList& list) {
  if (list.keys.empty()) return 0;
  return static_cast<int>(std::lround(100.0 * static_cast<double>(list.hits) /
                                      static_cast<double>(list.keys.size())));
}

// ------------------------------------------------------------ subcommands

int Fail(const std::string& message) {
  std::cerr << "dnc-bench: " << message << std::endl;
  return 1;
}

int Usage(const std::string& message) {
  std::cerr << "dnc-bench: " << message << "\nTry 'dnc-bench --help'."
            << std::endl;
  return 2;
}

absl::StatusOr<QueryList> LoadQueries() {
  const std::string path = absl::GetFlag(FLAGS_queries);
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--queries is required: a query list from `dnc-bench gen` (e.g. "
        "--queries DIR/queries-hit5.keys)");
  }
  absl::StatusOr<QueryList> list = ReadKeyFile(path);
  if (list.ok() && list->keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no queries"));
  }
  return list;
}

int Channels(int fallback) {
  const uint32_t flag = absl::GetFlag(FLAGS_channels);
  return flag > 0 ? static_cast<int>(flag) : std::max(1, fallback);
}

int RunGen() {
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) return Usage("gen needs --out_dir DIR");
  absl::StatusOr<uint64_t> numbers = ParseCount(absl::GetFlag(FLAGS_numbers));
  if (!numbers.ok()) return Usage(std::string(numbers.status().message()));
  absl::StatusOr<uint64_t> queries =
      ParseCount(absl::GetFlag(FLAGS_query_count));
  if (!queries.ok()) return Usage(std::string(queries.status().message()));
  if (*numbers < 1 || *numbers > 250'000'000) {
    return Usage("--numbers must be between 1 and 250M");
  }
  if (*queries < 1) return Usage("--query_count must be at least 1");
  std::vector<int> percents;
  for (absl::string_view part : absl::StrSplit(
           absl::GetFlag(FLAGS_hit_percents), ',', absl::SkipWhitespace())) {
    int percent = 0;
    if (!absl::SimpleAtoi(part, &percent) || percent < 0 || percent > 100) {
      return Usage(absl::StrCat("--hit_percents: '", std::string(part),
                                "' is not a percentage 0-100"));
    }
    percents.push_back(percent);
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    return Fail(
        absl::StrCat("cannot create --out_dir ", out_dir, ": ", ec.message()));
  }
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const int64_t t0 = NowNanos();
  // With --exchanges, the registry of bench/nanp_exchange_model.h (the one
  // bench/loader_scale.sh loads); without, the earlier uniform model.
  const std::string exchanges_path = absl::GetFlag(FLAGS_exchanges);
  std::vector<uint64_t> registry;
  std::vector<int> exchanges;
  if (exchanges_path.empty()) {
    registry = GenerateRegistry(*numbers, seed);
  } else {
    absl::StatusOr<std::vector<uint64_t>> generated =
        GenerateExchangeRegistry(exchanges_path, *numbers, seed, &exchanges);
    if (!generated.ok()) return Fail(std::string(generated.status().message()));
    registry = *std::move(generated);
  }
  absl::Status status = WriteFtcFlatText(out_dir + "/registry.txt", registry);
  if (status.ok()) {
    status = WriteKeyFile(out_dir + "/registry.keys", registry, {},
                          registry.size(), seed);
  }
  if (!status.ok()) return Fail(std::string(status.message()));
  std::cerr << "dnc-bench gen: wrote " << registry.size()
            << " numbers to registry.txt and registry.keys in " << out_dir
            << " (" << (NowNanos() - t0) / 1'000'000 << " ms)" << std::endl;
  for (int percent : percents) {
    const QueryList list =
        GenerateQueries(registry, *queries, percent / 100.0,
                        seed ^ (0x51EAULL * (percent + 1)), exchanges);
    const std::string path =
        absl::StrCat(out_dir, "/queries-hit", percent, ".keys");
    status = WriteKeyFile(path, list.keys, list.hit, list.hits, seed);
    if (!status.ok()) return Fail(std::string(status.message()));
    std::cerr << "dnc-bench gen: wrote " << path << " (" << list.keys.size()
              << " numbers, " << list.hits << " listed)" << std::endl;
  }
  return 0;
}

ResultLine BaseResult(const std::string& scenario, const QueryList& list) {
  ResultLine line;
  line.Set("scenario", scenario)
      .Set("system", "dnc")
      .Set("hits", HitPercent(list));
  return line;
}

int RunScrub() {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  const uint32_t batch = absl::GetFlag(FLAGS_batch);
  const int concurrency = static_cast<int>(absl::GetFlag(FLAGS_concurrency));
  if (batch < 1 || concurrency < 1) {
    return Usage("--batch and --concurrency must be at least 1");
  }
  const PreparedBatches prepared = Prepare(*list, batch);
  auto channels =
      ConnectChannels(absl::GetFlag(FLAGS_server), Channels(concurrency));
  if (!channels.ok()) return Fail(std::string(channels.status().message()));
  ScrubLoad load(&prepared, *channels, Timing());
  const absl::Status checked = load.CheckAll(concurrency);
  if (!checked.ok()) {
    return Fail(absl::StrCat("wrong or failed answer while checking: ",
                             checked.message()));
  }
  std::cerr << "dnc-bench scrub: checked " << prepared.requests.size()
            << " batches of " << batch << " (every answer right)" << std::endl;
  const pid_t server_pid = absl::GetFlag(FLAGS_server_pid);
  const uint32_t runs = absl::GetFlag(FLAGS_runs);
  for (uint32_t run = 1; run <= runs; ++run) {
    const ScrubLoad::Outcome outcome = load.Measure(concurrency, server_pid);
    if (outcome.errors > 0) {
      return Fail(absl::StrCat(
          outcome.errors, " Scrub RPCs failed; first: ", outcome.first_error));
    }
    const double seconds =
        static_cast<double>(outcome.window.end_ns - outcome.window.start_ns) /
        1e9;
    ResultLine line = BaseResult("scrub", *list);
    line.Set("batch", batch)
        .Set("concurrency", concurrency)
        .Set("channels", static_cast<uint64_t>(channels->size()))
        .Set("run", run)
        .Set("seconds", seconds)
        .Set("numbers_per_s", static_cast<double>(outcome.numbers) / seconds)
        .Set("rpcs_per_s", static_cast<double>(outcome.rpcs) / seconds)
        .Set("rpc_p50_us", outcome.latency.p50_us)
        .Set("rpc_p99_us", outcome.latency.p99_us)
        .Set("client_cpu", outcome.window.self_cpu / seconds)
        .Set("server_cpu", outcome.window.server_cpu / seconds);
    Emit(line);
  }
  return 0;
}

int RunStream() {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  const uint32_t batch = absl::GetFlag(FLAGS_batch);
  const int concurrency = static_cast<int>(absl::GetFlag(FLAGS_concurrency));
  const int window = static_cast<int>(absl::GetFlag(FLAGS_window));
  if (batch < 1 || concurrency < 1 || window < 1) {
    return Usage("--batch, --concurrency and --window must be at least 1");
  }
  const PreparedBatches prepared = Prepare(*list, batch);
  auto channels =
      ConnectChannels(absl::GetFlag(FLAGS_server), Channels(concurrency));
  if (!channels.ok()) return Fail(std::string(channels.status().message()));
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (auto& channel : *channels) {
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
  }
  {  // Check every answer once, through one stream, in order.
    StreamLoad::Shared shared;
    shared.api_key = ApiKey();
    shared.prepared = &prepared;
    shared.checking = true;
    StreamLoad stream(stubs[0].get(), &shared, 0, prepared.requests.size(),
                      window);
    const absl::Status status = stream.Await();
    if (!status.ok()) {
      return Fail(absl::StrCat("wrong or failed answer while checking: ",
                               status.message()));
    }
  }
  std::cerr << "dnc-bench stream: checked " << prepared.requests.size()
            << " chunks of " << batch << " (every answer right)" << std::endl;
  const pid_t server_pid = absl::GetFlag(FLAGS_server_pid);
  const uint32_t runs = absl::GetFlag(FLAGS_runs);
  for (uint32_t run = 1; run <= runs; ++run) {
    StreamLoad::Shared shared;
    shared.api_key = ApiKey();
    shared.prepared = &prepared;
    const int64_t t0 = NowNanos();
    shared.window_start =
        t0 + static_cast<int64_t>(absl::GetFlag(FLAGS_warmup_seconds) * 1e9);
    shared.window_end =
        shared.window_start +
        static_cast<int64_t>(absl::GetFlag(FLAGS_seconds) * 1e9);
    shared.stop_ns = shared.window_end;
    std::vector<std::unique_ptr<StreamLoad>> streams;
    for (int i = 0; i < concurrency; ++i) {
      streams.push_back(std::make_unique<StreamLoad>(
          stubs[static_cast<size_t>(i) % stubs.size()].get(), &shared,
          static_cast<size_t>(i) * 7919, SIZE_MAX, window));
    }
    Window measured;
    MeasureWindow(t0, Timing(), &measured, server_pid);
    for (auto& stream : streams) {
      const absl::Status status = stream->Await();
      if (!status.ok()) return Fail(std::string(status.message()));
    }
    const double seconds =
        static_cast<double>(measured.end_ns - measured.start_ns) / 1e9;
    ResultLine line = BaseResult("stream", *list);
    line.Set("batch", batch)
        .Set("concurrency", concurrency)
        .Set("window", window)
        .Set("run", run)
        .Set("seconds", seconds)
        .Set("numbers_per_s", static_cast<double>(shared.numbers) / seconds)
        .Set("chunks_per_s", static_cast<double>(shared.chunks) / seconds)
        .Set("client_cpu", measured.self_cpu / seconds)
        .Set("server_cpu", measured.server_cpu / seconds);
    Emit(line);
  }
  return 0;
}

int RunCheck() {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  std::vector<double> rates;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_rates), ',',
                                               absl::SkipWhitespace())) {
    absl::StatusOr<uint64_t> rate = ParseCount(std::string(part));
    if (!rate.ok() || *rate < 1) {
      return Usage(absl::StrCat("--rates: '", std::string(part),
                                "' is not a rate (checks/s, e.g. 20000)"));
    }
    rates.push_back(static_cast<double>(*rate));
  }
  if (rates.empty()) return Usage("--rates needs at least one rate");
  const std::string api = absl::GetFlag(FLAGS_check_api);
  if (api != "cq" && api != "callback") {
    return Usage(
        absl::StrCat("--check_api must be cq or callback, not '", api, "'"));
  }
  const int cq_threads = static_cast<int>(absl::GetFlag(FLAGS_cq_threads));
  if (cq_threads > 64) return Usage("--cq_threads must be at most 64");
  auto channels = ConnectChannels(absl::GetFlag(FLAGS_server), Channels(2));
  if (!channels.ok()) return Fail(std::string(channels.status().message()));
  CheckLoadOptions options;
  options.warmup_seconds = absl::GetFlag(FLAGS_warmup_seconds);
  options.seconds = absl::GetFlag(FLAGS_seconds);
  options.callback_api = api == "callback";
  options.cq_threads = cq_threads;
  options.send_tick_ns =
      static_cast<int64_t>(absl::GetFlag(FLAGS_send_tick_us) * 1000);
  options.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  options.deadline_ms = absl::GetFlag(FLAGS_check_deadline_ms);
  options.api_key = ApiKey();
  CheckLoad load(&*list, *channels, options);
  const bool sweep = absl::GetFlag(FLAGS_sweep);
  const double limit = absl::GetFlag(FLAGS_p99_limit_us);
  const pid_t server_pid = absl::GetFlag(FLAGS_server_pid);
  const uint32_t runs = sweep ? 1 : absl::GetFlag(FLAGS_runs);
  int misses_in_a_row = 0;
  for (double rate : rates) {
    for (uint32_t run = 1; run <= runs; ++run) {
      const CheckLoad::Outcome outcome = load.Run(rate, server_pid);
      if (outcome.wrong > 0) {
        return Fail(absl::StrCat(outcome.wrong,
                                 " Check answers were wrong (BLOCKED for an "
                                 "unlisted number or the reverse); is the "
                                 "server loaded with this registry?"));
      }
      const OpenLoopSummary& s = outcome.summary;
      if (s.failed > 0) {
        std::cerr << "dnc-bench check: " << s.failed << " Check RPCs failed at "
                  << rate << "/s; first: " << outcome.first_error << std::endl;
      }
      ResultLine line = BaseResult(sweep ? "check_sweep" : "check", *list);
      line.Set("rate", static_cast<uint64_t>(rate))
          .Set("channels", static_cast<uint64_t>(channels->size()))
          .Set("cq_threads", cq_threads)
          .Set("run", run);
      SetOpenLoopFields(s, outcome.window_seconds, outcome.client_cpu_seconds,
                        outcome.server_cpu_seconds, &line);
      Emit(line);
      if (sweep) {
        misses_in_a_row = (s.latency.p99_us >= limit || Overloaded(s))
                              ? misses_in_a_row + 1
                              : 0;
      }
    }
    if (sweep && misses_in_a_row >= 2) break;
  }
  return 0;
}

// "key: value" of a MANIFEST line, or "".
std::string ManifestValue(const std::string& manifest, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(manifest, '\n')) {
    if (absl::ConsumePrefix(&line, key + ": ")) return std::string(line);
  }
  return "";
}

uint64_t TreeBytes(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    return std::filesystem::file_size(path, ec);
  }
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// Prints the query list's numbers, one 10-digit NANP number per line (for
// HTTP load generators such as wrk: bench/wrk_check.lua).
int RunNumbers() {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  std::string out;
  out.reserve(list->keys.size() * 11);
  for (uint64_t key : list->keys) {
    absl::StrAppend(&out, key % 10'000'000'000ULL, "\n");
  }
  std::cout << out << std::flush;
  return 0;
}

int RunMemory() {
  const pid_t pid = absl::GetFlag(FLAGS_server_pid);
  const std::string data = absl::GetFlag(FLAGS_data);
  if (pid <= 0 || data.empty()) {
    return Usage("memory needs --server_pid PID and --data DIR");
  }
  const std::string source_dir =
      absl::StrCat(data, "/sources/", absl::GetFlag(FLAGS_source));
  std::ifstream current_in(source_dir + "/CURRENT");
  std::string generation;
  std::getline(current_in, generation);
  if (generation.empty()) {
    return Fail(absl::StrCat("no published generation in ", source_dir,
                             " (no CURRENT); load one with dnc-load"));
  }
  const std::string gen_dir = absl::StrCat(source_dir, "/", generation);
  std::ifstream manifest_in(gen_dir + "/MANIFEST");
  std::string manifest((std::istreambuf_iterator<char>(manifest_in)),
                       std::istreambuf_iterator<char>());
  uint64_t numbers = 0, filter_bytes = 0;
  if (!absl::SimpleAtoi(ManifestValue(manifest, "numbers_loaded"), &numbers) ||
      numbers == 0) {
    return Fail(
        absl::StrCat("cannot read numbers_loaded from ", gen_dir, "/MANIFEST"));
  }
  if (!absl::SimpleAtoi(ManifestValue(manifest, "filter_bytes"),
                        &filter_bytes)) {
    filter_bytes = TreeBytes(gen_dir + "/filter.bin");
  }
  // The exact index: index.bin, or keys.bin in generations made before it.
  const uint64_t keys_bytes =
      TreeBytes(gen_dir + "/index.bin") + TreeBytes(gen_dir + "/keys.bin");
  const uint64_t db_bytes = TreeBytes(gen_dir + "/db");
  const uint64_t total_bytes = TreeBytes(gen_dir);
  const MemoryUse memory = ProcessMemory(pid);
  const double n = static_cast<double>(numbers);
  const std::string note = absl::StrFormat(
      "filter %.2f bits/key (0: not built); exact index %.1f bits/key; "
      "RocksDB %.1f "
      "bytes/number on disk; generation %.0f MiB on disk",
      8.0 * static_cast<double>(filter_bytes) / n,
      8.0 * static_cast<double>(keys_bytes) / n,
      static_cast<double>(db_bytes) / n,
      static_cast<double>(total_bytes) / (1024.0 * 1024.0));
  ResultLine line;
  line.Set("scenario", "memory")
      .Set("system", "dnc")
      .Set("numbers", numbers)
      .Set("rss_bytes", memory.rss_bytes)
      .Set("hwm_bytes", memory.hwm_bytes)
      .Set("bytes_per_number", static_cast<double>(memory.rss_bytes) / n)
      .Set("filter_bits_per_key", 8.0 * static_cast<double>(filter_bytes) / n)
      .Set("keys_bits_per_key", 8.0 * static_cast<double>(keys_bytes) / n)
      .Set("disk_bytes", total_bytes)
      .Set("note", note);
  Emit(line);
  return 0;
}

int RunReport(const std::vector<std::string>& files) {
  if (files.empty()) return Usage("report needs one or more RESULT files");
  std::vector<ResultFields> results;
  for (const std::string& path : files) {
    std::ifstream in(path);
    if (!in) return Fail(absl::StrCat("cannot read ", path));
    std::string line;
    while (std::getline(in, line)) {
      ResultFields fields = ParseResultLine(line);
      if (!fields.empty()) results.push_back(std::move(fields));
    }
  }
  ReportOptions options;
  options.check_p99_limit_us = absl::GetFlag(FLAGS_p99_limit_us);
  std::cout << RenderReport(results, options);
  return 0;
}

int Main(int argc, char** argv) {
  // Debian's Abseil checks every Mutex for lock cycles (a debug feature that
  // shows up in profiles); a load generator should not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const CommandLineSpec spec{"dnc-bench", kUsage, "dnc_bench_main.cc"};
  const std::vector<std::string> rest =
      ParseCommandLineOrExit(argc, argv, spec);
  if (rest.empty()) {
    return Usage(
        "name a subcommand: gen, scrub, stream, check, checkstream, "
        "memory, numbers or report");
  }
  const std::string command = rest[0];
  std::vector<std::string> args(rest.begin() + 1, rest.end());
  if (command == "report") return RunReport(args);
  if (!args.empty()) {
    return Usage(absl::StrCat("unexpected argument '", args[0], "'"));
  }
  if (command == "gen") return RunGen();
  if (command == "scrub") return RunScrub();
  if (command == "stream") return RunStream();
  if (command == "check") return RunCheck();
  if (command == "checkstream") return RunCheckStream();
  if (command == "memory") return RunMemory();
  if (command == "numbers") return RunNumbers();
  return Usage(absl::StrCat("unknown subcommand '", command,
                            "'; use gen, scrub, stream, check, checkstream, "
                            "memory, numbers or report"));
}

}  // namespace
}  // namespace dnc::bench

int main(int argc, char** argv) { return dnc::bench::Main(argc, argv); }
