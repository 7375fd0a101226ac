// Smoke test of the end-to-end load generator: at a tiny scale and for
// fractions of a second, dnc-bench generates data, drives a real dnc-server
// through every scenario and reports well-formed results and tables. It
// asserts what the tool says and that it runs, never how fast anything is.
#include <signal.h>

#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/load_gen.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using test::BackgroundProcess;
using test::RunProcess;
using test::RunResult;
using ::testing::HasSubstr;

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm_utc;
  gmtime_r(&now, &tm_utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm_utc);
  return text;
}

// The RESULT lines of `out`, parsed.
std::vector<std::map<std::string, std::string>> Results(
    const std::string& out) {
  std::vector<std::map<std::string, std::string>> results;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    auto fields = bench::ParseResultLine(line);
    if (!fields.empty()) results.push_back(std::move(fields));
  }
  return results;
}

double Number(const std::map<std::string, std::string>& fields,
              const std::string& key) {
  auto it = fields.find(key);
  if (it == fields.end()) return -1;
  return std::stod(it->second);
}

class DncBenchSmokeTest : public ::testing::Test {
 protected:
  RunResult Bench(std::vector<std::string> args) {
    args.insert(args.begin(), DNC_BENCH_BIN);
    return RunProcess(args, dir_.path(), std::chrono::seconds(120));
  }

  // Generates a registry with `seed` into `name`/ and loads it.
  void GenerateAndLoad(const std::string& name, const std::string& seed) {
    const RunResult gen =
        Bench({"gen", "--out_dir", dir_.Path(name), "--numbers", "20k",
               "--query_count", "20k", "--seed", seed});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    const RunResult load = RunProcess(
        {DNC_LOAD_BIN, "--data", dir_.Path(name + "/data"), "--source",
         "us-ftc", "--as_of", Today(), dir_.Path(name + "/registry.txt")},
        dir_.path());
    ASSERT_EQ(load.exit_code, 0) << load.err;
  }

  // Starts dnc-server on the data of `name`/; returns "127.0.0.1:PORT".
  std::string StartServer(const std::string& name) {
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{DNC_SERVER_BIN, "--auth=none", "--data",
                                 dir_.Path(name + "/data"), "--listen",
                                 "127.0.0.1:0", "--port_file",
                                 dir_.Path(name + ".port")},
        dir_.Path(name + "-server"));
    std::string port;
    for (int i = 0; i < 300 && port.empty() && server_->running(); ++i) {
      port = test::WaitForFile(dir_.Path(name + ".port"),
                               std::chrono::milliseconds(100));
    }
    EXPECT_FALSE(port.empty())
        << "dnc-server did not start: " << server_->Stderr();
    while (!port.empty() && (port.back() == '\n' || port.back() == ' ')) {
      port.pop_back();
    }
    return "127.0.0.1:" + port;
  }

  test::ScratchDir dir_;
  std::unique_ptr<BackgroundProcess> server_;
};

TEST_F(DncBenchSmokeTest, HelpExitsZeroAndNamesEverySubcommand) {
  const RunResult help = Bench({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command :
       {"gen", "scrub", "stream", "check", "memory", "report"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
}

TEST_F(DncBenchSmokeTest, GenWritesTheSameFilesForTheSameSeed) {
  GenerateAndLoad("a", "7");
  const RunResult again =
      Bench({"gen", "--out_dir", dir_.Path("b"), "--numbers", "20k",
             "--query_count", "20k", "--seed", "7"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const char* file : {"registry.txt", "registry.keys", "queries-hit5.keys",
                           "queries-hit50.keys"}) {
    EXPECT_EQ(test::ReadWholeFile(dir_.Path(std::string("a/") + file)),
              test::ReadWholeFile(dir_.Path(std::string("b/") + file)))
        << file;
  }
}

TEST_F(DncBenchSmokeTest, EveryScenarioRunsAndReportsWellFormedResults) {
  GenerateAndLoad("reg", "20261122");
  const std::string server = StartServer("reg");
  const std::string pid = std::to_string(server_->pid());
  const std::string q5 = dir_.Path("reg/queries-hit5.keys");
  const std::string q50 = dir_.Path("reg/queries-hit50.keys");
  const std::vector<std::string> quick = {
      "--seconds", "0.3", "--warmup_seconds", "0.1", "--server_pid", pid};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), quick.begin(), quick.end());
    return args;
  };

  std::string all_out;
  for (const std::string& q : {q5, q50}) {
    const RunResult scrub =
        Bench(with({"scrub", "--server", server, "--queries", q, "--batch",
                    "1000", "--concurrency", "2", "--runs", "2"}));
    ASSERT_EQ(scrub.exit_code, 0) << scrub.err;
    EXPECT_THAT(scrub.err, HasSubstr("every answer right"));
    all_out += scrub.out;
  }
  const RunResult stream =
      Bench(with({"stream", "--server", server, "--queries", q5, "--batch",
                  "1000", "--concurrency", "2"}));
  ASSERT_EQ(stream.exit_code, 0) << stream.err;
  all_out += stream.out;
  const RunResult check = Bench(with(
      {"check", "--server", server, "--queries", q50, "--rates", "200,400"}));
  ASSERT_EQ(check.exit_code, 0) << check.err;
  all_out += check.out;
  // The one-thread client: the sender also takes the answers off the queue.
  const RunResult self_polled =
      Bench(with({"check", "--server", server, "--queries", q50, "--rates",
                  "300", "--cq_threads", "0"}));
  ASSERT_EQ(self_polled.exit_code, 0) << self_polled.err;
  EXPECT_THAT(self_polled.out, HasSubstr("cq_threads=0"));
  all_out += self_polled.out;
  const RunResult memory =
      Bench({"memory", "--server_pid", pid, "--data", dir_.Path("reg/data")});
  ASSERT_EQ(memory.exit_code, 0) << memory.err;
  all_out += memory.out;

  const auto results = Results(all_out);
  std::map<std::string, int> per_scenario;
  for (const auto& r : results) {
    ++per_scenario[r.at("scenario")];
    EXPECT_EQ(r.at("system"), "dnc");
    if (r.at("scenario") == "scrub" || r.at("scenario") == "stream") {
      EXPECT_GT(Number(r, "numbers_per_s"), 0);
      EXPECT_GE(Number(r, "client_cpu"), 0);
      EXPECT_THAT(r.at("hits"), ::testing::AnyOf("5", "50"));
    }
    if (r.at("scenario") == "check") {
      EXPECT_GT(Number(r, "achieved_per_s"), 0);
      EXPECT_EQ(Number(r, "failed"), 0);
      EXPECT_GE(Number(r, "server_us_per_call"), 0);
      EXPECT_GE(Number(r, "client_us_per_call"), 0);
      EXPECT_LE(Number(r, "p50_us"), Number(r, "p99_us"));
      EXPECT_LE(Number(r, "p99_us"), Number(r, "p999_us"));
      EXPECT_EQ(r.at("hits"), "50");
    }
    if (r.at("scenario") == "memory") {
      EXPECT_EQ(Number(r, "numbers"), 20000);
      EXPECT_GT(Number(r, "rss_bytes"), 0);
      // dnc-load writes no filter unless asked (--filter); the index it
      // always writes.
      EXPECT_EQ(Number(r, "filter_bits_per_key"), 0);
      EXPECT_GT(Number(r, "keys_bits_per_key"), 0);
    }
  }
  EXPECT_EQ(per_scenario["scrub"], 4);
  EXPECT_EQ(per_scenario["stream"], 1);
  EXPECT_EQ(per_scenario["check"], 3);
  EXPECT_EQ(per_scenario["memory"], 1);

  const std::string results_file = dir_.Path("results.txt");
  {
    std::ofstream out(results_file);
    out << all_out;
  }
  const RunResult report = Bench({"report", results_file});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("#### Batched Scrub: 1000 numbers"));
  EXPECT_THAT(report.out, HasSubstr("| 5% | dnc-server | **"));
  EXPECT_THAT(report.out, HasSubstr("| 50% | dnc-server | **"));
  EXPECT_THAT(report.out, HasSubstr("#### ScrubStream bulk"));
  EXPECT_THAT(report.out, HasSubstr("#### Check, open loop at 200"));
  EXPECT_THAT(report.out, HasSubstr("#### Memory"));
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
}

TEST_F(DncBenchSmokeTest, ScrubFailsWhenTheServerHoldsAnotherRegistry) {
  GenerateAndLoad("served", "1");
  GenerateAndLoad("other", "2");
  const std::string server = StartServer("served");
  const RunResult scrub =
      Bench({"scrub", "--server", server, "--queries",
             dir_.Path("other/queries-hit50.keys"), "--batch", "1000",
             "--seconds", "0.2", "--warmup_seconds", "0"});
  EXPECT_EQ(scrub.exit_code, 1);
  EXPECT_THAT(scrub.err, HasSubstr("wrong or failed answer"));
  EXPECT_THAT(scrub.out, ::testing::Not(HasSubstr("RESULT")));
}

TEST_F(DncBenchSmokeTest, UnreachableServerIsReportedInWords) {
  GenerateAndLoad("reg", "3");
  const RunResult scrub =
      Bench({"scrub", "--server", "127.0.0.1:1", "--queries",
             dir_.Path("reg/queries-hit5.keys"), "--seconds", "0.1",
             "--connect_timeout_seconds", "1"});
  EXPECT_EQ(scrub.exit_code, 1);
  EXPECT_THAT(scrub.err, HasSubstr("cannot reach dnc-server at 127.0.0.1:1"));
}

}  // namespace
}  // namespace dnc
