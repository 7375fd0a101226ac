#include "bench/scrub_load.h"

namespace dnc::bench {

void Authorize(grpc::ClientContext* context, const std::string& api_key) {
  if (!api_key.empty()) context->AddMetadata("x-api-key", api_key);
}

grpc::ByteBuffer Serialize(const google::protobuf::MessageLite& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool Parse(const grpc::ByteBuffer& buffer,
           google::protobuf::MessageLite* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return message->ParseFromString(bytes);
}

absl::Status CheckAnswer(const v1::ScrubResponse& response, size_t batch_size,
                         uint32_t expected_hits, size_t batch_index) {
  if (static_cast<size_t>(response.dispositions_size()) != batch_size) {
    return absl::InternalError(
        absl::StrCat("batch ", batch_index, ": ", response.dispositions_size(),
                     " dispositions for ", batch_size, " numbers"));
  }
  uint32_t blocked = 0, other = 0;
  for (int d : response.dispositions()) {
    if (d == v1::BLOCKED) {
      ++blocked;
    } else if (d != v1::CALLABLE) {
      ++other;
    }
  }
  if (blocked != expected_hits || other != 0) {
    return absl::InternalError(absl::StrCat(
        "batch ", batch_index, ": ", blocked, " BLOCKED and ", other,
        " neither BLOCKED nor CALLABLE, expected ", expected_hits,
        " BLOCKED (is the server loaded with this registry, as of today?)"));
  }
  return absl::OkStatus();
}

PreparedBatches Prepare(const QueryList& list, size_t batch_size) {
  PreparedBatches prepared;
  prepared.batches = MakeBatches(list, batch_size);
  for (const std::vector<uint64_t>& keys : prepared.batches.keys) {
    v1::ScrubRequest request;
    request.mutable_e164()->Add(keys.begin(), keys.end());
    prepared.requests.push_back(Serialize(request));
  }
  return prepared;
}

void MeasureWindow(int64_t t0, const LoadTiming& timing, Window* window,
                   pid_t server_pid) {
  window->start_ns = t0 + static_cast<int64_t>(timing.warmup_seconds * 1e9);
  window->end_ns =
      window->start_ns + static_cast<int64_t>(timing.seconds * 1e9);
  SleepUntilNanos(window->start_ns);
  const double self0 = SelfCpuSeconds();
  const double server0 = ProcessTreeCpuSeconds(server_pid, false);
  SleepUntilNanos(window->end_ns);
  window->self_cpu = SelfCpuSeconds() - self0;
  window->server_cpu = ProcessTreeCpuSeconds(server_pid, false) - server0;
}

}  // namespace dnc::bench
