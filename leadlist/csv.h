// Streaming RFC 4180 CSV: a reader that yields one record at a time in
// bounded memory, and a writer that quotes only where needed.
//
// The reader accepts what spreadsheets and CRMs actually export: quoted
// fields holding delimiters, doubled quotes and line breaks; CRLF, LF or a
// lone CR between records; a UTF-8 byte order mark at the very start
// (stripped, see had_bom()); rows with differing field counts (returned as
// read; the caller decides what "ragged" means); no final line break. It is
// lenient where RFC 4180 is silent: a quote inside an unquoted field, or
// text after a closing quote, is kept literally. Two inputs are errors: a
// quoted field still open at end of input, and a record longer than
// max_row_bytes (both usually mean a stray quote swallowed the file).
//
// Ownership: the reader and writer borrow their FILE* / stream, which must
// outlive them; neither closes it.
// Thread-safety: thread-compatible.
#ifndef DNC_LEADLIST_CSV_H_
#define DNC_LEADLIST_CSV_H_

#include <cstdint>
#include <cstdio>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dnc::leadlist {

// One record. Reused across CsvReader::ReadRow calls: it keeps its buffers,
// so reading allocates nothing once the buffers have grown to the widest row.
class CsvRow {
 public:
  // Number of fields; at least 1 for every record read.
  size_t size() const { return ends_.size(); }
  // The i-th field, unquoted. Valid until the next ReadRow into this row.
  // REQUIRES: i < size().
  std::string_view field(size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_.data() + begin, ends_[i] - begin);
  }
  // 1-based line number of the input where this record starts.
  uint64_t line() const { return line_; }
  // True if the record was an empty line (no characters at all; one empty
  // field). A quoted empty field `""` is not blank.
  bool blank() const { return blank_; }
  // Total bytes of field text (unquoted).
  size_t data_size() const { return data_.size(); }

  std::vector<std::string> ToVector() const;

 private:
  friend class CsvReader;
  void Clear() {
    data_.clear();
    ends_.clear();
    blank_ = false;
  }

  std::string data_;          // All fields back to back.
  std::vector<size_t> ends_;  // ends_[i]: end offset of field i in data_.
  uint64_t line_ = 0;
  bool blank_ = false;
};

struct CsvReaderOptions {
  char delimiter = ',';
  // Upper bound on the unquoted text of one record; longer is an error.
  size_t max_row_bytes = 16u << 20;
  size_t buffer_bytes = 1u << 16;
  // had_bom() reports true even without a BOM in what this reader reads: a
  // LeadListInput sets it when it removed one while transcoding, or read a
  // file only spreadsheet tools write (UTF-16, Windows-1252, a workbook), so
  // that a scrub's UTF-8 output starts with the BOM Excel needs to read it
  // as UTF-8.
  bool report_bom = false;
};

class CsvReader {
 public:
  // Reads `file` from its current position. `file` must outlive the reader.
  explicit CsvReader(std::FILE* file, CsvReaderOptions options = {});
  // Reads `stream` from its current position; it must outlive the reader.
  explicit CsvReader(std::istream* stream, CsvReaderOptions options = {});

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into *row. Returns true if a record was read, false
  // at end of input. Errors: InvalidArgument (a quoted field is still open at
  // end of input; a record is longer than max_row_bytes), naming the line the
  // record starts on; DataLoss (the underlying read failed). After an error
  // the reader should not be used further.
  absl::StatusOr<bool> ReadRow(CsvRow* row);

  // True if the input started with a UTF-8 byte order mark (stripped), or
  // CsvReaderOptions::report_bom is set. Meaningful after the first ReadRow.
  bool had_bom() const { return had_bom_ || options_.report_bom; }
  char delimiter() const { return options_.delimiter; }
  // True if the first record ended with CRLF. Meaningful after the first
  // ReadRow that ended in a line break.
  bool first_line_crlf() const { return first_line_crlf_; }
  // Records returned so far.
  uint64_t rows_read() const { return rows_read_; }
  // Input bytes consumed so far (including the BOM and quotes).
  uint64_t bytes_read() const { return bytes_consumed_; }

 private:
  // Makes at least one unread byte available. Returns false at end of input
  // or on error (then io_error_ is set).
  bool Refill();
  void Start();

  std::FILE* file_ = nullptr;
  std::istream* stream_ = nullptr;
  const CsvReaderOptions options_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t bytes_consumed_ = 0;  // Bytes before buffer_[0].
  uint64_t line_ = 1;            // Current line (1-based).
  uint64_t rows_read_ = 0;
  bool started_ = false;
  bool eof_ = false;
  bool io_error_ = false;
  bool had_bom_ = false;
  bool first_line_crlf_ = false;
  bool first_line_ended_ = false;
};

struct CsvWriterOptions {
  char delimiter = ',';
  // "\n" or "\r\n" (RFC 4180 says CRLF; most tools accept both).
  std::string line_ending = "\n";
  size_t buffer_bytes = 1u << 16;
};

// Writes records, quoting a field only when it holds the delimiter, a quote,
// CR or LF (quotes inside are doubled), and writing a lone empty field as
// `""` so the record does not read back as a blank line. Output is buffered;
// the first write error is kept and returned by Flush() and status().
class CsvWriter {
 public:
  // `file` must outlive the writer.
  explicit CsvWriter(std::FILE* file, CsvWriterOptions options = {});
  // `stream` must outlive the writer.
  explicit CsvWriter(std::ostream* stream, CsvWriterOptions options = {});
  // Flushes the buffer to the FILE*/stream (errors are kept in status()).
  ~CsvWriter();

  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Sets the line ending ("\n" or "\r\n") of the records that follow.
  void set_line_ending(std::string line_ending) {
    options_.line_ending = std::move(line_ending);
  }
  // Sets the field separator of the fields that follow.
  void set_delimiter(char delimiter) { options_.delimiter = delimiter; }
  // Writes the UTF-8 byte order mark. REQUIRES: nothing written yet.
  void WriteBom();
  // Appends one field to the current record.
  void AddField(std::string_view field);
  // Ends the current record.
  void EndRow();
  // AddField for each, then EndRow.
  void WriteRow(const std::vector<std::string>& fields);

  // Hands everything buffered to the FILE*/stream and flushes it. Errors:
  // DataLoss naming the failed write (also for earlier failed writes).
  absl::Status Flush();
  absl::Status status() const { return status_; }
  uint64_t rows_written() const { return rows_written_; }

 private:
  void Drain();

  std::FILE* file_ = nullptr;
  std::ostream* stream_ = nullptr;
  CsvWriterOptions options_;
  std::string buffer_;
  size_t fields_in_row_ = 0;
  bool last_field_empty_ = false;
  uint64_t rows_written_ = 0;
  absl::Status status_;
};

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_CSV_H_
