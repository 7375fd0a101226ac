// The OpenSSL server context of dnc-server's HTTP listener, made from a
// checked certificate, key and optional client CA (common/tls_files.h):
// TLS 1.2 or later, and with a CA every client must present a certificate
// it signed (mTLS). The listener (http/http_server.h) gives each new
// connection the context current at accept time, so a reload makes a new
// context and open connections keep the one they started with.
// Thread-safety: thread-safe (a free function; a made context is only read).
#ifndef DNC_HTTP_TLS_CONTEXT_H_
#define DNC_HTTP_TLS_CONTEXT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/tls_files.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace dnc::http {

// Errors: InvalidArgument (OpenSSL refused the certificate, key or CA,
// with its reason; no certificate in `pem`).
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsPem& pem);

}  // namespace dnc::http

#endif  // DNC_HTTP_TLS_CONTEXT_H_
