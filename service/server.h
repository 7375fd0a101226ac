// ScrubServer runs the gRPC server around a Registry: the ScrubService, the
// standard health service (grpc.health.v1) and server reflection (v1alpha),
// with message size limits raised to fit the batch limit. dnc-server's main
// and the tests start it the same way.
//
// Ownership: borrows the Registry (must outlive the server); owns the
// grpc::Server and the service.
// Thread-safety: thread-safe (Shutdown and Wait may be called from any thread).
#ifndef DNC_SERVICE_SERVER_H_
#define DNC_SERVICE_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "service/source_set.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace dnc::service {

class ScrubServiceImpl;

struct ServerOptions {
  // HOST:PORT; port 0 picks a free port (see ScrubServer::port()).
  std::string listen = "127.0.0.1:50051";
  // Most entries per Scrub request or ScrubStream chunk.
  uint32_t max_batch_entries = 100000;
  // Largest request/response message in bytes; 0 picks
  // max(64 MiB, 256 bytes per allowed entry).
  int64_t max_message_bytes = 0;
  // The date freshness is judged against; TodayUtc when empty.
  std::function<DayNumber()> today;
};

class ScrubServer {
 public:
  // Builds and starts the server. Errors: InvalidArgument (max_batch_entries
  // is 0), Unavailable ("cannot listen on HOST:PORT: <why>").
  static absl::StatusOr<std::unique_ptr<ScrubServer>> Start(
      const Registry* registry, const ServerOptions& options);

  ScrubServer(const ScrubServer&) = delete;
  ScrubServer& operator=(const ScrubServer&) = delete;
  // Shuts down (with a short deadline) if still running.
  ~ScrubServer();

  // The bound port (the chosen one when options.listen asked for port 0).
  int port() const { return port_; }
  // options.listen with the bound port, e.g. "127.0.0.1:50051".
  const std::string& address() const { return address_; }

  // Graceful stop: health turns NOT_SERVING and new calls fail with
  // UNAVAILABLE at once; calls in flight get until `deadline` (from now) to
  // finish; then the rest are cancelled and every connection is closed.
  // Returns as soon as no call is left. Idempotent.
  void Shutdown(absl::Duration deadline);
  // Blocks until the server has shut down.
  void Wait();

 private:
  ScrubServer() = default;
  std::unique_ptr<ScrubServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
};

// The host part of HOST:PORT ("[::1]:0" -> "[::1]"); the whole string if it
// has no port.
std::string ListenHost(const std::string& listen);

}  // namespace dnc::service

#endif  // DNC_SERVICE_SERVER_H_
