// Fuzz target: leadlist/csv.h. The first input byte picks the delimiter, the
// reader's buffer size and max_row_bytes; the rest is the CSV text.
// Invariants:
//   - reading with a 16-byte buffer gives exactly the records, and the same
//     error, as reading with the default 64 KiB buffer (block boundaries
//     never show);
//   - errors are only InvalidArgument (open quote, record too long) and
//     name the line the record starts on;
//   - every record has at least one field, starts on a line that never goes
//     back, and stays within max_row_bytes when it was returned;
//   - a clean read consumes every byte (bytes_read() == input size);
//   - the records round-trip: CsvWriter's output (after a BOM, with LF or
//     CRLF) reads back as the same fields.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_check.h"
#include "leadlist/csv.h"

namespace dnc::fuzz {
namespace {

using leadlist::CsvReader;
using leadlist::CsvReaderOptions;
using leadlist::CsvRow;

struct ReadResult {
  std::vector<std::vector<std::string>> rows;
  std::vector<uint64_t> lines;
  std::vector<bool> blank;
  absl::Status status;
  uint64_t bytes_read = 0;
  bool had_bom = false;
};

ReadResult ReadAll(std::string_view text, const CsvReaderOptions& options) {
  std::istringstream in{std::string(text)};
  CsvReader reader(&in, options);
  ReadResult out;
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = reader.ReadRow(&row);
    if (!got.ok()) {
      out.status = got.status();
      break;
    }
    if (!*got) break;
    DNC_FUZZ_CHECK(row.size() >= 1, "record with no field");
    DNC_FUZZ_CHECK(!row.blank() || (row.size() == 1 && row.field(0).empty()),
                   "blank record with %zu fields", row.size());
    out.rows.push_back(row.ToVector());
    out.lines.push_back(row.line());
    out.blank.push_back(row.blank());
  }
  out.bytes_read = reader.bytes_read();
  out.had_bom = reader.had_bom();
  DNC_FUZZ_CHECK(
      reader.rows_read() == out.rows.size(), "rows_read %llu, returned %zu",
      static_cast<unsigned long long>(reader.rows_read()), out.rows.size());
  return out;
}

std::string Describe(const ReadResult& result) {
  return absl::StrCat(result.rows.size(), " rows, ", result.status.ToString());
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnc::fuzz;  // NOLINT(build/namespaces): a harness.
  using dnc::leadlist::CsvReaderOptions;
  if (size == 0) return 0;
  static constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  const uint8_t control = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1,
                              size - 1);

  CsvReaderOptions options;
  options.delimiter = kDelimiters[control & 3];
  options.max_row_bytes = (control & 4) != 0 ? 64 : (16u << 20);
  CsvReaderOptions small = options;
  small.buffer_bytes = 16 + ((control >> 3) & 7);

  const ReadResult big_read = ReadAll(text, options);
  const ReadResult small_read = ReadAll(text, small);
  DNC_FUZZ_CHECK(
      big_read.rows == small_read.rows && big_read.lines == small_read.lines &&
          big_read.blank == small_read.blank &&
          big_read.status == small_read.status &&
          big_read.had_bom == small_read.had_bom,
      "64 KiB buffer: %s; %zu-byte buffer: %s", Describe(big_read).c_str(),
      small.buffer_bytes, Describe(small_read).c_str());

  const ReadResult& read = big_read;
  uint64_t breaks = 0;
  for (char c : text) breaks += (c == '\n' || c == '\r') ? 1 : 0;
  for (size_t i = 0; i < read.rows.size(); ++i) {
    DNC_FUZZ_CHECK(read.lines[i] >= 1 && read.lines[i] <= breaks + 1 &&
                       (i == 0 || read.lines[i] >= read.lines[i - 1]),
                   "record %zu starts on line %llu", i,
                   static_cast<unsigned long long>(read.lines[i]));
    size_t bytes = 0;
    for (const std::string& field : read.rows[i]) bytes += field.size();
    DNC_FUZZ_CHECK(bytes <= options.max_row_bytes,
                   "record %zu of %zu bytes returned (max %zu)", i, bytes,
                   options.max_row_bytes);
  }
  if (!read.status.ok()) {
    DNC_FUZZ_CHECK(read.status.code() == absl::StatusCode::kInvalidArgument &&
                       absl::StrContains(read.status.message(), "line "),
                   "error %s", read.status.ToString().c_str());
    return 0;
  }
  DNC_FUZZ_CHECK(read.bytes_read == text.size(), "read %llu of %zu bytes",
                 static_cast<unsigned long long>(read.bytes_read), text.size());

  // Round trip through the writer.
  for (const char* ending : {"\n", "\r\n"}) {
    std::ostringstream out;
    {
      dnc::leadlist::CsvWriterOptions writer_options;
      writer_options.delimiter = options.delimiter;
      writer_options.line_ending = ending;
      writer_options.buffer_bytes = 64;
      dnc::leadlist::CsvWriter writer(&out, writer_options);
      writer.WriteBom();
      for (const std::vector<std::string>& row : read.rows) {
        writer.WriteRow(row);
      }
      DNC_FUZZ_CHECK(writer.Flush().ok(), "flush");
      DNC_FUZZ_CHECK(writer.rows_written() == read.rows.size(), "rows written");
    }
    CsvReaderOptions reread_options;
    reread_options.delimiter = options.delimiter;
    const ReadResult reread = ReadAll(out.str(), reread_options);
    DNC_FUZZ_CHECK(
        reread.status.ok() && reread.rows == read.rows && reread.had_bom,
        "wrote %zu rows, read back %s", read.rows.size(),
        Describe(reread).c_str());
  }
  return 0;
}
