// Freshness through the real binaries: a us-ftc copy loaded with an as-of
// date past its 31-day window turns its unlisted numbers STALE while its
// listed ones stay BLOCKED; a fresh ca-dncl copy loaded beside it is
// unaffected; `dnc status` and the Status RPC say STALE for us-ftc with its
// age and deadline, and the server's log says so when it loads it.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
using test::RunResult;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kStaleAge = 40;  // Days; us-ftc's window is 31.

// Listed in the stale us-ftc copy.
const std::vector<std::string> kUsListed = {"212,2345678", "512,3456789",
                                            "808,4567890"};
// Listed in the fresh ca-dncl copy.
const std::vector<std::string> kCaListed = {"416,2345678", "604,3456789"};

class FreshnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    today_ = TodayUtc();
    const std::string us = dir_.Path("ftc.txt"), ca = dir_.Path("dncl.txt");
    {
      std::ofstream out(us);
      for (const std::string& line : kUsListed) out << line << "\n";
      std::ofstream out_ca(ca);
      for (const std::string& line : kCaListed) out_ca << line << "\n";
    }
    const RunResult ftc =
        test::RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "us-ftc",
                          "--as_of", FormatIsoDate(today_ - kStaleAge), us},
                         dir_.path());
    ASSERT_EQ(ftc.exit_code, 0) << ftc.out << ftc.err;
    const RunResult dncl =
        test::RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "ca-dncl",
                          "--as_of", FormatIsoDate(today_), ca},
                         dir_.path());
    ASSERT_EQ(dncl.exit_code, 0) << dncl.out << dncl.err;

    server_ = std::make_unique<test::BackgroundProcess>(
        std::vector<std::string>{DNC_SERVER_BIN, "--auth=none", "--data", data_,
                                 "--listen", "127.0.0.1:0", "--port_file",
                                 dir_.Path("server.port")},
        dir_.Path("server"));
    std::string port;
    for (int i = 0; i < 600 && port.empty() && server_->running(); ++i) {
      port = test::WaitForFile(dir_.Path("server.port"),
                               std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(port.empty())
        << "dnc-server did not start: " << server_->Stderr();
    address_ = "127.0.0.1:" + std::string(absl::StripAsciiWhitespace(port));
  }

  void TearDown() override {
    if (server_ != nullptr) {
      EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
    }
  }

  RunResult Cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {DNC_CLI_BIN, "--server", address_};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::RunProcess(argv, dir_.path(), std::chrono::seconds(60));
  }

  test::ScratchDir dir_;
  std::string data_ = dir_.Path("data");
  DayNumber today_ = 0;
  std::unique_ptr<test::BackgroundProcess> server_;
  std::string address_;
};

TEST_F(FreshnessTest, StaleCopyBlocksItsListedNumbersAndTurnsTheRestStale) {
  auto stub = v1::ScrubService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  // The oracle: us-ftc (stale) listed -> BLOCKED, unlisted US -> STALE with
  // SOURCE_STALE; ca-dncl (fresh) listed -> BLOCKED, unlisted -> CALLABLE.
  struct Case {
    uint64_t e164;
    v1::Disposition want;
  };
  const std::vector<Case> cases = {
      {12122345678, v1::BLOCKED},  {15123456789, v1::BLOCKED},
      {18084567890, v1::BLOCKED},  {12122345679, v1::STALE},
      {17132345678, v1::STALE},    {18002345678, v1::STALE},
      {14162345678, v1::BLOCKED},  {16043456789, v1::BLOCKED},
      {14162345679, v1::CALLABLE}, {15142345678, v1::CALLABLE},
  };
  v1::ScrubRequest request;
  for (const Case& c : cases) request.add_e164(c.e164);
  v1::ScrubResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Scrub(&context, request, &response).ok());
  ASSERT_EQ(response.dispositions_size(), static_cast<int>(cases.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(response.dispositions(static_cast<int>(i)), cases[i].want)
        << "+" << cases[i].e164;
  }
  const std::string deadline = FormatIsoDate(today_ - kStaleAge + 31);
  int stale_reasons = 0;
  for (const v1::Reason& reason : response.reasons()) {
    if (reason.code() != v1::SOURCE_STALE) continue;
    ++stale_reasons;
    EXPECT_EQ(response.snapshots(static_cast<int>(reason.snapshot())).source(),
              "us-ftc");
    EXPECT_THAT(reason.detail(),
                HasSubstr(absl::StrCat(kStaleAge, " days old")));
    EXPECT_THAT(reason.detail(), HasSubstr(deadline));
  }
  EXPECT_EQ(stale_reasons, 3);

  // The CLI says the same for one number, and exits "not callable".
  const RunResult check = Cli({"check", "(713) 234-5678"});
  EXPECT_EQ(check.exit_code, 3) << check.out << check.err;
  EXPECT_THAT(check.out, HasSubstr("STALE"));
  EXPECT_THAT(check.out, HasSubstr("us-ftc"));
}

TEST_F(FreshnessTest, StatusSaysStaleWithAgeAndDeadline) {
  const std::string as_of = FormatIsoDate(today_ - kStaleAge);
  const std::string deadline = FormatIsoDate(today_ - kStaleAge + 31);

  auto stub = v1::ScrubService::NewStub(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  v1::StatusResponse status;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Status(&context, v1::StatusRequest(), &status).ok());
  ASSERT_EQ(status.sources_size(), 2);
  const v1::SourceStatus& ca = status.sources(0);
  const v1::SourceStatus& us = status.sources(1);
  EXPECT_EQ(ca.snapshot().source(), "ca-dncl");
  EXPECT_FALSE(ca.stale());
  EXPECT_EQ(ca.age_days(), 0);
  EXPECT_EQ(us.snapshot().source(), "us-ftc");
  EXPECT_TRUE(us.stale());
  EXPECT_EQ(us.age_days(), kStaleAge);
  EXPECT_EQ(us.max_age_days(), 31);
  EXPECT_EQ(us.deadline(), deadline);
  EXPECT_EQ(us.snapshot().as_of(), as_of);
  EXPECT_EQ(us.number_count(), kUsListed.size());

  const RunResult cli = Cli({"status"});
  ASSERT_EQ(cli.exit_code, 0) << cli.out << cli.err;
  // The us-ftc row: generation, as-of, age against the window, deadline,
  // count and STALE; then a sentence saying what it means.
  std::string us_row, ca_row;
  for (absl::string_view line : absl::StrSplit(cli.out, '\n')) {
    if (absl::StartsWith(line, "us-ftc")) us_row = std::string(line);
    if (absl::StartsWith(line, "ca-dncl")) ca_row = std::string(line);
  }
  EXPECT_THAT(us_row, HasSubstr("g000001"));
  EXPECT_THAT(us_row, HasSubstr(as_of));
  EXPECT_THAT(us_row, HasSubstr(absl::StrCat(kStaleAge, "/31 d")));
  EXPECT_THAT(us_row, HasSubstr(deadline));
  EXPECT_THAT(us_row, HasSubstr("STALE"));
  EXPECT_THAT(ca_row, HasSubstr("ok"));
  EXPECT_THAT(ca_row, Not(HasSubstr("STALE")));
  EXPECT_THAT(cli.out,
              HasSubstr(absl::StrCat("STALE: us-ftc (US) copy as of ", as_of,
                                     " is ", kStaleAge,
                                     " days old, past its 31-day window "
                                     "(deadline ",
                                     deadline, ")")));
  // The server said so when it loaded the copy.
  EXPECT_THAT(server_->Stderr(), HasSubstr("STALE since"));
}

}  // namespace
}  // namespace dnc
