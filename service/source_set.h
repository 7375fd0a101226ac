// The registry data a server answers from: every published source under a
// data directory, each open at its CURRENT generation, and the routing of
// numbers to the sources that apply to them.
//
// SourceSet is an immutable set of open storage::SourceSnapshots, sorted by
// source id, with every number's applicable sources worked out once when the
// set is built (see Route). Registry holds the set being served behind a
// mutex: a request copies the std::shared_ptr<const SourceSet> under a short
// lock and then reads lock-free, so a Reload() never blocks or changes a
// request in flight. Reload() re-resolves every source's CURRENT, opens only
// the sources whose generation changed (unchanged snapshots are shared with
// the new set), and swaps the pointer. The replaced set is retired, not
// destroyed on a request's thread: CloseUnused() (run by every Reload and
// every poll) closes the generations of retired sets that no request holds
// any more. A source that fails to open keeps serving its previous
// generation. A generation directory deleted while it is open keeps working
// (its files stay open and mapped until it is closed).
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
#include "common/nanp_regions.h"
#include "storage/source_coverage.h"
#include "storage/source_snapshot.h"

namespace dnc::service {

// CountryCodeOf() and IsNationalRegistry() are part of the routing rule, which
// lives in storage/source_coverage.h so that dnc-load checks its inputs
// against the same rule.
using storage::CountryCodeOf;
using storage::IsNationalRegistry;

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

// Which sources apply to a number, decided per route when a SourceSet is
// built with storage::UseForAreaCode and storage::ListsCountryCode (the rule
// dnc-load also checks its inputs against; fail closed: a number no national
// registry covers is never callable):
//   - A NANP number (+1) routes by its area code (NPA), through the table
//     generated from libphonenumber's numbering data (common/nanp_regions.h).
//     A source covering country code 1 is consulted for the area code if its
//     jurisdiction matches the area code's region ("US" for the US states,
//     DC and territories; "US-TX" for Texas's area codes; "CA", "CA-ON",
//     "JM"; see NpaInJurisdiction) or its manifest lists the area code in
//     `area_codes` (a presumption of where its numbers are, so it widens
//     what the source is consulted for and never narrows it).
//   - Any other number routes by its country code: a source is consulted if
//     it lists that country code (jurisdictions and area codes are not
//     checked there).
//   - A route is `national` when a consulted source is a national registry
//     (IsNationalRegistry) that covers the whole area code: its manifest
//     lists no area codes, or lists this one (a national list bought per
//     area code covers only those). A number on a route that is not national
//     (Canada with only us-ftc loaded, Jamaica, a Texas number with only the
//     Texas list, an area code not in the numbering table) answers STALE
//     with a NO_SOURCE reason unless a consulted source lists it.
struct Route {
  // Indices into SourceSet::sources(), ascending.
  std::vector<uint32_t> sources;
  bool national = false;
  // Why the numbers of this route have no national coverage, e.g. "no loaded
  // registry covers CA (area code 416)" or "area code 222 is not in the
  // numbering table"; empty when `national`.
  std::string no_source_detail;
};

class SourceSet {
 public:
  // An empty set: every valid number answers STALE (no source covers it).
  SourceSet();
  // Takes `sources` (REQUIRES: each snapshot non-null, source ids distinct),
  // sorts them by source id and builds the routes.
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

  // The route of a number the parser classified as valid (any key works;
  // keys that are not E.164 numbers get a route with no sources). O(1): one
  // table lookup by area code or country code.
  uint32_t RouteOf(uint64_t e164) const {
    const int npa = NanpAreaCode(e164);
    if (npa >= 0) return nanp_routes_[npa];
    const uint32_t code = CountryCodeOf(e164);
    return code < kCodes ? country_routes_[code] : unroutable_;
  }
  const Route& route(uint32_t id) const { return routes_[id]; }
  size_t route_count() const { return routes_.size(); }

  // How many NANP area codes the source at `index` (into sources()) is
  // consulted for, and whether it is a national registry. For logs and tests.
  struct Coverage {
    int area_codes = 0;
    bool national = false;  // IsNationalRegistry(its manifest).
  };
  Coverage CoverageOf(size_t index) const;

 private:
  static constexpr int kCodes = 1000;  // Area codes and country codes 0-999.
  void BuildRoutes();
  uint32_t AddRoute(Route route);

  std::vector<ServedSource> sources_;
  std::vector<Route> routes_;
  std::vector<uint32_t> nanp_routes_;     // By area code, kCodes entries.
  std::vector<uint32_t> country_routes_;  // By country code, kCodes entries.
  uint32_t unroutable_ = 0;
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

 private:
  Registry(RegistryOptions options, std::shared_ptr<const SourceSet> initial);
  size_t CloseUnusedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);

  const RegistryOptions options_;
  // Serialises Reload() and CloseUnused(); never held by readers.
  absl::Mutex reload_mu_;
  // Sets replaced by a Reload that requests may still hold.
  std::vector<std::shared_ptr<const SourceSet>> retired_
      ABSL_GUARDED_BY(reload_mu_);
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
// freshness against `today`, e.g. "... 45 days old, STALE since 2026-04-02
// (31-day window): its numbers answer STALE".
std::string DescribeSource(const storage::Manifest& manifest, DayNumber today);

}  // namespace dnc::service

#endif  // DNC_SERVICE_SOURCE_SET_H_
