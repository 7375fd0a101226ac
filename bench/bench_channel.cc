#include "bench/bench_channel.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_target.h"
#include "common/tls_files.h"

ABSL_FLAG(std::string, ca_cert, "",
          "PEM CA certificates: connect with TLS, the server's certificate "
          "checked against them and the host of --server (default: "
          "plaintext).");
ABSL_FLAG(std::string, client_cert, "",
          "PEM client certificate chain for a server that requires one "
          "(dnc-server --tls_client_ca); needs --client_key.");
ABSL_FLAG(std::string, client_key, "", "PEM private key of --client_cert.");

// Defined in dnc_bench_main.cc.
ABSL_DECLARE_FLAG(double, connect_timeout_seconds);

namespace dnc::bench {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials() {
  const TlsFiles files{absl::GetFlag(FLAGS_client_cert),
                       absl::GetFlag(FLAGS_client_key),
                       absl::GetFlag(FLAGS_ca_cert)};
  if (files.cert_file.empty() && files.key_file.empty() &&
      files.ca_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  absl::StatusOr<TlsPem> pem = ReadTlsFiles(files);
  if (!pem.ok()) {
    return absl::Status(pem.status().code(),
                        absl::StrCat("--ca_cert/--client_cert/--client_key: ",
                                     pem.status().message()));
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = std::move(pem->ca_certs);
  ssl.pem_cert_chain = std::move(pem->cert_chain);
  ssl.pem_private_key = std::move(pem->private_key);
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> ConnectChannels(
    const std::string& server, int count) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      Credentials();
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::string> target = ChannelTarget(server);
  if (!target.ok()) return target.status();
  const double timeout = absl::GetFlag(FLAGS_connect_timeout_seconds);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    // A distinct argument per channel, and a local subchannel pool, so each
    // channel gets its own TCP connection.
    args.SetInt("dnc.bench.channel", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // Round-robin over every replica the target names (each channel to
    // each of them); safe calls retried on the next one.
    args.SetServiceConfigJSON(ClientServiceConfig());
    channels.push_back(grpc::CreateCustomChannel(*target, *credentials, args));
    if (!channels.back()->WaitForConnected(
            std::chrono::system_clock::now() +
            std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000)))) {
      return absl::UnavailableError(absl::StrCat(
          "cannot reach dnc-server at ", server, " within ", timeout,
          " s (is it running? use --server HOST:PORT; with TLS, do "
          "--ca_cert and the server's certificate agree on its name?)"));
    }
  }
  return channels;
}

}  // namespace dnc::bench
