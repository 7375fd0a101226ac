// SourceCatalogue: the registries the loader knows, read from a catalogue
// file (config/sources.catalogue in the repository): per source its kind,
// jurisdiction, country and area codes, legal window and record formats,
// plus record layouts declared by name. dnc-load takes a source's defaults
// from here; what it uses goes into the generation's MANIFEST.
//
// File syntax (the shipped file documents every key):
//
//   # a comment line
//   [source us-tx]
//   kind          = state
//   jurisdiction  = US-TX
//   country_codes = 1
//   area_codes    = 214,512,713
//   max_age_days  = 60
//   format        = lines
//
//   [format ftc-change-mdy]
//   base         = ftc-change
//   date_format  = %m/%d/%Y %H:%M:%S
//
// Errors name the file and line: "sources.catalogue:12: ...".
//
// Ownership: a SourceCatalogue is a value. Thread-safety: immutable after
// Read()/Parse(); BuiltIn() is thread-safe.
#ifndef DNC_LOADER_SOURCE_CATALOGUE_H_
#define DNC_LOADER_SOURCE_CATALOGUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "loader/record_format.h"

namespace dnc::loader {

enum class SourceKind : uint8_t { kNational, kState, kLitigator, kOther };

// "national", "state", "litigator", "other" (as in catalogue and MANIFEST).
const char* SourceKindName(SourceKind kind);
std::optional<SourceKind> ParseSourceKind(std::string_view name);

struct CatalogueSource {
  std::string id;  // e.g. "us-ftc"; a valid storage source id.
  std::string description;
  SourceKind kind = SourceKind::kOther;
  std::string jurisdiction;  // "US", "US-TX", "CA", "GB"
  std::vector<uint32_t> country_codes;
  // Area codes the source is presumed to cover (NANP: 3 digits); empty:
  // all numbers of its country codes.
  std::vector<uint32_t> area_codes;
  int32_t max_age_days = 0;
  std::string format;         // Full lists: a preset or declared format.
  std::string change_format;  // Change lists; empty when none is known.
  int line = 0;               // Where the [source] header is.
};

// Validates a jurisdiction code: two capital letters, optionally '-' and 1-3
// capital letters or digits ("US", "US-TX", "GB").
bool IsValidJurisdictionCode(std::string_view jurisdiction);

class SourceCatalogue {
 public:
  // Reads and checks a catalogue file. Errors: NotFound (no such file);
  // InvalidArgument "<path>:<line>: <problem>" for a bad entry (unknown key
  // or section, missing required key, bad value, duplicate id, a format that
  // is neither a preset nor declared, a declared layout that does not
  // check); the errno-derived status of a failed read.
  static absl::StatusOr<SourceCatalogue> Read(const std::string& path);

  // As Read(), from text; `origin` names it in messages.
  static absl::StatusOr<SourceCatalogue> Parse(std::string_view text,
                                               std::string origin);

  // The copy of config/sources.catalogue compiled into the binary.
  static const SourceCatalogue& BuiltIn();

  // The source with this id, or null. Valid while the catalogue lives.
  const CatalogueSource* FindSource(std::string_view id) const;

  // The layout of `format`: a [format] declared here, or a preset
  // (LayoutForFormat). Errors: InvalidArgument naming the format and the
  // known ones.
  absl::StatusOr<RecordLayout> Layout(std::string_view format) const;

  const std::vector<CatalogueSource>& sources() const { return sources_; }
  // Names of the formats declared in this catalogue, in file order.
  std::vector<std::string> declared_formats() const;
  // Where it was read from (a path, or "<built-in>").
  const std::string& origin() const { return origin_; }

 private:
  struct DeclaredFormat {
    RecordLayout layout;
    int line = 0;
  };

  std::string origin_;
  std::vector<CatalogueSource> sources_;
  std::vector<DeclaredFormat> formats_;
};

// The catalogue dnc-load reads without --catalogue: config/sources.catalogue
// of the source tree this binary was built from (a compile-time path).
std::string DefaultCataloguePath();

// `path` read with SourceCatalogue::Read(); an empty path means
// DefaultCataloguePath() if that file exists, else BuiltIn(). Errors: as
// Read().
absl::StatusOr<SourceCatalogue> LoadCatalogue(const std::string& path);

}  // namespace dnc::loader

#endif  // DNC_LOADER_SOURCE_CATALOGUE_H_
