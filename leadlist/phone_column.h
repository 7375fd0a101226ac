// Which column of a list holds the phone numbers, and whether its first row
// is a header: the detection a lead-list scrub and an opt-out import share.
//
// The phone column is found by header name (phone, phone_number, telephone,
// tel, mobile, cell, number, contact number, ...: case, spaces and
// punctuation ignored), else by content (the column where most of the first
// rows read as phone numbers); a --column NAME|INDEX overrides both. The
// first row is taken as a header unless it holds a phone number (or
// HeaderMode says otherwise).
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_LEADLIST_PHONE_COLUMN_H_
#define DNC_LEADLIST_PHONE_COLUMN_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dnc::leadlist {

// Whether the first row is a header: decided by LooksLikeHeader, or given.
enum class HeaderMode { kAuto, kPresent, kAbsent };

// The CLI's --header value: "auto"; "yes", "true", "1"; "no", "false", "0"
// (ASCII case-insensitive). False for anything else.
bool ParseHeaderMode(std::string_view text, HeaderMode* mode);

// The column numbers are read from.
struct PhoneColumn {
  size_t index = 0;  // 0-based.
  std::string name;  // The header cell, or "column N" without a header.
  std::string how;   // "--column", "header name" or "content".
};

// What a summary says about the column: `Phone column: "phone" (column 2,
// by header name)`, plus "; no header row" when the input had none.
std::string DescribePhoneColumn(const PhoneColumn& column, bool had_header);

// Lowercases ASCII and drops everything but letters and digits:
// "Phone Number" -> "phonenumber", "TEL." -> "tel".
std::string NormalizeHeaderName(std::string_view name);

// True unless the row holds a cell that reads as a phone number (and no
// cell is a known phone header name).
bool LooksLikeHeader(const std::vector<std::string>& first_row);

// Picks the phone column. `header` is nullptr when the input has none;
// `sample` holds the first data rows; `column_flag` is the --column value
// ("" to detect); `width` is the number of columns. Errors: InvalidArgument
// naming the header (or the flag) when no column fits.
absl::StatusOr<PhoneColumn> FindPhoneColumn(
    const std::vector<std::string>* header,
    const std::vector<std::vector<std::string>>& sample,
    std::string_view column_flag, size_t width);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_PHONE_COLUMN_H_
