#include "leadlist/csv.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>
#include <ostream>
#include <utility>

#include "absl/strings/str_cat.h"

namespace dnc::leadlist {

std::vector<std::string> CsvRow::ToVector() const {
  std::vector<std::string> fields;
  fields.reserve(size());
  for (size_t i = 0; i < size(); ++i) fields.emplace_back(field(i));
  return fields;
}

CsvReader::CsvReader(std::FILE* file, CsvReaderOptions options)
    : file_(file), options_(options) {
  buffer_.resize(std::max<size_t>(options_.buffer_bytes, 16));
}

CsvReader::CsvReader(std::istream* stream, CsvReaderOptions options)
    : stream_(stream), options_(options) {
  buffer_.resize(std::max<size_t>(options_.buffer_bytes, 16));
}

bool CsvReader::Refill() {
  if (pos_ < end_) return true;
  if (eof_ || io_error_) return false;
  bytes_consumed_ += end_;
  pos_ = 0;
  end_ = 0;
  size_t got = 0;
  if (file_ != nullptr) {
    got = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    if (got == 0) {
      if (std::ferror(file_)) {
        io_error_ = true;
      } else {
        eof_ = true;
      }
    }
  } else {
    stream_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    got = static_cast<size_t>(stream_->gcount());
    if (got == 0) {
      if (stream_->bad()) {
        io_error_ = true;
      } else {
        eof_ = true;
      }
    }
  }
  end_ = got;
  return got > 0;
}

void CsvReader::Start() {
  started_ = true;
  if (!Refill()) return;
  // fread/istream::read fill the buffer unless the input ends first, so a
  // BOM is entirely in this first block if it is there at all.
  if (end_ >= 3 && static_cast<unsigned char>(buffer_[0]) == 0xEF &&
      static_cast<unsigned char>(buffer_[1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[2]) == 0xBF) {
    pos_ = 3;
    had_bom_ = true;
  }
}

absl::StatusOr<bool> CsvReader::ReadRow(CsvRow* row) {
  if (!started_) Start();
  row->Clear();
  row->line_ = line_;
  const auto io_error = [this] {
    return absl::DataLossError(absl::StrCat("reading CSV input near line ",
                                            line_, ": ", std::strerror(errno)));
  };
  if (!Refill()) {
    if (io_error_) return io_error();
    return false;
  }
  const char delim = options_.delimiter;
  std::string& data = row->data_;
  size_t field_begin = 0;     // Offset in data where the current field starts.
  bool field_quoted = false;  // The current field opened with a quote.
  bool in_quotes = false;
  bool after_quote = false;  // Just closed a quote (maybe half of a "").
  bool any = false;          // Consumed a character of this record.
  const auto too_long = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "CSV record starting at line ", row->line_, " is longer than ",
        options_.max_row_bytes, " bytes (is a quote left open?)"));
  };
  while (true) {
    if (!Refill()) {
      if (io_error_) return io_error();
      if (in_quotes) {
        return absl::InvalidArgumentError(
            absl::StrCat("CSV quoted field opened on or after line ",
                         row->line_, " is not closed at end of input"));
      }
      row->ends_.push_back(data.size());  // Last record without a newline.
      ++rows_read_;
      return true;
    }
    const char* p = buffer_.data() + pos_;
    const char* const e = buffer_.data() + end_;
    if (in_quotes) {
      const char* q = static_cast<const char*>(std::memchr(p, '"', e - p));
      const char* stop = q != nullptr ? q : e;
      data.append(p, stop);
      line_ += static_cast<uint64_t>(std::count(p, stop, '\n'));
      pos_ += static_cast<size_t>(stop - p) + (q != nullptr ? 1 : 0);
      if (q != nullptr) {
        in_quotes = false;
        after_quote = true;
      }
      if (data.size() > options_.max_row_bytes) return too_long();
      continue;
    }
    const char c = *p;
    if (c == delim) {
      ++pos_;
      any = true;
      row->ends_.push_back(data.size());
      field_begin = data.size();
      field_quoted = false;
      after_quote = false;
      continue;
    }
    if (c == '\n' || c == '\r') {
      ++pos_;
      ++line_;
      bool crlf = false;
      if (c == '\r' && Refill() && buffer_[pos_] == '\n') {
        ++pos_;
        crlf = true;
      }
      if (!first_line_ended_) {
        first_line_ended_ = true;
        first_line_crlf_ = crlf;
      }
      row->ends_.push_back(data.size());
      row->blank_ = !any;
      ++rows_read_;
      return true;
    }
    any = true;
    if (c == '"') {
      ++pos_;
      if (after_quote) {  // The second quote of "" inside a quoted field.
        data.push_back('"');
        in_quotes = true;
        after_quote = false;
      } else if (data.size() == field_begin && !field_quoted) {
        in_quotes = true;
        field_quoted = true;
      } else {
        data.push_back('"');  // Lenient: a stray quote is text.
      }
      // A run of stray quotes grows the record one byte at a time.
      if (data.size() > options_.max_row_bytes) return too_long();
      continue;
    }
    after_quote = false;
    const char* s = p;
    while (s < e && *s != delim && *s != '"' && *s != '\n' && *s != '\r') ++s;
    data.append(p, s);
    pos_ += static_cast<size_t>(s - p);
    if (data.size() > options_.max_row_bytes) return too_long();
  }
}

CsvWriter::CsvWriter(std::FILE* file, CsvWriterOptions options)
    : file_(file), options_(std::move(options)) {
  buffer_.reserve(options_.buffer_bytes + 1024);
}

CsvWriter::CsvWriter(std::ostream* stream, CsvWriterOptions options)
    : stream_(stream), options_(std::move(options)) {
  buffer_.reserve(options_.buffer_bytes + 1024);
}

CsvWriter::~CsvWriter() { Flush().IgnoreError(); }

void CsvWriter::WriteBom() { buffer_.append("\xEF\xBB\xBF"); }

void CsvWriter::AddField(std::string_view field) {
  if (fields_in_row_ > 0) buffer_.push_back(options_.delimiter);
  ++fields_in_row_;
  last_field_empty_ = field.empty();
  const char delim = options_.delimiter;
  bool needs_quotes = false;
  for (const char c : field) {
    if (c == delim || c == '"' || c == '\n' || c == '\r') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    buffer_.append(field.data(), field.size());
    return;
  }
  buffer_.push_back('"');
  for (const char c : field) {
    if (c == '"') buffer_.push_back('"');
    buffer_.push_back(c);
  }
  buffer_.push_back('"');
}

void CsvWriter::EndRow() {
  // A record of one empty field would otherwise be a blank line.
  if (fields_in_row_ == 1 && last_field_empty_) buffer_.append("\"\"");
  buffer_.append(options_.line_ending);
  fields_in_row_ = 0;
  ++rows_written_;
  if (buffer_.size() >= options_.buffer_bytes) Drain();
}

void CsvWriter::WriteRow(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) AddField(field);
  EndRow();
}

void CsvWriter::Drain() {
  if (buffer_.empty()) return;
  if (status_.ok()) {
    if (file_ != nullptr) {
      if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) !=
          buffer_.size()) {
        status_ = absl::DataLossError(
            absl::StrCat("writing CSV output: ", std::strerror(errno)));
      }
    } else {
      stream_->write(buffer_.data(),
                     static_cast<std::streamsize>(buffer_.size()));
      if (!stream_->good()) {
        status_ =
            absl::DataLossError("writing CSV output: stream write failed");
      }
    }
  }
  buffer_.clear();
}

absl::Status CsvWriter::Flush() {
  Drain();
  if (status_.ok()) {
    if (file_ != nullptr) {
      if (std::fflush(file_) != 0) {
        status_ = absl::DataLossError(
            absl::StrCat("flushing CSV output: ", std::strerror(errno)));
      }
    } else {
      stream_->flush();
      if (!stream_->good()) {
        status_ =
            absl::DataLossError("flushing CSV output: stream flush failed");
      }
    }
  }
  return status_;
}

}  // namespace dnc::leadlist
