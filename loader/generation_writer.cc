#include "loader/generation_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/status_macros.h"
#include "loader/reject_log.h"
#include "storage/crash_point.h"
#include "storage/hash_filter_builder.h"
#include "storage/key_index.h"
#include "storage/registry_store.h"
#include "storage/source_directory.h"

namespace dnc::loader::internal {
namespace {

// Fails, as reading would, for an input that cannot be opened: NotFound for
// a missing file, the errno-derived status of the open, or of the first read
// of a directory.
absl::Status CheckInputOpens(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("input file '", path, "' does not exist"));
    }
    return absl::ErrnoToStatus(error, absl::StrCat("open '", path, "'"));
  }
  struct stat info;
  const bool is_dir = fstat(fd, &info) == 0 && S_ISDIR(info.st_mode);
  close(fd);
  if (is_dir) {
    return absl::ErrnoToStatus(EISDIR, absl::StrCat("read '", path, "'"));
  }
  return absl::OkStatus();
}

struct KeyIndexes {
  storage::KeyIndexInfo index;
  storage::KeyIndexInfo details;   // Zero without details.bin.
  storage::HashFilterInfo filter;  // Zero without a filter.
};

// Writes details.bin, the index of the keys of the new generation's db that
// may have details, when it has any and they are few enough to keep as a
// set (RegistryStore::MaxDetailKeys): a server opening the generation then
// reads this file instead of scanning the db's SST files for them (about
// 0.35 s of CPU per change list's overlay at 250M numbers, taken beside the
// requests). Zero info when there is no such file.
absl::StatusOr<storage::KeyIndexInfo> WriteDetailKeys(
    const storage::PendingGeneration& pending, uint64_t numbers_loaded) {
  storage::RegistryStoreOptions store_options;
  store_options.db_dir = absl::StrCat(pending.dir(), "/", storage::kDbDirName);
  store_options.block_cache_bytes = 8ULL << 20;
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<storage::RegistryStore> store,
                       storage::RegistryStore::Open(store_options));
  if (!store->MayHaveDetails()) return storage::KeyIndexInfo{};
  DNC_ASSIGN_OR_RETURN(
      const std::optional<std::vector<uint64_t>> keys,
      store->KeysWithDetails(
          storage::RegistryStore::MaxDetailKeys(numbers_loaded)));
  if (!keys.has_value()) return storage::KeyIndexInfo{};
  return storage::WriteKeyIndex(
      *keys, pending.generation_number(),
      absl::StrCat(pending.dir(), "/", storage::kDetailsFileName));
}

// Writes index.bin, details.bin (when the db has details) and, when asked
// for, filter.bin for the feeder's keys into pending.dir(), tagged with the
// pending generation's number, passing "<mode>-keys-written" and
// "<mode>-filter-written".
absl::StatusOr<KeyIndexes> WriteKeyIndexes(
    const storage::PendingGeneration& pending, GenerationFeeder* feeder,
    bool build_filter, const char* mode, LoadStats* stats) {
  KeyIndexes out;
  Clock::time_point start = Clock::now();
  DNC_ASSIGN_OR_RETURN(
      out.index, feeder->WriteIndex(
                     absl::StrCat(pending.dir(), "/", storage::kIndexFileName),
                     pending.generation_number()));
  DNC_ASSIGN_OR_RETURN(out.details, WriteDetailKeys(pending, stats->loaded));
  stats->keys_seconds = SecondsSince(start);
  storage::CrashPoint(absl::StrCat(mode, "-keys-written"));
  if (!build_filter) return out;

  start = Clock::now();
  DNC_ASSIGN_OR_RETURN(const absl::Span<const uint64_t> keys,
                       feeder->AllKeys());
  storage::HashFilterOptions filter_options;
  filter_options.generation_number = pending.generation_number();
  DNC_ASSIGN_OR_RETURN(out.filter, storage::WriteHashFilter(
                                       keys, filter_options,
                                       absl::StrCat(pending.dir(), "/",
                                                    storage::kFilterFileName)));
  stats->filter_seconds = SecondsSince(start);
  storage::CrashPoint(absl::StrCat(mode, "-filter-written"));
  return out;
}

// The MANIFEST of the new generation, from what the load found: the scope's
// source fields, the settings, the stats (the change-list counts are 0 and
// previous_generation empty in a full load) and the indexes.
storage::Manifest ManifestOf(const LoadOptions& options,
                             const Settings& settings,
                             const storage::Manifest& scope,
                             const storage::PendingGeneration& pending,
                             const LoadStats& stats,
                             const KeyIndexes& indexes) {
  // Source, jurisdiction, country codes, kind and area codes.
  storage::Manifest manifest = scope;
  manifest.generation = pending.generation();
  manifest.generation_number = pending.generation_number();
  manifest.as_of = options.as_of;
  manifest.max_age_days = settings.max_age_days;
  manifest.format = settings.format;
  manifest.created_at = NowUtcTimestamp();
  manifest.lines_read = stats.lines_read;
  manifest.numbers_loaded = stats.loaded;
  manifest.duplicates = stats.duplicates;  // Change mode: superseded.
  manifest.rejected = stats.rejected;
  manifest.filter_checksum = indexes.filter.checksum;
  manifest.filter_bytes = indexes.filter.file_bytes;
  manifest.index_checksum = indexes.index.checksum;
  manifest.index_bytes = indexes.index.file_bytes;
  manifest.details_checksum = indexes.details.checksum;
  manifest.details_bytes = indexes.details.file_bytes;
  manifest.details_keys = indexes.details.key_count;
  manifest.load_mode = options.mode == LoadMode::kFull ? "full" : "change";
  manifest.previous_generation = stats.previous_generation;
  manifest.numbers_added = stats.added;
  manifest.numbers_deleted = stats.deleted;
  manifest.adds_already_listed = stats.adds_already_listed;
  manifest.deletes_not_listed = stats.deletes_not_listed;
  return manifest;
}

// Writes `manifest` to pending.dir()/MANIFEST, publishes the generation and
// removes generations older than the newest `keep_generations`. Fills
// stats->generation, generation_dir, rejects_path, removed_generations and
// gc_error.
absl::Status WriteManifestAndPublish(storage::PendingGeneration pending,
                                     const storage::Manifest& manifest,
                                     int keep_generations, LoadStats* stats) {
  DNC_RETURN_IF_ERROR(storage::WriteManifest(
      manifest, absl::StrCat(pending.dir(), "/", storage::kManifestFileName)));
  storage::CrashPoint("manifest-written");
  stats->generation = pending.generation();
  stats->generation_dir =
      absl::StrCat(ParentDir(pending.dir()), "/", pending.generation());
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

}  // namespace

void TrimChangeListHistory(std::vector<storage::AppliedChangeList>* history) {
  if (history->size() <= kMaxAppliedChangeLists) return;
  history->erase(
      history->begin(),
      history->end() - static_cast<std::ptrdiff_t>(kMaxAppliedChangeLists));
}

absl::StatusOr<LoadStats> BuildGeneration(const LoadOptions& options,
                                          const Settings& settings,
                                          RecordParser parser,
                                          Clock::time_point start,
                                          GenerationFeeder* feeder) {
  for (const std::string& path : options.inputs) {
    DNC_RETURN_IF_ERROR(CheckInputOpens(path));
  }
  DNC_ASSIGN_OR_RETURN(
      storage::PendingGeneration pending,
      storage::BeginGeneration(options.data_dir, options.source));
  DNC_RETURN_IF_ERROR(feeder->CheckPublished(pending.previous_dir()));

  const storage::Manifest scope = feeder->Scope();
  DNC_ASSIGN_OR_RETURN(
      std::unique_ptr<RejectLog> rejects,
      RejectLog::Create(absl::StrCat(pending.dir(), "/", kRejectsFileName),
                        options.max_reject_samples));
  InputReader reader(options, scope, std::move(parser), rejects.get(), start);
  DNC_RETURN_IF_ERROR(reader.ReadInputs());
  DNC_RETURN_IF_ERROR(rejects->Close());
  LoadStats& stats = reader.stats();
  stats.read_seconds = SecondsSince(start);
  DNC_RETURN_IF_ERROR(feeder->CheckRead(&reader));

  Clock::time_point phase_start = Clock::now();
  reader.Report(LoadPhase::kSorting);
  DNC_RETURN_IF_ERROR(feeder->MakeKeys(&reader));
  stats.sort_seconds = SecondsSince(phase_start);

  phase_start = Clock::now();
  reader.Report(LoadPhase::kBuildingDb);
  DNC_RETURN_IF_ERROR(
      feeder->BuildDb(absl::StrCat(pending.dir(), "/", storage::kDbDirName)));
  stats.db_seconds = SecondsSince(phase_start);

  reader.Report(LoadPhase::kWritingFilter);
  DNC_ASSIGN_OR_RETURN(
      const KeyIndexes indexes,
      WriteKeyIndexes(pending, feeder, options.build_filter,
                      options.mode == LoadMode::kFull ? "full" : "change",
                      &stats));
  feeder->ReleaseKeys();

  storage::Manifest manifest =
      ManifestOf(options, settings, scope, pending, stats, indexes);
  manifest.inputs = std::move(reader.inputs());
  feeder->FillManifest(&manifest);

  reader.Report(LoadPhase::kPublishing);
  stats.reject_samples = rejects->samples();
  DNC_RETURN_IF_ERROR(WriteManifestAndPublish(
      std::move(pending), manifest, options.keep_generations, &stats));

  stats.elapsed_seconds = SecondsSince(start);
  if (stats.elapsed_seconds > 0) {
    stats.lines_per_second = stats.lines_read / stats.elapsed_seconds;
    stats.keys_per_second = stats.loaded / stats.elapsed_seconds;
  }
  return std::move(stats);
}

}  // namespace dnc::loader::internal
