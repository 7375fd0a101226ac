#include "service/source_set.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "storage/source_directory.h"

namespace dnc::service {
namespace {

absl::Status Annotate(const absl::Status& status, const std::string& what) {
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", std::string(status.message())));
}

absl::Status CheckDataDir(const std::string& data_dir) {
  std::error_code ec;
  const auto status = std::filesystem::status(data_dir, ec);
  if (ec || !std::filesystem::exists(status)) {
    return absl::NotFoundError(
        absl::StrCat("data directory ", data_dir, " does not exist"));
  }
  if (!std::filesystem::is_directory(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", data_dir, " is not a directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ServedSource> OpenSource(const std::string& generation_dir,
                                        const SourceSetOptions& options) {
  DNC_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::SourceSnapshot> snapshot,
      storage::SourceSnapshot::Open(generation_dir, options.block_cache_bytes));
  ServedSource served;
  served.snapshot = std::move(snapshot);
  served.loaded_at = NowUtcTimestamp();
  return served;
}

}  // namespace

Freshness ComputeFreshness(const storage::Manifest& manifest, DayNumber today) {
  Freshness freshness;
  freshness.age_days = today - manifest.as_of;
  freshness.deadline = manifest.as_of + manifest.max_age_days;
  freshness.stale = today > freshness.deadline;
  return freshness;
}

std::string DescribeSource(const storage::Manifest& manifest, DayNumber today) {
  const Freshness freshness = ComputeFreshness(manifest, today);
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
      " (", manifest.max_age_days, "-day window)");
}

SourceSet::SourceSet(std::vector<ServedSource> sources)
    : sources_(std::move(sources)) {
  std::sort(sources_.begin(), sources_.end(),
            [](const ServedSource& a, const ServedSource& b) {
              return a.manifest().source < b.manifest().source;
            });
}

const ServedSource* SourceSet::Find(const std::string& source) const {
  for (const ServedSource& served : sources_) {
    if (served.manifest().source == source) return &served;
  }
  return nullptr;
}

absl::StatusOr<std::shared_ptr<const SourceSet>> SourceSet::Open(
    const std::string& data_dir, const SourceSetOptions& options) {
  DNC_RETURN_IF_ERROR(CheckDataDir(data_dir));
  DNC_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                       storage::ListPublishedSources(data_dir));
  std::vector<ServedSource> sources;
  for (const std::string& id : ids) {
    absl::StatusOr<std::optional<std::string>> dir =
        storage::CurrentGenerationDir(data_dir, id);
    if (!dir.ok()) return Annotate(dir.status(), "opening source " + id);
    if (!dir->has_value()) continue;  // Unpublished since it was listed.
    absl::StatusOr<ServedSource> served = OpenSource(**dir, options);
    if (!served.ok()) return Annotate(served.status(), "opening source " + id);
    sources.push_back(*std::move(served));
  }
  return std::make_shared<const SourceSet>(std::move(sources));
}

Registry::Registry(RegistryOptions options,
                   std::shared_ptr<const SourceSet> initial)
    : options_(std::move(options)), current_(std::move(initial)) {}

absl::StatusOr<std::unique_ptr<Registry>> Registry::Open(
    const RegistryOptions& options) {
  DNC_ASSIGN_OR_RETURN(
      std::shared_ptr<const SourceSet> set,
      SourceSet::Open(options.data_dir, options.source_options));
  const DayNumber today = TodayUtc();
  for (const ServedSource& served : set->sources()) {
    DNC_LOG(Info) << "loaded " << DescribeSource(served.manifest(), today);
  }
  if (set->empty()) {
    DNC_LOG(Warning) << "no published sources under " << options.data_dir
                     << ": every number will answer STALE until one is loaded";
  }
  return std::unique_ptr<Registry>(new Registry(options, std::move(set)));
}

Registry::~Registry() { StopPolling(); }

std::shared_ptr<const SourceSet> Registry::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status Registry::Reload(ReloadSummary* summary) {
  absl::MutexLock reload_lock(&reload_mu_);
  ReloadSummary counts;
  const std::shared_ptr<const SourceSet> old = Current();
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
  bool changed = false;
  for (const std::string& id : *ids) {
    const ServedSource* previous = old->Find(id);
    auto keep_previous = [&](const absl::Status& status) {
      failures.push_back(
          absl::StrCat("source ", id, ": ", std::string(status.message())));
      ++counts.failed;
      if (previous != nullptr) next.push_back(*previous);
    };
    absl::StatusOr<std::optional<std::string>> dir =
        storage::CurrentGenerationDir(options_.data_dir, id);
    if (!dir.ok()) {
      keep_previous(dir.status());
      continue;
    }
    if (!dir->has_value()) continue;  // Unpublished; handled as dropped below.
    if (previous != nullptr && previous->snapshot->dir() == **dir) {
      next.push_back(*previous);
      ++counts.reused;
      continue;
    }
    absl::StatusOr<ServedSource> served =
        OpenSource(**dir, options_.source_options);
    if (!served.ok()) {
      keep_previous(served.status());
      continue;
    }
    DNC_LOG(Info) << "loaded " << DescribeSource(served->manifest(), today)
                  << (previous != nullptr
                          ? absl::StrCat(", replacing generation ",
                                         previous->manifest().generation)
                          : std::string());
    next.push_back(*std::move(served));
    ++counts.opened;
    changed = true;
  }
  for (const ServedSource& served : old->sources()) {
    const std::string& id = served.manifest().source;
    const bool kept = std::any_of(
        next.begin(), next.end(),
        [&](const ServedSource& s) { return s.manifest().source == id; });
    if (!kept) {
      DNC_LOG(Warning) << "source " << id << " is no longer published under "
                       << options_.data_dir << "; stopped serving generation "
                       << served.manifest().generation;
      ++counts.dropped;
      changed = true;
    }
  }
  if (changed) {
    auto set = std::make_shared<const SourceSet>(std::move(next));
    absl::MutexLock lock(&mu_);
    current_ = std::move(set);
  }
  if (summary != nullptr) *summary = counts;
  if (!failures.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "reload of ", options_.data_dir, " kept the previous generation for ",
        failures.size(), " source(s): ", absl::StrJoin(failures, "; ")));
  }
  return absl::OkStatus();
}

void Registry::StartPolling(absl::Duration interval) {
  StopPolling();
  absl::MutexLock lock(&poll_mu_);
  poll_stop_ = std::make_unique<absl::Notification>();
  absl::Notification* stop = poll_stop_.get();
  poll_thread_ = std::thread([this, stop, interval] {
    std::string last_error;
    while (!stop->WaitForNotificationWithTimeout(interval)) {
      const absl::Status status = Reload();
      std::string error = status.ok() ? "" : status.ToString();
      // Log a failure once, not every interval, and say when it clears.
      if (error != last_error) {
        if (!status.ok()) {
          DNC_LOG(Warning) << status.message();
        } else {
          DNC_LOG(Info) << "reload of " << options_.data_dir << " succeeded";
        }
      }
      last_error = std::move(error);
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
