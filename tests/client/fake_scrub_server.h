// An in-process ScrubService + TenantService on 127.0.0.1 (port 0) for client
// tests: a plain oracle over a set of listed numbers, built from the
// generated service code only (no dependency on the service module). It
// classifies entries with the shared normaliser, answers INTERNAL for the
// tenant's opt-outs, BLOCKED with a LISTED reason for listed numbers,
// CALLABLE otherwise; area code 202 has the calling window 08:00-21:00
// America/New_York (open by UTC-5 hour of `now`), other numbers an unknown
// one. It can require an API key (metadata x-api-key), records the job ids,
// purposes and sequences it saw, and can be told to misbehave (drop the id
// echo, break the sequence echo, answer an unknown disposition).
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
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/phone_number.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/tenant.grpc.pb.h"

namespace dnc::client::fake {

struct FakeListing {
  uint32_t snapshot = 0;  // Index into FakeScrubService::snapshots.
  std::string added_date;
};

// State both fake services share: the key, the tenant's list, the jobs.
struct FakeTenantState {
  std::mutex mu;
  std::string required_api_key;              // Empty: no key needed.
  std::map<uint64_t, std::string> opt_outs;  // e164 -> added date.
  std::vector<v1::ConsentRecord> consents;
  std::map<std::string, v1::ScrubReport> jobs;
  std::map<std::string, v1::JobFilesRequest> job_files;
  std::vector<std::string> job_ids_seen;
  std::vector<int> purposes_seen;
  std::vector<uint64_t> sequences_seen;
  std::vector<int64_t> nows_seen;
  std::vector<size_t> opt_out_batch_sizes;

  // Non-OK when the call lacks the required key.
  grpc::Status Authenticate(grpc::ServerContext* context) {
    if (required_api_key.empty()) return grpc::Status::OK;
    const auto& metadata = context->client_metadata();
    const auto it = metadata.find("x-api-key");
    if (it == metadata.end()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "missing API key (metadata x-api-key)");
    }
    if (std::string(it->second.data(), it->second.size()) != required_api_key) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown API key");
    }
    return grpc::Status::OK;
  }
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
  FakeTenantState* tenant = nullptr;  // Set by FakeScrubServer.

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
    if (tenant != nullptr && tenant->opt_outs.count(parsed.e164) != 0) {
      response->add_dispositions(v1::INTERNAL);
      AddReason(response, entry, v1::INTERNAL_LIST, 0, "",
                tenant->opt_outs.at(parsed.e164));
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

  // windows[0] unknown; windows[1] the 202 window at `now`.
  static void AddWindows(
      int64_t now_unix_seconds,
      google::protobuf::RepeatedPtrField<v1::CallingWindow>* windows) {
    windows->Add();
    v1::CallingWindow* window = windows->Add();
    window->add_time_zones("America/New_York");
    window->set_rule("US");
    window->set_local_start("08:00");
    window->set_local_end("21:00");
    window->set_known(true);
    const int64_t now = now_unix_seconds != 0
                            ? now_unix_seconds
                            : absl::ToUnixSeconds(absl::Now());
    const int64_t hour = (((now / 3600) - 5) % 24 + 24) % 24;
    window->set_open_now(hour >= 8 && hour < 21);
    window->set_local_now("2026-11-23 " + std::to_string(100 + hour).substr(1) +
                          ":00 Mon");
  }
  static uint32_t WindowOf(const ParsedNumber& parsed) {
    return parsed.number_class == NumberClass::kValid &&
                   parsed.e164 / 10000000 == 1202
               ? 1
               : 0;
  }

  grpc::Status Answer(const v1::ScrubRequest& request,
                      v1::ScrubResponse* response) {
    if (tenant != nullptr) {
      tenant->job_ids_seen.push_back(request.job_id());
      tenant->purposes_seen.push_back(request.purpose());
      tenant->sequences_seen.push_back(request.sequence());
      tenant->nows_seen.push_back(request.now_unix_seconds());
    }
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
      const ParsedNumber parsed = ClassifyE164(e164);
      Answer(parsed, response, entry++);
      response->add_window(WindowOf(parsed));
    }
    for (const std::string& raw : request.raw()) {
      const ParsedNumber parsed = ParsePhoneNumber(raw);
      Answer(parsed, response, entry++);
      response->add_window(WindowOf(parsed));
    }
    AddWindows(request.now_unix_seconds(), response->mutable_windows());
    const std::string job =
        request.job_id().empty() ? "auto-job" : request.job_id();
    response->set_job_id(job);
    response->set_audit_id("audit-" + std::to_string(entries_seen.load()));
    if (tenant != nullptr) {
      v1::ScrubReport& report = tenant->jobs[job];
      report.set_job_id(job);
      report.set_tenant("acme");
      report.set_requests(report.requests() + 1);
      report.set_numbers(report.numbers() + entries);
      for (const int d : response->dispositions()) {
        bool found = false;
        for (v1::DispositionCount& count : *report.mutable_counts()) {
          if (count.disposition() == d) {
            count.set_count(count.count() + 1);
            found = true;
          }
        }
        if (!found) {
          v1::DispositionCount* count = report.add_counts();
          count->set_disposition(static_cast<v1::Disposition>(d));
          count->set_count(1);
        }
      }
      if (report.snapshots().empty()) {
        for (const v1::SnapshotRef& ref : snapshots)
          *report.add_snapshots() = ref;
      }
      report.set_purpose(request.purpose());
      report.set_server_version("fake-1");
      report.set_numbers_sha256(std::string(64, 'a'));
      report.set_answers_sha256(std::string(64, 'b'));
    }
    if (echo_ids) *response->mutable_ids() = request.ids();
    for (const v1::SnapshotRef& ref : snapshots)
      *response->add_snapshots() = ref;
    response->set_sequence(request.sequence() + (break_sequence ? 1 : 0));
    return grpc::Status::OK;
  }

  grpc::Status Check(grpc::ServerContext* context,
                     const v1::CheckRequest* request,
                     v1::CheckResponse* response) override {
    std::lock_guard<std::mutex> lock(tenant->mu);
    grpc::Status auth = tenant->Authenticate(context);
    if (!auth.ok()) return auth;
    tenant->purposes_seen.push_back(request->purpose());
    tenant->nows_seen.push_back(request->now_unix_seconds());
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
    google::protobuf::RepeatedPtrField<v1::CallingWindow> windows;
    AddWindows(request->now_unix_seconds(), &windows);
    *response->mutable_window() =
        windows.Get(static_cast<int>(WindowOf(parsed)));
    return grpc::Status::OK;
  }

  grpc::Status Scrub(grpc::ServerContext* context,
                     const v1::ScrubRequest* request,
                     v1::ScrubResponse* response) override {
    std::lock_guard<std::mutex> lock(tenant->mu);
    grpc::Status auth = tenant->Authenticate(context);
    if (!auth.ok()) return auth;
    return Answer(*request, response);
  }

  grpc::Status ScrubStream(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ScrubResponse, v1::ScrubRequest>* stream)
      override {
    {
      std::lock_guard<std::mutex> lock(tenant->mu);
      grpc::Status auth = tenant->Authenticate(context);
      if (!auth.ok()) return auth;
    }
    v1::ScrubRequest request;
    while (stream->Read(&request)) {
      ++stream_requests;
      v1::ScrubResponse response;
      grpc::Status status;
      {
        std::lock_guard<std::mutex> lock(tenant->mu);
        status = Answer(request, &response);
      }
      if (!status.ok()) return status;
      if (!stream->Write(response)) break;
    }
    return grpc::Status::OK;
  }

  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    std::lock_guard<std::mutex> lock(tenant->mu);
    grpc::Status auth = tenant->Authenticate(context);
    if (!auth.ok()) return auth;
    if (!tenant->required_api_key.empty()) {
      response->set_tenant("acme");
      response->set_auth_required(true);
    }
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

// The tenant's side: an in-memory internal list, consent records and jobs.
class FakeTenantService final : public v1::TenantService::Service {
 public:
  explicit FakeTenantService(FakeTenantState* state) : state_(state) {}
  // Answer FAILED_PRECONDITION to everything, as a server run with
  // --auth=none does.
  bool no_tenants = false;

  grpc::Status AddOptOuts(grpc::ServerContext* context,
                          const v1::OptOutRequest* request,
                          v1::OptOutResponse* response) override {
    return OptOuts(context, *request, response, 'a');
  }
  grpc::Status RemoveOptOuts(grpc::ServerContext* context,
                             const v1::OptOutRequest* request,
                             v1::OptOutResponse* response) override {
    return OptOuts(context, *request, response, 'r');
  }
  grpc::Status CheckOptOuts(grpc::ServerContext* context,
                            const v1::OptOutRequest* request,
                            v1::OptOutResponse* response) override {
    return OptOuts(context, *request, response, 'c');
  }
  grpc::Status AddConsents(grpc::ServerContext* context,
                           const v1::ConsentRequest* request,
                           v1::ConsentResponse* response) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    grpc::Status auth = Auth(context);
    if (!auth.ok()) return auth;
    int entry = 0;
    for (const v1::ConsentRecord& in : request->records()) {
      const ParsedNumber parsed = ParsePhoneNumber(in.raw());
      if (parsed.number_class != NumberClass::kValid) {
        response->add_rejected("records[" + std::to_string(entry++) + "]" +
                               ": not a valid number");
        continue;
      }
      ++entry;
      v1::ConsentRecord record = in;
      record.clear_raw();
      record.set_e164(parsed.e164);
      state_->consents.push_back(record);
      *response->add_records() = record;
    }
    return grpc::Status::OK;
  }
  grpc::Status RevokeConsents(grpc::ServerContext* context,
                              const v1::ConsentRequest* request,
                              v1::ConsentResponse* response) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    grpc::Status auth = Auth(context);
    if (!auth.ok()) return auth;
    for (const v1::ConsentRecord& in : request->records()) {
      const uint64_t e164 = ParsePhoneNumber(in.raw()).e164;
      for (v1::ConsentRecord& record : state_->consents) {
        if (record.e164() == e164 && record.revoked_date().empty()) {
          record.set_revoked_date(request->date().empty() ? "2026-11-23"
                                                          : request->date());
          *response->add_records() = record;
        }
      }
    }
    return grpc::Status::OK;
  }
  grpc::Status ListConsents(grpc::ServerContext* context,
                            const v1::ConsentRequest* request,
                            v1::ConsentResponse* response) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    grpc::Status auth = Auth(context);
    if (!auth.ok()) return auth;
    for (const v1::ConsentRecord& in : request->records()) {
      const uint64_t e164 = ParsePhoneNumber(in.raw()).e164;
      for (const v1::ConsentRecord& record : state_->consents) {
        if (record.e164() == e164) *response->add_records() = record;
      }
    }
    return grpc::Status::OK;
  }
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                      v1::TenantInfo* response) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    grpc::Status auth = Auth(context);
    if (!auth.ok()) return auth;
    response->set_tenant("acme");
    response->set_default_purpose(v1::COMMERCIAL);
    v1::Entitlement* ftc = response->add_entitlements();
    ftc->set_source("us-ftc");
    ftc->set_all_area_codes(true);
    v1::Entitlement* ca = response->add_entitlements();
    ca->set_source("ca-dncl");
    ca->add_area_codes(416);
    ca->add_area_codes(647);
    response->set_opt_out_count(state_->opt_outs.size());
    response->set_consent_count(state_->consents.size());
    return grpc::Status::OK;
  }
  grpc::Status RecordJobFiles(grpc::ServerContext* context,
                              const v1::JobFilesRequest* request,
                              v1::JobFilesResponse*) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    grpc::Status auth = Auth(context);
    if (!auth.ok()) return auth;
    if (state_->jobs.count(request->job_id()) == 0) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "no job " + request->job_id());
    }
    state_->job_files[request->job_id()] = *request;
    return grpc::Status::OK;
  }
  grpc::Status GetReport(grpc::ServerContext* context,
                         const v1::ReportRequest* request,
                         v1::ScrubReport* response) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    grpc::Status auth = Auth(context);
    if (!auth.ok()) return auth;
    const auto it = state_->jobs.find(request->job_id());
    if (it == state_->jobs.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "no job " + request->job_id());
    }
    *response = it->second;
    const auto files = state_->job_files.find(request->job_id());
    if (files != state_->job_files.end()) {
      *response->mutable_files() = files->second;
    }
    return grpc::Status::OK;
  }

 private:
  grpc::Status Auth(grpc::ServerContext* context) {
    if (no_tenants) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "this server runs with --auth=none: no tenants");
    }
    return state_->Authenticate(context);
  }

  grpc::Status OptOuts(grpc::ServerContext* context,
                       const v1::OptOutRequest& request,
                       v1::OptOutResponse* response, char op) {
    std::lock_guard<std::mutex> lock(state_->mu);
    grpc::Status auth = Auth(context);
    if (!auth.ok()) return auth;
    state_->opt_out_batch_sizes.push_back(
        static_cast<size_t>(request.e164_size() + request.raw_size()));
    std::vector<ParsedNumber> parsed;
    for (const uint64_t e164 : request.e164()) {
      parsed.push_back(ClassifyE164(e164));
    }
    for (const std::string& raw : request.raw()) {
      parsed.push_back(ParsePhoneNumber(raw));
    }
    const std::string date =
        request.date().empty() ? "2026-11-23" : request.date();
    for (const ParsedNumber& p : parsed) {
      if (p.number_class != NumberClass::kValid) {
        response->add_states(v1::REJECTED);
        response->add_e164(0);
        response->add_added_date("");
        response->add_detail(p.problem != nullptr ? p.problem : "invalid");
        continue;
      }
      response->add_e164(p.e164);
      response->add_detail("");
      const auto it = state_->opt_outs.find(p.e164);
      const bool on = it != state_->opt_outs.end();
      if (op == 'a') {
        if (!on) state_->opt_outs[p.e164] = date;
        response->add_states(on ? v1::ALREADY_LISTED : v1::ADDED);
        response->add_added_date(state_->opt_outs[p.e164]);
      } else if (op == 'r') {
        response->add_states(on ? v1::REMOVED : v1::NOT_LISTED);
        response->add_added_date("");
        if (on) state_->opt_outs.erase(it);
      } else {
        response->add_states(on ? v1::ALREADY_LISTED : v1::NOT_LISTED);
        response->add_added_date(on ? it->second : "");
      }
    }
    response->set_list_size(state_->opt_outs.size());
    return grpc::Status::OK;
  }

  FakeTenantState* state_;
};

// Runs a FakeScrubService and a FakeTenantService on 127.0.0.1:<free port>
// until destroyed.
class FakeScrubServer {
 public:
  FakeScrubServer() : tenant_service_(&tenant_state_) {
    service_.tenant = &tenant_state_;
  }
  ~FakeScrubServer() { Stop(); }

  // Starts serving `service_`; configure service() first.
  void Start() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.SetMaxReceiveMessageSize(64 << 20);
    builder.SetMaxSendMessageSize(64 << 20);
    builder.RegisterService(&service_);
    builder.RegisterService(&tenant_service_);
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
  FakeTenantService& tenant_service() { return tenant_service_; }
  FakeTenantState& tenant() { return tenant_state_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  bool started() const { return server_ != nullptr && port_ > 0; }

 private:
  FakeTenantState tenant_state_;
  FakeScrubService service_;
  FakeTenantService tenant_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace dnc::client::fake

#endif  // DNC_TESTS_CLIENT_FAKE_SCRUB_SERVER_H_
