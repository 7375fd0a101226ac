#include "portal/portal_assets.h"

#include <algorithm>

namespace dnc::portal {

// Defined in the generated portal_assets_data.cc.
extern const PortalAsset kPortalAssets[];
extern const size_t kPortalAssetCount;

absl::Span<const PortalAsset> PortalAssets() {
  return absl::MakeConstSpan(kPortalAssets, kPortalAssetCount);
}

const PortalAsset* FindPortalAsset(std::string_view path) {
  const absl::Span<const PortalAsset> assets = PortalAssets();
  const auto it =
      std::lower_bound(assets.begin(), assets.end(), path,
                       [](const PortalAsset& asset, std::string_view p) {
                         return asset.path < p;
                       });
  if (it == assets.end() || it->path != path) return nullptr;
  return &*it;
}

}  // namespace dnc::portal
