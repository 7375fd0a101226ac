#include "loader/record_parser.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/phone_number.h"
#include "common/status_macros.h"
#include "loader/record_date_format.h"
#include "loader/record_text.h"

namespace dnc::loader {
namespace {

constexpr char kNotANumber[] = "not a phone number";
constexpr char kNotAssignable[] = "not an assignable number";
constexpr char kTooLong[] = "too long to be a phone number";
// The most fields a delimited or fixed-width layout may declare (the parser
// splits a line into a stack array of this size).
constexpr size_t kMaxFields = 32;

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

// The fields that make the number, and the flag and date fields, of a
// delimited, fixed-width, csv or crtc-xml layout. `error` prefixes a
// message with the layout's name.
template <typename Error>
absl::Status CheckFieldRoles(const RecordLayout& layout, int* flags, int* dates,
                             const Error& error) {
  int areas = 0, subscribers = 0, numbers = 0, nationals = 0, digits = 0;
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
        ++*flags;
        break;
      case FieldRole::kDate:
        ++*dates;
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
  return absl::OkStatus();
}

// The add and delete flag values of a layout with a flag field.
template <typename Error>
absl::Status CheckFlagValues(const RecordLayout& layout, const Error& error) {
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
  return absl::OkStatus();
}

// What the layout's shape asks of it: a usable delimiter (delimited, csv),
// distinct column names (csv), columns that do not overlap (fixed width).
template <typename Error>
absl::Status CheckShape(const RecordLayout& layout, const Error& error) {
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
  return absl::OkStatus();
}

// "expected <the layout's shape>", the start of every malformed-record
// message of a layout whose fields are named `names`.
std::string ExpectedText(const RecordLayout& layout,
                         const std::vector<std::string>& names) {
  std::string expected;
  switch (layout.shape) {
    case LayoutShape::kDelimited:
      expected = absl::StrCat(
          "expected ",
          absl::StrJoin(names, layout.delimiter == '\t'
                                   ? std::string("<tab>")
                                   : std::string(1, layout.delimiter)));
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
  return expected;
}

}  // namespace

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
  int flags = 0, dates = 0;
  DNC_RETURN_IF_ERROR(CheckFieldRoles(layout, &flags, &dates, error));
  if (flags > 1 || dates > 1) {
    return error("at most one flag field and one date field");
  }
  if (flags == 1) DNC_RETURN_IF_ERROR(CheckFlagValues(layout, error));
  if (dates == 1) {
    if (absl::Status status = CheckDateFormat(layout.date_format);
        !status.ok()) {
      return error(status.message());
    }
  }
  DNC_RETURN_IF_ERROR(CheckShape(layout, error));
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
  const std::string expected = ExpectedText(layout_, names);
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
    field_messages_.push_back(AddFieldMessages(expected, field, flag_values));
  }
}

RecordParser::FieldMessages RecordParser::AddFieldMessages(
    const std::string& expected, const FieldSpec& field,
    const std::vector<std::string>& flag_values) {
  FieldMessages indexes;
  indexes.bad = messages_.size();
  switch (field.role) {
    case FieldRole::kAreaCode:
    case FieldRole::kSubscriber:
      messages_.push_back(absl::StrCat(expected, " (", field.name, " is not ",
                                       field.digits, " digits)"));
      break;
    case FieldRole::kChangeFlag:
      messages_.push_back(absl::StrCat(expected, " (", field.name,
                                       " is not one of ",
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
  return indexes;
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

LineResult RecordParser::FromParsed(const ParsedNumber& parsed,
                                    uint64_t key) const {
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

LineResult RecordParser::ClassifyKey(uint64_t key) const {
  return FromParsed(ClassifyE164(key), key);
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
  return FromParsed(parsed, parsed.e164);
}

}  // namespace dnc::loader
