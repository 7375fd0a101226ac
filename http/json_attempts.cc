// POST /v1/attempts/record and POST /v1/attempts/list: the tenant's call
// attempts (http/json_tenant_api.h), answered by the TenantService's own
// bodies so an attempt is accepted, refused and stored exactly as over
// gRPC. Check and Scrub count them against the call-frequency caps.
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "dnc/v1/tenant.pb.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/json_tenant_api.h"
#include "http/tenant_request.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"
#include "service/tenant_service.h"

namespace dnc::http {
namespace {

using Json = nlohmann::json;

// record's attempts are objects one level below the body.
constexpr size_t kMaxAttemptDepth = 3;
constexpr size_t kMaxListDepth = 2;

void SetJsonBody(const Json& body, HttpResponse* response) {
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(body);
}

// A time field: Unix seconds (an integer) or RFC 3339 text; absent = 0.
absl::StatusOr<int64_t> ReadTime(const Json& value, std::string_view where) {
  if (value.is_number_integer()) {
    const int64_t seconds = value.get<int64_t>();
    if (seconds < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(where), " is ", seconds, "; send a Unix second"));
    }
    return seconds;
  }
  if (!value.is_string()) {
    return WrongType(where, value,
                     "Unix seconds or RFC 3339 text (2026-12-03T14:05:00Z)");
  }
  const std::string text = value.get<std::string>();
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), " '", service::EchoValue(text),
                     "' is not RFC 3339 time (2026-12-03T14:05:00Z): ", error));
  }
  // Sub-second attempts keep their second: the caps are exact to the
  // second, and a dialer's clock is no finer.
  return absl::ToUnixSeconds(time);
}

absl::Status ReadAttempt(size_t i, const Json& in, v1::Attempt* out) {
  const std::string place = absl::StrCat("attempts[", i, "]");
  if (!in.is_object()) {
    return WrongType(place, in,
                     "an object {\"number\", \"subject\", \"time\"}");
  }
  bool has_number = false;
  for (const auto& [name, field] : in.items()) {
    const std::string where = absl::StrCat(place, ".", name);
    if (name == "number") {
      has_number = true;
      if (field.is_string()) {
        out->set_raw(field.get<std::string>());
      } else if (field.is_number_unsigned()) {
        out->set_e164(field.get<uint64_t>());
      } else {
        return WrongType(where, field,
                         "a string (\"+1 305-555-0100\") or an E.164 integer");
      }
    } else if (name == "subject") {
      if (!field.is_string()) return WrongType(where, field, "a string");
      out->set_subject(field.get<std::string>());
    } else if (name == "time") {
      DNC_ASSIGN_OR_RETURN(const int64_t seconds, ReadTime(field, where));
      out->set_unix_seconds(seconds);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", service::EchoValue(name), "\" in ",
                       place, "; the fields are number, subject and time"));
    }
  }
  if (!has_number) {
    return absl::InvalidArgumentError(
        absl::StrCat(place, ".number is required"));
  }
  return absl::OkStatus();
}

absl::Status AnswerRecord(const ApiContext& api, const HttpRequest& request,
                          HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       RequireTenantRequest(api, request));
  constexpr char kRoute[] = "/v1/attempts/record";
  if (!AcceptJsonPost(request, kRoute, response)) return absl::OkStatus();
  Json body;
  DNC_RETURN_IF_ERROR(
      ParseObjectBody(request.body, kMaxAttemptDepth, {"attempts"}, &body));
  const auto attempts = body.find("attempts");
  if (attempts == body.end()) {
    return absl::InvalidArgumentError(
        "field \"attempts\" is required: an array of {\"number\", "
        "\"subject\", \"time\"} objects");
  }
  if (!attempts->is_array()) {
    return WrongType("attempts", *attempts, "an array of objects");
  }
  const size_t max_entries = api.calls->max_batch_entries();
  if (attempts->size() > max_entries) {
    return absl::OutOfRangeError(absl::StrCat(
        "attempts has ", attempts->size(), " entries, more than the ",
        max_entries,
        " per request this server takes (GET /v1/server: max_batch_entries); "
        "split the list"));
  }
  v1::AttemptRequest call;
  for (size_t i = 0; i < attempts->size(); ++i) {
    DNC_RETURN_IF_ERROR(ReadAttempt(i, (*attempts)[i], call.add_attempts()));
  }
  v1::AttemptResponse answer;
  DNC_RETURN_IF_ERROR(api.tenants->RecordAttempts(*tenant, call, &answer));
  Json rejected = Json::array();
  for (const std::string& why : answer.rejected()) rejected.push_back(why);
  SetJsonBody(
      Json{{"recorded", answer.recorded()}, {"rejected", std::move(rejected)}},
      response);
  return absl::OkStatus();
}

absl::Status AnswerList(const ApiContext& api, const HttpRequest& request,
                        HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       RequireTenantRequest(api, request));
  constexpr char kRoute[] = "/v1/attempts/list";
  if (!AcceptJsonPost(request, kRoute, response)) return absl::OkStatus();
  Json body;
  DNC_RETURN_IF_ERROR(ParseObjectBody(request.body, kMaxListDepth,
                                      {"numbers", "since"}, &body));
  const auto numbers_field = body.find("numbers");
  if (numbers_field == body.end()) {
    return absl::InvalidArgumentError(
        "field \"numbers\" is required: an array of phone numbers as strings "
        "(\"+1 305-555-0100\") or E.164 integers (13055550100)");
  }
  NumberList numbers;
  DNC_RETURN_IF_ERROR(ReadNumberList("numbers", *numbers_field,
                                     api.calls->max_batch_entries(), &numbers));
  v1::AttemptListRequest call;
  for (const std::string& raw : numbers.raw) call.add_raw(raw);
  for (uint64_t e164 : numbers.e164) call.add_e164(e164);
  if (const auto since = body.find("since"); since != body.end()) {
    DNC_ASSIGN_OR_RETURN(const int64_t seconds, ReadTime(*since, "since"));
    call.set_since_unix_seconds(seconds);
  }
  v1::AttemptListResponse answer;
  DNC_RETURN_IF_ERROR(api.tenants->ListAttempts(*tenant, call, &answer));
  Json attempts = Json::array();
  for (const v1::Attempt& attempt : answer.attempts()) {
    attempts.push_back(Json{{"e164", attempt.e164()},
                            {"subject", attempt.subject()},
                            {"time", attempt.time()}});
  }
  Json rejected = Json::array();
  for (const std::string& why : answer.rejected()) {
    rejected.push_back(absl::StrCat("numbers", why.substr(3)));  // "raw[N]".
  }
  SetJsonBody(Json{{"attempts", std::move(attempts)},
                   {"truncated", answer.truncated()},
                   {"rejected", std::move(rejected)}},
              response);
  return absl::OkStatus();
}

template <typename Answer>
void Serve(const Answer& answer, HttpResponse* response) {
  const absl::Status status = answer();
  if (!status.ok()) SetTenantRouteError(status, response);
}

}  // namespace

void ServeAttemptsRecord(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response) {
  Serve([&] { return AnswerRecord(api, request, response); }, response);
}

void ServeAttemptsList(const ApiContext& api, const HttpRequest& request,
                       HttpResponse* response) {
  Serve([&] { return AnswerList(api, request, response); }, response);
}

}  // namespace dnc::http
