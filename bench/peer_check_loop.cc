#include "bench/peer_check_loop.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include "absl/strings/str_cat.h"

namespace dnc::bench {
namespace {

constexpr int64_t kDrainNanos = 10'000'000'000LL;

// The loop's state over one run.
class Loop {
 public:
  Loop(const QueryList& list, const std::vector<PipelinedCheck*>& connections,
       const OpenLoopSchedule& schedule, const PipelinedCheckOptions& options,
       OpenLoopTally* tally)
      : list_(list),
        connections_(connections),
        schedule_(schedule),
        options_(options),
        tally_(tally),
        in_flight_(connections.size()),
        writing_(connections.size(), false) {}

  ~Loop() {
    if (epoll_ >= 0) close(epoll_);
  }

  absl::Status Open() {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
      return absl::InternalError(
          absl::StrCat("epoll_create1: ", std::strerror(errno)));
    }
    for (size_t c = 0; c < connections_.size(); ++c) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = c;
      if (epoll_ctl(epoll_, EPOLL_CTL_ADD, connections_[c]->fd(), &event) < 0) {
        return absl::InternalError(
            absl::StrCat("epoll_ctl: ", std::strerror(errno)));
      }
    }
    return absl::OkStatus();
  }

  // Sends every call due by now; flushes the connections written to.
  absl::Status SendDue() {
    const int64_t now = NowNanos();
    const uint64_t due = schedule_.DueBy(now);
    if (next_ >= due) return absl::OkStatus();
    std::vector<bool> touched(connections_.size(), false);
    for (; next_ < due; ++next_) {
      if (outstanding_ >= options_.max_outstanding) {
        tally_->Skipped(next_);
        continue;
      }
      const size_t c = next_ % connections_.size();
      connections_[c]->Queue(list_.keys[next_ % list_.keys.size()]);
      in_flight_[c].push_back(next_);
      tally_->Sent(next_, NowNanos());
      ++outstanding_;
      touched[c] = true;
    }
    for (size_t c = 0; c < connections_.size(); ++c) {
      if (touched[c] && !writing_[c]) {
        absl::Status status = FlushOne(c);
        if (!status.ok()) return status;
      }
    }
    return absl::OkStatus();
  }

  // Waits until `wake_ns` or an event, and handles the events.
  absl::Status WaitAndHandle(int64_t wake_ns) {
    const int64_t wait = std::max<int64_t>(0, wake_ns - NowNanos());
    timespec timeout{static_cast<time_t>(wait / 1'000'000'000),
                     static_cast<long>(wait % 1'000'000'000)};
    epoll_event events[64];
    const int n = epoll_pwait2(epoll_, events, 64, &timeout, nullptr);
    if (n < 0 && errno != EINTR) {
      return absl::InternalError(
          absl::StrCat("epoll_pwait2: ", std::strerror(errno)));
    }
    for (int e = 0; e < n; ++e) {
      const size_t c = events[e].data.u64;
      if (events[e].events & EPOLLOUT) {
        absl::Status status = FlushOne(c);
        if (!status.ok()) return status;
      }
      if (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        absl::Status status = ReadOne(c);
        if (!status.ok()) return status;
      }
    }
    return absl::OkStatus();
  }

  uint64_t next() const { return next_; }
  uint64_t outstanding() const { return outstanding_; }
  uint64_t wrong() const { return wrong_; }

 private:
  absl::Status FlushOne(size_t c) {
    absl::StatusOr<bool> more = connections_[c]->Flush();
    if (!more.ok()) return more.status();
    if (*more != writing_[c]) {
      writing_[c] = *more;
      epoll_event event{};
      event.events = *more ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
      event.data.u64 = c;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, connections_[c]->fd(), &event);
    }
    return absl::OkStatus();
  }

  absl::Status ReadOne(size_t c) {
    answers_.clear();
    absl::Status status = connections_[c]->Read(&answers_);
    const int64_t now = NowNanos();
    for (int answer : answers_) {
      if (in_flight_[c].empty()) {
        return absl::InternalError("an answer for a check never sent");
      }
      const uint64_t i = in_flight_[c].front();
      in_flight_[c].pop_front();
      --outstanding_;
      const bool expected = list_.hit[i % list_.keys.size()] != 0;
      const bool right = answer >= 0 && (answer == 1) == expected;
      if (answer >= 0 && !right) ++wrong_;
      tally_->Answered(i, now, right);
    }
    return status;
  }

  const QueryList& list_;
  const std::vector<PipelinedCheck*>& connections_;
  const OpenLoopSchedule& schedule_;
  const PipelinedCheckOptions& options_;
  OpenLoopTally* const tally_;
  int epoll_ = -1;
  uint64_t next_ = 0;
  uint64_t outstanding_ = 0;
  uint64_t wrong_ = 0;
  std::vector<std::deque<uint64_t>> in_flight_;
  std::vector<bool> writing_;
  std::vector<int> answers_;
};

}  // namespace

absl::StatusOr<PipelinedCheckOutcome> RunPipelinedChecks(
    const QueryList& list, const std::vector<PipelinedCheck*>& connections,
    double rate, const PipelinedCheckOptions& options, pid_t server_pid,
    bool server_children) {
  UseFineTimerSlack();
  const OpenLoopSchedule schedule(rate, options.warmup_seconds, options.seconds,
                                  NowNanos() + 2'000'000);
  OpenLoopTally tally(schedule);
  Loop loop(list, connections, schedule, options, &tally);
  absl::Status status = loop.Open();
  if (!status.ok()) return status;
  PipelinedCheckOutcome outcome;
  double self0 = 0, server0 = 0;
  bool opened = false, closed = false;
  auto snapshot = [&](int64_t now) {
    if (!opened && now >= schedule.window_start()) {
      self0 = SelfCpuSeconds();
      server0 = ProcessTreeCpuSeconds(server_pid, server_children);
      opened = true;
    }
    if (opened && !closed && now >= schedule.window_end()) {
      outcome.client_cpu_seconds = SelfCpuSeconds() - self0;
      outcome.server_cpu_seconds =
          ProcessTreeCpuSeconds(server_pid, server_children) - server0;
      closed = true;
    }
  };
  const int64_t give_up = schedule.window_end() + kDrainNanos;
  while (true) {
    int64_t now = NowNanos();
    snapshot(now);
    status = loop.SendDue();
    if (!status.ok()) return status;
    const bool all_sent = loop.next() >= schedule.total();
    if (all_sent && loop.outstanding() == 0 && closed) break;
    if (all_sent && now >= give_up) break;
    now = NowNanos();
    int64_t wake = all_sent ? now + 1'000'000
                            : std::max(schedule.Due(loop.next()),
                                       now + options.send_tick_ns);
    if (!opened) wake = std::min(wake, schedule.window_start());
    if (!closed) wake = std::min(wake, schedule.window_end());
    status = loop.WaitAndHandle(wake);
    if (!status.ok()) return status;
  }
  outcome.window_seconds = schedule.window_seconds();
  outcome.summary = tally.Summarize();
  outcome.wrong = loop.wrong();
  return outcome;
}

}  // namespace dnc::bench
