// Who may call the AdminService: the holder of the administrator's secret.
// dnc-server --admin_key_file FILE reads the secret once at start
// (common/secret_file.h: one line, at least 32 characters, a file only its
// owner can read) and keeps only its SHA-256; each admin call sends the
// secret in the metadata entry `x-admin-key`, whose hash is compared with
// the kept one in constant time. Tenant API keys (`x-api-key`) are never
// looked at here, so no tenant key authorizes an admin call; and the
// scrub and tenant services never look at `x-admin-key`.
//
// The other way in: with mutual TLS (dnc-server --tls_client_ca), a caller
// whose client certificate the handshake verified and whose subject common
// name is the one `--admin_cert_cn` names is an administrator too, with or
// without the secret (AllowCertificate, ForCertificateOnly). Both ways are
// asked in Authorize, the one question every admin call asks.
//
// Ownership: owns the digest. Thread-safety: immutable once serving
// (AllowCertificate is called before the server starts).
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
  // Administrators by client certificate only (no secret accepted).
  static std::unique_ptr<AdminAuthorizer> ForCertificateOnly(
      std::string common_name);

  // Also admits a caller whose verified client certificate has subject
  // CN `common_name` (not empty). Only meaningful behind mutual TLS, where
  // gRPC verified the certificate against --tls_client_ca; dnc-server
  // refuses --admin_cert_cn without it.
  void AllowCertificate(std::string common_name);

  AdminAuthorizer(const AdminAuthorizer&) = delete;
  AdminAuthorizer& operator=(const AdminAuthorizer&) = delete;

  // OK when the call's `x-admin-key` is the secret, or its verified client
  // certificate names the administrator (AllowCertificate). Errors:
  // Unauthenticated "missing x-admin-key metadata" / "wrong admin key"
  // (never the key), saying the certificate was not the admin's when one
  // is allowed.
  absl::Status Authorize(const grpc::ServerContextBase& context) const;
  // The same for the value of the metadata entry (nullptr: not sent).
  absl::Status AuthorizeKey(const std::string_view* admin_key) const;

 private:
  AdminAuthorizer(const Sha256Digest& digest, bool has_secret)
      : digest_(digest), has_secret_(has_secret) {}
  // True if the verified client certificate's CN is certificate_cn_.
  bool IsAdminCertificate(const grpc::ServerContextBase& context) const;
  const Sha256Digest digest_;
  const bool has_secret_;
  std::string certificate_cn_;  // Empty: no certificate admits.
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_ADMIN_AUTH_H_
