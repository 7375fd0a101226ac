// GET /v1/whoami, POST /v1/optouts/{add,remove,check} and POST
// /v1/consents/{add,revoke,list}: the tenant's identity, internal list and
// consent records (http/json_tenant_api.h), answered by the TenantService's
// own bodies so a number is accepted, rejected and stored exactly as over
// gRPC.
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "dnc/v1/tenant.pb.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/json_tenant_api.h"
#include "http/tenant_request.h"
#include "nlohmann/json.hpp"
#include "policy/policy.h"
#include "service/field_rules.h"
#include "service/tenant_service.h"

namespace dnc::http {
namespace {

using Json = nlohmann::json;
using service::TenantServiceImpl;

// Bodies: an object of scalars and arrays of scalars; consents/add's
// records are objects one level deeper.
constexpr size_t kMaxDepth = 2;
constexpr size_t kMaxConsentDepth = 3;

// A route's answer on *response, or the error it failed with.
template <typename Answer>
void Serve(const Answer& answer, HttpResponse* response) {
  const absl::Status status = answer();
  if (!status.ok()) SetTenantRouteError(status, response);
}

void SetJsonBody(const Json& body, HttpResponse* response) {
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(body);
}

// "purchase", "inquiry", "written": the names the routes take and answer.
const char* ConsentTypeWord(int type) {
  switch (type) {
    case v1::CONSENT_PURCHASE:
      return "purchase";
    case v1::CONSENT_INQUIRY:
      return "inquiry";
    case v1::CONSENT_WRITTEN:
      return "written";
    default:
      return "unspecified";
  }
}

// Also "written-consent" (what `dnc consent` prints) and gRPC's enum names.
bool ParseConsentTypeWord(std::string_view text, v1::ConsentType* type) {
  policy::ConsentType parsed;
  if (absl::EqualsIgnoreCase(absl::string_view(text.data(), text.size()),
                             "written")) {
    *type = v1::CONSENT_WRITTEN;
    return true;
  }
  if (policy::ParseConsentType(text, &parsed)) {
    *type = static_cast<v1::ConsentType>(parsed);
    return true;
  }
  v1::ConsentType named;
  if (v1::ConsentType_Parse(std::string(text), &named) &&
      named != v1::CONSENT_TYPE_UNSPECIFIED) {
    *type = named;
    return true;
  }
  return false;
}

Json EntitlementJson(const tenant::Entitlement& entitlement) {
  Json codes = Json::array();
  for (uint32_t code : entitlement.area_codes) codes.push_back(code);
  return Json{{"source", entitlement.source},
              {"all_area_codes", entitlement.all_area_codes},
              {"area_codes", std::move(codes)}};
}

absl::Status AnswerWhoAmI(const ApiContext& api, const HttpRequest& request,
                          HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       RequireTenantRequest(api, request));
  if (!request.query.empty()) {
    return absl::InvalidArgumentError(
        "GET /v1/whoami takes no query parameters");
  }
  Json entitlements = Json::array();
  for (const tenant::Entitlement& entitlement : tenant->entitlements()) {
    entitlements.push_back(EntitlementJson(entitlement));
  }
  SetJsonBody(
      Json{{"tenant", tenant->name()},
           {"default_purpose", policy::PurposeName(tenant->default_purpose())},
           {"entitlements", std::move(entitlements)},
           {"opt_out_count", tenant->opt_out_count()},
           {"consent_count", tenant->consent_count()}},
      response);
  return absl::OkStatus();
}

// The numbers field, required.
absl::Status ReadRequiredNumbers(const ApiContext& api, const Json& body,
                                 NumberList* numbers) {
  const auto it = body.find("numbers");
  if (it == body.end()) {
    return absl::InvalidArgumentError(
        "field \"numbers\" is required: an array of phone numbers as strings "
        "(\"+1 202-555-1234\") or E.164 integers (12025551234)");
  }
  return ReadNumberList("numbers", *it, api.calls->max_batch_entries(),
                        numbers);
}

absl::Status AnswerOptOuts(TenantServiceImpl::OptOutOp op,
                           std::string_view route, const ApiContext& api,
                           const HttpRequest& request, HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       RequireTenantRequest(api, request));
  if (!AcceptJsonPost(request, route, response)) return absl::OkStatus();
  Json body;
  if (op == TenantServiceImpl::OptOutOp::kAdd) {
    DNC_RETURN_IF_ERROR(ParseObjectBody(request.body, kMaxDepth,
                                        {"numbers", "note", "date"}, &body));
  } else {
    DNC_RETURN_IF_ERROR(
        ParseObjectBody(request.body, kMaxDepth, {"numbers"}, &body));
  }
  NumberList numbers;
  DNC_RETURN_IF_ERROR(ReadRequiredNumbers(api, body, &numbers));
  v1::OptOutRequest call;
  for (const std::string& raw : numbers.raw) call.add_raw(raw);
  for (uint64_t e164 : numbers.e164) call.add_e164(e164);
  DNC_ASSIGN_OR_RETURN(*call.mutable_note(), ReadOptionalString(body, "note"));
  DNC_ASSIGN_OR_RETURN(*call.mutable_date(), ReadOptionalString(body, "date"));
  v1::OptOutResponse answer;
  DNC_RETURN_IF_ERROR(api.tenants->OptOuts(op, *tenant, call, &answer));
  // The body answers in request order (its numbers are all strings or all
  // integers, so raw-after-e164 is request order too).
  const Json& sent = body["numbers"];
  Json results = Json::array();
  for (int i = 0; i < answer.states_size(); ++i) {
    results.push_back(Json{{"number", sent[static_cast<size_t>(i)]},
                           {"state", v1::OptOutState_Name(answer.states(i))},
                           {"e164", answer.e164(i)},
                           {"added_date", answer.added_date(i)},
                           {"detail", answer.detail(i)}});
  }
  SetJsonBody(
      Json{{"results", std::move(results)}, {"list_size", answer.list_size()}},
      response);
  return absl::OkStatus();
}

// One consents/add record: {"number", "type", "date", "note"}.
absl::Status ReadConsentRecord(size_t i, const Json& value,
                               v1::ConsentRecord* out) {
  const std::string place = absl::StrCat("records[", i, "]");
  if (!value.is_object()) {
    return WrongType(place, value,
                     "an object such as {\"number\": \"2025551234\", "
                     "\"type\": \"purchase\", \"date\": \"2026-11-01\"}");
  }
  bool has_number = false, has_type = false;
  for (const auto& [name, field] : value.items()) {
    const std::string where = absl::StrCat(place, ".", name);
    if (name == "number") {
      has_number = true;
      if (field.is_string()) {
        out->set_raw(field.get<std::string>());
      } else if (field.is_number_unsigned()) {
        out->set_e164(field.get<uint64_t>());
      } else {
        return WrongType(where, field,
                         "a phone number as a string or an E.164 integer");
      }
    } else if (name == "type") {
      has_type = true;
      if (!field.is_string()) {
        return WrongType(where, field,
                         "\"purchase\", \"inquiry\" or "
                         "\"written\"");
      }
      v1::ConsentType type;
      if (!ParseConsentTypeWord(field.get_ref<const std::string&>(), &type)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, " \"", service::EchoValue(field.get<std::string>()),
            "\" is not a consent type; use purchase, inquiry or written"));
      }
      out->set_type(type);
    } else if (name == "date" || name == "note") {
      if (!field.is_string()) return WrongType(where, field, "a string");
      if (name == "date") {
        out->set_date(field.get<std::string>());
      } else {
        out->set_note(field.get<std::string>());
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", service::EchoValue(name), "\" in ",
                       place, "; the fields are number, type, date and note"));
    }
  }
  if (!has_number) {
    return absl::InvalidArgumentError(
        absl::StrCat(place, ".number is required"));
  }
  if (!has_type) {
    return absl::InvalidArgumentError(
        absl::StrCat(place, ".type is required: purchase, inquiry or written"));
  }
  return absl::OkStatus();
}

absl::Status AnswerConsents(TenantServiceImpl::ConsentOp op,
                            std::string_view route, const ApiContext& api,
                            const HttpRequest& request,
                            HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       RequireTenantRequest(api, request));
  if (!AcceptJsonPost(request, route, response)) return absl::OkStatus();
  Json body;
  v1::ConsentRequest call;
  const size_t max_entries = api.calls->max_batch_entries();
  if (op == TenantServiceImpl::ConsentOp::kAdd) {
    DNC_RETURN_IF_ERROR(
        ParseObjectBody(request.body, kMaxConsentDepth, {"records"}, &body));
    const auto records = body.find("records");
    if (records == body.end()) {
      return absl::InvalidArgumentError(
          "field \"records\" is required: an array of {\"number\", \"type\", "
          "\"date\", \"note\"} objects");
    }
    if (!records->is_array()) {
      return WrongType("records", *records, "an array of objects");
    }
    if (records->size() > max_entries) {
      return absl::OutOfRangeError(
          absl::StrCat("records has ", records->size(),
                       " entries, more than the ", max_entries,
                       " per request this server takes (GET /v1/server: "
                       "max_batch_entries); split the list"));
    }
    for (size_t i = 0; i < records->size(); ++i) {
      DNC_RETURN_IF_ERROR(
          ReadConsentRecord(i, (*records)[i], call.add_records()));
    }
  } else {
    if (op == TenantServiceImpl::ConsentOp::kRevoke) {
      DNC_RETURN_IF_ERROR(
          ParseObjectBody(request.body, kMaxDepth, {"numbers", "date"}, &body));
    } else {
      DNC_RETURN_IF_ERROR(
          ParseObjectBody(request.body, kMaxDepth, {"numbers"}, &body));
    }
    NumberList numbers;
    DNC_RETURN_IF_ERROR(ReadRequiredNumbers(api, body, &numbers));
    for (const std::string& raw : numbers.raw) {
      call.add_records()->set_raw(raw);
    }
    for (uint64_t e164 : numbers.e164) call.add_records()->set_e164(e164);
    DNC_ASSIGN_OR_RETURN(*call.mutable_date(),
                         ReadOptionalString(body, "date"));
  }
  v1::ConsentResponse answer;
  DNC_RETURN_IF_ERROR(api.tenants->Consents(op, *tenant, call, &answer));
  Json records = Json::array();
  for (const v1::ConsentRecord& record : answer.records()) {
    records.push_back(Json{{"e164", record.e164()},
                           {"type", ConsentTypeWord(record.type())},
                           {"date", record.date()},
                           {"note", record.note()},
                           {"revoked_date", record.revoked_date()}});
  }
  Json rejected = Json::array();
  for (const std::string& why : answer.rejected()) {
    // The body names an entry records[i]; revoke and list were sent
    // numbers[i].
    if (op != TenantServiceImpl::ConsentOp::kAdd &&
        absl::StartsWith(why, "records[")) {
      rejected.push_back(absl::StrCat("numbers[", why.substr(8)));
    } else {
      rejected.push_back(why);
    }
  }
  SetJsonBody(Json{{"records", std::move(records)},
                   {"rejected", std::move(rejected)},
                   {"total_records", answer.total_records()}},
              response);
  return absl::OkStatus();
}

}  // namespace

void ServeWhoAmI(const ApiContext& api, const HttpRequest& request,
                 HttpResponse* response) {
  Serve([&] { return AnswerWhoAmI(api, request, response); }, response);
}

void ServeOptOutsAdd(const ApiContext& api, const HttpRequest& request,
                     HttpResponse* response) {
  Serve(
      [&] {
        return AnswerOptOuts(TenantServiceImpl::OptOutOp::kAdd,
                             "/v1/optouts/add", api, request, response);
      },
      response);
}

void ServeOptOutsRemove(const ApiContext& api, const HttpRequest& request,
                        HttpResponse* response) {
  Serve(
      [&] {
        return AnswerOptOuts(TenantServiceImpl::OptOutOp::kRemove,
                             "/v1/optouts/remove", api, request, response);
      },
      response);
}

void ServeOptOutsCheck(const ApiContext& api, const HttpRequest& request,
                       HttpResponse* response) {
  Serve(
      [&] {
        return AnswerOptOuts(TenantServiceImpl::OptOutOp::kCheck,
                             "/v1/optouts/check", api, request, response);
      },
      response);
}

void ServeConsentsAdd(const ApiContext& api, const HttpRequest& request,
                      HttpResponse* response) {
  Serve(
      [&] {
        return AnswerConsents(TenantServiceImpl::ConsentOp::kAdd,
                              "/v1/consents/add", api, request, response);
      },
      response);
}

void ServeConsentsRevoke(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response) {
  Serve(
      [&] {
        return AnswerConsents(TenantServiceImpl::ConsentOp::kRevoke,
                              "/v1/consents/revoke", api, request, response);
      },
      response);
}

void ServeConsentsList(const ApiContext& api, const HttpRequest& request,
                       HttpResponse* response) {
  Serve(
      [&] {
        return AnswerConsents(TenantServiceImpl::ConsentOp::kList,
                              "/v1/consents/list", api, request, response);
      },
      response);
}

}  // namespace dnc::http
