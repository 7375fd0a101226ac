#include "loader/generation_writer.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "loader/load_internal.h"
#include "storage/crash_point.h"

namespace dnc::loader {

absl::StatusOr<KeyIndexes> WriteKeyIndexes(
    const storage::PendingGeneration& pending, absl::Span<const uint64_t> keys,
    std::string_view crash_prefix) {
  const std::string prefix(crash_prefix);
  KeyIndexes out;
  internal::Clock::time_point start = internal::Clock::now();
  DNC_ASSIGN_OR_RETURN(
      out.keys, storage::WriteSortedKeyFile(
                    keys, pending.generation_number(),
                    absl::StrCat(pending.dir(), "/", storage::kKeysFileName)));
  out.keys_seconds = internal::SecondsSince(start);
  storage::CrashPoint(prefix + "-keys-written");

  start = internal::Clock::now();
  storage::HashFilterOptions filter_options;
  filter_options.generation_number = pending.generation_number();
  DNC_ASSIGN_OR_RETURN(out.filter, storage::WriteHashFilter(
                                       keys, filter_options,
                                       absl::StrCat(pending.dir(), "/",
                                                    storage::kFilterFileName)));
  out.filter_seconds = internal::SecondsSince(start);
  storage::CrashPoint(prefix + "-filter-written");
  return out;
}

void TrimChangeListHistory(std::vector<storage::AppliedChangeList>* history) {
  if (history->size() <= kMaxAppliedChangeLists) return;
  history->erase(
      history->begin(),
      history->end() - static_cast<std::ptrdiff_t>(kMaxAppliedChangeLists));
}

absl::Status WriteManifestAndPublish(storage::PendingGeneration pending,
                                     const storage::Manifest& manifest,
                                     int keep_generations, LoadStats* stats) {
  DNC_RETURN_IF_ERROR(storage::WriteManifest(
      manifest, absl::StrCat(pending.dir(), "/", storage::kManifestFileName)));
  storage::CrashPoint("manifest-written");
  stats->generation = pending.generation();
  stats->generation_dir = absl::StrCat(internal::ParentDir(pending.dir()), "/",
                                       pending.generation());
  stats->rejects_path =
      absl::StrCat(stats->generation_dir, "/", kRejectsFileName);
  storage::PublishOptions publish_options;
  publish_options.keep_generations = keep_generations;
  storage::PublishResult result;
  DNC_RETURN_IF_ERROR(
      storage::PublishGeneration(std::move(pending), publish_options, &result));
  stats->removed_generations = std::move(result.removed_generations);
  stats->gc_error = std::move(result.gc_error);
  return absl::OkStatus();
}

}  // namespace dnc::loader
