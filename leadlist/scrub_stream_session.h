// What a lead-list scrub needs from a connection to dnc-server, without the
// connection: the bidirectional ScrubStream session (implemented over gRPC
// by client/scrub_client.cc, over anything else by whoever embeds the
// scrubber), the snapshot a verdict names, and the disposition helpers.
// Nothing here includes gRPC, so the server can run the same scrubber.
//
// Dispositions are kept as their wire numbers so values this code does not
// know survive; any such value is treated as not callable (fail closed).
// Thread-safety: SnapshotInfo and the functions are thread-safe;
// ScrubStreamSession is thread-compatible, except that one thread may Write
// (and WritesDone) while another Reads, and Cancel may be called from any.
#ifndef DNC_LEADLIST_SCRUB_STREAM_SESSION_H_
#define DNC_LEADLIST_SCRUB_STREAM_SESSION_H_

#include <string>

#include "absl/status/status.h"

namespace dnc::v1 {
class ScrubRequest;
class ScrubResponse;
}  // namespace dnc::v1

namespace dnc::leadlist {

// One published snapshot of one source (the evidence of which copy was used).
struct SnapshotInfo {
  std::string source;        // e.g. "us-ftc"
  std::string jurisdiction;  // e.g. "US"
  std::string generation;    // e.g. "g000012"
  std::string as_of;         // YYYY-MM-DD

  // "us-ftc g000012 as of 2026-11-20"
  std::string ToString() const;
  bool operator<(const SnapshotInfo& other) const;
  bool operator==(const SnapshotInfo& other) const;
};

// "CALLABLE", "BLOCKED", ...; for a value this code does not know, the
// number itself ("42").
std::string DispositionName(int disposition);
// True only for CALLABLE and EXEMPT; unknown values are not callable.
bool IsCallableDisposition(int disposition);

// A ScrubStream call: requests go out in order, one response per request
// comes back in order. Write/WritesDone on one thread, Read on another.
class ScrubStreamSession {
 public:
  virtual ~ScrubStreamSession() = default;
  // Sends one chunk. False if the stream is broken (call Finish for why).
  virtual bool Write(const v1::ScrubRequest& request) = 0;
  // Half-closes the sending side. False if the stream is broken.
  virtual bool WritesDone() = 0;
  // Blocks for the next response. False when the stream has ended (after the
  // last response, or on error: call Finish).
  virtual bool Read(v1::ScrubResponse* response) = 0;
  // The final status. REQUIRES: Read has returned false, or Cancel was
  // called. Errors: the server's (or the transport's).
  virtual absl::Status Finish() = 0;
  // Aborts the call; pending Write/Read return false. Thread-safe.
  virtual void Cancel() = 0;
};

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_SCRUB_STREAM_SESSION_H_
