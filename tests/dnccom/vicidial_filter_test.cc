// The acceptance test of the DNC.com-compatible endpoint: the real
// dnc-server binary over TCP, spoken to exactly as VICIdial's DNC.com list
// filter (AST_DNCcom_filter.pl) does: one POST to DNC_DOT_COM_URL with
// libcurl's multipart form of the five fields loginId, version, projId,
// campaignId and phoneList (50,000 comma-separated 10-digit numbers),
// libcurl's headers including "Expect: 100-continue"; and the answer read
// as the script reads it: the body split on "\n", each line split on ",",
// field 1 must equal the number sent at that position (the script aborts
// otherwise) and field 2 is one of the 19 codes it maps. Every code is
// checked against the oracle of tests/dnccom/dnccom_world.h, over clean,
// listed, internal, EBR, exempt, invalid, malformed, not-subscribed and
// stale numbers, for a commercial seller and a charity.
#include <signal.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/dnccom/dnccom_world.h"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using ::testing::HasSubstr;

constexpr size_t kNumbers = 50000;  // What the script sends per request.
constexpr char kCodes[] = "XCOERWGHLFVIMBPDSTY";  // The script's 19.
constexpr char kBoundary[] = "------------------------4f2b9c1d0e7a6b35";

// The form as libcurl's formadd writes it.
std::string LibcurlForm(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    absl::StrAppend(&body, "--", kBoundary,
                    "\r\nContent-Disposition: form-data; name=\"", name,
                    "\"\r\n\r\n", value, "\r\n");
  }
  absl::StrAppend(&body, "--", kBoundary, "--\r\n");
  return body;
}

// What the script does with the body: the code of each line, or an error
// naming the first line whose number is not the one sent there (where the
// script prints "leads phone_number doesnt match DNC.com" and exits).
struct ScriptReading {
  std::vector<char> codes;
  std::string abort;
};
ScriptReading ReadAsTheScriptDoes(const std::string& body,
                                  const std::vector<std::string>& sent) {
  ScriptReading reading;
  size_t result_count = 0;
  // Perl's split /\n/ drops trailing empty fields.
  for (const absl::string_view line : absl::StrSplit(body, '\n')) {
    if (line.empty()) continue;
    const std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    const std::string pn(fields[0]);
    const std::string rc = fields.size() > 1 ? std::string(fields[1]) : "";
    if (result_count >= sent.size() || pn != sent[result_count]) {
      reading.abort = absl::StrCat("line ", result_count + 1, ": '", pn,
                                   "' is not the number sent there");
      return reading;
    }
    reading.codes.push_back(rc.size() == 1 ? rc[0] : '?');
    ++result_count;
  }
  return reading;
}

class VicidialFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1.26 entries per clean one (dnccom_world.h): a little over 50,000.
    ASSERT_TRUE(
        test::BuildDncComWorld(dir_.Path("world"), 39700, 5, &world_).ok());
    ASSERT_GE(world_.entries.size(), kNumbers);
    world_.entries.resize(kNumbers);
    world_.store.reset();  // dnc-server opens the store itself.
    server_ = std::make_unique<test::BackgroundProcess>(
        std::vector<std::string>{
            DNC_SERVER_PATH, "--data", dir_.Path("world") + "/data",
            "--tenants", dir_.Path("world") + "/tenants", "--auth", "api_key",
            "--listen", "127.0.0.1:0", "--http_listen", "127.0.0.1:0",
            "--http_port_file", dir_.Path("http_port"),
            "--reload_interval_seconds", "0"},
        dir_.Path("server"));
    ASSERT_TRUE(server_->started());
    const std::string port =
        test::WaitForFile(dir_.Path("http_port"), std::chrono::seconds(60));
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(port), &port_))
        << server_->Stderr();
    for (const test::DncComEntry& entry : world_.entries) {
      sent_.push_back(entry.text);
    }
  }

  // One scrub exactly as the script posts it: headers with
  // "Expect: 100-continue", the interim 100, then the form.
  absl::StatusOr<test::HttpReply> PostAsVicidial(const std::string& login_id) {
    std::string phone_string;
    for (const std::string& number : sent_) {
      absl::StrAppend(&phone_string, phone_string.empty() ? "" : ",", number);
    }
    const std::string body = LibcurlForm({{"loginId", login_id},
                                          {"version", "5"},
                                          {"projId", "VICI-PROJ"},
                                          {"campaignId", "OUTBOUND"},
                                          {"phoneList", phone_string}});
    auto client = test::HttpClient::Connect(port_);
    if (!client.ok()) return client.status();
    absl::Status wrote = (*client)->WriteRaw(absl::StrCat(
        "POST /app/main/rpc/scrub HTTP/1.1\r\nHost: 127.0.0.1:", port_,
        "\r\nAccept: */*\r\nContent-Length: ", body.size(),
        "\r\nContent-Type: multipart/form-data; boundary=", kBoundary,
        "\r\nExpect: 100-continue\r\n\r\n"));
    if (!wrote.ok()) return wrote;
    absl::StatusOr<test::HttpReply> interim = (*client)->ReadReply();
    if (!interim.ok()) return interim.status();
    if (interim->status != 100) return interim;  // Refused before the body.
    wrote = (*client)->WriteRaw(body);
    if (!wrote.ok()) return wrote;
    return (*client)->ReadReply();
  }

  // Every line's code against the oracle; counts by code.
  std::map<char, size_t> CheckCodes(const test::HttpReply& reply,
                                    bool charity) {
    std::map<char, size_t> counts;
    const ScriptReading reading = ReadAsTheScriptDoes(reply.body, sent_);
    EXPECT_EQ(reading.abort, "");
    EXPECT_EQ(reading.codes.size(), kNumbers);
    size_t wrong = 0;
    for (size_t i = 0; i < reading.codes.size(); ++i) {
      const char code = reading.codes[i];
      EXPECT_NE(std::string(kCodes).find(code), std::string::npos) << code;
      const char want =
          charity ? world_.entries[i].hope : world_.entries[i].acme;
      if (code != want && ++wrong <= 10) {
        ADD_FAILURE() << "entry " << i + 1 << " (" << sent_[i] << "): got "
                      << code << ", the oracle says " << want;
      }
      ++counts[code];
    }
    EXPECT_EQ(wrong, 0u);
    return counts;
  }

  static uint64_t Counter(const std::string& audit_id) {
    return std::stoull(audit_id.substr(audit_id.rfind('-') + 1));
  }

  test::ScratchDir dir_;
  test::DncComWorld world_;
  std::unique_ptr<test::BackgroundProcess> server_;
  int port_ = 0;
  std::vector<std::string> sent_;
};

TEST_F(VicidialFilterTest, FiftyThousandNumbersComeBackAsTheScriptReadsThem) {
  absl::StatusOr<test::HttpReply> acme = PostAsVicidial(world_.acme_key);
  ASSERT_TRUE(acme.ok()) << acme.status() << server_->Stderr();
  ASSERT_EQ(acme->status, 200) << acme->body.substr(0, 400);
  const std::map<char, size_t> counts = CheckCodes(*acme, /*charity=*/false);
  for (const char code : std::string("CDOPBIM")) {
    EXPECT_GT(counts.count(code) ? counts.at(code) : 0, 0u) << code;
  }
  const std::string* acme_job = acme->Header("x-dnc-job-id");
  ASSERT_NE(acme_job, nullptr);

  // A wrong loginId: a 401 with a body whose first line is no number, so
  // the script stops before it touches a lead (never an empty 200).
  absl::StatusOr<test::HttpReply> refused = PostAsVicidial("dnc_WRONGKEY");
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->status, 401);
  EXPECT_THAT(refused->body, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(ReadAsTheScriptDoes(refused->body, sent_).abort,
              HasSubstr("line 1"));

  absl::StatusOr<test::HttpReply> hope = PostAsVicidial(world_.hope_key);
  ASSERT_TRUE(hope.ok()) << hope.status();
  ASSERT_EQ(hope->status, 200) << hope->body.substr(0, 400);
  const std::map<char, size_t> charity = CheckCodes(*hope, /*charity=*/true);
  for (const char code : std::string("CXPIM")) {
    EXPECT_GT(charity.count(code) ? charity.at(code) : 0, 0u) << code;
  }
  const std::string* hope_job = hope->Header("x-dnc-job-id");
  ASSERT_NE(hope_job, nullptr);

  // One job of ceil(50,000 / 10,000) chunks per request, and nothing in
  // between for the refused one: the store-wide audit counter moved by
  // exactly acme's chunks.
  EXPECT_EQ(Counter(*hope_job), Counter(*acme_job) + 5);
  server_->Signal(SIGTERM);
  ASSERT_EQ(server_->Wait(), 0) << server_->Stderr();
  auto store =
      tenant::TenantStore::Open(dir_.Path("world") + "/tenants", false);
  ASSERT_TRUE(store.ok()) << store.status();
  auto records = (*store)->JobAudit(*(*store)->Find("acme"), *acme_job);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 5u);
  uint64_t numbers = 0;
  for (const tenant::AuditRecord& record : *records) {
    EXPECT_EQ(record.method, "DncComScrub");
    EXPECT_EQ(record.request_id, "VICI-PROJ/OUTBOUND");
    numbers += record.numbers;
  }
  EXPECT_EQ(numbers, kNumbers);
}

}  // namespace
}  // namespace dnc
