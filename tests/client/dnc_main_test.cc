// Runs the real `dnc` binary (DNC_BINARY) as a subprocess (through
// tests/testing/subprocess.h), against nothing, a closed port, an in-process
// fake ScrubService, or the real dnc-server.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/fake_scrub_server.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc::client {
namespace {

using test::ReadWholeFile;
using test::RunResult;
using ::testing::HasSubstr;
using ::testing::Not;

class DncMainTest : public ::testing::Test {
 protected:
  // Runs dnc with `args` (no shell expansion), DNC_SERVER unset, unless
  // `env` sets it.
  RunResult Run(const std::vector<std::string>& args,
                std::vector<std::string> env = {}) {
    std::vector<std::string> argv = {DNC_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    env.insert(env.begin(), "DNC_SERVER");
    return test::RunProcess(argv, dir_.path(), std::chrono::seconds(300), env);
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
  const int status =
      Run({"check", "3035551234"}, {"DNC_SERVER=" + server_.address()})
          .exit_code;
  EXPECT_EQ(status, 0);
}

TEST_F(DncMainTest, ScrubWritesTheOutputAndASummary) {
  StartServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "name,phone\nAnn,(202) 555-1234\nBob,303-555-1234\n"
                       "Cy,\n";
  const std::string out = dir_.Path("cleaned.csv");
  const RunResult r =
      Run({"scrub", in, "-o", out, ServerFlag(), "--now=2026-11-23T19:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Wrote " + out));
  EXPECT_THAT(r.out, HasSubstr("Scrubbed 3 rows"));
  EXPECT_THAT(r.out, HasSubstr("BLOCKED"));
  EXPECT_THAT(r.out, HasSubstr("33.3%"));
  EXPECT_THAT(r.out, HasSubstr("us-ftc (US) g000001 as of 2026-11-20"));
  EXPECT_EQ(ReadWholeFile(out),
            "name,phone,dnc_disposition,dnc_callable,dnc_e164,dnc_reason,"
            "dnc_window,dnc_callable_now\n"
            "Ann,(202) 555-1234,BLOCKED,no,+12025551234,"
            "us-ftc g000001 as of 2026-11-20,08:00-21:00 America/New_York,no\n"
            "Bob,303-555-1234,CALLABLE,yes,+13035551234,,unknown,no\n"
            "Cy,,MALFORMED,no,,empty,unknown,no\n");
}

TEST_F(DncMainTest, ScrubToStdoutPutsTheSummaryOnStderr) {
  StartServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n2025551234\n";
  const RunResult r = Run({ServerFlag(), "scrub", "-o", "-", in});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2025551234,BLOCKED,no,+12025551234"));
  EXPECT_THAT(r.out, Not(HasSubstr("Scrubbed")));
  EXPECT_THAT(r.out, Not(HasSubstr("certificate")));
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
  EXPECT_EQ(ReadWholeFile(in), "phone\n2025551234\n");
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

// --- Tenants: API keys, internal list, consents, certificates ---------------

class DncTenantMainTest : public DncMainTest {
 protected:
  static constexpr char kKey[] = "dnc_TESTKEY234567ABCDEFGHIJKLMNOPQRSTUVWX";
  void StartTenantServer() {
    server_.tenant().required_api_key = kKey;
    StartServer();
  }
  // Runs dnc with the key in DNC_API_KEY.
  RunResult RunWithKey(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--api_key=" + std::string(kKey),
                                    ServerFlag()};
    all.insert(all.end(), args.begin(), args.end());
    return Run(all);
  }
};

TEST_F(DncTenantMainTest, NoKeyOrWrongKeyFailsWithExitOneAndSaysHowToFixIt) {
  StartTenantServer();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{ServerFlag(), "check", "3035551234"},
        std::vector<std::string>{ServerFlag(), "--api_key=dnc_nope", "status"},
        std::vector<std::string>{ServerFlag(), "whoami"},
        std::vector<std::string>{ServerFlag(), "optout", "add",
                                 "3035551234"}}) {
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, HasSubstr("the server rejected the API key"));
    EXPECT_THAT(r.err, HasSubstr("--api_key or DNC_API_KEY"));
    EXPECT_THAT(r.err, HasSubstr("dnc-tenant create"));
  }
  // The key from a file and from the environment both work.
  const std::string key_file = dir_.Path("key");
  std::ofstream(key_file) << kKey << "\n";
  EXPECT_EQ(
      Run({ServerFlag(), "--api_key_file", key_file, "check", "3035551234"})
          .exit_code,
      0);
  const RunResult from_env = Run({ServerFlag(), "check", "3035551234"},
                                 {absl::StrCat("DNC_API_KEY=", kKey)});
  EXPECT_EQ(from_env.exit_code, 0);
}

TEST_F(DncTenantMainTest, OptOutAddMakesTheNextCheckInternal) {
  StartTenantServer();
  const RunResult add = RunWithKey(
      {"optout", "add", "(303) 555-1234", "--date=2026-11-20", "--note=call"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_THAT(add.out, HasSubstr("+13035551234"));
  EXPECT_THAT(add.out, HasSubstr("ADDED"));
  EXPECT_THAT(add.out, HasSubstr("2026-11-20"));
  EXPECT_THAT(add.out, HasSubstr("The internal list holds 1 number."));

  const RunResult check = RunWithKey({"check", "303-555-1234"});
  EXPECT_EQ(check.exit_code, 3) << check.err;
  EXPECT_THAT(check.out, HasSubstr("INTERNAL"));
  EXPECT_THAT(check.out,
              HasSubstr("internal do-not-call list (added 2026-11-20)"));

  const RunResult listed =
      RunWithKey({"optout", "check", "3035551234", "2025551234"});
  EXPECT_EQ(listed.exit_code, 3);
  EXPECT_THAT(listed.out, HasSubstr("ALREADY_LISTED"));
  EXPECT_THAT(listed.out, HasSubstr("NOT_LISTED"));

  const RunResult again = RunWithKey({"optout", "add", "3035551234"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("ALREADY_LISTED"));

  const RunResult removed = RunWithKey({"optout", "remove", "3035551234"});
  EXPECT_EQ(removed.exit_code, 0);
  EXPECT_THAT(removed.out, HasSubstr("REMOVED"));
  EXPECT_EQ(RunWithKey({"optout", "check", "3035551234"}).exit_code, 0);
  EXPECT_EQ(RunWithKey({"check", "3035551234"}).exit_code, 0);
}

TEST_F(DncTenantMainTest, OptOutRejectsSayWhyAndExitOne) {
  StartTenantServer();
  const RunResult r = RunWithKey({"optout", "add", "3035551234", "banana"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("REJECTED"));
  EXPECT_THAT(r.out, HasSubstr("ADDED"));
  EXPECT_THAT(r.err, HasSubstr("rejected"));
  EXPECT_EQ(RunWithKey({"optout", "add", "1", "--date=2026-13-01"}).exit_code,
            2);
  EXPECT_EQ(RunWithKey({"optout", "frob"}).exit_code, 2);
  EXPECT_EQ(RunWithKey({"optout", "add"}).exit_code, 2);
}

TEST_F(DncTenantMainTest, OptOutImportReportsRejectedRowsAndASummary) {
  StartTenantServer();
  const std::string list = dir_.Path("unsubscribes.csv");
  std::ofstream(list) << "name,phone\nAnn,303-555-1234\nBob,N/A\n"
                         "Cy,(303) 555-1235\nDi,303.555.1234\n";
  const RunResult r = RunWithKey({"optout", "import", list, "--note=web"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(list + ":3: "));
  EXPECT_THAT(r.err, HasSubstr("'N/A'"));
  EXPECT_THAT(r.out, HasSubstr("Imported 4 rows"));
  EXPECT_THAT(r.out, HasSubstr("2 added, 1 already on the list, 1 rejected"));
  EXPECT_EQ(RunWithKey({"check", "3035551235"}).exit_code, 3);
}

TEST_F(DncTenantMainTest, ConsentAddListRevoke) {
  StartTenantServer();
  EXPECT_EQ(RunWithKey({"consent", "add", "2025551234"}).exit_code, 2);
  EXPECT_EQ(RunWithKey({"consent", "add", "2025551234", "--type=gift",
                        "--date=2026-10-01"})
                .exit_code,
            2);
  const RunResult add =
      RunWithKey({"consent", "add", "2025551234", "--type", "purchase",
                  "--date", "2026-10-01", "--note", "order 77"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_THAT(add.out, HasSubstr("+12025551234  purchase  2026-10-01"));
  const RunResult list = RunWithKey({"consent", "list", "2025551234"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("purchase"));
  const RunResult revoke = RunWithKey({"consent", "revoke", "2025551234"});
  EXPECT_EQ(revoke.exit_code, 0);
  EXPECT_THAT(revoke.out, HasSubstr("Revoked 1 record"));
  const RunResult none = RunWithKey({"consent", "list", "3035551234"});
  EXPECT_THAT(none.out, HasSubstr("No EBR or consent records"));
}

TEST_F(DncTenantMainTest, WhoAmIAndStatusNameTheTenant) {
  StartTenantServer();
  const RunResult who = RunWithKey({"whoami"});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  EXPECT_THAT(who.out, HasSubstr("acme"));
  EXPECT_THAT(who.out, HasSubstr("us-ftc:all; ca-dncl:416,647"));
  const RunResult status = RunWithKey({"status"});
  EXPECT_THAT(status.out, HasSubstr("tenant acme"));
}

TEST_F(DncTenantMainTest, CheckShowsTheCallingWindowAndSendsPurposeAndNow) {
  StartTenantServer();
  const RunResult open =
      RunWithKey({"check", "3035551234x", "2025550000", "--purpose=charity",
                  "--now=2026-11-23T19:00:00Z"});
  EXPECT_THAT(open.out,
              HasSubstr("08:00-21:00 America/New_York, open now (14:00 Mon)"));
  EXPECT_THAT(open.out, HasSubstr("window unknown"));
  EXPECT_THAT(server_.tenant().purposes_seen, testing::Contains(v1::CHARITY));
  EXPECT_THAT(server_.tenant().nows_seen, testing::Contains(1795460400));
  const RunResult closed =
      RunWithKey({"check", "2025550000", "--now=1795489200"});
  EXPECT_THAT(closed.out, HasSubstr("closed now"));
  EXPECT_EQ(RunWithKey({"check", "1", "--purpose=fun"}).exit_code, 2);
  EXPECT_EQ(RunWithKey({"check", "1", "--now=soon"}).exit_code, 2);
}

TEST_F(DncTenantMainTest, ScrubRecordsTheFilesAndTheReportShowsThem) {
  StartTenantServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "name,phone\nAnn,(202) 555-1234\nBob,303-555-1234\n";
  const std::string out = dir_.Path("cleaned.csv");
  const RunResult scrub = RunWithKey(
      {"scrub", in, "-o", out, "--job=q4-leads", "--purpose", "survey"});
  ASSERT_EQ(scrub.exit_code, 0) << scrub.err;
  EXPECT_THAT(scrub.out, HasSubstr("certificate: dnc report q4-leads"));
  EXPECT_THAT(scrub.out, HasSubstr("Job: q4-leads"));
  const auto files = server_.tenant().job_files.find("q4-leads");
  ASSERT_NE(files, server_.tenant().job_files.end());
  EXPECT_EQ(files->second.input_sha256(), Sha256Hex(ReadWholeFile(in)));
  EXPECT_EQ(files->second.output_sha256(), Sha256Hex(ReadWholeFile(out)));
  EXPECT_EQ(files->second.input_rows(), 2u);
  EXPECT_THAT(server_.tenant().purposes_seen, testing::Each(v1::SURVEY));

  const RunResult text = RunWithKey({"report", "q4-leads"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("q4-leads"));
  EXPECT_THAT(text.out, HasSubstr(Sha256Hex(ReadWholeFile(out))));
  EXPECT_THAT(text.out, HasSubstr("us-ftc (US) generation g000001"));
  const RunResult json = RunWithKey({"report", "--json", "q4-leads"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"job_id\": \"q4-leads\""));
  EXPECT_THAT(json.out, HasSubstr("\"output_sha256\": \"" +
                                  Sha256Hex(ReadWholeFile(out)) + "\""));
  const RunResult missing = RunWithKey({"report", "no-such-job"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(RunWithKey({"scrub", in, "--job=bad job"}).exit_code, 2);
}

TEST_F(DncTenantMainTest, ScrubWithoutJobGetsAGeneratedOne) {
  StartTenantServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n3035551234\n";
  const RunResult scrub = RunWithKey({"scrub", in});
  ASSERT_EQ(scrub.exit_code, 0) << scrub.err;
  EXPECT_THAT(scrub.out,
              testing::ContainsRegex("certificate: dnc report "
                                     "job-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}"));
}

TEST_F(DncTenantMainTest, ServerWithoutTenantsScrubsButHasNoCertificate) {
  server_.tenant_service().no_tenants = true;
  StartServer();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n3035551234\n";
  const RunResult scrub = Run({ServerFlag(), "scrub", in});
  ASSERT_EQ(scrub.exit_code, 0) << scrub.err;
  EXPECT_THAT(scrub.out, HasSubstr("No certificate"));
  const RunResult who = Run({ServerFlag(), "whoami"});
  EXPECT_EQ(who.exit_code, 1);
  EXPECT_THAT(who.err, HasSubstr("--auth=none"));
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
  test::BackgroundProcess server_process(
      {server_binary, "--auth=none", "--data", data, "--listen", "127.0.0.1:0",
       "--port_file", port_file},
      dir_.Path("server"));
  ASSERT_TRUE(server_process.started());
  // Up to ~20 s to start.
  std::string port = test::WaitForFile(port_file, std::chrono::seconds(20));
  while (!port.empty() && (port.back() == '\n' || port.back() == ' ')) {
    port.pop_back();
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
  server_process.Stop(SIGTERM);
  ASSERT_FALSE(port.empty())
      << "dnc-server did not start: " << server_process.Stdout()
      << server_process.Stderr();
}

}  // namespace
}  // namespace dnc::client
