#include "service/registry.h"

#include <pthread.h>
#include <sys/stat.h>

#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/nanp_regions.h"
#include "common/status_macros.h"
#include "common/thread_priority.h"
#include "storage/source_directory.h"

namespace dnc::service {
namespace {

absl::Status Annotate(const absl::Status& status, const std::string& what) {
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", std::string(status.message())));
}

// The fields of every log line about one served source.
LogMessage& WithSourceFields(LogMessage& log, const storage::Manifest& manifest,
                             DayNumber today) {
  const storage::Freshness freshness =
      storage::ComputeFreshness(manifest, today);
  return log.Field("source", manifest.source)
      .Field("generation", manifest.generation)
      .Field("as_of", FormatIsoDate(manifest.as_of))
      .Field("numbers_loaded", manifest.numbers_loaded)
      .Field("age_days", freshness.age_days)
      .Field("stale", freshness.stale);
}

}  // namespace

std::string DescribeSource(const storage::Manifest& manifest, DayNumber today) {
  const storage::Freshness freshness =
      storage::ComputeFreshness(manifest, today);
  std::string codes;
  for (uint32_t code : manifest.country_codes) {
    absl::StrAppend(&codes, codes.empty() ? "+" : ",+", code);
  }
  return absl::StrCat(
      "source ", manifest.source, " (", manifest.jurisdiction, ", ",
      codes.empty() ? "no country codes" : codes, ") generation ",
      manifest.generation, ": ", manifest.numbers_loaded, " numbers as of ",
      FormatIsoDate(manifest.as_of), ", ", freshness.age_days, " days old, ",
      freshness.stale ? "STALE since " : "fresh through ",
      FormatIsoDate(freshness.stale ? freshness.deadline + 1
                                    : freshness.deadline),
      " (", manifest.max_age_days, "-day window)",
      freshness.stale ? ": its unlisted numbers answer STALE until a newer "
                        "copy is loaded"
                      : "");
}

void LogReload(absl::string_view trigger, const std::string& data_dir,
               const ReloadSummary& summary, absl::Duration took,
               const absl::Status& status) {
  const double ms = absl::ToDoubleMilliseconds(took);
  DNC_LOG_AT(status.ok() ? LogLevel::kInfo : LogLevel::kWarning)
          .Event("reload")
          .Field("trigger", absl::AsciiStrToLower(std::string(trigger)))
          .Field("data", data_dir)
          .Field("opened", summary.opened)
          .Field("kept", summary.reused)
          .Field("dropped", summary.dropped)
          .Field("failed", summary.failed)
          .Field("duration_ms", ms)
          .Field("ok", status.ok())
      << std::string(trigger) << ": reload of " << data_dir << " opened "
      << summary.opened << ", kept " << summary.reused << ", dropped "
      << summary.dropped << " source(s) in " << absl::StrFormat("%.1f", ms)
      << " ms"
      << (status.ok() ? std::string()
                      : absl::StrCat("; ", std::string(status.message())));
}

namespace {

// What the log says about a source's NANP coverage ("" if it covers no +1).
std::string CoverageNote(const SourceSet& set, const std::string& id) {
  for (size_t i = 0; i < set.size(); ++i) {
    const storage::Manifest& manifest = set.sources()[i].manifest();
    if (manifest.source != id) continue;
    if (!storage::ListsCountryCode(manifest, 1)) return "";
    const SourceSet::Coverage coverage = set.CoverageOf(i);
    if (coverage.area_codes == 0) {
      return absl::StrCat(
          "; WARNING: it applies to no NANP area code (jurisdiction '",
          manifest.jurisdiction,
          "' matches none in the numbering table and the manifest lists no "
          "area codes), so it is never consulted for +1 numbers");
    }
    return absl::StrCat(
        "; applies to ", coverage.area_codes, " NANP area codes as a ",
        coverage.national ? "national" : "state/provincial", " list");
  }
  return "";
}

}  // namespace

void LogEmergencies(const policy::EmergencyTable& table) {
  const absl::Time now = absl::Now();
  DNC_LOG(Info)
          .Event("emergencies_loaded")
          .Field("file", table.file)
          .Field("declarations", static_cast<uint64_t>(table.rows.size()))
          .Field("rejected", static_cast<uint64_t>(table.rejected))
      << "loaded " << policy::DescribeEmergencies(table, now);
  for (const std::string& error : table.errors) {
    DNC_LOG(Warning).Event("emergency_rejected").Field("file", table.file)
        << error;
  }
  if (table.rejected > table.errors.size()) {
    DNC_LOG(Warning).Event("emergency_rejected").Field("file", table.file)
        << (table.rejected - table.errors.size()) << " more rows of "
        << table.file << " rejected";
  }
}

Registry::FileStamp Registry::StampOf(const std::string& path) {
  FileStamp stamp;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return stamp;
  stamp.exists = true;
  stamp.size = static_cast<int64_t>(st.st_size);
  stamp.mtime_nanos =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return stamp;
}

Registry::Registry(RegistryOptions options,
                   std::shared_ptr<const SourceSet> initial,
                   std::shared_ptr<const policy::EmergencyTable> emergencies,
                   FileStamp stamp)
    : options_(std::move(options)),
      current_(std::move(initial)),
      emergencies_(std::move(emergencies)),
      emergencies_stamp_(stamp) {}

std::shared_ptr<const policy::EmergencyTable> Registry::Emergencies() const {
  absl::MutexLock lock(&mu_);
  return emergencies_;
}

void Registry::ReloadEmergencies() {
  if (options_.emergencies_file.empty()) return;
  const FileStamp stamp = StampOf(options_.emergencies_file);
  if (stamp == emergencies_stamp_) return;
  emergencies_stamp_ = stamp;  // Report a failure once per change.
  absl::StatusOr<std::shared_ptr<const policy::EmergencyTable>> table =
      policy::LoadEmergencies(options_.emergencies_file);
  if (!table.ok()) {
    const std::shared_ptr<const policy::EmergencyTable> previous =
        Emergencies();
    DNC_LOG(Warning)
            .Event("emergencies_failed")
            .Field("file", options_.emergencies_file)
        << table.status().message() << "; still serving the previous table"
        << (previous != nullptr
                ? absl::StrCat(" (", previous->rows.size(), " declarations)")
                : std::string());
    return;
  }
  LogEmergencies(**table);
  absl::MutexLock lock(&mu_);
  emergencies_ = *std::move(table);
}

absl::StatusOr<std::unique_ptr<Registry>> Registry::Open(
    const RegistryOptions& options) {
  DNC_ASSIGN_OR_RETURN(
      std::shared_ptr<const SourceSet> set,
      SourceSet::Open(options.data_dir, options.source_options));
  const DayNumber today = TodayUtc();
  DNC_LOG(Info).Event("numbering_table").Field("area_codes", AssignedNpaCount())
      << "+1 numbers route by area code: " << AssignedNpaCount()
      << " area codes in the numbering table, from " << NanpDataSource();
  for (const ServedSource& served : set->sources()) {
    WithSourceFields(DNC_LOG(Info).Event("source_loaded"), served.manifest(),
                     today)
        << "loaded " << DescribeSource(served.manifest(), today)
        << CoverageNote(*set, served.manifest().source);
  }
  if (set->empty()) {
    DNC_LOG(Warning).Event("no_sources").Field("data", options.data_dir)
        << "no published sources under " << options.data_dir
        << ": every number will answer STALE until one is loaded";
  }
  std::shared_ptr<const policy::EmergencyTable> emergencies;
  FileStamp stamp;
  if (!options.emergencies_file.empty()) {
    stamp = StampOf(options.emergencies_file);
    DNC_ASSIGN_OR_RETURN(emergencies,
                         policy::LoadEmergencies(options.emergencies_file));
    LogEmergencies(*emergencies);
  }
  return std::unique_ptr<Registry>(
      new Registry(options, std::move(set), std::move(emergencies), stamp));
}

Registry::~Registry() { StopPolling(); }

std::shared_ptr<const SourceSet> Registry::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status Registry::Reload(ReloadSummary* summary) {
  absl::MutexLock reload_lock(&reload_mu_);
  const absl::Time start = absl::Now();
  ReloadSummary counts;
  ReloadEmergencies();
  const absl::Status status = ReloadAndSwap(&counts);
  last_reload_nanos_.store(absl::ToInt64Nanoseconds(absl::Now() - start),
                           std::memory_order_relaxed);
  std::atomic<uint64_t>& outcome = !status.ok() ? reloads_failed_
                                   : counts.opened > 0 || counts.dropped > 0
                                       ? reloads_changed_
                                       : reloads_unchanged_;
  outcome.fetch_add(1, std::memory_order_relaxed);
  if (summary != nullptr) *summary = counts;
  return status;
}

ReloadStats Registry::reload_stats() const {
  ReloadStats stats;
  stats.changed = reloads_changed_.load(std::memory_order_relaxed);
  stats.unchanged = reloads_unchanged_.load(std::memory_order_relaxed);
  stats.failed = reloads_failed_.load(std::memory_order_relaxed);
  stats.last_seconds =
      static_cast<double>(last_reload_nanos_.load(std::memory_order_relaxed)) /
      1e9;
  return stats;
}

absl::Status Registry::ReloadAndSwap(ReloadSummary* summary) {
  ReloadSummary counts;
  std::shared_ptr<const SourceSet> old = Current();
  const DayNumber today = TodayUtc();

  absl::StatusOr<std::vector<std::string>> ids =
      storage::ListPublishedSources(options_.data_dir);
  if (!ids.ok()) {
    counts.failed = static_cast<int>(old->size());
    if (summary != nullptr) *summary = counts;
    return Annotate(ids.status(),
                    "reload: listing sources in " + options_.data_dir);
  }

  std::vector<ServedSource> next;
  std::vector<std::string> failures;
  // Opened sources, with the generation each replaced ("" if new).
  std::vector<std::pair<std::string, std::string>> opened;
  bool changed = false;
  for (const std::string& id : *ids) {
    const ServedSource* previous = old->Find(id);
    bool reused = false;
    absl::StatusOr<std::optional<ServedSource>> served = ResolveSource(
        options_.data_dir, id, previous, options_.source_options, &reused);
    if (!served.ok()) {
      failures.push_back(absl::StrCat("source ", id, ": ",
                                      std::string(served.status().message())));
      ++counts.failed;
      if (previous != nullptr) next.push_back(*previous);
      continue;
    }
    if (!served->has_value()) continue;  // Unpublished: dropped below.
    next.push_back(**std::move(served));
    if (reused) {
      ++counts.reused;
      continue;
    }
    opened.emplace_back(id, previous != nullptr
                                ? previous->manifest().generation
                                : std::string());
    ++counts.opened;
    changed = true;
  }
  for (const ServedSource& served : old->sources()) {
    const std::string& id = served.manifest().source;
    const bool kept = std::any_of(
        next.begin(), next.end(),
        [&](const ServedSource& s) { return s.manifest().source == id; });
    if (!kept) {
      DNC_LOG(Warning)
              .Event("source_dropped")
              .Field("source", id)
              .Field("generation", served.manifest().generation)
          << "source " << id << " is no longer published under "
          << options_.data_dir << "; stopped serving generation "
          << served.manifest().generation;
      ++counts.dropped;
      changed = true;
    }
  }
  if (changed) {
    auto set = std::make_shared<const SourceSet>(std::move(next));
    for (const auto& [id, replaced] : opened) {
      const storage::Manifest& manifest = set->Find(id)->manifest();
      WithSourceFields(DNC_LOG(Info).Event("source_loaded"), manifest, today)
              .Field("replaced_generation", replaced)
          << "loaded " << DescribeSource(manifest, today)
          << CoverageNote(*set, id)
          << (replaced.empty()
                  ? std::string()
                  : absl::StrCat(", replacing generation ", replaced));
    }
    {
      absl::MutexLock lock(&mu_);
      current_ = set;
    }
    retired_.push_back(std::move(old));  // The last use of `old`.
  }
  if (summary != nullptr) *summary = counts;
  CloseUnusedLocked();
  if (!failures.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "reload of ", options_.data_dir, " kept the previous generation for ",
        failures.size(), " source(s): ", absl::StrJoin(failures, "; ")));
  }
  return absl::OkStatus();
}

size_t Registry::CloseUnused() {
  absl::MutexLock reload_lock(&reload_mu_);
  return CloseUnusedLocked();
}

size_t Registry::CloseUnusedLocked() {
  // A retired set is no longer reachable through Current(), so once only
  // this list holds it, no request can take it again: releasing it here
  // closes the generations the current set does not share.
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(),
                                [](const std::shared_ptr<const SourceSet>& s) {
                                  return s.use_count() == 1;
                                }),
                 retired_.end());
  return retired_.size();
}

void Registry::StartPolling(absl::Duration interval) {
  StopPolling();
  absl::MutexLock lock(&poll_mu_);
  poll_stop_ = std::make_unique<absl::Notification>();
  absl::Notification* stop = poll_stop_.get();
  poll_thread_ = std::thread([this, stop, interval] {
    // Opening a generation is seconds of CPU at national scale (reading its
    // index, checksums, the RocksDB tables and the keys with details): at a
    // background priority it takes the cycles the requests leave, so Checks
    // beside a swap keep their latency.
    LowerThisThreadPriority();
    pthread_setname_np(pthread_self(), "dnc-reload");
    std::string last_error;
    ReloadSummary summary;
    std::set<std::string> stale;  // "source generation" known to be stale.
    for (const ServedSource& served : Current()->sources()) {
      if (storage::ComputeFreshness(served.manifest(), TodayUtc()).stale) {
        stale.insert(absl::StrCat(served.manifest().source, " ",
                                  served.manifest().generation));
      }
    }
    while (!stop->WaitForNotificationWithTimeout(interval)) {
      const absl::Time started = absl::Now();
      const absl::Status status = Reload(&summary);
      std::string error = status.ok() ? "" : status.ToString();
      // Log a reload that changed something; a failure once, not every
      // interval, and when it clears.
      if (error != last_error || summary.opened > 0 || summary.dropped > 0) {
        LogReload("poll", options_.data_dir, summary, absl::Now() - started,
                  status);
      }
      last_error = std::move(error);
      // A copy turns stale at midnight UTC without any reload: say so once.
      const DayNumber today = TodayUtc();
      std::set<std::string> now_stale;
      for (const ServedSource& served : Current()->sources()) {
        const storage::Manifest& manifest = served.manifest();
        if (!storage::ComputeFreshness(manifest, today).stale) continue;
        std::string key =
            absl::StrCat(manifest.source, " ", manifest.generation);
        if (stale.count(key) == 0) {
          WithSourceFields(DNC_LOG(Warning).Event("source_stale"), manifest,
                           today)
              << "now STALE: " << DescribeSource(manifest, today);
        }
        now_stale.insert(std::move(key));
      }
      stale = std::move(now_stale);
    }
  });
}

void Registry::StopPolling() {
  std::thread thread;
  std::unique_ptr<absl::Notification> stop;  // Outlives the thread.
  {
    absl::MutexLock lock(&poll_mu_);
    if (!poll_thread_.joinable()) return;
    poll_stop_->Notify();
    thread = std::move(poll_thread_);
    stop = std::move(poll_stop_);
  }
  thread.join();
}

}  // namespace dnc::service
