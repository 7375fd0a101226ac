#include "service/admin_auth.h"

#include <grpcpp/server_context.h>

#include <algorithm>

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
      new AdminAuthorizer(Sha256Of(secret)));
}

absl::Status AdminAuthorizer::Authorize(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kAdminKeyMetadata);
  if (it == metadata.end()) return AuthorizeKey(nullptr);
  const std::string_view key(it->second.data(), it->second.size());
  return AuthorizeKey(&key);
}

absl::Status AdminAuthorizer::AuthorizeKey(
    const std::string_view* admin_key) const {
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
