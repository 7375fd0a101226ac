// SHA-256 (FIPS 180-4) over OpenSSL's EVP interface: incremental hashing of
// byte strings, one-shot helpers for a string and for a file (streamed, so a
// file of any size costs a fixed buffer). Used for API-key hashes and for the
// input/output digests a scrub certificate states.
// Thread-safety: thread-compatible (one Sha256 per thread); the free
// functions are thread-safe.
#ifndef DNC_COMMON_SHA256_H_
#define DNC_COMMON_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dnc {

inline constexpr size_t kSha256Bytes = 32;
using Sha256Digest = std::array<uint8_t, kSha256Bytes>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds `data` to the message.
  void Update(std::string_view data);
  // The digest of everything added since construction or the last
  // Digest()/HexDigest(); the object then starts a new, empty message.
  Sha256Digest Digest();
  // Digest() as 64 lowercase hex digits.
  std::string HexDigest();

 private:
  void* ctx_;  // EVP_MD_CTX*, owned.
};

// 64 lowercase hex digits of `digest`.
std::string HexOfDigest(const Sha256Digest& digest);

// True if the digests are equal; the time taken does not depend on where
// they differ (OpenSSL's CRYPTO_memcmp): compare secrets' hashes with it.
bool SameDigest(const Sha256Digest& a, const Sha256Digest& b);

// SHA-256 of `data`, as 64 lowercase hex digits / raw bytes.
std::string Sha256Hex(std::string_view data);
Sha256Digest Sha256Of(std::string_view data);

// SHA-256 of the file at `path` (read in 1 MiB chunks), as hex. Errors:
// NotFound (no such file), Internal (cannot open or read it); messages name
// the path.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

}  // namespace dnc

#endif  // DNC_COMMON_SHA256_H_
