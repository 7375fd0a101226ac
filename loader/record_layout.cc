#include "loader/record_layout.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "loader/record_date_format.h"
#include "loader/record_text.h"

namespace dnc::loader {
namespace {

RecordLayout AreaSubscriberLayout(std::string name, LayoutShape shape) {
  RecordLayout layout;
  layout.name = std::move(name);
  layout.shape = shape;
  layout.delimiter = ',';
  layout.fields = {{FieldRole::kAreaCode, 3, "NPA"},
                   {FieldRole::kSubscriber, 7, "NXXXXXX"}};
  layout.national_country_code = 1;
  return layout;
}

// Splits on whitespace outside double quotes; the quotes are kept.
std::vector<std::string_view> SplitTokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size()) break;
    const size_t start = i;
    bool quoted = false;
    while (i < text.size() && (quoted || !IsSpace(text[i]))) {
      if (text[i] == '"') quoted = !quoted;
      ++i;
    }
    tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

bool ParseSmallNumber(std::string_view text, int max, int* out) {
  if (text.empty() || text.size() > 5) return false;
  int value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

// The role names of the "fields" setting, and the name a field of each
// role gets when its token names none.
struct RoleName {
  FieldRole role;
  const char* name;
  const char* default_field_name;
};
constexpr RoleName kRoleNames[] = {
    {FieldRole::kAreaCode, "area", "AREA"},
    {FieldRole::kSubscriber, "subscriber", "SUBSCRIBER"},
    {FieldRole::kNumber, "number", "NUMBER"},
    {FieldRole::kNationalNumber, "national", "NUMBER"},
    {FieldRole::kChangeFlag, "flag", "FLAG"},
    {FieldRole::kDate, "date", "DATE"},
    {FieldRole::kIgnored, "skip", "SKIP"}};

// The name a field gets when its token names none (NANP's for a 3-digit
// area code and a 7-digit subscriber number).
const char* DefaultFieldName(const FieldSpec& spec) {
  if (spec.role == FieldRole::kAreaCode && spec.digits == 3) return "NPA";
  if (spec.role == FieldRole::kSubscriber && spec.digits == 7) {
    return "NXXXXXX";
  }
  for (const RoleName& role : kRoleNames) {
    if (role.role == spec.role) return role.default_field_name;
  }
  return "SKIP";
}

// A token's ":DIGITS" part (without the colon) into `spec`, whose role is
// set. Errors: InvalidArgument starting with `what`.
absl::Status ParseFieldDigits(const std::string& what, std::string_view role,
                              std::string_view digits, FieldSpec* spec) {
  if (spec->role == FieldRole::kAreaCode ||
      spec->role == FieldRole::kSubscriber) {
    int count = 0;
    if (!ParseSmallNumber(digits, 15, &count) || count == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": needs a digit count 1-15, e.g. area:3"));
    }
    spec->digits = static_cast<uint8_t>(count);
  } else if (spec->role == FieldRole::kNationalNumber) {
    const size_t dash = digits.find('-');
    int low = 0, high = 0;
    if (dash == std::string_view::npos ||
        !ParseSmallNumber(digits.substr(0, dash), 14, &low) ||
        !ParseSmallNumber(digits.substr(dash + 1), 14, &high) || low == 0 ||
        low > high) {
      return absl::InvalidArgumentError(
          absl::StrCat(what,
                       ": needs a digit range after the trunk prefix, e.g. "
                       "national:7-10"));
    }
    spec->min_digits = static_cast<uint8_t>(low);
    spec->digits = static_cast<uint8_t>(high);
  } else if (!digits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": role ", Str(role), " takes no digit count"));
  }
  return absl::OkStatus();
}

// A token's "@FROM-TO" part (without the '@') into `spec`. Errors:
// InvalidArgument starting with `what`.
absl::Status ParseFieldColumns(const std::string& what,
                               std::string_view columns, FieldSpec* spec) {
  const size_t dash = columns.find('-');
  int from = 0, to = 0;
  if (dash == std::string_view::npos ||
      !ParseSmallNumber(columns.substr(0, dash), 65535, &from) || from == 0 ||
      (dash + 1 < columns.size() &&
       (!ParseSmallNumber(columns.substr(dash + 1), 65535, &to) ||
        to < from))) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": columns must be @FROM-TO or @FROM- (1-based, inclusive)"));
  }
  spec->column = static_cast<uint16_t>(from - 1);
  spec->width = to == 0 ? 0 : static_cast<uint16_t>(to - from + 1);
  return absl::OkStatus();
}

// One "[NAME=]ROLE[:DIGITS][@FROM-TO]" token.
absl::StatusOr<FieldSpec> ParseFieldToken(std::string_view token) {
  const std::string what = absl::StrCat("field '", Str(token), "'");
  FieldSpec spec;
  std::string_view rest = token;
  std::string name;
  if (!rest.empty() && rest[0] == '"') {
    const size_t close = rest.find('"', 1);
    if (close == std::string_view::npos || close + 1 >= rest.size() ||
        rest[close + 1] != '=') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": a quoted name must be followed by '='"));
    }
    name = Str(rest.substr(1, close - 1));
    rest.remove_prefix(close + 2);
  } else if (const size_t equals = rest.find('=');
             equals != std::string_view::npos) {
    name = Str(rest.substr(0, equals));
    rest.remove_prefix(equals + 1);
  }
  std::string_view columns;
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    columns = rest.substr(at + 1);
    rest = rest.substr(0, at);
  }
  std::string_view digits;
  if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
    digits = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  bool known = false;
  for (const RoleName& role : kRoleNames) {
    if (rest == role.name) {
      spec.role = role.role;
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": unknown role '", Str(rest),
                     "'; roles: area, subscriber, number, national, flag, "
                     "date, skip"));
  }
  DNC_RETURN_IF_ERROR(ParseFieldDigits(what, rest, digits, &spec));
  if (!columns.empty()) {
    DNC_RETURN_IF_ERROR(ParseFieldColumns(what, columns, &spec));
  }
  spec.name = name.empty() ? DefaultFieldName(spec) : std::move(name);
  return spec;
}

std::vector<std::string> SplitValues(std::string_view text) {
  std::vector<std::string> values;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view value = Trim(text.substr(start, end - start));
    if (!value.empty()) values.push_back(Str(value));
    start = end + 1;
  }
  return values;
}

}  // namespace

absl::StatusOr<RecordLayout> LayoutForFormat(std::string_view format) {
  if (format == "ftc-flat" || format == "crtc-flat") {
    return AreaSubscriberLayout(Str(format), LayoutShape::kDelimited);
  }
  if (format == "ftc-change") {
    RecordLayout layout =
        AreaSubscriberLayout(Str(format), LayoutShape::kDelimited);
    layout.fields.push_back({FieldRole::kDate, 0, "DATE"});
    layout.fields.push_back({FieldRole::kChangeFlag, 0, "FLAG"});
    layout.date_format = "%Y-%m-%d %H:%M:%S";
    return layout;
  }
  if (format == "crtc-xml") {
    return AreaSubscriberLayout(Str(format), LayoutShape::kCrtcXml);
  }
  if (format == "uk-tps") {
    RecordLayout layout;
    layout.name = "uk-tps";
    layout.shape = LayoutShape::kFixedWidth;
    // UK national significant numbers have 7 to 10 digits after the 0.
    layout.fields = {{FieldRole::kNationalNumber, 10, "NUMBER", 7, 0, 0}};
    layout.national_country_code = 44;
    layout.trunk_prefix = '0';
    return layout;
  }
  if (format == "lines") {
    RecordLayout layout;
    layout.name = "lines";
    layout.shape = LayoutShape::kWholeLine;
    return layout;
  }
  constexpr std::string_view kCsvPrefix = "csv:";
  if (format.substr(0, kCsvPrefix.size()) == kCsvPrefix &&
      !Trim(format.substr(kCsvPrefix.size())).empty()) {
    RecordLayout layout;
    layout.name = Str(format);
    layout.shape = LayoutShape::kCsv;
    layout.fields = {
        {FieldRole::kNumber, 0, Str(Trim(format.substr(kCsvPrefix.size())))}};
    return layout;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown record format '", Str(format),
                   "'; known formats: ", absl::StrJoin(KnownFormats(), ", ")));
}

std::vector<std::string> KnownFormats() {
  return {"ftc-flat", "ftc-change", "crtc-flat", "crtc-xml",
          "uk-tps",   "lines",      "csv:COLUMN"};
}

absl::Status ApplyLayoutSetting(std::string_view key, std::string_view value,
                                RecordLayout* layout) {
  value = Trim(value);
  auto bad = [&](std::string_view expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("layout setting ", Str(key), " = '", Str(value),
                     "': expected ", Str(expected)));
  };
  if (key == "shape") {
    if (value == "delimited") {
      layout->shape = LayoutShape::kDelimited;
    } else if (value == "fixed") {
      layout->shape = LayoutShape::kFixedWidth;
    } else if (value == "lines") {
      layout->shape = LayoutShape::kWholeLine;
      layout->fields.clear();
    } else if (value == "csv") {
      layout->shape = LayoutShape::kCsv;
    } else if (value == "crtc-xml") {
      layout->shape = LayoutShape::kCrtcXml;
      layout->fields = AreaSubscriberLayout("", LayoutShape::kCrtcXml).fields;
    } else {
      return bad("delimited, fixed, lines, csv or crtc-xml");
    }
  } else if (key == "delimiter") {
    if (value == "tab" || value == "\\t") {
      layout->delimiter = '\t';
    } else if (value.size() == 1 && !IsDigit(value[0]) && value[0] != '"') {
      layout->delimiter = value[0];
    } else {
      return bad("one visible non-digit character, or tab");
    }
  } else if (key == "fields") {
    std::vector<FieldSpec> fields;
    for (const std::string_view token : SplitTokens(value)) {
      absl::StatusOr<FieldSpec> spec = ParseFieldToken(token);
      if (!spec.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("layout setting fields: ", spec.status().message()));
      }
      fields.push_back(*std::move(spec));
    }
    if (fields.empty()) return bad("at least one field");
    layout->fields = std::move(fields);
  } else if (key == "date_format") {
    if (absl::Status status = CheckDateFormat(value); !status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("layout setting date_format: ", status.message()));
    }
    layout->date_format = Str(value);
  } else if (key == "add_flags" || key == "delete_flags") {
    std::vector<std::string> values = SplitValues(value);
    if (values.empty()) return bad("comma-separated flag values, e.g. A");
    (key == "add_flags" ? layout->add_flags : layout->delete_flags) =
        std::move(values);
  } else if (key == "country_code") {
    int code = 0;
    if (!ParseSmallNumber(value, 999, &code) || code == 0) {
      return bad("a calling code 1 to 999");
    }
    layout->national_country_code = static_cast<uint32_t>(code);
  } else if (key == "trunk_prefix") {
    if (value == "none") {
      layout->trunk_prefix = '\0';
    } else if (value.size() == 1 && IsDigit(value[0])) {
      layout->trunk_prefix = value[0];
    } else {
      return bad("one digit, or none");
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown layout setting '", Str(key),
        "'; known: shape, delimiter, fields, date_format, add_flags, "
        "delete_flags, country_code, trunk_prefix"));
  }
  return absl::OkStatus();
}

}  // namespace dnc::loader
