#include "loader/bulk_loader.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/enum_names.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "loader/change_list_loader.h"
#include "loader/generation_writer.h"
#include "loader/key_buffer.h"
#include "loader/key_sort.h"
#include "loader/load_internal.h"
#include "loader/load_settings.h"
#include "loader/record_format.h"
#include "storage/crash_point.h"
#include "storage/key_index.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/source_directory.h"

namespace dnc::loader {
namespace {

using internal::Clock;
using internal::InputReader;

// Refuses to replace the published generation with an older copy. Returns
// the published generation's manifest when it is readable (its change-list
// history is carried forward).
absl::StatusOr<std::optional<storage::Manifest>> CheckNotOlderThanPublished(
    const LoadOptions& options, const std::optional<std::string>& dir) {
  if (!dir.has_value()) return std::optional<storage::Manifest>();
  const std::string path = absl::StrCat(*dir, "/", storage::kManifestFileName);
  absl::StatusOr<storage::Manifest> previous = storage::ReadManifest(path);
  if (!previous.ok()) {
    // A damaged current generation must not block loading a good one.
    DNC_LOG(Warning) << "cannot read the published manifest " << path << " ("
                     << previous.status() << "); loading anyway";
    return std::optional<storage::Manifest>();
  }
  if (options.as_of < previous->as_of) {
    return absl::FailedPreconditionError(absl::StrCat(
        "as-of date ", FormatIsoDate(options.as_of),
        " is older than the published generation ", previous->generation,
        " of '", options.source, "' (as of ", FormatIsoDate(previous->as_of),
        "); load a copy at least that recent"));
  }
  return std::optional<storage::Manifest>(*std::move(previous));
}

// A full load: the generation holds exactly the numbers of the inputs,
// sorted and deduplicated, in a RocksDB built from scratch (SST ingestion).
class FullListFeeder final : public internal::GenerationFeeder {
 public:
  // `options` and `settings` must outlive the feeder.
  FullListFeeder(const LoadOptions& options, const internal::Settings& settings)
      : options_(options), settings_(settings) {}

  absl::Status CheckPublished(
      const std::optional<std::string>& previous_dir) override {
    DNC_ASSIGN_OR_RETURN(previous_,
                         CheckNotOlderThanPublished(options_, previous_dir));
    return absl::OkStatus();
  }

  storage::Manifest Scope() const override {
    return internal::CoverageScope(options_, settings_);
  }

  absl::Status CheckRead(InputReader* reader) override {
    const LoadStats& stats = reader->stats();
    if (reader->keys().size() > 0) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("no numbers found in ", stats.lines_read, " lines of ",
                     options_.inputs.size(), " input file(s) (", stats.rejected,
                     " rejected; is --format right?); nothing was published"));
  }

  absl::Status MakeKeys(InputReader* reader) override {
    keys_ = &reader->keys();
    // Dumps usually come sorted by area code: the reader noted whether they
    // did.
    if (!reader->keys_ascending()) {
      SortKeys(absl::MakeSpan(keys_->begin(), keys_->size()));
    }
    const size_t good_lines = keys_->size();
    keys_->Truncate(static_cast<size_t>(
        std::unique(keys_->begin(), keys_->end()) - keys_->begin()));
    LoadStats& stats = reader->stats();
    stats.loaded = keys_->size();
    stats.duplicates = good_lines - keys_->size();
    storage::CrashPoint("full-sorted");
    return absl::OkStatus();
  }

  absl::Status BuildDb(const std::string& db_dir) override {
    DNC_RETURN_IF_ERROR(storage::BuildRegistryDb(db_dir, keys_->span()));
    storage::CrashPoint("full-db-built");
    return absl::OkStatus();
  }

  absl::StatusOr<storage::KeyIndexInfo> WriteIndex(
      const std::string& path, uint64_t generation_number) override {
    return storage::WriteKeyIndex(keys_->span(), generation_number, path);
  }

  absl::StatusOr<absl::Span<const uint64_t>> AllKeys() override {
    return keys_->span();
  }

  void ReleaseKeys() override { keys_->Clear(); }

  void FillManifest(storage::Manifest* manifest) const override {
    // The change lists applied before stay known, so none is applied twice.
    if (previous_.has_value()) {
      manifest->applied_change_lists = previous_->applied_change_lists;
      internal::TrimChangeListHistory(&manifest->applied_change_lists);
    }
  }

 private:
  const LoadOptions& options_;
  const internal::Settings& settings_;
  std::optional<storage::Manifest> previous_;  // When readable.
  KeyBuffer* keys_ = nullptr;                  // The reader's.
};

absl::StatusOr<LoadStats> FullLoad(const LoadOptions& options,
                                   internal::RunCatalogue* catalogue) {
  const Clock::time_point start = Clock::now();
  DNC_ASSIGN_OR_RETURN(const internal::Settings settings,
                       internal::ResolveSettings(options, catalogue));
  DNC_ASSIGN_OR_RETURN(RecordParser parser, internal::MakeParser(settings));
  FullListFeeder feeder(options, settings);
  return internal::BuildGeneration(options, settings, std::move(parser), start,
                                   &feeder);
}

absl::StatusOr<LoadStats> Load(const LoadOptions& options,
                               internal::RunCatalogue* catalogue) {
  switch (options.mode) {
    case LoadMode::kFull:
      return FullLoad(options, catalogue);
    case LoadMode::kChange:
      return internal::ApplyChangeLists(options, catalogue);
  }
  return absl::InvalidArgumentError("unknown load mode");
}

}  // namespace

const char* LoadPhaseName(LoadPhase phase) {
  static constexpr const char* kNames[] = {"reading", "sorting", "building db",
                                           "writing filter", "publishing"};
  return NameOf(phase, kNames, "?");
}

absl::StatusOr<LoadStats> BulkLoad(const LoadOptions& options) {
  internal::RunCatalogue catalogue(options.catalogue, nullptr);
  return Load(options, &catalogue);
}

absl::StatusOr<LoadStats> BulkLoad(const LoadOptions& options,
                                   const SourceCatalogue& catalogue) {
  internal::RunCatalogue parsed(options.catalogue, &catalogue);
  return Load(options, &parsed);
}

}  // namespace dnc::loader
