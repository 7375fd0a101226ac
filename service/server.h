// ScrubServer runs the gRPC server around a Registry and a TenantStore: the
// ScrubService, the TenantService, the AdminService, the standard health
// service (grpc.health.v1) and server reflection (v1alpha), with message size
// limits raised to fit the batch limit. Check and CheckStream are served on
// completion queues (ServerOptions::check_queues polling threads:
// service/check_async.h), every other method on gRPC's callback API.
// ScrubService and TenantService calls are authenticated by API key unless
// ServerOptions::auth is kNone (see service/auth.h); AdminService calls by
// the admin key (service/admin_auth.h); health and reflection never are.
// dnc-server's main and the tests start it the same way.
//
// Ownership: borrows the Registry and the TenantStore (both must outlive the
// server); owns the grpc::Server and the services.
// Thread-safety: thread-safe (Shutdown and Wait may be called from any thread).
#ifndef DNC_SERVICE_SERVER_H_
#define DNC_SERVICE_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "common/tls_files.h"
#include "service/auth.h"
#include "service/call_gate.h"
#include "service/field_rules.h"
#include "service/registry.h"
#include "service/source_set.h"
#include "tenant/tenant_store.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace dnc::service {

class AdminAuthorizer;
class AdminServiceImpl;
class CallLimits;
class CheckAsync;
class ServerMetrics;
class ReloadableServerTls;
class ScrubServiceImpl;
class TenantServiceImpl;

struct ServerOptions {
  // HOST:PORT; port 0 picks a free port (see ScrubServer::port()).
  std::string listen = "127.0.0.1:50051";
  // Most entries per Scrub request or ScrubStream chunk.
  uint32_t max_batch_entries = kDefaultMaxBatchEntries;
  // Largest Scrub answer sent (see ScrubServiceOptions::max_answer_bytes).
  size_t max_answer_bytes = kDefaultMaxAnswerBytes;
  // Largest request/response message in bytes; 0 picks
  // max(64 MiB, 256 bytes per allowed entry).
  int64_t max_message_bytes = 0;
  // The date freshness, EBR and consent expiry are judged against;
  // TodayUtc when empty.
  std::function<DayNumber()> today;
  // kApiKey: every ScrubService / TenantService call needs a tenant's key
  // (REQUIRES a TenantStore). kNone: registry-only answers, no tenants.
  AuthMode auth = AuthMode::kApiKey;
  // With a shared tenant store: how long answers go on after this
  // replica's tenant view was last confirmed current (service/auth.h).
  absl::Duration tenant_grace = Authenticator::kDefaultGrace;
  // Completion queues (one polling thread each) serving Check and
  // CheckStream; at least 1. Two measured best on two cores with the server
  // pinned to one.
  int check_queues = 2;
  // Counts and times every call by method and status code, and what the
  // call layer counts (service/server_metrics.h), shared with the HTTP
  // front end; nullptr = no metrics. Must outlive the server.
  ServerMetrics* metrics = nullptr;
  // Per-tenant limits and the bound on concurrent scrubs
  // (service/call_limits.h), shared with the HTTP front end; nullptr = none.
  // Must outlive the server.
  CallLimits* limits = nullptr;
  // TLS: when it holds a certificate (common/tls_files.h), the listener
  // speaks only TLS with it; with a CA as well, every client must present a
  // certificate that CA signed (mTLS). Empty (no certificate): plaintext.
  // Replace the certificate while serving with ScrubServer::UpdateTls.
  TlsPem tls;
  // Who may call the AdminService (service/admin_auth.h, from
  // --admin_key_file; borrowed, must outlive the server). Null: online
  // administration is off and every AdminService method answers
  // FAILED_PRECONDITION saying so (as it does with kNone: no store).
  const AdminAuthorizer* admin = nullptr;
};

class ScrubServer {
 public:
  // Builds and starts the server. `tenants` may be null only with
  // options.auth == kNone (it is not used then). Errors: InvalidArgument
  // (max_batch_entries or check_queues is 0; kApiKey without a TenantStore),
  // Unavailable ("cannot listen on HOST:PORT: <why>").
  static absl::StatusOr<std::unique_ptr<ScrubServer>> Start(
      const Registry* registry, tenant::TenantStore* tenants,
      const ServerOptions& options);

  ScrubServer(const ScrubServer&) = delete;
  ScrubServer& operator=(const ScrubServer&) = delete;
  // Shuts down (with a short deadline) if still running.
  ~ScrubServer();

  // The bound port (the chosen one when options.listen asked for port 0).
  int port() const { return port_; }
  // options.listen with the bound port, e.g. "127.0.0.1:50051".
  const std::string& address() const { return address_; }
  // The TenantService's handlers, whose bodies the HTTP front end's tenant
  // routes call too (http/api_context.h), so both decide alike. Lives as
  // long as this server.
  const TenantServiceImpl* tenant_service() const {
    return tenant_service_.get();
  }

  // Graceful stop: health turns NOT_SERVING and new calls fail with
  // UNAVAILABLE at once; calls in flight get until `deadline` (from now) to
  // finish; then the rest are cancelled and every connection is closed.
  // Returns as soon as no call is left. Idempotent.
  void Shutdown(absl::Duration deadline);
  // Blocks until the server has shut down.
  void Wait();

  // New TLS handshakes use `pem` from now on; open connections keep theirs.
  // Errors: FailedPrecondition (started without TLS; or `pem` would turn
  // mTLS on or off, which needs a restart), the old certificate is kept.
  absl::Status UpdateTls(TlsPem pem);

 private:
  ScrubServer();
  // Before server_: gRPC's handshakes read it until the server is gone.
  std::unique_ptr<ReloadableServerTls> tls_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<CallGate> gate_;
  std::unique_ptr<ScrubServiceImpl> service_;
  std::unique_ptr<TenantServiceImpl> tenant_service_;
  std::unique_ptr<AdminServiceImpl> admin_service_;
  // Declared before server_, so destroyed after it; shut down after it
  // (under shutdown_mu_: Shutdown may be called from several threads).
  std::unique_ptr<CheckAsync> check_async_;
  absl::Mutex shutdown_mu_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
};

// The host part of HOST:PORT ("[::1]:0" -> "[::1]"); the whole string if it
// has no port.
std::string ListenHost(const std::string& listen);

// True if HOST:PORT names a loopback address only: 127.0.0.0/8, [::1] or
// localhost. An empty host, 0.0.0.0, [::] and every other name are not
// (they can be reached from another machine).
bool IsLoopbackListen(const std::string& listen);

}  // namespace dnc::service

#endif  // DNC_SERVICE_SERVER_H_
