// CheckStreams serves dnc.v1.ScrubService.CheckStream (gRPC callback API): a
// dialer keeps one stream open and sends one CheckRequest per number; each
// request is answered as a Check (ScrubServiceImpl::CheckInto: validated,
// scrubbed, decided, windowed and audited, the audit record's method
// "CheckStream") and its answer written as soon as it is ready.
//
// Per stream: the CallGate counts it from open to done; the caller is
// authenticated once, when the stream opens (AuthenticateCall). Flow
// control: one read at a time, and no read while kMaxQueuedAnswers answers
// wait to be written, so a client that does not take its answers stops
// being read (gRPC's own flow control then stops the client) and a stream
// holds at most that many answers however long it runs. Several answers
// waiting are written back to back, all but the last with gRPC's buffer
// hint (one flush for the lot). A request that fails ends the stream with
// its error once the answers before it are written.
//
// Shutdown: Drain() (ScrubServer::Shutdown calls it after the gate starts
// draining) makes every open stream stop reading and, once the answers to
// the requests it has read are written, finish with UNAVAILABLE; streams
// opened after it fail at once.
//
// Ownership: borrows the ScrubServiceImpl (which must outlive every stream
// and this object). Thread-safety: thread-safe.
#ifndef DNC_SERVICE_CHECK_STREAM_H_
#define DNC_SERVICE_CHECK_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "dnc/v1/scrub.pb.h"

namespace dnc::service {

class ScrubServiceImpl;

// The most answers one stream holds written-but-not-sent or waiting to be
// written; the stream is not read while it holds this many.
inline constexpr size_t kMaxQueuedAnswers = 64;

class CheckStreams {
 public:
  // REQUIRES: service outlives this object and every stream it opens.
  explicit CheckStreams(ScrubServiceImpl* service) : service_(service) {}
  CheckStreams(const CheckStreams&) = delete;
  CheckStreams& operator=(const CheckStreams&) = delete;

  // The reactor of a new CheckStream call (the handler returns it).
  grpc::ServerBidiReactor<dnc::v1::CheckRequest, dnc::v1::CheckResponse>* Open(
      grpc::CallbackServerContext* context) ABSL_LOCKS_EXCLUDED(mu_);

  // Ends every open stream at its next request boundary with UNAVAILABLE
  // (see the file comment); later streams fail at once. Idempotent.
  void Drain() ABSL_LOCKS_EXCLUDED(mu_);

  // Streams open now (tests).
  size_t open_streams() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  class Reactor;
  friend class Reactor;

  // False when draining (the stream must fail with ShuttingDown()).
  bool Register(Reactor* reactor) ABSL_LOCKS_EXCLUDED(mu_);
  void Unregister(Reactor* reactor) ABSL_LOCKS_EXCLUDED(mu_);

  ScrubServiceImpl* const service_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<Reactor*> open_ ABSL_GUARDED_BY(mu_);
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_CHECK_STREAM_H_
