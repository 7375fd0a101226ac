#include "service/admin_auth.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/secret_file.h"

namespace dnc::service {

absl::StatusOr<std::unique_ptr<AdminAuthorizer>> AdminAuthorizer::FromKeyFile(
    const std::string& path) {
  absl::StatusOr<std::string> secret = ReadSecretFile(path, "--admin_key_file");
  if (!secret.ok()) return secret.status();
  std::unique_ptr<AdminAuthorizer> authorizer = ForSecret(*secret);
  // Keep no copy of the secret itself, only its hash.
  std::fill(secret->begin(), secret->end(), '\0');
  return authorizer;
}

std::unique_ptr<AdminAuthorizer> AdminAuthorizer::ForSecret(
    std::string_view secret) {
  return std::unique_ptr<AdminAuthorizer>(
      new AdminAuthorizer(Sha256Of(secret), /*has_secret=*/true));
}

std::unique_ptr<AdminAuthorizer> AdminAuthorizer::ForCertificateOnly(
    std::string common_name) {
  std::unique_ptr<AdminAuthorizer> authorizer(
      new AdminAuthorizer(Sha256Digest{}, /*has_secret=*/false));
  authorizer->AllowCertificate(std::move(common_name));
  return authorizer;
}

void AdminAuthorizer::AllowCertificate(std::string common_name) {
  certificate_cn_ = std::move(common_name);
}

bool AdminAuthorizer::IsAdminCertificate(
    const grpc::ServerContextBase& context) const {
  if (certificate_cn_.empty()) return false;
  const std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  // Authenticated only when the TLS handshake verified a client
  // certificate; a plaintext or server-only TLS peer has no CN here.
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return false;
  for (const grpc::string_ref& cn :
       auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME)) {
    if (std::string_view(cn.data(), cn.size()) == certificate_cn_) {
      return true;
    }
  }
  return false;
}

absl::Status AdminAuthorizer::Authorize(
    const grpc::ServerContextBase& context) const {
  if (IsAdminCertificate(context)) return absl::OkStatus();
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kAdminKeyMetadata);
  absl::Status status;
  if (it == metadata.end()) {
    status = AuthorizeKey(nullptr);
  } else {
    const std::string_view key(it->second.data(), it->second.size());
    status = AuthorizeKey(&key);
  }
  if (status.ok() || certificate_cn_.empty()) return status;
  return absl::UnauthenticatedError(
      absl::StrCat(status.message(),
                   "; and the client certificate is not the "
                   "administrator's (--admin_cert_cn)"));
}

absl::Status AdminAuthorizer::AuthorizeKey(
    const std::string_view* admin_key) const {
  if (!has_secret_) {
    return absl::UnauthenticatedError(
        "this server admits administrators by client certificate only "
        "(no --admin_key_file)");
  }
  if (admin_key == nullptr || admin_key->empty()) {
    return absl::UnauthenticatedError("missing x-admin-key metadata");
  }
  // Hashing first makes the comparison's time independent of the key's
  // length as well as of where it differs.
  if (!SameDigest(Sha256Of(*admin_key), digest_)) {
    return absl::UnauthenticatedError("wrong admin key");
  }
  return absl::OkStatus();
}

}  // namespace dnc::service
