// dnc-bench's batched loads over real gRPC: unary Scrub (closed loop,
// --concurrency requests in flight) and ScrubStream (streams keeping
// --window chunks in flight). Requests are serialized once (packed e164) and
// sent as prebuilt byte buffers through the generic callback stub; answers
// are parsed only while checking them (every batch once, before measuring),
// and only answers that arrive inside the measured window count.
//
// Thread-safety: ScrubLoad and StreamLoad are driven by gRPC's callback
// threads and guard their state; one Measure/CheckAll (one stream) at a time.
#ifndef DNC_BENCH_SCRUB_LOAD_H_
#define DNC_BENCH_SCRUB_LOAD_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/load_gen.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/scrub.pb.h"

namespace dnc::bench {

namespace v1 = ::dnc::v1;

inline constexpr char kScrubMethod[] = "/dnc.v1.ScrubService/Scrub";
inline constexpr char kStreamMethod[] = "/dnc.v1.ScrubService/ScrubStream";

// How long a run warms up and measures, and the tenant's key (if any).
struct LoadTiming {
  double warmup_seconds = 2;
  double seconds = 5;
  std::string api_key;  // Sent as x-api-key when not empty.
};

// The requests of a query list, serialized once.
struct PreparedBatches {
  Batches batches;
  std::vector<grpc::ByteBuffer> requests;
};

// Runs the measured window: warm-up, then samples CPU at the start and end.
struct Window {
  int64_t start_ns = 0, end_ns = 0;
  double self_cpu = 0, server_cpu = 0;
};

// Adds `api_key` (if not empty) to a call's metadata as x-api-key.
void Authorize(grpc::ClientContext* context, const std::string& api_key);

grpc::ByteBuffer Serialize(const google::protobuf::MessageLite& message);
bool Parse(const grpc::ByteBuffer& buffer,
           google::protobuf::MessageLite* message);

// Checks one Scrub answer against the batch: one disposition per number,
// BLOCKED exactly for the expected hits (by count) and CALLABLE otherwise.
// Errors: Internal, naming the batch.
absl::Status CheckAnswer(const v1::ScrubResponse& response, size_t batch_size,
                         uint32_t expected_hits, size_t batch_index);

// The batches of `list`, each request serialized once.
PreparedBatches Prepare(const QueryList& list, size_t batch_size);

// Sleeps through the warm-up (from t0) and the window, sampling this
// process's and the server's CPU at both ends.
void MeasureWindow(int64_t t0, const LoadTiming& timing, Window* window,
                   pid_t server_pid);

// ------------------------------------------------------------ unary Scrub

// Closed loop: `concurrency` slots, each sending its next request when the
// previous one is answered. In checking mode every batch is sent once and
// every answer parsed; otherwise requests run until `stop_ns` and only those
// answered inside the window count.
class ScrubLoad {
 public:
  ScrubLoad(const PreparedBatches* prepared,
            std::vector<std::shared_ptr<grpc::Channel>> channels,
            LoadTiming timing)
      : prepared_(prepared), timing_(std::move(timing)) {
    for (auto& channel : channels) {
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    }
  }

  // Sends every batch once and checks every answer.
  absl::Status CheckAll(int concurrency) {
    checking_ = true;
    next_ = 0;
    stop_ns_ = INT64_MAX;
    Run(concurrency);
    absl::MutexLock lock(&mu_);
    return first_error_;
  }

  struct Outcome {
    uint64_t numbers = 0, rpcs = 0;
    LatencySummary latency;
    Window window;
    uint64_t errors = 0;
    std::string first_error;
  };

  Outcome Measure(int concurrency, pid_t server_pid) {
    checking_ = false;
    next_ = 0;
    numbers_ = 0;
    rpcs_ = 0;
    const int64_t t0 = NowNanos();
    window_start_ = INT64_MAX;
    window_end_ = INT64_MAX;
    stop_ns_ = t0 + static_cast<int64_t>(
                        (timing_.warmup_seconds + timing_.seconds) * 1e9);
    window_start_ = t0 + static_cast<int64_t>(timing_.warmup_seconds * 1e9);
    window_end_ = stop_ns_.load();
    Outcome outcome;
    std::thread runner([&] { Run(concurrency); });
    MeasureWindow(t0, timing_, &outcome.window, server_pid);
    runner.join();
    outcome.numbers = numbers_;
    outcome.rpcs = rpcs_;
    std::vector<int64_t> all;
    for (const auto& slot : slots_) {
      all.insert(all.end(), slot->latencies.begin(), slot->latencies.end());
    }
    outcome.latency = Summarize(&all);
    absl::MutexLock lock(&mu_);
    outcome.errors = errors_;
    outcome.first_error = first_error_.ok() ? "" : first_error_.ToString();
    return outcome;
  }

 private:
  struct Slot {
    std::unique_ptr<grpc::ClientContext> context;
    grpc::ByteBuffer response;
    int64_t sent_ns = 0;
    size_t batch = 0;
    size_t stub = 0;
    std::vector<int64_t> latencies;
  };

  // Starts the slots and blocks until every one has stopped.
  void Run(int concurrency) {
    slots_.clear();
    {
      absl::MutexLock lock(&mu_);
      active_ = concurrency;
      errors_ = 0;
      first_error_ = absl::OkStatus();
    }
    for (int i = 0; i < concurrency; ++i) {
      slots_.push_back(std::make_unique<Slot>());
      slots_.back()->stub = static_cast<size_t>(i) % stubs_.size();
      slots_.back()->latencies.reserve(1 << 16);
    }
    for (auto& slot : slots_) {
      if (!Issue(slot.get())) SlotDone();
    }
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* active) { return *active == 0; }, &active_));
  }

  // Sends the slot's next request; false when there is none to send.
  bool Issue(Slot* slot) {
    const size_t count = prepared_->requests.size();
    const size_t index = next_.fetch_add(1);
    if (checking_ && index >= count) return false;
    if (!checking_ && NowNanos() >= stop_ns_) return false;
    slot->batch = index % count;
    slot->context = std::make_unique<grpc::ClientContext>();
    Authorize(slot->context.get(), timing_.api_key);
    slot->context->set_deadline(std::chrono::system_clock::now() +
                                std::chrono::seconds(60));
    slot->response.Clear();
    slot->sent_ns = NowNanos();
    stubs_[slot->stub]->UnaryCall(
        slot->context.get(), kScrubMethod, grpc::StubOptions(),
        &prepared_->requests[slot->batch], &slot->response,
        [this, slot](grpc::Status status) { OnDone(slot, status); });
    return true;
  }

  void OnDone(Slot* slot, const grpc::Status& status) {
    const int64_t now = NowNanos();
    bool keep_going = status.ok();
    if (!status.ok()) {
      Fail(absl::UnavailableError(
          absl::StrCat("Scrub RPC failed: ", status.error_message(), " (code ",
                       static_cast<int>(status.error_code()), ")")));
    } else if (checking_) {
      v1::ScrubResponse response;
      absl::Status checked =
          Parse(slot->response, &response)
              ? CheckAnswer(response, prepared_->batches.batch_size,
                            prepared_->batches.expected_hits[slot->batch],
                            slot->batch)
              : absl::DataLossError("cannot parse a ScrubResponse");
      if (!checked.ok()) {
        Fail(checked);
        keep_going = false;
      }
    } else if (now >= window_start_ && now <= window_end_) {
      numbers_.fetch_add(prepared_->batches.batch_size,
                         std::memory_order_relaxed);
      rpcs_.fetch_add(1, std::memory_order_relaxed);
      slot->latencies.push_back(now - slot->sent_ns);
    }
    if (!keep_going || !Issue(slot)) SlotDone();
  }

  void Fail(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    ++errors_;
    if (first_error_.ok()) first_error_ = status;
  }

  void SlotDone() {
    absl::MutexLock lock(&mu_);
    --active_;
  }

  const PreparedBatches* const prepared_;
  const LoadTiming timing_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<bool> checking_{false};
  std::atomic<size_t> next_{0};
  std::atomic<int64_t> stop_ns_{0};
  std::atomic<int64_t> window_start_{0};
  std::atomic<int64_t> window_end_{0};
  std::atomic<uint64_t> numbers_{0};
  std::atomic<uint64_t> rpcs_{0};
  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
};

// ------------------------------------------------------------- ScrubStream

// One ScrubStream: writes chunks back to back while fewer than `window` are
// unanswered; reads answers in order. Stops writing at `stop_ns` (or after
// `max_chunks` when checking) and half-closes.
class StreamLoad final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  struct Shared {
    std::string api_key;  // Sent as x-api-key when not empty.
    const PreparedBatches* prepared = nullptr;
    bool checking = false;
    int64_t stop_ns = INT64_MAX;
    int64_t window_start = INT64_MAX, window_end = INT64_MAX;
    std::atomic<uint64_t> numbers{0};
    std::atomic<uint64_t> chunks{0};
  };

  StreamLoad(grpc::GenericStub* stub, Shared* shared, size_t first_batch,
             size_t max_chunks, int window)
      : shared_(shared),
        next_batch_(first_batch),
        max_chunks_(max_chunks),
        window_(window) {
    Authorize(&context_, shared_->api_key);
    stub->PrepareBidiStreamingCall(&context_, kStreamMethod,
                                   grpc::StubOptions(), this);
    StartRead(&response_);
    StartCall();
    MaybeWrite();
  }

  // Blocks until the stream has finished; its status (or the first wrong
  // answer).
  absl::Status Await() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return status_;
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) broken_ = true;
    }
    MaybeWrite();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // The stream ended; OnDone follows.
    const int64_t now = NowNanos();
    size_t batch = 0;
    {
      absl::MutexLock lock(&mu_);
      batch = sent_batches_.front();
      sent_batches_.pop_front();
      --in_flight_;
    }
    if (shared_->checking) {
      v1::ScrubResponse response;
      absl::Status checked =
          Parse(response_, &response)
              ? CheckAnswer(response, shared_->prepared->batches.batch_size,
                            shared_->prepared->batches.expected_hits[batch],
                            batch)
              : absl::DataLossError("cannot parse a ScrubResponse");
      if (!checked.ok()) {
        absl::MutexLock lock(&mu_);
        if (status_.ok()) status_ = checked;
        broken_ = true;
      }
    } else if (now >= shared_->window_start && now <= shared_->window_end) {
      shared_->numbers.fetch_add(shared_->prepared->batches.batch_size,
                                 std::memory_order_relaxed);
      shared_->chunks.fetch_add(1, std::memory_order_relaxed);
    }
    response_.Clear();
    StartRead(&response_);
    MaybeWrite();
  }

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    if (!status.ok() && status_.ok()) {
      status_ = absl::UnavailableError(
          absl::StrCat("ScrubStream failed: ", status.error_message()));
    }
    done_ = true;
  }

 private:
  // Decides under the lock, then starts the write outside it.
  void MaybeWrite() {
    enum { kNothing, kWrite, kClose } action = kNothing;
    const grpc::ByteBuffer* request = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || closed_) return;
      const bool stop = broken_ || written_ >= max_chunks_ ||
                        (!shared_->checking && NowNanos() >= shared_->stop_ns);
      if (stop) {
        closed_ = true;
        action = kClose;
      } else if (in_flight_ < window_) {
        const auto& requests = shared_->prepared->requests;
        const size_t batch = next_batch_ % requests.size();
        ++next_batch_;
        request = &requests[batch];
        sent_batches_.push_back(batch);
        ++in_flight_;
        ++written_;
        writing_ = true;
        action = kWrite;
      }
    }
    if (action == kWrite) StartWrite(request);
    if (action == kClose) StartWritesDone();
  }

  Shared* const shared_;
  grpc::ClientContext context_;
  grpc::ByteBuffer response_;
  absl::Mutex mu_;
  size_t next_batch_ ABSL_GUARDED_BY(mu_);
  const size_t max_chunks_;
  const int window_;
  std::deque<size_t> sent_batches_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  size_t written_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dnc::bench

#endif  // DNC_BENCH_SCRUB_LOAD_H_
