#include "service/server.h"

#include <arpa/inet.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "service/admin_service.h"
#include "service/check_async.h"
#include "service/scrub_service.h"
#include "service/tenant_service.h"
#include "service/tls_credentials.h"

namespace dnc::service {
namespace {

// gRPC says only that binding failed; find out why by trying it ourselves,
// so the operator sees "Address already in use" or "Permission denied".
std::string DiagnoseListenFailure(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return "expected HOST:PORT, e.g. 127.0.0.1:50051";
  }
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* addresses = nullptr;
  const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(),
                             port.c_str(), &hints, &addresses);
  if (rc != 0) return gai_strerror(rc);
  std::string reason = "the address could not be bound";
  for (addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) {
      reason = std::strerror(errno);
      continue;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      reason = std::strerror(errno);
      close(fd);
      break;
    }
    close(fd);
  }
  freeaddrinfo(addresses);
  return reason;
}

}  // namespace

std::string ListenHost(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return listen;
  // "::1" without brackets has colons but no port.
  if (listen.find(':') != colon && listen.front() != '[') return listen;
  return listen.substr(0, colon);
}

bool IsLoopbackListen(const std::string& listen) {
  std::string host = ListenHost(listen);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

absl::StatusOr<std::unique_ptr<ScrubServer>> ScrubServer::Start(
    const Registry* registry, tenant::TenantStore* tenants,
    const ServerOptions& options) {
  if (options.max_batch_entries == 0) {
    return absl::InvalidArgumentError("max_batch_entries must be at least 1");
  }
  if (options.check_queues < 1) {
    return absl::InvalidArgumentError("check_queues must be at least 1");
  }
  if (options.auth == AuthMode::kApiKey && tenants == nullptr) {
    return absl::InvalidArgumentError(
        "API-key authentication needs a tenant store (--tenants DIR); or "
        "run without tenants (--auth=none)");
  }
  int64_t message_bytes = options.max_message_bytes;
  if (message_bytes <= 0) {
    message_bytes = std::max<int64_t>(
        64LL << 20, static_cast<int64_t>(options.max_batch_entries) * 256);
  }
  message_bytes = std::max<int64_t>(
      message_bytes, static_cast<int64_t>(options.max_answer_bytes) + 4096);
  message_bytes = std::min<int64_t>(message_bytes, INT_MAX);

  std::unique_ptr<ScrubServer> server(new ScrubServer());
  ScrubServiceOptions service_options;
  service_options.max_batch_entries = options.max_batch_entries;
  service_options.max_answer_bytes = options.max_answer_bytes;
  service_options.today = options.today;
  service_options.metrics = options.metrics;
  service_options.limits = options.limits;
  server->auth_ = std::make_unique<Authenticator>(
      options.auth, options.auth == AuthMode::kApiKey ? tenants : nullptr,
      options.tenant_grace);
  server->gate_ = std::make_unique<CallGate>();
  server->service_ = std::make_unique<ScrubServiceImpl>(
      registry, server->auth_.get(), server->gate_.get(),
      std::move(service_options));
  TenantServiceOptions tenant_options;
  tenant_options.max_batch_entries = options.max_batch_entries;
  tenant_options.today = options.today;
  tenant_options.metrics = options.metrics;
  server->tenant_service_ = std::make_unique<TenantServiceImpl>(
      server->auth_.get(), server->gate_.get(), std::move(tenant_options));
  server->admin_service_ = std::make_unique<AdminServiceImpl>(
      options.admin, options.auth == AuthMode::kApiKey ? tenants : nullptr,
      server->gate_.get(), options.metrics);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.tls.cert_chain.empty()) {
    credentials = grpc::InsecureServerCredentials();
  } else {
    server->tls_ = std::make_unique<ReloadableServerTls>(options.tls);
    credentials = server->tls_->Credentials();
  }
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  // Never share the port with another process (gRPC's Linux default).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->tenant_service_.get());
  builder.RegisterService(server->admin_service_.get());
  CheckAsyncOptions check_options;
  check_options.completion_queues = options.check_queues;
  server->check_async_ =
      server->service_->ServeCheck(&builder, std::move(check_options));
  builder.SetMaxReceiveMessageSize(static_cast<int>(message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(message_bytes));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    if (server->server_ != nullptr) server->server_->Shutdown();
    server->server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen, ": ",
                     DiagnoseListenFailure(options.listen)));
  }
  server->check_async_->Start();
  server->service_->StartCheckStreams(server->check_async_.get());
  server->address_ =
      absl::StrCat(ListenHost(options.listen), ":", server->port_);
  // Health per service name as well as for "" (the server as a whole):
  // probes that name the service they need (Kubernetes' gRPC probes do)
  // learn whether it is served. The tenant service serves only with tenants.
  if (grpc::HealthCheckServiceInterface* health =
          server->server_->GetHealthCheckService()) {
    health->SetServingStatus(dnc::v1::ScrubService::service_full_name(), true);
    health->SetServingStatus(dnc::v1::TenantService::service_full_name(),
                             options.auth == AuthMode::kApiKey);
    health->SetServingStatus(dnc::v1::AdminService::service_full_name(),
                             server->admin_service_->enabled());
  }
  return server;
}

ScrubServer::ScrubServer() = default;

absl::Status ScrubServer::UpdateTls(TlsPem pem) {
  if (tls_ == nullptr) {
    return absl::FailedPreconditionError(
        "the gRPC listener was started without TLS; restart with "
        "--tls_cert and --tls_key");
  }
  return tls_->Update(std::move(pem));
}

ScrubServer::~ScrubServer() {
  if (server_ != nullptr) {
    Shutdown(absl::Seconds(1));
    server_->Wait();
  }
}

void ScrubServer::Shutdown(absl::Duration deadline) {
  gate_->StartDraining();
  // Open CheckStreams end at their next request boundary (dialers keep them
  // open indefinitely, so waiting for them would always take `deadline`).
  service_->DrainStreams();
  if (grpc::HealthCheckServiceInterface* health =
          server_->GetHealthCheckService()) {
    health->SetServingStatus(false);
  }
  if (!gate_->WaitUntilIdle(absl::Now() + deadline)) {
    DNC_LOG(Warning)
            .Event("drain_timeout")
            .Field("deadline_ms", absl::ToInt64Milliseconds(deadline))
        << "calls still in flight after " << deadline << "; cancelling them";
  }
  // An immediate deadline cancels whatever is left and closes idle client
  // connections (gRPC would otherwise wait for clients to close them).
  // grpc::Server::Shutdown is idempotent: later calls return at once.
  server_->Shutdown(std::chrono::system_clock::now());
  // After the server's Shutdown (gRPC's order); joins the Check threads.
  absl::MutexLock lock(&shutdown_mu_);
  check_async_->Shutdown();
}

void ScrubServer::Wait() { server_->Wait(); }

}  // namespace dnc::service
