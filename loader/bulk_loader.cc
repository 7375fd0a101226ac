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
#include "loader/file_digest.h"
#include "loader/input_file.h"
#include "loader/key_buffer.h"
#include "loader/key_sort.h"
#include "loader/record_format.h"
#include "loader/source_presets.h"
#include "storage/hash_filter_builder.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/source_directory.h"

namespace dnc::loader {
namespace {

constexpr uint64_t kProgressEveryLines = 1 << 16;
constexpr char kNotCovered[] = "country code not covered by this source";
constexpr char kLineTooLong[] = "line longer than 65536 bytes";

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The options with the source preset's defaults filled in.
struct Settings {
  std::string jurisdiction;
  std::vector<uint32_t> country_codes;
  int32_t max_age_days = 0;
  std::string format;
};

bool IsValidJurisdiction(const std::string& jurisdiction) {
  if (jurisdiction.empty() || jurisdiction.size() > 16) return false;
  return std::all_of(jurisdiction.begin(), jurisdiction.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-';
  });
}

std::string KnownSourceIds() {
  std::vector<std::string> ids;
  for (const SourcePreset& preset : KnownSourcePresets()) {
    ids.push_back(preset.source);
  }
  return absl::StrJoin(ids, ", ");
}

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
  Settings settings;
  const std::optional<SourcePreset> preset = FindSourcePreset(options.source);
  if (preset.has_value()) {
    settings = {preset->jurisdiction, preset->country_codes,
                preset->max_age_days, preset->format};
  } else {
    std::vector<std::string> missing;
    if (options.jurisdiction.empty()) missing.push_back("jurisdiction");
    if (options.country_codes.empty()) missing.push_back("country codes");
    if (options.max_age_days == 0) missing.push_back("max age in days");
    if (!missing.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "source '", options.source, "' has no preset (known: ",
          KnownSourceIds(), "); give its ", absl::StrJoin(missing, ", "),
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
  DNC_ASSIGN_OR_RETURN(RecordLayout layout, LayoutForFormat(settings.format));
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

// Refuses to replace the published generation with an older copy.
absl::Status CheckNotOlderThanPublished(const LoadOptions& options,
                                        const std::optional<std::string>& dir) {
  if (!dir.has_value()) return absl::OkStatus();
  const std::string path = absl::StrCat(*dir, "/", storage::kManifestFileName);
  absl::StatusOr<storage::Manifest> previous = storage::ReadManifest(path);
  if (!previous.ok()) {
    // A damaged current generation must not block loading a good one.
    DNC_LOG(Warning) << "cannot read the published manifest " << path << " ("
                     << previous.status() << "); loading anyway";
    return absl::OkStatus();
  }
  if (options.as_of < previous->as_of) {
    return absl::FailedPreconditionError(absl::StrCat(
        "as-of date ", FormatIsoDate(options.as_of),
        " is older than the published generation ", previous->generation,
        " of '", options.source, "' (as of ", FormatIsoDate(previous->as_of),
        "); load a copy at least that recent"));
  }
  return absl::OkStatus();
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

class Loader {
 public:
  // `options` and `rejects` must outlive the Loader.
  Loader(const LoadOptions& options, std::vector<uint32_t> country_codes,
         RecordParser parser, RejectLog* rejects)
      : options_(options),
        country_codes_(std::move(country_codes)),
        parser_(std::move(parser)),
        rejects_(rejects) {
    const std::optional<uint32_t> fixed = parser_.fixed_country_code();
    all_keys_covered_ = fixed.has_value() &&
                        std::find(country_codes_.begin(), country_codes_.end(),
                                  *fixed) != country_codes_.end();
  }

  // Reads every input into keys_. Errors as BulkLoad().
  absl::Status ReadInputs(Clock::time_point start) {
    start_ = start;
    for (size_t i = 0; i < options_.inputs.size(); ++i) {
      DNC_RETURN_IF_ERROR(ReadInput(i));
    }
    Report(LoadPhase::kReading, options_.inputs.size() - 1, "");
    return absl::OkStatus();
  }

  void Report(LoadPhase phase, size_t file_index, const std::string& location) {
    if (!options_.progress) return;
    LoadProgress progress;
    progress.phase = phase;
    progress.location = location;
    progress.file_index = file_index;
    progress.file_count = options_.inputs.size();
    progress.lines_read = stats_.lines_read;
    progress.rejected = stats_.rejected;
    progress.elapsed_seconds = SecondsSince(start_);
    options_.progress(progress);
  }

  KeyBuffer& keys() { return keys_; }
  LoadStats& stats() { return stats_; }

 private:
  absl::Status ReadInput(size_t index) {
    const std::string& path = options_.inputs[index];
    DNC_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file,
                         InputFile::Open(path));
    ++stats_.files;
    Report(LoadPhase::kReading, index, file->location());
    InputLine line;
    while (true) {
      DNC_ASSIGN_OR_RETURN(const bool more, file->NextLine(&line));
      if (!more) break;
      ++stats_.lines_read;
      if (stats_.lines_read % kProgressEveryLines == 0) {
        Report(LoadPhase::kReading, index, file->location());
      }
      if (line.truncated) {
        DNC_RETURN_IF_ERROR(
            AddReject(*file, line.text, RejectClass::kMalformed, kLineTooLong));
        continue;
      }
      const LineResult result = parser_.Parse(line.text);
      switch (result.kind) {
        case LineKind::kKey:
          if (!CoveredCountry(result.key)) {
            DNC_RETURN_IF_ERROR(AddReject(*file, line.text,
                                          RejectClass::kInvalid, kNotCovered));
            break;
          }
          keys_.push_back(result.key);
          break;
        case LineKind::kBlank:
          ++stats_.blank;
          break;
        case LineKind::kReject:
          DNC_RETURN_IF_ERROR(
              AddReject(*file, line.text, result.reject_class, result.detail));
          break;
      }
    }
    stats_.members += file->members();
    return absl::OkStatus();
  }

  bool CoveredCountry(uint64_t key) const {
    if (all_keys_covered_) return true;
    for (const uint32_t code : country_codes_) {
      if (HasCountryCode(key, code)) return true;
    }
    return false;
  }

  absl::Status AddReject(const InputFile& file, std::string_view text,
                         RejectClass reject_class, const char* detail) {
    ++stats_.rejected;
    DNC_RETURN_IF_ERROR(rejects_->Add(file.location(), file.line_number(),
                                      RejectReason(reject_class, detail),
                                      text));
    if (options_.max_rejects.has_value() &&
        stats_.rejected > *options_.max_rejects) {
      std::vector<std::string> first;
      for (const RejectSample& sample : rejects_->samples()) {
        if (first.size() == 3) break;
        first.push_back(FormatReject(sample));
      }
      return absl::DataLossError(absl::StrCat(
          "more than ", *options_.max_rejects,
          " lines rejected (--max_rejects); nothing was published. First: ",
          absl::StrJoin(first, "; ")));
    }
    return absl::OkStatus();
  }

  const LoadOptions& options_;
  const std::vector<uint32_t> country_codes_;
  bool all_keys_covered_ = false;  // The format fixes a covered country code.
  const RecordParser parser_;
  RejectLog* const rejects_;
  Clock::time_point start_;
  KeyBuffer keys_;
  LoadStats stats_;
};

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
  const Clock::time_point start = Clock::now();
  DNC_ASSIGN_OR_RETURN(const Settings settings, ResolveSettings(options));
  DNC_ASSIGN_OR_RETURN(RecordParser parser, MakeParser(settings));

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
  DNC_RETURN_IF_ERROR(
      CheckNotOlderThanPublished(options, pending.previous_dir()));

  const std::string rejects_path =
      absl::StrCat(pending.dir(), "/", kRejectsFileName);
  DNC_ASSIGN_OR_RETURN(
      std::unique_ptr<RejectLog> rejects,
      RejectLog::Create(rejects_path, options.max_reject_samples));
  Loader loader(options, settings.country_codes, std::move(parser),
                rejects.get());
  DNC_RETURN_IF_ERROR(loader.ReadInputs(start));
  DNC_RETURN_IF_ERROR(rejects->Close());
  LoadStats& stats = loader.stats();
  KeyBuffer& keys = loader.keys();
  stats.read_seconds = SecondsSince(start);
  if (keys.size() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("no numbers found in ", stats.lines_read, " lines of ",
                     options.inputs.size(), " input file(s) (", stats.rejected,
                     " rejected; is --format right?); nothing was published"));
  }

  Clock::time_point phase_start = Clock::now();
  loader.Report(LoadPhase::kSorting, options.inputs.size() - 1, "");
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

  phase_start = Clock::now();
  loader.Report(LoadPhase::kBuildingDb, options.inputs.size() - 1, "");
  DNC_RETURN_IF_ERROR(storage::BuildRegistryDb(
      absl::StrCat(pending.dir(), "/", storage::kDbDirName), keys.span()));
  stats.db_seconds = SecondsSince(phase_start);

  phase_start = Clock::now();
  loader.Report(LoadPhase::kWritingFilter, options.inputs.size() - 1, "");
  storage::HashFilterOptions filter_options;
  filter_options.generation_number = pending.generation_number();
  DNC_ASSIGN_OR_RETURN(
      const storage::HashFilterInfo filter,
      storage::WriteHashFilter(
          keys.span(), filter_options,
          absl::StrCat(pending.dir(), "/", storage::kFilterFileName)));
  stats.filter_seconds = SecondsSince(phase_start);
  keys.Clear();

  storage::Manifest manifest;
  manifest.source = options.source;
  manifest.jurisdiction = settings.jurisdiction;
  manifest.country_codes = settings.country_codes;
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
  manifest.filter_checksum = filter.checksum;
  manifest.filter_bytes = filter.file_bytes;
  manifest.inputs = std::move(inputs);
  DNC_RETURN_IF_ERROR(storage::WriteManifest(
      manifest, absl::StrCat(pending.dir(), "/", storage::kManifestFileName)));

  loader.Report(LoadPhase::kPublishing, options.inputs.size() - 1, "");
  stats.generation = pending.generation();
  stats.generation_dir =
      absl::StrCat(ParentDir(pending.dir()), "/", pending.generation());
  stats.rejects_path =
      absl::StrCat(stats.generation_dir, "/", kRejectsFileName);
  stats.reject_samples = rejects->samples();
  DNC_RETURN_IF_ERROR(storage::PublishGeneration(std::move(pending)));

  stats.elapsed_seconds = SecondsSince(start);
  if (stats.elapsed_seconds > 0) {
    stats.lines_per_second = stats.lines_read / stats.elapsed_seconds;
    stats.keys_per_second = stats.loaded / stats.elapsed_seconds;
  }
  return std::move(stats);
}

}  // namespace dnc::loader
