// An in-process ScrubService on 127.0.0.1 (port 0) for client tests: a plain
// oracle over a set of listed numbers, built from the generated service code
// only (no dependency on the service module). It classifies entries with the
// shared normaliser, answers BLOCKED with a LISTED reason for listed numbers,
// CALLABLE otherwise, and can be told to misbehave (drop the id echo, break
// the sequence echo, answer an unknown disposition).
// Thread-safety: thread-safe (gRPC calls it from several threads).
#ifndef DNC_TESTS_CLIENT_FAKE_SCRUB_SERVER_H_
#define DNC_TESTS_CLIENT_FAKE_SCRUB_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/phone_number.h"
#include "dnc/v1/scrub.grpc.pb.h"

namespace dnc::client::fake {

struct FakeListing {
  uint32_t snapshot = 0;  // Index into FakeScrubService::snapshots.
  std::string added_date;
};

class FakeScrubService final : public v1::ScrubService::Service {
 public:
  FakeScrubService() {
    v1::SnapshotRef ftc;
    ftc.set_source("us-ftc");
    ftc.set_jurisdiction("US");
    ftc.set_generation("g000001");
    ftc.set_as_of("2026-11-20");
    snapshots.push_back(ftc);
    v1::SnapshotRef internal;
    internal.set_source("internal");
    internal.set_jurisdiction("acme");
    internal.set_generation("g000007");
    internal.set_as_of("2026-11-21");
    snapshots.push_back(internal);
  }

  // Configuration: set before the server takes calls.
  std::map<uint64_t, FakeListing> listed;
  std::map<uint64_t, int> odd_disposition;  // e164 -> any wire value.
  std::vector<v1::SnapshotRef> snapshots;
  uint32_t max_batch_entries = 100000;
  bool echo_ids = true;
  bool break_sequence = false;

  // Observations.
  std::atomic<uint64_t> stream_requests{0};
  std::atomic<uint64_t> entries_seen{0};
  std::atomic<uint64_t> largest_request{0};

  // The answer for one entry, as the real server would give it.
  void Answer(const ParsedNumber& parsed, v1::ScrubResponse* response,
              uint32_t entry) const {
    if (parsed.number_class == NumberClass::kMalformed) {
      response->add_dispositions(v1::MALFORMED);
      response->add_e164(0);
      AddReason(response, entry, v1::MALFORMED_NUMBER, 0, parsed.problem, "");
      return;
    }
    response->add_e164(parsed.e164);
    if (parsed.number_class == NumberClass::kInvalid) {
      response->add_dispositions(v1::INVALID);
      AddReason(response, entry, v1::INVALID_NUMBER, 0, parsed.problem, "");
      return;
    }
    const auto odd = odd_disposition.find(parsed.e164);
    if (odd != odd_disposition.end()) {
      response->add_dispositions(static_cast<v1::Disposition>(odd->second));
      return;
    }
    const auto it = listed.find(parsed.e164);
    if (it == listed.end()) {
      response->add_dispositions(v1::CALLABLE);
      return;
    }
    response->add_dispositions(it->second.snapshot == 1 ? v1::INTERNAL
                                                        : v1::BLOCKED);
    AddReason(response, entry, v1::LISTED, it->second.snapshot, "",
              it->second.added_date);
  }

  grpc::Status Answer(const v1::ScrubRequest& request,
                      v1::ScrubResponse* response) {
    const uint64_t entries =
        static_cast<uint64_t>(request.e164_size() + request.raw_size());
    if (entries > max_batch_entries) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "batch larger than max_batch_entries");
    }
    if (request.ids_size() != 0 &&
        static_cast<uint64_t>(request.ids_size()) != entries) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "ids must be one per entry");
    }
    entries_seen += entries;
    uint64_t seen = largest_request.load();
    while (entries > seen &&
           !largest_request.compare_exchange_weak(seen, entries)) {
    }
    uint32_t entry = 0;
    for (const uint64_t e164 : request.e164()) {
      Answer(ClassifyE164(e164), response, entry++);
    }
    for (const std::string& raw : request.raw()) {
      Answer(ParsePhoneNumber(raw), response, entry++);
    }
    if (echo_ids) *response->mutable_ids() = request.ids();
    for (const v1::SnapshotRef& ref : snapshots)
      *response->add_snapshots() = ref;
    response->set_sequence(request.sequence() + (break_sequence ? 1 : 0));
    return grpc::Status::OK;
  }

  grpc::Status Check(grpc::ServerContext*, const v1::CheckRequest* request,
                     v1::CheckResponse* response) override {
    const ParsedNumber parsed = request->has_e164()
                                    ? ClassifyE164(request->e164())
                                    : ParsePhoneNumber(request->raw());
    v1::ScrubResponse batch;
    Answer(parsed, &batch, 0);
    response->set_disposition(batch.dispositions(0));
    response->set_callable(batch.dispositions(0) == v1::CALLABLE ||
                           odd_disposition.count(parsed.e164) != 0);
    response->set_e164(batch.e164(0));
    *response->mutable_reasons() = batch.reasons();
    for (const v1::SnapshotRef& ref : snapshots)
      *response->add_snapshots() = ref;
    response->set_id(request->id());
    return grpc::Status::OK;
  }

  grpc::Status Scrub(grpc::ServerContext*, const v1::ScrubRequest* request,
                     v1::ScrubResponse* response) override {
    return Answer(*request, response);
  }

  grpc::Status ScrubStream(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::ScrubResponse, v1::ScrubRequest>* stream)
      override {
    v1::ScrubRequest request;
    while (stream->Read(&request)) {
      ++stream_requests;
      v1::ScrubResponse response;
      grpc::Status status = Answer(request, &response);
      if (!status.ok()) return status;
      if (!stream->Write(response)) break;
    }
    return grpc::Status::OK;
  }

  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    for (size_t i = 0; i < snapshots.size(); ++i) {
      v1::SourceStatus* source = response->add_sources();
      *source->mutable_snapshot() = snapshots[i];
      source->add_country_codes(1);
      source->set_number_count(1000 + i);
      source->set_age_days(2);
      source->set_max_age_days(31);
      source->set_deadline("2026-12-21");
      source->set_stale(i == 1);
      source->set_loaded_at("2026-11-22T00:00:00Z");
    }
    response->set_max_batch_entries(max_batch_entries);
    response->set_server_version("fake-1");
    response->set_today("2026-11-22");
    return grpc::Status::OK;
  }

 private:
  static void AddReason(v1::ScrubResponse* response, uint32_t entry,
                        v1::ReasonCode code, uint32_t snapshot,
                        const char* detail, const std::string& added) {
    v1::Reason* reason = response->add_reasons();
    reason->set_entry(entry);
    reason->set_code(code);
    reason->set_snapshot(snapshot);
    if (detail != nullptr) reason->set_detail(detail);
    reason->set_added_date(added);
  }
};

// Runs a FakeScrubService on 127.0.0.1:<free port> until destroyed.
class FakeScrubServer {
 public:
  FakeScrubServer() = default;
  ~FakeScrubServer() { Stop(); }

  // Starts serving `service_`; configure service() first.
  void Start() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.SetMaxReceiveMessageSize(64 << 20);
    builder.SetMaxSendMessageSize(64 << 20);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  void Stop() {
    if (server_ != nullptr) {
      server_->Shutdown();
      server_->Wait();
      server_.reset();
    }
  }

  FakeScrubService& service() { return service_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  bool started() const { return server_ != nullptr && port_ > 0; }

 private:
  FakeScrubService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace dnc::client::fake

#endif  // DNC_TESTS_CLIENT_FAKE_SCRUB_SERVER_H_
