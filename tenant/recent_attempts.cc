#include "tenant/recent_attempts.h"

#include <algorithm>
#include <cstddef>

#include "absl/container/inlined_vector.h"
#include "policy/frequency_caps.h"

namespace dnc::tenant {
namespace {

// A sweep of every number after this many adds: the cost of a sweep (the
// map's size) is spread over at least as many adds.
constexpr uint64_t kSweepEvery = 4096;

}  // namespace

absl::Duration RecentAttemptsHorizon() {
  return absl::Seconds(policy::LongestCapWindowSeconds()) + absl::Hours(24);
}

void RecentAttempts::DropOld(std::vector<Attempt>* attempts,
                             int64_t horizon_micros) {
  const auto old = std::remove_if(attempts->begin(), attempts->end(),
                                  [horizon_micros](const Attempt& a) {
                                    return a.micros <= horizon_micros;
                                  });
  size_ -= static_cast<uint64_t>(attempts->end() - old);
  attempts->erase(old, attempts->end());
}

void RecentAttempts::Sweep(int64_t horizon_micros) {
  for (auto it = by_number_.begin(); it != by_number_.end();) {
    DropOld(&it->second, horizon_micros);
    if (it->second.empty()) {
      by_number_.erase(it++);
    } else {
      ++it;
    }
  }
}

void RecentAttempts::Add(uint64_t e164, int64_t micros, uint64_t counter,
                         std::string_view subject, absl::Time now) {
  const int64_t horizon = absl::ToUnixMicros(now - RecentAttemptsHorizon());
  if (micros <= horizon) return;  // Evidence on disk; it can count no more.
  uint32_t id = 0;
  if (!subject.empty()) {
    auto [it, added] = subject_ids_.try_emplace(
        std::string(subject), static_cast<uint32_t>(subject_ids_.size() + 1));
    id = it->second;
  }
  std::vector<Attempt>& attempts = by_number_[e164];
  DropOld(&attempts, horizon);
  for (const Attempt& a : attempts) {
    if (a.micros == micros && a.counter == counter) return;  // Known.
  }
  attempts.push_back({micros, counter, id});
  ++size_;
  if (++adds_since_sweep_ >= kSweepEvery &&
      adds_since_sweep_ >= by_number_.size()) {
    adds_since_sweep_ = 0;
    Sweep(horizon);
  }
}

void RecentAttempts::Tally(std::string_view subject,
                           absl::Span<const AttemptQuery> queries,
                           absl::Span<AttemptTally> tallies) const {
  // The subject's id; a subject never recorded matches only the attempts
  // recorded without one.
  bool every = subject.empty();
  uint32_t id = 0;
  if (!every) {
    auto it =
        subject_ids_.find(absl::string_view(subject.data(), subject.size()));
    if (it != subject_ids_.end()) id = it->second;
  }
  absl::InlinedVector<int64_t, 16> times;
  const size_t n = std::min(queries.size(), tallies.size());
  for (size_t i = 0; i < n; ++i) {
    const AttemptQuery& query = queries[i];
    AttemptTally& tally = tallies[i];
    tally = AttemptTally();
    auto it = by_number_.find(query.e164);
    if (it == by_number_.end()) continue;
    times.clear();
    for (const Attempt& a : it->second) {
      if (a.micros <= query.since_micros) continue;
      if (!every && a.subject != 0 && a.subject != id) continue;
      times.push_back(a.micros);
    }
    tally.count = static_cast<uint32_t>(times.size());
    if (query.max_calls == 0 || tally.count < query.max_calls) continue;
    // The next call is allowed once all but max_calls - 1 of them have
    // left the window: when the (count - max_calls + 1)-th oldest does.
    const size_t k = tally.count - query.max_calls;
    std::nth_element(times.begin(), times.begin() + k, times.end());
    tally.blocking_micros = times[k];
  }
}

void RecentAttempts::Clear() {
  by_number_.clear();
  subject_ids_.clear();
  size_ = 0;
  adds_since_sweep_ = 0;
}

}  // namespace dnc::tenant
