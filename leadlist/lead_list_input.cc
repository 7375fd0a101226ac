#include "leadlist/lead_list_input.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "leadlist/delimiter_detection.h"
#include "leadlist/text_encoding.h"
#include "leadlist/transcoding_streambuf.h"
#include "leadlist/xlsx_sheet.h"

namespace dnc::leadlist {
namespace {

absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

constexpr char kEncodingsAccepted[] =
    "utf-8, utf-16, utf-16le, utf-16be or windows-1252 (also cp1252, latin1)";

// A given encoding: "" (detect) is not handled here. False if unknown.
bool ParseEncodingName(std::string_view text, std::string* canonical) {
  std::string value = absl::AsciiStrToLower(AsAbsl(text));
  if (value == "utf8") value = "utf-8";
  if (value == "utf16") value = "utf-16";
  if (value == "utf16le") value = "utf-16le";
  if (value == "utf16be") value = "utf-16be";
  if (value == "cp1252" || value == "latin1" || value == "latin-1" ||
      value == "iso-8859-1" || value == "windows1252") {
    value = "windows-1252";
  }
  if (value == "utf-8" || value == "utf-16" || value == "utf-16le" ||
      value == "utf-16be" || value == "windows-1252") {
    *canonical = value;
    return true;
  }
  return false;
}

bool IsWorkbookName(std::string_view name) {
  return absl::EndsWithIgnoreCase(AsAbsl(name), ".xlsx") ||
         absl::EndsWithIgnoreCase(AsAbsl(name), ".xlsm");
}

std::string Shown(std::string_view name) {
  return name.empty() ? std::string("the input") : std::string(name);
}

// Serves a string in memory (a workbook's sheet as CSV) without a copy.
class StringStreamBuf : public std::streambuf {
 public:
  explicit StringStreamBuf(std::string* text) {
    setg(text->data(), text->data(), text->data() + text->size());
  }
};

// The encoding to decode with and the BOM bytes to drop, for a given
// --encoding (already canonical) or, when it is empty, as detected.
DetectedEncoding ChooseEncoding(const std::string& given, std::string_view head,
                                bool complete) {
  if (given.empty()) return DetectTextEncoding(head, complete);
  const auto starts = [&](std::string_view bom) {
    return head.substr(0, bom.size()) == bom;
  };
  if (given == "utf-8") {
    return {TextEncoding::kUtf8, starts("\xEF\xBB\xBF") ? size_t{3} : 0};
  }
  if (given == "utf-16le") {
    return {TextEncoding::kUtf16Le, starts("\xFF\xFE") ? size_t{2} : 0};
  }
  if (given == "utf-16be") {
    return {TextEncoding::kUtf16Be, starts("\xFE\xFF") ? size_t{2} : 0};
  }
  if (given == "utf-16") {
    if (starts("\xFF\xFE")) return {TextEncoding::kUtf16Le, 2};
    if (starts("\xFE\xFF")) return {TextEncoding::kUtf16Be, 2};
    const TextEncoding nul = DetectUtf16WithoutBom(head);
    return {nul == TextEncoding::kUtf16Be ? nul : TextEncoding::kUtf16Le, 0};
  }
  return {TextEncoding::kWindows1252, 0};
}

std::string EncodingName(const DetectedEncoding& e) {
  switch (e.encoding) {
    case TextEncoding::kUtf8:
      return e.bom_bytes > 0 ? "utf-8 (BOM)" : "utf-8";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
    case TextEncoding::kWindows1252:
      return "windows-1252";
  }
  return "utf-8";
}

}  // namespace

absl::Status CheckInputOptions(const InputOptions& options) {
  char delimiter = ',';
  if (!options.delimiter.empty() &&
      !ParseDelimiterName(options.delimiter, &delimiter)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "delimiter \"", AsAbsl(options.delimiter),
        "\" is not one we read: use comma, semicolon, tab or pipe (or the "
        "character itself: , ; |), or leave it empty to detect it"));
  }
  std::string encoding;
  if (!options.encoding.empty() &&
      !ParseEncodingName(options.encoding, &encoding)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "encoding \"", AsAbsl(options.encoding), "\" is not one we read: use ",
        kEncodingsAccepted, ", or leave it empty to detect it"));
  }
  return absl::OkStatus();
}

LeadListInput::~LeadListInput() = default;

absl::StatusOr<std::unique_ptr<LeadListInput>> LeadListInput::Open(
    std::istream* raw, const InputOptions& options) {
  absl::Status checked = CheckInputOptions(options);
  if (!checked.ok()) return checked;
  const std::string shown = Shown(options.name);

  std::string head(kSniffBytes, '\0');
  raw->read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(raw->gcount()));
  if (raw->bad()) {
    return absl::DataLossError(
        absl::StrCat("reading ", shown, " failed: try the upload again"));
  }
  const bool complete = head.size() < kSniffBytes;

  std::unique_ptr<LeadListInput> input(new LeadListInput());
  CsvReaderOptions csv_options;
  if (IsWorkbookName(options.name) || absl::StartsWith(head, "PK\x03\x04")) {
    // A workbook is a zip: its directory is at the end, so all of it is
    // needed before any cell can be read.
    std::string workbook = std::move(head);
    if (!complete) {
      std::string block(1 << 20, '\0');
      while (true) {
        raw->read(block.data(), static_cast<std::streamsize>(block.size()));
        const size_t got = static_cast<size_t>(raw->gcount());
        if (workbook.size() + got > kMaxWorkbookBytes) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s: a workbook over %d MiB is not read: save the sheet as "
              "\"CSV UTF-8\" in Excel and scrub that file",
              shown, kMaxWorkbookBytes >> 20));
        }
        workbook.append(block.data(), got);
        if (raw->bad()) {
          return absl::DataLossError(
              absl::StrCat("reading ", shown, " failed: try again"));
        }
        if (got < block.size()) break;
      }
    }
    std::string sheet_name;
    absl::StatusOr<std::string> csv =
        XlsxSheetToCsv(workbook, options.sheet, &sheet_name);
    if (!csv.ok()) {
      return absl::Status(csv.status().code(),
                          absl::StrCat(shown, ": ", csv.status().message()));
    }
    std::string().swap(workbook);
    input->workbook_csv_ = std::move(*csv);
    input->format_ = InputFormat{"xlsx", "utf-8", ',', sheet_name};
    input->buf_ = std::make_unique<StringStreamBuf>(&input->workbook_csv_);
    input->stream_ = std::make_unique<std::istream>(input->buf_.get());
    csv_options.delimiter = ',';
    csv_options.report_bom = true;
    input->csv_ =
        std::make_unique<CsvReader>(input->stream_.get(), csv_options);
    return input;
  }
  if (!options.sheet.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sheet \"", AsAbsl(options.sheet),
                     "\" applies to Excel workbooks (.xlsx) only, and ", shown,
                     " is a CSV/text file: leave the sheet out"));
  }

  std::string given_encoding;
  if (!options.encoding.empty()) {
    ParseEncodingName(options.encoding, &given_encoding);
  }
  const DetectedEncoding encoding =
      ChooseEncoding(given_encoding, head, complete);
  head.erase(0, encoding.bom_bytes);
  char delimiter = ',';
  if (!options.delimiter.empty()) {
    ParseDelimiterName(options.delimiter, &delimiter);
  } else {
    std::string text;
    Utf8Transcoder sniff(encoding.encoding);
    sniff.Decode(head, complete, &text);
    delimiter = DetectDelimiter(text, complete);
  }
  input->format_ = InputFormat{"csv", EncodingName(encoding), delimiter, ""};
  auto buf = std::make_unique<TranscodingStreamBuf>(
      std::move(head), complete ? nullptr : raw, encoding.encoding);
  input->stream_ = std::make_unique<std::istream>(buf.get());
  buf->set_owner(input->stream_.get());
  input->buf_ = std::move(buf);
  csv_options.delimiter = delimiter;
  csv_options.report_bom =
      encoding.bom_bytes > 0 || encoding.encoding != TextEncoding::kUtf8;
  input->csv_ = std::make_unique<CsvReader>(input->stream_.get(), csv_options);
  return input;
}

std::string DescribeInputFormat(const InputFormat& f) {
  if (f.kind == "xlsx") {
    return absl::StrCat("Excel workbook, sheet \"", f.sheet, "\"");
  }
  std::string encoding = "UTF-8";
  if (f.encoding == "utf-8 (BOM)") encoding = "UTF-8 with BOM";
  if (f.encoding == "utf-16le") encoding = "UTF-16LE";
  if (f.encoding == "utf-16be") encoding = "UTF-16BE";
  if (f.encoding == "windows-1252") encoding = "Windows-1252";
  return absl::StrCat(encoding, ", ", DelimiterName(f.delimiter), "-separated");
}

}  // namespace dnc::leadlist
