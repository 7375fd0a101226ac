#include "tenant/api_key.h"

#include <openssl/crypto.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tenant/encoding.h"

namespace dnc::tenant {
namespace {

constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kApiKeyRandomBytes = 25;  // 200 bits = 40 base32 chars.
constexpr char kApiKeyPrefix[] = "dnc_";

}  // namespace

absl::StatusOr<std::string> NewApiKey() {
  uint8_t random[kApiKeyRandomBytes];
  size_t filled = 0;
  while (filled < sizeof(random)) {
    const ssize_t n = getrandom(random + filled, sizeof(random) - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat(
          "create api key: getrandom failed: ", std::strerror(errno)));
    }
    filled += static_cast<size_t>(n);
  }
  std::string key = kApiKeyPrefix;
  // 25 bytes = five 40-bit groups of eight 5-bit characters.
  for (size_t group = 0; group < kApiKeyRandomBytes; group += 5) {
    const uint64_t bits =
        GetBigEndian(reinterpret_cast<const char*>(random + group), 5);
    for (int shift = 35; shift >= 0; shift -= 5) {
      key.push_back(kBase32[(bits >> shift) & 31]);
    }
  }
  OPENSSL_cleanse(random, sizeof(random));
  return key;
}

uint64_t DigestPrefix(const Sha256Digest& digest) {
  return GetBigEndian(reinterpret_cast<const char*>(digest.data()), 8);
}

}  // namespace dnc::tenant
