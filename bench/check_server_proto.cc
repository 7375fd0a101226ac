// dnc-check-proto: a stand-in for dnc-server for measuring what one Check
// RPC costs under different ways of serving it (issue 5). It opens the
// registry like dnc-server and answers Check with dnc-server's own handler
// (ScrubServiceImpl::CheckInto: the call layer and the proto mapping, with no
// tenant as with --auth=none), served one of four ways:
//
//   --mode callback         today's server: a callback unary reactor that
//                           counts the call until OnDone (OnDone runs on
//                           gRPC's executor thread)
//   --mode callback_inline  the same reactor, declared inlineable, so gRPC
//                           runs OnDone inline (no executor hop)
//   --mode async            service/check_async.h: N completion queues, one
//                           polling thread each, Check answered inline
//   --mode async_only       the same, in a service whose every method is
//                           async (only Check is served; no callback queue
//                           and its threads; use with --health=false)
//
// Status is always a callback method (mixing the two APIs in one service),
// so `--mode async` also shows that callback methods keep working.
// Only for benchmarks: no auth, no tenants, Scrub/ScrubStream unimplemented.
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "common/command_line.h"
#include "common/phone_number.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"
#include "service/check_async.h"
#include "service/grpc_status.h"
#include "service/registry.h"
#include "service/scrub_service.h"
#include "service/source_set.h"

ABSL_FLAG(std::string, data, "", "Data directory written by dnc-load.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to listen on.");
ABSL_FLAG(std::string, port_file, "", "Write the bound port here.");
ABSL_FLAG(int32_t, reload_interval_seconds, 0,
          "Registry polling interval; 0 = never.");
ABSL_FLAG(std::string, mode, "callback",
          "callback, callback_inline or async (see the file comment).");
ABSL_FLAG(int32_t, cqs, 2, "async: completion queues (one thread each).");
ABSL_FLAG(int32_t, calls_per_queue, 64,
          "async: Check calls kept requested per queue.");
ABSL_FLAG(bool, deadlock_detection, true,
          "Leave Abseil's mutex deadlock detection on (as dnc-server does "
          "today); false turns it off.");
ABSL_FLAG(bool, health, true,
          "Register gRPC's default health service (as dnc-server does).");
ABSL_FLAG(std::string, channel_args, "",
          "Extra integer server channel args, NAME=VALUE,... (e.g. "
          "grpc.minimal_stack=1).");

namespace dnc::bench {
namespace {

namespace v1 = ::dnc::v1;

constexpr char kUsage[] =
    "A Check-only stand-in for dnc-server, to measure the CPU cost per Check "
    "RPC.\n\n"
    "Usage:\n"
    "  dnc-check-proto --data DIR [--listen H:P] [--port_file F]\n"
    "                  [--mode callback|callback_inline|async] [--cqs N]\n"
    "                  [--deadlock_detection=false] [--channel_args "
    "K=V,...]\n\n"
    "Example:\n"
    "  dnc-check-proto --data /tmp/b/dnc-data --listen 127.0.0.1:0 "
    "--port_file /tmp/port --mode async --cqs 1\n"
    "  dnc-bench check --server 127.0.0.1:$(cat /tmp/port) --queries "
    "/tmp/b/queries-hit5.keys --rates 10000";

// --- the Check handler: dnc-server's own (validation, the call layer, the
// proto mapping), without a tenant as with --auth=none ---

// The handler's collaborators, as dnc-server builds them with --auth=none.
struct CheckHandler {
  explicit CheckHandler(const service::Registry* registry)
      : auth(service::AuthMode::kNone, nullptr),
        service(registry, &auth, &gate, service::ScrubServiceOptions()) {}
  service::Authenticator auth;
  service::CallGate gate;
  service::ScrubServiceImpl service;
};

absl::Status AnswerCheck(const CheckHandler& handler,
                         const v1::CheckRequest& request,
                         v1::CheckResponse* response) {
  return handler.service.CheckInto(request, nullptr, response);
}

// --- call accounting, as ScrubServiceImpl does it ---

class Accounting {
 public:
  bool Enter() {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
    return true;
  }
  void Exit() {
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }

 private:
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

template <bool kInline>
class CountedUnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit CountedUnaryReactor(Accounting* accounting)
      : accounting_(accounting) {}
  void OnDone() override {
    accounting_->Exit();
    delete this;
  }
  // gRPC runs OnDone inline instead of on its executor thread when the
  // reactor says its reactions are trivial (OnDone only counts and deletes).
  bool InternalInlineable() override { return kInline; }

 private:
  Accounting* const accounting_;
};

// Check as a callback method or (async mode) a completion-queue method;
// Status always a callback method.
class ProtoService final : public service::CheckAsyncService {
 public:
  ProtoService(const CheckHandler* handler, bool inline_on_done)
      : handler_(handler), inline_on_done_(inline_on_done) {}

  template <bool kInline>
  grpc::ServerUnaryReactor* CallbackCheck(const v1::CheckRequest* request,
                                          v1::CheckResponse* response) {
    auto* reactor = new CountedUnaryReactor<kInline>(&accounting_);
    accounting_.Enter();
    reactor->Finish(
        service::ToGrpcStatus(AnswerCheck(*handler_, *request, response)));
    return reactor;
  }

  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const v1::StatusRequest* request,
                                   v1::StatusResponse* response) override {
    response->set_server_version("dnc-check-proto");
    response->set_today(FormatIsoDate(TodayUtc()));
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  bool inline_on_done() const { return inline_on_done_; }

 private:
  const CheckHandler* const handler_;
  const bool inline_on_done_;
  Accounting accounting_;
};

// The callback-mode service: the generated CallbackService with Check
// overridden (a separate class because ProtoService has Check async).
class CallbackCheckService final : public v1::ScrubService::CallbackService {
 public:
  explicit CallbackCheckService(ProtoService* proto) : proto_(proto) {}
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const v1::CheckRequest* request,
                                  v1::CheckResponse* response) override {
    return proto_->inline_on_done()
               ? proto_->CallbackCheck<true>(request, response)
               : proto_->CallbackCheck<false>(request, response);
  }
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* context,
                                   const v1::StatusRequest* request,
                                   v1::StatusResponse* response) override {
    return proto_->Status(context, request, response);
  }

 private:
  ProtoService* const proto_;
};

int Fail(const std::string& message) {
  std::cerr << "dnc-check-proto: " << message << std::endl;
  return 1;
}

int Main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const CommandLineSpec spec{"dnc-check-proto", kUsage,
                             "check_server_proto.cc"};
  const std::vector<std::string> rest =
      ParseCommandLineOrExit(argc, argv, spec);
  if (!rest.empty()) return Fail("unexpected argument " + rest[0]);
  if (!absl::GetFlag(FLAGS_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode != "callback" && mode != "callback_inline" && mode != "async" &&
      mode != "async_only") {
    return Fail(
        "--mode must be callback, callback_inline, async or async_only");
  }
  if (absl::GetFlag(FLAGS_data).empty()) return Fail("--data is required");

  service::RegistryOptions registry_options;
  registry_options.data_dir = absl::GetFlag(FLAGS_data);
  absl::StatusOr<std::unique_ptr<service::Registry>> registry =
      service::Registry::Open(registry_options);
  if (!registry.ok()) return Fail(std::string(registry.status().message()));
  const int reload = absl::GetFlag(FLAGS_reload_interval_seconds);
  if (reload > 0) (*registry)->StartPolling(absl::Seconds(reload));

  const CheckHandler handler(registry->get());
  ProtoService proto(&handler, mode == "callback_inline");
  CallbackCheckService callback_service(&proto);

  if (absl::GetFlag(FLAGS_health)) grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           grpc::InsecureServerCredentials(), &port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (absl::string_view arg : absl::StrSplit(absl::GetFlag(FLAGS_channel_args),
                                              ',', absl::SkipWhitespace())) {
    std::vector<std::string> kv = absl::StrSplit(arg, '=');
    int value = 0;
    if (kv.size() != 2 || !absl::SimpleAtoi(kv[1], &value)) {
      return Fail(absl::StrCat("--channel_args: '", std::string(arg),
                               "' is not NAME=INTEGER"));
    }
    builder.AddChannelArgument(kv[0], value);
  }
  std::unique_ptr<service::CheckAsync> check_async;
  v1::ScrubService::AsyncService all_async;
  if (mode == "async" || mode == "async_only") {
    service::CheckAsyncOptions options;
    options.completion_queues = absl::GetFlag(FLAGS_cqs);
    options.calls_per_queue = absl::GetFlag(FLAGS_calls_per_queue);
    auto answer = [&handler](grpc::ServerContextBase*,
                             const v1::CheckRequest& request,
                             v1::CheckResponse* response) {
      return AnswerCheck(handler, request, response);
    };
    if (mode == "async") {
      builder.RegisterService(&proto);
      check_async = std::make_unique<service::CheckAsync>(&proto, answer,
                                                          options, &builder);
    } else {
      builder.RegisterService(&all_async);
      check_async = std::make_unique<service::CheckAsync>(
          [&all_async](
              grpc::ServerContext* context, v1::CheckRequest* request,
              grpc::ServerAsyncResponseWriter<v1::CheckResponse>* responder,
              grpc::ServerCompletionQueue* queue, void* tag) {
            all_async.RequestCheck(context, request, responder, queue, queue,
                                   tag);
          },
          answer, options, &builder);
    }
  } else {
    builder.RegisterService(&callback_service);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return Fail("cannot listen on " + absl::GetFlag(FLAGS_listen));
  }
  if (check_async != nullptr) check_async->Start();
  std::cerr << "dnc-check-proto: mode " << mode << " on port " << port
            << std::endl;
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    const std::string temp = port_file + ".tmp";
    std::ofstream(temp) << port << "\n";
    std::rename(temp.c_str(), port_file.c_str());
  }
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(500));
  if (check_async != nullptr) check_async->Shutdown();
  server->Wait();
  server.reset();
  check_async.reset();
  return 0;
}

}  // namespace
}  // namespace dnc::bench

int main(int argc, char** argv) { return dnc::bench::Main(argc, argv); }
