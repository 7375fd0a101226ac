// Who may call the AdminService: the holder of the administrator's secret.
// dnc-server --admin_key_file FILE reads the secret once at start
// (common/secret_file.h: one line, at least 32 characters, a file only its
// owner can read) and keeps only its SHA-256; each admin call sends the
// secret in the metadata entry `x-admin-key`, whose hash is compared with
// the kept one in constant time. Tenant API keys (`x-api-key`) are never
// looked at here, so no tenant key authorizes an admin call; and the
// scrub and tenant services never look at `x-admin-key`.
//
// A later way in (a verified client certificate naming the administrator)
// belongs in Authorize: it is the one question every admin call asks.
//
// Ownership: owns the digest. Thread-safety: immutable after FromKeyFile.
#ifndef DNC_SERVICE_ADMIN_AUTH_H_
#define DNC_SERVICE_ADMIN_AUTH_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sha256.h"

namespace grpc {
class ServerContextBase;
}  // namespace grpc

namespace dnc::service {

inline constexpr char kAdminKeyMetadata[] = "x-admin-key";

class AdminAuthorizer {
 public:
  // Reads the secret in `path` (the --admin_key_file flag). Errors: those of
  // ReadSecretFile, each naming the file.
  static absl::StatusOr<std::unique_ptr<AdminAuthorizer>> FromKeyFile(
      const std::string& path);
  // For tests: the authorizer of `secret` itself.
  static std::unique_ptr<AdminAuthorizer> ForSecret(std::string_view secret);

  AdminAuthorizer(const AdminAuthorizer&) = delete;
  AdminAuthorizer& operator=(const AdminAuthorizer&) = delete;

  // OK when the call's `x-admin-key` is the secret. Errors: Unauthenticated
  // "missing x-admin-key metadata" / "wrong admin key" (never the key).
  absl::Status Authorize(const grpc::ServerContextBase& context) const;
  // The same for the value of the metadata entry (nullptr: not sent).
  absl::Status AuthorizeKey(const std::string_view* admin_key) const;

 private:
  explicit AdminAuthorizer(const Sha256Digest& digest) : digest_(digest) {}
  const Sha256Digest digest_;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_ADMIN_AUTH_H_
