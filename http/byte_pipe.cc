#include "http/byte_pipe.h"

#include <utility>

namespace dnc::http {

BytePipe::BytePipe(std::function<void()> on_change)
    : on_change_(std::move(on_change)) {}

void BytePipe::Append(std::string bytes) {
  if (bytes.empty()) return;
  {
    absl::MutexLock lock(&mu_);
    if (closed_ || cancelled_) return;
    buffered_ += bytes.size();
    queue_.push_back(std::move(bytes));
    // Not starved from now on, before the reader even wakes: a handler
    // that appends and then waits must not see the old state.
    starved_ = false;
    arrived_.Signal();
  }
  if (on_change_) on_change_();
}

void BytePipe::Close() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    starved_ = false;
    arrived_.Signal();
  }
  if (on_change_) on_change_();
}

void BytePipe::Cancel() {
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    queue_.clear();
    buffered_ = 0;
    starved_ = false;
    arrived_.Signal();
  }
  if (on_change_) on_change_();
}

size_t BytePipe::buffered() const {
  absl::MutexLock lock(&mu_);
  return buffered_;
}

bool BytePipe::starved() const {
  absl::MutexLock lock(&mu_);
  return starved_;
}

BytePipe::int_type BytePipe::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  mu_.Lock();
  while (queue_.empty() && !closed_ && !cancelled_) {
    if (!starved_) {
      starved_ = true;
      // The waiting handler reads starved(): tell it outside the lock.
      mu_.Unlock();
      if (on_change_) on_change_();
      mu_.Lock();
      continue;
    }
    arrived_.Wait(&mu_);
  }
  starved_ = false;
  if (cancelled_ || queue_.empty()) {
    mu_.Unlock();
    current_.clear();
    setg(nullptr, nullptr, nullptr);
    return traits_type::eof();
  }
  current_ = std::move(queue_.front());
  queue_.pop_front();
  buffered_ -= current_.size();
  mu_.Unlock();
  char* begin = current_.data();
  setg(begin, begin, begin + current_.size());
  return traits_type::to_int_type(*gptr());
}

}  // namespace dnc::http
