#include "loader/record_reader.h"

#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "loader/input_file.h"
#include "loader/record_text.h"

namespace dnc::loader {
namespace {

constexpr char kUnterminatedQuote[] = "unterminated quoted field";
constexpr char kTextAfterQuote[] = "text after a closing quote";
constexpr char kXmlMalformed[] = "malformed XML element";
constexpr char kXmlNoVal[] = "element without a val attribute";
constexpr char kXmlPhOutsideAc[] = "<ph> outside an <ac> element";
constexpr char kXmlUnexpected[] =
    "unexpected element (expected list, ac or ph)";
constexpr char kXmlText[] = "text outside XML elements";
constexpr char kXmlTooLong[] = "XML element longer than 65536 bytes";
constexpr char kXmlUnclosedList[] =
    "<list> not closed at the end of the file (truncated?)";

bool IsBlank(std::string_view text) { return Trim<IsSpaceOrLf>(text).empty(); }

uint64_t CountNewlines(std::string_view text) {
  uint64_t count = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    p = static_cast<const char*>(std::memchr(p, '\n', end - p));
    if (p == nullptr) break;
    ++count;
    ++p;
  }
  return count;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

void SetReject(RejectClass reject_class, const char* detail, Record* record) {
  record->kind = LineKind::kReject;
  record->key = 0;
  record->op = RecordOp::kAdd;
  record->date = 0;
  record->reject_class = reject_class;
  record->detail = detail;
}

// Starts `record` at `line` of `file`: its text and where it is. False when
// the line is too long to read, and then `record` is its reject.
bool StartRecord(const InputLine& line, const InputFile& file, Record* record) {
  record->text = line.text;
  record->location = file.location();
  record->line = file.line_number();
  if (!line.truncated) return true;
  SetReject(RejectClass::kMalformed, kLineTooLongDetail, record);
  return false;
}

void SetBlank(Record* record) {
  record->kind = LineKind::kBlank;
  record->key = 0;
  record->op = RecordOp::kAdd;
  record->date = 0;
  record->detail = nullptr;
}

void SetResult(const LineResult& result, Record* record) {
  record->kind = result.kind;
  record->key = result.key;
  record->op = result.op;
  record->date = result.date;
  record->reject_class = result.reject_class;
  record->detail = result.detail;
}

// One record per line: every layout RecordParser::Parse() reads.
class LineRecordReader final : public RecordReader {
 public:
  LineRecordReader(std::unique_ptr<InputFile> file, const RecordParser* parser)
      : file_(std::move(file)), parser_(parser) {}

  absl::StatusOr<bool> Next(Record* record) override {
    InputLine line;
    DNC_ASSIGN_OR_RETURN(const bool more, file_->NextLine(&line));
    if (!more) return false;
    if (!StartRecord(line, *file_, record)) return true;
    SetResult(parser_->Parse(line.text), record);
    return true;
  }

  uint64_t members() const override { return file_->members(); }
  absl::StatusOr<FileDigest> Digest() override { return file_->Digest(); }

 private:
  std::unique_ptr<InputFile> file_;
  const RecordParser* const parser_;
};

// Splits one CSV line. Calls `on_field(column, value)` for each field, with
// the quotes of a quoted field removed (a doubled quote inside stays as
// written). Returns nullptr, or the reason the line is malformed.
template <typename OnField>
const char* SplitCsv(std::string_view text, char delimiter,
                     OnField&& on_field) {
  size_t pos = 0;
  size_t column = 0;
  while (true) {
    size_t start = pos;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t') &&
           text[start] != delimiter) {
      ++start;
    }
    std::string_view value;
    size_t next;  // Position of the delimiter after the field, or size().
    if (start < text.size() && text[start] == '"') {
      size_t close = start + 1;
      while (true) {
        close = text.find('"', close);
        if (close == std::string_view::npos) return kUnterminatedQuote;
        if (close + 1 < text.size() && text[close + 1] == '"') {
          close += 2;
          continue;
        }
        break;
      }
      value = text.substr(start + 1, close - start - 1);
      next = close + 1;
      while (next < text.size() && text[next] != delimiter) {
        if (!IsSpaceOrLf(text[next])) return kTextAfterQuote;
        ++next;
      }
    } else {
      next = text.find(delimiter, pos);
      if (next == std::string_view::npos) next = text.size();
      value = text.substr(pos, next - pos);
    }
    on_field(column++, value);
    if (next >= text.size()) return nullptr;
    pos = next + 1;
  }
}

// csv:COLUMN and declared csv layouts: the first non-blank line of each file
// or member is the header naming the columns; layout fields are found by
// name (case-insensitive).
class CsvRecordReader final : public RecordReader {
 public:
  CsvRecordReader(std::unique_ptr<InputFile> file, const RecordParser* parser)
      : file_(std::move(file)),
        parser_(parser),
        views_(parser->layout().fields.size()) {}

  absl::StatusOr<bool> Next(Record* record) override {
    while (true) {
      InputLine line;
      DNC_ASSIGN_OR_RETURN(const bool more, file_->NextLine(&line));
      if (!more) return false;
      if (file_->members() != member_) {
        member_ = file_->members();
        header_read_ = false;
      }
      if (!StartRecord(line, *file_, record)) return true;
      if (IsBlank(line.text)) {
        SetBlank(record);
        return true;
      }
      if (!header_read_) {
        DNC_RETURN_IF_ERROR(ReadHeader(line.text));
        header_read_ = true;
        continue;  // The header is not a record.
      }
      for (std::string_view& view : views_) view = std::string_view();
      const char* problem = SplitCsv(
          line.text, parser_->layout().delimiter,
          [this](size_t column, std::string_view value) {
            if (column < column_field_.size() && column_field_[column] >= 0) {
              views_[static_cast<size_t>(column_field_[column])] = value;
            }
          });
      if (problem != nullptr) {
        SetReject(RejectClass::kMalformed, problem, record);
        return true;
      }
      SetResult(parser_->ParseFields(views_.data(), views_.size()), record);
      return true;
    }
  }

  uint64_t members() const override { return file_->members(); }
  absl::StatusOr<FileDigest> Digest() override { return file_->Digest(); }

 private:
  absl::Status ReadHeader(std::string_view text) {
    const std::vector<FieldSpec>& fields = parser_->layout().fields;
    std::vector<std::string> names;
    column_field_.clear();
    const char* problem =
        SplitCsv(text, parser_->layout().delimiter,
                 [&](size_t column, std::string_view value) {
                   const std::string_view name = Trim<IsSpaceOrLf>(value);
                   names.emplace_back(name);
                   int field_index = -1;
                   for (size_t i = 0; i < fields.size(); ++i) {
                     if (EqualsIgnoreCase(name, fields[i].name)) {
                       field_index = static_cast<int>(i);
                     }
                   }
                   column_field_.push_back(field_index);
                 });
    const std::string where =
        absl::StrCat(file_->location(), ":", file_->line_number());
    if (problem != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": csv header row: ", problem));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      bool found = false;
      for (const int index : column_field_)
        found |= index == static_cast<int>(i);
      if (!found) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": the csv header row has no column '", fields[i].name,
            "' (format ", parser_->layout().name,
            "; columns: ", absl::StrJoin(names, ", "),
            "); the first line of each file must name the columns"));
      }
    }
    return absl::OkStatus();
  }

  std::unique_ptr<InputFile> file_;
  const RecordParser* const parser_;
  uint64_t member_ = 0;
  bool header_read_ = false;
  std::vector<int> column_field_;  // Per header column: field index or -1.
  std::vector<std::string_view> views_;  // Per layout field.
};

// crtc-xml: a streaming scanner over pieces of the file that each end at a
// '>' (InputFile with line_end '>'), so a whole file on one line is fine.
// Each <ph val='...'/> is a record with the area code of the enclosing
// <ac val='...'>; the XML prolog, comments and DOCTYPE are skipped.
class CrtcXmlRecordReader final : public RecordReader {
 public:
  CrtcXmlRecordReader(std::unique_ptr<InputFile> file,
                      const RecordParser* parser)
      : file_(std::move(file)), parser_(parser) {}

  absl::StatusOr<bool> Next(Record* record) override {
    while (true) {
      if (pending_member_) {
        // The first piece of a member, held back while the previous member's
        // end was reported. Still valid: NextLine() was not called since.
        pending_member_ = false;
        StartMember();
        SetChunk(pending_piece_);
      }
      if (!have_chunk_) {
        DNC_ASSIGN_OR_RETURN(const bool more, file_->NextLine(&pending_piece_));
        if (!more) return EndOfMember(record);
        if (file_->members() != member_) {
          // A new member: report how the previous one ended first (the
          // record points into this member's state), then come back.
          if (member_ != 0 && EndOfMember(record)) {
            pending_member_ = true;
            return true;
          }
          StartMember();
        }
        SetChunk(pending_piece_);
      }
      if (ScanChunk(record)) return true;
    }
  }

  uint64_t members() const override { return file_->members(); }
  absl::StatusOr<FileDigest> Digest() override { return file_->Digest(); }

 private:
  void StartMember() {
    member_ = file_->members();
    location_ = file_->location();
    next_line_ = 1;
    piece_ends_line_ = false;
    in_ac_ = false;
    list_open_ = false;
    in_comment_ = false;
    area_.clear();
  }

  void SetChunk(const InputLine& piece) {
    chunk_ = piece.text;
    chunk_truncated_ = piece.truncated;
    chunk_line_ = next_line_;
    next_line_ += CountNewlines(chunk_);
    piece_ends_line_ = !chunk_.empty() && chunk_.back() == '\n';
    offset_ = 0;
    have_chunk_ = true;
  }

  // At the end of a member: a reject if its <list> was never closed, on the
  // member's last line (next_line_ is past it only when the member ends
  // with a line break).
  bool EndOfMember(Record* record) {
    if (!list_open_) return false;
    list_open_ = false;
    record->location = location_;
    record->line =
        piece_ends_line_ && next_line_ > 1 ? next_line_ - 1 : next_line_;
    record->text = std::string_view();
    SetReject(RejectClass::kMalformed, kXmlUnclosedList, record);
    return true;
  }

  uint64_t LineAt(size_t offset) const {
    return chunk_line_ + CountNewlines(chunk_.substr(0, offset));
  }

  void Reject(const char* detail, size_t offset, std::string_view text,
              bool element, Record* record) {
    if (element) {
      reject_text_.assign("<");
      reject_text_.append(text.data(), text.size());
      reject_text_.append(">");
      record->text = reject_text_;
    } else {
      record->text = text;
    }
    record->location = location_;
    record->line = LineAt(offset);
    SetReject(RejectClass::kMalformed, detail, record);
  }

  // Scans the rest of the current piece: "[text]<element" (its '>' was the
  // line end). Returns true when it produced a record.
  bool ScanChunk(Record* record) {
    const std::string_view rest = chunk_.substr(offset_);
    if (in_comment_) {
      have_chunk_ = false;
      if (rest.size() >= 2 && rest.substr(rest.size() - 2) == "--") {
        in_comment_ = false;
      }
      return false;
    }
    const size_t lt = rest.find('<');
    const std::string_view text =
        lt == std::string_view::npos ? rest : rest.substr(0, lt);
    if (!IsBlank(text)) {
      size_t first = 0;
      while (IsSpaceOrLf(text[first])) ++first;
      Reject(chunk_truncated_ ? kXmlTooLong : kXmlText, offset_ + first,
             Trim<IsSpaceOrLf>(text), false, record);
      if (lt == std::string_view::npos) {
        have_chunk_ = false;
      } else {
        offset_ += lt;
      }
      return true;
    }
    have_chunk_ = false;
    if (lt == std::string_view::npos) return false;  // Whitespace only.
    const size_t element_offset = offset_ + lt;
    const std::string_view element = rest.substr(lt + 1);
    if (chunk_truncated_) {
      Reject(kXmlTooLong, element_offset, element.substr(0, 64), true, record);
      return true;
    }
    return ScanElement(element, element_offset, record);
  }

  bool ScanElement(std::string_view element, size_t offset, Record* record) {
    if (element.substr(0, 3) == "!--") {
      in_comment_ =
          element.size() < 5 || element.substr(element.size() - 2) != "--";
      return false;
    }
    if (!element.empty() && (element[0] == '?' || element[0] == '!')) {
      return false;  // <?xml ...?>, <!DOCTYPE ...>
    }
    const bool closing = !element.empty() && element[0] == '/';
    std::string_view body = closing ? element.substr(1) : element;
    const bool self_closing = !body.empty() && body.back() == '/';
    if (self_closing) body.remove_suffix(1);
    size_t name_end = 0;
    while (name_end < body.size() && !IsSpaceOrLf(body[name_end])) ++name_end;
    const std::string_view name = body.substr(0, name_end);
    const std::string_view attributes = body.substr(name_end);
    if (closing) {
      if (self_closing || !IsBlank(attributes)) {
        Reject(kXmlMalformed, offset, element, true, record);
        return true;
      }
      if (name == "list") {
        list_open_ = false;
      } else if (name == "ac") {
        in_ac_ = false;
        area_.clear();
      } else if (name != "ph") {
        Reject(kXmlUnexpected, offset, element, true, record);
        return true;
      }
      return false;
    }
    if (name == "list") {
      list_open_ = !self_closing;
      return false;
    }
    if (name != "ac" && name != "ph") {
      Reject(name.empty() ? kXmlMalformed : kXmlUnexpected, offset, element,
             true, record);
      return true;
    }
    std::string_view value;
    bool has_value = false;
    if (!FindVal(attributes, &value, &has_value)) {
      Reject(kXmlMalformed, offset, element, true, record);
      return true;
    }
    if (name == "ac") {
      in_ac_ = !self_closing;
      area_.assign(value.data(), value.size());
      if (!has_value) {
        in_ac_ = false;
        Reject(kXmlNoVal, offset, element, true, record);
        return true;
      }
      return false;
    }
    // <ph>
    if (!has_value) {
      Reject(kXmlNoVal, offset, element, true, record);
      return true;
    }
    if (!in_ac_) {
      Reject(kXmlPhOutsideAc, offset, element, true, record);
      return true;
    }
    const std::string_view fields[2] = {area_, value};
    const LineResult result = parser_->ParseFields(fields, 2);
    if (result.kind == LineKind::kReject) {
      Reject(result.detail, offset, element, true, record);
      record->reject_class = result.reject_class;
      return true;
    }
    record->text = element;
    record->location = location_;
    record->line = LineAt(offset);
    SetResult(result, record);
    return true;
  }

  // Reads attributes `name='value'` / `name="value"`; finds val. Returns
  // false when the attribute list is malformed.
  static bool FindVal(std::string_view attributes, std::string_view* value,
                      bool* has_value) {
    size_t i = 0;
    while (true) {
      while (i < attributes.size() && IsSpaceOrLf(attributes[i])) ++i;
      if (i == attributes.size()) return true;
      const size_t name_start = i;
      while (i < attributes.size() && attributes[i] != '=' &&
             !IsSpaceOrLf(attributes[i])) {
        ++i;
      }
      const std::string_view name =
          attributes.substr(name_start, i - name_start);
      while (i < attributes.size() && IsSpaceOrLf(attributes[i])) ++i;
      if (name.empty() || i == attributes.size() || attributes[i] != '=') {
        return false;
      }
      ++i;
      while (i < attributes.size() && IsSpaceOrLf(attributes[i])) ++i;
      if (i == attributes.size() ||
          (attributes[i] != '\'' && attributes[i] != '"')) {
        return false;
      }
      const char quote = attributes[i++];
      const size_t close = attributes.find(quote, i);
      if (close == std::string_view::npos) return false;
      if (name == "val") {
        if (*has_value) return false;  // val given twice.
        *value = attributes.substr(i, close - i);
        *has_value = true;
      }
      i = close + 1;
      if (i < attributes.size() && !IsSpaceOrLf(attributes[i])) return false;
    }
  }

  std::unique_ptr<InputFile> file_;
  const RecordParser* const parser_;
  uint64_t member_ = 0;
  std::string location_;          // Of the member being scanned.
  uint64_t next_line_ = 1;        // Physical line where the next piece starts.
  bool piece_ends_line_ = false;  // The last piece ended with a line break.
  bool pending_member_ = false;
  InputLine pending_piece_;  // The last piece NextLine() returned.
  bool have_chunk_ = false;
  std::string_view chunk_;  // The current piece (without its '>').
  bool chunk_truncated_ = false;
  uint64_t chunk_line_ = 1;  // Physical line where chunk_ starts.
  size_t offset_ = 0;        // Scanned up to here in chunk_.
  bool in_ac_ = false;
  bool list_open_ = false;
  bool in_comment_ = false;
  std::string area_;         // val of the enclosing <ac>.
  std::string reject_text_;  // "<element>" of the last reject.
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(
    const std::string& path, const RecordParser* parser) {
  switch (parser->layout().shape) {
    case LayoutShape::kCsv: {
      DNC_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file,
                           InputFile::Open(path));
      return std::unique_ptr<RecordReader>(
          new CsvRecordReader(std::move(file), parser));
    }
    case LayoutShape::kCrtcXml: {
      DNC_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file,
                           InputFile::Open(path, '>'));
      return std::unique_ptr<RecordReader>(
          new CrtcXmlRecordReader(std::move(file), parser));
    }
    case LayoutShape::kDelimited:
    case LayoutShape::kWholeLine:
    case LayoutShape::kFixedWidth:
      break;
  }
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
  return std::unique_ptr<RecordReader>(
      new LineRecordReader(std::move(file), parser));
}

}  // namespace dnc::loader
