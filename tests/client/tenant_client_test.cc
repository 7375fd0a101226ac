// The tenant side of the client library against an in-process fake
// TenantService: API keys (resolution and the UNAUTHENTICATED message),
// opt-out import (chunks, rejected rows with file:line, counts), the
// certificate's text and JSON, job ids and file hashes, and the new reason
// codes and calling windows of the scrub mapping.
#include "client/tenant_client.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/api_key.h"
#include "client/opt_out_import.h"
#include "client/report_format.h"
#include "client/scrub_job.h"
#include "common/phone_number.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leadlist/scrub_mapping.h"
#include "tests/client/fake_scrub_server.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::client {
namespace {

using leadlist::ApplyScrubResponse;
using leadlist::BuildScrubRequest;
using leadlist::CellVerdict;
using leadlist::CsvReader;
using leadlist::FormatReason;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "dnc_TESTKEY234567ABCDEFGHIJKLMNOPQRSTUVWX";

// --- API keys ---------------------------------------------------------------

TEST(ApiKeyTest, FlagBeatsFileBeatsEnvironment) {
  test::ScratchDir dir;
  const std::string file = dir.Path("key");
  std::ofstream(file) << "  dnc_fromfile  \nsecond line\n";
  EXPECT_EQ(*ResolveApiKey("dnc_flag", "", "dnc_env"), "dnc_flag");
  EXPECT_EQ(*ResolveApiKey("", file, "dnc_env"), "dnc_fromfile");
  EXPECT_EQ(*ResolveApiKey("", "", " dnc_env\n"), "dnc_env");
  EXPECT_EQ(*ResolveApiKey("", "", nullptr), "");
}

TEST(ApiKeyTest, BadKeySourcesAreClearErrors) {
  test::ScratchDir dir;
  EXPECT_EQ(ResolveApiKey("a", "b", nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  const absl::Status missing =
      ResolveApiKey("", dir.Path("nope"), nullptr).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr(dir.Path("nope")));
  const std::string empty = dir.Path("empty");
  std::ofstream(empty) << "\n";
  EXPECT_EQ(ResolveApiKey("", empty, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveApiKey("dnc_\x01", "", nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// --- Against the fake server ------------------------------------------------

class TenantClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.tenant().required_api_key = kKey;
    server_.service().listed[12025551234] = {0, "2024-05-06"};
    server_.Start();
    ASSERT_TRUE(server_.started());
    tenant_ = Connect(kKey);
  }

  std::unique_ptr<TenantClient> Connect(const std::string& key) {
    ClientOptions options;
    options.server = server_.address();
    options.timeout = absl::Seconds(20);
    options.api_key = key;
    absl::StatusOr<std::unique_ptr<TenantClient>> client =
        TenantClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  fake::FakeScrubServer server_;
  std::unique_ptr<TenantClient> tenant_;
  test::ScratchDir dir_;
};

TEST_F(TenantClientTest, MissingOrWrongKeyIsUnauthenticatedWithAHint) {
  for (const std::string& key : {std::string(), std::string("dnc_wrong")}) {
    std::unique_ptr<TenantClient> client = Connect(key);
    absl::StatusOr<v1::TenantInfo> info = client->WhoAmI();
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.status().code(), absl::StatusCode::kUnauthenticated);
    const std::string message(info.status().message());
    EXPECT_THAT(message, HasSubstr("the server rejected the API key"));
    EXPECT_THAT(message, HasSubstr("set --api_key or DNC_API_KEY"));
    EXPECT_THAT(message, HasSubstr("dnc-tenant create"));
  }
  // The scrub side says the same.
  ClientOptions options;
  options.server = server_.address();
  options.api_key = "dnc_wrong";
  absl::StatusOr<std::unique_ptr<ScrubClient>> scrub =
      ScrubClient::Create(options);
  ASSERT_TRUE(scrub.ok());
  absl::StatusOr<NumberVerdict> verdict = (*scrub)->Check("2025551234");
  ASSERT_FALSE(verdict.ok());
  EXPECT_THAT(std::string(verdict.status().message()),
              HasSubstr("the server rejected the API key"));
}

TEST_F(TenantClientTest, OptOutsAddCheckRemoveAndTheNextCheckIsInternal) {
  v1::OptOutRequest request;
  request.add_raw("(303) 555-1234");
  request.add_raw("not a number");
  request.set_date("2026-11-20");
  absl::StatusOr<v1::OptOutResponse> added = tenant_->AddOptOuts(request);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_THAT(added->states(), ElementsAre(v1::ADDED, v1::REJECTED));
  EXPECT_EQ(added->e164(0), 13035551234u);
  EXPECT_EQ(added->added_date(0), "2026-11-20");
  EXPECT_FALSE(added->detail(1).empty());

  ClientOptions options = tenant_->options();
  absl::StatusOr<std::unique_ptr<ScrubClient>> scrub =
      ScrubClient::Create(options);
  ASSERT_TRUE(scrub.ok());
  absl::StatusOr<NumberVerdict> verdict = (*scrub)->Check("303-555-1234");
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_EQ(DispositionName(verdict->disposition), "INTERNAL");
  EXPECT_THAT(verdict->reasons,
              ElementsAre("internal do-not-call list (added 2026-11-20)"));

  v1::OptOutRequest number;
  number.add_e164(13035551234);
  absl::StatusOr<v1::OptOutResponse> removed = tenant_->RemoveOptOuts(number);
  ASSERT_TRUE(removed.ok());
  EXPECT_THAT(removed->states(), ElementsAre(v1::REMOVED));
  absl::StatusOr<v1::OptOutResponse> checked = tenant_->CheckOptOuts(number);
  ASSERT_TRUE(checked.ok());
  EXPECT_THAT(checked->states(), ElementsAre(v1::NOT_LISTED));
}

TEST_F(TenantClientTest, ImportSendsChunksAndReportsRejectedRowsByLine) {
  // A CSV with a header, a quoted multi-line field before some rows, bad
  // numbers, a blank line and a duplicate; 2,503 rows in chunks of 1,000.
  std::string csv = "name,Phone,note\n";
  std::vector<std::string> rejects_expected;
  std::set<uint64_t> distinct;
  uint64_t line = 2;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2503; ++i) {
    std::string phone;
    if (i % 250 == 7) {
      phone = "N/A";
      rejects_expected.push_back(absl::StrCat("list.csv:", line, ": "));
    } else {
      const uint64_t n = 3035550000 + rng() % 9000 + 1000;
      phone = absl::StrCat("(", n / 10000000, ") ", n / 10000 % 1000, "-",
                           n % 10000);
      distinct.insert(10000000000 + n);
    }
    absl::StrAppend(&csv, "P", i, ",", phone, ",\"x\"\n");
    ++line;
    if (i == 1000) {
      csv += "\n";
      ++line;
    }
  }
  std::istringstream in(csv);
  CsvReader reader(&in);
  OptOutImportOptions options;
  options.chunk_rows = 1000;
  std::vector<std::string> rejects;
  options.on_reject = [&](const std::string& r) { rejects.push_back(r); };
  absl::StatusOr<OptOutImportResult> result = ImportOptOuts(
      &reader, "list.csv",
      [this](const v1::OptOutRequest& r) { return tenant_->AddOptOuts(r); },
      options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows, 2503u);
  EXPECT_EQ(result->rejected, rejects_expected.size());
  EXPECT_EQ(result->added, distinct.size());
  EXPECT_EQ(result->added + result->already_listed + result->rejected, 2503u);
  EXPECT_EQ(result->blank_lines, 1u);
  EXPECT_EQ(result->calls, 3u);
  EXPECT_EQ(result->list_size, distinct.size());
  EXPECT_EQ(result->column.name, "Phone");
  EXPECT_THAT(server_.tenant().opt_out_batch_sizes,
              ElementsAre(1000u, 1000u, 503u));
  ASSERT_EQ(rejects.size(), rejects_expected.size());
  for (size_t i = 0; i < rejects.size(); ++i) {
    EXPECT_THAT(rejects[i], testing::StartsWith(rejects_expected[i]));
    EXPECT_THAT(rejects[i], HasSubstr(": 'N/A'"));
  }
  const std::string summary = FormatOptOutImportSummary(*result, "list.csv");
  EXPECT_THAT(summary, HasSubstr("Imported 2,503 rows from list.csv"));
  EXPECT_THAT(summary, HasSubstr(absl::StrCat(result->rejected, " rejected")));
}

TEST_F(TenantClientTest, ImportOfAPlainListFindsTheNumbersWithoutAHeader) {
  const std::string path = dir_.Path("plain.txt");
  std::ofstream(path) << "2025550100\n(303) 555-1234\n+1 303 555 1234\n";
  OptOutImportOptions options;
  absl::StatusOr<OptOutImportResult> result =
      ImportOptOutsFile(tenant_.get(), path, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->had_header);
  EXPECT_EQ(result->rows, 3u);
  EXPECT_EQ(result->added, 1u);           // 303-555-1234
  EXPECT_EQ(result->already_listed, 1u);  // the same number again
  EXPECT_EQ(result->rejected, 1u);        // 555-01XX is fictional
}

TEST_F(TenantClientTest, ImportErrorsNameTheProblem) {
  OptOutImportOptions options;
  EXPECT_EQ(ImportOptOutsFile(tenant_.get(), dir_.Path("missing.csv"), options)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  std::unique_ptr<TenantClient> wrong = Connect("dnc_wrong");
  const std::string path = dir_.Path("list.csv");
  std::ofstream(path) << "phone\n3035551234\n";
  const absl::Status status =
      ImportOptOutsFile(wrong.get(), path, options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TenantClientTest, ConsentsAddListRevoke) {
  v1::ConsentRequest add;
  v1::ConsentRecord* record = add.add_records();
  record->set_raw("202-555-1234");
  record->set_type(v1::CONSENT_PURCHASE);
  record->set_date("2026-10-01");
  absl::StatusOr<v1::ConsentResponse> added = tenant_->AddConsents(add);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->records_size(), 1);
  EXPECT_EQ(FormatConsentRecord(added->records(0)),
            "+12025551234  purchase  2026-10-01  in force");
  v1::ConsentRequest numbers;
  numbers.add_records()->set_raw("2025551234");
  absl::StatusOr<v1::ConsentResponse> revoked =
      tenant_->RevokeConsents(numbers);
  ASSERT_TRUE(revoked.ok());
  ASSERT_EQ(revoked->records_size(), 1);
  EXPECT_THAT(FormatConsentRecord(revoked->records(0)), HasSubstr("revoked"));
  absl::StatusOr<v1::ConsentResponse> listed = tenant_->ListConsents(numbers);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->records_size(), 1);
}

TEST_F(TenantClientTest, WhoAmIFormatsEntitlements) {
  absl::StatusOr<v1::TenantInfo> info = tenant_->WhoAmI();
  ASSERT_TRUE(info.ok()) << info.status();
  const std::string text = FormatTenantInfo(*info);
  EXPECT_THAT(text, HasSubstr("acme"));
  EXPECT_THAT(text, HasSubstr("us-ftc:all; ca-dncl:416,647"));
  EXPECT_THAT(text, HasSubstr("commercial"));
}

TEST_F(TenantClientTest, UnknownJobReportIsNotFound) {
  EXPECT_EQ(tenant_->GetReport("job-none").status().code(),
            absl::StatusCode::kNotFound);
  v1::JobFilesRequest files;
  files.set_job_id("job-none");
  EXPECT_EQ(tenant_->RecordJobFiles(files).code(), absl::StatusCode::kNotFound);
}

// --- Certificates, jobs, files -----------------------------------------------

v1::ScrubReport SampleReport() {
  v1::ScrubReport report;
  report.set_job_id("job-1");
  report.set_tenant("acme");
  report.set_first_request_at("2026-11-23T14:05:00Z");
  report.set_last_request_at("2026-11-23T14:05:02Z");
  report.set_requests(3);
  report.set_numbers(12345);
  v1::DispositionCount* c = report.add_counts();
  c->set_disposition(v1::BLOCKED);
  c->set_count(345);
  c = report.add_counts();
  c->set_disposition(v1::CALLABLE);
  c->set_count(12000);
  v1::SnapshotRef* s = report.add_snapshots();
  s->set_source("us-ftc");
  s->set_jurisdiction("US");
  s->set_generation("g000003");
  s->set_as_of("2026-11-20");
  v1::Entitlement* e = report.add_entitlements();
  e->set_source("us-ftc");
  e->set_all_area_codes(true);
  report.set_purpose(v1::COMMERCIAL);
  report.set_numbers_sha256(std::string(64, 'a'));
  report.set_answers_sha256(std::string(64, 'b'));
  report.mutable_files()->set_input_name("leads.csv");
  report.mutable_files()->set_input_sha256(std::string(64, 'c'));
  report.mutable_files()->set_input_rows(12345);
  report.mutable_files()->set_output_name("out.csv");
  report.mutable_files()->set_output_sha256(std::string(64, 'd'));
  report.mutable_files()->set_output_rows(12345);
  report.set_server_version("0.3.0");
  return report;
}

TEST(ReportFormatTest, TextNamesEveryPartOfTheCertificate) {
  const std::string text = FormatReportText(SampleReport());
  for (const std::string& part : std::vector<std::string>{
           "job-1", "acme", "2026-11-23T14:05:00Z", "12,345", "BLOCKED", "345",
           "us-ftc (US) generation g000003 as of 2026-11-20", "us-ftc:all",
           "commercial", "leads.csv", std::string(64, 'c'),
           std::string(64, 'd'), std::string(64, 'a'), std::string(64, 'b'),
           "0.3.0"}) {
    EXPECT_THAT(text, HasSubstr(part)) << part;
  }
}

TEST(ReportFormatTest, JsonUsesTheProtoFieldNames) {
  absl::StatusOr<std::string> json = FormatReportJson(SampleReport());
  ASSERT_TRUE(json.ok()) << json.status();
  for (const char* part :
       {"\"job_id\": \"job-1\"", "\"numbers\": \"12345\"",
        "\"disposition\": \"BLOCKED\"", "\"as_of\": \"2026-11-20\"",
        "\"input_sha256\": \"cccc", "\"purpose\": \"COMMERCIAL\"",
        "\"all_area_codes\": true"}) {
    EXPECT_THAT(*json, HasSubstr(part)) << *json;
  }
  // Empty fields are printed too (stable shape for scripts).
  EXPECT_THAT(*FormatReportJson(v1::ScrubReport()), HasSubstr("\"job_id\""));
}

TEST(ScrubJobTest, GeneratedJobIdsAreValidAndDistinct) {
  const absl::Time t = absl::FromUnixSeconds(1795460400);
  const std::string a = GenerateJobId(t);
  const std::string b = GenerateJobId(t);
  EXPECT_THAT(a, testing::MatchesRegex("job-20261123T190000Z-[0-9a-f]{8}"));
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsValidJobId(a));
  EXPECT_TRUE(IsValidJobId("Q4_leads.v2"));
  EXPECT_FALSE(IsValidJobId(""));
  EXPECT_FALSE(IsValidJobId("a b"));
  EXPECT_FALSE(IsValidJobId(std::string(65, 'a')));
}

TEST(ScrubJobTest, OutputNameReplacesTheInputsSuffix) {
  using leadlist::ScrubbedOutputName;
  EXPECT_EQ(ScrubbedOutputName("leads.csv"), "leads.scrubbed.csv");
  EXPECT_EQ(ScrubbedOutputName("Leads.CSV"), "Leads.scrubbed.csv");
  EXPECT_EQ(ScrubbedOutputName("leads.xlsx"), "leads.scrubbed.csv");
  EXPECT_EQ(ScrubbedOutputName("export.txt"), "export.scrubbed.csv");
  EXPECT_EQ(ScrubbedOutputName("leads"), "leads.scrubbed.csv");
  EXPECT_EQ(ScrubbedOutputName(".csv"), ".csv.scrubbed.csv");
  EXPECT_EQ(ScrubbedOutputName("-"), "-");
}

TEST(ScrubJobTest, NowFlagTakesRfc3339OrUnixSeconds) {
  EXPECT_EQ(*ParseNowFlag("1795460400"), 1795460400);
  EXPECT_EQ(*ParseNowFlag("2026-11-23T19:00:00Z"), 1795460400);
  EXPECT_EQ(*ParseNowFlag("2026-11-23T14:00:00-05:00"), 1795460400);
  EXPECT_FALSE(ParseNowFlag("tomorrow").ok());
  EXPECT_FALSE(ParseNowFlag("2026-11-23").ok());
}

TEST(ScrubJobTest, JobFilesHashTheBytesOnDisk) {
  test::ScratchDir dir;
  const std::string in = dir.Path("in.csv");
  const std::string out = dir.Path("out.csv");
  std::ofstream(in) << "phone\n2025551234\n";
  std::ofstream(out) << "phone,dnc\n2025551234,x\n";
  absl::StatusOr<v1::JobFilesRequest> files =
      DescribeJobFiles("job-1", in, out, 1);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->input_sha256(), Sha256Hex("phone\n2025551234\n"));
  EXPECT_EQ(files->output_sha256(), Sha256Hex("phone,dnc\n2025551234,x\n"));
  EXPECT_EQ(files->input_rows(), 1u);
  EXPECT_EQ(files->output_name(), out);
  absl::StatusOr<v1::JobFilesRequest> streams =
      DescribeJobFiles("job-1", "-", "-", 1);
  ASSERT_TRUE(streams.ok());
  EXPECT_EQ(streams->input_sha256(), "");
  EXPECT_FALSE(DescribeJobFiles("job-1", dir.Path("gone"), out, 1).ok());
}

// --- New reason codes and windows in the mapping -----------------------------

TEST(ScrubMappingReasonsTest, NewReasonCodesReadAsWords) {
  google::protobuf::RepeatedPtrField<v1::SnapshotRef> snapshots;
  v1::SnapshotRef* ftc = snapshots.Add();
  ftc->set_source("us-ftc");
  v1::Reason reason;
  reason.set_code(v1::INTERNAL_LIST);
  reason.set_added_date("2026-11-20");
  EXPECT_EQ(FormatReason(reason, snapshots),
            "internal do-not-call list (added 2026-11-20)");
  reason = v1::Reason();
  reason.set_code(v1::NOT_ENTITLED);
  reason.set_detail("us-ftc area code 303");
  EXPECT_EQ(FormatReason(reason, snapshots),
            "not entitled: us-ftc area code 303");
  reason = v1::Reason();
  reason.set_code(v1::EBR_PURCHASE);
  reason.set_detail("purchase 2026-10-01, until 2028-04-01");
  EXPECT_EQ(FormatReason(reason, snapshots),
            "EBR purchase (us-ftc): purchase 2026-10-01, until 2028-04-01");
  reason.set_code(v1::EXEMPTION_EXPIRED);
  EXPECT_THAT(FormatReason(reason, snapshots),
              testing::StartsWith("exemption expired (us-ftc)"));
  reason.set_code(v1::WRITTEN_CONSENT);
  EXPECT_THAT(FormatReason(reason, snapshots),
              testing::StartsWith("written consent"));
}

TEST(ScrubMappingReasonsTest, WindowsMapToTheirEntriesAndBadIndexesFail) {
  const std::vector<std::string_view> cells = {"2025551234", "junk"};
  v1::ScrubRequest request;
  std::vector<uint32_t> plan;
  BuildScrubRequest(cells, 1, &request, &plan);
  v1::ScrubResponse response;
  response.add_dispositions(v1::CALLABLE);
  response.add_dispositions(v1::MALFORMED);
  response.add_e164(12025551234);
  response.add_e164(0);
  response.add_window(1);
  response.add_window(0);
  response.add_windows();
  v1::CallingWindow* w = response.add_windows();
  w->set_known(true);
  w->set_open_now(true);
  w->set_local_start("08:00");
  w->set_local_end("21:00");
  w->add_time_zones("America/Chicago");
  w->add_time_zones("America/Denver");
  std::vector<CellVerdict> verdicts;
  ASSERT_TRUE(ApplyScrubResponse(response, plan, 1, &verdicts).ok());
  EXPECT_EQ(verdicts[0].window,
            "08:00-21:00 America/Chicago or America/Denver");
  EXPECT_TRUE(verdicts[0].callable_now);
  EXPECT_EQ(verdicts[1].window, "unknown");
  EXPECT_FALSE(verdicts[1].callable_now);
  response.set_window(0, 9);
  EXPECT_EQ(ApplyScrubResponse(response, plan, 1, &verdicts).code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace dnc::client
