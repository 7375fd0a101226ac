#include "service/tls_credentials.h"

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpcpp/security/server_credentials.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/logging.h"

namespace dnc::service {
namespace {

grpc_ssl_certificate_config_reload_status FetchConfig(
    void* user_data, grpc_ssl_server_certificate_config** config) {
  auto* fetcher = static_cast<ReloadableServerTls::Fetcher*>(user_data);
  return fetcher->owner->FetchIfChanged(fetcher, config)
             ? GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW
             : GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED;
}

// grpc::ServerCredentials over gRPC core's SSL credentials with a config
// fetcher. gRPC 1.51's C++ API has no wrapper for a fetcher, but
// ServerCredentials is an interface whose one job, AddPortToServer, is to
// add the port to the core server with core credentials: that is what this
// does (as grpc::SslServerCredentials does with a fixed config).
class FetcherServerCredentials final : public grpc::ServerCredentials {
 public:
  explicit FetcherServerCredentials(ReloadableServerTls* owner)
      : owner_(owner) {}

  void SetAuthMetadataProcessor(
      const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {
    // Not supported, and never silently ignored: authentication that was
    // asked for and not applied would fail open.
    DNC_LOG(Error) << "ReloadableServerTls: an AuthMetadataProcessor is not "
                      "supported";
    std::abort();
  }

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override {
    ReloadableServerTls::Fetcher* fetcher = owner_->AddFetcher();
    grpc_ssl_server_credentials_options* options =
        grpc_ssl_server_credentials_create_options_using_config_fetcher(
            owner_->requires_client_certificate()
                ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
            &FetchConfig, fetcher);
    // Takes ownership of `options`; fetches the first config now.
    grpc_server_credentials* credentials =
        grpc_ssl_server_credentials_create_with_options(options);
    if (credentials == nullptr) return 0;
    const int port =
        grpc_server_add_http2_port(server, addr.c_str(), credentials);
    // The server's listener holds its own reference.
    grpc_server_credentials_release(credentials);
    return port;
  }

  ReloadableServerTls* const owner_;
};

}  // namespace

ReloadableServerTls::ReloadableServerTls(TlsPem pem)
    : require_client_cert_(!pem.ca_certs.empty()), pem_(std::move(pem)) {}

ReloadableServerTls::~ReloadableServerTls() = default;

std::shared_ptr<grpc::ServerCredentials> ReloadableServerTls::Credentials() {
  return std::make_shared<FetcherServerCredentials>(this);
}

ReloadableServerTls::Fetcher* ReloadableServerTls::AddFetcher() {
  absl::MutexLock lock(&mu_);
  fetchers_.push_back(Fetcher{this, 0});
  return &fetchers_.back();
}

absl::Status ReloadableServerTls::Update(TlsPem pem) {
  if (pem.ca_certs.empty() == require_client_cert_) {
    return absl::FailedPreconditionError(
        require_client_cert_
            ? "the server requires client certificates (started with "
              "--tls_client_ca) and the new configuration has no client CA; "
              "restart to turn mTLS off"
            : "the server does not ask for client certificates (started "
              "without --tls_client_ca); restart to turn mTLS on");
  }
  absl::MutexLock lock(&mu_);
  pem_ = std::move(pem);
  ++generation_;
  return absl::OkStatus();
}

bool ReloadableServerTls::FetchIfChanged(
    Fetcher* fetcher, grpc_ssl_server_certificate_config** config) {
  absl::MutexLock lock(&mu_);
  if (fetcher->generation_seen == generation_) return false;
  const grpc_ssl_pem_key_cert_pair pair = {pem_.private_key.c_str(),
                                           pem_.cert_chain.c_str()};
  // gRPC 1.51 asserts that a fetched config has root certificates even
  // when no client certificate is requested (ssl_security_connector.cc:
  // "config->pem_root_certs != nullptr" aborts the process). Without
  // mTLS they are never used (the handshake asks for no client
  // certificate and verifies none), so our own chain stands in.
  const std::string& roots =
      pem_.ca_certs.empty() ? pem_.cert_chain : pem_.ca_certs;
  // Copies the strings; gRPC owns and frees the config.
  *config = grpc_ssl_server_certificate_config_create(roots.c_str(), &pair, 1);
  fetcher->generation_seen = generation_;
  return true;
}

}  // namespace dnc::service
