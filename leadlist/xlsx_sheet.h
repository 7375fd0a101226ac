// One sheet of an Excel .xlsx workbook as CSV text, so a lead list saved
// from Excel reads exactly like the same list saved as CSV.
//
// The workbook is a zip (read by libarchive from memory) of XML parts (read
// by libxml2's streaming xmlReader, so a big sheet never becomes a DOM):
// the workbook part (found through _rels/.rels, normally xl/workbook.xml)
// names the sheets, its .rels file gives each sheet's part, and
// xl/sharedStrings.xml holds the text most cells point to.
//
// What a cell becomes, as Excel's "Save as CSV" writes it:
//   - text (shared strings, including rich-text runs; inline strings;
//     formula results of type "str"): the text, with Excel's _xHHHH_
//     escapes decoded; phonetic guides (<rPh>) are not part of the text;
//   - booleans: TRUE / FALSE; errors: their text (#N/A, #DIV/0!, ...);
//   - numbers: an exact integer below 2^53 as its digits (a phone number
//     stored as the number 2.025551234E9 becomes 2025551234, as Excel shows
//     it); any other number exactly as stored in the file.
// Number formats are NOT applied: a date is written as Excel's serial day
// number (45000, not 2023-03-15), a percentage as its fraction. Formulas are
// not evaluated; their cached result is used.
//
// The CSV: RFC 4180, UTF-8 without BOM, comma-separated, every record ending
// in CRLF; a field is quoted only when it holds a comma, quote, CR or LF.
// Rows keep the sheet's order; a row the XML does not hold, or one whose
// cells are all empty, is not written; cells missing inside a row are empty
// fields; every row is padded with empty fields to the widest row, as Excel
// pads to its used range.
//
// Memory is bounded by XlsxLimits: the output, the shared strings and the
// expanded size of every zip entry are capped (a "zip bomb" is refused).
// Thread-safety: thread-safe (pure function; libxml2 is initialised once).
#ifndef DNC_LEADLIST_XLSX_SHEET_H_
#define DNC_LEADLIST_XLSX_SHEET_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dnc::leadlist {

struct XlsxLimits {
  // Expanded bytes of a small part (workbook, relationships).
  uint64_t max_part_bytes = uint64_t{64} << 20;
  // Expanded bytes of the sheet's XML and of the shared-strings XML.
  uint64_t max_xml_bytes = uint64_t{2} << 30;
  // Text of all shared strings together (plus 32 bytes per string).
  uint64_t max_shared_string_bytes = uint64_t{256} << 20;
  // The CSV returned.
  uint64_t max_output_bytes = uint64_t{256} << 20;
};

// The sheet `sheet` of the .xlsx workbook `workbook` (its bytes) as CSV (see
// above). `sheet`: a sheet name (exact, else ASCII case-insensitive), else a
// 1-based index in tab order; "" = the first visible worksheet. On success
// *sheet_name (if not null) is the name of the sheet used.
// Errors: InvalidArgument, naming the file part (and line, cell or sheet)
// and what to do: not a zip (or an old .xls / password-protected file), a
// truncated or damaged zip, no workbook part, no such sheet (the message
// lists the sheets there are), a part that is not well-formed XML or
// expands beyond a limit, a cell reference out of order, output too big.
absl::StatusOr<std::string> XlsxSheetToCsv(std::string_view workbook,
                                           std::string_view sheet,
                                           std::string* sheet_name);
// The same with other limits (tests use small ones).
absl::StatusOr<std::string> XlsxSheetToCsv(std::string_view workbook,
                                           std::string_view sheet,
                                           std::string* sheet_name,
                                           const XlsxLimits& limits);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_XLSX_SHEET_H_
