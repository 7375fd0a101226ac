#include "http/scrub_request.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/json_parse.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

using nlohmann::json;

// The body is an object of scalars and arrays of scalars.
constexpr size_t kMaxDepth = 2;

const char* TypeName(const json& value) {
  if (value.is_number_unsigned()) return "a non-negative integer";
  if (value.is_number_integer()) return "a negative integer";
  if (value.is_number_float()) return "a number with a fraction or exponent";
  return value.type_name();  // "string", "array", "object", "boolean", ...
}

absl::Status WrongType(std::string_view field, const json& value,
                       std::string_view wanted) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), " is ",
                                                 TypeName(value), "; send ",
                                                 std::string(wanted)));
}

// Reads an array of all strings into *strings or all non-negative integers
// into *integers; `field` names it in errors.
absl::Status ReadScalars(std::string_view field, const json& array,
                         std::string_view wanted,
                         std::vector<std::string>* strings,
                         std::vector<uint64_t>* integers) {
  if (!array.is_array()) return WrongType(field, array, wanted);
  const bool as_strings = !array.empty() && array[0].is_string();
  for (size_t i = 0; i < array.size(); ++i) {
    const json& value = array[i];
    const std::string place = absl::StrCat(std::string(field), "[", i, "]");
    if (as_strings && value.is_string()) {
      strings->push_back(value.get_ref<const std::string&>());
    } else if (!as_strings && value.is_number_unsigned()) {
      integers->push_back(value.get<uint64_t>());
    } else if (value.is_string() || value.is_number_unsigned()) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(field), " mixes strings and integers (",
          std::string(field), "[0] is ", TypeName(array[0]), ", ", place,
          " is ", TypeName(value), "); send them all one way"));
    } else {
      return WrongType(place, value, wanted);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadString(std::string_view field,
                                       const json& value) {
  if (!value.is_string()) return WrongType(field, value, "a string");
  return value.get<std::string>();
}

absl::Status ReadField(const std::string& name, const json& value,
                       ScrubRequestBody* out) {
  if (name == "ids") {
    return ReadScalars("ids", value,
                       "an array of strings or of non-negative integers, one "
                       "per number",
                       &out->string_ids, &out->ids);
  }
  if (name == "purpose") {
    if (value.is_string()) {
      DNC_ASSIGN_OR_RETURN(
          out->purpose,
          ParsePurposeText("purpose", value.get_ref<const std::string&>()));
      return absl::OkStatus();
    }
    if (!value.is_number_integer()) {
      return WrongType("purpose", value, "a name such as \"charity\" or 1-4");
    }
    DNC_ASSIGN_OR_RETURN(out->purpose,
                         CheckPurposeNumber("purpose", value.get<int64_t>()));
    return absl::OkStatus();
  }
  if (name == "now") {
    if (value.is_string()) {
      DNC_ASSIGN_OR_RETURN(
          out->now_unix_seconds,
          ParseNowText("now", value.get_ref<const std::string&>()));
      return absl::OkStatus();
    }
    if (!value.is_number_integer() ||
        (value.is_number_unsigned() &&
         value.get<uint64_t>() > uint64_t{INT64_MAX})) {
      return WrongType("now", value,
                       "unix seconds or an RFC 3339 time as a string");
    }
    DNC_ASSIGN_OR_RETURN(out->now_unix_seconds,
                         CheckNowSeconds("now", value.get<int64_t>()));
    return absl::OkStatus();
  }
  if (name == "sequence") {
    if (!value.is_number_unsigned()) {
      return WrongType("sequence", value, "a non-negative integer");
    }
    out->sequence = value.get<uint64_t>();
    return absl::OkStatus();
  }
  if (name == "job_id") {
    DNC_ASSIGN_OR_RETURN(out->job_id, ReadString("job_id", value));
    return absl::OkStatus();
  }
  if (name == "request_id") {
    DNC_ASSIGN_OR_RETURN(out->request_id, ReadString("request_id", value));
    return absl::OkStatus();
  }
  if (name == "subject") {
    DNC_ASSIGN_OR_RETURN(out->subject, ReadString("subject", value));
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown field \"", service::EchoValue(name),
      "\"; the fields are numbers, ids, purpose, now, job_id, request_id, "
      "subject and sequence"));
}

}  // namespace

service::ScrubCall ScrubCallOf(const ScrubRequestBody& body,
                               std::vector<std::string_view>* raw_views,
                               std::vector<std::string_view>* id_views) {
  raw_views->assign(body.raw.begin(), body.raw.end());
  id_views->assign(body.string_ids.begin(), body.string_ids.end());
  service::ScrubCall call;
  call.method = "Scrub";
  call.e164 = body.e164;
  call.raw = *raw_views;
  call.id_count = body.ids.size();
  call.string_ids = *id_views;
  call.job_id = body.job_id;
  call.request_id = body.request_id;
  call.subject = body.subject;
  call.sequence = body.sequence;
  call.purpose = body.purpose;
  call.now_unix_seconds = body.now_unix_seconds;
  return call;
}

absl::Status ParseScrubRequest(std::string_view text, size_t max_entries,
                               ScrubRequestBody* out) {
  *out = ScrubRequestBody();
  json root;
  DNC_RETURN_IF_ERROR(ParseJson(text, kMaxDepth, &root));
  if (!root.is_object()) {
    return WrongType("the request body", root,
                     "an object such as {\"numbers\": [\"2025551234\"]}");
  }
  const auto numbers = root.find("numbers");
  if (numbers == root.end()) {
    return absl::InvalidArgumentError(
        "field \"numbers\" is required: an array of phone numbers as strings "
        "(\"+1 202-555-1234\") or E.164 integers (12025551234)");
  }
  if (numbers->is_array() && numbers->size() > max_entries) {
    return absl::OutOfRangeError(
        absl::StrCat("numbers has ", numbers->size(),
                     " entries, more than the ", max_entries,
                     " per request this server takes (GET /v1/status: "
                     "max_batch_entries); split the list"));
  }
  DNC_RETURN_IF_ERROR(ReadScalars(
      "numbers", *numbers,
      "an array of strings (\"+1 202-555-1234\") or of E.164 integers "
      "(12025551234)",
      &out->raw, &out->e164));
  for (const auto& [name, value] : root.items()) {
    if (name == "numbers") continue;
    DNC_RETURN_IF_ERROR(ReadField(name, value, out));
  }
  const size_t ids = out->ids.size() + out->string_ids.size();
  if (ids != 0 && ids != out->entries()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ids has ", ids, " values for ", out->entries(),
                     " numbers; send exactly one per number, or none"));
  }
  DNC_RETURN_IF_ERROR(service::CheckEachMaxBytes("ids", out->string_ids,
                                                 service::kMaxCallerIdBytes));
  return absl::OkStatus();
}

}  // namespace dnc::http
