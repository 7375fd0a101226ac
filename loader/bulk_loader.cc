#include "loader/bulk_loader.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/phone_number.h"
#include "common/status_macros.h"
#include "loader/change_list_loader.h"
#include "loader/file_digest.h"
#include "loader/generation_writer.h"
#include "loader/key_buffer.h"
#include "loader/key_sort.h"
#include "loader/load_internal.h"
#include "loader/record_format.h"
#include "loader/source_catalogue.h"
#include "storage/crash_point.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/source_directory.h"

namespace dnc::loader {
namespace {

using internal::Clock;
using internal::SecondsSince;
using internal::Settings;

bool IsValidJurisdiction(const std::string& jurisdiction) {
  if (jurisdiction.empty() || jurisdiction.size() > 16) return false;
  return std::all_of(jurisdiction.begin(), jurisdiction.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-';
  });
}

std::string KnownSourceIds(const SourceCatalogue& catalogue) {
  std::vector<std::string> ids;
  for (const CatalogueSource& source : catalogue.sources()) {
    ids.push_back(source.id);
  }
  return absl::StrJoin(ids, ", ");
}

}  // namespace

namespace internal {

absl::StatusOr<Settings> ResolveSettings(const LoadOptions& options) {
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("no data directory given");
  }
  if (!storage::IsValidSourceId(options.source)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source id '", options.source,
        "' is not valid: use 1-64 characters of a-z, 0-9 and '-', starting "
        "with a letter or digit"));
  }
  if (options.inputs.empty()) {
    return absl::InvalidArgumentError("no input files given");
  }
  if (options.keep_generations < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("keep_generations is ", options.keep_generations,
                     "; at least 1 (the new generation) must be kept"));
  }
  Settings settings;
  DNC_ASSIGN_OR_RETURN(const SourceCatalogue catalogue,
                       LoadCatalogue(options.catalogue));
  const CatalogueSource* entry = catalogue.FindSource(options.source);
  if (entry != nullptr) {
    settings.jurisdiction = entry->jurisdiction;
    settings.country_codes = entry->country_codes;
    settings.max_age_days = entry->max_age_days;
    settings.format = entry->format;
    settings.kind = SourceKindName(entry->kind);
    settings.area_codes = entry->area_codes;
    settings.change_format = entry->change_format;
    if (options.mode == LoadMode::kChange && !entry->change_format.empty()) {
      settings.format = entry->change_format;
    }
  } else {
    std::vector<std::string> missing;
    if (options.jurisdiction.empty()) missing.push_back("jurisdiction");
    if (options.country_codes.empty()) missing.push_back("country codes");
    if (options.max_age_days == 0) missing.push_back("max age in days");
    if (!missing.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "source '", options.source, "' is not in the catalogue ",
          catalogue.origin(), " (known: ", KnownSourceIds(catalogue),
          "); give its ", absl::StrJoin(missing, ", "),
          " explicitly (--jurisdiction, --country_codes, --max_age_days)"));
    }
    settings.format = "lines";
  }
  if (!options.jurisdiction.empty())
    settings.jurisdiction = options.jurisdiction;
  if (!options.country_codes.empty())
    settings.country_codes = options.country_codes;
  if (options.max_age_days != 0) settings.max_age_days = options.max_age_days;
  if (!options.format.empty()) settings.format = options.format;
  DNC_ASSIGN_OR_RETURN(settings.layout, catalogue.Layout(settings.format));

  if (!IsValidJurisdiction(settings.jurisdiction)) {
    return absl::InvalidArgumentError(
        absl::StrCat("jurisdiction '", settings.jurisdiction,
                     "' is not valid: use a short code such as US, CA or GB"));
  }
  for (const uint32_t code : settings.country_codes) {
    if (code == 0 || code > 999) {
      return absl::InvalidArgumentError(absl::StrCat(
          "country code ", code, " is not a calling code (1 to 999)"));
    }
  }
  if (settings.max_age_days < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max age of ", settings.max_age_days, " days is not positive"));
  }
  const DayNumber today = options.today.value_or(TodayUtc());
  if (options.as_of > today) {
    return absl::InvalidArgumentError(
        absl::StrCat("as-of date ", FormatIsoDate(options.as_of),
                     " is in the future (today is ", FormatIsoDate(today),
                     " UTC); give the date of the registry copy"));
  }
  return settings;
}

absl::StatusOr<RecordParser> MakeParser(const Settings& settings) {
  RecordLayout layout = settings.layout;
  // Numbers in national format belong to the source's country.
  if (settings.country_codes.size() == 1) {
    const uint32_t code = settings.country_codes[0];
    const bool free_form =
        layout.shape == LayoutShape::kWholeLine ||
        std::any_of(
            layout.fields.begin(), layout.fields.end(),
            [](const FieldSpec& f) { return f.role == FieldRole::kNumber; });
    if (free_form) layout.national_country_code = code;
  }
  return RecordParser::Create(std::move(layout));
}

}  // namespace internal

namespace {

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

absl::StatusOr<LoadStats> FullLoad(const LoadOptions& options) {
  const Clock::time_point start = Clock::now();
  DNC_ASSIGN_OR_RETURN(const Settings settings,
                       internal::ResolveSettings(options));
  DNC_ASSIGN_OR_RETURN(RecordParser parser, internal::MakeParser(settings));

  // Fingerprint the inputs first: a missing file fails before the data
  // directory is touched.
  std::vector<storage::ManifestInput> inputs;
  for (const std::string& path : options.inputs) {
    DNC_ASSIGN_OR_RETURN(const FileDigest digest, DigestFile(path));
    inputs.push_back({path, digest.bytes, digest.xxh3_128});
  }

  DNC_ASSIGN_OR_RETURN(
      storage::PendingGeneration pending,
      storage::BeginGeneration(options.data_dir, options.source));
  DNC_ASSIGN_OR_RETURN(
      const std::optional<storage::Manifest> previous,
      CheckNotOlderThanPublished(options, pending.previous_dir()));

  const std::string rejects_path =
      absl::StrCat(pending.dir(), "/", kRejectsFileName);
  DNC_ASSIGN_OR_RETURN(
      std::unique_ptr<RejectLog> rejects,
      RejectLog::Create(rejects_path, options.max_reject_samples));
  internal::InputReader reader(options,
                               internal::CoverageScope(options, settings),
                               std::move(parser), rejects.get(), start);
  DNC_RETURN_IF_ERROR(reader.ReadInputs());
  DNC_RETURN_IF_ERROR(rejects->Close());
  LoadStats& stats = reader.stats();
  KeyBuffer& keys = reader.keys();
  stats.read_seconds = SecondsSince(start);
  if (keys.size() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("no numbers found in ", stats.lines_read, " lines of ",
                     options.inputs.size(), " input file(s) (", stats.rejected,
                     " rejected; is --format right?); nothing was published"));
  }

  Clock::time_point phase_start = Clock::now();
  reader.Report(LoadPhase::kSorting);
  // Dumps usually come sorted by area code; checking is cheap.
  if (!std::is_sorted(keys.begin(), keys.end())) {
    SortKeys(absl::MakeSpan(keys.begin(), keys.size()));
  }
  const size_t good_lines = keys.size();
  keys.Truncate(static_cast<size_t>(std::unique(keys.begin(), keys.end()) -
                                    keys.begin()));
  stats.loaded = keys.size();
  stats.duplicates = good_lines - keys.size();
  stats.sort_seconds = SecondsSince(phase_start);
  storage::CrashPoint("full-sorted");

  phase_start = Clock::now();
  reader.Report(LoadPhase::kBuildingDb);
  DNC_RETURN_IF_ERROR(storage::BuildRegistryDb(
      absl::StrCat(pending.dir(), "/", storage::kDbDirName), keys.span()));
  stats.db_seconds = SecondsSince(phase_start);
  storage::CrashPoint("full-db-built");

  reader.Report(LoadPhase::kWritingFilter);
  DNC_ASSIGN_OR_RETURN(const KeyIndexes indexes,
                       WriteKeyIndexes(pending, keys.span(), "full"));
  stats.keys_seconds = indexes.keys_seconds;
  stats.filter_seconds = indexes.filter_seconds;
  keys.Clear();

  storage::Manifest manifest;
  manifest.source = options.source;
  manifest.jurisdiction = settings.jurisdiction;
  manifest.country_codes = settings.country_codes;
  manifest.kind = settings.kind;
  manifest.area_codes = settings.area_codes;
  manifest.generation = pending.generation();
  manifest.generation_number = pending.generation_number();
  manifest.as_of = options.as_of;
  manifest.max_age_days = settings.max_age_days;
  manifest.format = settings.format;
  manifest.created_at = NowUtcTimestamp();
  manifest.lines_read = stats.lines_read;
  manifest.numbers_loaded = stats.loaded;
  manifest.duplicates = stats.duplicates;
  manifest.rejected = stats.rejected;
  manifest.filter_checksum = indexes.filter.checksum;
  manifest.filter_bytes = indexes.filter.file_bytes;
  manifest.keys_checksum = indexes.keys.checksum;
  manifest.inputs = std::move(inputs);
  manifest.load_mode = "full";
  // The change lists applied before stay known, so none is applied twice.
  if (previous.has_value()) {
    manifest.applied_change_lists = previous->applied_change_lists;
    TrimChangeListHistory(&manifest.applied_change_lists);
  }

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

}  // namespace

const char* LoadPhaseName(LoadPhase phase) {
  switch (phase) {
    case LoadPhase::kReading:
      return "reading";
    case LoadPhase::kSorting:
      return "sorting";
    case LoadPhase::kBuildingDb:
      return "building db";
    case LoadPhase::kWritingFilter:
      return "writing filter";
    case LoadPhase::kPublishing:
      return "publishing";
  }
  return "?";
}

absl::StatusOr<LoadStats> BulkLoad(const LoadOptions& options) {
  switch (options.mode) {
    case LoadMode::kFull:
      return FullLoad(options);
    case LoadMode::kChange:
      return ApplyChangeLists(options);
  }
  return absl::InvalidArgumentError("unknown load mode");
}

}  // namespace dnc::loader
