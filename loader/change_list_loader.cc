#include "loader/change_list_loader.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/status_macros.h"
#include "loader/change_merge.h"
#include "loader/file_digest.h"
#include "loader/generation_writer.h"
#include "loader/load_internal.h"
#include "loader/reject_log.h"
#include "loader/source_catalogue.h"
#include "storage/crash_point.h"
#include "storage/manifest.h"
#include "storage/registry_db_checkpoint.h"
#include "storage/sorted_key_file.h"
#include "storage/source_directory.h"

namespace dnc::loader {
namespace {

using internal::Clock;
using internal::SecondsSince;

absl::Status NothingPublished(const LoadOptions& options) {
  return absl::FailedPreconditionError(absl::StrCat(
      "source '", options.source, "' has no published generation in ",
      options.data_dir,
      ": a change list applies to a published generation, so load a full "
      "list first (dnc-load without --mode change); nothing was published"));
}

absl::StatusOr<storage::Manifest> ReadPublishedManifest(
    const LoadOptions& options, const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/", storage::kManifestFileName);
  absl::StatusOr<storage::Manifest> manifest = storage::ReadManifest(path);
  if (!manifest.ok()) {
    return absl::DataLossError(
        absl::StrCat("cannot apply change lists to '", options.source,
                     "': the published manifest is unreadable (",
                     manifest.status().message(),
                     "); load a full list to replace that generation"));
  }
  return manifest;
}

// Fills what the operator left empty from the published generation, so a
// source outside the catalogue needs no repeated settings for its change
// lists.
LoadOptions WithPublishedDefaults(const LoadOptions& options,
                                  const storage::Manifest& published) {
  LoadOptions filled = options;
  if (filled.jurisdiction.empty()) filled.jurisdiction = published.jurisdiction;
  if (filled.country_codes.empty()) {
    filled.country_codes = published.country_codes;
  }
  if (filled.max_age_days == 0) filled.max_age_days = published.max_age_days;
  return filled;
}

// The settings for reading change lists: the format given, else the
// catalogue entry's change_format, else the one that goes with the published
// generation's full-list format.
absl::StatusOr<internal::Settings> ChangeSettings(
    LoadOptions* options, const storage::Manifest& published) {
  DNC_ASSIGN_OR_RETURN(internal::Settings settings,
                       internal::ResolveSettings(*options));
  if (!options->format.empty() || !settings.change_format.empty()) {
    return settings;
  }
  options->format = ChangeFormatFor(published.format);
  if (options->format.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no change-list format is known for source '", options->source,
        "' (its catalogue entry has no change_format and its full lists are '",
        published.format, "'); give the change lists' layout with --format"));
  }
  return internal::ResolveSettings(*options);
}

// The change-list history entry of `digest`, if it was applied before.
const storage::AppliedChangeList* FindApplied(
    const storage::Manifest& published, const std::string& digest) {
  for (const storage::AppliedChangeList& applied :
       published.applied_change_lists) {
    if (applied.xxh3_128 == digest) return &applied;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<storage::SortedKeyFile>> OpenPublishedKeys(
    const std::string& dir, const storage::Manifest& published) {
  const std::string path = absl::StrCat(dir, "/", storage::kKeysFileName);
  absl::StatusOr<std::unique_ptr<storage::SortedKeyFile>> keys =
      // Only keys() is read for the merge: skip building the lookup index.
      storage::SortedKeyFile::Open(path, {/*build_index=*/false});
  if (absl::IsNotFound(keys.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the published generation ", published.generation, " has no ",
        storage::kKeysFileName,
        " (it was made by an older dnc-load), so change lists cannot be "
        "merged into it: load a full list first"));
  }
  if (!keys.ok()) return keys.status();
  const storage::SortedKeyFile& file = **keys;
  if (file.keys().size() != published.numbers_loaded ||
      (published.keys_checksum != 0 &&
       file.checksum() != published.keys_checksum)) {
    return absl::DataLossError(absl::StrCat(
        path, " does not belong to generation ", published.generation, ": ",
        file.keys().size(), " keys, checksum ", absl::Hex(file.checksum()),
        ", but its MANIFEST says ", published.numbers_loaded,
        " keys, checksum ", absl::Hex(published.keys_checksum),
        "; load a full list to replace that generation"));
  }
  return keys;
}

}  // namespace

std::string ChangeFormatFor(const std::string& full_format) {
  if (full_format == "ftc-flat" || full_format == "ftc-change") {
    return "ftc-change";
  }
  return "";
}

absl::StatusOr<LoadStats> ApplyChangeLists(const LoadOptions& given) {
  const Clock::time_point start = Clock::now();
  if (given.mode != LoadMode::kChange) {
    return absl::InvalidArgumentError(
        "ApplyChangeLists needs options.mode == LoadMode::kChange");
  }
  if (given.data_dir.empty()) {
    return absl::InvalidArgumentError("no data directory given");
  }
  if (given.inputs.empty()) {
    return absl::InvalidArgumentError("no input files given");
  }
  // Something must be published; look before touching the data directory.
  DNC_ASSIGN_OR_RETURN(
      const std::optional<std::string> published_dir,
      storage::CurrentGenerationDir(given.data_dir, given.source));
  if (!published_dir.has_value()) return NothingPublished(given);
  DNC_ASSIGN_OR_RETURN(const storage::Manifest first_look,
                       ReadPublishedManifest(given, *published_dir));
  LoadOptions options = WithPublishedDefaults(given, first_look);
  DNC_ASSIGN_OR_RETURN(const internal::Settings settings,
                       ChangeSettings(&options, first_look));
  DNC_ASSIGN_OR_RETURN(RecordParser parser, internal::MakeParser(settings));

  std::vector<storage::ManifestInput> inputs;
  for (const std::string& path : options.inputs) {
    DNC_ASSIGN_OR_RETURN(const FileDigest digest, DigestFile(path));
    for (const storage::ManifestInput& earlier : inputs) {
      if (earlier.xxh3_128 == digest.xxh3_128) {
        return absl::InvalidArgumentError(absl::StrCat(
            "change list ", path, " is the same file as ", earlier.path,
            " (XXH3-128 ", digest.xxh3_128,
            "); give each change list once; nothing was published"));
      }
    }
    inputs.push_back({path, digest.bytes, digest.xxh3_128});
  }

  // Under the lock from here on: re-read what is published.
  DNC_ASSIGN_OR_RETURN(
      storage::PendingGeneration pending,
      storage::BeginGeneration(options.data_dir, options.source));
  if (!pending.previous_dir().has_value()) return NothingPublished(options);
  const std::string previous_dir = *pending.previous_dir();
  DNC_ASSIGN_OR_RETURN(const storage::Manifest previous,
                       ReadPublishedManifest(options, previous_dir));
  if (options.as_of < previous.as_of) {
    return absl::FailedPreconditionError(absl::StrCat(
        "change list as of ", FormatIsoDate(options.as_of),
        " is older than the published generation ", previous.generation,
        " of '", options.source, "' (as of ", FormatIsoDate(previous.as_of),
        "); apply only change lists at least that recent; nothing was "
        "published"));
  }
  for (const storage::ManifestInput& input : inputs) {
    const storage::AppliedChangeList* applied =
        FindApplied(previous, input.xxh3_128);
    if (applied != nullptr) {
      return absl::AlreadyExistsError(absl::StrCat(
          "change list ", input.path, " was already applied by generation ",
          applied->generation, " of '", options.source, "' (as of ",
          FormatIsoDate(applied->as_of), ", given as ", applied->path,
          "; same XXH3-128 ", input.xxh3_128, "); nothing was published"));
    }
  }
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<storage::SortedKeyFile> base,
                       OpenPublishedKeys(previous_dir, previous));

  // Read every change list.
  const std::string rejects_path =
      absl::StrCat(pending.dir(), "/", kRejectsFileName);
  DNC_ASSIGN_OR_RETURN(
      std::unique_ptr<RejectLog> rejects,
      RejectLog::Create(rejects_path, options.max_reject_samples));
  // What the new MANIFEST will say the source covers: the catalogue's, or
  // for a source outside it, what its full load recorded.
  storage::Manifest scope = internal::CoverageScope(options, settings);
  if (settings.change_format.empty() && !previous.kind.empty()) {
    scope.kind = previous.kind;
    if (scope.area_codes.empty()) scope.area_codes = previous.area_codes;
  }
  internal::InputReader reader(options, scope, std::move(parser), rejects.get(),
                               start);
  DNC_RETURN_IF_ERROR(reader.ReadInputs());
  DNC_RETURN_IF_ERROR(rejects->Close());
  LoadStats& stats = reader.stats();
  std::vector<ChangeRecord>& changes = reader.changes();
  stats.read_seconds = SecondsSince(start);
  stats.change_records = changes.size();
  stats.previous_generation = previous.generation;
  if (changes.empty() && stats.lines_read > stats.blank) {
    // Lines, but none readable: an empty change list is fine (it still
    // proves the copy is current), a wrong --format is not.
    return absl::FailedPreconditionError(absl::StrCat(
        "no change records found in ", stats.lines_read, " lines of ",
        options.inputs.size(), " change list(s) (", stats.rejected,
        " rejected; is --format right?); nothing was published"));
  }

  // Resolve (last record per number wins) and merge with the published keys.
  Clock::time_point phase_start = Clock::now();
  reader.Report(LoadPhase::kSorting);
  ChangeCounts counts;
  counts.superseded = ResolveChanges(&changes);
  std::vector<uint64_t> merged;
  std::vector<storage::RegistryDbChange> db_changes;
  MergeChanges(base->keys(), changes, &merged, &db_changes, &counts);
  std::vector<ChangeRecord>().swap(changes);  // Free.
  base.reset();  // Unmap the previous keys.bin: the merged keys replace it.
  stats.superseded = counts.superseded;
  stats.duplicates = counts.superseded;
  stats.added = counts.added;
  stats.adds_already_listed = counts.adds_already_listed;
  stats.deleted = counts.deleted;
  stats.deletes_not_listed = counts.deletes_not_listed;
  stats.loaded = merged.size();
  stats.sort_seconds = SecondsSince(phase_start);
  storage::CrashPoint("change-merged");

  phase_start = Clock::now();
  reader.Report(LoadPhase::kBuildingDb);
  DNC_RETURN_IF_ERROR(storage::DeriveRegistryDb(
                          absl::StrCat(previous_dir, "/", storage::kDbDirName),
                          absl::StrCat(pending.dir(), "/", storage::kDbDirName),
                          db_changes)
                          .status());
  std::vector<storage::RegistryDbChange>().swap(db_changes);  // Free.
  stats.db_seconds = SecondsSince(phase_start);

  reader.Report(LoadPhase::kWritingFilter);
  DNC_ASSIGN_OR_RETURN(const KeyIndexes indexes,
                       WriteKeyIndexes(pending, merged, "change"));
  stats.keys_seconds = indexes.keys_seconds;
  stats.filter_seconds = indexes.filter_seconds;
  std::vector<uint64_t>().swap(merged);  // Free.

  storage::Manifest manifest;
  manifest.source = options.source;
  manifest.jurisdiction = settings.jurisdiction;
  manifest.country_codes = settings.country_codes;
  manifest.kind = scope.kind;
  manifest.area_codes = scope.area_codes;
  manifest.generation = pending.generation();
  manifest.generation_number = pending.generation_number();
  manifest.as_of = options.as_of;
  manifest.max_age_days = settings.max_age_days;
  manifest.format = settings.format;
  manifest.created_at = NowUtcTimestamp();
  manifest.lines_read = stats.lines_read;
  manifest.numbers_loaded = stats.loaded;
  manifest.duplicates = stats.superseded;
  manifest.rejected = stats.rejected;
  manifest.filter_checksum = indexes.filter.checksum;
  manifest.filter_bytes = indexes.filter.file_bytes;
  manifest.keys_checksum = indexes.keys.checksum;
  manifest.load_mode = "change";
  manifest.previous_generation = previous.generation;
  manifest.numbers_added = stats.added;
  manifest.numbers_deleted = stats.deleted;
  manifest.adds_already_listed = stats.adds_already_listed;
  manifest.deletes_not_listed = stats.deletes_not_listed;
  manifest.applied_change_lists = previous.applied_change_lists;
  for (const storage::ManifestInput& input : inputs) {
    manifest.applied_change_lists.push_back(
        {input.xxh3_128, pending.generation(), options.as_of, input.path});
  }
  TrimChangeListHistory(&manifest.applied_change_lists);
  manifest.inputs = std::move(inputs);

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

}  // namespace dnc::loader
