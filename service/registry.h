// The registry data a server answers from, over time: Registry holds the
// SourceSet being served (service/source_set.h) behind a mutex. A request
// copies the std::shared_ptr<const SourceSet> under a short lock and then
// reads lock-free, so a Reload() never blocks or changes a request in
// flight. Reload() re-resolves every source's CURRENT, opens only the sources
// whose generation changed (unchanged snapshots are shared with the new
// set), and swaps the pointer. The replaced set is retired, not destroyed on
// a request's thread: CloseUnused() (run by every Reload and every poll)
// closes the generations of retired sets that no request holds any more. A
// source that fails to open keeps serving its previous generation. A
// generation directory deleted while it is open keeps working (its files
// stay open and mapped until it is closed).
//
// The Registry also serves the declared emergencies of
// RegistryOptions::emergencies_file (policy/emergencies.h): read at Open, and
// re-read by every Reload() (polls and SIGHUP) when the file's size or
// modification time changed. A file that cannot be read or parsed keeps the
// previous table serving (logged once per change of the file).
//
// Ownership: a Registry owns its polling thread and joins it on destruction.
// Thread-safety: thread-safe.
#ifndef DNC_SERVICE_REGISTRY_H_
#define DNC_SERVICE_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "policy/emergencies.h"
#include "service/source_set.h"
#include "storage/manifest.h"

namespace dnc::service {

struct RegistryOptions {
  std::string data_dir;  // Written by dnc-load: <data_dir>/sources/<id>/...
  SourceSetOptions source_options;
  // Declared emergencies (CSV, policy/emergencies.h); "" = none.
  std::string emergencies_file;
};

// What one Reload() did.
struct ReloadSummary {
  int opened = 0;   // Sources opened at a new (or first) generation.
  int reused = 0;   // Sources whose generation had not changed.
  int dropped = 0;  // Sources no longer published (no CURRENT).
  int failed =
      0;  // Sources that failed to resolve or open (kept as they were).
};

// Every Reload() so far (polls and SIGHUP alike), for the metrics.
struct ReloadStats {
  uint64_t changed = 0;     // Swapped in a new set (a source opened or gone).
  uint64_t unchanged = 0;   // Found nothing new to serve.
  uint64_t failed = 0;      // Returned an error (a source kept as it was).
  double last_seconds = 0;  // How long the last one took.
};

class Registry {
 public:
  // Opens every published source under options.data_dir (see
  // SourceSet::Open) and logs one line per source. A data dir with no
  // sources is fine (and logged as a warning: every number answers STALE).
  // Errors: NotFound (no such data dir), or a source's open error; with an
  // emergencies file, its LoadEmergencies error.
  static absl::StatusOr<std::unique_ptr<Registry>> Open(
      const RegistryOptions& options);

  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  // Stops polling (joins the thread).
  ~Registry();

  // The set being served now; never null. Holding it keeps its snapshots
  // open. Cheap: one short lock and a shared_ptr copy.
  std::shared_ptr<const SourceSet> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // The declared emergencies being served; nullptr without an emergencies
  // file. Cheap: one short lock and a shared_ptr copy.
  std::shared_ptr<const policy::EmergencyTable> Emergencies() const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Re-resolves every source's CURRENT, opens changed generations, reuses
  // unchanged ones and swaps in the new set (whenever anything changed).
  // Sources that fail keep serving their previous generation. Returns OK
  // when every published source is served at its CURRENT generation;
  // otherwise an error naming every failure (the swap still happened for
  // the sources that worked). `summary`, when given, receives the counts.
  absl::Status Reload(ReloadSummary* summary = nullptr)
      ABSL_LOCKS_EXCLUDED(reload_mu_, mu_);

  // Closes the generations of retired sets (replaced by a Reload) that no
  // request holds any more, here rather than on the thread of the request
  // that let go last (closing a large generation unmaps gigabytes). Every
  // Reload() and every poll calls it. Returns how many retired sets are still
  // held by requests.
  size_t CloseUnused() ABSL_LOCKS_EXCLUDED(reload_mu_);

  // Starts a background thread calling Reload() every `interval` (failures
  // are logged once, and so is a served source turning STALE as the date
  // changes). Replaces a running poller. REQUIRES: interval > 0.
  void StartPolling(absl::Duration interval) ABSL_LOCKS_EXCLUDED(poll_mu_);
  // Stops and joins the poller, if any.
  void StopPolling() ABSL_LOCKS_EXCLUDED(poll_mu_);

  const std::string& data_dir() const { return options_.data_dir; }
  ReloadStats reload_stats() const;

 private:
  // The emergencies file's size and modification time when last read.
  struct FileStamp {
    bool exists = false;
    int64_t size = 0;
    int64_t mtime_nanos = 0;
    bool operator==(const FileStamp& o) const {
      return exists == o.exists && size == o.size &&
             mtime_nanos == o.mtime_nanos;
    }
  };

  Registry(RegistryOptions options, std::shared_ptr<const SourceSet> initial,
           std::shared_ptr<const policy::EmergencyTable> emergencies,
           FileStamp stamp);
  // Re-reads the emergencies file if it changed since it was last read.
  void ReloadEmergencies() ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);
  static FileStamp StampOf(const std::string& path);
  // Reload() without its accounting.
  absl::Status ReloadAndSwap(ReloadSummary* summary)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);
  size_t CloseUnusedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);

  const RegistryOptions options_;
  // Serialises Reload() and CloseUnused(); never held by readers.
  absl::Mutex reload_mu_;
  // Sets replaced by a Reload that requests may still hold.
  std::vector<std::shared_ptr<const SourceSet>> retired_
      ABSL_GUARDED_BY(reload_mu_);
  mutable absl::Mutex mu_;
  std::shared_ptr<const SourceSet> current_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const policy::EmergencyTable> emergencies_
      ABSL_GUARDED_BY(mu_);
  FileStamp emergencies_stamp_ ABSL_GUARDED_BY(reload_mu_);
  // Written under reload_mu_, read by the metrics at any time.
  std::atomic<uint64_t> reloads_changed_{0}, reloads_unchanged_{0},
      reloads_failed_{0};
  std::atomic<int64_t> last_reload_nanos_{0};

  absl::Mutex poll_mu_;
  std::unique_ptr<absl::Notification> poll_stop_ ABSL_GUARDED_BY(poll_mu_);
  std::thread poll_thread_ ABSL_GUARDED_BY(poll_mu_);
};

// One log line about an opened source: id, generation, as-of, count and
// freshness against `today`, e.g. "... 45 days old, STALE since 2026-04-02
// (31-day window): its numbers answer STALE".
std::string DescribeSource(const storage::Manifest& manifest, DayNumber today);

// Logs what an emergencies table holds ("emergencies_loaded": the
// declarations, those in force now, each rejected row's message).
void LogEmergencies(const policy::EmergencyTable& table);

// Logs one "reload" event (docs/operations.md): what started it (`trigger`,
// "SIGHUP" or "poll"), the sources opened, kept, dropped and failed, how long
// it took, and the error if any (then as a warning).
void LogReload(absl::string_view trigger, const std::string& data_dir,
               const ReloadSummary& summary, absl::Duration took,
               const absl::Status& status);

}  // namespace dnc::service

#endif  // DNC_SERVICE_REGISTRY_H_
