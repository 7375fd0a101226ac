// The one reader of lead lists "as they really arrive", used by `dnc scrub`
// and `dnc optout import` and by dnc-server's list uploads: it looks at the
// first bytes and hands out UTF-8 CSV records, whatever the file is:
//   - CSV or text in UTF-8 (with or without BOM), UTF-16LE/BE (with a BOM,
//     or told by its NUL bytes) or Windows-1252 (whatever is not valid
//     UTF-8), decoded as it streams (leadlist/text_encoding.h);
//   - fields separated by comma, semicolon, tab or pipe, detected from the
//     first lines (leadlist/delimiter_detection.h);
//   - an Excel workbook (.xlsx/.xlsm by name, or a zip by its first bytes):
//     one sheet as CSV (leadlist/xlsx_sheet.h), read whole (at most
//     kMaxWorkbookBytes).
// Each of the three can be given instead of detected (InputOptions).
//
//   std::ifstream in(path, std::ios::binary);
//   DNC_ASSIGN_OR_RETURN(std::unique_ptr<LeadListInput> input,
//                        LeadListInput::Open(&in, options));  // options.name =
//                        path
//   ... ScrubLeadList(input->csv(), ...) ...
//
// Ownership: borrows `raw`, which must outlive the LeadListInput; `raw` is
// read forward only (never seeked), so it may be a pipe or a blocking
// stream another thread feeds.
// Thread-safety: thread-compatible; format() may be read from any thread
// once Open has returned (it never changes).
#ifndef DNC_LEADLIST_LEAD_LIST_INPUT_H_
#define DNC_LEADLIST_LEAD_LIST_INPUT_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "leadlist/csv.h"

namespace dnc::leadlist {

// Bytes looked at before deciding the format.
inline constexpr size_t kSniffBytes = 64 << 10;
// A workbook is read whole: beyond this it is refused.
inline constexpr uint64_t kMaxWorkbookBytes = uint64_t{256} << 20;

struct InputOptions {
  std::string
      name;  // file name as the user gave it ("leads.xlsx"); ".xlsx"/".xlsm"
             // (any case) or a zip signature "PK\3\4" => workbook
  std::string delimiter;  // "" = detect among , ; TAB |; else one of ",", ";",
                          // "\t", "|", "comma", "semicolon", "tab", "pipe"
  std::string encoding;   // "" = detect; "utf-8", "utf-16", "utf-16le",
                         // "utf-16be", "windows-1252" (also "cp1252", "latin1")
  std::string sheet;  // workbook: sheet name or 1-based index; "" = first
};

struct InputFormat {     // what was used (detected or given)
  std::string kind;      // "csv" or "xlsx"
  std::string encoding;  // "utf-8", "utf-8 (BOM)", "utf-16le", "utf-16be",
                         // "windows-1252"
  char delimiter = ',';
  std::string sheet;  // xlsx: the sheet's name
};

// Checks the values of `options` without reading anything. Errors:
// InvalidArgument naming the option ("delimiter", "encoding") and its value
// and listing the accepted values. (The CLI puts "--" before the name.)
absl::Status CheckInputOptions(const InputOptions& options);

class LeadListInput {
 public:
  // Reads from `raw` (not owned; must outlive this); sniffs the first bytes
  // (blocking until 64 KiB or end of input are available) for
  // BOM/encoding/delimiter/zip. Errors: InvalidArgument naming the option/value
  // or the file and what to do.
  static absl::StatusOr<std::unique_ptr<LeadListInput>> Open(
      std::istream* raw, const InputOptions& options);
  ~LeadListInput();
  LeadListInput(const LeadListInput&) = delete;
  LeadListInput& operator=(const LeadListInput&) = delete;

  CsvReader* csv() { return csv_.get(); }  // UTF-8 records, delimiter applied
  const InputFormat& format() const { return format_; }

 private:
  LeadListInput() = default;

  InputFormat format_;
  std::string workbook_csv_;  // A workbook's sheet as CSV.
  std::unique_ptr<std::streambuf> buf_;
  std::unique_ptr<std::istream> stream_;
  std::unique_ptr<CsvReader> csv_;
};

// "UTF-16LE, tab-separated"; "UTF-8 with BOM, semicolon-separated";
// `Excel workbook, sheet "Leads"`.
std::string DescribeInputFormat(const InputFormat& f);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_LEAD_LIST_INPUT_H_
