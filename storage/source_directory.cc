#include "storage/source_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "storage/crash_point.h"
#include "storage/durable_file.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kSourcesDirName[] = "sources";
constexpr char kCurrentFileName[] = "CURRENT";
constexpr char kCurrentTempFileName[] = "CURRENT.tmp";
constexpr char kLockFileName[] = "LOCK";
constexpr char kTempPrefix[] = ".tmp-";
constexpr char kGcPrefix[] = ".tmp-gc-";  // Also a kTempPrefix name.

std::string SourcesDir(const std::string& data_dir) {
  return absl::StrCat(data_dir, "/", kSourcesDirName);
}

std::string SourceDir(const std::string& data_dir, const std::string& source) {
  return absl::StrCat(SourcesDir(data_dir), "/", source);
}

std::string GenerationName(uint64_t number) {
  return absl::StrFormat("g%06d", number);
}

// "g" followed by 1-19 digits (what GenerationName writes, and more).
bool ParseGenerationName(std::string_view name, uint64_t* number) {
  if (name.size() < 2 || name.size() > 20 || name[0] != 'g') return false;
  uint64_t value = 0;
  for (char c : name.substr(1)) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  *number = value;
  return true;
}

// absl::ErrnoToStatus appends ": <strerror>" to the message.
absl::Status ErrnoError(int error, const std::string& what) {
  return absl::ErrnoToStatus(error, what);
}

absl::Status FsError(const std::error_code& ec, const std::string& what) {
  return absl::ErrnoToStatus(ec.value(), what);
}

absl::Status FsyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(),
                        O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return ErrnoError(errno, absl::StrCat("fsync: open ", path));
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoError(error, absl::StrCat("fsync ", path));
  }
  ::close(fd);
  return absl::OkStatus();
}

// fsyncs every regular file and directory under `root` (symlinks are not
// followed), then `root` itself.
absl::Status FsyncTree(const std::string& root) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec);
  const fs::recursive_directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::file_status status = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_regular_file(status) || fs::is_directory(status)) {
      DNC_RETURN_IF_ERROR(
          FsyncPath(it->path().string(), fs::is_directory(status)));
    }
  }
  if (ec) return FsError(ec, absl::StrCat("fsync: walk ", root));
  return FsyncPath(root, /*directory=*/true);
}

// The generation name CURRENT holds, or nullopt when there is no CURRENT.
absl::StatusOr<std::optional<std::string>> ReadCurrent(
    const std::string& source_dir) {
  const std::string path = absl::StrCat(source_dir, "/", kCurrentFileName);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) return std::optional<std::string>();
    return ErrnoError(error, absl::StrCat("read ", path));
  }
  char buffer[64];
  size_t size = 0;
  while (size < sizeof(buffer)) {
    const ssize_t n = ::read(fd, buffer + size, sizeof(buffer) - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return ErrnoError(error, absl::StrCat("read ", path));
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  ::close(fd);
  std::string_view text(buffer, size);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  uint64_t number = 0;
  if (!ParseGenerationName(text, &number)) {
    return absl::DataLossError(
        absl::StrCat("read ", path,
                     ": expected one line naming a generation (e.g. g000001)"
                     ", found '",
                     absl::CHexEscape(std::string(text.substr(0, 32))), "'"));
  }
  return std::optional<std::string>(std::string(text));
}

absl::Status WriteCurrent(const std::string& source_dir,
                          const std::string& generation) {
  DurableWriteOptions options;
  options.temp_path = absl::StrCat(source_dir, "/", kCurrentTempFileName);
  options.crash_point_before_rename = "current-tmp-written";
  const std::string line = generation + "\n";
  return WriteFileDurably(absl::StrCat(source_dir, "/", kCurrentFileName),
                          {{line.data(), line.size()}}, options);
}

absl::Status CheckSourceId(const std::string& source) {
  if (IsValidSourceId(source)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid source id '", source,
      "': expected 1-64 characters of a-z, 0-9 and '-', not starting "
      "with '-'"));
}

absl::Status CheckKeepGenerations(int keep_generations) {
  if (keep_generations >= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("keep_generations is ", keep_generations,
                   "; at least 1 (the published generation) must be kept"));
}

// Opens and flock()s the source's LOCK file. Returns the descriptor.
absl::StatusOr<int> LockSource(const std::string& source_dir,
                               const std::string& source) {
  const std::string lock_path = absl::StrCat(source_dir, "/", kLockFileName);
  const int lock_fd =
      ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return ErrnoError(errno, absl::StrCat("open ", lock_path));
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(lock_fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(
          absl::StrCat("another dnc-load is loading source ", source,
                       " (lock file ", lock_path, " is held)"));
    }
    return ErrnoError(error, absl::StrCat("lock ", lock_path));
  }
  return lock_fd;
}

// Removes the generation dirs of `source_dir` older than the newest
// `keep_generations` at or below `current_number`, oldest first, appending
// their names to `removed`. REQUIRES: the caller holds the source's lock.
absl::Status CollectGarbage(const std::string& source_dir,
                            uint64_t current_number, int keep_generations,
                            std::vector<std::string>* removed) {
  std::vector<std::pair<uint64_t, std::string>> generations;
  std::error_code ec;
  fs::directory_iterator it(source_dir, ec);
  const fs::directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    uint64_t number = 0;
    if (!ParseGenerationName(name, &number) || number > current_number) {
      continue;
    }
    std::error_code dir_ec;
    if (!fs::is_directory(it->symlink_status(dir_ec))) continue;
    generations.emplace_back(number, name);
  }
  if (ec)
    return FsError(ec, absl::StrCat("garbage collection: list ", source_dir));
  std::sort(generations.begin(), generations.end());
  const size_t keep = static_cast<size_t>(keep_generations);
  if (generations.size() <= keep) return absl::OkStatus();
  generations.resize(generations.size() - keep);  // The doomed, oldest first.
  for (const auto& [number, name] : generations) {
    const std::string dir = absl::StrCat(source_dir, "/", name);
    // Rename first: a crash below leaves a temp dir (removed by the next
    // BeginGeneration), never a half-deleted generation.
    const std::string doomed =
        absl::StrCat(source_dir, "/", kGcPrefix, name, "-", ::getpid());
    if (::rename(dir.c_str(), doomed.c_str()) != 0) {
      return ErrnoError(errno, absl::StrCat("garbage collection: rename ", dir,
                                            " to ", doomed));
    }
    CrashPoint("mid-gc");
    fs::remove_all(doomed, ec);
    if (ec) {
      return FsError(ec, absl::StrCat("garbage collection: remove ", doomed));
    }
    removed->push_back(name);
  }
  return FsyncPath(source_dir, /*directory=*/true);
}

}  // namespace

bool IsValidSourceId(const std::string& source) {
  if (source.empty() || source.size() > 64 || source[0] == '-') return false;
  for (char c : source) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<std::vector<std::string>> ListPublishedSources(
    const std::string& data_dir) {
  std::vector<std::string> sources;
  const std::string dir = SourcesDir(data_dir);
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return sources;
  const fs::directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!IsValidSourceId(name)) continue;
    std::error_code file_ec;
    if (fs::is_regular_file(it->path() / kCurrentFileName, file_ec)) {
      sources.push_back(name);
    }
  }
  if (ec) return FsError(ec, absl::StrCat("list sources in ", dir));
  std::sort(sources.begin(), sources.end());
  return sources;
}

absl::StatusOr<std::optional<std::string>> CurrentGenerationDir(
    const std::string& data_dir, const std::string& source) {
  if (!IsValidSourceId(source)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid source id '", source,
        "': expected 1-64 characters of a-z, 0-9 and '-', not starting "
        "with '-'"));
  }
  const std::string source_dir = SourceDir(data_dir, source);
  DNC_ASSIGN_OR_RETURN(std::optional<std::string> current,
                       ReadCurrent(source_dir));
  if (!current.has_value()) return std::optional<std::string>();
  std::string dir = absl::StrCat(source_dir, "/", *current);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::DataLossError(
        absl::StrCat(source_dir, "/", kCurrentFileName, " names generation ",
                     *current, " but ", dir, " is not a directory"));
  }
  return std::optional<std::string>(std::move(dir));
}

PendingGeneration::PendingGeneration(PendingGeneration&& other) noexcept
    : source_dir_(std::move(other.source_dir_)),
      temp_dir_(std::move(other.temp_dir_)),
      generation_(std::move(other.generation_)),
      generation_number_(other.generation_number_),
      previous_dir_(std::move(other.previous_dir_)),
      lock_fd_(other.lock_fd_) {
  other.temp_dir_.clear();
  other.lock_fd_ = -1;
}

PendingGeneration::~PendingGeneration() {
  if (!temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
    if (ec) {
      // The next BeginGeneration() removes it (it holds the lock then).
      DNC_LOG(Warning) << "could not remove unpublished generation "
                       << temp_dir_ << ": " << ec.message();
    }
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // Releases the flock.
}

absl::StatusOr<PendingGeneration> BeginGeneration(const std::string& data_dir,
                                                  const std::string& source) {
  DNC_RETURN_IF_ERROR(CheckSourceId(source));
  const std::string source_dir = SourceDir(data_dir, source);
  std::error_code ec;
  fs::create_directories(source_dir, ec);
  if (ec) return FsError(ec, absl::StrCat("create ", source_dir));

  DNC_ASSIGN_OR_RETURN(const int lock_fd, LockSource(source_dir, source));
  PendingGeneration pending;  // From here on, owns the lock.
  pending.lock_fd_ = lock_fd;
  pending.source_dir_ = source_dir;

  DNC_ASSIGN_OR_RETURN(std::optional<std::string> current,
                       ReadCurrent(source_dir));
  uint64_t current_number = 0;
  if (current.has_value()) {
    ParseGenerationName(*current, &current_number);
    const std::string current_dir = absl::StrCat(source_dir, "/", *current);
    if (!fs::is_directory(current_dir, ec)) {
      return absl::DataLossError(
          absl::StrCat(source_dir, "/", kCurrentFileName, " names generation ",
                       *current, " but ", current_dir, " is not a directory"));
    }
    pending.previous_dir_ = current_dir;
  }

  // We hold the lock, so anything unpublished here is a leftover of a
  // loader that died: temp dirs, and generation dirs newer than CURRENT
  // (renamed into place, but CURRENT never switched to them).
  uint64_t max_number = current_number;
  std::vector<fs::path> leftovers;
  fs::directory_iterator it(source_dir, ec);
  const fs::directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    uint64_t number = 0;
    if (name.rfind(kTempPrefix, 0) == 0 || name == kCurrentTempFileName) {
      leftovers.push_back(it->path());
    } else if (ParseGenerationName(name, &number)) {
      std::error_code dir_ec;
      if (!fs::is_directory(it->symlink_status(dir_ec))) continue;
      // Never reuse a number, even one that was never published.
      max_number = std::max(max_number, number);
      if (number > current_number) leftovers.push_back(it->path());
    }
  }
  if (ec) return FsError(ec, absl::StrCat("list ", source_dir));
  for (const fs::path& leftover : leftovers) {
    DNC_LOG(Warning) << "removing leftover of an interrupted load: "
                     << leftover.string();
    fs::remove_all(leftover, ec);
    if (ec) return FsError(ec, absl::StrCat("remove ", leftover.string()));
  }

  pending.generation_number_ = max_number + 1;
  pending.generation_ = GenerationName(pending.generation_number_);
  const std::string temp_dir = absl::StrCat(
      source_dir, "/", kTempPrefix, pending.generation_, "-", ::getpid());
  if (::mkdir(temp_dir.c_str(), 0755) != 0) {
    return ErrnoError(errno, absl::StrCat("create ", temp_dir));
  }
  pending.temp_dir_ = temp_dir;
  return pending;
}

absl::Status PublishGeneration(PendingGeneration pending,
                               const PublishOptions& options,
                               PublishResult* result) {
  if (pending.lock_fd_ < 0 || pending.temp_dir_.empty()) {
    return absl::FailedPreconditionError(
        "publish generation: this PendingGeneration was moved from");
  }
  DNC_RETURN_IF_ERROR(CheckKeepGenerations(options.keep_generations));
  DNC_RETURN_IF_ERROR(FsyncTree(pending.temp_dir_));
  CrashPoint("before-rename");
  const std::string final_dir =
      absl::StrCat(pending.source_dir_, "/", pending.generation_);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(final_dir, ec))) {
    return absl::FailedPreconditionError(
        absl::StrCat("publish generation: ", final_dir, " already exists"));
  }
  if (::rename(pending.temp_dir_.c_str(), final_dir.c_str()) != 0) {
    return ErrnoError(
        errno, absl::StrCat("rename ", pending.temp_dir_, " to ", final_dir));
  }
  // The directory is no longer ours to delete on failure: if anything below
  // fails, CURRENT still names the previous generation and the next
  // BeginGeneration() removes `final_dir` as a leftover.
  pending.temp_dir_.clear();
  DNC_RETURN_IF_ERROR(FsyncPath(pending.source_dir_, /*directory=*/true));
  CrashPoint("after-rename");
  DNC_RETURN_IF_ERROR(WriteCurrent(pending.source_dir_, pending.generation_));
  CrashPoint("after-current");
  // Published. Garbage collection runs under the lock, so no loader is
  // creating or reading generations meanwhile; see the header for why a
  // server never needs what it removes.
  PublishResult local;
  PublishResult& out = result != nullptr ? *result : local;
  const absl::Status gc =
      CollectGarbage(pending.source_dir_, pending.generation_number_,
                     options.keep_generations, &out.removed_generations);
  if (!gc.ok()) {
    out.gc_error = std::string(gc.message());
    DNC_LOG(Warning) << "published " << pending.generation_
                     << ", but garbage collection stopped: " << gc;
  }
  ::close(pending.lock_fd_);
  pending.lock_fd_ = -1;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> RemoveOldGenerations(
    const std::string& data_dir, const std::string& source,
    int keep_generations) {
  DNC_RETURN_IF_ERROR(CheckSourceId(source));
  DNC_RETURN_IF_ERROR(CheckKeepGenerations(keep_generations));
  const std::string source_dir = SourceDir(data_dir, source);
  std::error_code ec;
  if (!fs::is_directory(source_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("remove old generations: source ",
                                            source, " has nothing in ",
                                            source_dir));
  }
  DNC_ASSIGN_OR_RETURN(const int lock_fd, LockSource(source_dir, source));
  std::vector<std::string> removed;
  absl::Status status = [&]() -> absl::Status {
    DNC_ASSIGN_OR_RETURN(const std::optional<std::string> current,
                         ReadCurrent(source_dir));
    if (!current.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("remove old generations: source ", source,
                       " has no published generation in ", data_dir));
    }
    uint64_t current_number = 0;
    ParseGenerationName(*current, &current_number);
    return CollectGarbage(source_dir, current_number, keep_generations,
                          &removed);
  }();
  ::close(lock_fd);
  if (!status.ok()) return status;
  return removed;
}

}  // namespace dnc::storage
