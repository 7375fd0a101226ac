// dnc-bench's gRPC channels to dnc-server: one TCP connection per channel,
// plaintext or TLS from --ca_cert, --client_cert and --client_key (the
// flags are defined in bench_channel.cc), each waited for until connected
// (--connect_timeout_seconds). Every load of dnc-bench connects here.
// Thread-safety: call from main (reads flags).
#ifndef DNC_BENCH_BENCH_CHANNEL_H_
#define DNC_BENCH_BENCH_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dnc::bench {

// `count` connected channels to `server`. Errors: InvalidArgument /
// NotFound (a TLS file; see common/tls_files.h), Unavailable (not
// connected within --connect_timeout_seconds).
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> ConnectChannels(
    const std::string& server, int count);

}  // namespace dnc::bench

#endif  // DNC_BENCH_BENCH_CHANNEL_H_
