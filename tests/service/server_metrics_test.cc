// ServerMetrics without a server: codes to labels, what is shown while zero,
// and the slow-call log line (its content and its rate limit).
#include "service/server_metrics.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::service {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int CountOf(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

TEST(ServerMetricsTest, CodesBecomeLabelsAndUnknownOnesAreNotLost) {
  ServerMetrics metrics;
  CallMetrics* grpc = metrics.GrpcMethod("dnc.v1.ScrubService/Check");
  CallMetrics* http = metrics.HttpRoute("GET", "/v1/check");
  EXPECT_EQ(metrics.GrpcMethod("dnc.v1.ScrubService/Check"), grpc);
  grpc->Record(16, CallClock::now());  // UNAUTHENTICATED
  grpc->Record(99, CallClock::now());  // Not a gRPC code: UNKNOWN.
  http->Record(429, CallClock::now());
  http->Record(418, CallClock::now());  // Not in the set: other.
  const std::string text = metrics.Render();
  const std::string check =
      "dnc_calls_total{front_end=\"grpc\",method=\"dnc.v1.ScrubService/"
      "Check\",code=";
  EXPECT_THAT(text, HasSubstr(check + "\"OK\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(check + "\"UNAUTHENTICATED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(check + "\"UNKNOWN\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr(check + "\"CANCELLED\"")));
  const std::string route =
      "dnc_calls_total{front_end=\"http\",method=\"GET /v1/check\",code=";
  EXPECT_THAT(text, HasSubstr(route + "\"200\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(route + "\"429\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(route + "\"other\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("dnc_call_duration_seconds_count{front_end="
                              "\"grpc\",method=\"dnc.v1.ScrubService/Check\"} "
                              "2\n"));
}

TEST(ServerMetricsTest, SlowCallsAreLoggedWithMethodDurationAndCode) {
  ServerMetricsOptions options;
  options.slow_call = absl::Nanoseconds(1);  // Every call is slow.
  ServerMetrics metrics(options);
  CallMetrics* scrub = metrics.GrpcMethod("dnc.v1.ScrubService/Scrub");
  ::testing::internal::CaptureStderr();
  scrub->Record(3, CallClock::now() - std::chrono::milliseconds(1500));
  const std::string line = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(line, ::testing::ContainsRegex(
                        "slow call: grpc dnc.v1.ScrubService/Scrub took "
                        "1[5-9][0-9][0-9]\\.[0-9] ms"));
  EXPECT_THAT(line, HasSubstr("status INVALID_ARGUMENT"));
  EXPECT_EQ(CountOf(line, "\n"), 1) << line;
}

TEST(ServerMetricsTest, AFloodOfSlowCallsWritesAFewLinesASecond) {
  ServerMetricsOptions options;
  options.slow_call = absl::Nanoseconds(1);
  ServerMetrics metrics(options);
  CallMetrics* check = metrics.GrpcMethod("dnc.v1.ScrubService/Check");
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 1000; ++i) check->Record(0, CallClock::now());
  const std::string log = ::testing::internal::GetCapturedStderr();
  // The loop may straddle a second boundary: at most two seconds' worth.
  const int lines = CountOf(log, "slow call:");
  EXPECT_GE(lines, 1);
  EXPECT_LE(lines, 2 * kSlowCallBurst) << log;
  // Every call is still counted.
  EXPECT_THAT(metrics.Render(),
              HasSubstr("method=\"dnc.v1.ScrubService/Check\",code=\"OK\"} "
                        "1000\n"));
}

TEST(ServerMetricsTest, ZeroSlowCallThresholdLogsNothing) {
  ServerMetricsOptions options;
  options.slow_call = absl::ZeroDuration();
  ServerMetrics metrics(options);
  CallMetrics* check = metrics.GrpcMethod("dnc.v1.ScrubService/Check");
  ::testing::internal::CaptureStderr();
  check->Record(0, CallClock::now() - std::chrono::seconds(30));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(ServerMetricsTest, AnswersAreCountedByDisposition) {
  ServerMetrics metrics;
  const Disposition batch[] = {Disposition::kBlocked, Disposition::kCallable,
                               Disposition::kBlocked, Disposition::kStale};
  metrics.CountAnswers(batch);
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("dnc_numbers_answered_total{disposition="
                              "\"BLOCKED\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("{disposition=\"CALLABLE\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("{disposition=\"STALE\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("{disposition=\"EXEMPT\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("UNSPECIFIED")));
}

}  // namespace
}  // namespace dnc::service
