// Crash safety of the real dnc-load: for every named crash point of a full
// load and of a change-list load, the loader is killed with SIGKILL at that
// point, and then
//  - the generation opened from CURRENT is whole and answers exactly like the
//    generation published before (or, for the points after CURRENT was
//    switched, like the new one), for every number of the test plus absent
//    ones;
//  - for several points a real dnc-server, started on the data dir before
//    the crash, keeps serving the previous generation through the crash, and
//    picks up the new one after the rerun;
//  - rerunning the same command, with no manual cleanup, publishes the new
//    generation (or, for a change list whose generation was already
//    published before the kill, says it was applied: exit 3), and leaves no
//    temp dirs behind.
//
// The test hook: dnc-load reads DNC_TEST_CRASH_POINT once at start-up; when it
// names a point (storage/crash_point.h lists them), the process raises
// SIGKILL on reaching it. Unset, the hook does nothing. The variable is set
// only for the child (through /usr/bin/env), never in this process.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <memory>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/crash_point.h"
#include "storage/source_snapshot.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

namespace fs = std::filesystem;
using test::BackgroundProcess;
using test::RunProcess;
using test::RunResult;
using ::testing::HasSubstr;

constexpr int kKilledBySigkill = 128 + SIGKILL;
constexpr int kExitAlreadyApplied = 3;

std::string FtcLine(uint64_t key) {
  const uint64_t national = key - 10000000000ULL;
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%03llu,%07llu",
           static_cast<unsigned long long>(national / 10000000),
           static_cast<unsigned long long>(national % 10000000));
  return buffer;
}

std::string ChangeLine(uint64_t key, DayNumber day, bool add) {
  return absl::StrCat(FtcLine(key), ",", FormatIsoDate(day), " 09:00:00,",
                      add ? "A" : "D", "\n");
}

void WriteText(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), file), text.size());
  std::fclose(file);
}

std::vector<uint64_t> ValidKeys(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::set<uint64_t> keys;
  while (keys.size() < count) {
    const uint64_t key = 10000000000ULL + 2000000000ULL + rng() % 8000000000ULL;
    if (ClassifyE164(key).valid()) keys.insert(key);
  }
  return {keys.begin(), keys.end()};
}

// What every case starts from, built once: g000001 (full list, S1) and
// g000002 (a change list on it, S2) published; and the inputs of the load
// that gets killed: a full list (S3 full) and a change list (S3 change).
struct World {
  test::ScratchDir dir;
  std::string data;  // The template data dir; each case copies it.
  std::string full_next, change_next;
  DayNumber day_full = 0, day_change = 0, day_next = 0;
  std::set<uint64_t> s2, s3_full, s3_change;
  std::vector<uint64_t> probes;  // Every number used, plus absent ones.
  uint64_t only_in_s2 = 0;       // Listed in S2, not in S3 (either kind).
  uint64_t only_in_s3 = 0;       // Listed in S3 (either kind), not in S2.
};

World* BuildWorld() {
  auto* world = new World();
  world->data = world->dir.Path("data");
  const DayNumber today = TodayUtc();
  world->day_full = today - 3;
  world->day_change = today - 2;
  world->day_next = today - 1;

  const std::vector<uint64_t> keys = ValidKeys(3000, 42);
  // S1: the first 2000. C1: delete 0..99, add 2000..2199.
  std::string full;
  std::set<uint64_t> s1(keys.begin(), keys.begin() + 2000);
  for (uint64_t key : s1) absl::StrAppend(&full, FtcLine(key), "\n");
  std::string c1;
  for (size_t i = 0; i < 100; ++i) {
    absl::StrAppend(&c1, ChangeLine(keys[i], world->day_change, false));
  }
  for (size_t i = 2000; i < 2200; ++i) {
    absl::StrAppend(&c1, ChangeLine(keys[i], world->day_change, true));
  }
  world->s2 = s1;
  for (size_t i = 0; i < 100; ++i) world->s2.erase(keys[i]);
  for (size_t i = 2000; i < 2200; ++i) world->s2.insert(keys[i]);

  // S3 (full): keys 150..2499. S3 (change): delete 100..149, add 2200..2499.
  std::string full_next;
  for (size_t i = 150; i < 2500; ++i) {
    absl::StrAppend(&full_next, FtcLine(keys[i]), "\n");
    world->s3_full.insert(keys[i]);
  }
  std::string c2;
  world->s3_change = world->s2;
  for (size_t i = 100; i < 150; ++i) {
    absl::StrAppend(&c2, ChangeLine(keys[i], world->day_next, false));
    world->s3_change.erase(keys[i]);
  }
  for (size_t i = 2200; i < 2500; ++i) {
    absl::StrAppend(&c2, ChangeLine(keys[i], world->day_next, true));
    world->s3_change.insert(keys[i]);
  }
  world->only_in_s2 = keys[120];   // Deleted by both kinds of next load.
  world->only_in_s3 = keys[2300];  // Added by both.
  world->probes = keys;
  for (uint64_t key : ValidKeys(500, 43)) world->probes.push_back(key);

  const std::string f1 = world->dir.Path("full-1.txt");
  const std::string ch1 = world->dir.Path("change-1.txt");
  world->full_next = world->dir.Path("full-2.txt");
  world->change_next = world->dir.Path("change-2.txt");
  WriteText(f1, full);
  WriteText(ch1, c1);
  WriteText(world->full_next, full_next);
  WriteText(world->change_next, c2);

  const RunResult one =
      RunProcess({DNC_LOAD_BIN, "--data", world->data, "--source", "us-ftc",
                  "--as_of", FormatIsoDate(world->day_full), f1},
                 world->dir.path());
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
  const RunResult two = RunProcess(
      {DNC_LOAD_BIN, "--data", world->data, "--source", "us-ftc", "--as_of",
       FormatIsoDate(world->day_change), "--mode", "change", ch1},
      world->dir.path());
  EXPECT_EQ(two.exit_code, 0) << two.out << two.err;
  return world;
}

struct CrashCase {
  const char* point;
  bool change;        // Kill a change-list load (else a full load).
  bool after_switch;  // The point comes after CURRENT names the new one.
  bool with_server;   // Also watch a real dnc-server through it.
};

// How gtest (and ctest's test list) shows a case.
void PrintTo(const CrashCase& c, std::ostream* os) {
  *os << (c.change ? "change list" : "full load") << " killed at " << c.point;
}

std::string CaseName(const ::testing::TestParamInfo<CrashCase>& info) {
  std::string name =
      absl::StrCat(info.param.change ? "Change_" : "Full_", info.param.point);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

class LoaderCrashTest : public ::testing::TestWithParam<CrashCase> {
 protected:
  static void SetUpTestSuite() { world_ = BuildWorld(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(fs::exists(world_->data + "/sources/us-ftc/CURRENT"));
    data_ = dir_.Path("data");
    fs::copy(world_->data, data_, fs::copy_options::recursive);
  }

  std::vector<std::string> LoadArgs() const {
    const CrashCase& c = GetParam();
    std::vector<std::string> args = {DNC_LOAD_BIN,
                                     "--data",
                                     data_,
                                     "--source",
                                     "us-ftc",
                                     "--as_of",
                                     FormatIsoDate(world_->day_next)};
    // The filter is written only when asked for: ask where it is the point.
    if (std::string(c.point).find("filter") != std::string::npos) {
      args.push_back("--filter");
    }
    if (c.change) {
      args.insert(args.end(), {"--mode", "change", world_->change_next});
    } else {
      args.push_back(world_->full_next);
    }
    return args;
  }

  const std::set<uint64_t>& NewSet() const {
    return GetParam().change ? world_->s3_change : world_->s3_full;
  }

  // The generation CURRENT names answers exactly `expected`.
  void ExpectServing(const std::string& generation,
                     const std::set<uint64_t>& expected) {
    absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
        storage::SourceSnapshot::OpenCurrent(data_, "us-ftc");
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    EXPECT_EQ((*snapshot)->manifest().generation, generation);
    EXPECT_EQ((*snapshot)->manifest().numbers_loaded, expected.size());
    std::vector<uint8_t> listed(world_->probes.size());
    ASSERT_TRUE(
        (*snapshot)->Lookup(world_->probes, absl::MakeSpan(listed)).ok());
    size_t mismatches = 0;
    for (size_t i = 0; i < listed.size(); ++i) {
      mismatches +=
          (listed[i] != 0) != (expected.count(world_->probes[i]) != 0);
    }
    EXPECT_EQ(mismatches, 0u) << "serving " << generation;
  }

  std::vector<std::string> SourceEntries() const {
    std::vector<std::string> names;
    for (const auto& entry :
         fs::directory_iterator(data_ + "/sources/us-ftc")) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  bool HasLeftovers() const {
    for (const std::string& name : SourceEntries()) {
      if (name.rfind(".tmp", 0) == 0 || name == "CURRENT.tmp" ||
          name == "g000003") {
        return true;
      }
    }
    return false;
  }

  std::string StartServer() {
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{DNC_SERVER_BIN, "--auth=none", "--data", data_,
                                 "--listen", "127.0.0.1:0", "--port_file",
                                 dir_.Path("server.port")},
        dir_.Path("server"));
    std::string port =
        test::WaitForFile(dir_.Path("server.port"), std::chrono::seconds(60));
    while (!port.empty() && (port.back() == '\n' || port.back() == ' ')) {
      port.pop_back();
    }
    EXPECT_FALSE(port.empty())
        << "dnc-server did not start: " << server_->Stderr();
    return "127.0.0.1:" + port;
  }

  RunResult Cli(const std::string& server, std::vector<std::string> args) {
    std::vector<std::string> argv = {DNC_CLI_BIN, "--server", server};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, dir_.path(), std::chrono::seconds(60));
  }

  // Polls `dnc status` until it shows `generation` (the server reloads
  // every second). Returns the last output.
  std::string WaitForServedGeneration(const std::string& server,
                                      const std::string& generation) {
    std::string out;
    for (int i = 0; i < 100; ++i) {
      out = Cli(server, {"status"}).out;
      if (out.find(generation) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return out;
  }

  std::string Plus(uint64_t key) { return absl::StrCat("+", key); }

  static World* world_;
  test::ScratchDir dir_;
  std::string data_;
  std::unique_ptr<BackgroundProcess> server_;
};

World* LoaderCrashTest::world_ = nullptr;

TEST_P(LoaderCrashTest,
       KilledLoadLeavesThePublishedGenerationAndRerunSucceeds) {
  const CrashCase& c = GetParam();
  std::string server;
  if (c.with_server) {
    server = StartServer();
    ASSERT_THAT(WaitForServedGeneration(server, "g000002"),
                HasSubstr("g000002"));
  }

  // 1. Kill the loader at the point.
  std::vector<std::string> crash = {
      "/usr/bin/env", absl::StrCat(storage::kCrashPointEnv, "=", c.point)};
  const std::vector<std::string> args = LoadArgs();
  crash.insert(crash.end(), args.begin(), args.end());
  const RunResult killed = RunProcess(crash, dir_.path());
  ASSERT_EQ(killed.exit_code, kKilledBySigkill)
      << "the crash point was not reached:\n"
      << killed.out << killed.err;
  EXPECT_THAT(killed.err,
              HasSubstr(absl::StrCat(storage::kCrashPointEnv, "=", c.point)));

  // 2. What CURRENT names is whole: the previous generation, or the new one
  // if the kill came after the switch.
  if (c.after_switch) {
    ExpectServing("g000003", NewSet());
  } else {
    ExpectServing("g000002", world_->s2);
    EXPECT_TRUE(HasLeftovers()) << "nothing was left to clean up";
  }
  if (std::string(c.point) == "change-mid-checkpoint") {
    // A half-made checkpoint is among the leftovers.
    bool half_made = false;
    for (const std::string& name : SourceEntries()) {
      if (name.rfind(".tmp-g000003", 0) == 0) {
        half_made = fs::exists(data_ + "/sources/us-ftc/" + name + "/db.tmp");
      }
    }
    EXPECT_TRUE(half_made);
  }
  if (c.with_server) {
    const std::string served = c.after_switch ? "g000003" : "g000002";
    EXPECT_THAT(WaitForServedGeneration(server, served), HasSubstr(served));
    const RunResult check = Cli(server, {"check", Plus(world_->only_in_s2)});
    EXPECT_EQ(check.exit_code, c.after_switch ? 0 : 3) << check.out;
  }

  // 3. Rerun the same command: no manual cleanup needed. A number is never
  // reused once a g000003 directory existed (renamed, even if never
  // published); an unrenamed temp dir does not use one up.
  const bool number_used = fs::exists(data_ + "/sources/us-ftc/g000003");
  EXPECT_EQ(number_used, c.after_switch ||
                             std::string(c.point) == "after-rename" ||
                             std::string(c.point) == "current-tmp-written");
  const RunResult rerun = RunProcess(args, dir_.path());
  std::string generation;
  if (c.after_switch && c.change) {
    EXPECT_EQ(rerun.exit_code, kExitAlreadyApplied) << rerun.out << rerun.err;
    EXPECT_THAT(rerun.err, HasSubstr("already applied by generation g000003"));
    generation = "g000003";
  } else {
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
    generation = number_used ? "g000004" : "g000003";
  }
  ExpectServing(generation, NewSet());
  for (const std::string& name : SourceEntries()) {
    EXPECT_NE(name.rfind(".tmp", 0), 0u) << "leftover " << name;
    EXPECT_NE(name, "CURRENT.tmp");
  }
  if (c.with_server) {
    EXPECT_THAT(WaitForServedGeneration(server, generation),
                HasSubstr(generation));
    const RunResult gone = Cli(server, {"check", Plus(world_->only_in_s2)});
    EXPECT_EQ(gone.exit_code, 0) << gone.out << gone.err;  // CALLABLE now.
    const RunResult added = Cli(server, {"check", Plus(world_->only_in_s3)});
    EXPECT_EQ(added.exit_code, 3) << added.out << added.err;  // BLOCKED.
    EXPECT_THAT(added.out, HasSubstr("BLOCKED"));
    EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Points, LoaderCrashTest,
    ::testing::Values(
        // A full load killed at each of its points.
        CrashCase{"full-reading", false, false, false},
        CrashCase{"full-sorted", false, false, false},
        CrashCase{"full-db-built", false, false, true},
        CrashCase{"full-keys-written", false, false, false},
        CrashCase{"full-filter-written", false, false, false},
        CrashCase{"manifest-written", false, false, false},
        CrashCase{"before-rename", false, false, false},
        CrashCase{"after-rename", false, false, true},
        CrashCase{"current-tmp-written", false, false, false},
        CrashCase{"after-current", false, true, false},
        CrashCase{"mid-gc", false, true, false},
        // A change-list load killed at each of its points.
        CrashCase{"change-reading", true, false, false},
        CrashCase{"change-merged", true, false, false},
        CrashCase{"change-mid-checkpoint", true, false, true},
        CrashCase{"change-checkpointed", true, false, false},
        CrashCase{"change-mid-sst", true, false, false},
        CrashCase{"change-ingested", true, false, false},
        CrashCase{"change-keys-written", true, false, false},
        CrashCase{"change-filter-written", true, false, false},
        CrashCase{"manifest-written", true, false, false},
        CrashCase{"before-rename", true, false, false},
        CrashCase{"after-rename", true, false, false},
        CrashCase{"current-tmp-written", true, false, true},
        CrashCase{"after-current", true, true, false},
        CrashCase{"mid-gc", true, true, true}),
    CaseName);

// Every point the loader defines is covered above.
TEST(LoaderCrashPointsTest, EveryNamedCrashPointIsExercised) {
  EXPECT_EQ(std::size(storage::kCrashPointNames), 19u)
      << "a crash point was added: add a case for it to LoaderCrashTest";
}

}  // namespace
}  // namespace dnc
