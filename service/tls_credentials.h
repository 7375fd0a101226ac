// ReloadableServerTls: the TLS credentials of dnc-server's gRPC listener,
// whose certificate, key and client CA can be replaced while it serves.
//
// It rests on gRPC core's SSL "certificate config fetcher"
// (grpc_ssl_server_credentials_create_options_using_config_fetcher, public
// C API in 1.51): gRPC asks the fetcher before every new TLS handshake
// whether the configuration changed, so an Update() is used by the very next
// handshake, and connections already established keep the session they
// negotiated (a stream open across an Update() goes on). gRPC 1.51's C++
// alternatives do not fit: FileWatcherCertificateProvider re-reads the files
// on its own clock (not on SIGHUP, and without our checks), and
// StaticDataCertificateProvider never reloads.
//
// With a CA in the TlsPem every client must present a certificate that CA
// signed (mTLS); without one, no client certificate is asked for. Whether a
// client certificate is required is fixed at construction.
//
// Ownership: owns the current TlsPem. It MUST outlive every grpc::Server
// built with Credentials() (gRPC keeps a pointer to it for its fetcher).
// Thread-safety: thread-safe (Update from any thread while gRPC fetches).
#ifndef DNC_SERVICE_TLS_CREDENTIALS_H_
#define DNC_SERVICE_TLS_CREDENTIALS_H_

#include <cstdint>
#include <list>
#include <memory>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/tls_files.h"

struct grpc_ssl_server_certificate_config;

namespace grpc {
class ServerCredentials;
}  // namespace grpc

namespace dnc::service {

class ReloadableServerTls {
 public:
  // `pem` is checked (common/tls_files.h): it holds a certificate and its
  // key, and optionally the client CA.
  explicit ReloadableServerTls(TlsPem pem);
  ReloadableServerTls(const ReloadableServerTls&) = delete;
  ReloadableServerTls& operator=(const ReloadableServerTls&) = delete;
  ~ReloadableServerTls();

  // Server credentials for grpc::ServerBuilder::AddListeningPort.
  std::shared_ptr<grpc::ServerCredentials> Credentials();

  // New handshakes use `pem` from now on. If `pem` has no CA while the
  // server requires client certificates (or the other way round), the
  // change of mode is refused: FailedPrecondition, the old one is kept.
  absl::Status Update(TlsPem pem);

  // True if clients must present a certificate (the TlsPem had a CA).
  bool requires_client_certificate() const { return require_client_cert_; }

  // One fetcher per port added with Credentials(): each remembers which
  // generation of the certificate its listener last took.
  struct Fetcher {
    ReloadableServerTls* owner;
    uint64_t generation_seen = 0;
  };

  // Internal, for the credentials Credentials() makes: a new fetcher (one
  // per port), and the config gRPC fetches before a handshake when it
  // changed since `fetcher` last looked (true; else false, `config` unset).
  Fetcher* AddFetcher();
  bool FetchIfChanged(Fetcher* fetcher,
                      grpc_ssl_server_certificate_config** config);

 private:
  const bool require_client_cert_;
  absl::Mutex mu_;
  TlsPem pem_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 1;
  // Stable addresses: gRPC holds a pointer to each.
  std::list<Fetcher> fetchers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_TLS_CREDENTIALS_H_
