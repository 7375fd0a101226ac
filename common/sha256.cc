#include "common/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dnc {
namespace {

EVP_MD_CTX* Ctx(void* ctx) { return static_cast<EVP_MD_CTX*>(ctx); }

// OpenSSL fails these only on allocation failure or a broken library: there
// is no caller that could recover, so treat it like OOM (docs/conventions.md:
// may crash).
void CheckOk(int ok) {
  if (ok != 1) std::abort();
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) std::abort();
  CheckOk(EVP_DigestInit_ex(Ctx(ctx_), EVP_sha256(), nullptr));
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

void Sha256::Update(std::string_view data) {
  if (data.empty()) return;
  CheckOk(EVP_DigestUpdate(Ctx(ctx_), data.data(), data.size()));
}

Sha256Digest Sha256::Digest() {
  Sha256Digest digest;
  unsigned int size = 0;
  CheckOk(EVP_DigestFinal_ex(Ctx(ctx_), digest.data(), &size));
  if (size != kSha256Bytes) std::abort();
  CheckOk(EVP_DigestInit_ex(Ctx(ctx_), EVP_sha256(), nullptr));
  return digest;
}

std::string Sha256::HexDigest() { return HexOfDigest(Digest()); }

std::string HexOfDigest(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * kSha256Bytes, '0');
  for (size_t i = 0; i < kSha256Bytes; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return hex;
}

bool SameDigest(const Sha256Digest& a, const Sha256Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), kSha256Bytes) == 0;
}

std::string Sha256Hex(std::string_view data) {
  return HexOfDigest(Sha256Of(data));
}

Sha256Digest Sha256Of(std::string_view data) {
  Sha256 hasher;
  hasher.Update(data);
  return hasher.Digest();
}

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    const std::string message =
        absl::StrCat("sha256 of ", path, ": cannot open: ", strerror(error));
    return error == ENOENT ? absl::NotFoundError(message)
                           : absl::InternalError(message);
  }
  Sha256 hasher;
  std::vector<char> buffer(1 << 20);
  while (true) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      close(fd);
      return absl::InternalError(
          absl::StrCat("sha256 of ", path, ": read failed: ", strerror(error)));
    }
    hasher.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  close(fd);
  return hasher.HexDigest();
}

}  // namespace dnc
