// Reads the data rows of a list (a lead list to scrub, an opt-out file to
// import) from a CsvReader: fully blank lines are skipped and counted; the
// first row is taken as a header or as data (leadlist/phone_column.h); the
// first rows after it are read ahead as the sample the phone column is found
// from, and then handed out again, in order, before the rest of the input.
//
//   ListReader list(&csv);
//   DNC_ASSIGN_OR_RETURN(bool any, list.ReadHead(HeaderMode::kAuto, 100));
//   ... FindPhoneColumn(list.had_header() ? &list.header() : nullptr,
//                       list.sample(), flag, list.width()) ...
//   ListRow row;
//   while (true) {
//     DNC_ASSIGN_OR_RETURN(bool got, list.Next(&row));
//     if (!got) break;
//     ... row.field(column), row.line() ...
//   }
// Ownership: borrows the CsvReader, which must outlive the ListReader.
// Thread-safety: thread-compatible.
#ifndef DNC_LEADLIST_LIST_READER_H_
#define DNC_LEADLIST_LIST_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "leadlist/csv.h"
#include "leadlist/phone_column.h"

namespace dnc::leadlist {

// One data row handed out by ListReader::Next: a sampled row or the reader's
// current record. Valid until the next call to Next.
class ListRow {
 public:
  size_t size() const { return fields_ ? fields_->size() : record_->size(); }
  // REQUIRES: i < size().
  std::string_view field(size_t i) const {
    return fields_ ? std::string_view((*fields_)[i]) : record_->field(i);
  }
  // The row's field, or "" when the row is shorter.
  std::string_view FieldOrEmpty(size_t i) const {
    return i < size() ? field(i) : std::string_view();
  }
  uint64_t line() const { return line_; }  // 1-based, where the row starts.

 private:
  friend class ListReader;
  const std::vector<std::string>* fields_ = nullptr;  // A sampled row, or
  const CsvRow* record_ = nullptr;                    // the current record.
  uint64_t line_ = 0;
};

class ListReader {
 public:
  explicit ListReader(CsvReader* reader) : reader_(reader) {}
  ListReader(const ListReader&) = delete;
  ListReader& operator=(const ListReader&) = delete;

  // Reads the first non-blank row, decides whether it is a header (`mode`),
  // then reads up to `sample_rows` data rows ahead (the first row counts
  // among them when it is not a header). False if the input holds no row.
  // Errors: the CsvReader's. REQUIRES: called once, before Next.
  absl::StatusOr<bool> ReadHead(HeaderMode mode, size_t sample_rows);

  bool had_header() const { return had_header_; }
  // The header row; empty without one.
  const std::vector<std::string>& header() const { return header_; }
  // Fields of the first row, header or not.
  size_t width() const { return width_; }
  // The rows read ahead, in order (the first row among them when it is not
  // a header).
  const std::vector<std::vector<std::string>>& sample() const {
    return sample_;
  }

  // The next data row: the sampled rows first, then the rest of the input.
  // False at the end. Errors: the CsvReader's.
  absl::StatusOr<bool> Next(ListRow* row);

  // Blank lines skipped so far.
  uint64_t blank_lines() const { return blank_lines_; }

 private:
  // The next non-blank record into record_; false at the end of input.
  absl::StatusOr<bool> ReadRecord();

  CsvReader* const reader_;
  CsvRow record_;
  bool input_end_ = false;
  bool had_header_ = false;
  std::vector<std::string> header_;
  size_t width_ = 0;
  std::vector<std::vector<std::string>> sample_;
  std::vector<uint64_t> sample_lines_;
  size_t sample_pos_ = 0;
  uint64_t blank_lines_ = 0;
};

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_LIST_READER_H_
