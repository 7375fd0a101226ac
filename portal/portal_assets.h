// The portal's static files (portal/web/), embedded in the binary at build
// time by tools/embed_portal.py (portal/CMakeLists.txt globs the directory,
// so a file added there is served after the next build): dnc-server serves
// them with no file system access and no deployment step, and what it
// serves is exactly what the commit holds.
//
// Thread-safety: immutable data.
#ifndef DNC_PORTAL_PORTAL_ASSETS_H_
#define DNC_PORTAL_PORTAL_ASSETS_H_

#include <cstddef>
#include <string_view>

#include "absl/types/span.h"

namespace dnc::portal {

struct PortalAsset {
  std::string_view path;          // Relative to portal/web: "index.html".
  std::string_view content_type;  // By extension: "text/html; charset=utf-8".
  std::string_view bytes;         // The file as it is in the tree.
  std::string_view etag;          // "\"<16 hex digits of its SHA-256>\"".
};

// Every file, sorted by path.
absl::Span<const PortalAsset> PortalAssets();

// The file at `path` ("index.html", "js/app.js"), or nullptr.
const PortalAsset* FindPortalAsset(std::string_view path);

}  // namespace dnc::portal

#endif  // DNC_PORTAL_PORTAL_ASSETS_H_
