#include "dnccom/scrub_form.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dnccom/string_views.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"

namespace dnc::dnccom {
namespace {

using service::EchoValue;

constexpr size_t kMaxFields = 64;
constexpr size_t kMaxNameBytes = 64;

enum FieldId { kLoginId, kPhoneList, kVersion, kProjId, kCampaignId, kOutput };
constexpr const char* kNames[] = {"loginId", "phoneList",  "version",
                                  "projId",  "campaignId", "output"};
constexpr int kFieldIds = 6;

// Sets the fields as they are found, refusing a second, different value.
class FieldSetter {
 public:
  explicit FieldSetter(ScrubForm* form) : form_(form) {}

  absl::Status Set(std::string_view name, std::string_view value,
                   const char* where) {
    int id = 0;
    while (id < kFieldIds && name != kNames[id]) ++id;
    if (id == kFieldIds) return absl::OkStatus();  // Not one we read.
    std::string_view* slot = Slot(id);
    if (where_[id] != nullptr) {
      if (*slot == value) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat(kNames[id], " is given twice with different values (",
                       where_[id], " and ", where, "); send it once"));
    }
    where_[id] = where;
    *slot = value;
    if (id == kLoginId) form_->login_id = value;
    return absl::OkStatus();
  }

 private:
  std::string_view* Slot(int id) {
    switch (id) {
      case kLoginId:
        return &login_id_;
      case kPhoneList:
        return &form_->phone_list;
      case kVersion:
        return &form_->version;
      case kProjId:
        return &form_->proj_id;
      case kCampaignId:
        return &form_->campaign_id;
      default:
        return &form_->output;
    }
  }

  ScrubForm* const form_;
  std::string_view login_id_;
  const char* where_[kFieldIds] = {};
};

std::string_view MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && absl::ascii_isspace(type.back())) {
    type.remove_suffix(1);
  }
  while (!type.empty() && absl::ascii_isspace(type.front())) {
    type.remove_prefix(1);
  }
  return type;
}

absl::Status ReadUrlForm(std::string_view text, std::string_view noun,
                         const char* where, http::UrlForm* out,
                         FieldSetter* setter) {
  http::UrlFormLimits limits;
  limits.max_fields = kMaxFields;
  limits.max_name_bytes = kMaxNameBytes;
  limits.max_value_bytes = text.size();  // The body's bound is the server's.
  limits.noun = noun;
  absl::StatusOr<http::UrlForm> parsed = http::UrlForm::Parse(text, limits);
  if (!parsed.ok()) return parsed.status();
  *out = std::move(*parsed);
  for (const http::UrlFormField& field : out->fields()) {
    absl::Status status = setter->Set(field.name, field.value, where);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status ReadJsonBody(std::string_view body, ScrubForm* form,
                          FieldSetter* setter) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError(
        "the application/json body is not a JSON object (expected "
        "{\"phoneList\":\"...\",...})");
  }
  if (json.size() > kMaxFields) {
    return absl::InvalidArgumentError(
        absl::StrCat("the JSON body has more than ", kMaxFields, " members"));
  }
  for (const auto& [name, value] : json.items()) {
    if (value.is_string()) {
      form->json_values.push_back(value.get<std::string>());
    } else if (value.is_number_integer()) {
      form->json_values.push_back(value.dump());
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("JSON member '", EchoValue(name), "' must be a string"));
    }
    absl::Status status =
        setter->Set(name, form->json_values.back(), "the JSON body");
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status ReadMultipartBody(std::string_view content_type,
                               std::string_view body, ScrubForm* form,
                               FieldSetter* setter) {
  absl::StatusOr<std::string_view> boundary = MultipartBoundary(content_type);
  if (!boundary.ok()) return boundary.status();
  absl::StatusOr<MultipartForm> parsed = ParseMultipartForm(body, *boundary);
  if (!parsed.ok()) return parsed.status();
  form->multipart = std::move(*parsed);
  for (const MultipartField& field : form->multipart.fields) {
    absl::Status status =
        setter->Set(field.name, field.value, "the multipart body");
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status ReadBody(const http::HttpRequest& request, ScrubForm* form,
                      FieldSetter* setter) {
  const std::string* content_type = request.FindHeader("content-type");
  const std::string_view type =
      content_type != nullptr ? MediaType(*content_type) : std::string_view();
  if (EqualsIgnoreCase(type, "multipart/form-data")) {
    return ReadMultipartBody(*content_type, request.body, form, setter);
  }
  if (EqualsIgnoreCase(type, "application/x-www-form-urlencoded")) {
    return ReadUrlForm(request.body, "form field", "the form body",
                       &form->url_body, setter);
  }
  if (EqualsIgnoreCase(type, "application/json")) {
    return ReadJsonBody(request.body, form, setter);
  }
  if (request.body.empty()) return absl::OkStatus();
  return absl::UnimplementedError(
      absl::StrCat("Content-Type '", EchoValue(type),
                   "' is not read here: send multipart/form-data, "
                   "application/x-www-form-urlencoded or application/json"));
}

}  // namespace

absl::Status ReadScrubForm(const http::HttpRequest& request, ScrubForm* form) {
  FieldSetter setter(form);
  absl::Status status = ReadUrlForm(request.query, "query parameter",
                                    "the query string", &form->query, &setter);
  if (!status.ok()) return status;
  if (request.method == "POST") {
    status = ReadBody(request, form, &setter);
    if (!status.ok()) return status;
  }
  for (const char* header : {"loginid", "x-api-key"}) {
    const std::string* value = request.FindHeader(header);
    if (value == nullptr) continue;
    status = setter.Set(
        "loginId", *value,
        header[0] == 'l' ? "the loginId header" : "the x-api-key header");
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace dnc::dnccom
