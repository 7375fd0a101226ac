#include "http/check_query.h"

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

constexpr std::string_view kParameters[] = {"phone",   "e164",   "purpose",
                                            "now",     "id",     "request_id",
                                            "subject", "api_key"};

absl::Status CheckNames(const UrlForm& form, bool allow_api_key) {
  for (const UrlFormField& field : form.fields()) {
    bool known = false;
    for (std::string_view name : kParameters) known |= field.name == name;
    if (field.name == "api_key" && !allow_api_key) {
      return absl::InvalidArgumentError(
          "query parameter 'api_key' is not taken here: send the key in the "
          "x-api-key header");
    }
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown query parameter '", service::EchoValue(field.name),
          "'; the parameters are phone (or e164), purpose, now, id, "
          "request_id and subject"));
    }
  }
  return absl::OkStatus();
}

// The value of `name` sent at most once, or "" when absent.
absl::StatusOr<std::string> Optional(const UrlForm& form,
                                     std::string_view name) {
  DNC_ASSIGN_OR_RETURN(const std::string* value, form.FindUnique(name));
  return value == nullptr ? std::string() : *value;
}

}  // namespace

service::CheckCall CheckQuery::Call() const {
  service::CheckCall call;
  call.has_e164 = has_e164;
  call.e164 = e164;
  call.raw = phone;
  call.id = id;
  call.request_id = request_id;
  call.subject = subject;
  call.purpose = purpose;
  call.now_unix_seconds = now_unix_seconds;
  return call;
}

UrlFormLimits CheckQueryLimits() {
  UrlFormLimits limits;
  limits.max_fields = 16;
  limits.max_name_bytes = 32;
  limits.max_value_bytes = 1024;
  limits.noun = "query parameter";
  return limits;
}

absl::StatusOr<CheckQuery> ReadCheckQuery(const UrlForm& form,
                                          bool allow_api_key) {
  DNC_RETURN_IF_ERROR(CheckNames(form, allow_api_key));
  CheckQuery query;
  DNC_ASSIGN_OR_RETURN(const std::string* phone, form.FindUnique("phone"));
  DNC_ASSIGN_OR_RETURN(const std::string* e164, form.FindUnique("e164"));
  if (phone != nullptr && e164 != nullptr) {
    return absl::InvalidArgumentError(
        "query parameters 'phone' and 'e164' are both sent; send one number");
  }
  if (phone == nullptr && e164 == nullptr) {
    return absl::InvalidArgumentError(
        "query parameter 'phone' is required (e.g. phone=2025551234 or "
        "phone=%2B12025551234), or 'e164' (e.g. e164=12025551234)");
  }
  if (e164 != nullptr) {
    query.has_e164 = true;
    DNC_ASSIGN_OR_RETURN(query.e164, ParseUnsignedText("e164", *e164));
  } else {
    query.phone = *phone;
  }
  DNC_ASSIGN_OR_RETURN(query.id, Optional(form, "id"));
  DNC_RETURN_IF_ERROR(
      service::CheckMaxBytes("id", query.id, service::kMaxCallerIdBytes));
  DNC_ASSIGN_OR_RETURN(query.request_id, Optional(form, "request_id"));
  DNC_ASSIGN_OR_RETURN(query.subject, Optional(form, "subject"));
  DNC_ASSIGN_OR_RETURN(const std::string purpose, Optional(form, "purpose"));
  DNC_ASSIGN_OR_RETURN(query.purpose, ParsePurposeText("purpose", purpose));
  DNC_ASSIGN_OR_RETURN(const std::string now, Optional(form, "now"));
  DNC_ASSIGN_OR_RETURN(query.now_unix_seconds, ParseNowText("now", now));
  return query;
}

}  // namespace dnc::http
