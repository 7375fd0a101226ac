#include "storage/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/crash_point.h"

namespace dnc::storage {
namespace {

absl::Status WriteAll(int fd, const void* data, size_t bytes,
                      const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::write(fd, p, bytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("write ", path));
    }
    p += n;
    bytes -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Writes `pieces` to a new file at `tmp_path`, fsyncs and closes it.
absl::Status WriteAndSync(const std::string& tmp_path,
                          std::initializer_list<ByteRange> pieces) {
  int fd;
  do {
    fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("create ", tmp_path));
  }
  absl::Status status;
  for (const ByteRange& piece : pieces) {
    if (!status.ok()) break;
    status = WriteAll(fd, piece.data, piece.size, tmp_path);
  }
  if (status.ok() && ::fsync(fd) != 0) {
    status = absl::ErrnoToStatus(errno, absl::StrCat("fsync ", tmp_path));
  }
  if (::close(fd) != 0 && status.ok()) {
    status = absl::ErrnoToStatus(errno, absl::StrCat("close ", tmp_path));
  }
  return status;
}

// Makes a rename in the directory of `path` durable.
absl::Status SyncParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos
                              ? "."
                              : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("open ", dir));
  absl::Status status;
  if (::fsync(fd) != 0) {
    status = absl::ErrnoToStatus(errno, absl::StrCat("fsync ", dir));
  }
  ::close(fd);
  return status;
}

std::atomic<uint64_t> g_temp_counter{0};

}  // namespace

absl::Status WriteFileDurably(const std::string& path,
                              std::initializer_list<ByteRange> pieces,
                              const DurableWriteOptions& options) {
  const std::string tmp_path =
      !options.temp_path.empty()
          ? options.temp_path
          : absl::StrCat(path, ".tmp.", ::getpid(), ".", g_temp_counter++);
  absl::Status status = WriteAndSync(tmp_path, pieces);
  if (status.ok() && !options.crash_point_before_rename.empty()) {
    CrashPoint(options.crash_point_before_rename);
  }
  if (status.ok() && ::rename(tmp_path.c_str(), path.c_str()) != 0) {
    status = absl::ErrnoToStatus(
        errno, absl::StrCat("rename ", tmp_path, " to ", path));
  }
  if (!status.ok()) {
    ::unlink(tmp_path.c_str());
    return status;
  }
  return SyncParentDir(path);
}

absl::Status WriteFileDurably(const std::string& path,
                              std::string_view contents) {
  return WriteFileDurably(path, {{contents.data(), contents.size()}});
}

}  // namespace dnc::storage
