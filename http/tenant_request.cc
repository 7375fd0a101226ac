#include "http/tenant_request.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/error_response.h"
#include "http/json_parse.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

using nlohmann::json;

const char* TypeName(const json& value) {
  if (value.is_number_unsigned()) return "a non-negative integer";
  if (value.is_number_integer()) return "a negative integer";
  if (value.is_number_float()) return "a number with a fraction or exponent";
  return value.type_name();  // "string", "array", "object", "boolean", ...
}

}  // namespace

absl::StatusOr<const tenant::Tenant*> RequireTenantRequest(
    const ApiContext& api, const HttpRequest& request) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  if (tenant == nullptr) {
    return absl::FailedPreconditionError(
        "this dnc-server runs with --auth=none: there are no tenants, so no "
        "internal lists, consents, jobs or reports; run it with --tenants DIR "
        "(and --auth=api_key) to use them");
  }
  if (api.tenants == nullptr) {
    return absl::UnavailableError(
        "this HTTP front end was started without the TenantService; "
        "dnc-server always passes it: report this as a bug");
  }
  return tenant;
}

bool AcceptJsonPost(const HttpRequest& request, std::string_view route,
                    HttpResponse* response) {
  if (!request.query.empty()) {
    SetError(400, "INVALID_ARGUMENT",
             absl::StrCat("POST ", std::string(route),
                          " takes no query parameters: send the fields in the "
                          "JSON body"),
             response);
    return false;
  }
  const std::string* type = request.FindHeader("content-type");
  if (type == nullptr) return true;
  std::string media = type->substr(0, type->find(';'));
  absl::StripAsciiWhitespace(&media);
  absl::AsciiStrToLower(&media);
  if (media == "application/json") return true;
  SetError(415, "INVALID_ARGUMENT",
           absl::StrCat("POST ", std::string(route),
                        " takes a JSON body: send Content-Type: "
                        "application/json"),
           response);
  return false;
}

absl::Status ParseObjectBody(std::string_view body, size_t max_depth,
                             std::initializer_list<std::string_view> fields,
                             json* out) {
  DNC_RETURN_IF_ERROR(ParseJson(body, max_depth, out));
  if (!out->is_object()) {
    return WrongType("the request body", *out, "a JSON object");
  }
  for (const auto& [name, value] : out->items()) {
    bool known = false;
    for (std::string_view field : fields) known |= name == field;
    if (!known) {
      std::string list;
      for (std::string_view field : fields) {
        if (!list.empty()) list += ", ";
        list += field;
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", service::EchoValue(name),
                       "\"; the fields are ", list));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadNumberList(std::string_view field, const json& value,
                            size_t max_entries, NumberList* out) {
  *out = NumberList();
  const std::string_view wanted =
      "an array of strings (\"+1 202-555-1234\") or of E.164 integers "
      "(12025551234)";
  if (!value.is_array()) return WrongType(field, value, wanted);
  if (value.size() > max_entries) {
    return absl::OutOfRangeError(absl::StrCat(
        std::string(field), " has ", value.size(), " entries, more than the ",
        max_entries,
        " per request this server takes (GET /v1/status or /v1/server: "
        "max_batch_entries); split the list"));
  }
  const bool as_strings = !value.empty() && value[0].is_string();
  for (size_t i = 0; i < value.size(); ++i) {
    const json& entry = value[i];
    const std::string place = absl::StrCat(std::string(field), "[", i, "]");
    if (as_strings && entry.is_string()) {
      out->raw.push_back(entry.get_ref<const std::string&>());
    } else if (!as_strings && entry.is_number_unsigned()) {
      out->e164.push_back(entry.get<uint64_t>());
    } else if (entry.is_string() || entry.is_number_unsigned()) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(field), " mixes strings and integers (",
          std::string(field), "[0] is ", TypeName(value[0]), ", ", place,
          " is ", TypeName(entry), "); send them all one way"));
    } else {
      return WrongType(place, entry, wanted);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadOptionalString(const json& object,
                                               std::string_view field) {
  const auto it = object.find(std::string(field));
  if (it == object.end()) return std::string();
  if (!it->is_string()) return WrongType(field, *it, "a string");
  return it->get<std::string>();
}

absl::Status WrongType(std::string_view field, const json& value,
                       std::string_view wanted) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is ",
                                                 TypeName(value), "; send ",
                                                 std::string(wanted)));
}

void SetTenantRouteError(const absl::Status& status, HttpResponse* response) {
  if (status.code() == absl::StatusCode::kOutOfRange) {
    SetError(413, "INVALID_ARGUMENT", std::string(status.message()), response);
    return;
  }
  SetError(status, response);
}

}  // namespace dnc::http
