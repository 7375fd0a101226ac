// POST /v1/scrub and GET /v1/status, called as the HTTP server calls them:
// answers in request order against gRPC's, ids and job echoed, audit
// records, and every error status.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/json_api.h"
#include "tests/http/json_api_fixture.h"

namespace dnc::http {
namespace {

using ::testing::HasSubstr;

v1::CheckRequest ByE164(uint64_t e164, int64_t now = kNowDay) {
  v1::CheckRequest request;
  request.set_e164(e164);
  request.set_now_unix_seconds(now);
  return request;
}

TEST_F(JsonApiTest, ScrubAnswersInRequestOrderAsGrpcDoes) {
  const std::vector<uint64_t> numbers = {kInvalid, kListed,   kClean, kInternal,
                                         kEbr,     kColorado, kListed};
  Json request{{"numbers", numbers}, {"ids", {7, 6, 5, 4, 3, 2, 1}},
               {"now", kNowDay},     {"job_id", "scrub-order-1"},
               {"sequence", 4},      {"request_id", "r-1"}};
  const uint64_t before = store_->audits();
  const HttpResponse response =
      Call(ServeScrub, "POST", "/v1/scrub", "acme", request.dump());
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = BodyOf(response);
  ASSERT_EQ(body["results"].size(), numbers.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSameAnswer(body["results"][i], GrpcCheck("acme", ByE164(numbers[i])));
    EXPECT_EQ(body["results"][i]["id"], 7 - i);
  }
  EXPECT_EQ(body["results"][3]["disposition"], "INTERNAL");
  EXPECT_EQ(body["results"][4]["disposition"], "EXEMPT");
  EXPECT_EQ(body["job_id"], "scrub-order-1");
  EXPECT_EQ(body["sequence"], 4);
  EXPECT_EQ(body["request_id"], "r-1");
  EXPECT_EQ(body["purpose"], "commercial");
  ASSERT_EQ(body["snapshots"].size(), 1u);
  EXPECT_EQ(body["snapshots"][0]["source"], "us-ftc");

  // One audit record per batch, as gRPC's (the oracle calls above were
  // Checks, audited too: count only this one).
  auto records = store_->JobAudit(*store_->Find("acme"), "scrub-order-1");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].method, "Scrub");
  EXPECT_EQ((*records)[0].numbers, numbers.size());
  EXPECT_EQ((*records)[0].sequence, 4u);
  EXPECT_EQ((*records)[0].audit_id, body["audit_id"]);
  EXPECT_EQ(store_->audits(), before + 1 + numbers.size());
}

TEST_F(JsonApiTest, ScrubTakesTextNumbersStringIdsAndPurposeNames) {
  Json request{{"numbers", {"+1 (212) 234-5604", "hello", "617-234-5678"}},
               {"ids", {"lead-a", "lead-b", "lead-c"}},
               {"purpose", "Charity"}};
  const HttpResponse response =
      Call(ServeScrub, "POST", "/v1/scrub", "acme", request.dump());
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = BodyOf(response);
  ASSERT_EQ(body["results"].size(), 3u);
  EXPECT_EQ(body["results"][0]["disposition"], "EXEMPT");
  EXPECT_EQ(body["results"][1]["disposition"], "MALFORMED");
  EXPECT_EQ(body["results"][1]["e164"], 0);
  EXPECT_FALSE(body["results"][1]["callable"].get<bool>());
  EXPECT_EQ(body["results"][2]["disposition"], "CALLABLE");
  EXPECT_EQ(body["results"][0]["id"], "lead-a");
  EXPECT_EQ(body["results"][2]["id"], "lead-c");
  EXPECT_EQ(body["purpose"], "charity");
  // No job id: the batch is a job of its own, named by its audit id.
  EXPECT_EQ(body["job_id"], body["audit_id"]);
}

TEST_F(JsonApiTest, ScrubForANotSubscribedTenant) {
  const HttpResponse response =
      Call(ServeScrub, "POST", "/v1/scrub", "gamma",
           Json{{"numbers", {kColorado, kListed}}}.dump());
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = BodyOf(response);
  EXPECT_EQ(body["results"][0]["disposition"], "NOT_SUBSCRIBED");
  EXPECT_EQ(body["results"][1]["disposition"], "BLOCKED");
}

TEST_F(JsonApiTest, ScrubWithAWrongKeyIs401AndLeavesNoAuditRecord) {
  const uint64_t before = store_->audits();
  const std::string request =
      Json{{"numbers", {kListed}}, {"job_id", "wrong-key-job"}}.dump();
  for (const char* key : {"dnc_wrong", ""}) {
    const HttpResponse response =
        Call(ServeScrub, "POST", "/v1/scrub", key, request);
    EXPECT_EQ(response.status, 401) << key;
    EXPECT_EQ(BodyOf(response)["error"]["code"], "UNAUTHENTICATED");
  }
  EXPECT_EQ(store_->audits(), before);
  for (const char* tenant : {"acme", "gamma"}) {
    auto records = store_->JobAudit(*store_->Find(tenant), "wrong-key-job");
    ASSERT_TRUE(records.ok());
    EXPECT_TRUE(records->empty()) << tenant;
  }
}

TEST_F(JsonApiTest, ScrubOfTooManyNumbersIs413Unaudited) {
  const uint64_t before = store_->audits();
  const HttpResponse response = Call(
      ServeScrub, "POST", "/v1/scrub", "acme",
      Json{{"numbers", std::vector<uint64_t>(kMaxBatch + 1, kClean)}}.dump());
  EXPECT_EQ(response.status, 413);
  EXPECT_THAT(BodyOf(response)["error"]["message"].get<std::string>(),
              HasSubstr(absl::StrCat("numbers has ", kMaxBatch + 1,
                                     " entries, more than the ", kMaxBatch)));
  EXPECT_EQ(store_->audits(), before);
  // The limit itself is fine.
  EXPECT_EQ(
      Call(ServeScrub, "POST", "/v1/scrub", "acme",
           Json{{"numbers", std::vector<uint64_t>(kMaxBatch, kClean)}}.dump())
          .status,
      200);
}

TEST_F(JsonApiTest, ScrubRefusesBadBodiesWith400NamingWhere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not valid JSON at byte 0 (0-based)"},
      {"{\"numbers\": [1,", "not valid JSON"},
      {"{\"numbers\": [12025551234] \"x\"}",
       "at byte 28 (0-based): parse error at line 1, column 29"},
      {"[1, 2]", "the request body is array"},
      {"{}", "field \"numbers\" is required"},
      {"{\"numbers\": \"2025551234\"}", "numbers is string"},
      {"{\"numbers\": [1, \"2\"]}", "numbers mixes strings and integers"},
      {"{\"numbers\": [-1]}", "numbers[0] is a negative integer"},
      {"{\"numbers\": [1.5]}", "numbers[0] is a number with a fraction"},
      {"{\"numbers\": [[1]]}", "nests deeper than 2"},
      {"{\"numbers\": [1], \"numbers\": [2]}", "the key \"numbers\" twice"},
      {"{\"numbers\": [1], \"number\": [2]}", "unknown field \"number\""},
      {"{\"numbers\": [1, 2], \"ids\": [1]}", "ids has 1 values for 2"},
      {"{\"numbers\": [1], \"ids\": [\"" + std::string(65, 'i') + "\"]}",
       "ids[0] is 65 bytes"},
      {"{\"numbers\": [1], \"purpose\": \"sales\"}", "purpose 'sales'"},
      {"{\"numbers\": [1], \"purpose\": true}", "purpose is boolean"},
      {"{\"numbers\": [1], \"now\": 5}", "now 5 is out of range"},
      {"{\"numbers\": [1], \"sequence\": -1}", "sequence is a negative"},
      {"{\"numbers\": [1], \"job_id\": \"no spaces\"}", "job_id"},
      {"{\"numbers\": [1], \"job_id\": 7}",
       "job_id is a non-negative integer; send a string"},
  };
  const uint64_t before = store_->audits();
  for (const auto& [request, message] : cases) {
    SCOPED_TRACE(request.substr(0, 80));
    HttpRequest http;
    http.method = "POST";
    http.path = "/v1/scrub";
    http.headers.push_back({"x-api-key", keys_->at("acme")});
    http.body = request;
    HttpResponse response;
    ServeScrub(Api(), http, &response);
    EXPECT_EQ(response.status, 400);
    const Json body = BodyOf(response);
    EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
    EXPECT_THAT(body["error"]["message"].get<std::string>(),
                HasSubstr(message));
  }
  EXPECT_EQ(store_->audits(), before);
}

TEST_F(JsonApiTest, ScrubRefusesABodyThatIsNotJson) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/v1/scrub";
  request.headers.push_back({"x-api-key", keys_->at("acme")});
  request.headers.push_back(
      {"content-type", "application/x-www-form-urlencoded"});
  request.body = "numbers=2025551234";
  HttpResponse response;
  ServeScrub(Api(), request, &response);
  EXPECT_EQ(response.status, 415);
  EXPECT_THAT(response.body, HasSubstr("Content-Type: application/json"));
  request.headers.back().value = "Application/JSON; charset=utf-8";
  request.body = Json{{"numbers", {kClean}}}.dump();
  ServeScrub(Api(), request, &response);
  EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(JsonApiTest, AnAnswerThatCannotBeAuditedIs503AndNeverCallable) {
  store_->set_fail_audits(true);
  const HttpResponse check =
      Call(ServeCheck, "GET", absl::StrCat("/v1/check?e164=", kClean), "acme");
  const HttpResponse scrub = Call(ServeScrub, "POST", "/v1/scrub", "acme",
                                  Json{{"numbers", {kClean}}}.dump());
  const HttpResponse text =
      Call(ServeCheckText, "GET", absl::StrCat("/v1/check.txt?e164=", kClean),
           "acme");
  store_->set_fail_audits(false);
  for (const HttpResponse* response : {&check, &scrub}) {
    EXPECT_EQ(response->status, 503);
    const Json body = BodyOf(*response);
    EXPECT_EQ(body["error"]["code"], "UNAVAILABLE");
    EXPECT_THAT(body["error"]["message"].get<std::string>(),
                HasSubstr("cannot write the audit record"));
    EXPECT_THAT(response->body, ::testing::Not(HasSubstr("callable")));
  }
  EXPECT_EQ(text.body, "1");
  bool saw_503 = false;
  for (const auto& [name, value] : text.headers)
    saw_503 |= name == "X-DNC-Status" && value == "503";
  EXPECT_TRUE(saw_503);
  // And once the store can write again, the same number is callable.
  EXPECT_EQ(Call(ServeCheckText, "GET",
                 absl::StrCat("/v1/check.txt?e164=", kClean), "acme")
                .body,
            "0");
}

// ---- Status -------------------------------------------------------------

TEST_F(JsonApiTest, StatusAnswersWhatGrpcStatusAnswers) {
  grpc::ClientContext context;
  context.AddMetadata(service::kApiKeyMetadata, keys_->at("gamma"));
  v1::StatusResponse theirs;
  ASSERT_TRUE(stub_->Status(&context, v1::StatusRequest(), &theirs).ok());

  const HttpResponse response = Call(ServeStatus, "GET", "/v1/status", "gamma");
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = BodyOf(response);
  EXPECT_EQ(body["max_batch_entries"], theirs.max_batch_entries());
  EXPECT_EQ(body["server_version"], theirs.server_version());
  EXPECT_EQ(body["today"], theirs.today());
  EXPECT_EQ(body["tenant"], "gamma");
  EXPECT_EQ(body["auth_required"], true);
  ASSERT_EQ(body["sources"].size(), static_cast<size_t>(theirs.sources_size()));
  const Json& source = body["sources"][0];
  const v1::SourceStatus& their_source = theirs.sources(0);
  EXPECT_EQ(source["source"], their_source.snapshot().source());
  EXPECT_EQ(source["jurisdiction"], their_source.snapshot().jurisdiction());
  EXPECT_EQ(source["generation"], their_source.snapshot().generation());
  EXPECT_EQ(source["as_of"], their_source.snapshot().as_of());
  EXPECT_EQ(source["country_codes"], Json::array({1}));
  EXPECT_EQ(source["number_count"], their_source.number_count());
  EXPECT_EQ(source["age_days"], their_source.age_days());
  EXPECT_EQ(source["age_days"], 5);
  EXPECT_EQ(source["max_age_days"], their_source.max_age_days());
  EXPECT_EQ(source["deadline"], their_source.deadline());
  EXPECT_EQ(source["stale"], their_source.stale());
  EXPECT_EQ(source["loaded_at"], their_source.loaded_at());
}

TEST_F(JsonApiTest, StatusNeedsAKeyUnlessAuthIsOff) {
  EXPECT_EQ(Call(ServeStatus, "GET", "/v1/status", "dnc_wrong").status, 401);
  EXPECT_EQ(Call(ServeStatus, "GET", "/v1/status", "").status, 401);
  const HttpResponse anonymous =
      Call(ServeStatus, "GET", "/v1/status", "", "", /*anonymous=*/true);
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_EQ(BodyOf(anonymous)["auth_required"], false);
  EXPECT_EQ(BodyOf(anonymous)["tenant"], "");
  EXPECT_EQ(Call(ServeStatus, "GET", "/v1/status?x=1", "acme").status, 400);
}

}  // namespace
}  // namespace dnc::http
