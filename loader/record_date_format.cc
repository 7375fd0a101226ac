#include "loader/record_date_format.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "loader/record_text.h"

namespace dnc::loader {

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

}  // namespace dnc::loader
