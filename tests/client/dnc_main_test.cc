// Runs the real `dnc` binary (DNC_BINARY) as a subprocess, against nothing,
// a closed port, or an in-process fake ScrubService.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/fake_scrub_server.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ShellQuote(const std::string& arg) {
  std::string quoted = "'";
  for (const char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

class DncMainTest : public ::testing::Test {
 protected:
  // Runs dnc with `args` (no shell expansion), DNC_SERVER unset.
  RunResult Run(const std::vector<std::string>& args) {
    std::vector<std::string> quoted;
    for (const std::string& arg : args) quoted.push_back(ShellQuote(arg));
    const std::string out = dir_.Path("stdout");
    const std::string err = dir_.Path("stderr");
    const std::string command = absl::StrCat(
        "env -u DNC_SERVER ", ShellQuote(DNC_BINARY), " ",
        absl::StrJoin(quoted, " "), " >", out, " 2>", err, " </dev/null");
    const int status = std::system(command.c_str());
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = ReadFile(out);
    result.err = ReadFile(err);
    return result;
  }

  void StartServer() {
    server_.service().listed[12025551234] = {0, ""};
    server_.Start();
    ASSERT_TRUE(server_.started());
  }
  std::string ServerFlag() { return "--server=" + server_.address(); }

  test::ScratchDir dir_;
  fake::FakeScrubServer server_;
};

// A port nothing listens on: bound once to find it, then released.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(DncMainTest, HelpExitsZeroAndListsEveryCommandWithExamples) {
  for (const char* flag : {"--help", "help", "-h"}) {
    const RunResult r = Run({flag});
    EXPECT_EQ(r.exit_code, 0) << flag;
    EXPECT_THAT(r.out, HasSubstr("check NUMBER")) << flag;
    EXPECT_THAT(r.out, HasSubstr("scrub INPUT.csv")) << flag;
    EXPECT_THAT(r.out, HasSubstr("status")) << flag;
    EXPECT_THAT(r.out, HasSubstr("Examples:")) << flag;
    EXPECT_THAT(r.out, HasSubstr("--server")) << flag;
  }
}

TEST_F(DncMainTest, UnknownCommandExitsTwoWithAHint) {
  const RunResult r = Run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate'"));
  EXPECT_THAT(r.err, HasSubstr("dnc --help"));
}

TEST_F(DncMainTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({}).exit_code, 2);
  EXPECT_EQ(Run({"check"}).exit_code, 2);
  EXPECT_EQ(Run({"scrub"}).exit_code, 2);
  EXPECT_EQ(Run({"scrub", "a.csv", "-o"}).exit_code, 2);
  const RunResult unknown_flag = Run({"--no_such_flag", "status"});
  EXPECT_EQ(unknown_flag.exit_code, 2);
  EXPECT_THAT(unknown_flag.err, HasSubstr("unknown flag '--no_such_flag'"));
}

TEST_F(DncMainTest, CheckAgainstAClosedPortFailsWithCannotReach) {
  const std::string address = absl::StrCat("127.0.0.1:", ClosedPort());
  const RunResult r = Run(
      {"check", "--server=" + address, "--timeout_seconds=20", "2025551234"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot reach dnc-server at " + address));
  EXPECT_THAT(r.err, HasSubstr("is it running? use --server"));
}

TEST_F(DncMainTest, CheckPrintsOneLinePerNumberAndExitsThreeIfAnyBlocked) {
  StartServer();
  const RunResult blocked =
      Run({ServerFlag(), "check", "(202) 555-1234", "3035551234", "nope"});
  EXPECT_EQ(blocked.exit_code, 3) << blocked.err;
  const std::vector<std::string> lines =
      absl::StrSplit(blocked.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << blocked.out;
  EXPECT_THAT(lines[0], HasSubstr("(202) 555-1234"));
  EXPECT_THAT(lines[0], HasSubstr("+12025551234"));
  EXPECT_THAT(lines[0], HasSubstr("BLOCKED"));
  EXPECT_THAT(lines[0], HasSubstr("us-ftc g000001 as of 2026-11-20"));
  EXPECT_THAT(lines[1], HasSubstr("CALLABLE"));
  EXPECT_THAT(lines[2], HasSubstr("MALFORMED"));

  const RunResult clean = Run({"check", "3035551234", ServerFlag()});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("CALLABLE"));
}

TEST_F(DncMainTest, ServerComesFromTheEnvironmentWhenNoFlagIsGiven) {
  StartServer();
  const std::string command =
      absl::StrCat("DNC_SERVER=", server_.address(), " ", DNC_BINARY,
                   " check 3035551234 >/dev/null 2>&1");
  const int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(DncMainTest, ScrubWritesTheOutputAndASummary) {
  StartServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "name,phone\nAnn,(202) 555-1234\nBob,303-555-1234\n"
                       "Cy,\n";
  const std::string out = dir_.Path("cleaned.csv");
  const RunResult r = Run({"scrub", in, "-o", out, ServerFlag()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Wrote " + out));
  EXPECT_THAT(r.out, HasSubstr("Scrubbed 3 rows"));
  EXPECT_THAT(r.out, HasSubstr("BLOCKED"));
  EXPECT_THAT(r.out, HasSubstr("33.3%"));
  EXPECT_THAT(r.out, HasSubstr("us-ftc (US) g000001 as of 2026-11-20"));
  EXPECT_EQ(ReadFile(out),
            "name,phone,dnc_disposition,dnc_callable,dnc_e164,dnc_reason\n"
            "Ann,(202) 555-1234,BLOCKED,no,+12025551234,"
            "us-ftc g000001 as of 2026-11-20\n"
            "Bob,303-555-1234,CALLABLE,yes,+13035551234,\n"
            "Cy,,MALFORMED,no,,empty\n");
}

TEST_F(DncMainTest, ScrubToStdoutPutsTheSummaryOnStderr) {
  StartServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n2025551234\n";
  const RunResult r = Run({ServerFlag(), "scrub", "-o", "-", in});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2025551234,BLOCKED,no,+12025551234"));
  EXPECT_THAT(r.out, Not(HasSubstr("Scrubbed")));
  EXPECT_THAT(r.err, HasSubstr("Scrubbed 1 row "));
}

TEST_F(DncMainTest, ScrubWithoutOutputWritesBesideTheInputAndSaysWhere) {
  StartServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n2025551234\n";
  const RunResult r = Run({ServerFlag(), "scrub", in});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string expected = dir_.Path("leads.scrubbed.csv");
  EXPECT_THAT(r.out, HasSubstr("Wrote " + expected));
  struct stat st {};
  EXPECT_EQ(::stat(expected.c_str(), &st), 0);
}

TEST_F(DncMainTest, ScrubRefusesToOverwriteTheInput) {
  StartServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n2025551234\n";
  const RunResult r = Run({ServerFlag(), "scrub", in, "--output", in});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("refusing to overwrite the input"));
  EXPECT_EQ(ReadFile(in), "phone\n2025551234\n");
}

TEST_F(DncMainTest, StatusPrintsATableOfSources) {
  StartServer();
  const RunResult r = Run({ServerFlag(), "status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SOURCE"));
  EXPECT_THAT(r.out, HasSubstr("DEADLINE"));
  EXPECT_THAT(r.out, HasSubstr("us-ftc"));
  EXPECT_THAT(r.out, HasSubstr("g000001"));
  EXPECT_THAT(r.out, HasSubstr("2026-12-21"));
  EXPECT_THAT(r.out, HasSubstr("STALE"));
  EXPECT_THAT(r.out, HasSubstr("fake-1"));
}

// The real dnc-server, when it was built next to dnc, on an empty data
// directory: every number must come back not callable (STALE), never CALLABLE.
TEST_F(DncMainTest, RealServerWithNoDataAnswersEveryNumberNotCallable) {
  std::string server_binary = DNC_BINARY;
  server_binary =
      server_binary.substr(0, server_binary.rfind('/') + 1) + "dnc-server";
  if (::access(server_binary.c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no dnc-server at " << server_binary;
  }
  const std::string data = dir_.Path("data");
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  const std::string port_file = dir_.Path("port");
  const std::string log = dir_.Path("server.log");
  std::vector<std::string> args = {server_binary, "--data",      data,
                                   "--listen",    "127.0.0.1:0", "--port_file",
                                   port_file};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, server_binary.c_str(), &actions, nullptr,
                        argv.data(), environ),
            0);
  posix_spawn_file_actions_destroy(&actions);
  std::string port;
  for (int i = 0; i < 200 && port.empty(); ++i) {  // Up to ~20 s to start.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    port = ReadFile(port_file);
    while (!port.empty() && (port.back() == '\n' || port.back() == ' ')) {
      port.pop_back();
    }
  }
  if (!port.empty()) {
    const std::string server = "--server=127.0.0.1:" + port;
    const RunResult check = Run({server, "check", "2025551234", "junk"});
    EXPECT_EQ(check.exit_code, 3) << check.err;
    EXPECT_THAT(check.out, Not(HasSubstr("CALLABLE")));
    EXPECT_THAT(check.out, HasSubstr("MALFORMED"));
    const RunResult status = Run({server, "status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
  }
  ::kill(pid, SIGTERM);
  int wait_status = 0;
  ::waitpid(pid, &wait_status, 0);
  ASSERT_FALSE(port.empty()) << "dnc-server did not start: " << ReadFile(log);
}

}  // namespace
}  // namespace dnc::client
