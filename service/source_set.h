// The registry data a server answers from: every published source under a
// data directory, each open at its CURRENT generation.
//
// SourceSet is an immutable set of open storage::SourceSnapshots, sorted by
// source id. Registry holds the set being served behind a mutex: a request
// copies the std::shared_ptr<const SourceSet> under a short lock and then
// reads lock-free, so a Reload() never blocks or changes a request in flight.
// Reload() re-resolves every source's CURRENT, opens only the sources whose
// generation changed (unchanged snapshots are shared with the new set), and
// swaps the pointer. An old snapshot closes when the last set holding it is
// released. A source that fails to open keeps serving its previous generation.
//
// Ownership: snapshots are shared (std::shared_ptr<const SourceSnapshot>);
// a Registry owns its polling thread and joins it on destruction.
// Thread-safety: SourceSet is immutable; Registry is thread-safe.
#ifndef DNC_SERVICE_SOURCE_SET_H_
#define DNC_SERVICE_SOURCE_SET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "storage/source_snapshot.h"

namespace dnc::service {

// One source as served: its open snapshot and when this process opened it.
struct ServedSource {
  std::shared_ptr<const storage::SourceSnapshot> snapshot;
  std::string loaded_at;  // UTC, "YYYY-MM-DDTHH:MM:SSZ".

  const storage::Manifest& manifest() const { return snapshot->manifest(); }
};

struct SourceSetOptions {
  // RocksDB block cache per source.
  uint64_t block_cache_bytes = 64ULL << 20;
};

class SourceSet {
 public:
  // An empty set: every valid number answers STALE (no source covers it).
  SourceSet() = default;
  // Takes `sources` (REQUIRES: each snapshot non-null, source ids distinct)
  // and sorts them by source id.
  explicit SourceSet(std::vector<ServedSource> sources);

  // Opens the CURRENT generation of every published source under
  // `data_dir`. Errors: NotFound (data_dir does not exist), or the first
  // source that fails to open (its status, with the source id prepended).
  static absl::StatusOr<std::shared_ptr<const SourceSet>> Open(
      const std::string& data_dir, const SourceSetOptions& options = {});

  const std::vector<ServedSource>& sources() const { return sources_; }
  size_t size() const { return sources_.size(); }
  bool empty() const { return sources_.empty(); }

  // The source with this id, or nullptr.
  const ServedSource* Find(const std::string& source) const;

 private:
  std::vector<ServedSource> sources_;
};

struct RegistryOptions {
  std::string data_dir;  // Written by dnc-load: <data_dir>/sources/<id>/...
  SourceSetOptions source_options;
};

// What one Reload() did.
struct ReloadSummary {
  int opened = 0;   // Sources opened at a new (or first) generation.
  int reused = 0;   // Sources whose generation had not changed.
  int dropped = 0;  // Sources no longer published (no CURRENT).
  int failed =
      0;  // Sources that failed to resolve or open (kept as they were).
};

class Registry {
 public:
  // Opens every published source under options.data_dir (see
  // SourceSet::Open) and logs one line per source. A data dir with no
  // sources is fine (and logged as a warning: every number answers STALE).
  // Errors: NotFound (no such data dir), or a source's open error.
  static absl::StatusOr<std::unique_ptr<Registry>> Open(
      const RegistryOptions& options);

  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  // Stops polling (joins the thread).
  ~Registry();

  // The set being served now; never null. Holding it keeps its snapshots
  // open. Cheap: one short lock and a shared_ptr copy.
  std::shared_ptr<const SourceSet> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // Re-resolves every source's CURRENT, opens changed generations, reuses
  // unchanged ones and swaps in the new set (whenever anything changed).
  // Sources that fail keep serving their previous generation. Returns OK
  // when every published source is served at its CURRENT generation;
  // otherwise an error naming every failure (the swap still happened for
  // the sources that worked). `summary`, when given, receives the counts.
  absl::Status Reload(ReloadSummary* summary = nullptr)
      ABSL_LOCKS_EXCLUDED(reload_mu_, mu_);

  // Starts a background thread calling Reload() every `interval` (failures
  // are logged). Replaces a running poller. REQUIRES: interval > 0.
  void StartPolling(absl::Duration interval) ABSL_LOCKS_EXCLUDED(poll_mu_);
  // Stops and joins the poller, if any.
  void StopPolling() ABSL_LOCKS_EXCLUDED(poll_mu_);

  const std::string& data_dir() const { return options_.data_dir; }

 private:
  Registry(RegistryOptions options, std::shared_ptr<const SourceSet> initial);

  const RegistryOptions options_;
  // Serialises Reload() calls; never held by readers.
  absl::Mutex reload_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const SourceSet> current_ ABSL_GUARDED_BY(mu_);

  absl::Mutex poll_mu_;
  std::unique_ptr<absl::Notification> poll_stop_ ABSL_GUARDED_BY(poll_mu_);
  std::thread poll_thread_ ABSL_GUARDED_BY(poll_mu_);
};

// A source copy's age against its legal window. The copy is fresh through
// `deadline` (as_of + max_age_days) and stale from the day after.
struct Freshness {
  int32_t age_days = 0;  // today - as_of (negative if as_of is in the future).
  DayNumber deadline = 0;
  bool stale = false;  // today > deadline.
};
Freshness ComputeFreshness(const storage::Manifest& manifest, DayNumber today);

// One log line about an opened source: id, generation, as-of, count and
// freshness against `today`.
std::string DescribeSource(const storage::Manifest& manifest, DayNumber today);

}  // namespace dnc::service

#endif  // DNC_SERVICE_SOURCE_SET_H_
