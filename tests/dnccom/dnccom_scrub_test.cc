// dnccom::ServeScrub called directly over a real Registry and TenantStore
// (tests/dnccom/dnccom_world.h): every code against the world's oracle, the
// Reason and Reserved fields, chunks under one job, every way a request is
// refused, and that a refused loginId leaves no audit record.
#include "dnccom/dnccom_scrub.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "dnccom/phone_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "service/auth.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "tests/dnccom/dnccom_world.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::dnccom {
namespace {

using ::testing::HasSubstr;

constexpr uint32_t kChunk = 7;  // Small, so every request spans chunks.

class DncComScrubTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    world_ = new test::DncComWorld();
    const absl::Status built =
        test::BuildDncComWorld(dir_->Path("world"), 40, 11, world_);
    ASSERT_TRUE(built.ok()) << built;
    service::RegistryOptions options;
    options.data_dir = dir_->Path("world") + "/data";
    auto registry = service::Registry::Open(options);
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
    service::ScrubCallsOptions calls;
    calls.max_batch_entries = kChunk;
    const DayNumber today = world_->today;
    calls.today = [today] { return today; };
    calls_ = new service::ScrubCalls(registry_, world_->store.get(), calls);
    auth_ = new service::Authenticator(service::AuthMode::kApiKey,
                                       world_->store.get());
  }
  static void TearDownTestSuite() {
    delete auth_;
    delete calls_;
    delete registry_;
    delete world_;
    delete dir_;
  }

  static http::HttpResponse Serve(const http::HttpRequest& request,
                                  const service::Authenticator* auth = auth_) {
    http::HttpResponse response;
    ServeScrub(http::ApiContext{auth, calls_}, request, &response);
    return response;
  }

  // A urlencoded POST of `fields` ("a=1&b=2").
  static http::HttpRequest Post(std::string fields) {
    http::HttpRequest request;
    request.method = "POST";
    request.path = "/app/main/rpc/scrub";
    request.headers.push_back(
        {"content-type", "application/x-www-form-urlencoded"});
    request.body = std::move(fields);
    return request;
  }

  // Every entry of the world, form-encoded ('+' is a space there).
  static std::string AllNumbers() {
    std::string list;
    for (const test::DncComEntry& entry : world_->entries) {
      absl::StrAppend(&list, list.empty() ? "" : ",",
                      absl::StrReplaceAll(entry.text, {{"+", "%2B"}}));
    }
    return list;
  }

  // The audit counter of an audit id "<time>-<counter>".
  static uint64_t Counter(const std::string& audit_id) {
    return std::stoull(audit_id.substr(audit_id.rfind('-') + 1));
  }

  static const std::string* Header(const http::HttpResponse& response,
                                   const std::string& name) {
    for (const auto& [key, value] : response.headers)
      if (key == name) return &value;
    return nullptr;
  }

  static test::ScratchDir* dir_;
  static test::DncComWorld* world_;
  static service::Registry* registry_;
  static service::ScrubCalls* calls_;
  static service::Authenticator* auth_;
};

test::ScratchDir* DncComScrubTest::dir_ = nullptr;
test::DncComWorld* DncComScrubTest::world_ = nullptr;
service::Registry* DncComScrubTest::registry_ = nullptr;
service::ScrubCalls* DncComScrubTest::calls_ = nullptr;
service::Authenticator* DncComScrubTest::auth_ = nullptr;

TEST_F(DncComScrubTest, EveryNumberGetsTheOraclesCodeInRequestOrder) {
  for (const bool charity : {false, true}) {
    const http::HttpResponse response = Serve(Post(absl::StrCat(
        "loginId=", charity ? world_->hope_key : world_->acme_key,
        "&version=5&projId=P1&campaignId=CAMP&phoneList=", AllNumbers())));
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.content_type, "text/csv; charset=utf-8");
    std::vector<std::string> lines =
        absl::StrSplit(response.body, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), world_->entries.size());
    std::string seen;
    for (size_t i = 0; i < lines.size(); ++i) {
      const test::DncComEntry& entry = world_->entries[i];
      const std::vector<std::string> fields = absl::StrSplit(lines[i], ',');
      ASSERT_EQ(fields.size(), 17u) << lines[i];
      EXPECT_EQ(fields[0], entry.text);
      const char want = charity ? entry.hope : entry.acme;
      EXPECT_EQ(fields[1], std::string(1, want)) << lines[i];
      if (!charity && !entry.reason_acme.empty()) {
        EXPECT_EQ(fields[3], entry.reason_acme) << lines[i];
      }
      if (seen.find(want) == std::string::npos) seen += want;
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, charity ? "CIMPX" : "BCDIMOP");
  }
}

TEST_F(DncComScrubTest, FieldsBesideTheCodeAreFilledWhereWeHaveData) {
  // A purchase EBR excuses a national listing: O with its EBRType.
  const test::DncComEntry* ebr = nullptr;
  for (const test::DncComEntry& entry : world_->entries) {
    if (entry.acme == 'O') {
      ebr = &entry;
      break;
    }
  }
  ASSERT_NE(ebr, nullptr);
  const http::HttpResponse response = Serve(Post(absl::StrCat(
      "loginId=", world_->acme_key, "&output=json&phoneList=", ebr->text,
      "%7CLEAD-7,2145550200,9115551234,12345|X1")));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const nlohmann::json rows = nlohmann::json::parse(response.body);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["Phone"], ebr->text);
  EXPECT_EQ(rows[0]["ResultCode"], "O");
  EXPECT_EQ(rows[0]["Reserved"], "LEAD-7");
  EXPECT_EQ(
      rows[0]["Reason"],
      absl::StrCat("National (USA) ", FormatIsoDate(world_->listed_on), ";;;"));
  EXPECT_THAT(std::string(rows[0]["EBRType"]),
              ::testing::AnyOf("Purchase", "Consent"));
  EXPECT_EQ(rows[0]["Country"], "US");
  EXPECT_EQ(rows[1]["ResultCode"], "C");
  EXPECT_EQ(rows[1]["Reason"], ";;;");
  EXPECT_EQ(rows[1]["RegionAbbrev"], "TX");
  EXPECT_EQ(rows[1]["Reserved"], "");
  EXPECT_EQ(rows[2]["ResultCode"], "I");
  EXPECT_THAT(std::string(rows[2]["Reason"]), HasSubstr("Invalid ("));
  EXPECT_EQ(rows[3]["ResultCode"], "M");
  EXPECT_EQ(rows[3]["Reserved"], "X1");
  EXPECT_EQ(rows[3]["RegionAbbrev"], "");
  for (const char* empty :
       {"Locale", "CarrierInfo", "TZCode", "LineType", "IsWirelessOrVoIP"}) {
    EXPECT_EQ(rows[1][empty], "") << empty;
  }
  // Today's window of a Dallas number (US: 8:00-21:00 every day, no Texas
  // holiday ban); a malformed entry has no window: never callable today.
  EXPECT_EQ(rows[1]["CallingWindow"], "08:00-21:00");
  EXPECT_EQ(rows[1]["DoNotCallToday"], "N");
  EXPECT_EQ(rows[1]["CallingTimeRestrictions"], "");
  EXPECT_EQ(rows[3]["CallingWindow"], "");
  EXPECT_EQ(rows[3]["DoNotCallToday"], "Y");
}

TEST_F(DncComScrubTest, ChunksOfTheBatchLimitFormOneJob) {
  std::string list;
  for (size_t i = 0; i < 2 * kChunk + 3; ++i) {
    absl::StrAppend(
        &list, i ? "," : "",
        absl::StrReplaceAll(world_->entries[i].text, {{"+", "%2B"}}));
  }
  const http::HttpResponse response = Serve(
      Post(absl::StrCat("loginId=", world_->acme_key,
                        "&projId=PROJ-1&campaignId=CAMP.2&phoneList=", list)));
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string* job = Header(response, kJobIdHeader);
  ASSERT_NE(job, nullptr);
  auto records = world_->store->JobAudit(*world_->store->Find("acme"), *job);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  uint64_t numbers = 0;
  for (size_t i = 0; i < records->size(); ++i) {
    const tenant::AuditRecord& record = (*records)[i];
    EXPECT_EQ(record.sequence, i);
    EXPECT_EQ(record.job_id, *job);
    EXPECT_EQ(record.method, kAuditMethod);
    EXPECT_EQ(record.request_id, "PROJ-1/CAMP.2");
    numbers += record.numbers;
  }
  EXPECT_EQ(numbers, 2 * kChunk + 3);
  EXPECT_EQ((*records)[0].audit_id, *job);
}

TEST_F(DncComScrubTest, AWrongOrMissingLoginIdIs401AndLeavesNoAuditRecord) {
  auto scrub_one = [&](const std::string& key) {
    return Serve(Post(absl::StrCat("loginId=", key, "&phoneList=2125550200")));
  };
  const http::HttpResponse before = scrub_one(world_->acme_key);
  ASSERT_EQ(before.status, 200);
  for (const std::string& bad :
       {std::string("dnc_NOTAKEY"), std::string(""), world_->acme_key + "x"}) {
    const http::HttpResponse refused = scrub_one(bad);
    EXPECT_EQ(refused.status, 401) << bad;
    EXPECT_EQ(refused.content_type, "application/json");
    EXPECT_THAT(refused.body, HasSubstr("\"code\":\"UNAUTHENTICATED\""));
    EXPECT_THAT(refused.body, HasSubstr("loginId"));
    EXPECT_NE(Header(refused, "WWW-Authenticate"), nullptr);
    EXPECT_EQ(Header(refused, kJobIdHeader), nullptr);
  }
  http::HttpRequest no_key;
  no_key.method = "GET";
  no_key.query = "phoneList=2125550200";
  EXPECT_EQ(Serve(no_key).status, 401);
  // The audit counter moved by one between the two accepted calls: the
  // refused ones wrote nothing.
  const http::HttpResponse after = scrub_one(world_->acme_key);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(Counter(*Header(after, kJobIdHeader)),
            Counter(*Header(before, kJobIdHeader)) + 1);
}

TEST_F(DncComScrubTest, LoginIdMayComeFromQueryHeaderOrAnyBody) {
  http::HttpRequest get;
  get.method = "GET";
  get.query = absl::StrCat("loginId=", world_->acme_key,
                           "&phoneList=2125550200,2125550201");
  http::HttpResponse response = Serve(get);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(std::count(response.body.begin(), response.body.end(), '\n'), 2);

  http::HttpRequest header = Post("phoneList=2125550200");
  header.headers.push_back({"loginid", world_->acme_key});
  EXPECT_EQ(Serve(header).status, 200);
  http::HttpRequest api_key = Post("phoneList=2125550200");
  api_key.headers.push_back({"x-api-key", world_->acme_key});
  EXPECT_EQ(Serve(api_key).status, 200);

  http::HttpRequest json;
  json.method = "POST";
  json.headers.push_back({"content-type", "application/json"});
  json.headers.push_back({"loginid", world_->acme_key});
  json.body = R"({"phoneList":"2125550200|A","version":"5","campaignId":7})";
  response = Serve(json);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(response.body, HasSubstr("2125550200,C,A,"));

  // Two different keys are refused, whichever is right.
  http::HttpRequest two =
      Post(absl::StrCat("loginId=", world_->acme_key, "&phoneList=2125550200"));
  two.headers.push_back({"loginid", world_->hope_key});
  response = Serve(two);
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("loginId is given twice"));
}

TEST_F(DncComScrubTest, BadRequestsAreRefusedNamingTheField) {
  const std::string key = absl::StrCat("loginId=", world_->acme_key);
  struct Case {
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {key, "phoneList is empty"},
      {key + "&phoneList=2125550200&output=xml", "output 'xml'"},
      {key + "&phoneList=2125550200&projId=" + std::string(32, 'p'), "projId"},
      {key + "&phoneList=2125550200&campaignId=a/b", "campaignId 'a/b'"},
      {key + "&phoneList=2125550200|%22x", "phoneList entry 1: ID"},
      {key + "&phoneList=2125550200&phoneList=2125550201",
       "phoneList is given twice"},
      {key + "&phoneList=%zz", "%"},
  };
  for (const Case& c : cases) {
    const http::HttpResponse response = Serve(Post(c.body));
    EXPECT_EQ(response.status, 400) << c.body;
    EXPECT_THAT(response.body, HasSubstr(c.message)) << c.body;
  }
  std::string too_many = key + "&phoneList=";
  for (size_t i = 0; i <= kMaxPhoneListEntries; ++i) {
    absl::StrAppend(&too_many, i ? "," : "", "2125550200");
  }
  http::HttpResponse response = Serve(Post(too_many));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("more than the 50000"));

  http::HttpRequest xml = Post("<scrub/>");
  xml.headers[0].value = "text/xml";
  xml.headers.push_back({"loginid", world_->acme_key});
  response = Serve(xml);
  EXPECT_EQ(response.status, 415);
  EXPECT_THAT(response.body, HasSubstr("text/xml"));

  http::HttpRequest multipart = Post("--B\r\nbroken");
  multipart.headers[0].value = "multipart/form-data; boundary=B";
  response = Serve(multipart);
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("multipart part 1"));
}

TEST_F(DncComScrubTest, WithoutTenantsAnswersComeFromTheRegistryAlone) {
  const service::Authenticator none(service::AuthMode::kNone, nullptr);
  const test::DncComEntry* internal = nullptr;
  for (const test::DncComEntry& entry : world_->entries) {
    if (entry.acme == 'P' && entry.hope == 'C') internal = &entry;
  }
  ASSERT_NE(internal, nullptr);
  const http::HttpResponse response = Serve(
      Post(absl::StrCat("phoneList=", internal->text, ",9175550200")), &none);
  ASSERT_EQ(response.status, 200) << response.body;
  // No internal list and every source entitled without a tenant; no job.
  EXPECT_THAT(response.body, HasSubstr(internal->text + ",C,"));
  EXPECT_THAT(response.body, HasSubstr("9175550200,C,"));
  EXPECT_EQ(Header(response, kJobIdHeader), nullptr);
}

}  // namespace
}  // namespace dnc::dnccom
