#include "http/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "http/error_response.h"
#include "http/tls_context.h"

namespace dnc::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// What Shutdown needs of a connection, plaintext or TLS.
class SessionBase {
 public:
  // Closes the connection unless a request is being answered (that one
  // closes after its answer).
  virtual void CloseIfIdle() = 0;

 protected:
  ~SessionBase() = default;
};

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

// HOST:PORT ("[::1]:0", "localhost:8080") into a bound endpoint.
absl::StatusOr<tcp::endpoint> ResolveListen(asio::io_context& io,
                                            const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_listen: expected HOST:PORT, e.g. 127.0.0.1:8080, got \"",
        listen, "\""));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  beast::error_code ec;
  tcp::resolver resolver(io);
  const auto results =
      resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", ec.message()));
  }
  return results.begin()->endpoint();
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;

  // Live connections, for Shutdown. Declared before io so that the
  // connections io still holds are destroyed while this set exists.
  std::mutex mu;
  std::condition_variable idle;
  std::unordered_set<SessionBase*> sessions;
  std::atomic<bool> draining{false};
  bool stopped = false;  // Guarded by mu.

  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;

  // The TLS context new connections get; null for plaintext. Replaced by
  // UpdateTls; a connection keeps the one it was accepted with.
  std::mutex tls_mu;
  std::shared_ptr<ssl::context> tls;  // Guarded by tls_mu.

  std::shared_ptr<ssl::context> CurrentTls() {
    std::lock_guard<std::mutex> lock(tls_mu);
    return tls;
  }
  void Accept();
  void Add(SessionBase* session) {
    std::lock_guard<std::mutex> lock(mu);
    sessions.insert(session);
  }
  void Remove(SessionBase* session) {
    std::lock_guard<std::mutex> lock(mu);
    sessions.erase(session);
    if (sessions.empty()) idle.notify_all();
  }
};

namespace {

constexpr size_t kReadBufferBytes = 64 << 10;

// Holds the TLS context of a TLS connection, declared before the stream
// that uses it (so it outlives it); nothing for a plaintext one.
template <typename Stream>
struct TlsContextHolder {};
template <>
struct TlsContextHolder<beast::ssl_stream<beast::tcp_stream>> {
  std::shared_ptr<ssl::context> context;
};

// One connection: read a request, answer it, repeat while keep-alive.
// Stream is beast::tcp_stream (plaintext) or an ssl_stream over one (TLS:
// a handshake first, a close_notify last).
template <typename Stream>
class Session : public SessionBase,
                public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same<Stream, beast::tcp_stream>::value;

  // Plaintext.
  Session(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {
    Init();
  }
  // TLS, with the context current when the connection was accepted.
  Session(tcp::socket socket, std::shared_ptr<ssl::context> context,
          HttpServer::Impl* server)
      : tls_{std::move(context)},
        stream_(std::move(socket), *tls_.context),
        server_(server) {
    Init();
  }
  ~Session() { server_->Remove(this); }

  void Start() {
    asio::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&Session::Begin, this->shared_from_this()));
  }

  void CloseIfIdle() override {
    // Null while the last owner is destroying it (it waits to unlist).
    std::shared_ptr<Session> self = this->weak_from_this().lock();
    if (self == nullptr) return;
    asio::post(stream_.get_executor(), [self = std::move(self)] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void Init() {
    // Beast reads at most the buffer's free capacity per recv (512 bytes
    // to start with): a 100 KB scrub form would take a syscall and a timer
    // re-arm per few KB.
    buffer_.reserve(kReadBufferBytes);
    server_->Add(this);
  }

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (kTls) {
      // The handshake is bounded like a request: a client that connects
      // and says nothing is closed after idle_timeout.
      Tcp().expires_after(ToChrono(server_->options.idle_timeout));
      stream_.async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&Session::OnHandshake,
                                    this->shared_from_this()));
    } else {
      ReadHeader();
    }
  }

  void OnHandshake(beast::error_code ec) {
    // Not TLS (a plaintext client), no or an untrusted client certificate
    // with mTLS, or a timeout: nothing to answer in.
    if (ec) return CloseTcp();
    ReadHeader();
  }

  void ReadHeader() {
    const HttpServerOptions& options = server_->options;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options.max_header_bytes));
    parser_->body_limit(options.max_body_bytes);
    Tcp().expires_after(ToChrono(options.idle_timeout));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(
                                 &Session::OnHeader, this->shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    busy_ = true;
    const auto& header = parser_->get();
    const size_t fields = std::distance(header.begin(), header.end());
    if (fields > static_cast<size_t>(server_->options.max_headers)) {
      return Refuse(431,
                    absl::StrCat("more than ", server_->options.max_headers,
                                 " header fields"));
    }
    if (parser_->is_done()) return Answer();
    const auto expect = header.find(bhttp::field::expect);
    if (expect != header.end() &&
        absl::EqualsIgnoreCase(
            absl::string_view(expect->value().data(), expect->value().size()),
            "100-continue")) {
      // curl waits a second for this before sending a large body.
      continue_ = std::make_unique<bhttp::response<bhttp::empty_body>>(
          bhttp::status::continue_, header.version());
      return bhttp::async_write(
          stream_, *continue_,
          beast::bind_front_handler(&Session::OnContinueSent,
                                    this->shared_from_this()));
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code ec, size_t) {
    if (ec) return Close();
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnBody, this->shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    Answer();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof ||
        ec == bhttp::error::partial_message ||
        ec == asio::ssl::error::stream_truncated) {
      return Close();
    }
    busy_ = true;
    if (ec == bhttp::error::body_limit) {
      return Refuse(413,
                    absl::StrCat("request body over ",
                                 server_->options.max_body_bytes, " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      return Refuse(431,
                    absl::StrCat("request line and headers over ",
                                 server_->options.max_header_bytes, " bytes"));
    }
    Refuse(400, absl::StrCat("not an HTTP/1.1 request: ", ec.message()));
  }

  // Answers a request that cannot be read, then closes the connection.
  void Refuse(int status, std::string message) {
    HttpResponse response;
    SetError(status, status == 400 ? "INVALID_ARGUMENT" : "RESOURCE_EXHAUSTED",
             message, &response);
    Write(std::move(response), /*keep_alive=*/false, 11);
  }

  void Answer() {
    bhttp::request<bhttp::string_body> message = parser_->release();
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    HttpResponse response;
    if (server_->draining.load(std::memory_order_relaxed)) {
      SetError(503, "UNAVAILABLE",
               "dnc-server is shutting down; retry (on another server)",
               &response);
      return Write(std::move(response), false, version);
    }
    HttpRequest request = ToRequest(std::move(message));
    try {
      server_->handler(request, &response);
    } catch (const std::exception&) {
      SetError(500, "INTERNAL", "internal error", &response);
    }
    Write(std::move(response), keep_alive, version);
  }

  static HttpRequest ToRequest(bhttp::request<bhttp::string_body>&& message) {
    HttpRequest request;
    const beast::string_view method = message.method_string();
    request.method.assign(method.data(), method.size());
    const beast::string_view target = message.target();
    const size_t question = target.find('?');
    request.path.assign(target.data(), std::min(question, target.size()));
    if (question != beast::string_view::npos) {
      request.query.assign(target.data() + question + 1,
                           target.size() - question - 1);
    }
    request.headers.reserve(8);
    for (const auto& field : message) {
      const beast::string_view name = field.name_string();
      const beast::string_view value = field.value();
      HttpHeader& header = request.headers.emplace_back();
      header.name.assign(name.data(), name.size());
      absl::AsciiStrToLower(&header.name);
      header.value.assign(value.data(), value.size());
    }
    request.body = std::move(message.body());
    return request;
  }

  void Write(HttpResponse&& answer, bool keep_alive, unsigned version) {
    if (server_->draining.load(std::memory_order_relaxed)) keep_alive = false;
    response_.emplace();
    response_->version(version);
    response_->result(static_cast<unsigned>(answer.status));
    response_->set(bhttp::field::server, "dnc-server");
    response_->set(bhttp::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) {
      response_->set(name, value);
    }
    response_->keep_alive(keep_alive);
    response_->body() = std::move(answer.body);
    response_->prepare_payload();
    bhttp::async_write(
        stream_, *response_,
        beast::bind_front_handler(&Session::OnWritten, this->shared_from_this(),
                                  keep_alive));
  }

  void OnWritten(bool keep_alive, beast::error_code ec, size_t) {
    busy_ = false;
    response_.reset();
    if (ec || !keep_alive ||
        server_->draining.load(std::memory_order_relaxed)) {
      return Close();
    }
    ReadHeader();
  }

  void Close() {
    if constexpr (kTls) {
      // close_notify first, so the client knows the answer was whole; a
      // client that never answers it is cut off after a second.
      Tcp().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](
                                 beast::error_code) { self->CloseTcp(); });
    } else {
      CloseTcp();
    }
  }

  void CloseTcp() {
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Tcp().close();
  }

  TlsContextHolder<Stream> tls_;
  Stream stream_;
  HttpServer::Impl* const server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::unique_ptr<bhttp::response<bhttp::empty_body>> continue_;
  bool busy_ = false;  // Between a request read and its answer written.
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec,
                                                      tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
        return;
      }
    } else {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (std::shared_ptr<ssl::context> context = CurrentTls()) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            std::move(socket), std::move(context), this)
            ->Start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(std::move(socket), this)
            ->Start();
      }
    }
    Accept();
  });
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, Handler handler) {
  if (options.threads < 1) {
    return absl::InvalidArgumentError("--http_threads must be at least 1");
  }
  if (options.max_body_bytes == 0 || options.max_header_bytes == 0 ||
      options.max_headers < 1) {
    return absl::InvalidArgumentError("HTTP request bounds must be at least 1");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  if (!options.tls.cert_chain.empty()) {
    absl::StatusOr<std::shared_ptr<ssl::context>> context =
        MakeServerTlsContext(options.tls);
    if (!context.ok()) return context.status();
    impl->tls = std::move(*context);
  }
  absl::StatusOr<tcp::endpoint> endpoint =
      ResolveListen(impl->io, options.listen);
  if (!endpoint.ok()) return endpoint.status();
  beast::error_code ec;
  tcp::acceptor& acceptor = impl->acceptor;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen, ": ", ec.message()));
  }
  impl->Accept();
  for (int i = 0; i < options.threads; ++i) {
    impl->threads.emplace_back([io = &impl->io] { io->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(absl::Seconds(1)); }

int HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string HttpServer::address() const {
  const std::string& listen = impl_->options.listen;
  return absl::StrCat(listen.substr(0, listen.rfind(':')), ":", port());
}

absl::Status HttpServer::UpdateTls(const TlsPem& pem) {
  Impl& impl = *impl_;
  if (impl.CurrentTls() == nullptr) {
    return absl::FailedPreconditionError(
        "the HTTP listener was started without TLS; restart with --tls_cert "
        "and --tls_key");
  }
  if (pem.ca_certs.empty() != impl.options.tls.ca_certs.empty()) {
    return absl::FailedPreconditionError(
        impl.options.tls.ca_certs.empty()
            ? "the HTTP listener does not ask for client certificates "
              "(started without --tls_client_ca); restart to turn mTLS on"
            : "the HTTP listener requires client certificates (started with "
              "--tls_client_ca) and the new configuration has no client CA; "
              "restart to turn mTLS off");
  }
  absl::StatusOr<std::shared_ptr<ssl::context>> context =
      MakeServerTlsContext(pem);
  if (!context.ok()) return context.status();
  std::lock_guard<std::mutex> lock(impl.tls_mu);
  impl.tls = std::move(*context);
  return absl::OkStatus();
}

void HttpServer::Shutdown(absl::Duration deadline) {
  Impl& impl = *impl_;
  {
    std::lock_guard<std::mutex> lock(impl.mu);
    if (impl.stopped) return;
    impl.stopped = true;
  }
  impl.draining.store(true);
  asio::post(impl.io, [&impl] {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
  });
  {
    std::unique_lock<std::mutex> lock(impl.mu);
    for (SessionBase* session : impl.sessions) {
      // Alive while listed: its destructor takes `mu` to leave the set.
      session->CloseIfIdle();
    }
    impl.idle.wait_for(lock, absl::ToChronoNanoseconds(deadline),
                       [&impl] { return impl.sessions.empty(); });
  }
  impl.io.stop();
  for (std::thread& thread : impl.threads) thread.join();
  impl.threads.clear();
  // The close posted above may not have run before io stopped (when the
  // last connection closed first); with the threads joined nothing else
  // touches the acceptor, so close it here: the port is free on return.
  beast::error_code ignored;
  impl.acceptor.close(ignored);
}

}  // namespace dnc::http
