// CheckStreams serves dnc.v1.ScrubService.CheckStream on the completion
// queues that serve Check (service/check_async.h): a dialer keeps one stream
// open and sends one CheckRequest per number; each request is answered as a
// Check (ScrubServiceImpl::CheckInto: validated, scrubbed, decided, windowed
// and audited, the audit record's method "CheckStream") and its answer
// written as soon as it is ready.
//
// Every operation of a stream completes on its one queue, so a stream is
// driven by one thread and needs no lock; the queue's thread reads, answers
// and writes without handing the stream to another thread (the callback API
// cost about three context switches per message, BENCHMARKS.md).
//
// Per stream: the CallGate counts it from open to done; the caller is
// authenticated once, when the stream opens (AuthenticateCall). Flow
// control: one read at a time, and no read while kMaxQueuedAnswers answers
// wait to be written, so a client that does not take its answers stops
// being read (gRPC's own flow control then stops the client) and a stream
// holds at most that many answers however long it runs. Several answers
// waiting are written back to back, all but the last with gRPC's buffer
// hint. A request that fails ends the stream with its error once the
// answers before it are written.
//
// Shutdown: Drain() (ScrubServer::Shutdown calls it after the gate starts
// draining) makes every open stream stop reading and, once the answers to
// the requests it has read are written, finish with UNAVAILABLE; streams
// opened after it fail at once. The queues' Shutdown (after the server's)
// cancels what is left.
//
// Ownership: borrows the ScrubServiceImpl and the CheckAsync (both must
// outlive this object and every stream); owns its streams.
// Thread-safety: thread-safe.
#ifndef DNC_SERVICE_CHECK_STREAM_H_
#define DNC_SERVICE_CHECK_STREAM_H_

#include <cstddef>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"

namespace dnc::service {

class CheckAsync;
class ScrubServiceImpl;

// The most answers one stream holds waiting to be written or being written;
// the stream is not read while it holds this many.
inline constexpr size_t kMaxQueuedAnswers = 64;

class CheckStreams {
 public:
  // REQUIRES: service outlives this object and every stream it serves.
  explicit CheckStreams(ScrubServiceImpl* service) : service_(service) {}
  CheckStreams(const CheckStreams&) = delete;
  CheckStreams& operator=(const CheckStreams&) = delete;

  // Starts accepting CheckStream calls on every queue of `queues`.
  // REQUIRES: queues->Start() was called; queues outlives every stream
  // (its Shutdown drains them); called once.
  void Start(CheckAsync* queues) ABSL_LOCKS_EXCLUDED(mu_);

  // Ends every open stream at its next request boundary with UNAVAILABLE
  // (see the file comment); later streams fail at once. Idempotent.
  void Drain() ABSL_LOCKS_EXCLUDED(mu_);

  // Streams open now (tests).
  size_t open_streams() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  class Stream;
  friend class Stream;

  // Asks queue `index` for the next CheckStream call (unless shutting down).
  void Accept(size_t index);
  // False when draining (the stream must fail with ShuttingDown()).
  bool Register(Stream* stream) ABSL_LOCKS_EXCLUDED(mu_);
  // Removes a stream that is done; false if a drain notice to it is still
  // queued (it is deleted when that arrives).
  bool Unregister(Stream* stream) ABSL_LOCKS_EXCLUDED(mu_);

  ScrubServiceImpl* const service_;
  CheckAsync* queues_ = nullptr;  // Set once by Start.
  mutable absl::Mutex mu_;
  absl::flat_hash_set<Stream*> open_ ABSL_GUARDED_BY(mu_);
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_CHECK_STREAM_H_
