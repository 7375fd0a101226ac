#include "service/grpc_log.h"

#include <grpc/support/log.h>

#include "common/logging.h"

namespace dnc::service {
namespace {

void LogGrpcLine(gpr_log_func_args* args) {
  const LogLevel level = args->severity == GPR_LOG_SEVERITY_ERROR
                             ? LogLevel::kError
                             : LogLevel::kInfo;
  LogMessage(level, args->file != nullptr ? args->file : "grpc", args->line)
          .Event("grpc")
      << (args->message != nullptr ? args->message : "");
}

}  // namespace

void RouteGrpcLogsToDncLog() { gpr_set_log_function(&LogGrpcLine); }

}  // namespace dnc::service
