// End to end through the real binaries on 127.0.0.1: dnc-load publishes a
// registry written in the FTC flat layout, dnc-server serves it over gRPC, and
// the dnc CLI scrubs a 100,000-row lead list through ScrubStream. Every output
// row is checked against the generator's ground truth (an oracle that never
// runs the production parser): zero mismatches allowed.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "demo/sample_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/oracle_csv.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using test::BackgroundProcess;
using test::RunProcess;
using test::RunResult;
using ::testing::HasSubstr;

// 1234567 -> "1,234,567", as the binaries print counts.
std::string WithThousands(size_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return digits;
}

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm_utc;
  gmtime_r(&now, &tm_utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm_utc);
  return text;
}

const char* ExpectedDisposition(demo::LeadTruth truth) {
  switch (truth) {
    case demo::LeadTruth::kListed:
      return "BLOCKED";
    case demo::LeadTruth::kNotListed:
      return "CALLABLE";
    case demo::LeadTruth::kInvalid:
      return "INVALID";
    case demo::LeadTruth::kMalformed:
      return "MALFORMED";
    case demo::LeadTruth::kNoSource:
      return "STALE";  // Fail closed.
  }
  return "?";
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.registry_numbers = 200'000;
    options_.leads = 100'000;
    registry_ = demo::GenerateRegistry(options_);
    leads_ = demo::GenerateLeads(registry_, options_);
    zip_ = dir_.Path("ftc-flat.zip");
    leads_csv_ = dir_.Path("leads.csv");
    ASSERT_TRUE(demo::WriteFtcFlatZip(registry_, zip_).ok());
    ASSERT_TRUE(demo::WriteLeadsCsv(leads_, leads_csv_).ok());
    data_ = dir_.Path("data");
  }

  RunResult Load() {
    return RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "us-ftc",
                       "--as_of", Today(), zip_},
                      dir_.path());
  }

  // Starts dnc-server on 127.0.0.1:0 and returns "127.0.0.1:PORT".
  std::string StartServer() {
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{DNC_SERVER_BIN, "--auth=none", "--data", data_,
                                 "--listen", "127.0.0.1:0", "--port_file",
                                 dir_.Path("server.port")},
        dir_.Path("server"));
    std::string port;
    for (int i = 0; i < 600 && port.empty() && server_->running(); ++i) {
      port = test::WaitForFile(dir_.Path("server.port"),
                               std::chrono::milliseconds(100));
    }
    EXPECT_FALSE(port.empty())
        << "dnc-server did not start: " << server_->Stderr();
    std::string trimmed = port;
    while (!trimmed.empty() &&
           (trimmed.back() == '\n' || trimmed.back() == ' ')) {
      trimmed.pop_back();
    }
    return "127.0.0.1:" + trimmed;
  }

  RunResult Cli(const std::string& server, std::vector<std::string> args) {
    std::vector<std::string> argv = {DNC_CLI_BIN, "--server", server};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, dir_.path());
  }

  test::ScratchDir dir_;
  demo::SampleOptions options_;
  demo::SampleRegistry registry_;
  std::vector<demo::Lead> leads_;
  std::string zip_, leads_csv_, data_;
  std::unique_ptr<BackgroundProcess> server_;
};

TEST_F(EndToEndTest, EveryScrubbedRowMatchesTheOracle) {
  const RunResult load = Load();
  ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
  // Each planted bad line is reported with its member and line number, and
  // every good line is loaded.
  for (size_t line = 1; line <= registry_.bad_lines.size(); ++line) {
    EXPECT_THAT(load.out + load.err,
                HasSubstr("bad-lines.txt:" + std::to_string(line) + ":"));
  }
  EXPECT_THAT(load.out, HasSubstr(WithThousands(registry_.numbers.size())));

  const std::string server = StartServer();
  const std::string cleaned = dir_.Path("cleaned.csv");
  const RunResult scrub = Cli(server, {"scrub", leads_csv_, "-o", cleaned});
  ASSERT_EQ(scrub.exit_code, 0) << scrub.out << scrub.err;

  const std::vector<std::vector<std::string>> rows =
      test::ParseCsv(test::ReadWholeFile(cleaned));
  ASSERT_EQ(rows.size(), leads_.size() + 1) << "header + one row per lead";
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < rows[0].size(); ++i) column[rows[0][i]] = i;
  for (const char* name : {"id", "phone", "dnc_disposition", "dnc_callable",
                           "dnc_e164", "dnc_reason"}) {
    ASSERT_TRUE(column.count(name)) << "missing output column " << name;
  }
  std::unordered_map<std::string, const demo::Lead*> by_id;
  for (const demo::Lead& lead : leads_) by_id[lead.id] = &lead;

  size_t mismatches = 0;
  std::map<std::string, size_t> tally;
  for (size_t r = 1; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    ASSERT_EQ(row.size(), rows[0].size()) << "row " << r;
    const demo::Lead& lead = *by_id.at(row[column["id"]]);
    const std::string expected = ExpectedDisposition(lead.truth);
    const std::string& got = row[column["dnc_disposition"]];
    ++tally[got];
    bool ok = got == expected && row[column["phone"]] == lead.phone;
    ok = ok &&
         row[column["dnc_callable"]] == (expected == "CALLABLE" ? "yes" : "no");
    if (lead.truth != demo::LeadTruth::kMalformed) {
      ok = ok && row[column["dnc_e164"]] == "+" + std::to_string(lead.e164);
    }
    if (lead.truth == demo::LeadTruth::kListed) {
      ok = ok && row[column["dnc_reason"]].find("us-ftc") != std::string::npos;
    }
    if (!ok && ++mismatches <= 20) {
      ADD_FAILURE() << "row " << r << " (" << lead.id << ", phone '"
                    << lead.phone << "', truth "
                    << demo::LeadTruthName(lead.truth) << "): got " << got
                    << " e164 '" << row[column["dnc_e164"]] << "' reason '"
                    << row[column["dnc_reason"]] << "'";
    }
  }
  EXPECT_EQ(mismatches, 0u);
  for (const auto& [disposition, count] : tally) {
    std::printf("%-10s %zu\n", disposition.c_str(), count);
  }
  // Every class of answer was exercised.
  for (const char* d :
       {"BLOCKED", "CALLABLE", "INVALID", "MALFORMED", "STALE"}) {
    EXPECT_GT(tally[d], 0u) << d;
  }
  // The summary printed by the CLI agrees with the file.
  EXPECT_THAT(scrub.out + scrub.err,
              HasSubstr(WithThousands(tally["BLOCKED"])));

  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
}

TEST_F(EndToEndTest, CheckAndStatusAnswerThroughTheRealServer) {
  ASSERT_EQ(Load().exit_code, 0);
  const std::string server = StartServer();
  const std::string listed = "+" + std::to_string(registry_.numbers[12345]);
  const demo::Lead* unlisted = nullptr;
  for (const demo::Lead& lead : leads_) {
    if (lead.truth == demo::LeadTruth::kNotListed) {
      unlisted = &lead;
      break;
    }
  }
  ASSERT_NE(unlisted, nullptr);

  const RunResult blocked = Cli(server, {"check", listed});
  EXPECT_EQ(blocked.exit_code, 3) << blocked.out << blocked.err;
  EXPECT_THAT(blocked.out, HasSubstr("BLOCKED"));
  EXPECT_THAT(blocked.out, HasSubstr("us-ftc"));

  const RunResult callable = Cli(server, {"check", unlisted->phone});
  EXPECT_EQ(callable.exit_code, 0) << callable.out << callable.err;
  EXPECT_THAT(callable.out, HasSubstr("CALLABLE"));

  const RunResult malformed = Cli(server, {"check", "call after 5pm"});
  EXPECT_EQ(malformed.exit_code, 3);
  EXPECT_THAT(malformed.out, HasSubstr("MALFORMED"));

  const RunResult status = Cli(server, {"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("us-ftc"));
  EXPECT_THAT(status.out, HasSubstr("g000001"));
  EXPECT_THAT(status.out, HasSubstr(Today()));
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
}

TEST_F(EndToEndTest, ServerWithNoDataFailsClosed) {
  std::filesystem::create_directories(data_);
  const std::string server = StartServer();
  const RunResult check = Cli(server, {"check", "(202) 555-1234"});
  EXPECT_EQ(check.exit_code, 3) << check.out << check.err;
  EXPECT_THAT(check.out, HasSubstr("STALE"));
}

}  // namespace
}  // namespace dnc
