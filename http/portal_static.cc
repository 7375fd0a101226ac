#include "http/portal_static.h"

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "http/error_response.h"
#include "portal/portal_assets.h"

namespace dnc::http {
namespace {

constexpr std::string_view kPrefix = "/portal/";
constexpr std::string_view kIndex = "index.html";

// True if the If-None-Match header lists `etag` (or is "*"), so the
// browser's copy is current.
bool Matches(const HttpRequest& request, std::string_view etag) {
  const std::string* header = request.FindHeader("if-none-match");
  if (header == nullptr) return false;
  for (absl::string_view tag : absl::StrSplit(*header, ',')) {
    tag = absl::StripAsciiWhitespace(tag);
    absl::ConsumePrefix(&tag, "W/");  // A weak match is enough for GET.
    if (tag == "*" || std::string_view(tag.data(), tag.size()) == etag) {
      return true;
    }
  }
  return false;
}

void ServePortalFile(const ApiContext& /*api*/, const HttpRequest& request,
                     HttpResponse* response) {
  std::string_view path = request.path;
  if (path == "/") {
    path = kIndex;
  } else if (path.substr(0, kPrefix.size()) == kPrefix) {
    path.remove_prefix(kPrefix.size());
  }
  const portal::PortalAsset* asset = portal::FindPortalAsset(path);
  if (asset == nullptr || !request.query.empty()) {
    // Routes exist only for embedded files; a query is not part of a file.
    SetError(asset == nullptr ? 404 : 400, "INVALID_ARGUMENT",
             asset == nullptr
                 ? absl::StrCat("no portal file ", request.path.substr(0, 64))
                 : "portal files take no query parameters",
             response);
    return;
  }
  response->headers.emplace_back("Content-Security-Policy",
                                 kPortalContentSecurityPolicy);
  response->headers.emplace_back("X-Content-Type-Options", "nosniff");
  response->headers.emplace_back("Referrer-Policy", "no-referrer");
  response->headers.emplace_back("Cache-Control", "no-cache");
  response->headers.emplace_back("ETag", std::string(asset->etag));
  response->content_type = std::string(asset->content_type);
  if (Matches(request, asset->etag)) {
    response->status = 304;
    response->body.clear();
    return;
  }
  response->status = 200;
  response->body = std::string(asset->bytes);
}

}  // namespace

void AddPortalRoutes(HttpRoutes* routes) {
  for (const portal::PortalAsset& asset : portal::PortalAssets()) {
    if (asset.path.empty()) continue;  // The empty table's placeholder.
    routes->Add("GET", std::string(kPrefix) + std::string(asset.path),
                &ServePortalFile);
    if (asset.path == kIndex) routes->Add("GET", "/", &ServePortalFile);
  }
}

}  // namespace dnc::http
