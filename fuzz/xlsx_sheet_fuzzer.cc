// Fuzz target: leadlist/xlsx_sheet.h. The first input byte picks the mode:
//   - even: the rest is the whole workbook file (the zip layer: damaged,
//     truncated, odd archives);
//   - odd: the rest is "shared strings XML" 0xFF 0xFF "sheet XML", packed
//     here into a stored zip with a fixed workbook (the XML layer, which
//     fuzzed zips rarely reach because their CRCs fail).
// Invariants:
//   - the only error is InvalidArgument, with a message;
//   - the output stays within the limits given and is CSV that reads back
//     (leadlist/csv.h) into rows of one width, each ending in CRLF, none of
//     them blank.
#include <archive.h>
#include <archive_entry.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fuzz/fuzz_check.h"
#include "leadlist/csv.h"
#include "leadlist/xlsx_sheet.h"

namespace dnc::fuzz {
namespace {

constexpr char kWorkbook[] =
    R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
    R"(<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr char kWorkbookRels[] =
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
    R"(</Relationships>)";

// A stored (uncompressed) zip of the given entries, written by libarchive.
std::string StoredZip(
    const std::vector<std::pair<std::string, std::string_view>>& entries) {
  size_t capacity = 4096;
  for (const auto& entry : entries) capacity += entry.second.size() + 256;
  std::string buffer(capacity, '\0');
  size_t used = 0;
  archive* writer = archive_write_new();
  DNC_FUZZ_CHECK(writer != nullptr, "archive_write_new");
  archive_write_set_format_zip(writer);
  archive_write_zip_set_compression_store(writer);
  DNC_FUZZ_CHECK(archive_write_open_memory(writer, buffer.data(), buffer.size(),
                                           &used) == ARCHIVE_OK,
                 "%s", archive_error_string(writer));
  for (const auto& [name, data] : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    DNC_FUZZ_CHECK(archive_write_header(writer, entry) == ARCHIVE_OK, "%s",
                   archive_error_string(writer));
    DNC_FUZZ_CHECK(archive_write_data(writer, data.data(), data.size()) ==
                       static_cast<la_ssize_t>(data.size()),
                   "%s", archive_error_string(writer));
    archive_entry_free(entry);
  }
  DNC_FUZZ_CHECK(archive_write_close(writer) == ARCHIVE_OK, "%s",
                 archive_error_string(writer));
  archive_write_free(writer);
  buffer.resize(used);
  return buffer;
}

void CheckCsv(const std::string& csv, const leadlist::XlsxLimits& limits) {
  DNC_FUZZ_CHECK(csv.size() <= limits.max_output_bytes, "output %zu bytes",
                 csv.size());
  if (csv.empty()) return;
  DNC_FUZZ_CHECK(csv.size() >= 2 && csv.substr(csv.size() - 2) == "\r\n",
                 "output does not end in CRLF");
  std::istringstream in(csv);
  leadlist::CsvReader reader(&in);
  leadlist::CsvRow row;
  size_t width = 0;
  while (true) {
    absl::StatusOr<bool> got = reader.ReadRow(&row);
    DNC_FUZZ_CHECK(got.ok(), "output does not read back as CSV: %s",
                   std::string(got.status().message()).c_str());
    if (!*got) break;
    DNC_FUZZ_CHECK(!row.blank(), "blank row at line %llu",
                   static_cast<unsigned long long>(row.line()));
    if (width == 0) width = row.size();
    DNC_FUZZ_CHECK(row.size() == width, "row of %zu fields, first had %zu",
                   row.size(), width);
  }
  DNC_FUZZ_CHECK(reader.bytes_read() == csv.size(), "unread output");
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dnc::fuzz::CheckCsv;
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  std::string workbook;
  if (data[0] % 2 == 0) {
    workbook = std::string(input);
  } else {
    size_t split = input.find("\xFF\xFF");
    if (split == std::string_view::npos) split = 0;
    const std::string_view shared = input.substr(0, split);
    const std::string_view sheet =
        input.substr(split == 0 ? 0 : std::min(input.size(), split + 2));
    workbook = dnc::fuzz::StoredZip(
        {{"xl/workbook.xml", dnc::fuzz::kWorkbook},
         {"xl/_rels/workbook.xml.rels", dnc::fuzz::kWorkbookRels},
         {"xl/sharedStrings.xml", shared},
         {"xl/worksheets/sheet1.xml", sheet}});
  }
  dnc::leadlist::XlsxLimits limits;
  limits.max_part_bytes = 1 << 16;
  limits.max_xml_bytes = 8 << 20;
  limits.max_shared_string_bytes = 1 << 20;
  limits.max_output_bytes = 1 << 20;
  std::string name;
  const absl::StatusOr<std::string> csv =
      dnc::leadlist::XlsxSheetToCsv(workbook, "", &name, limits);
  if (!csv.ok()) {
    DNC_FUZZ_CHECK(csv.status().code() == absl::StatusCode::kInvalidArgument,
                   "unexpected error %s",
                   std::string(csv.status().ToString()).c_str());
    DNC_FUZZ_CHECK(!csv.status().message().empty(), "empty error message");
  } else {
    CheckCsv(*csv, limits);
  }
  return 0;
}
