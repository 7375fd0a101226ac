// Tenants through the real binaries on 127.0.0.1: dnc-load publishes a small
// registry (FTC flat layout), dnc-tenant creates tenants and prints their API
// keys, dnc-server serves with --tenants, and the dnc CLI (plus the client
// library for a raw RecordJobFiles call) does what a seller does.
//   - An opt-out takes effect on the very next check/scrub, beats an EBR,
//     and survives a SIGKILL of the server right after the CLI's ack.
//   - Tenants are isolated: one cannot see, remove or read another's
//     opt-outs, consents, reports or jobs; a missing or wrong key fails with
//     exit code 1 and a message saying how to fix it.
//   - A scrub's certificate (`dnc report JOB --json`) names the registry
//     copies `dnc status` shows, counts what the output file holds, and
//     carries the SHA-256 of the files on disk.
//   - Audit export gives the server's records as JSON lines, prune keeps
//     the retention unless forced, and a deleted tenant's keys fail while
//     its audit is kept.
// Every process is bounded in time; servers are stopped by the test.
#include <google/protobuf/util/json_util.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "client/tenant_client.h"
#include "demo/sample_data.h"
#include "dnc/v1/tenant.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/oracle_csv.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using test::BackgroundProcess;
using test::RunProcess;
using test::RunResult;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kCliTimeout = std::chrono::seconds(60);

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm_utc;
  gmtime_r(&now, &tm_utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm_utc);
  return text;
}

std::string Tomorrow() {
  const std::time_t tomorrow = std::time(nullptr) + 24 * 3600;
  std::tm tm_utc;
  gmtime_r(&tomorrow, &tm_utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm_utc);
  return text;
}

std::string Trim(std::string text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

class TenantCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.registry_numbers = 20'000;
    options_.leads = 3'000;
    registry_ = demo::GenerateRegistry(options_);
    leads_ = demo::GenerateLeads(registry_, options_);
    const std::string zip = dir_.Path("ftc-flat.zip");
    leads_csv_ = dir_.Path("leads.csv");
    ASSERT_TRUE(demo::WriteFtcFlatZip(registry_, zip).ok());
    ASSERT_TRUE(demo::WriteLeadsCsv(leads_, leads_csv_).ok());
    data_ = dir_.Path("data");
    tenants_ = dir_.Path("tenants");
    const RunResult load =
        RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "us-ftc",
                    "--as_of", Today(), zip},
                   dir_.path(), std::chrono::seconds(120));
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    for (const demo::Lead& lead : leads_) {
      if (lead.truth == demo::LeadTruth::kNotListed) {
        unlisted_.push_back(lead.e164);
      }
    }
    ASSERT_GE(unlisted_.size(), 10u);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Stop(SIGTERM);
  }

  // dnc-tenant create NAME: returns the API key it prints.
  std::string CreateTenant(const std::string& name) {
    const RunResult r = RunProcess({DNC_TENANT_BIN, "--tenants", tenants_,
                                    "create", name, "--entitle", "us-ftc:all"},
                                   dir_.path(), kCliTimeout);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string key = Trim(r.out);
    EXPECT_THAT(key, testing::StartsWith("dnc_"));
    return key;
  }

  // Starts dnc-server with --tenants on 127.0.0.1:0; sets server_address_.
  void StartServer() {
    const std::string port_file = dir_.Path("server.port");
    std::filesystem::remove(port_file);
    server_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{DNC_SERVER_BIN, "--data", data_, "--tenants",
                                 tenants_, "--listen", "127.0.0.1:0",
                                 "--port_file", port_file},
        dir_.Path(absl::StrCat("server", ++server_starts_)));
    std::string port;
    for (int i = 0; i < 300 && port.empty() && server_->running(); ++i) {
      port = test::WaitForFile(port_file, std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(port.empty())
        << "dnc-server did not start: " << server_->Stderr();
    server_address_ = "127.0.0.1:" + Trim(port);
  }

  RunResult Cli(const std::string& key, std::vector<std::string> args) {
    std::vector<std::string> argv = {DNC_CLI_BIN, "--server", server_address_};
    if (!key.empty()) argv.push_back("--api_key=" + key);
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, dir_.path(), kCliTimeout);
  }

  static std::string Plus(uint64_t e164) { return absl::StrCat("+", e164); }

  test::ScratchDir dir_;
  demo::SampleOptions options_;
  demo::SampleRegistry registry_;
  std::vector<demo::Lead> leads_;
  std::vector<uint64_t> unlisted_;
  std::string leads_csv_, data_, tenants_;
  std::unique_ptr<BackgroundProcess> server_;
  std::string server_address_;
  int server_starts_ = 0;
};

// must-show #2
TEST_F(TenantCliTest, OptOutIsInternalOnTheNextCheckAndSurvivesASigkill) {
  const std::string key = CreateTenant("acme");
  StartServer();
  const std::string callable = Plus(unlisted_[0]);
  const std::string listed = Plus(registry_.numbers[777]);

  RunResult r = Cli(key, {"check", callable});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("CALLABLE"));

  // A callable number: the very next check and scrub say INTERNAL.
  r = Cli(key, {"optout", "add", callable, "--note", "call, agent 12"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("ADDED"));
  r = Cli(key, {"check", callable});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("INTERNAL"));
  EXPECT_THAT(r.out, HasSubstr("internal do-not-call list"));
  const std::string small = dir_.Path("small.csv");
  {
    std::ofstream(small) << "name,phone\nAnn," << callable << "\nBob,"
                         << Plus(unlisted_[1]) << "\n";
  }
  r = Cli(key, {"scrub", small, "-o", dir_.Path("small.out.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto rows =
      test::ParseCsv(test::ReadWholeFile(dir_.Path("small.out.csv")));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][2], "INTERNAL");
  EXPECT_EQ(rows[2][2], "CALLABLE");

  // A listed number covered by a purchase EBR is EXEMPT; the opt-out beats it.
  r = Cli(key, {"check", listed});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("BLOCKED"));
  r = Cli(key,
          {"consent", "add", listed, "--type", "purchase", "--date", Today()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Cli(key, {"check", listed});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("EXEMPT"));
  EXPECT_THAT(r.out, HasSubstr("EBR purchase"));
  r = Cli(key, {"optout", "add", listed});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Cli(key, {"check", listed});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("INTERNAL"));

  // Another opt-out, then SIGKILL as soon as the CLI has its ack.
  const std::string last = Plus(unlisted_[2]);
  r = Cli(key, {"optout", "add", last});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  StartServer();
  for (const std::string& number : {last, callable, listed}) {
    r = Cli(key, {"check", number});
    EXPECT_EQ(r.exit_code, 3) << number << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("INTERNAL")) << number;
  }
  r = Cli(key, {"optout", "check", last});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("ALREADY_LISTED"));
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
}

// must-show #3
TEST_F(TenantCliTest, TenantsCannotSeeOrTouchEachOthersData) {
  const std::string a = CreateTenant("alpha");
  const std::string b = CreateTenant("bravo");
  StartServer();
  const std::string x = Plus(unlisted_[3]);
  const std::string y = Plus(registry_.numbers[4242]);

  RunResult r = Cli(b, {"optout", "add", x});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Cli(
      b, {"consent", "add", y, "--type", "written-consent", "--date", Today()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Cli(b, {"check", x}).exit_code, 3);

  // A sees neither B's opt-out nor B's consent in its answers or lists.
  r = Cli(a, {"check", x});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("CALLABLE"));
  r = Cli(a, {"optout", "check", x});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("NOT_LISTED"));
  r = Cli(a, {"check", y});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("BLOCKED"));
  r = Cli(a, {"consent", "list", y});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("No EBR or consent records"));
  EXPECT_THAT(Cli(b, {"consent", "list", y}).out, HasSubstr("written-consent"));

  // A cannot remove B's opt-out.
  r = Cli(a, {"optout", "remove", x});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("NOT_LISTED"));
  r = Cli(b, {"check", x});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("INTERNAL"));

  // B's job: A's report of it reads exactly like a job that does not exist.
  r = Cli(b, {"scrub", leads_csv_, "-o", dir_.Path("b.csv"), "--job",
              "shared-name"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Cli(b, {"report", "shared-name"}).exit_code, 0);
  const RunResult theirs = Cli(a, {"report", "shared-name"});
  const RunResult none = Cli(a, {"report", "never-was"});
  EXPECT_EQ(theirs.exit_code, 1);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(absl::StrReplaceAll(theirs.err, {{"shared-name", "JOB"}}),
            absl::StrReplaceAll(none.err, {{"never-was", "JOB"}}));
  EXPECT_THAT(theirs.out + theirs.err, Not(HasSubstr("bravo")));

  // Nor attach files to it (raw gRPC, as the CLI does after a scrub).
  client::ClientOptions options;
  options.server = server_address_;
  options.api_key = a;
  absl::StatusOr<std::unique_ptr<client::TenantClient>> alpha =
      client::TenantClient::Create(options);
  ASSERT_TRUE(alpha.ok());
  v1::JobFilesRequest files;
  files.set_job_id("shared-name");
  files.set_input_name("forged.csv");
  files.set_input_sha256(std::string(64, '0'));
  const absl::Status attach = (*alpha)->RecordJobFiles(files);
  files.set_job_id("never-was");
  const absl::Status attach_none = (*alpha)->RecordJobFiles(files);
  EXPECT_EQ(attach.code(), absl::StatusCode::kNotFound) << attach;
  EXPECT_EQ(attach_none.code(), attach.code());
  r = Cli(b, {"report", "shared-name", "--json"});
  EXPECT_THAT(r.out, Not(HasSubstr("forged.csv")));

  // A's own job of the same name is A's alone.
  r = Cli(a, {"scrub", dir_.Path("b.csv"), "-o", dir_.Path("a.csv"), "--job",
              "shared-name"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Cli(a, {"report", "shared-name"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("alpha"));
  EXPECT_THAT(r.out, Not(HasSubstr("bravo")));

  // No key, a wrong key: exit 1 and how to fix it.
  for (const std::string& key :
       {std::string(),
        std::string("dnc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"check", x},
          std::vector<std::string>{"optout", "check", x},
          std::vector<std::string>{"report", "shared-name"}}) {
      r = Cli(key, args);
      EXPECT_EQ(r.exit_code, 1) << args[0] << r.out << r.err;
      EXPECT_THAT(r.err, HasSubstr("the server rejected the API key"));
      EXPECT_THAT(r.err, HasSubstr("DNC_API_KEY"));
    }
  }
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
}

// must-show #4
TEST_F(TenantCliTest, CertificateMatchesStatusTheOutputFileAndTheFileHashes) {
  const std::string key = CreateTenant("acme");
  StartServer();
  const std::string cleaned = dir_.Path("cleaned.csv");
  RunResult r = Cli(key, {"scrub", leads_csv_, "-o", cleaned, "--job",
                          "cert-job-1", "--purpose", "commercial"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("certificate: dnc report cert-job-1"));

  const RunResult json = Cli(key, {"report", "cert-job-1", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  v1::ScrubReport report;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(json.out, &report).ok())
      << json.out;
  EXPECT_EQ(report.job_id(), "cert-job-1");
  EXPECT_EQ(report.tenant(), "acme");
  EXPECT_EQ(report.purpose(), v1::COMMERCIAL);
  EXPECT_FALSE(report.server_version().empty());
  EXPECT_EQ(report.numbers_sha256().size(), 64u);
  EXPECT_EQ(report.answers_sha256().size(), 64u);

  // The registry copies are those `dnc status` shows.
  const RunResult status = Cli(key, {"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  ASSERT_GE(report.snapshots_size(), 1);
  bool found_ftc = false;
  for (const v1::SnapshotRef& s : report.snapshots()) {
    EXPECT_THAT(status.out, HasSubstr(s.generation())) << s.source();
    EXPECT_THAT(status.out, HasSubstr(s.as_of())) << s.source();
    if (s.source() == "us-ftc") {
      found_ftc = true;
      EXPECT_EQ(s.as_of(), Today());
      EXPECT_EQ(s.generation(), "g000001");
    }
  }
  EXPECT_TRUE(found_ftc);

  // Counts by disposition are the output file's.
  const auto rows = test::ParseCsv(test::ReadWholeFile(cleaned));
  ASSERT_EQ(rows.size(), leads_.size() + 1);
  size_t disposition_col = rows[0].size();
  for (size_t i = 0; i < rows[0].size(); ++i) {
    if (rows[0][i] == "dnc_disposition") disposition_col = i;
  }
  ASSERT_LT(disposition_col, rows[0].size());
  std::map<std::string, uint64_t> in_file;
  for (size_t i = 1; i < rows.size(); ++i) ++in_file[rows[i][disposition_col]];
  std::map<std::string, uint64_t> in_report;
  for (const v1::DispositionCount& c : report.counts()) {
    if (c.count() > 0)
      in_report[v1::Disposition_Name(c.disposition())] += c.count();
  }
  EXPECT_EQ(in_report, in_file);
  EXPECT_EQ(report.numbers(), leads_.size());
  EXPECT_EQ(report.files().input_rows(), leads_.size());
  EXPECT_EQ(report.files().output_rows(), leads_.size());

  // The file hashes are those of the bytes on disk (sha256sum, not ours).
  const RunResult sums = RunProcess({"/usr/bin/sha256sum", leads_csv_, cleaned},
                                    dir_.path(), kCliTimeout);
  ASSERT_EQ(sums.exit_code, 0) << sums.err;
  const std::vector<std::string> lines =
      absl::StrSplit(sums.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(report.files().input_sha256(), lines[0].substr(0, 64));
  EXPECT_EQ(report.files().output_sha256(), lines[1].substr(0, 64));
  EXPECT_EQ(report.files().input_name(), leads_csv_);
  EXPECT_EQ(report.files().output_name(), cleaned);

  // The text form says the same.
  const RunResult text = Cli(key, {"report", "cert-job-1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr(lines[1].substr(0, 64)));
  EXPECT_THAT(text.out,
              HasSubstr("us-ftc (US) generation g000001 as of " + Today()));
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
}

// must-show #5 (audit export and prune round trip) and tenant deletion,
// with audit records a real server wrote: export gives one JSON line per
// answered call, one tenant's only; a prune younger than the retention is
// refused and deletes nothing; a deleted tenant's keys fail on the next
// start while its audit is kept and its name reserved; a forced prune
// removes the records and frees the name.
TEST_F(TenantCliTest, AuditExportPruneAndDeleteRoundTrip) {
  const std::string acme = CreateTenant("acme");
  const std::string beta = CreateTenant("beta");
  StartServer();
  for (int i = 0; i < 3; ++i) {
    const RunResult r = Cli(acme, {"check", Plus(unlisted_[i])});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  RunResult r = Cli(beta, {"check", Plus(unlisted_[5])});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();

  auto tenant = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {DNC_TENANT_BIN, "--tenants", tenants_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, dir_.path(), kCliTimeout);
  };
  auto exported = [&](const std::string& name,
                      std::vector<std::string> window) {
    std::vector<std::string> args = {"audit", "export", "--tenant", name};
    args.insert(args.end(), window.begin(), window.end());
    const RunResult run = tenant(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::vector<nlohmann::json> lines;
    for (absl::string_view line :
         absl::StrSplit(run.out, '\n', absl::SkipEmpty())) {
      lines.push_back(nlohmann::json::parse(line));  // Throws if not JSON.
    }
    return lines;
  };

  std::vector<nlohmann::json> lines =
      exported("acme", {"--since", Today(), "--until", Today()});
  ASSERT_EQ(lines.size(), 3u);
  for (const nlohmann::json& line : lines) {
    EXPECT_EQ(line["tenant"], "acme");
    EXPECT_EQ(line["method"], "Check");
    EXPECT_EQ(line["numbers"], 1);
    EXPECT_EQ(line["counts"]["CALLABLE"], 1);
    EXPECT_EQ(line["purpose"], "commercial");
    EXPECT_EQ(line["entitlements"], "us-ftc:all");
    EXPECT_EQ(line["time"].get<std::string>().substr(0, 10), Today());
    ASSERT_EQ(line["snapshots"].size(), 1u);
    EXPECT_THAT(line["snapshots"][0].get<std::string>(),
                HasSubstr("us-ftc g000001 " + Today()));
    EXPECT_EQ(line["numbers_sha256"].get<std::string>().size(), 64u);
  }
  EXPECT_LE(lines[0]["time"], lines[1]["time"]);
  EXPECT_LE(lines[1]["time"], lines[2]["time"]);
  EXPECT_EQ(exported("acme", {}).size(), 3u);
  EXPECT_EQ(exported("beta", {}).size(), 1u);
  EXPECT_THAT(exported("acme", {"--until", "2020-01-01"}), testing::IsEmpty());

  // Today's records are younger than the retention: refused, none deleted.
  r = tenant({"audit", "prune", "--before", Today()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("1827 days"));
  EXPECT_EQ(exported("acme", {}).size(), 3u);

  // Deleting acme: its key fails on the next start, beta's still works,
  // its audit stays and its name is reserved.
  r = tenant({"delete", "acme"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = tenant({"list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("acme")));
  EXPECT_THAT(r.out, HasSubstr("beta"));
  r = tenant({"create", "acme", "--entitle", "us-ftc:all"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("deleted tenant"));
  StartServer();
  r = Cli(acme, {"check", Plus(unlisted_[0])});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  r = Cli(beta, {"check", Plus(unlisted_[0])});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
  EXPECT_EQ(exported("acme", {}).size(), 3u);
  EXPECT_EQ(exported("beta", {}).size(), 2u);

  // Forced, everything before tomorrow goes: acme's 3 and beta's 2.
  r = tenant({"audit", "prune", "--before", Tomorrow(), "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("deleted 5 audit records"));
  EXPECT_THAT(exported("acme", {}), testing::IsEmpty());
  EXPECT_THAT(exported("beta", {}), testing::IsEmpty());
  r = tenant({"create", "acme", "--entitle", "us-ftc:all"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace dnc
