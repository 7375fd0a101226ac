// BytePipe: the raw bytes of one list upload on their way from the HTTP
// chunk handler (Append, Close) to the upload's scrub thread, which reads
// them as a std::streambuf (an istream over it, under the list reader).
//
// A read blocks until bytes arrive, the input is closed (then end of input
// after the last byte) or the pipe is cancelled (then end of input at once;
// whatever the reader makes of it is thrown away by the upload). Appends
// never block: the chunk handler bounds what the pipe holds (buffered())
// and refuses a chunk beyond it. Whether the reader is waiting for bytes
// that have not come is visible (starved()), so the handler can tell when
// the pipeline has consumed everything it can; `on_change` is called
// (outside the pipe's lock) whenever that or buffered() changes.
//
// Ownership: holds the bytes appended until they are read.
// Thread-safety: one reader thread (the streambuf side); Append, Close,
// Cancel and the accessors from any thread.
#ifndef DNC_HTTP_BYTE_PIPE_H_
#define DNC_HTTP_BYTE_PIPE_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <streambuf>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace dnc::http {

class BytePipe final : public std::streambuf {
 public:
  explicit BytePipe(std::function<void()> on_change);
  BytePipe(const BytePipe&) = delete;
  BytePipe& operator=(const BytePipe&) = delete;

  // Queues `bytes` for the reader. Ignored after Close or Cancel.
  void Append(std::string bytes) ABSL_LOCKS_EXCLUDED(mu_);
  // The input ends after the bytes appended so far.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);
  // The input ends now; bytes not yet read are dropped. Idempotent.
  void Cancel() ABSL_LOCKS_EXCLUDED(mu_);

  // Bytes appended and not yet handed to the reader.
  size_t buffered() const ABSL_LOCKS_EXCLUDED(mu_);
  // True while the reader waits for bytes (none buffered, input open).
  bool starved() const ABSL_LOCKS_EXCLUDED(mu_);

 protected:
  int_type underflow() override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::function<void()> on_change_;
  std::string current_;  // The reader's: the chunk being read.

  mutable absl::Mutex mu_;
  absl::CondVar arrived_;  // Bytes appended, closed or cancelled.
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  size_t buffered_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool starved_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dnc::http

#endif  // DNC_HTTP_BYTE_PIPE_H_
