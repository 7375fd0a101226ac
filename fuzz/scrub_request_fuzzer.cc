// Fuzz target: the request path of dnc-server without gRPC: request bytes ->
// ScrubServiceImpl::ScrubInto / CheckInto (validation, parser, scrub
// engine, calling windows) -> the answer, over a small registry published
// once at start-up (tests/service/registry_fixture.h): a fresh national US
// list, a Texas state list, a stale Canadian list and a fresh UK list.
// Registry-only answers (no tenant), as `dnc-server --auth=none` gives.
//
// The first byte picks how the rest is read: 'T' lines of free-form numbers
// (raw entries), 'E' 8-byte little-endian keys (packed entries, reduced to
// 15 digits), 'C' a CheckRequest, anything else a ScrubRequest (all the
// input). Invariants:
//   - a request fails only with InvalidArgument, and a plain request (no ids,
//     job, request id, purpose or now, within the batch limit) never fails;
//   - one disposition and one e164 per entry, each a known disposition, in
//     request order; ids echoed;
//   - the parser decides MALFORMED (e164 0) and INVALID; a number on any
//     list that applies to it is BLOCKED with a LISTED reason (EXEMPT at
//     most, for a purpose a registry exempts), never CALLABLE, even when
//     that list is stale;
//   - a valid number outside +1 and +44 (no source) is STALE;
//   - an entry has reasons iff it is not CALLABLE; reasons are sorted by
//     entry and name snapshots of the response;
//   - one calling window index per entry, within the window table.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "dnc/v1/scrub.pb.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/scrub_answer_checks.h"
#include "google/protobuf/stubs/logging.h"
#include "service/auth.h"
#include "service/registry.h"
#include "service/scrub_service.h"
#include "service/source_set.h"
#include "tests/service/registry_fixture.h"

namespace dnc::fuzz {
namespace {

constexpr uint32_t kMaxBatch = 256;
const DayNumber kAsOf = *ParseIsoDate("2026-02-15");
const DayNumber kToday = kAsOf + 5;

// Every listed number, with the list that applies to it.
constexpr uint64_t kListed[] = {
    12022345678,   // us-test (DC)
    13032345678,   // us-test (CO)
    14152345678,   // us-test (CA, the state)
    15122345678,   // us-tx only (Austin): the TX state list
    14162345678,   // ca-test (Toronto), a stale copy
    442071234567,  // uk-test
};

bool IsListed(uint64_t e164) {
  for (uint64_t key : kListed) {
    if (key == e164) return true;
  }
  return false;
}

struct Server {
  std::unique_ptr<service::Registry> registry;
  std::unique_ptr<service::Authenticator> auth;
  service::CallGate gate;
  std::unique_ptr<service::ScrubServiceImpl> service;
  service::BatchScratch scratch;
};

void Publish(const std::string& data_dir, test::FixtureSource source) {
  absl::StatusOr<std::string> published =
      test::PublishFixtureSource(data_dir, source);
  DNC_FUZZ_CHECK(published.ok(), "publish %s: %s", source.source.c_str(),
                 published.status().ToString().c_str());
}

Server& GetServer() {
  static Server* const kServer = [] {
    auto* server = new Server;
    const std::string& data = ProcessScratchDir().path();
    test::FixtureSource us;
    us.source = "us-test";
    us.jurisdiction = "US";
    us.kind = "national";
    us.as_of = kAsOf;
    us.keys = {kListed[0], kListed[1], kListed[2]};
    us.added = {kAsOf - 10, 0, kAsOf - 400};
    Publish(data, us);
    test::FixtureSource tx;
    tx.source = "us-tx";
    tx.jurisdiction = "US-TX";
    tx.kind = "state";
    tx.as_of = kAsOf;
    tx.max_age_days = 90;
    tx.keys = {kListed[3]};
    Publish(data, tx);
    test::FixtureSource ca;
    ca.source = "ca-test";
    ca.jurisdiction = "CA";
    ca.kind = "national";
    ca.as_of = kAsOf - 60;  // Past its 31-day window.
    ca.keys = {kListed[4]};
    Publish(data, ca);
    test::FixtureSource uk;
    uk.source = "uk-test";
    uk.jurisdiction = "GB";
    uk.kind = "national";
    uk.country_codes = {44};
    uk.as_of = kAsOf;
    uk.max_age_days = 28;
    uk.keys = {kListed[5]};
    Publish(data, uk);

    service::RegistryOptions options;
    options.data_dir = data;
    auto registry = service::Registry::Open(options);
    DNC_FUZZ_CHECK(registry.ok(), "Registry::Open: %s",
                   registry.status().ToString().c_str());
    server->registry = std::move(*registry);
    server->auth = std::make_unique<service::Authenticator>(
        service::AuthMode::kNone, nullptr);
    service::ScrubServiceOptions service_options;
    service_options.max_batch_entries = kMaxBatch;
    service_options.today = [] { return kToday; };
    server->service = std::make_unique<service::ScrubServiceImpl>(
        server->registry.get(), server->auth.get(), &server->gate,
        service_options);
    return server;
  }();
  return *kServer;
}

// The parser's view of entry `i`, as the server must read it.
ParsedNumber EntryOf(const v1::ScrubRequest& request, int i) {
  if (i < request.e164_size()) return ClassifyE164(request.e164(i));
  return ParsePhoneNumber(request.raw(i - request.e164_size()));
}

void CheckEntry(int i, const ParsedNumber& parsed, Disposition disposition,
                uint64_t e164, int reasons, bool listed_reason,
                bool commercial) {
  const int d = static_cast<int>(disposition);
  DNC_FUZZ_CHECK(d >= 1 && d <= 8, "entry %d: disposition %d", i, d);
  switch (parsed.number_class) {
    case NumberClass::kMalformed:
      DNC_FUZZ_CHECK(disposition == Disposition::kMalformed && e164 == 0,
                     "entry %d: malformed number answered %d, e164 %llu", i, d,
                     static_cast<unsigned long long>(e164));
      break;
    case NumberClass::kInvalid:
      DNC_FUZZ_CHECK(
          disposition == Disposition::kInvalid && e164 == parsed.e164,
          "entry %d: invalid number %llu answered %d", i,
          static_cast<unsigned long long>(parsed.e164), d);
      break;
    case NumberClass::kValid: {
      DNC_FUZZ_CHECK(e164 == parsed.e164, "entry %d: e164 %llu, parsed %llu", i,
                     static_cast<unsigned long long>(e164),
                     static_cast<unsigned long long>(parsed.e164));
      // A listed number is BLOCKED for a commercial call; for another
      // purpose a registry may exempt it (EXEMPT), never CALLABLE.
      if (IsListed(parsed.e164)) {
        DNC_FUZZ_CHECK((disposition == Disposition::kBlocked ||
                        (!commercial && disposition == Disposition::kExempt)) &&
                           listed_reason,
                       "entry %d: listed number %llu answered %d", i,
                       static_cast<unsigned long long>(parsed.e164), d);
      }
      const uint32_t country = CountryCodeOf(parsed.e164);
      if (country != 1 && country != 44) {
        DNC_FUZZ_CHECK(disposition == Disposition::kStale,
                       "entry %d: %llu of no source answered %d", i,
                       static_cast<unsigned long long>(parsed.e164), d);
      }
      break;
    }
  }
  DNC_FUZZ_CHECK((disposition == Disposition::kCallable) == (reasons == 0),
                 "entry %d: disposition %d with %d reasons", i, d, reasons);
}

void CheckScrub(const v1::ScrubRequest& request) {
  Server& server = GetServer();
  v1::ScrubResponse response;
  const absl::Status status = server.service->ScrubInto(
      request, nullptr, "Scrub", &server.scratch, &response);
  if (!status.ok()) {
    CheckScrubRefusal(status, request, kMaxBatch);
    return;
  }
  const int n = EntryCount(request);
  const std::vector<int> reasons = CheckScrubAnswerShape(request, response);
  DNC_FUZZ_CHECK(response.ids_size() == request.ids_size() &&
                     response.string_ids_size() == request.string_ids_size(),
                 "ids not echoed");
  for (int k = 0; k < request.ids_size(); ++k) {
    DNC_FUZZ_CHECK(response.ids(k) == request.ids(k), "id %d changed", k);
  }
  std::vector<bool> listed(n, false);
  for (const v1::Reason& reason : response.reasons()) {
    if (reason.code() == v1::LISTED || reason.code() == v1::SOURCE_STALE) {
      DNC_FUZZ_CHECK(
          reason.snapshot() < static_cast<uint32_t>(response.snapshots_size()),
          "reason names snapshot %u of %d", reason.snapshot(),
          response.snapshots_size());
    }
    if (reason.code() == v1::LISTED) listed[reason.entry()] = true;
  }
  for (const v1::SnapshotRef& snapshot : response.snapshots()) {
    DNC_FUZZ_CHECK(
        server.registry->Current()->Find(snapshot.source()) != nullptr,
        "snapshot of unknown source '%s'", snapshot.source().c_str());
  }
  for (int i = 0; i < n; ++i) {
    CheckEntry(i, EntryOf(request, i),
               static_cast<Disposition>(response.dispositions(i)),
               response.e164(i), reasons[i], listed[i],
               IsCommercial(request.purpose()));
    DNC_FUZZ_CHECK(
        response.window(i) < static_cast<uint32_t>(response.windows_size()),
        "entry %d: window %u of %d", i, response.window(i),
        response.windows_size());
  }
}

void CheckCheck(const v1::CheckRequest& request) {
  Server& server = GetServer();
  v1::CheckResponse response;
  const absl::Status status =
      server.service->CheckInto(request, nullptr, &response);
  if (!status.ok()) {
    DNC_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
                   "CheckInto: %s", status.ToString().c_str());
    return;
  }
  DNC_FUZZ_CHECK(request.number_case() != v1::CheckRequest::NUMBER_NOT_SET,
                 "a Check without a number was answered");
  const ParsedNumber parsed = request.number_case() == v1::CheckRequest::kE164
                                  ? ClassifyE164(request.e164())
                                  : ParsePhoneNumber(request.raw());
  bool listed = false;
  for (const v1::Reason& reason : response.reasons()) {
    DNC_FUZZ_CHECK(reason.entry() == 0, "Check reason for entry %u",
                   reason.entry());
    listed = listed || reason.code() == v1::LISTED;
  }
  const Disposition disposition =
      static_cast<Disposition>(response.disposition());
  DNC_FUZZ_CHECK(response.callable() == IsCallable(disposition),
                 "callable %d for disposition %d", response.callable(),
                 response.disposition());
  CheckEntry(0, parsed, disposition, response.e164(), response.reasons_size(),
             listed, IsCommercial(request.purpose()));
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // Bad UTF-8 in string fields fails the parse, which is all we need; not
  // a log line per input.
  google::protobuf::SetLogHandler(nullptr);
  dnc::fuzz::GetServer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnc::fuzz;  // NOLINT(build/namespaces): a harness.
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1,
                              size - 1);
  switch (data[0]) {
    case 'T': {
      dnc::v1::ScrubRequest request;
      for (std::string_view line : Split(rest, '\n')) {
        request.add_raw(std::string(line));
      }
      CheckScrub(request);
      return 0;
    }
    case 'E': {
      dnc::v1::ScrubRequest request;
      for (size_t i = 0; i + 8 <= rest.size(); i += 8) {
        uint64_t key = 0;
        std::memcpy(&key, rest.data() + i, sizeof(key));
        request.add_e164(key % 1000000000000000ULL);
      }
      CheckScrub(request);
      return 0;
    }
    case 'C': {
      dnc::v1::CheckRequest request;
      if (!request.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) {
        return 0;
      }
      CheckCheck(request);
      return 0;
    }
    default: {
      dnc::v1::ScrubRequest request;
      if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
      CheckScrub(request);
      return 0;
    }
  }
}
