#include "client/grpc_call.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_target.h"
#include "common/tls_files.h"

namespace dnc::client {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ClientOptions& options) {
  absl::StatusOr<std::string> target = ChannelTarget(options.server);
  if (!target.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dnc client: ", target.status().message()));
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.ca_cert_file.empty() && options.client_cert_file.empty() &&
      options.client_key_file.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    // Read and checked here, so a wrong file is one clear error rather
    // than a failed handshake on every call.
    absl::StatusOr<TlsPem> pem =
        ReadTlsFiles({options.client_cert_file, options.client_key_file,
                      options.ca_cert_file});
    if (!pem.ok()) {
      return absl::Status(pem.status().code(),
                          absl::StrCat("dnc client TLS (--ca_cert, "
                                       "--client_cert, --client_key): ",
                                       pem.status().message()));
    }
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = std::move(pem->ca_certs);
    ssl.pem_cert_chain = std::move(pem->cert_chain);
    ssl.pem_private_key = std::move(pem->private_key);
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  // Round-robin over the replicas; safe calls retried on the next one.
  args.SetServiceConfigJSON(ClientServiceConfig());
  return grpc::CreateCustomChannel(*target, credentials, args);
}

void PrepareContext(grpc::ClientContext* context, const ClientOptions& options,
                    absl::Duration timeout) {
  if (timeout != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
  if (!options.api_key.empty()) {
    context->AddMetadata(kApiKeyMetadata, options.api_key);
  }
}

absl::Status FromGrpc(const grpc::Status& status, grpc::Channel* channel,
                      const ClientOptions& options, std::string_view rpc) {
  if (status.ok()) return absl::OkStatus();
  const auto code = status.error_code();
  if (code == grpc::StatusCode::UNAVAILABLE ||
      code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    const grpc_connectivity_state state = channel->GetState(false);
    if (state != GRPC_CHANNEL_READY) {
      return absl::UnavailableError(absl::StrCat(
          "cannot reach dnc-server at ", options.server, ": ",
          status.error_message(), " (is it running? use --server)"));
    }
  }
  if (code == grpc::StatusCode::UNAUTHENTICATED) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the server rejected the API key",
        options.api_key.empty() ? " (none was given)" : "", ": ",
        status.error_message(),
        "; set --api_key or DNC_API_KEY; keys come from `dnc-tenant "
        "create`"));
  }
  return absl::Status(static_cast<absl::StatusCode>(code),
                      absl::StrCat(std::string(rpc), " to ", options.server,
                                   ": ", status.error_message()));
}

}  // namespace dnc::client
