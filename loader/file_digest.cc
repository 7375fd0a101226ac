#include "loader/file_digest.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace dnc::loader {
namespace {

struct StateDeleter {
  void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
};

}  // namespace

absl::StatusOr<FileDigest> DigestFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("input file '", path, "' does not exist"));
    }
    return absl::ErrnoToStatus(error, absl::StrCat("open '", path, "'"));
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<XXH3_state_t, StateDeleter> state(XXH3_createState());
  XXH3_128bits_reset(state.get());
  std::vector<char> buffer(1 << 20);
  FileDigest digest;
  while (true) {
    const ssize_t got = read(fd, buffer.data(), buffer.size());
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      close(fd);
      return absl::ErrnoToStatus(error, absl::StrCat("read '", path, "'"));
    }
    XXH3_128bits_update(state.get(), buffer.data(), static_cast<size_t>(got));
    digest.bytes += static_cast<uint64_t>(got);
  }
  close(fd);
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state.get()));
  digest.xxh3_128 = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(canonical.digest),
                        sizeof(canonical.digest)));
  return digest;
}

}  // namespace dnc::loader
