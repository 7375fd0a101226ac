#include "loader/change_list_loader.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/status_macros.h"
#include "loader/change_merge.h"
#include "loader/generation_writer.h"
#include "loader/load_internal.h"
#include "loader/load_settings.h"
#include "storage/crash_point.h"
#include "storage/key_index.h"
#include "storage/manifest.h"
#include "storage/registry_db_checkpoint.h"
#include "storage/sorted_key_file.h"
#include "storage/source_directory.h"

namespace dnc::loader {
namespace {

using internal::Clock;
using internal::InputReader;

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
    LoadOptions* options, const storage::Manifest& published,
    internal::RunCatalogue* catalogue) {
  DNC_ASSIGN_OR_RETURN(internal::Settings settings,
                       internal::ResolveSettings(*options, catalogue));
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
  return internal::ResolveSettings(*options, catalogue);
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

// The published generation's keys: its index.bin, or for a generation made
// before index.bin existed, its keys.bin (`legacy`). Either must be the one
// its MANIFEST vouches for.
struct PublishedKeys {
  std::unique_ptr<storage::KeyIndex> index;
  std::unique_ptr<storage::SortedKeyFile> legacy;
};

absl::Status NotTheGenerationsKeys(const std::string& path,
                                   const storage::Manifest& published,
                                   uint64_t keys, uint64_t checksum,
                                   uint64_t manifest_checksum) {
  return absl::DataLossError(absl::StrCat(
      path, " does not belong to generation ", published.generation, ": ", keys,
      " keys, checksum ", absl::Hex(checksum), ", but its MANIFEST says ",
      published.numbers_loaded, " keys, checksum ",
      absl::Hex(manifest_checksum),
      "; load a full list to replace that generation"));
}

absl::StatusOr<PublishedKeys> OpenPublishedKeys(
    const std::string& dir, const storage::Manifest& published) {
  PublishedKeys out;
  if (published.index_checksum != 0) {
    const std::string path = absl::StrCat(dir, "/", storage::kIndexFileName);
    absl::StatusOr<std::unique_ptr<storage::KeyIndex>> index =
        storage::KeyIndex::Open(path);
    if (absl::IsNotFound(index.status())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the published generation ", published.generation, " has no ", path,
          " although its MANIFEST records one, so change lists cannot "
          "be merged into it: load a full list first"));
    }
    if (!index.ok()) return index.status();
    out.index = *std::move(index);
    if (out.index->key_count() != published.numbers_loaded ||
        out.index->checksum() != published.index_checksum) {
      return NotTheGenerationsKeys(path, published, out.index->key_count(),
                                   out.index->checksum(),
                                   published.index_checksum);
    }
    return out;
  }
  const std::string path = absl::StrCat(dir, "/", storage::kKeysFileName);
  absl::StatusOr<std::unique_ptr<storage::SortedKeyFile>> keys =
      // Only keys() is read for the merge: skip building the lookup index.
      storage::SortedKeyFile::Open(path, {/*build_index=*/false});
  if (absl::IsNotFound(keys.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the published generation ", published.generation, " has neither ",
        storage::kIndexFileName, " nor ", storage::kKeysFileName,
        " (it was made by an older dnc-load), so change lists cannot be "
        "merged into it: load a full list first"));
  }
  if (!keys.ok()) return keys.status();
  const storage::SortedKeyFile& file = **keys;
  if (file.keys().size() != published.numbers_loaded ||
      (published.keys_checksum != 0 &&
       file.checksum() != published.keys_checksum)) {
    return NotTheGenerationsKeys(path, published, file.keys().size(),
                                 file.checksum(), published.keys_checksum);
  }
  out.legacy = *std::move(keys);
  return out;
}

// A change-list load: the generation is the published one plus the adds
// minus the deletes, its keys merged with the published index (the blocks no
// change touches copied as they are) and its
// RocksDB a checkpoint of the published one with the changes on top.
class ChangeListFeeder final : public internal::GenerationFeeder {
 public:
  // `options` and `settings` must outlive the feeder.
  ChangeListFeeder(const LoadOptions& options,
                   const internal::Settings& settings)
      : options_(options), settings_(settings) {}

  // Under the lock: re-reads what is published.
  absl::Status CheckPublished(
      const std::optional<std::string>& previous_dir) override {
    if (!previous_dir.has_value()) return NothingPublished(options_);
    previous_dir_ = *previous_dir;
    DNC_ASSIGN_OR_RETURN(previous_,
                         ReadPublishedManifest(options_, previous_dir_));
    if (options_.as_of < previous_.as_of) {
      return absl::FailedPreconditionError(absl::StrCat(
          "change list as of ", FormatIsoDate(options_.as_of),
          " is older than the published generation ", previous_.generation,
          " of '", options_.source, "' (as of ", FormatIsoDate(previous_.as_of),
          "); apply only change lists at least that recent; nothing was "
          "published"));
    }
    return absl::OkStatus();
  }

  // The catalogue's coverage, or for a source outside it, what its full load
  // recorded.
  storage::Manifest Scope() const override {
    storage::Manifest scope = internal::CoverageScope(options_, settings_);
    if (settings_.change_format.empty() && !previous_.kind.empty()) {
      scope.kind = previous_.kind;
      if (scope.area_codes.empty()) scope.area_codes = previous_.area_codes;
    }
    return scope;
  }

  absl::Status CheckRead(InputReader* reader) override {
    DNC_RETURN_IF_ERROR(CheckDigests(reader->inputs()));
    DNC_ASSIGN_OR_RETURN(base_, OpenPublishedKeys(previous_dir_, previous_));
    LoadStats& stats = reader->stats();
    stats.change_records = reader->changes().size();
    stats.previous_generation = previous_.generation;
    if (reader->changes().empty() && stats.lines_read > stats.blank) {
      // Lines, but none readable: an empty change list is fine (it still
      // proves the copy is current), a wrong --format is not.
      return absl::FailedPreconditionError(absl::StrCat(
          "no change records found in ", stats.lines_read, " lines of ",
          options_.inputs.size(), " change list(s) (", stats.rejected,
          " rejected; is --format right?); nothing was published"));
    }
    return absl::OkStatus();
  }

  // Resolves (last record per number wins) and merges with the published
  // keys into the next index, held in memory until WriteIndex().
  absl::Status MakeKeys(InputReader* reader) override {
    std::vector<ChangeRecord>& changes = reader->changes();
    ChangeCounts counts;
    counts.superseded = ResolveChanges(&changes);
    if (base_.index != nullptr) {
      builder_ = std::make_unique<storage::KeyIndexBuilder>(
          MergedBlockSize(*base_.index, changes));
      DNC_RETURN_IF_ERROR(MergeChangesIntoIndex(
          *base_.index, changes, builder_.get(), &db_changes_, &counts));
    } else {
      std::vector<uint64_t> merged;
      MergeChanges(base_.legacy->keys(), changes, &merged, &db_changes_,
                   &counts);
      builder_ = std::make_unique<storage::KeyIndexBuilder>(
          storage::KeyIndexBuilder::ChooseBlockSize(
              merged.size(), merged.empty() ? 0 : merged.front(),
              merged.empty() ? 0 : merged.back()));
      DNC_RETURN_IF_ERROR(builder_->AddKeys(merged));
    }
    std::vector<ChangeRecord>().swap(changes);  // Free.
    base_ = PublishedKeys();  // Unmap the published keys: merged.
    LoadStats& stats = reader->stats();
    stats.superseded = counts.superseded;
    stats.duplicates = counts.superseded;
    stats.added = counts.added;
    stats.adds_already_listed = counts.adds_already_listed;
    stats.deleted = counts.deleted;
    stats.deletes_not_listed = counts.deletes_not_listed;
    stats.loaded = builder_->key_count();
    storage::CrashPoint("change-merged");
    return absl::OkStatus();
  }

  absl::Status BuildDb(const std::string& db_dir) override {
    DNC_RETURN_IF_ERROR(
        storage::DeriveRegistryDb(
            absl::StrCat(previous_dir_, "/", storage::kDbDirName), db_dir,
            db_changes_)
            .status());
    std::vector<storage::RegistryDbChange>().swap(db_changes_);  // Free.
    return absl::OkStatus();
  }

  absl::StatusOr<storage::KeyIndexInfo> WriteIndex(
      const std::string& path, uint64_t generation_number) override {
    index_path_ = path;
    absl::StatusOr<storage::KeyIndexInfo> info =
        builder_->WriteFile(generation_number, path);
    builder_.reset();
    return info;
  }

  // Decoded from the index just written (only with --filter).
  absl::StatusOr<absl::Span<const uint64_t>> AllKeys() override {
    DNC_ASSIGN_OR_RETURN(std::unique_ptr<storage::KeyIndex> index,
                         storage::KeyIndex::Open(index_path_));
    all_keys_.clear();
    index->AppendKeys(&all_keys_);
    return absl::Span<const uint64_t>(all_keys_);
  }

  void ReleaseKeys() override { std::vector<uint64_t>().swap(all_keys_); }

  void FillManifest(storage::Manifest* manifest) const override {
    manifest->applied_change_lists = previous_.applied_change_lists;
    for (const storage::ManifestInput& input : manifest->inputs) {
      manifest->applied_change_lists.push_back(
          {input.xxh3_128, manifest->generation, options_.as_of, input.path});
    }
    internal::TrimChangeListHistory(&manifest->applied_change_lists);
  }

 private:
  // Each change list once per run, and never one applied before.
  absl::Status CheckDigests(
      const std::vector<storage::ManifestInput>& inputs) const {
    for (size_t i = 0; i < inputs.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (inputs[j].xxh3_128 != inputs[i].xxh3_128) continue;
        return absl::InvalidArgumentError(absl::StrCat(
            "change list ", inputs[i].path, " is the same file as ",
            inputs[j].path, " (XXH3-128 ", inputs[i].xxh3_128,
            "); give each change list once; nothing was published"));
      }
    }
    for (const storage::ManifestInput& input : inputs) {
      const storage::AppliedChangeList* applied =
          FindApplied(previous_, input.xxh3_128);
      if (applied == nullptr) continue;
      return absl::AlreadyExistsError(absl::StrCat(
          "change list ", input.path, " was already applied by generation ",
          applied->generation, " of '", options_.source, "' (as of ",
          FormatIsoDate(applied->as_of), ", given as ", applied->path,
          "; same XXH3-128 ", input.xxh3_128, "); nothing was published"));
    }
    return absl::OkStatus();
  }

  const LoadOptions& options_;
  const internal::Settings& settings_;
  std::string previous_dir_;
  storage::Manifest previous_;
  PublishedKeys base_;                                 // Until merged.
  std::unique_ptr<storage::KeyIndexBuilder> builder_;  // Merged, unwritten.
  std::string index_path_;
  std::vector<uint64_t> all_keys_;  // For the filter.
  std::vector<storage::RegistryDbChange> db_changes_;
};

}  // namespace

std::string ChangeFormatFor(const std::string& full_format) {
  if (full_format == "ftc-flat" || full_format == "ftc-change") {
    return "ftc-change";
  }
  return "";
}

absl::StatusOr<LoadStats> ApplyChangeLists(const LoadOptions& options) {
  internal::RunCatalogue catalogue(options.catalogue, nullptr);
  return internal::ApplyChangeLists(options, &catalogue);
}

namespace internal {

absl::StatusOr<LoadStats> ApplyChangeLists(const LoadOptions& given,
                                           RunCatalogue* catalogue) {
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
  DNC_ASSIGN_OR_RETURN(const Settings settings,
                       ChangeSettings(&options, first_look, catalogue));
  DNC_ASSIGN_OR_RETURN(RecordParser parser, MakeParser(settings));
  ChangeListFeeder feeder(options, settings);
  return BuildGeneration(options, settings, std::move(parser), start, &feeder);
}

}  // namespace internal

}  // namespace dnc::loader
