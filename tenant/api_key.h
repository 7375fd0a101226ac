// Internal to the tenant module (not part of its API): API keys. A key is
// "dnc_" + 40 base32 characters (200 random bits); the store keeps only its
// SHA-256 and finds a key's record by the digest's first 8 bytes, then
// compares whole digests in constant time.
// Thread-safety: the functions are thread-safe.
#ifndef DNC_TENANT_API_KEY_H_
#define DNC_TENANT_API_KEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "common/sha256.h"

namespace dnc::tenant {

// A new key from 200 bits of getrandom(2) (the random bytes are wiped once
// encoded). Errors: Internal (getrandom failed).
absl::StatusOr<std::string> NewApiKey();

// (Digests compare with SameDigest, common/sha256.h: constant time.)

// The first 8 bytes of `digest`, big-endian: the key map's bucket.
uint64_t DigestPrefix(const Sha256Digest& digest);

}  // namespace dnc::tenant

#endif  // DNC_TENANT_API_KEY_H_
