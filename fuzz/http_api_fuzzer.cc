// Fuzz target: the HTTP API without sockets: bytes -> an HttpRequest ->
// the route table dnc-server serves (the JSON API of http/json_api.h and
// the DNC.com-compatible endpoint of dnccom/) -> the response, over a small
// registry published once at start-up (tests/service/registry_fixture.h)
// with registry-only answers (dnc-server --auth=none).
//
// The first byte picks the route and the request's content type; the rest
// is split at the first two NUL bytes into the query string, the body and
// (after the second) one header line "name: value". Invariants:
//   - never a 5xx, and every status is one the API documents;
//   - a JSON response parses as JSON; an error response is the one error
//     shape ({"error":{"status","code","message"}}) with its status;
//   - /v1/check and /v1/scrub answer a listed number BLOCKED (EXEMPT only
//     for a purpose the registry exempts, never CALLABLE);
//     check.txt answers "0" only where /v1/check, asked the same, answers
//     callable;
//   - /app/main/rpc/scrub: one line per number, field 2 one of DNC.com's
//     codes, and a listed number never C.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/civil_date.h"
#include "dnccom/dnccom_scrub.h"
#include "dnccom/result_codes.h"
#include "fuzz/fuzz_check.h"
#include "http/http_routes.h"
#include "http/json_api.h"
#include "nlohmann/json.hpp"
#include "service/auth.h"
#include "service/registry.h"
#include "service/scrub_call.h"
#include "tests/service/registry_fixture.h"

namespace dnc::fuzz {
namespace {

constexpr uint32_t kMaxBatch = 64;
const DayNumber kAsOf = *ParseIsoDate("2026-02-15");

constexpr uint64_t kListed[] = {12022345678, 13032345678, 14152345678};

bool IsListed(uint64_t e164) {
  for (uint64_t key : kListed) {
    if (key == e164) return true;
  }
  return false;
}

struct Api {
  std::unique_ptr<service::Registry> registry;
  std::unique_ptr<service::Authenticator> auth;
  std::unique_ptr<service::ScrubCalls> calls;
  std::unique_ptr<http::HttpRoutes> routes;
};

Api& GetApi() {
  static Api* const kApi = [] {
    auto* api = new Api;
    const std::string& data = ProcessScratchDir().path();
    test::FixtureSource us;
    us.source = "us-test";
    us.jurisdiction = "US";
    us.kind = "national";
    us.as_of = kAsOf;
    us.keys = {kListed[0], kListed[1], kListed[2]};
    absl::StatusOr<std::string> published =
        test::PublishFixtureSource(data, us);
    DNC_FUZZ_CHECK(published.ok(), "publish: %s",
                   published.status().ToString().c_str());
    service::RegistryOptions options;
    options.data_dir = data;
    auto registry = service::Registry::Open(options);
    DNC_FUZZ_CHECK(registry.ok(), "Registry::Open: %s",
                   registry.status().ToString().c_str());
    api->registry = std::move(*registry);
    api->auth = std::make_unique<service::Authenticator>(
        service::AuthMode::kNone, nullptr);
    service::ScrubCallsOptions calls;
    calls.max_batch_entries = kMaxBatch;
    calls.today = [] { return kAsOf + 5; };
    api->calls = std::make_unique<service::ScrubCalls>(api->registry.get(),
                                                       nullptr, calls);
    api->routes = std::make_unique<http::HttpRoutes>(
        http::ApiContext{api->auth.get(), api->calls.get()});
    // As dnc-server's front end and main add them.
    api->routes->Add("GET", "/v1/check", &http::ServeCheck);
    api->routes->Add("GET", "/v1/check.txt", &http::ServeCheckText);
    api->routes->Add("POST", "/v1/scrub", &http::ServeScrub);
    api->routes->Add("GET", "/v1/status", &http::ServeStatus);
    api->routes->Add("POST", "/app/main/rpc/scrub", &dnccom::ServeScrub);
    api->routes->Add("GET", "/app/main/rpc/scrub", &dnccom::ServeScrub);
    return api;
  }();
  return *kApi;
}

struct RouteChoice {
  const char* method;
  const char* path;
};
constexpr RouteChoice kRoutes[] = {
    {"GET", "/v1/check"},
    {"GET", "/v1/check.txt"},
    {"POST", "/v1/scrub"},
    {"GET", "/v1/status"},
    {"POST", "/app/main/rpc/scrub"},
    {"GET", "/app/main/rpc/scrub"},
    {"DELETE", "/v1/check"},
    {"GET", "/nope"},
};
constexpr const char* kContentTypes[] = {
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xYzZY",
    "text/plain",
};

http::HttpResponse Serve(const http::HttpRequest& request) {
  http::HttpResponse response;
  GetApi().routes->Serve(request, &response);
  return response;
}

void CheckStatusAndShape(const http::HttpResponse& response) {
  const int s = response.status;
  DNC_FUZZ_CHECK(s == 200 || s == 400 || s == 401 || s == 403 || s == 404 ||
                     s == 405 || s == 413 || s == 415 || s == 429 || s == 503,
                 "status %d: %s", s, response.body.c_str());
  if (response.content_type != "application/json") return;
  const nlohmann::json body =
      nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  DNC_FUZZ_CHECK(!body.is_discarded(), "not JSON: %s", response.body.c_str());
  if (s != 200) {
    DNC_FUZZ_CHECK(body.contains("error") && body["error"]["status"] == s &&
                       body["error"]["code"].is_string() &&
                       body["error"]["message"].is_string(),
                   "error shape: %s", response.body.c_str());
  }
}

// An entry of a /v1/check or /v1/scrub answer made under `purpose`: a
// listed number is never CALLABLE, and EXEMPT only for a purpose the
// registry exempts (no tenant: no EBR or consent can excuse it).
void CheckEntry(const nlohmann::json& entry, const std::string& purpose) {
  const uint64_t e164 = entry.value("e164", uint64_t{0});
  if (!IsListed(e164)) return;
  const std::string disposition = entry.value("disposition", "");
  DNC_FUZZ_CHECK(disposition == "BLOCKED" ||
                     (disposition == "EXEMPT" && purpose != "commercial"),
                 "listed number %llu answered %s for a %s call",
                 static_cast<unsigned long long>(e164), disposition.c_str(),
                 purpose.c_str());
}

void CheckJsonAnswers(const http::HttpRequest& request,
                      const http::HttpResponse& response) {
  if (response.status != 200) return;
  const nlohmann::json body = nlohmann::json::parse(response.body);
  const std::string purpose = body.value("purpose", "");
  if (request.path == "/v1/check") {
    CheckEntry(body, purpose);
  } else if (request.path == "/v1/scrub") {
    for (const nlohmann::json& entry : body["results"]) {
      CheckEntry(entry, purpose);
    }
  }
}

void CheckText(const http::HttpRequest& request,
               const http::HttpResponse& response) {
  DNC_FUZZ_CHECK(response.body == "0\n" || response.body == "1\n" ||
                     response.body == "0" || response.body == "1",
                 "check.txt answered '%s'", response.body.c_str());
  if (response.body[0] != '0') return;
  http::HttpRequest json_request = request;
  json_request.path = "/v1/check";
  const http::HttpResponse answer = Serve(json_request);
  DNC_FUZZ_CHECK(answer.status == 200, "check.txt 0, /v1/check %d",
                 answer.status);
  const nlohmann::json body = nlohmann::json::parse(answer.body);
  DNC_FUZZ_CHECK(body.value("callable", false),
                 "check.txt 0 for a number /v1/check does not call callable");
}

void CheckDncCom(const http::HttpResponse& response) {
  if (response.status != 200 || response.content_type == "application/json") {
    return;
  }
  for (absl::string_view line : absl::StrSplit(response.body, '\n')) {
    if (line.empty()) continue;
    const std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    DNC_FUZZ_CHECK(fields.size() >= 2 && fields[1].size() == 1 &&
                       dnccom::FindResultCode(fields[1][0]) != nullptr,
                   "DNC.com line '%.*s'", static_cast<int>(line.size()),
                   line.data());
    uint64_t e164 = 0;
    if (fields[0].size() == 10 &&
        absl::SimpleAtoi(absl::StrCat("1", fields[0]), &e164) &&
        IsListed(e164)) {
      DNC_FUZZ_CHECK(fields[1] != "C", "listed %llu answered C",
                     static_cast<unsigned long long>(e164));
    }
  }
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnc;
  if (size < 1 || size > (64 << 10)) return 0;
  const uint8_t selector = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  const fuzz::RouteChoice& route =
      fuzz::kRoutes[selector % std::size(fuzz::kRoutes)];
  http::HttpRequest request;
  request.method = route.method;
  request.path = route.path;
  const size_t first = rest.find('\0');
  request.query = std::string(rest.substr(0, first));
  if (first != std::string_view::npos) {
    const std::string_view after = rest.substr(first + 1);
    const size_t second = after.find('\0');
    request.body = std::string(after.substr(0, second));
    if (second != std::string_view::npos) {
      const std::string_view header = after.substr(second + 1);
      const size_t colon = header.find(':');
      if (colon != std::string_view::npos) {
        request.headers.push_back(
            {absl::AsciiStrToLower(std::string(header.substr(0, colon))),
             std::string(absl::StripAsciiWhitespace(absl::string_view(
                 header.data() + colon + 1, header.size() - colon - 1)))});
      }
    }
  }
  request.headers.push_back(
      {"content-type",
       fuzz::kContentTypes[(selector >> 3) % std::size(fuzz::kContentTypes)]});
  const http::HttpResponse response = fuzz::Serve(request);
  fuzz::CheckStatusAndShape(response);
  if (request.path == "/v1/check.txt" && request.method == "GET") {
    fuzz::CheckText(request, response);
  } else if (request.path == "/app/main/rpc/scrub") {
    fuzz::CheckDncCom(response);
  } else {
    fuzz::CheckJsonAnswers(request, response);
  }
  return 0;
}
