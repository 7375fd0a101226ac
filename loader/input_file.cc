#include "loader/input_file.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace dnc::loader {
namespace {

constexpr size_t kReadBlockBytes = 1 << 20;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool HasSuffixIgnoreCase(const std::string& path, absl::string_view suffix) {
  return absl::EndsWithIgnoreCase(path, suffix);
}

struct ArchiveDeleter {
  void operator()(archive* reader) const { archive_read_free(reader); }
};

}  // namespace

// The file as libarchive reads it, through the callbacks below: what
// archive_read_open_filename() does for a regular file (blocks of
// kReadBlockBytes, skips and seeks by lseek(), the same error messages), plus
// the digest of every block read.
struct InputFile::Source {
  Source(std::string path_in, int fd_in)
      : path(std::move(path_in)), fd(fd_in), buffer(kReadBlockBytes) {}
  ~Source() { close(fd); }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  static la_ssize_t Read(archive* reader, void* data, const void** block) {
    Source* source = static_cast<Source*>(data);
    *block = source->buffer.data();
    while (true) {
      const ssize_t got =
          read(source->fd, source->buffer.data(), source->buffer.size());
      if (got < 0) {
        if (errno == EINTR) continue;
        archive_set_error(reader, errno, "Error reading '%s'",
                          source->path.c_str());
        return got;
      }
      source->digester.Consume(source->offset, source->buffer.data(),
                               static_cast<size_t>(got));
      source->offset += static_cast<uint64_t>(got);
      return got;
    }
  }

  static la_int64_t Skip(archive* reader, void* data, la_int64_t request) {
    Source* source = static_cast<Source*>(data);
    const off_t before = lseek(source->fd, 0, SEEK_CUR);
    const off_t after =
        before < 0 ? before : lseek(source->fd, request, SEEK_CUR);
    if (after >= 0) {
      source->offset = static_cast<uint64_t>(after);
      return after - before;
    }
    if (errno == ESPIPE) return 0;  // libarchive reads and discards instead.
    archive_set_error(reader, errno, "Error seeking in '%s'",
                      source->path.c_str());
    return -1;
  }

  static la_int64_t Seek(archive* reader, void* data, la_int64_t request,
                         int whence) {
    Source* source = static_cast<Source*>(data);
    const off_t at = lseek(source->fd, request, whence);
    if (at >= 0) {
      source->offset = static_cast<uint64_t>(at);
      return at;
    }
    archive_set_error(reader, errno, "Error seeking in '%s'",
                      source->path.c_str());
    return ARCHIVE_FATAL;
  }

  const std::string path;
  const int fd;
  std::vector<char> buffer;  // The block handed to libarchive.
  uint64_t offset = 0;       // Of the next read, in the file.
  FileDigester digester;
};

absl::StatusOr<std::unique_ptr<InputFile>> InputFile::Open(
    const std::string& path, char line_end) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      return absl::NotFoundError(
          absl::StrCat("input file '", path, "' does not exist"));
    }
    return absl::ErrnoToStatus(error, absl::StrCat("stat '", path, "'"));
  }
  if (S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", path, "' is a directory; pass the files inside it"));
  }

  std::unique_ptr<archive, ArchiveDeleter> reader(archive_read_new());
  if (reader == nullptr) {
    return absl::ResourceExhaustedError("archive_read_new failed");
  }
  archive_read_support_filter_all(reader.get());
  // Only containers with strict signatures. archive_read_support_format_all
  // would also bid text formats (mtree) that claim plain number lists and
  // then fail on them or read no entries.
  archive_read_support_format_zip(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_empty(reader.get());
  // A bare compressed stream (.gz) or plain text has no container format:
  // "raw" reads it as one entry.
  archive_read_support_format_raw(reader.get());
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == EACCES || error == EPERM) {
      return absl::ErrnoToStatus(error, absl::StrCat("open '", path, "'"));
    }
    return absl::DataLossError(absl::StrCat("cannot read input '", path,
                                            "': Failed to open '", path, "'"));
  }
  auto source = std::make_unique<Source>(path, fd);
  archive_read_set_read_callback(reader.get(), &Source::Read);
  archive_read_set_skip_callback(reader.get(), &Source::Skip);
  archive_read_set_seek_callback(reader.get(), &Source::Seek);
  archive_read_set_callback_data(reader.get(), source.get());
  if (archive_read_open1(reader.get()) != ARCHIVE_OK) {
    const int error = archive_errno(reader.get());
    const char* message = archive_error_string(reader.get());
    if (error == EACCES || error == EPERM) {
      return absl::ErrnoToStatus(error, absl::StrCat("open '", path, "'"));
    }
    return absl::DataLossError(absl::StrCat("cannot read input '", path,
                                            "': ", message ? message : "?"));
  }
  std::unique_ptr<InputFile> file(
      new InputFile(path, std::move(source), reader.release(), line_end));
  // Read the first header now so that a corrupt or mislabelled archive is
  // reported by Open().
  DNC_RETURN_IF_ERROR(file->NextMember().status());
  return file;
}

InputFile::InputFile(std::string path, std::unique_ptr<Source> source,
                     archive* reader, char line_end)
    : path_(std::move(path)),
      source_(std::move(source)),
      reader_(reader),
      line_end_(line_end),
      location_(path_) {}

InputFile::~InputFile() { archive_read_free(reader_); }

absl::StatusOr<FileDigest> InputFile::Digest() {
  return source_->digester.Finish(source_->fd, path_);
}

absl::Status InputFile::ArchiveError(const char* operation) const {
  const char* message = archive_error_string(reader_);
  std::string where = absl::StrCat("'", path_, "'");
  if (is_container_ && members_ > 0) {
    absl::StrAppend(&where, " member '", member_name_, "'");
  }
  return absl::DataLossError(absl::StrCat(operation, " ", where, ": ",
                                          message ? message : "unknown error",
                                          " (corrupt or truncated file?)"));
}

absl::StatusOr<bool> InputFile::NextMember() {
  while (true) {
    archive_entry* entry = nullptr;
    const int result = archive_read_next_header(reader_, &entry);
    if (result == ARCHIVE_EOF) {
      finished_ = true;
      in_member_ = false;
      return false;
    }
    if (result < ARCHIVE_WARN) {
      finished_ = true;
      return ArchiveError("reading the next member of");
    }
    const int format = archive_format(reader_) & ARCHIVE_FORMAT_BASE_MASK;
    if (members_ == 0) {
      if (HasSuffixIgnoreCase(path_, ".zip") && format != ARCHIVE_FORMAT_ZIP) {
        finished_ = true;
        return absl::DataLossError(absl::StrCat(
            "input '", path_, "' is named .zip but is not a zip archive"));
      }
      if (HasSuffixIgnoreCase(path_, ".gz") &&
          archive_filter_code(reader_, 0) != ARCHIVE_FILTER_GZIP) {
        finished_ = true;
        return absl::DataLossError(absl::StrCat(
            "input '", path_, "' is named .gz but is not gzip-compressed"));
      }
    }
    is_container_ =
        format != ARCHIVE_FORMAT_RAW && format != ARCHIVE_FORMAT_EMPTY;
    if (is_container_ && archive_entry_filetype(entry) != AE_IFREG) {
      continue;  // Directories, links: nothing to read.
    }
    const char* name = archive_entry_pathname(entry);
    member_name_ = name != nullptr ? name : "?";
    location_ = is_container_ ? absl::StrCat(path_, ":", member_name_) : path_;
    line_number_ = 0;
    in_member_ = true;
    block_ = nullptr;
    block_size_ = 0;
    block_pos_ = 0;
    ++members_;
    return true;
  }
}

absl::StatusOr<bool> InputFile::NextBlock() {
  const void* buffer = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  const int result = archive_read_data_block(reader_, &buffer, &size, &offset);
  if (result == ARCHIVE_EOF) return false;
  if (result != ARCHIVE_OK) {
    // ARCHIVE_WARN here means a failed checksum: the data is not trustworthy.
    finished_ = true;
    return ArchiveError("reading");
  }
  block_ = static_cast<const char*>(buffer);
  block_size_ = size;
  block_pos_ = 0;
  return true;
}

void InputFile::StripLineEnd(InputLine* line) {
  ++line_number_;
  std::string_view text = line->text;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (line_number_ == 1 && text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    text.remove_prefix(kUtf8Bom.size());
  }
  line->text = text;
}

absl::StatusOr<bool> InputFile::NextLine(InputLine* line) {
  if (carry_returned_) {
    carry_.clear();
    carry_truncated_ = false;
    carry_pending_ = false;
    carry_returned_ = false;
  }
  while (true) {
    if (finished_) return false;
    if (!in_member_) {
      DNC_ASSIGN_OR_RETURN(const bool more, NextMember());
      if (!more) return false;
      continue;
    }
    if (block_pos_ < block_size_) {
      const char* start = block_ + block_pos_;
      const size_t available = block_size_ - block_pos_;
      const char* newline =
          static_cast<const char*>(std::memchr(start, line_end_, available));
      const size_t length =
          newline != nullptr ? static_cast<size_t>(newline - start) : available;
      block_pos_ += newline != nullptr ? length + 1 : length;
      if (!carry_pending_ && newline != nullptr) {
        // The common case: the whole line is inside this block.
        line->truncated = length > kMaxLineBytes;
        line->text =
            std::string_view(start, line->truncated ? kMaxLineBytes : length);
        StripLineEnd(line);
        return true;
      }
      const size_t room = kMaxLineBytes - carry_.size();
      if (length > room) carry_truncated_ = true;
      carry_.append(start, length < room ? length : room);
      carry_pending_ = true;
      if (newline == nullptr) continue;  // The line goes on in the next block.
    } else {
      DNC_ASSIGN_OR_RETURN(const bool more, NextBlock());
      if (more) continue;
      in_member_ = false;  // End of member; flush a last unterminated line.
      if (!carry_pending_) continue;
    }
    line->text = carry_;
    line->truncated = carry_truncated_;
    carry_returned_ = true;
    StripLineEnd(line);
    return true;
  }
}

}  // namespace dnc::loader
