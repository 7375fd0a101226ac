#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dnc {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

absl::StatusOr<std::string> ReadSecretFile(const std::string& path,
                                           const std::string& what) {
  const std::string named = absl::StrCat(what, " ", path);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", named, ": ", std::strerror(errno)));
  }
  // fstat of the file opened, so that what is checked is what is read.
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(named, " is not a regular file"));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    close(fd);
    return absl::PermissionDeniedError(
        absl::StrCat(named,
                     " holds a secret but can be read or written by group or "
                     "others (mode ",
                     absl::StrFormat("%04o", info.st_mode & 07777),
                     "); run: chmod 600 ", path));
  }
  std::string bytes;
  char buffer[1024];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      close(fd);
      return absl::NotFoundError(
          absl::StrCat("cannot read ", named, ": ", std::strerror(error)));
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
    if (bytes.size() > kMaxSecretBytes + 2) break;
  }
  close(fd);
  // One line: a final "\n" or "\r\n" is the line's end, not the secret's.
  if (!bytes.empty() && bytes.back() == '\n') bytes.pop_back();
  if (!bytes.empty() && bytes.back() == '\r') bytes.pop_back();
  size_t begin = 0;
  size_t end = bytes.size();
  while (begin < end && IsBlank(bytes[begin])) ++begin;
  while (end > begin && IsBlank(bytes[end - 1])) --end;
  std::string secret = bytes.substr(begin, end - begin);
  if (secret.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        named, " is empty; put one line of at least ", kMinSecretBytes,
        " random characters in it, e.g. `openssl rand -hex 32 > ", path, "`"));
  }
  if (secret.size() > kMaxSecretBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(named, " is longer than ", kMaxSecretBytes,
                     " bytes: is it the right file?"));
  }
  for (char c : secret) {
    if (c == '\n' || c == '\r') {
      return absl::InvalidArgumentError(absl::StrCat(
          named, " has more than one line; the secret is one line"));
    }
    if (static_cast<unsigned char>(c) < 0x20 ||
        static_cast<unsigned char>(c) > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat(named,
                       " holds a byte that is not printable ASCII; the "
                       "secret is sent as gRPC metadata, which must be"));
    }
  }
  if (secret.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        named, " holds ", secret.size(), " characters, fewer than the ",
        kMinSecretBytes, " a secret needs; e.g. `openssl rand -hex 32 > ", path,
        "`"));
  }
  return secret;
}

}  // namespace dnc
