// The settings of one load (loader internals, not a public API): the load's
// options checked and completed from the source catalogue (source_catalogue.h)
// into Settings, the record parser they give, and the coverage scope the new
// generation's MANIFEST will state. The catalogue is read once per load
// (RunCatalogue), however many times the settings are resolved.
// Thread-safety: RunCatalogue is thread-compatible; the functions are
// thread-safe.
#ifndef DNC_LOADER_LOAD_SETTINGS_H_
#define DNC_LOADER_LOAD_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "loader/bulk_loader.h"
#include "loader/record_format.h"
#include "loader/source_catalogue.h"
#include "storage/manifest.h"

namespace dnc::loader::internal {

// The source catalogue of one load: the one the caller already parsed
// (BulkLoad(options, catalogue)), else options.catalogue, read by the first
// Get() (LoadCatalogue()) and kept.
class RunCatalogue {
 public:
  // `parsed` may be null; if not, it must outlive this object.
  RunCatalogue(std::string path, const SourceCatalogue* parsed)
      : path_(std::move(path)), parsed_(parsed) {}
  RunCatalogue(const RunCatalogue&) = delete;
  RunCatalogue& operator=(const RunCatalogue&) = delete;

  // Valid while this object lives. Errors: those of LoadCatalogue().
  absl::StatusOr<const SourceCatalogue*> Get();

 private:
  const std::string path_;
  const SourceCatalogue* parsed_;
  std::optional<SourceCatalogue> read_;
};

// The options with the source preset's defaults filled in.
struct Settings {
  std::string jurisdiction;
  std::vector<uint32_t> country_codes;
  int32_t max_age_days = 0;
  std::string format;
  // From the source catalogue (source_catalogue.h); for the MANIFEST.
  std::string kind = "other";        // national, state, litigator, other
  std::vector<uint32_t> area_codes;  // Empty: all of country_codes.
  std::string change_format;         // The entry's; empty if none.
  RecordLayout layout;               // Of `format`, resolved.
};

// Validates `options` and fills in the defaults of the source's entry in
// `catalogue` (read on first use). Errors: InvalidArgument naming the bad
// option; those of RunCatalogue::Get().
absl::StatusOr<Settings> ResolveSettings(const LoadOptions& options,
                                         RunCatalogue* catalogue);

// What the new generation's MANIFEST will say about which numbers the source
// covers (source, jurisdiction, country codes, kind, area codes), for the
// coverage check of its input lines. Only those fields are set.
storage::Manifest CoverageScope(const LoadOptions& options,
                                const Settings& settings);

// The record parser for `settings.format`. Errors: InvalidArgument for an
// unknown format.
absl::StatusOr<RecordParser> MakeParser(const Settings& settings);

}  // namespace dnc::loader::internal

#endif  // DNC_LOADER_LOAD_SETTINGS_H_
