// Hot swap under load, through the real binaries on 127.0.0.1: 8 clients
// send Scrub batches and Checks to dnc-server for 30 seconds while dnc-load
// publishes 12 more generations of us-ftc, each one different from the last
// in known ways, and garbage-collects the one before it (--keep_generations
// 1), so the server keeps answering from generations whose files are already
// unlinked. Requirements: zero failed RPCs, and every answer equals the
// oracle of the generation the answer names (its snapshot's generation id),
// and no client ever sees the generation go backwards.
//
// Every generation k lists: the core numbers (always), a seeded half of the
// rotating numbers (differs per generation), and its own marker numbers
// (listed in generation k only). Never-listed numbers are never listed;
// Canadian numbers are never covered (us-ftc is the only source) and must
// answer STALE with a NO_SOURCE reason.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/civil_date.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

namespace v1 = ::dnc::v1;
using Clock = std::chrono::steady_clock;
using test::RunResult;

constexpr int kClients = 8;
constexpr auto kLoadDuration = std::chrono::seconds(30);
constexpr int kGenerations = 13;  // g000001 before the load, 12 during it.
constexpr int kMarkersPerGeneration = 25;

// Area codes in US states: us-ftc covers them, nothing else applies.
constexpr int kUsAreaCodes[] = {201, 202, 212, 213, 214, 305,
                                312, 415, 512, 617, 713, 808};

// A valid number in `npa`: exchange 200-999, not N11 and not 555.
uint64_t RandomNumber(std::mt19937_64& rng, int npa) {
  std::uniform_int_distribution<int> nxx(200, 999), line(0, 9999);
  int exchange;
  do exchange = nxx(rng);
  while (exchange % 100 == 11 || exchange == 555);
  return 10000000000ULL + static_cast<uint64_t>(npa) * 10000000ULL +
         static_cast<uint64_t>(exchange) * 10000ULL +
         static_cast<uint64_t>(line(rng));
}

struct Universe {
  std::vector<uint64_t> core, rotating, never, canada;
  std::vector<std::vector<uint64_t>> markers;  // [generation]; 0 unused.
  // listed[k]: the numbers of generation k (1-based; 0 unused).
  std::vector<std::unordered_set<uint64_t>> listed;
  // Every number a client may ask about, and its kind.
  std::vector<uint64_t> queries;
};

Universe MakeUniverse() {
  Universe u;
  std::mt19937_64 rng(20261122);
  std::unordered_set<uint64_t> seen;
  auto fresh = [&](int npa) {
    uint64_t e164;
    do e164 = RandomNumber(rng, npa);
    while (!seen.insert(e164).second);
    return e164;
  };
  std::uniform_int_distribution<size_t> pick_npa(
      0, sizeof(kUsAreaCodes) / sizeof(kUsAreaCodes[0]) - 1);
  for (int i = 0; i < 3000; ++i)
    u.core.push_back(fresh(kUsAreaCodes[pick_npa(rng)]));
  for (int i = 0; i < 3000; ++i) {
    u.rotating.push_back(fresh(kUsAreaCodes[pick_npa(rng)]));
  }
  for (int i = 0; i < 1000; ++i)
    u.never.push_back(fresh(kUsAreaCodes[pick_npa(rng)]));
  for (int i = 0; i < 200; ++i) u.canada.push_back(fresh(416));
  u.markers.resize(kGenerations + 1);
  u.listed.resize(kGenerations + 1);
  for (int k = 1; k <= kGenerations; ++k) {
    for (int i = 0; i < kMarkersPerGeneration; ++i) {
      u.markers[k].push_back(fresh(kUsAreaCodes[pick_npa(rng)]));
    }
    std::mt19937_64 coin(1000 + k);
    auto& listed = u.listed[k];
    listed.insert(u.core.begin(), u.core.end());
    for (uint64_t e164 : u.rotating) {
      if (coin() & 1) listed.insert(e164);
    }
    listed.insert(u.markers[k].begin(), u.markers[k].end());
  }
  for (const auto* list : {&u.core, &u.rotating, &u.never, &u.canada}) {
    u.queries.insert(u.queries.end(), list->begin(), list->end());
  }
  for (int k = 1; k <= kGenerations; ++k) {
    // Markers are asked about often, so answers tell generations apart.
    for (int r = 0; r < 8; ++r) {
      u.queries.insert(u.queries.end(), u.markers[k].begin(),
                       u.markers[k].end());
    }
  }
  return u;
}

// Writes generation k as an FTC flat file: "NPA,NXXXXXX" per line.
void WriteGenerationFile(const Universe& u, int k, const std::string& path) {
  std::vector<uint64_t> numbers(u.listed[k].begin(), u.listed[k].end());
  std::sort(numbers.begin(), numbers.end());
  std::ofstream out(path, std::ios::trunc);
  for (uint64_t e164 : numbers) {
    const uint64_t national = e164 - 10000000000ULL;
    out << absl::StrFormat("%03d,%07d\n", national / 10000000,
                           national % 10000000);
  }
}

// The generation number of "g000007" -> 7; 0 if not of that form.
int GenerationNumber(const std::string& name) {
  int k = 0;
  if (name.size() < 2 || name[0] != 'g' ||
      !absl::SimpleAtoi(name.substr(1), &k)) {
    return 0;
  }
  return k;
}

struct ClientStats {
  int64_t rpcs = 0;
  int64_t failed_rpcs = 0;
  int64_t numbers = 0;
  int64_t mismatches = 0;
  int64_t went_backwards = 0;
  std::set<int> generations;
  std::vector<double> check_ms;
  std::vector<std::string> examples;  // First few problems.
};

// What generation `k`'s answer for `e164` must be.
v1::Disposition Expected(const Universe& u, int k, uint64_t e164,
                         bool canadian) {
  if (canadian) return v1::STALE;
  return u.listed[k].count(e164) > 0 ? v1::BLOCKED : v1::CALLABLE;
}

class HotSwapLoadTest : public ::testing::Test {
 protected:
  RunResult Load(int k) {
    const std::string file = dir_.Path(absl::StrCat("gen-", k, ".txt"));
    WriteGenerationFile(universe_, k, file);
    return test::RunProcess(
        {DNC_LOAD_BIN, "--data", data_, "--source", "us-ftc", "--as_of",
         FormatIsoDate(TodayUtc()), "--keep_generations", "1", file},
        dir_.path(), std::chrono::seconds(120));
  }

  std::string Current() {
    return std::string(absl::StripAsciiWhitespace(
        test::ReadWholeFile(data_ + "/sources/us-ftc/CURRENT")));
  }

  void RunClient(int id, Clock::time_point until, ClientStats* stats) {
    auto stub = v1::ScrubService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    std::mt19937_64 rng(7000 + id);
    std::uniform_int_distribution<size_t> pick(0, universe_.queries.size() - 1);
    const std::unordered_set<uint64_t> canada(universe_.canada.begin(),
                                              universe_.canada.end());
    int last_generation = 0;
    auto note = [&](const std::string& problem) {
      if (stats->examples.size() < 5) stats->examples.push_back(problem);
    };
    auto generation_of =
        [&](const google::protobuf::RepeatedPtrField<v1::SnapshotRef>&
                snapshots) {
          if (snapshots.size() != 1 || snapshots[0].source() != "us-ftc") {
            note(absl::StrCat("expected one us-ftc snapshot, got ",
                              snapshots.size()));
            return 0;
          }
          const int k = GenerationNumber(snapshots[0].generation());
          if (k < 1 || k > kGenerations) {
            note("unknown generation " + snapshots[0].generation());
            return 0;
          }
          if (k < last_generation) ++stats->went_backwards;
          last_generation = std::max(last_generation, k);
          stats->generations.insert(k);
          return k;
        };
    for (int round = 0; Clock::now() < until; ++round) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(20));
      ++stats->rpcs;
      if (round % 3 != 2) {  // Two Scrub batches, then one Check.
        v1::ScrubRequest request;
        const int n = 50 + static_cast<int>(rng() % 200);
        for (int i = 0; i < n; ++i)
          request.add_e164(universe_.queries[pick(rng)]);
        v1::ScrubResponse response;
        const grpc::Status status = stub->Scrub(&context, request, &response);
        if (!status.ok()) {
          ++stats->failed_rpcs;
          note(absl::StrCat("Scrub failed: ", status.error_message()));
          continue;
        }
        stats->numbers += n;
        const int k = generation_of(response.snapshots());
        if (k == 0 || response.dispositions_size() != n) {
          ++stats->mismatches;
          continue;
        }
        for (int i = 0; i < n; ++i) {
          const uint64_t e164 = request.e164(i);
          const v1::Disposition want =
              Expected(universe_, k, e164, canada.count(e164) > 0);
          if (response.dispositions(i) != want) {
            ++stats->mismatches;
            note(absl::StrCat("+", e164, " in g", k, ": got ",
                              v1::Disposition_Name(response.dispositions(i)),
                              ", want ", v1::Disposition_Name(want)));
          }
        }
      } else {
        v1::CheckRequest request;
        uint64_t e164;
        do e164 = universe_.queries[pick(rng)];
        while (canada.count(e164) > 0);  // A Check names us-ftc's snapshot.
        request.set_e164(e164);
        v1::CheckResponse response;
        const auto start = Clock::now();
        const grpc::Status status = stub->Check(&context, request, &response);
        stats->check_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - start)
                .count());
        if (!status.ok()) {
          ++stats->failed_rpcs;
          note(absl::StrCat("Check failed: ", status.error_message()));
          continue;
        }
        ++stats->numbers;
        const int k = generation_of(response.snapshots());
        const v1::Disposition want = k == 0
                                         ? v1::DISPOSITION_UNSPECIFIED
                                         : Expected(universe_, k, e164, false);
        if (response.disposition() != want) {
          ++stats->mismatches;
          note(absl::StrCat("Check +", e164, " in g", k, ": got ",
                            v1::Disposition_Name(response.disposition())));
        }
      }
    }
  }

  test::ScratchDir dir_;
  Universe universe_ = MakeUniverse();
  std::string data_ = dir_.Path("data");
  std::string address_;
};

TEST_F(HotSwapLoadTest,
       EveryAnswerMatchesTheGenerationItNamesWhileGenerationsSwap) {
  RunResult load = Load(1);
  ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
  ASSERT_EQ(Current(), "g000001");

  test::BackgroundProcess server(
      {DNC_SERVER_BIN, "--auth=none", "--data", data_, "--listen",
       "127.0.0.1:0", "--port_file", dir_.Path("server.port"),
       "--reload_interval_seconds", "1"},
      dir_.Path("server"));
  std::string port;
  for (int i = 0; i < 600 && port.empty() && server.running(); ++i) {
    port = test::WaitForFile(dir_.Path("server.port"),
                             std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(port.empty()) << "dnc-server did not start: " << server.Stderr();
  address_ = "127.0.0.1:" + std::string(absl::StripAsciiWhitespace(port));

  const auto start = Clock::now();
  const auto until = start + kLoadDuration;
  std::vector<ClientStats> stats(kClients);
  std::vector<std::thread> clients;
  for (int id = 0; id < kClients; ++id) {
    clients.emplace_back(
        [this, id, until, &stats] { RunClient(id, until, &stats[id]); });
  }

  // Publish generations 2..13 across the 30 s, one about every 2 s; twice
  // two in a row, so the server may find the generation it is opening
  // already collected.
  int published = 1;
  std::vector<double> load_seconds;
  for (int k = 2; k <= kGenerations && Clock::now() < until; ++k) {
    if (k != 6 && k != 10) {
      std::this_thread::sleep_until(
          std::min(until, start + std::chrono::milliseconds(2200) * (k - 1)));
    }
    const auto t = Clock::now();
    load = Load(k);
    load_seconds.push_back(
        std::chrono::duration<double>(Clock::now() - t).count());
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    ASSERT_EQ(Current(), absl::StrFormat("g%06d", k));
    published = k;
  }
  for (std::thread& client : clients) client.join();

  // The server ends on the last generation (bounded wait; no timing is
  // asserted): its marker numbers answer BLOCKED.
  auto stub = v1::ScrubService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  std::string last_seen;
  for (int i = 0; i < 300; ++i) {
    v1::CheckRequest request;
    request.set_e164(universe_.markers[published][0]);
    v1::CheckResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Check(&context, request, &response).ok());
    ASSERT_EQ(response.snapshots_size(), 1);
    last_seen = response.snapshots(0).generation();
    if (last_seen == absl::StrFormat("g%06d", published)) {
      EXPECT_EQ(response.disposition(), v1::BLOCKED);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(last_seen, absl::StrFormat("g%06d", published));

  ClientStats total;
  for (const ClientStats& s : stats) {
    total.rpcs += s.rpcs;
    total.failed_rpcs += s.failed_rpcs;
    total.numbers += s.numbers;
    total.mismatches += s.mismatches;
    total.went_backwards += s.went_backwards;
    total.generations.insert(s.generations.begin(), s.generations.end());
    total.check_ms.insert(total.check_ms.end(), s.check_ms.begin(),
                          s.check_ms.end());
    for (const std::string& e : s.examples) {
      if (total.examples.size() < 10) total.examples.push_back(e);
    }
  }
  std::sort(total.check_ms.begin(), total.check_ms.end());
  auto percentile = [&](double p) {
    return total.check_ms.empty() ? 0.0
                                  : total.check_ms[static_cast<size_t>(
                                        p * (total.check_ms.size() - 1))];
  };
  double load_total = 0;
  for (double s : load_seconds) load_total += s;
  const std::string summary = absl::StrFormat(
      "%d clients, %d generations published during the load (each load "
      "%.2f s on average); %d RPCs (%d numbers), %d failed, %d mismatched "
      "answers, %d generation regressions; generations seen by clients: "
      "%d; Check latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
      kClients, published - 1,
      load_seconds.empty() ? 0.0 : load_total / load_seconds.size(), total.rpcs,
      total.numbers, total.failed_rpcs, total.mismatches, total.went_backwards,
      total.generations.size(), percentile(0.5), percentile(0.99),
      total.check_ms.empty() ? 0.0 : total.check_ms.back());
  std::printf("%s\n", summary.c_str());
  RecordProperty("summary", summary);

  EXPECT_GE(published - 1, 10) << summary;
  EXPECT_EQ(total.failed_rpcs, 0) << summary << "\n"
                                  << ::testing::PrintToString(total.examples);
  EXPECT_EQ(total.mismatches, 0) << summary << "\n"
                                 << ::testing::PrintToString(total.examples);
  EXPECT_EQ(total.went_backwards, 0) << summary;
  EXPECT_GT(total.generations.size(), 1u) << summary;
  EXPECT_GT(total.rpcs, kClients) << summary;

  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
  // Old generations were collected while being served: only the last one
  // is left on disk.
  EXPECT_FALSE(std::filesystem::exists(data_ + "/sources/us-ftc/g000001"));
}

}  // namespace
}  // namespace dnc
