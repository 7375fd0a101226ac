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

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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

RecordLayout FtcFlatLayout(std::string name) {
  RecordLayout layout;
  layout.name = std::move(name);
  layout.shape = LayoutShape::kDelimited;
  layout.delimiter = ',';
  layout.fields = {{FieldRole::kAreaCode, 3, "NPA"},
                   {FieldRole::kSubscriber, 7, "NXXXXXX"}};
  layout.national_country_code = 1;
  return layout;
}

}  // namespace

absl::StatusOr<RecordLayout> LayoutForFormat(std::string_view format) {
  if (format == "ftc-flat" || format == "crtc-flat") {
    return FtcFlatLayout(std::string(format));
  }
  if (format == "lines") {
    RecordLayout layout;
    layout.name = "lines";
    layout.shape = LayoutShape::kWholeLine;
    return layout;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown record format '", std::string(format),
                   "'; known formats: ", absl::StrJoin(KnownFormats(), ", ")));
}

std::vector<std::string> KnownFormats() {
  return {"ftc-flat", "crtc-flat", "lines"};
}

std::optional<uint32_t> RecordParser::fixed_country_code() const {
  const bool split = std::any_of(
      layout_.fields.begin(), layout_.fields.end(),
      [](const FieldSpec& f) { return f.role == FieldRole::kAreaCode; });
  if (layout_.shape == LayoutShape::kDelimited && split) {
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
  if (layout.national_country_code == 0 || layout.national_country_code > 999) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": country code ",
                                                   layout.national_country_code,
                                                   " is not 1 to 999"));
  }
  if (layout.shape == LayoutShape::kWholeLine) {
    if (!layout.fields.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": a whole-line layout has no fields"));
    }
    return RecordParser(std::move(layout));
  }
  int areas = 0, subscribers = 0, numbers = 0, digits = 0;
  bool area_first = true;
  for (const FieldSpec& field : layout.fields) {
    switch (field.role) {
      case FieldRole::kAreaCode:
        ++areas;
        digits += field.digits;
        if (field.digits == 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              what, ": field ", field.name, " needs a digit count"));
        }
        break;
      case FieldRole::kSubscriber:
        ++subscribers;
        digits += field.digits;
        if (areas == 0) area_first = false;
        if (field.digits == 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              what, ": field ", field.name, " needs a digit count"));
        }
        break;
      case FieldRole::kNumber:
        ++numbers;
        break;
      case FieldRole::kIgnored:
        break;
    }
  }
  const bool split = areas == 1 && subscribers == 1 && numbers == 0;
  const bool whole = areas == 0 && subscribers == 0 && numbers == 1;
  if (!(split && area_first) && !whole) {
    return absl::InvalidArgumentError(absl::StrCat(
        what,
        ": needs one area-code field followed by one subscriber field, "
        "or exactly one number field"));
  }
  if (split && digits > 15) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": more than 15 digits in a number"));
  }
  if (layout.delimiter == '\0' || IsSpace(layout.delimiter) ||
      IsDigit(layout.delimiter)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the delimiter must be a visible non-digit"));
  }
  return RecordParser(std::move(layout));
}

RecordParser::RecordParser(RecordLayout layout) : layout_(std::move(layout)) {
  if (layout_.shape != LayoutShape::kDelimited) return;
  std::vector<std::string> names;
  int subscriber_digits = 0, total_digits = 0;
  for (const FieldSpec& field : layout_.fields) {
    names.push_back(field.name.empty() ? "?" : field.name);
    if (field.role == FieldRole::kSubscriber) subscriber_digits = field.digits;
    total_digits += field.digits;
  }
  area_multiplier_ = PowerOfTen(subscriber_digits);
  const std::vector<FieldSpec>& fields = layout_.fields;
  if (fields.size() == 2 && fields[0].role == FieldRole::kAreaCode &&
      fields[1].role == FieldRole::kSubscriber) {
    fast_area_digits_ = fields[0].digits;
    fast_size_ = fields[0].digits + 1 + fields[1].digits;
  }
  country_multiplier_ = PowerOfTen(total_digits);
  const std::string expected = absl::StrCat(
      "expected ", absl::StrJoin(names, std::string(1, layout_.delimiter)));
  const std::string delimiter =
      absl::StrCat("'", std::string(1, layout_.delimiter), "'");
  // messages_[0..2]: missing delimiter, too few fields, too many fields.
  messages_.push_back(absl::StrCat(expected, " (no ", delimiter, ")"));
  messages_.push_back(absl::StrCat(expected, " (too few ", delimiter, ")"));
  messages_.push_back(absl::StrCat(expected, " (too many ", delimiter, ")"));
  wrong_field_count_ = 0;
  found_letters_ = messages_.size();
  messages_.push_back(absl::StrCat(expected, " (found letters)"));
  for (const FieldSpec& field : layout_.fields) {
    field_message_.push_back(messages_.size());
    if (field.role == FieldRole::kAreaCode ||
        field.role == FieldRole::kSubscriber) {
      messages_.push_back(absl::StrCat(expected, " (", field.name, " is not ",
                                       field.digits, " digits)"));
    } else {
      messages_.push_back(
          absl::StrCat(expected, " (", field.name, " is empty)"));
    }
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
  const std::string_view text = Trim(line);
  if (text.empty()) {
    LineResult result;
    result.kind = LineKind::kBlank;
    return result;
  }
  if (layout_.shape == LayoutShape::kWholeLine) return ParseNumberText(text);
  return ParseDelimited(text);
}

LineResult RecordParser::KeyFromParts(uint64_t area,
                                      uint64_t subscriber) const {
  const uint64_t key = layout_.national_country_code * country_multiplier_ +
                       area * area_multiplier_ + subscriber;
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
                  messages_[wrong_field_count_ + message].c_str());
  }
  uint64_t area = 0, subscriber = 0;
  std::string_view number_text;
  size_t start = 0;
  for (size_t i = 0; i < layout_.fields.size(); ++i) {
    size_t end = text.find(layout_.delimiter, start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view field = Trim(text.substr(start, end - start));
    start = end + 1;
    const FieldSpec& spec = layout_.fields[i];
    if (spec.role == FieldRole::kIgnored) continue;
    if (spec.role == FieldRole::kNumber) {
      if (field.empty()) {
        return Reject(RejectClass::kMalformed,
                      messages_[field_message_[i]].c_str());
      }
      number_text = field;
      continue;
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
      return Reject(RejectClass::kMalformed,
                    letters ? messages_[found_letters_].c_str()
                            : messages_[field_message_[i]].c_str());
    }
    (spec.role == FieldRole::kAreaCode ? area : subscriber) = value;
  }
  if (!number_text.empty()) return ParseNumberText(number_text);
  return KeyFromParts(area, subscriber);
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
