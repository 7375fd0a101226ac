// A shared secret kept in a file (dnc-server's and dnc-tenant's
// --admin_key_file): read, and checked the way ssh and PostgreSQL check a
// private key file, so that a secret anyone on the machine can read, or a
// file that holds nothing usable, is refused with a message naming the file
// instead of being used. The secret itself is never in a message.
// Thread-safety: thread-safe (free function).
#ifndef DNC_COMMON_SECRET_FILE_H_
#define DNC_COMMON_SECRET_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace dnc {

// Fewest bytes a secret may have: 32 characters of `openssl rand -hex 32`'s
// 64 are 128 bits.
inline constexpr size_t kMinSecretBytes = 32;
// More than this is not a secret but some other file given by mistake.
inline constexpr size_t kMaxSecretBytes = 4096;

// The secret in `path`: its one line, without the line ending and without
// leading or trailing spaces and tabs. Errors (each naming `path` and, for
// `what`, the flag that named it, e.g. "--admin_key_file"):
// NotFound (cannot read it), PermissionDenied (readable or writable by group
// or others: "chmod 600"), InvalidArgument (empty, shorter than
// kMinSecretBytes, longer than kMaxSecretBytes, more than one line, or a
// byte that is not printable ASCII).
absl::StatusOr<std::string> ReadSecretFile(const std::string& path,
                                           const std::string& what);

}  // namespace dnc

#endif  // DNC_COMMON_SECRET_FILE_H_
