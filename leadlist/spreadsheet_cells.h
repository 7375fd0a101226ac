// What spreadsheets do to phone numbers on their way into a CSV file, and
// how a phone cell is read despite it.
//
// Excel's ="2025551234" (a formula whose result is the text, written so
// that Excel keeps leading zeros and does not turn the number into a
// float) is unwrapped: the number is the text between the quotes.
//
// A phone column Excel formatted as a number and saved with too few digits
// becomes scientific notation: 2025551234 -> 2.02546E+09 (or 2,02546E+09
// with a decimal comma). The digits that were dropped are gone, so such a
// cell is "damaged": it is counted, never callable, and its dnc_reason says
// so. It is never turned back into a number: 2.02546E+09 could have been any
// of 2025455000-2025464999, and a guess would scrub someone else's number.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_LEADLIST_SPREADSHEET_CELLS_H_
#define DNC_LEADLIST_SPREADSHEET_CELLS_H_

#include <string_view>

namespace dnc::leadlist {

// The dnc_reason of a damaged number.
inline constexpr char kDamagedNumberReason[] =
    "spreadsheet damaged this number (scientific notation): re-export the "
    "column as text";

// The text of an Excel ="..." cell (surrounding spaces allowed), else
// `cell` itself. The result views `cell`.
std::string_view UnwrapExcelText(std::string_view cell);

// True if `cell` (after UnwrapExcelText) is a number in scientific notation:
// optional sign, digits, optionally '.' or ',' and digits, 'E' or 'e',
// optional sign, digits; surrounding spaces allowed.
bool IsScientificNotation(std::string_view cell);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_SPREADSHEET_CELLS_H_
