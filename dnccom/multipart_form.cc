#include "dnccom/multipart_form.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dnccom/string_views.h"
#include "service/field_rules.h"

namespace dnc::dnccom {
namespace {

using service::EchoValue;

constexpr size_t kMaxBoundaryChars = 70;  // RFC 2046 section 5.1.1.

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 2046 bchars: DIGIT / ALPHA / ' ( ) + _ , - . / : = ? and space (not
// last).
bool IsBoundaryChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// A parameter value at the start of *text: a quoted string (backslash
// escapes the next character; *unescaped gets the value when it had any) or
// a token up to ';'. Consumes it. False for an unterminated quoted string.
bool TakeParamValue(std::string_view* text, std::string_view* value,
                    std::string* unescaped, bool* escaped) {
  *escaped = false;
  if (text->empty() || text->front() != '"') {
    const size_t end = text->find(';');
    *value = TrimSpaces(text->substr(0, end));
    text->remove_prefix(end == std::string_view::npos ? text->size() : end);
    return true;
  }
  unescaped->clear();
  for (size_t i = 1; i < text->size(); ++i) {
    const char c = (*text)[i];
    if (c == '"') {
      *value = *escaped ? std::string_view(*unescaped) : text->substr(1, i - 1);
      text->remove_prefix(i + 1);
      return true;
    }
    if (c == '\\' && i + 1 < text->size()) {
      *escaped = true;
      unescaped->push_back((*text)[++i]);
    } else {
      unescaped->push_back(c);
    }
  }
  return false;
}

std::string PartName(size_t part, std::string_view name) {
  if (name.empty()) return absl::StrCat("multipart part ", part);
  return absl::StrCat("multipart part ", part, " (\"", EchoValue(name), "\")");
}

// Reads `Content-Disposition: form-data; name="..."[; filename="..."]`.
absl::Status ParseDisposition(size_t part, std::string_view value,
                              const MultipartLimits& limits,
                              MultipartField* field, MultipartForm* form) {
  const size_t semi = value.find(';');
  const std::string_view type = TrimSpaces(value.substr(0, semi));
  if (!EqualsIgnoreCase(type, "form-data")) {
    return absl::InvalidArgumentError(
        absl::StrCat(PartName(part, ""), ": Content-Disposition is '",
                     EchoValue(type), "', not form-data"));
  }
  std::string_view rest =
      semi == std::string_view::npos ? std::string_view() : value.substr(semi);
  bool has_name = false;
  std::string unescaped;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // ';'
    rest = TrimSpaces(rest);
    if (rest.empty()) break;
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos ||
        rest.substr(0, eq).find(';') != std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          PartName(part, ""), ": Content-Disposition parameter '",
          EchoValue(rest.substr(0, rest.find(';'))), "' has no '='"));
    }
    const std::string_view param = TrimSpaces(rest.substr(0, eq));
    rest.remove_prefix(eq + 1);
    rest = TrimSpaces(rest);
    std::string_view param_value;
    bool escaped = false;
    if (!TakeParamValue(&rest, &param_value, &unescaped, &escaped)) {
      return absl::InvalidArgumentError(
          absl::StrCat(PartName(part, ""), ": Content-Disposition parameter ",
                       EchoValue(param), " has an unterminated quoted string"));
    }
    rest = TrimSpaces(rest);
    if (!rest.empty() && rest.front() != ';') {
      return absl::InvalidArgumentError(absl::StrCat(
          PartName(part, ""), ": unexpected '", EchoValue(rest),
          "' after Content-Disposition parameter ", EchoValue(param)));
    }
    if (EqualsIgnoreCase(param, "name")) {
      if (has_name) {
        return absl::InvalidArgumentError(absl::StrCat(
            PartName(part, ""), ": Content-Disposition has two names"));
      }
      has_name = true;
      if (param_value.size() > limits.max_name_bytes) {
        return absl::InvalidArgumentError(absl::StrCat(
            PartName(part, ""), ": field name '", EchoValue(param_value),
            "' is longer than ", limits.max_name_bytes, " bytes"));
      }
      if (escaped) {
        form->unescaped_names.push_back(unescaped);
        param_value = form->unescaped_names.back();
      }
      field->name = param_value;
    } else if (EqualsIgnoreCase(param, "filename") ||
               EqualsIgnoreCase(param, "filename*")) {
      field->has_filename = true;
    }
    // Other parameters (RFC 7578 defines none) are read past.
  }
  if (!has_name || field->name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(PartName(part, ""),
                     ": Content-Disposition has no name (expected form-data; "
                     "name=\"FIELD\")"));
  }
  return absl::OkStatus();
}

// Reads the header lines of part `part` starting at *pos, through the empty
// line that ends them.
absl::Status ParseHeaders(std::string_view body, size_t part,
                          const MultipartLimits& limits, size_t* pos,
                          MultipartField* field, MultipartForm* form) {
  const size_t start = *pos;
  bool has_disposition = false;
  for (size_t lines = 0;; ++lines) {
    const size_t eol = body.find("\r\n", *pos);
    const size_t lf = body.find('\n', *pos);
    if (lf != std::string_view::npos &&
        (eol == std::string_view::npos || lf < eol)) {
      return absl::InvalidArgumentError(absl::StrCat(
          PartName(part, field->name),
          ": a header line ends in LF, not CRLF (RFC 7578 requires CRLF)"));
    }
    if (eol == std::string_view::npos ||
        eol + 2 - start > limits.max_header_bytes + 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(PartName(part, field->name),
                       eol == std::string_view::npos
                           ? ": the headers do not end (no empty line)"
                           : absl::StrCat(": the headers are longer than ",
                                          limits.max_header_bytes, " bytes")));
    }
    const std::string_view line = body.substr(*pos, eol - *pos);
    *pos = eol + 2;
    if (line.empty()) break;
    if (lines == limits.max_headers_per_part) {
      return absl::InvalidArgumentError(
          absl::StrCat(PartName(part, field->name), ": more than ",
                       limits.max_headers_per_part, " header lines"));
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || IsSpace(line[0])) {
      return absl::InvalidArgumentError(
          absl::StrCat(PartName(part, field->name), ": header line '",
                       EchoValue(line), "' is not NAME: VALUE"));
    }
    const std::string_view name = line.substr(0, colon);
    if (!EqualsIgnoreCase(name, "content-disposition")) continue;
    if (has_disposition) {
      return absl::InvalidArgumentError(absl::StrCat(
          PartName(part, field->name), ": two Content-Disposition headers"));
    }
    has_disposition = true;
    const absl::Status status = ParseDisposition(
        part, TrimSpaces(line.substr(colon + 1)), limits, field, form);
    if (!status.ok()) return status;
  }
  if (!has_disposition) {
    return absl::InvalidArgumentError(
        absl::StrCat(PartName(part, ""),
                     ": no Content-Disposition header (expected "
                     "Content-Disposition: form-data; name=\"FIELD\")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string_view> MultipartBoundary(
    std::string_view content_type) {
  const size_t semi = content_type.find(';');
  const std::string_view type = TrimSpaces(content_type.substr(0, semi));
  if (!EqualsIgnoreCase(type, "multipart/form-data")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Content-Type '", EchoValue(type), "' is not multipart/form-data"));
  }
  std::string_view rest = semi == std::string_view::npos
                              ? std::string_view()
                              : content_type.substr(semi);
  std::string unescaped;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // ';'
    rest = TrimSpaces(rest);
    const size_t eq = rest.find('=');
    const size_t next = rest.find(';');
    if (eq == std::string_view::npos || eq > next) {
      rest.remove_prefix(next == std::string_view::npos ? rest.size() : next);
      continue;
    }
    const std::string_view param = TrimSpaces(rest.substr(0, eq));
    rest.remove_prefix(eq + 1);
    rest = TrimSpaces(rest);
    std::string_view value;
    bool escaped = false;
    if (!TakeParamValue(&rest, &value, &unescaped, &escaped)) {
      return absl::InvalidArgumentError(
          "Content-Type: the boundary's quoted string does not end");
    }
    if (!EqualsIgnoreCase(param, "boundary")) {
      const size_t skip = rest.find(';');
      rest.remove_prefix(skip == std::string_view::npos ? rest.size() : skip);
      continue;
    }
    bool ok = !escaped && !value.empty() && value.size() <= kMaxBoundaryChars &&
              value.back() != ' ';
    for (const char c : value) ok = ok && IsBoundaryChar(c);
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("Content-Type: boundary '", EchoValue(value),
                       "' is not 1-70 of the characters RFC 2046 allows"));
    }
    return value;
  }
  return absl::InvalidArgumentError(
      "Content-Type multipart/form-data has no boundary parameter");
}

absl::StatusOr<MultipartForm> ParseMultipartForm(
    std::string_view body, std::string_view boundary,
    const MultipartLimits& limits) {
  const std::string dash_boundary = absl::StrCat("--", std::string(boundary));
  const std::string delimiter = absl::StrCat("\r\n", dash_boundary);
  size_t pos = 0;
  if (body.substr(0, dash_boundary.size()) == dash_boundary) {
    pos = dash_boundary.size();
  } else {
    const size_t first = body.find(delimiter);
    if (first == std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "multipart body: no delimiter '", EchoValue(dash_boundary),
          "' (the boundary its Content-Type names)"));
    }
    pos = first + delimiter.size();
  }
  MultipartForm form;
  for (size_t part = 1;; ++part) {
    while (pos < body.size() && IsSpace(body[pos])) ++pos;  // Padding.
    if (body.substr(pos, 2) == "--") return form;  // The close delimiter.
    if (body.substr(pos, 2) != "\r\n") {
      return absl::InvalidArgumentError(absl::StrCat(
          PartName(part, ""),
          pos >= body.size()
              ? ": the body ends after a delimiter (no closing '--')"
              : ": the delimiter line does not end in CRLF"));
    }
    pos += 2;
    if (part > limits.max_parts) {
      return absl::InvalidArgumentError(absl::StrCat(
          "multipart body: more than ", limits.max_parts, " parts"));
    }
    MultipartField field;
    const absl::Status headers =
        ParseHeaders(body, part, limits, &pos, &field, &form);
    if (!headers.ok()) return headers;
    const size_t end = body.find(delimiter, pos);
    if (end == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(PartName(part, field.name), ": no closing delimiter '",
                       EchoValue(dash_boundary), "' (the body is cut short)"));
    }
    field.value = body.substr(pos, end - pos);
    form.fields.push_back(field);
    pos = end + delimiter.size();
  }
}

}  // namespace dnc::dnccom
