// Defaults for the registries the loader knows by source id: which
// jurisdiction they cover, their country calling codes, their legal window
// (a copy older than this many days is STALE) and the record format of their
// dumps. Any other source id is allowed, but then the operator must say all
// of that explicitly.
// Thread-safety: thread-safe (constant data).
#ifndef DNC_LOADER_SOURCE_PRESETS_H_
#define DNC_LOADER_SOURCE_PRESETS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnc::loader {

struct SourcePreset {
  std::string source;        // e.g. "us-ftc"
  std::string jurisdiction;  // e.g. "US"
  std::vector<uint32_t> country_codes;
  int32_t max_age_days = 0;
  std::string format;  // A name for LayoutForFormat().
  std::string description;
};

// us-ftc (US, +1, 31 days, ftc-flat), ca-dncl (CA, +1, 31 days, crtc-flat),
// uk-tps (GB, +44, 28 days, lines).
const std::vector<SourcePreset>& KnownSourcePresets();

// The preset for `source`, or nullopt for a source id without one.
std::optional<SourcePreset> FindSourcePreset(std::string_view source);

}  // namespace dnc::loader

#endif  // DNC_LOADER_SOURCE_PRESETS_H_
