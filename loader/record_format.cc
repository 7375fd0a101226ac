#include "loader/record_format.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/phone_number.h"

namespace dnc::loader {
namespace {

constexpr char kNotANumber[] = "not a phone number";
constexpr char kNotAssignable[] = "not an assignable number";
constexpr char kTooLong[] = "too long to be a phone number";
// The most fields a delimited or fixed-width layout may declare (the parser
// splits a line into a stack array of this size).
constexpr size_t kMaxFields = 32;

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

uint64_t PowerOfTen(int exponent) {
  uint64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

int DigitCount(uint64_t value) {
  int digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

std::string Str(std::string_view text) { return std::string(text); }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
DayNumber DaysFromCivil(int year, int month, int day) {
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const int yoe = year - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

// "%Y-%m-%d %H:%M:%S" -> "YYYY-MM-DD HH:MM:SS", for messages.
std::string DateFormatExample(std::string_view format) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    switch (format[++i]) {
      case 'Y':
        out += "YYYY";
        break;
      case 'm':
        out += "MM";
        break;
      case 'd':
        out += "DD";
        break;
      case 'H':
        out += "HH";
        break;
      case 'M':
        out += "MM";
        break;
      case 'S':
        out += "SS";
        break;
      default:
        out += format[i];
    }
  }
  return out;
}

// Checks a date_format: only known directives, and a year, month and day.
absl::Status CheckDateFormat(std::string_view format) {
  bool year = false, month = false, day = false;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 == format.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("date format '", Str(format), "' ends with a lone '%'"));
    }
    switch (format[++i]) {
      case 'Y':
        year = true;
        break;
      case 'm':
        month = true;
        break;
      case 'd':
        day = true;
        break;
      case 'H':
      case 'M':
      case 'S':
      case '%':
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "date format '", Str(format), "' has '%", std::string(1, format[i]),
            "'; known: %Y %m %d %H %M %S %%"));
    }
  }
  if (!year || !month || !day) {
    return absl::InvalidArgumentError(
        absl::StrCat("date format '", Str(format), "' needs %Y, %m and %d"));
  }
  return absl::OkStatus();
}

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

const char* RoleName(FieldRole role) {
  switch (role) {
    case FieldRole::kAreaCode:
      return "area";
    case FieldRole::kSubscriber:
      return "subscriber";
    case FieldRole::kNumber:
      return "number";
    case FieldRole::kIgnored:
      return "skip";
    case FieldRole::kNationalNumber:
      return "national";
    case FieldRole::kChangeFlag:
      return "flag";
    case FieldRole::kDate:
      return "date";
  }
  return "?";
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
  static constexpr FieldRole kRoles[] = {
      FieldRole::kAreaCode,       FieldRole::kSubscriber, FieldRole::kNumber,
      FieldRole::kNationalNumber, FieldRole::kChangeFlag, FieldRole::kDate,
      FieldRole::kIgnored};
  bool known = false;
  for (const FieldRole role : kRoles) {
    if (rest == RoleName(role)) {
      spec.role = role;
      known = true;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": unknown role '", Str(rest),
                     "'; roles: area, subscriber, number, national, flag, "
                     "date, skip"));
  }
  const bool counted =
      spec.role == FieldRole::kAreaCode || spec.role == FieldRole::kSubscriber;
  if (counted) {
    int count = 0;
    if (!ParseSmallNumber(digits, 15, &count) || count == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": needs a digit count 1-15, e.g. area:3"));
    }
    spec.digits = static_cast<uint8_t>(count);
  } else if (spec.role == FieldRole::kNationalNumber) {
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
    spec.min_digits = static_cast<uint8_t>(low);
    spec.digits = static_cast<uint8_t>(high);
  } else if (!digits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": role ", Str(rest), " takes no digit count"));
  }
  if (!columns.empty()) {
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
    spec.column = static_cast<uint16_t>(from - 1);
    spec.width = to == 0 ? 0 : static_cast<uint16_t>(to - from + 1);
  }
  if (name.empty()) {
    switch (spec.role) {
      case FieldRole::kAreaCode:
        name = spec.digits == 3 ? "NPA" : "AREA";
        break;
      case FieldRole::kSubscriber:
        name = spec.digits == 7 ? "NXXXXXX" : "SUBSCRIBER";
        break;
      case FieldRole::kNumber:
      case FieldRole::kNationalNumber:
        name = "NUMBER";
        break;
      case FieldRole::kChangeFlag:
        name = "FLAG";
        break;
      case FieldRole::kDate:
        name = "DATE";
        break;
      case FieldRole::kIgnored:
        name = "SKIP";
        break;
    }
  }
  spec.name = std::move(name);
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

std::optional<DayNumber> ParseDateWithFormat(std::string_view text,
                                             std::string_view format) {
  int year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0;
  size_t pos = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    const char f = format[i];
    if (f != '%' || i + 1 == format.size() || format[i + 1] == '%') {
      if (f == '%') ++i;  // "%%" is a literal '%'.
      if (pos >= text.size() || text[pos] != f) return std::nullopt;
      ++pos;
      continue;
    }
    const char directive = format[++i];
    const size_t max_digits = directive == 'Y' ? 4 : 2;
    const size_t min_digits = directive == 'Y' ? 4 : 1;
    int value = 0;
    size_t digits = 0;
    while (digits < max_digits && pos < text.size() && IsDigit(text[pos])) {
      value = value * 10 + (text[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits < min_digits) return std::nullopt;
    switch (directive) {
      case 'Y':
        year = value;
        break;
      case 'm':
        month = value;
        break;
      case 'd':
        day = value;
        break;
      case 'H':
        hour = value;
        break;
      case 'M':
        minute = value;
        break;
      case 'S':
        second = value;
        break;
      default:
        return std::nullopt;
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month) || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  return DaysFromCivil(year, month, day);
}

std::optional<uint32_t> RecordParser::fixed_country_code() const {
  bool fixed = false;
  for (const FieldSpec& field : layout_.fields) {
    // A national-number field also reads international numbers, so only
    // area code + subscriber layouts fix the country.
    if (field.role == FieldRole::kAreaCode) fixed = true;
  }
  if (fixed && layout_.shape != LayoutShape::kWholeLine) {
    return layout_.national_country_code;
  }
  return std::nullopt;
}

std::string RejectReason(RejectClass reject_class, const char* detail) {
  return absl::StrCat(
      reject_class == RejectClass::kInvalid ? "invalid: " : "malformed: ",
      detail != nullptr ? detail : "?");
}

absl::StatusOr<RecordParser> RecordParser::Create(RecordLayout layout) {
  const std::string what = absl::StrCat("record layout '", layout.name, "'");
  auto error = [&what](auto&&... parts) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", parts...));
  };
  if (layout.national_country_code == 0 || layout.national_country_code > 999) {
    return error("country code ", layout.national_country_code,
                 " is not 1 to 999");
  }
  if (layout.shape == LayoutShape::kWholeLine) {
    if (!layout.fields.empty())
      return error("a whole-line layout has no fields");
    return RecordParser(std::move(layout));
  }
  if (layout.fields.size() > kMaxFields) {
    return error("more than ", kMaxFields, " fields");
  }
  int areas = 0, subscribers = 0, numbers = 0, nationals = 0, flags = 0,
      dates = 0, digits = 0;
  bool area_first = true;
  for (const FieldSpec& field : layout.fields) {
    switch (field.role) {
      case FieldRole::kAreaCode:
      case FieldRole::kSubscriber:
        (field.role == FieldRole::kAreaCode ? areas : subscribers) += 1;
        if (field.role == FieldRole::kSubscriber && areas == 0) {
          area_first = false;
        }
        digits += field.digits;
        if (field.digits == 0) {
          return error("field ", field.name, " needs a digit count");
        }
        break;
      case FieldRole::kNumber:
        ++numbers;
        break;
      case FieldRole::kNationalNumber:
        ++nationals;
        if (field.min_digits == 0 || field.min_digits > field.digits) {
          return error("field ", field.name,
                       " needs a digit range (min 1 to max)");
        }
        digits = field.digits;
        break;
      case FieldRole::kChangeFlag:
        ++flags;
        break;
      case FieldRole::kDate:
        ++dates;
        break;
      case FieldRole::kIgnored:
        break;
    }
  }
  const bool split = areas == 1 && subscribers == 1 && numbers == 0 &&
                     nationals == 0 && area_first;
  const bool whole = areas == 0 && subscribers == 0 && numbers + nationals == 1;
  if (!split && !whole) {
    return error(
        "needs one area-code field followed by one subscriber field, or "
        "exactly one number or national-number field");
  }
  if (layout.shape == LayoutShape::kCrtcXml && !split) {
    return error("crtc-xml reads an area code and a subscriber number");
  }
  if (digits + DigitCount(layout.national_country_code) > 15) {
    return error("more than 15 digits in a number");
  }
  if (flags > 1 || dates > 1) {
    return error("at most one flag field and one date field");
  }
  if (flags == 1) {
    if (layout.add_flags.empty() || layout.delete_flags.empty()) {
      return error("a flag field needs add_flags and delete_flags values");
    }
    for (const std::string& add : layout.add_flags) {
      for (const std::string& del : layout.delete_flags) {
        if (EqualsIgnoreCase(add, del)) {
          return error("flag value '", add, "' both adds and deletes");
        }
      }
      if (Trim(add).empty()) return error("an add flag value is empty");
    }
    for (const std::string& del : layout.delete_flags) {
      if (Trim(del).empty()) return error("a delete flag value is empty");
    }
  }
  if (dates == 1) {
    if (absl::Status status = CheckDateFormat(layout.date_format);
        !status.ok()) {
      return error(status.message());
    }
  }
  if (layout.shape == LayoutShape::kDelimited ||
      layout.shape == LayoutShape::kCsv) {
    if (layout.delimiter == '\0' ||
        (IsSpace(layout.delimiter) && layout.delimiter != '\t') ||
        IsDigit(layout.delimiter) || layout.delimiter == '"') {
      return error(
          "the delimiter must be tab or a visible non-digit other than '\"'");
    }
  }
  if (layout.shape == LayoutShape::kCsv) {
    for (size_t i = 0; i < layout.fields.size(); ++i) {
      if (Trim(layout.fields[i].name).empty()) {
        return error("a csv field needs its column name");
      }
      for (size_t j = 0; j < i; ++j) {
        if (EqualsIgnoreCase(layout.fields[i].name, layout.fields[j].name)) {
          return error("column '", layout.fields[i].name, "' named twice");
        }
      }
    }
  }
  if (layout.shape == LayoutShape::kFixedWidth) {
    std::vector<const FieldSpec*> by_column;
    for (const FieldSpec& field : layout.fields) by_column.push_back(&field);
    std::sort(by_column.begin(), by_column.end(),
              [](const FieldSpec* a, const FieldSpec* b) {
                return a->column < b->column;
              });
    for (size_t i = 0; i + 1 < by_column.size(); ++i) {
      const FieldSpec& a = *by_column[i];
      const FieldSpec& b = *by_column[i + 1];
      if (a.width == 0 || a.column + a.width > b.column) {
        return error("fixed-width fields ", a.name, " and ", b.name,
                     " overlap (give each its columns, @FROM-TO)");
      }
    }
  }
  return RecordParser(std::move(layout));
}

RecordParser::RecordParser(RecordLayout layout) : layout_(std::move(layout)) {
  std::vector<std::string> names;
  int subscriber_digits = 0, total_digits = 0;
  for (size_t i = 0; i < layout_.fields.size(); ++i) {
    const FieldSpec& field = layout_.fields[i];
    names.push_back(field.name.empty() ? "?" : field.name);
    if (field.role == FieldRole::kSubscriber) subscriber_digits = field.digits;
    if (field.role == FieldRole::kAreaCode ||
        field.role == FieldRole::kSubscriber) {
      total_digits += field.digits;
    }
    if (field.role == FieldRole::kChangeFlag) flag_field_ = static_cast<int>(i);
    if (field.role == FieldRole::kDate) date_field_ = static_cast<int>(i);
  }
  area_multiplier_ = PowerOfTen(subscriber_digits);
  country_multiplier_ = PowerOfTen(total_digits);
  const std::vector<FieldSpec>& fields = layout_.fields;
  if (layout_.shape == LayoutShape::kDelimited && fields.size() == 2 &&
      fields[0].role == FieldRole::kAreaCode &&
      fields[1].role == FieldRole::kSubscriber) {
    fast_area_digits_ = fields[0].digits;
    fast_size_ = fields[0].digits + 1 + fields[1].digits;
  }
  std::string expected;
  switch (layout_.shape) {
    case LayoutShape::kDelimited:
      expected = absl::StrCat(
          "expected ",
          absl::StrJoin(names, layout_.delimiter == '\t'
                                   ? std::string("<tab>")
                                   : std::string(1, layout_.delimiter)));
      break;
    case LayoutShape::kCsv:
      expected =
          absl::StrCat("expected csv column(s) ", absl::StrJoin(names, ","));
      break;
    case LayoutShape::kCrtcXml:
      expected = absl::StrCat("expected <ac val='", names[0], "'><ph val='",
                              names[1], "'/>");
      break;
    case LayoutShape::kFixedWidth:
    case LayoutShape::kWholeLine:
      expected = absl::StrCat("expected ", absl::StrJoin(names, " "));
      break;
  }
  const std::string delimiter =
      layout_.delimiter == '\t'
          ? std::string("tab")
          : absl::StrCat("'", std::string(1, layout_.delimiter), "'");
  // messages_[0..2]: missing delimiter, too few fields, too many fields.
  wrong_field_count_ = messages_.size();
  messages_.push_back(absl::StrCat(expected, " (no ", delimiter, ")"));
  messages_.push_back(absl::StrCat(expected, " (too few ", delimiter, ")"));
  messages_.push_back(absl::StrCat(expected, " (too many ", delimiter, ")"));
  found_letters_ = messages_.size();
  messages_.push_back(absl::StrCat(expected, " (found letters)"));
  needs_reader_ = messages_.size();
  messages_.push_back(absl::StrCat("format ", layout_.name,
                                   " is read by RecordReader, not per line"));
  std::vector<std::string> flag_values = layout_.add_flags;
  flag_values.insert(flag_values.end(), layout_.delete_flags.begin(),
                     layout_.delete_flags.end());
  for (const FieldSpec& field : layout_.fields) {
    FieldMessages indexes;
    indexes.bad = messages_.size();
    switch (field.role) {
      case FieldRole::kAreaCode:
      case FieldRole::kSubscriber:
        messages_.push_back(absl::StrCat(expected, " (", field.name, " is not ",
                                         field.digits, " digits)"));
        break;
      case FieldRole::kChangeFlag:
        messages_.push_back(
            absl::StrCat(expected, " (", field.name, " is not one of ",
                         absl::StrJoin(flag_values, ", "), ")"));
        break;
      case FieldRole::kDate:
        messages_.push_back(
            absl::StrCat(expected, " (", field.name, " is not a date like ",
                         DateFormatExample(layout_.date_format), ")"));
        break;
      case FieldRole::kNationalNumber: {
        messages_.push_back(
            absl::StrCat(expected, " (", field.name, " is empty)"));
        const std::string trunk = layout_.trunk_prefix == '\0'
                                      ? std::string()
                                      : std::string(1, layout_.trunk_prefix);
        indexes.no_trunk = messages_.size();
        messages_.push_back(absl::StrCat(expected, " (", field.name,
                                         " does not start with ", trunk, ")"));
        indexes.bad_chars = messages_.size();
        messages_.push_back(
            absl::StrCat(expected, " (", field.name,
                         " has characters other than digits and spaces)"));
        indexes.digit_count = messages_.size();
        messages_.push_back(absl::StrCat(
            expected, " (", field.name, " does not have ", field.min_digits,
            " to ", field.digits, " digits",
            trunk.empty() ? "" : absl::StrCat(" after the ", trunk), ")"));
        break;
      }
      case FieldRole::kNumber:
      case FieldRole::kIgnored:
        messages_.push_back(
            absl::StrCat(expected, " (", field.name, " is empty)"));
        break;
    }
    field_messages_.push_back(indexes);
  }
}

LineResult RecordParser::Reject(RejectClass reject_class,
                                const char* detail) const {
  LineResult result;
  result.kind = LineKind::kReject;
  result.reject_class = reject_class;
  result.detail = detail;
  return result;
}

LineResult RecordParser::Parse(std::string_view line) const {
  if (layout_.shape == LayoutShape::kFixedWidth) return ParseFixed(line);
  const std::string_view text = Trim(line);
  if (text.empty()) {
    LineResult result;
    result.kind = LineKind::kBlank;
    return result;
  }
  switch (layout_.shape) {
    case LayoutShape::kWholeLine:
      return ParseNumberText(text);
    case LayoutShape::kDelimited:
      return ParseDelimited(text);
    default:
      return Reject(RejectClass::kMalformed, Message(needs_reader_));
  }
}

LineResult RecordParser::ClassifyKey(uint64_t key) const {
  const ParsedNumber parsed = ClassifyE164(key);
  switch (parsed.number_class) {
    case NumberClass::kValid: {
      LineResult result;
      result.kind = LineKind::kKey;
      result.key = key;
      return result;
    }
    case NumberClass::kInvalid:
      return Reject(RejectClass::kInvalid, parsed.problem != nullptr
                                               ? parsed.problem
                                               : kNotAssignable);
    case NumberClass::kMalformed:
      break;
  }
  return Reject(RejectClass::kMalformed,
                parsed.problem != nullptr ? parsed.problem : kNotANumber);
}

LineResult RecordParser::KeyFromParts(uint64_t area,
                                      uint64_t subscriber) const {
  return ClassifyKey(layout_.national_country_code * country_multiplier_ +
                     area * area_multiplier_ + subscriber);
}

LineResult RecordParser::ParseDelimited(std::string_view text) const {
  if (fast_area_digits_ != 0 && text.size() == fast_size_ &&
      text[fast_area_digits_] == layout_.delimiter) {
    // The common exact shape, e.g. "212,2345678": no spaces to trim.
    uint64_t area = 0, subscriber = 0;
    bool digits = true;
    for (size_t i = 0; i < fast_area_digits_; ++i) {
      const char c = text[i];
      digits &= IsDigit(c);
      area = area * 10 + static_cast<uint64_t>(c - '0');
    }
    for (size_t i = fast_area_digits_ + 1; i < fast_size_; ++i) {
      const char c = text[i];
      digits &= IsDigit(c);
      subscriber = subscriber * 10 + static_cast<uint64_t>(c - '0');
    }
    if (digits) return KeyFromParts(area, subscriber);
  }
  const size_t expected_delimiters = layout_.fields.size() - 1;
  const size_t delimiters = static_cast<size_t>(
      std::count(text.begin(), text.end(), layout_.delimiter));
  if (delimiters != expected_delimiters) {
    const size_t message = delimiters > expected_delimiters ? 2
                           : delimiters == 0                ? 0
                                                            : 1;
    return Reject(RejectClass::kMalformed,
                  Message(wrong_field_count_ + message));
  }
  std::string_view views[kMaxFields];
  size_t start = 0;
  for (size_t i = 0; i < layout_.fields.size(); ++i) {
    size_t end = text.find(layout_.delimiter, start);
    if (end == std::string_view::npos) end = text.size();
    views[i] = text.substr(start, end - start);
    start = end + 1;
  }
  return ParseFields(views, layout_.fields.size());
}

LineResult RecordParser::ParseFixed(std::string_view line) const {
  size_t end = line.size();
  while (end > 0 && IsSpace(line[end - 1])) --end;
  line = line.substr(0, end);
  if (Trim(line).empty()) {
    LineResult result;
    result.kind = LineKind::kBlank;
    return result;
  }
  std::string_view views[kMaxFields];
  for (size_t i = 0; i < layout_.fields.size(); ++i) {
    const FieldSpec& spec = layout_.fields[i];
    if (spec.column < line.size()) {
      views[i] = line.substr(
          spec.column, spec.width == 0 ? std::string_view::npos : spec.width);
    }
  }
  return ParseFields(views, layout_.fields.size());
}

LineResult RecordParser::ParseFields(const std::string_view* fields,
                                     size_t count) const {
  uint64_t area = 0, subscriber = 0;
  std::string_view number_text;
  std::string_view national_text;
  size_t national_field = 0;
  bool has_national = false;
  RecordOp op = RecordOp::kAdd;
  DayNumber date = 0;
  for (size_t i = 0; i < layout_.fields.size(); ++i) {
    const FieldSpec& spec = layout_.fields[i];
    const std::string_view field = i < count ? Trim(fields[i]) : "";
    switch (spec.role) {
      case FieldRole::kIgnored:
        continue;
      case FieldRole::kNumber:
        if (field.empty()) {
          return Reject(RejectClass::kMalformed,
                        Message(field_messages_[i].bad));
        }
        number_text = field;
        continue;
      case FieldRole::kNationalNumber:
        national_text = field;
        national_field = i;
        has_national = true;
        continue;
      case FieldRole::kChangeFlag: {
        bool matched = false;
        for (const std::string& value : layout_.add_flags) {
          if (EqualsIgnoreCase(field, value)) {
            op = RecordOp::kAdd;
            matched = true;
          }
        }
        for (const std::string& value : layout_.delete_flags) {
          if (EqualsIgnoreCase(field, value)) {
            op = RecordOp::kDelete;
            matched = true;
          }
        }
        if (!matched) {
          return Reject(RejectClass::kMalformed,
                        Message(field_messages_[i].bad));
        }
        continue;
      }
      case FieldRole::kDate: {
        const std::optional<DayNumber> day =
            ParseDateWithFormat(field, layout_.date_format);
        if (!day.has_value()) {
          return Reject(RejectClass::kMalformed,
                        Message(field_messages_[i].bad));
        }
        date = *day;
        continue;
      }
      case FieldRole::kAreaCode:
      case FieldRole::kSubscriber:
        break;
    }
    uint64_t value = 0;
    bool ok = field.size() == spec.digits;
    for (char c : field) {
      if (!IsDigit(c)) {
        ok = false;
        break;
      }
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!ok) {
      const bool letters = std::any_of(field.begin(), field.end(), IsLetter);
      return Reject(
          RejectClass::kMalformed,
          letters ? Message(found_letters_) : Message(field_messages_[i].bad));
    }
    (spec.role == FieldRole::kAreaCode ? area : subscriber) = value;
  }
  LineResult result;
  if (!number_text.empty()) {
    result = ParseNumberText(number_text);
  } else if (has_national) {
    result = ParseNational(national_field, national_text);
  } else {
    result = KeyFromParts(area, subscriber);
  }
  if (result.kind == LineKind::kKey) {
    result.op = op;
    result.date = date;
  }
  return result;
}

LineResult RecordParser::ParseNational(size_t field,
                                       std::string_view text) const {
  const FieldSpec& spec = layout_.fields[field];
  const FieldMessages& messages = field_messages_[field];
  if (text.empty())
    return Reject(RejectClass::kMalformed, Message(messages.bad));
  // A number written internationally ("+44 1635 506160", "0044 ...") is
  // unambiguous: read it as such, and let the loader check its country.
  if (text[0] == '+' || (layout_.trunk_prefix != '\0' && text.size() > 1 &&
                         text[0] == '0' && text[1] == '0')) {
    return ParseNumberText(text);
  }
  size_t pos = 0;
  if (layout_.trunk_prefix != '\0') {
    if (text[0] != layout_.trunk_prefix) {
      return Reject(RejectClass::kMalformed, Message(messages.no_trunk));
    }
    pos = 1;
  }
  uint64_t value = 0;
  int digits = 0;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (IsDigit(c)) {
      if (++digits > spec.digits) break;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    } else if (c != ' ') {
      return Reject(RejectClass::kMalformed, Message(messages.bad_chars));
    }
  }
  if (digits < spec.min_digits || digits > spec.digits) {
    return Reject(RejectClass::kMalformed, Message(messages.digit_count));
  }
  return ClassifyKey(layout_.national_country_code * PowerOfTen(digits) +
                     value);
}

LineResult RecordParser::ParseNumberText(std::string_view text) const {
  char buffer[160];
  if (layout_.national_country_code != 1) {
    // National format: a leading trunk prefix ("0" in the UK) stands for
    // "+<country code>"; an international "00" does not.
    size_t i = 0;
    while (i < text.size() &&
           (IsSpace(text[i]) || text[i] == '"' || text[i] == '\'')) {
      ++i;
    }
    const char trunk = layout_.trunk_prefix;
    if (trunk != '\0' && i < text.size() && text[i] == trunk &&
        !(i + 1 < text.size() && text[i + 1] == trunk)) {
      const std::string_view rest = text.substr(i + 1);
      char country[12];
      const int country_size = snprintf(country, sizeof(country), "+%u",
                                        layout_.national_country_code);
      const size_t size = i + static_cast<size_t>(country_size) + rest.size();
      if (size > sizeof(buffer))
        return Reject(RejectClass::kMalformed, kTooLong);
      char* out = buffer;
      std::memcpy(out, text.data(), i);
      out += i;
      std::memcpy(out, country, static_cast<size_t>(country_size));
      out += country_size;
      std::memcpy(out, rest.data(), rest.size());
      text = std::string_view(buffer, size);
    }
  }
  const ParsedNumber parsed = ParsePhoneNumber(text);
  switch (parsed.number_class) {
    case NumberClass::kValid: {
      LineResult result;
      result.kind = LineKind::kKey;
      result.key = parsed.e164;
      return result;
    }
    case NumberClass::kInvalid:
      return Reject(RejectClass::kInvalid, parsed.problem != nullptr
                                               ? parsed.problem
                                               : kNotAssignable);
    case NumberClass::kMalformed:
      break;
  }
  return Reject(RejectClass::kMalformed,
                parsed.problem != nullptr ? parsed.problem : kNotANumber);
}

}  // namespace dnc::loader
