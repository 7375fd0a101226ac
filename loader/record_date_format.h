// Date fields of record layouts: the strftime-like date_format a layout
// declares (%Y 4 digits; %m %d %H %M %S 1-2 digits; %% a literal '%'; every
// other character as written), checking one, reading a field with it, and
// showing it in messages. The calendar arithmetic is common/civil_date.h.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_LOADER_RECORD_DATE_FORMAT_H_
#define DNC_LOADER_RECORD_DATE_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/civil_date.h"

namespace dnc::loader {

// Checks a date_format: only known directives, and a year, month and day.
// Errors: InvalidArgument naming the format and the problem.
absl::Status CheckDateFormat(std::string_view format);

// Days since 1970-01-01 of `text` read with a date_format, or nullopt when
// it does not match exactly or is not a real date/time. No allocation.
std::optional<DayNumber> ParseDateWithFormat(std::string_view text,
                                             std::string_view format);

// The format as an example for messages: "%Y-%m-%d %H:%M:%S" ->
// "YYYY-MM-DD HH:MM:SS".
std::string DateFormatExample(std::string_view format);

}  // namespace dnc::loader

#endif  // DNC_LOADER_RECORD_DATE_FORMAT_H_
