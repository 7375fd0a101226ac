// Test helper: one call of the standard grpc.health.v1.Health/Check over a
// channel, with the request and answer encoded by hand (the messages are one
// field each), so tests need no generated health stubs.
// Thread-safety: thread-safe (each call has its own context).
#ifndef DNC_TESTS_TESTING_HEALTH_CHECK_H_
#define DNC_TESTS_TESTING_HEALTH_CHECK_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"

namespace dnc::test {

// Asks `channel`'s health service about `service` ("" = the server). On OK,
// *serving_status is "SERVING", "NOT_SERVING" or "UNKNOWN".
inline grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& service,
                                std::string* serving_status) {
  // HealthCheckRequest{service = 1 (string)}.
  std::string request;
  if (!service.empty()) {
    request.push_back(0x0a);
    request.push_back(static_cast<char>(service.size()));
    request += service;
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &in, &out, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  std::vector<grpc::Slice> slices;
  if (status.ok() && out.Dump(&slices).ok()) {
    std::string bytes;
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    // HealthCheckResponse{status = 1: 1 SERVING, 2 NOT_SERVING}; the field
    // is omitted when 0 (UNKNOWN).
    const int value = bytes.size() == 2 && bytes[0] == 0x08 ? bytes[1] : 0;
    *serving_status = value == 1   ? "SERVING"
                      : value == 2 ? "NOT_SERVING"
                                   : "UNKNOWN";
  }
  return status;
}

}  // namespace dnc::test

#endif  // DNC_TESTS_TESTING_HEALTH_CHECK_H_
