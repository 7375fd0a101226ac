// HttpServer: dnc-server's HTTP/1.1 listener (Boost.Beast over Asio). It
// reads each request off a keep-alive connection into an HttpRequest
// (http/http_message.h), hands it to one handler (the route table,
// http/http_routes.h) on the connection's io thread, and writes the
// HttpResponse back. Nothing here knows an API.
//
// Bounds, each answered before the handler runs and then the connection is
// closed: a request line and headers over max_header_bytes (431), more than
// max_headers header fields (431), a body over max_body_bytes (413), a
// request that is not HTTP/1.x (400); a connection idle (or slow to send a
// request) for longer than idle_timeout is closed. Requests on one
// connection are answered in order (no pipelining ahead of the answer).
//
// Shutdown is graceful: the listener closes, idle connections are closed,
// a request arriving meanwhile answers 503 with "Connection: close", and
// requests being answered get until the deadline.
//
// TLS (HttpServerOptions::tls): each accepted connection does a TLS
// handshake first, with the context current at that moment; UpdateTls swaps
// in a new one for later connections. A connection that fails the handshake
// (a plaintext client, a missing client certificate under mTLS) is closed.
// The plaintext path is the same code as before, without TLS.
//
// Ownership: owns its io threads, listener and connections.
// Thread-safety: Shutdown and port may be called from any thread; the
// handler is called concurrently from the io threads and must be
// thread-safe.
#ifndef DNC_HTTP_HTTP_SERVER_H_
#define DNC_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls_files.h"
#include "http/http_message.h"

namespace dnc::http {

struct HttpServerOptions {
  // HOST:PORT; port 0 picks a free port (see HttpServer::port()).
  std::string listen = "127.0.0.1:8080";
  // Threads answering requests; each runs handlers inline.
  int threads = 2;
  // Largest request body (a 50,000-number DNC.com form is ~600 KB).
  size_t max_body_bytes = size_t{16} << 20;
  // Largest request line plus headers, and most header fields.
  size_t max_header_bytes = 16 << 10;
  int max_headers = 64;
  // A connection that sends nothing (or not a whole request) for this long
  // is closed.
  absl::Duration idle_timeout = absl::Seconds(60);
  // TLS: with a certificate (common/tls_files.h), every connection is TLS
  // (http/tls_context.h); with a CA as well, clients must present a
  // certificate it signed (mTLS). Empty: plaintext.
  TlsPem tls;
};

class HttpServer {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse*)>;

  // Binds options.listen and starts the io threads. Errors:
  // InvalidArgument (a bad option or address), Unavailable ("cannot listen
  // on HOST:PORT: <why>").
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, Handler handler);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Shuts down with a short deadline if still running.
  ~HttpServer();

  // The bound port.
  int port() const;
  // options.listen with the bound port.
  std::string address() const;

  // Connections accepted from now on use `pem`; open ones keep theirs.
  // Errors: FailedPrecondition (started without TLS; `pem` would turn mTLS
  // on or off), InvalidArgument (OpenSSL refused it); the old one is kept.
  absl::Status UpdateTls(const TlsPem& pem);

  // Stops accepting and closes idle connections; requests being answered
  // get until `deadline` (from now); then the threads stop. Idempotent.
  void Shutdown(absl::Duration deadline);

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dnc::http

#endif  // DNC_HTTP_HTTP_SERVER_H_
