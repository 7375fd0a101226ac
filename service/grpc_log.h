// gRPC's own log lines (gpr_log: e.g. a port it cannot bind, a TLS
// handshake it rejects) sent through DNC_LOG (common/logging.h), so that
// they carry the same prefix and, with --log_format json, every line on
// dnc-server's stderr is one JSON object (event "grpc"). gRPC still decides
// which lines to emit (GRPC_VERBOSITY, default ERROR).
// Thread-safety: call once from main before gRPC starts; the routed lines
// may then come from any thread.
#ifndef DNC_SERVICE_GRPC_LOG_H_
#define DNC_SERVICE_GRPC_LOG_H_

namespace dnc::service {

void RouteGrpcLogsToDncLog();

}  // namespace dnc::service

#endif  // DNC_SERVICE_GRPC_LOG_H_
