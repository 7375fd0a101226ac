// Internal to the client library (include only from client/*.cc): the
// pieces every gRPC call of the client shares. A channel built from
// ClientOptions (TLS or plaintext, message limits), a call context with the
// deadline and the tenant's API key (metadata `x-api-key`), and the mapping
// of a failed call's grpc::Status to an absl::Status a person can act on:
// an unreachable server and a rejected API key are said in plain words;
// and ServiceChannel, a service's channel and stub with one way to make a
// unary call.
// Thread-safety: thread-safe (free functions).
#ifndef DNC_CLIENT_GRPC_CALL_H_
#define DNC_CLIENT_GRPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/scrub_client.h"

namespace dnc::client {

// The metadata entry that carries the API key (see scrub.proto).
inline constexpr char kApiKeyMetadata[] = "x-api-key";

// A channel to options.server: TLS when options name a CA or a client
// certificate (hostname checked), else plaintext. The one place the client
// library makes a channel, so every client gets TLS and client
// certificates the same way. Errors: InvalidArgument (empty server; a PEM
// file that does not parse; a client certificate without its key or a key
// that does not match), NotFound (a TLS file unreadable).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ClientOptions& options);

// Sets the deadline (none for InfiniteDuration) and, when options.api_key
// is not empty, the `x-api-key` metadata.
void PrepareContext(grpc::ClientContext* context, const ClientOptions& options,
                    absl::Duration timeout);

// OK for an OK status. Otherwise the status with its code kept and `rpc`
// and the server named; UNAVAILABLE / DEADLINE_EXCEEDED on a channel that
// never connected reads "cannot reach dnc-server at HOST:PORT: ... (is it
// running? use --server)"; UNAUTHENTICATED reads "the server rejected the
// API key: ...; set --api_key or DNC_API_KEY; keys come from `dnc-tenant
// create`".
absl::Status FromGrpc(const grpc::Status& status, grpc::Channel* channel,
                      const ClientOptions& options, std::string_view rpc);

// A channel to options.server and the stub of one service on it: the state
// of ScrubClient and TenantClient, and the unary call shape they share.
// Thread-safety: thread-safe once opened (gRPC stubs are).
template <typename Service>
struct ServiceChannel {
  using Stub = typename Service::Stub;

  // A new T (this type, or a type derived from it) connected to
  // options.server. Errors: those of MakeChannel.
  template <typename T>
  static absl::StatusOr<std::unique_ptr<T>> Open(const ClientOptions& options) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        MakeChannel(options);
    if (!channel.ok()) return channel.status();
    auto opened = std::make_unique<T>();
    opened->options = options;
    opened->channel = std::move(*channel);
    opened->stub = Service::NewStub(opened->channel);
    return opened;
  }

  // One unary call of `method` with the deadline (options.timeout) and the
  // API key; a failure is mapped by FromGrpc, naming `rpc`.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, std::string_view rpc) const {
    grpc::ClientContext context;
    PrepareContext(&context, options, options.timeout);
    Response response;
    const grpc::Status status = ((*stub).*method)(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, channel.get(), options, rpc);
    return response;
  }

  ClientOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<Stub> stub;
};

}  // namespace dnc::client

#endif  // DNC_CLIENT_GRPC_CALL_H_
