#include "http/list_json.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"

namespace dnc::http {

absl::Status CheckReadOptions(const ListReadOptions& options) {
  return leadlist::CheckInputOptions(options.input);
}

absl::Status ReadHeaderText(std::string_view field, std::string_view text,
                            leadlist::HeaderMode* mode) {
  if (text.empty()) {
    *mode = leadlist::HeaderMode::kAuto;
    return absl::OkStatus();
  }
  if (leadlist::ParseHeaderMode(text, mode)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), " '", service::EchoValue(text),
                   "' is not auto, yes or no (as dnc scrub --header): say "
                   "whether the first row is a header, or auto to detect"));
}

void FormatJson(const leadlist::InputFormat& format, nlohmann::json* out) {
  *out = nlohmann::json::object();
  out->emplace("kind", format.kind);
  out->emplace("encoding", format.encoding);
  out->emplace("delimiter", std::string(1, format.delimiter));
  out->emplace("sheet", format.sheet);
}

void ColumnJson(const leadlist::PhoneColumn& column, nlohmann::json* out) {
  *out = nlohmann::json::object();
  out->emplace("index", column.index);
  out->emplace("name", column.name);
  out->emplace("how", column.how);
}

}  // namespace dnc::http
