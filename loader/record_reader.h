// RecordReader is the one way the loader reads registry records, whatever the
// format: it opens an input (plain, .gz or .zip, through InputFile), reads it
// with a RecordParser's layout and returns one Record at a time, each with
// where it came from. Line formats (ftc-flat, ftc-change, crtc-flat, uk-tps,
// lines, declared delimited / fixed-width layouts) give one record per line;
// csv:COLUMN reads the header row of each file or member first (it is not a
// record); crtc-xml gives one record per <ph> element, and a malformed
// element is a reject carrying the line it starts on.
//
// Every record is exactly one of: a key (with op and date), blank (a line of
// only spaces; counted, not rejected), or a reject (MALFORMED or INVALID with
// a reason). Lines longer than kMaxLineBytes are rejects.
//
// Typical use:
//   DNC_ASSIGN_OR_RETURN(auto reader, RecordReader::Open(path, &parser));
//   Record record;
//   while (true) {
//     DNC_ASSIGN_OR_RETURN(const bool more, reader->Next(&record));
//     if (!more) break;
//     ...record.kind, record.key, record.op, record.location, record.line...
//   }
//
// Each input is read once: the reader also yields the file's digest for the
// MANIFEST (Digest()), hashed from the bytes read for the records.
//
// Ownership: owns its InputFile; borrows the parser (must outlive the
// reader). Thread-safety: thread-compatible.
#ifndef DNC_LOADER_RECORD_READER_H_
#define DNC_LOADER_RECORD_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/civil_date.h"
#include "loader/file_digest.h"
#include "loader/record_format.h"

namespace dnc::loader {

// The reason of a record cut at kMaxLineBytes.
inline constexpr char kLineTooLongDetail[] = "line longer than 65536 bytes";

struct Record {
  LineKind kind = LineKind::kReject;
  uint64_t key = 0;              // kKey: the E.164 number.
  RecordOp op = RecordOp::kAdd;  // kKey: kAdd unless a flag says delete.
  DayNumber date = 0;            // kKey: the record's date; 0 if none.
  // kReject: the class and a static or parser-owned reason, never null;
  // RejectReason(reject_class, detail) gives "malformed: ...".
  RejectClass reject_class = RejectClass::kMalformed;
  const char* detail = nullptr;
  // The raw line (or XML element) as read, for reject logs. Valid until the
  // next Next() call.
  std::string_view text;
  // "<path>" or "<path>:<member>", and the 1-based line the record starts
  // on within it. `location` is valid until the next Next() call.
  std::string_view location;
  uint64_t line = 0;

  bool is_key() const { return kind == LineKind::kKey; }
};

class RecordReader {
 public:
  // Opens `path` for reading with `parser`'s layout. `parser` must outlive
  // the reader. Errors: those of InputFile::Open (NotFound, InvalidArgument
  // for a directory, DataLoss for a bad archive).
  static absl::StatusOr<std::unique_ptr<RecordReader>> Open(
      const std::string& path, const RecordParser* parser);

  virtual ~RecordReader() = default;
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // Reads the next record into *record: true when there is one, false at the
  // end of the input. No allocation per record in the steady state.
  // Errors: DataLoss naming file and member (corrupt archive); for csv
  // layouts, InvalidArgument when a file's header row lacks a named column
  // (message "<location>:<line>: ...").
  virtual absl::StatusOr<bool> Next(Record* record) = 0;

  // Streams read so far: 1 per plain/.gz file, 1 per zip member.
  virtual uint64_t members() const = 0;

  // The input's size and XXH3-128 as it lies on disk, from the bytes read
  // for its records (InputFile::Digest()). Call once, after Next() returned
  // false. Errors: those of InputFile::Digest().
  virtual absl::StatusOr<FileDigest> Digest() = 0;

 protected:
  RecordReader() = default;
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_RECORD_READER_H_
