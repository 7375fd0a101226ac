#include "loader/load_settings.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/civil_date.h"
#include "common/status_macros.h"
#include "storage/source_directory.h"

namespace dnc::loader::internal {
namespace {

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

absl::StatusOr<const SourceCatalogue*> RunCatalogue::Get() {
  if (parsed_ != nullptr) return parsed_;
  if (!read_.has_value()) {
    DNC_ASSIGN_OR_RETURN(read_, LoadCatalogue(path_));
  }
  return &*read_;
}

absl::StatusOr<Settings> ResolveSettings(const LoadOptions& options,
                                         RunCatalogue* catalogue_of_run) {
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
  DNC_ASSIGN_OR_RETURN(const SourceCatalogue* const catalogue_pointer,
                       catalogue_of_run->Get());
  const SourceCatalogue& catalogue = *catalogue_pointer;
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

storage::Manifest CoverageScope(const LoadOptions& options,
                                const Settings& settings) {
  storage::Manifest scope;
  scope.source = options.source;
  scope.jurisdiction = settings.jurisdiction;
  scope.country_codes = settings.country_codes;
  scope.kind = settings.kind;
  scope.area_codes = settings.area_codes;
  return scope;
}

}  // namespace dnc::loader::internal
