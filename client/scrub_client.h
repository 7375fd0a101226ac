// A small synchronous client for dnc-server's ScrubService (dnc.v1): one
// number (Check), a batch (Scrub), the sources being served (GetStatus), and
// a bulk session over ScrubStream for lead lists (see lead_list_scrubber.h).
//
// Answers come back as plain structs; only the streaming session deals in the
// generated request/response messages (forward-declared here). Dispositions
// are kept as their wire numbers so values this client does not know survive;
// any such value is treated as not callable (fail closed).
//
// Every call carries the tenant's API key (ClientOptions::api_key, sent as
// metadata `x-api-key`) when one is set.
//
// Errors are absl::Status with the gRPC code carried over (the numeric codes
// match). When the server cannot be reached the message reads
// "cannot reach dnc-server at HOST:PORT: ... (is it running? use --server)";
// a missing or unknown API key is Unauthenticated, "the server rejected the
// API key: ...; set --api_key or DNC_API_KEY; keys come from `dnc-tenant
// create`".
//
// Ownership: ScrubClient owns its channel; a session borrows nothing from
// the client (it shares the channel) and may outlive it.
// Thread-safety: ScrubClient is thread-safe (calls may run concurrently).
// ScrubStreamSession is thread-compatible, except that one thread may Write
// (and WritesDone) while another Reads, and Cancel may be called from any.
#ifndef DNC_CLIENT_SCRUB_CLIENT_H_
#define DNC_CLIENT_SCRUB_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "leadlist/scrub_stream_session.h"

namespace dnc::client {

// The pure parts live in leadlist/ (the server runs the same scrubber).
using leadlist::DispositionName;
using leadlist::IsCallableDisposition;
using leadlist::ScrubStreamSession;
using leadlist::SnapshotInfo;

inline constexpr char kDefaultServer[] = "127.0.0.1:50051";
// Channel limit on both directions; big enough for a 5,000-row chunk many
// times over, and for a full max_batch_entries batch.
inline constexpr int kMaxMessageBytes = 64 << 20;

struct ClientOptions {
  std::string server = kDefaultServer;  // HOST:PORT (any gRPC target).
  // Deadline of each unary call (Check, Scrub, GetStatus).
  absl::Duration timeout = absl::Seconds(30);
  // Deadline of a whole ScrubStream session; InfiniteDuration for none (a
  // bulk scrub of 10^8 rows takes minutes).
  absl::Duration stream_timeout = absl::InfiniteDuration();
  // PEM file of CA roots: when set, the channel uses TLS (the server's
  // certificate must be signed by one and name the host of `server`).
  std::string ca_cert_file;
  // PEM client certificate chain and its private key, for a server that
  // requires client certificates (mTLS): both or neither. They also turn
  // TLS on; without ca_cert_file the server is checked against gRPC's
  // default roots.
  std::string client_cert_file;
  std::string client_key_file;
  // The tenant's API key (see client/api_key.h); empty sends none (a server
  // run with --auth=none needs none).
  std::string api_key;
};

// Per-call choices of Check and Scrub.
struct CallOptions {
  int purpose = 0;               // dnc.v1.CallPurpose; 0 = tenant's default.
  int64_t now_unix_seconds = 0;  // "Now" for calling windows; 0 = server's.
  std::string request_id;        // Optional, audited by the server.
  // The campaign the call-frequency caps count attempts per; empty = any.
  std::string subject;
};

// The answer for one number.
struct NumberVerdict {
  std::string input;                 // As given by the caller.
  uint64_t e164 = 0;                 // 0 when MALFORMED.
  int disposition = 0;               // dnc.v1.Disposition wire value.
  bool callable = false;             // Only CALLABLE and EXEMPT are callable.
  std::vector<std::string> reasons;  // Human-readable, one per reason.
  std::vector<SnapshotInfo> snapshots;  // Consulted for this answer.
  // The calling window: "08:00-21:00 America/New_York" or "unknown".
  std::string window;
  bool window_known = false;
  bool window_open_now = false;  // False when unknown (fail closed).
  std::string local_now;         // "2026-11-23 14:05 Mon", when known.
  // callable && window_open_now.
  bool callable_now = false;
  std::string audit_id;  // The server's audit record, when it keeps one.
};

struct SourceInfo {
  SnapshotInfo snapshot;
  std::vector<uint32_t> country_codes;
  uint64_t number_count = 0;
  int age_days = 0;
  int max_age_days = 0;
  std::string deadline;  // YYYY-MM-DD after which the copy is STALE.
  bool stale = false;
  std::string loaded_at;
};

struct ServerStatus {
  std::vector<SourceInfo> sources;
  uint32_t max_batch_entries = 0;
  std::string server_version;
  std::string today;
  std::string tenant;          // The caller's tenant; empty without auth.
  bool auth_required = false;  // The server wants an API key.
};

class ScrubClient {
 public:
  // Creates a channel to options.server (connecting lazily, on first call).
  // Errors: InvalidArgument (empty server), NotFound (ca_cert_file unreadable).
  static absl::StatusOr<std::unique_ptr<ScrubClient>> Create(
      const ClientOptions& options);

  ~ScrubClient();
  ScrubClient(const ScrubClient&) = delete;
  ScrubClient& operator=(const ScrubClient&) = delete;

  // Checks one number as typed; the server parses it. A malformed number is
  // a MALFORMED verdict, not an error. Errors: the RPC's status.
  absl::StatusOr<NumberVerdict> Check(std::string_view raw,
                                      const CallOptions& call = {});
  // Checks one number already in E.164 form (e.g. 12025551234).
  absl::StatusOr<NumberVerdict> CheckE164(uint64_t e164,
                                          const CallOptions& call = {});

  // Scrubs a batch in one call: numbers that parse locally go packed, the
  // rest as text; the result is in input order. REQUIRES: numbers.size() <=
  // the server's max_batch_entries. Errors: the RPC's status; Internal if the
  // response does not match the request.
  absl::StatusOr<std::vector<NumberVerdict>> Scrub(
      const std::vector<std::string>& numbers, const CallOptions& call = {});

  // The sources being served and their freshness. Errors: the RPC's status.
  absl::StatusOr<ServerStatus> GetStatus();

  // Opens a ScrubStream call. Never fails here: a connection problem shows
  // as Write/Read returning false and Finish's status.
  std::unique_ptr<ScrubStreamSession> OpenStream();

  const std::string& server() const;
  const ClientOptions& options() const;

 private:
  struct Impl;
  explicit ScrubClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dnc::client

#endif  // DNC_CLIENT_SCRUB_CLIENT_H_
