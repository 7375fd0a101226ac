// InputFile streams the lines of one loader input: a plain text file, a .gz
// (read as one stream), or a .zip (each regular member in turn), decoded with
// libarchive. Memory is bounded: data arrives in blocks of about 1 MiB and
// only a line that spans two blocks is copied.
//
// Lines end with LF or CRLF (the CR is dropped); a last line without a
// newline still counts, and a UTF-8 byte order mark at the start of a file or
// member is skipped. Each line carries its location: the path as given (plus
// ":<member>" for zip members, e.g. "leads.zip:416.txt") and its 1-based line
// number, which restarts at 1 in every member.
//
// Containers read: zip and tar (any compression libarchive knows); anything
// else is read as one stream.
//
// The file is read once: the bytes libarchive fetches for the lines are also
// hashed (FileDigester), so Digest() gives the file's size and XXH3-128 as it
// lies on disk without a second pass.
//
// Ownership: owns the libarchive reader and the file descriptor.
// Thread-safety: thread-compatible.
#ifndef DNC_LOADER_INPUT_FILE_H_
#define DNC_LOADER_INPUT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "loader/file_digest.h"

struct archive;

namespace dnc::loader {

// Lines longer than this are cut here and flagged `truncated`; they are never
// numbers, and the cap keeps memory bounded on a file without newlines.
inline constexpr size_t kMaxLineBytes = 64 * 1024;

struct InputLine {
  // The line without its LF / CRLF. Valid until the next NextLine() call.
  std::string_view text;
  bool truncated = false;  // The line was longer than kMaxLineBytes.
};

class InputFile {
 public:
  // Opens `path` and positions before its first line. Errors: NotFound (no
  // such file, naming the path), InvalidArgument (a directory), DataLoss (a
  // .zip or .gz that is not one, or an archive libarchive cannot read, naming
  // the file), or the errno-derived status of the open.
  // `line_end` is the byte that ends a "line": '\n' for text; a scanner
  // of tag-structured data may split at '>' instead, so that a file on one
  // physical line still arrives in short pieces (the CR strip and BOM skip
  // apply as for text).
  static absl::StatusOr<std::unique_ptr<InputFile>> Open(
      const std::string& path, char line_end = '\n');

  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  // Reads the next line into *line: true when there is one, false at the end
  // of the last member. Errors: DataLoss naming the file and member (corrupt
  // archive, failed checksum, truncated stream).
  absl::StatusOr<bool> NextLine(InputLine* line);

  // Where the last line returned came from: "<path>" or "<path>:<member>".
  const std::string& location() const { return location_; }
  // The last line's 1-based number within location().
  uint64_t line_number() const { return line_number_; }
  // Members (or streams) started so far.
  uint64_t members() const { return members_; }

  // The size and XXH3-128 of the whole file as it lies on disk (compressed
  // bytes for a .zip or .gz): what was read for the lines, plus the bytes
  // reading them did not need (read now). Call once, when done reading.
  // Errors: the errno-derived status of a failed read.
  absl::StatusOr<FileDigest> Digest();

 private:
  struct Source;  // The file as libarchive reads it (input_file.cc).

  InputFile(std::string path, std::unique_ptr<Source> source, archive* reader,
            char line_end);

  // Advances to the next regular member. Returns false at the end.
  absl::StatusOr<bool> NextMember();
  // Fetches the next data block of the current member into block_.
  // Returns false at the end of the member.
  absl::StatusOr<bool> NextBlock();
  absl::Status ArchiveError(const char* operation) const;
  void StripLineEnd(InputLine* line);

  const std::string path_;
  const std::unique_ptr<Source> source_;  // Outlives reader_.
  archive* const reader_;                 // Owned; freed in the destructor.
  const char line_end_;        // '\n' unless Open() was told otherwise.
  bool is_container_ = false;  // Members have names worth reporting (zip...).
  bool in_member_ = false;
  bool finished_ = false;
  std::string member_name_;
  std::string location_;
  uint64_t line_number_ = 0;
  uint64_t members_ = 0;

  const char* block_ = nullptr;  // Current block, owned by libarchive.
  size_t block_size_ = 0;
  size_t block_pos_ = 0;
  std::string carry_;  // A line that spans blocks (at most kMaxLineBytes).
  bool carry_pending_ = false;  // carry_ holds the start of a line.
  bool carry_truncated_ = false;
  bool carry_returned_ = false;  // The last line returned was carry_.
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_INPUT_FILE_H_
