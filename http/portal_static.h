// The web portal's static files (portal/portal_assets.h) on the HTTP front
// end: GET / serves index.html and GET /portal/<path> each embedded file,
// one exact route per file, registered when the front end starts (the
// route table matches exact paths). No key is needed: the files hold no
// data, and the pages ask for the key and send it to the JSON API.
//
// Every answer carries the portal's security headers: a
// Content-Security-Policy that allows only the server's own scripts,
// styles, images (and data: images) and connections, and no framing, base
// or form targets (so an injected tag can neither run nor exfiltrate);
// X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer (a URL
// never leaves for another site). Cache-Control: no-cache with the file's
// ETag: a browser revalidates each time (If-None-Match answers 304 with no
// body), so a new build's portal is used at once and an unchanged file
// costs a header.
//
// Thread-safety: thread-safe (immutable data).
#ifndef DNC_HTTP_PORTAL_STATIC_H_
#define DNC_HTTP_PORTAL_STATIC_H_

#include "http/http_routes.h"

namespace dnc::http {

// The Content-Security-Policy of every portal file.
inline constexpr char kPortalContentSecurityPolicy[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

// Adds GET / (when index.html is embedded) and GET /portal/<path> for
// every embedded file.
void AddPortalRoutes(HttpRoutes* routes);

}  // namespace dnc::http

#endif  // DNC_HTTP_PORTAL_STATIC_H_
