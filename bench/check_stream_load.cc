#include "bench/check_stream_load.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/bench_channel.h"
#include "bench/load_gen.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"

// Defined in dnc_bench_main.cc.
ABSL_DECLARE_FLAG(std::string, server);
ABSL_DECLARE_FLAG(std::string, queries);
ABSL_DECLARE_FLAG(std::string, rates);
ABSL_DECLARE_FLAG(double, seconds);
ABSL_DECLARE_FLAG(double, warmup_seconds);
ABSL_DECLARE_FLAG(uint32_t, runs);
ABSL_DECLARE_FLAG(int32_t, server_pid);
ABSL_DECLARE_FLAG(std::string, api_key);
ABSL_DECLARE_FLAG(uint32_t, max_outstanding);
ABSL_DECLARE_FLAG(uint32_t, channels);

ABSL_FLAG(uint32_t, streams, 4,
          "checkstream: CheckStreams kept open (checks go round-robin over "
          "them); each on its own channel unless --channels is set.");

ABSL_FLAG(uint32_t, batch_us, 0,
          "checkstream: the sender wakes at most every N microseconds and "
          "sends every check that is due (a dialer gathering its checks); 0: "
          "each check when it is due. Latency still runs from the due time.");

namespace dnc::bench {
namespace {

namespace v1 = ::dnc::v1;

// Calls still unanswered this long after the last send are cancelled.
constexpr int64_t kDrainNanos = 10'000'000'000LL;
// A skipped check (too many outstanding) counts as this latency.
constexpr int64_t kSkippedNanos = 10'000'000'000LL;

struct Stream;
enum class Op { kStart, kRead, kWrite, kWritesDone, kFinish };
struct Tag {
  Stream* stream;
  Op op;
};

struct Stream {
  Stream() {
    for (Op op :
         {Op::kStart, Op::kRead, Op::kWrite, Op::kWritesDone, Op::kFinish}) {
      tags[static_cast<int>(op)] = Tag{this, op};
    }
  }
  void* TagOf(Op op) { return &tags[static_cast<int>(op)]; }

  Tag tags[5];
  grpc::ClientContext context;
  std::unique_ptr<
      grpc::ClientAsyncReaderWriter<v1::CheckRequest, v1::CheckResponse>>
      rw;
  std::deque<uint64_t> pending;  // Check indices waiting to be written.
  v1::CheckRequest request;      // Being written.
  v1::CheckResponse response;    // Being read.
  bool started = false, writing = false, closing = false, closed = false;
  bool finished = false;
  grpc::Status status;
};

struct Outcome {
  LatencySummary latency;
  uint64_t achieved = 0;  // Due and answered inside the window.
  uint64_t answered = 0, errors = 0, wrong = 0, skipped = 0;
  double seconds = 0, self_cpu = 0, server_cpu = 0;
  std::string first_error;
};

std::string ApiKey() {
  std::string key = absl::GetFlag(FLAGS_api_key);
  if (key.empty()) {
    const char* env = std::getenv("DNC_API_KEY");
    if (env != nullptr) key = env;
  }
  return key;
}

class CheckStreamLoad {
 public:
  CheckStreamLoad(const QueryList* list,
                  std::vector<std::shared_ptr<grpc::Channel>> channels)
      : list_(list), channels_(std::move(channels)) {
    for (auto& channel : channels_) {
      stubs_.push_back(v1::ScrubService::NewStub(channel));
    }
  }

  Outcome Run(double rate, int stream_count, pid_t server_pid);

 private:
  int64_t DueOf(uint64_t index) const {
    return t0_ + static_cast<int64_t>(static_cast<double>(index) * interval_);
  }
  // Everything below runs with mu_ held (the sender and the poller).
  // Queues check `index` on its stream (or skips it); FlushAll then starts
  // the write of every stream that has checks waiting and none in flight.
  void Send(uint64_t index, uint64_t max_outstanding);
  void FlushAll();
  void Handle(Tag* tag, bool ok, int64_t now);
  void WriteNext(Stream* stream);
  void Answered(const v1::CheckResponse& response, int64_t now);
  void Fail(Stream* stream, const std::string& why);
  bool AllFinished() const;
  void Close(Stream* stream);

  const QueryList* const list_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<v1::ScrubService::Stub>> stubs_;
  std::unique_ptr<grpc::CompletionQueue> cq_;
  // The sender thread and the completion-queue thread share the streams and
  // the tallies. (Not annotated: Handle and friends are called with it held.)
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Stream>> streams_;
  int64_t t0_ = 0;
  double interval_ = 0;
  uint64_t first_ = 0, total_ = 0;
  int64_t window_end_ = 0;
  std::vector<int64_t> latencies_;
  uint64_t sent_ = 0, received_ = 0;
  Outcome outcome_;
};

Outcome CheckStreamLoad::Run(double rate, int stream_count, pid_t server_pid) {
  const double warmup = absl::GetFlag(FLAGS_warmup_seconds);
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const uint64_t max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  interval_ = 1e9 / rate;
  first_ = static_cast<uint64_t>(std::ceil(warmup * rate));
  total_ = first_ + static_cast<uint64_t>(seconds * rate);
  latencies_.assign(total_ - first_, -1);
  sent_ = received_ = 0;
  outcome_ = Outcome();
  cq_ = std::make_unique<grpc::CompletionQueue>();
  streams_.clear();
  const std::string key = ApiKey();
  {
    absl::MutexLock lock(&mu_);
    for (int i = 0; i < stream_count; ++i) {
      auto stream = std::make_unique<Stream>();
      if (!key.empty()) stream->context.AddMetadata("x-api-key", key);
      stream->rw = stubs_[static_cast<size_t>(i) % stubs_.size()]
                       ->PrepareAsyncCheckStream(&stream->context, cq_.get());
      stream->rw->StartCall(stream->TagOf(Op::kStart));
      streams_.push_back(std::move(stream));
    }
  }
  std::thread poller([this] {
    void* tag = nullptr;
    bool ok = false;
    while (cq_->Next(&tag, &ok)) {
      const int64_t now = NowNanos();
      absl::MutexLock lock(&mu_);
      Handle(static_cast<Tag*>(tag), ok, now);
    }
  });
  UseFineTimerSlack();
  t0_ = NowNanos() + 20'000'000;  // Time for the streams to start.
  const int64_t window_start = DueOf(first_);
  window_end_ = DueOf(total_);
  double self0 = 0, server0 = 0;
  bool measuring = false;
  const int64_t batch_ns =
      static_cast<int64_t>(absl::GetFlag(FLAGS_batch_us)) * 1000;
  int64_t wake = t0_;
  for (uint64_t i = 0; i < total_;) {
    SleepUntilNanos(std::max(wake, DueOf(i)));
    const int64_t now = NowNanos();
    if (!measuring && now >= window_start) {
      measuring = true;
      self0 = SelfCpuSeconds();
      server0 = ProcessTreeCpuSeconds(server_pid, false);
    }
    absl::MutexLock lock(&mu_);
    for (; i < total_ && DueOf(i) <= now; ++i) Send(i, max_outstanding);
    FlushAll();
    wake = now + batch_ns;
  }
  SleepUntilNanos(window_end_);
  outcome_.self_cpu = SelfCpuSeconds() - self0;
  outcome_.server_cpu = ProcessTreeCpuSeconds(server_pid, false) - server0;
  outcome_.seconds = static_cast<double>(window_end_ - window_start) / 1e9;
  // Drain: wait for the answers, then close the streams (cancel them if
  // they do not end).
  const int64_t give_up = NowNanos() + kDrainNanos;
  auto drained = [this] {
    mu_.AssertHeld();
    return received_ >= sent_;
  };
  {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&drained),
                         absl::Nanoseconds(give_up - NowNanos()));
    for (auto& stream : streams_) Close(stream.get());
  }
  auto finished = [this] {
    mu_.AssertHeld();
    return AllFinished();
  };
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(&finished),
                              absl::Nanoseconds(kDrainNanos))) {
      for (auto& stream : streams_) stream->context.TryCancel();
      mu_.Await(absl::Condition(&finished));
    }
  }
  cq_->Shutdown();
  poller.join();
  std::vector<int64_t> done;
  for (int64_t ns : latencies_) {
    if (ns >= 0) done.push_back(ns);
  }
  outcome_.latency = Summarize(&done);
  return outcome_;
}

void CheckStreamLoad::FlushAll() {
  for (auto& stream : streams_) {
    if (stream->started && !stream->writing && !stream->pending.empty()) {
      WriteNext(stream.get());
    }
  }
}

void CheckStreamLoad::Send(uint64_t index, uint64_t max_outstanding) {
  if (sent_ - received_ >= max_outstanding) {
    ++outcome_.skipped;
    if (index >= first_) latencies_[index - first_] = kSkippedNanos;
    return;
  }
  Stream* stream = streams_[index % streams_.size()].get();
  if (stream->finished || stream->closing) {
    ++outcome_.errors;
    return;
  }
  stream->pending.push_back(index);
  ++sent_;
}

void CheckStreamLoad::Handle(Tag* tag, bool ok, int64_t now) {
  Stream* stream = tag->stream;
  switch (tag->op) {
    case Op::kStart:
      if (!ok) return Fail(stream, "the stream could not start");
      stream->started = true;
      stream->rw->Read(&stream->response, stream->TagOf(Op::kRead));
      if (!stream->pending.empty()) WriteNext(stream);
      return;
    case Op::kWrite:
      stream->writing = false;
      if (!ok) return Fail(stream, "a write failed");
      if (!stream->pending.empty()) {
        WriteNext(stream);
      } else if (stream->closing) {
        Close(stream);
      }
      return;
    case Op::kRead:
      if (!ok) {  // The server ended the stream: learn why.
        stream->rw->Finish(&stream->status, stream->TagOf(Op::kFinish));
        return;
      }
      Answered(stream->response, now);
      stream->rw->Read(&stream->response, stream->TagOf(Op::kRead));
      return;
    case Op::kWritesDone:
      return;
    case Op::kFinish:
      stream->finished = true;
      if (!stream->status.ok() && !stream->closed) {
        ++outcome_.errors;
        if (outcome_.first_error.empty()) {
          outcome_.first_error = stream->status.error_message();
        }
      }
      return;
  }
}

void CheckStreamLoad::WriteNext(Stream* stream) {
  const uint64_t index = stream->pending.front();
  stream->pending.pop_front();
  const size_t q = index % list_->keys.size();
  stream->request.set_e164(list_->keys[q]);
  stream->request.set_id(absl::StrCat(index));
  grpc::WriteOptions options;
  // More checks wait on this stream: send them in one go.
  if (!stream->pending.empty()) options.set_buffer_hint();
  stream->writing = true;
  stream->rw->Write(stream->request, options, stream->TagOf(Op::kWrite));
}

void CheckStreamLoad::Answered(const v1::CheckResponse& response, int64_t now) {
  uint64_t index = 0;
  if (!absl::SimpleAtoi(response.id(), &index) || index >= total_) {
    ++outcome_.wrong;
    return;
  }
  ++received_;
  ++outcome_.answered;
  const bool listed = list_->hit[index % list_->keys.size()] != 0;
  const bool blocked = response.disposition() == v1::BLOCKED;
  if (blocked != listed ||
      (!blocked && response.disposition() != v1::CALLABLE)) {
    ++outcome_.wrong;
  }
  if (index < first_) return;
  latencies_[index - first_] = now - DueOf(index);
  if (now <= window_end_) ++outcome_.achieved;
}

void CheckStreamLoad::Fail(Stream* stream, const std::string& why) {
  if (outcome_.first_error.empty()) outcome_.first_error = why;
  ++outcome_.errors;
  // Outstanding checks of this stream will never be answered.
  received_ += stream->pending.size();
  stream->pending.clear();
  stream->closing = true;
}

void CheckStreamLoad::Close(Stream* stream) {
  stream->closing = true;
  if (stream->writing || !stream->started || stream->closed ||
      !stream->pending.empty()) {
    return;
  }
  stream->closed = true;
  stream->rw->WritesDone(stream->TagOf(Op::kWritesDone));
}

bool CheckStreamLoad::AllFinished() const {
  for (const auto& stream : streams_) {
    if (!stream->finished) return false;
  }
  return true;
}

int HitPercent(const QueryList& list) {
  return static_cast<int>(std::lround(100.0 * static_cast<double>(list.hits) /
                                      static_cast<double>(list.keys.size())));
}

int Usage(const std::string& message) {
  std::cerr << "dnc-bench checkstream: " << message
            << "\nTry 'dnc-bench --help'." << std::endl;
  return 2;
}

int Failure(const std::string& message) {
  std::cerr << "dnc-bench checkstream: " << message << std::endl;
  return 1;
}

}  // namespace

int RunCheckStream() {
  const std::string path = absl::GetFlag(FLAGS_queries);
  if (path.empty()) return Usage("--queries FILE is required");
  absl::StatusOr<QueryList> list = ReadKeyFile(path);
  if (!list.ok()) return Failure(std::string(list.status().message()));
  if (list->keys.empty()) return Failure(path + " holds no queries");
  std::vector<double> rates;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_rates), ',',
                                               absl::SkipWhitespace())) {
    absl::StatusOr<uint64_t> rate = ParseCount(std::string(part));
    if (!rate.ok() || *rate < 1) {
      return Usage(absl::StrCat("--rates: '", std::string(part),
                                "' is not a rate (checks/s, e.g. 100000)"));
    }
    rates.push_back(static_cast<double>(*rate));
  }
  if (rates.empty()) return Usage("--rates needs at least one rate");
  const int streams = static_cast<int>(absl::GetFlag(FLAGS_streams));
  if (streams < 1) return Usage("--streams must be at least 1");
  const uint32_t channel_flag = absl::GetFlag(FLAGS_channels);
  auto channels = ConnectChannels(
      absl::GetFlag(FLAGS_server),
      channel_flag > 0 ? static_cast<int>(channel_flag) : streams);
  if (!channels.ok()) return Failure(std::string(channels.status().message()));
  CheckStreamLoad load(&*list, *channels);
  const pid_t server_pid = absl::GetFlag(FLAGS_server_pid);
  for (double rate : rates) {
    for (uint32_t run = 1; run <= absl::GetFlag(FLAGS_runs); ++run) {
      const Outcome outcome = load.Run(rate, streams, server_pid);
      if (outcome.wrong > 0) {
        return Failure(absl::StrCat(outcome.wrong,
                                    " CheckStream answers were wrong; is the "
                                    "server loaded with this registry?"));
      }
      if (outcome.errors > 0) {
        std::cerr << "dnc-bench checkstream: " << outcome.errors
                  << " errors at " << rate
                  << "/s; first: " << outcome.first_error << std::endl;
      }
      const double seconds = std::max(outcome.seconds, 1e-9);
      const double checks = std::max<double>(1, outcome.achieved);
      ResultLine line;
      line.Set("scenario", "checkstream")
          .Set("system", "dnc")
          .Set("hits", HitPercent(*list))
          .Set("rate", static_cast<uint64_t>(rate))
          .Set("streams", streams)
          .Set("channels", static_cast<uint64_t>(channels->size()))
          .Set("run", run)
          .Set("seconds", seconds)
          .Set("achieved_per_s",
               static_cast<double>(outcome.achieved) / seconds)
          .Set("p50_us", outcome.latency.p50_us)
          .Set("p90_us", outcome.latency.p90_us)
          .Set("p99_us", outcome.latency.p99_us)
          .Set("p999_us", outcome.latency.p999_us)
          .Set("max_us", outcome.latency.max_us)
          .Set("errors", outcome.errors)
          .Set("skipped", outcome.skipped)
          .Set("overloaded", outcome.skipped > 0 || outcome.errors > 0 ? 1 : 0)
          .Set("client_cpu", outcome.self_cpu / seconds)
          .Set("server_cpu", outcome.server_cpu / seconds)
          .Set("client_us_per_check", outcome.self_cpu * 1e6 / checks)
          .Set("server_us_per_check", outcome.server_cpu * 1e6 / checks);
      std::cout << line.ToString() << std::endl;
    }
  }
  return 0;
}

}  // namespace dnc::bench
