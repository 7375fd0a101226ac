#include "loader/file_digest.h"

#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace dnc::loader {
namespace {

constexpr size_t kFinishBlockBytes = 1 << 20;

}  // namespace

void FileDigester::StateDeleter::operator()(XXH3_state_s* state) const {
  XXH3_freeState(state);
}

FileDigester::FileDigester() : state_(XXH3_createState()) {
  XXH3_128bits_reset(state_.get());
}

FileDigester::~FileDigester() = default;

void FileDigester::Consume(uint64_t offset, const char* data, size_t size) {
  if (offset > hashed_ || offset + size <= hashed_) return;
  const size_t skip = static_cast<size_t>(hashed_ - offset);
  XXH3_128bits_update(state_.get(), data + skip, size - skip);
  hashed_ = offset + size;
}

absl::StatusOr<FileDigest> FileDigester::Finish(int fd,
                                                const std::string& path) {
  std::vector<char> buffer(kFinishBlockBytes);
  while (true) {
    const ssize_t got =
        pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(hashed_));
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("read '", path, "'"));
    }
    Consume(hashed_, buffer.data(), static_cast<size_t>(got));
  }
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_.get()));
  FileDigest digest;
  digest.bytes = hashed_;
  digest.xxh3_128 = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(canonical.digest),
                        sizeof(canonical.digest)));
  return digest;
}

}  // namespace dnc::loader
