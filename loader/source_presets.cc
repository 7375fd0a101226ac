#include "loader/source_presets.h"

namespace dnc::loader {

const std::vector<SourcePreset>& KnownSourcePresets() {
  static const std::vector<SourcePreset>* const kPresets = new std::vector<
      SourcePreset>{
      {"us-ftc",
       "US",
       {1},
       31,
       "ftc-flat",
       "US National Do Not Call Registry (FTC)"},
      {"ca-dncl", "CA", {1}, 31, "crtc-flat", "Canada National DNCL (CRTC)"},
      {"uk-tps", "GB", {44}, 28, "lines", "UK Telephone Preference Service"},
  };
  return *kPresets;
}

std::optional<SourcePreset> FindSourcePreset(std::string_view source) {
  for (const SourcePreset& preset : KnownSourcePresets()) {
    if (preset.source == source) return preset;
  }
  return std::nullopt;
}

}  // namespace dnc::loader
