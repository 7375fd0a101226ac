// GET /v1/check and /v1/check.txt, called as the HTTP server calls them,
// over every kind of number against gRPC Check's answer, every error
// status, and the audit records they leave (or do not).
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/json_api.h"
#include "tests/http/json_api_fixture.h"

namespace dnc::http {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string tenant;
  std::string query;  // The number and anything else, as sent.
  v1::CheckRequest grpc;
  std::string disposition;  // What the case is there to show.
};

v1::CheckRequest ByE164(uint64_t e164, v1::CallPurpose purpose = {}) {
  v1::CheckRequest request;
  request.set_e164(e164);
  request.set_purpose(purpose);
  request.set_now_unix_seconds(kNowDay);
  return request;
}

v1::CheckRequest ByRaw(const std::string& raw) {
  v1::CheckRequest request;
  request.set_raw(raw);
  request.set_now_unix_seconds(kNowDay);
  return request;
}

std::vector<Case> Cases() {
  const std::string now = absl::StrCat("&now=", kNowDay);
  return {
      {"acme", absl::StrCat("e164=", kClean, now), ByE164(kClean), "CALLABLE"},
      {"acme", absl::StrCat("phone=%2B1+212-234-5601", now),
       ByRaw("+1 212-234-5601"), "BLOCKED"},
      {"acme", absl::StrCat("phone=2022345610", now), ByRaw("2022345610"),
       "INTERNAL"},
      {"acme", absl::StrCat("e164=", kEbr, now), ByE164(kEbr), "EXEMPT"},
      {"acme", absl::StrCat("e164=", kCharity, "&purpose=CHARITY", now),
       ByE164(kCharity, v1::CHARITY), "EXEMPT"},
      {"acme", absl::StrCat("e164=", kInvalid, now), ByE164(kInvalid),
       "INVALID"},
      {"acme", absl::StrCat("phone=hello", now), ByRaw("hello"), "MALFORMED"},
      {"gamma", absl::StrCat("e164=", kColorado, now), ByE164(kColorado),
       "NOT_SUBSCRIBED"},
  };
}

TEST_F(JsonApiTest, CheckAnswersEveryKindOfNumberAsGrpcDoes) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.query);
    const HttpResponse response = Call(
        ServeCheck, "GET", "/v1/check?" + c.query + "&id=lead-9", c.tenant);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    const Json body = BodyOf(response);
    ASSERT_TRUE(body.is_object()) << response.body;
    EXPECT_EQ(body.value("disposition", ""), c.disposition);
    ExpectSameAnswer(body, GrpcCheck(c.tenant, c.grpc));
    EXPECT_EQ(body.value("id", ""), "lead-9");
    EXPECT_FALSE(body.value("audit_id", "").empty());
  }
}

TEST_F(JsonApiTest, CheckListedNumberNamesItsSourceAndDateAdded) {
  const HttpResponse response =
      Call(ServeCheck, "GET", absl::StrCat("/v1/check?e164=", kListed), "acme");
  const Json body = BodyOf(response);
  ASSERT_EQ(body["reasons"].size(), 1u) << response.body;
  const Json& reason = body["reasons"][0];
  EXPECT_EQ(reason["code"], "LISTED");
  EXPECT_EQ(reason["source"], "us-ftc");
  EXPECT_EQ(reason["jurisdiction"], "US");
  EXPECT_EQ(reason["as_of"], "2026-02-01");
  EXPECT_EQ(reason["added_date"], FormatIsoDate(kAsOf - 100));
  EXPECT_FALSE(reason["generation"].get<std::string>().empty());
  EXPECT_FALSE(body["callable"].get<bool>());
  EXPECT_EQ(body["purpose"], "commercial");
  ASSERT_EQ(body["snapshots"].size(), 1u);
  EXPECT_EQ(body["snapshots"][0]["source"], "us-ftc");
}

TEST_F(JsonApiTest, CheckTakesPurposeByNameOrNumberAndNowAsRfc3339) {
  for (const char* purpose : {"charity", "Charity", "2"}) {
    const Json body = BodyOf(
        Call(ServeCheck, "GET",
             absl::StrCat("/v1/check?e164=", kCharity, "&purpose=", purpose),
             "acme"));
    EXPECT_EQ(body.value("disposition", ""), "EXEMPT") << purpose;
    EXPECT_EQ(body.value("purpose", ""), "charity");
  }
  // 10:00 in New York both ways.
  const Json seconds = BodyOf(
      Call(ServeCheck, "GET",
           absl::StrCat("/v1/check?e164=", kClean, "&now=", kNowDay), "acme"));
  const Json rfc3339 = BodyOf(Call(
      ServeCheck, "GET",
      absl::StrCat("/v1/check?e164=", kClean, "&now=2026-02-06T10:00:00-05:00"),
      "acme"));
  EXPECT_EQ(seconds["window"], rfc3339["window"]);
  EXPECT_TRUE(seconds["window"].value("open_now", false));
}

TEST_F(JsonApiTest, CheckIsAuditedAndAWrongKeyIsRefusedUnaudited) {
  const uint64_t before = store_->audits();
  const HttpResponse wrong = Call(
      ServeCheck, "GET", absl::StrCat("/v1/check?e164=", kListed), "dnc_wrong");
  const HttpResponse missing =
      Call(ServeCheck, "GET", absl::StrCat("/v1/check?e164=", kListed), "");
  for (const HttpResponse* response : {&wrong, &missing}) {
    EXPECT_EQ(response->status, 401);
    const Json body = BodyOf(*response);
    EXPECT_EQ(body["error"]["status"], 401);
    EXPECT_EQ(body["error"]["code"], "UNAUTHENTICATED");
    EXPECT_THAT(response->body, ::testing::Not(HasSubstr("disposition")));
  }
  EXPECT_THAT(BodyOf(missing)["error"]["message"].get<std::string>(),
              HasSubstr("missing x-api-key header"));
  EXPECT_EQ(store_->audits(), before);

  const HttpResponse right =
      Call(ServeCheck, "GET", absl::StrCat("/v1/check?e164=", kListed), "acme");
  ASSERT_EQ(right.status, 200);
  EXPECT_EQ(store_->audits(), before + 1);
  const std::string audit_id = BodyOf(right)["audit_id"];
  auto records = store_->JobAudit(*store_->Find("acme"), audit_id);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].method, "Check");
}

TEST_F(JsonApiTest, CheckWithoutAuthNeedsNoKeyAndIsNotAudited) {
  const uint64_t before = store_->audits();
  const HttpResponse response =
      Call(ServeCheck, "GET", absl::StrCat("/v1/check?e164=", kListed), "", "",
           /*anonymous=*/true);
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = BodyOf(response);
  EXPECT_EQ(body["disposition"], "BLOCKED");
  EXPECT_EQ(body["audit_id"], "");
  EXPECT_EQ(store_->audits(), before);
}

TEST_F(JsonApiTest, CheckRefusesBadParametersWith400NamingThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "'phone' is required"},
      {"phone=1&e164=1", "both sent"},
      {"phone=1&phone=2", "'phone' is sent more than once"},
      {"phone_number=2025551234", "unknown query parameter 'phone_number'"},
      {"phone=1&api_key=x", "'api_key' is not taken here"},
      {"e164=12x", "e164 '12x' is not a non-negative integer"},
      {"phone=1&purpose=sales", "purpose 'sales' is not a known purpose"},
      {"phone=1&purpose=9", "purpose 9 is not a known purpose"},
      {"phone=1&now=12", "now 12 is out of range"},
      {"phone=1&now=yesterday", "now 'yesterday' is neither unix seconds"},
      {"phone=1&id=" + std::string(65, 'i'), "id is 65 bytes; at most 64"},
      {"phone=1&request_id=" + std::string(65, 'r'), "request_id is 65 bytes"},
      {"phone=%zz", "two hex digits"},
      {"phone=" + std::string(5000, '7'), "(5000 bytes)"},
  };
  const uint64_t before = store_->audits();
  for (const auto& [query, message] : cases) {
    SCOPED_TRACE(query.substr(0, 80));
    const HttpResponse response =
        Call(ServeCheck, "GET", "/v1/check?" + query, "acme");
    EXPECT_EQ(response.status, 400);
    const Json body = BodyOf(response);
    EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
    EXPECT_THAT(body["error"]["message"].get<std::string>(),
                HasSubstr(message));
    EXPECT_LT(response.body.size(), 600u);
  }
  EXPECT_EQ(store_->audits(), before);
}

// ---- check.txt --------------------------------------------------------

TEST_F(JsonApiTest, CheckTextAnswersOneUnlessCallable) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.query);
    const HttpResponse response =
        Call(ServeCheckText, "GET", "/v1/check.txt?" + c.query, c.tenant);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
    const bool callable = GrpcCheck(c.tenant, c.grpc).callable();
    EXPECT_EQ(response.body, callable ? "0" : "1");
  }
}

TEST_F(JsonApiTest, CheckTextTakesTheKeyAsAParameterForFilters) {
  const std::string query =
      absl::StrCat("/v1/check.txt?phone=", kClean % 10000000000,
                   "&api_key=", keys_->at("acme"));
  const HttpResponse response = Call(ServeCheckText, "GET", query, "");
  EXPECT_EQ(response.body, "0");
  // The same key in the header too is fine; a different one is refused.
  EXPECT_EQ(Call(ServeCheckText, "GET", query, "acme").body, "0");
  const HttpResponse differ = Call(ServeCheckText, "GET", query, "gamma");
  EXPECT_EQ(differ.body, "1");
}

TEST_F(JsonApiTest, CheckTextFailsClosedOnEveryError) {
  const uint64_t before = store_->audits();
  const std::string clean = absl::StrCat("e164=", kClean);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/check.txt?" + clean, "dnc_wrong"},            // 401
      {"/v1/check.txt?" + clean, ""},                     // 401, no key
      {"/v1/check.txt?" + clean + "&purpose=x", "acme"},  // 400
      {"/v1/check.txt?" + clean + "&bogus=1", "acme"},    // 400
      {"/v1/check.txt?", "acme"},                         // 400
  };
  for (const auto& [target, tenant] : cases) {
    SCOPED_TRACE(target + " as " + tenant);
    const HttpResponse response = Call(ServeCheckText, "GET", target, tenant);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "1");
    bool has_status = false, has_error = false;
    for (const auto& [name, value] : response.headers) {
      has_status |=
          name == "X-DNC-Status" && (value == "400" || value == "401");
      has_error |= name == "X-DNC-Error" && !value.empty();
    }
    EXPECT_TRUE(has_status);
    EXPECT_TRUE(has_error);
  }
  EXPECT_EQ(store_->audits(), before);
}

}  // namespace
}  // namespace dnc::http
