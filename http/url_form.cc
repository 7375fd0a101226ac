#include "http/url_form.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one name or value; `what` names it in errors.
absl::Status DecodePart(std::string_view raw, size_t max_bytes,
                        const std::string& what, std::string* out) {
  // A decoded part is never longer than its raw text, and never shorter
  // than a third of it: refuse what cannot fit before decoding it.
  if (raw.size() > 3 * max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is longer than the ", max_bytes,
                     " bytes allowed ('", service::EchoValue(raw), "')"));
  }
  out->clear();
  if (!PercentDecode(raw, out)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " has a '%' not followed by two hex digits ('",
        service::EchoValue(raw), "'); encode a literal '%' as %25"));
  }
  if (out->size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is ", out->size(), " bytes; at most ", max_bytes,
                     " are allowed ('", service::EchoValue(*out), "')"));
  }
  return absl::OkStatus();
}

}  // namespace

bool PercentDecode(std::string_view text, std::string* out) {
  out->reserve(out->size() + text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c != '%') {
      out->push_back(c);
    } else {
      if (i + 2 >= text.size()) return false;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return false;
      out->push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
  return true;
}

absl::StatusOr<UrlForm> UrlForm::Parse(std::string_view text,
                                       const UrlFormLimits& limits) {
  UrlForm form;
  form.noun_ = std::string(limits.noun);
  const std::string& noun = form.noun_;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view segment = text.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) continue;
    if (form.fields_.size() == limits.max_fields) {
      return absl::InvalidArgumentError(
          absl::StrCat("more than ", limits.max_fields, " ", noun,
                       "s; at most ", limits.max_fields, " are allowed"));
    }
    const size_t equals = segment.find('=');
    const std::string_view raw_name = segment.substr(0, equals);
    const std::string_view raw_value = equals == std::string_view::npos
                                           ? std::string_view()
                                           : segment.substr(equals + 1);
    UrlFormField field;
    const absl::Status name = DecodePart(
        raw_name, limits.max_name_bytes,
        absl::StrCat("the name of ", noun, " ", form.fields_.size() + 1),
        &field.name);
    if (!name.ok()) return name;
    const absl::Status value = DecodePart(
        raw_value, limits.max_value_bytes,
        absl::StrCat(noun, " '", service::EchoValue(field.name), "'"),
        &field.value);
    if (!value.ok()) return value;
    form.fields_.push_back(std::move(field));
  }
  return form;
}

const std::string* UrlForm::Find(std::string_view name) const {
  for (const UrlFormField& field : fields_)
    if (field.name == name) return &field.value;
  return nullptr;
}

absl::StatusOr<const std::string*> UrlForm::FindUnique(
    std::string_view name) const {
  const std::string* found = nullptr;
  for (const UrlFormField& field : fields_) {
    if (field.name != name) continue;
    if (found != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(noun_, " '", service::EchoValue(name),
                       "' is sent more than once; send it once"));
    }
    found = &field.value;
  }
  return found;
}

}  // namespace dnc::http
