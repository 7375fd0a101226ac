#include "http/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "http/error_response.h"

namespace dnc::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

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
  std::unordered_set<Session*> sessions;
  std::atomic<bool> draining{false};
  bool stopped = false;  // Guarded by mu.

  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;

  void Accept();
  void Add(Session* session) {
    std::lock_guard<std::mutex> lock(mu);
    sessions.insert(session);
  }
  void Remove(Session* session) {
    std::lock_guard<std::mutex> lock(mu);
    sessions.erase(session);
    if (sessions.empty()) idle.notify_all();
  }
};

namespace {

constexpr size_t kReadBufferBytes = 64 << 10;

// One connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {
    // Beast reads at most the buffer's free capacity per recv (512 bytes
    // to start with): a 100 KB scrub form would take a syscall and a timer
    // re-arm per few KB.
    buffer_.reserve(kReadBufferBytes);
    server_->Add(this);
  }
  ~Session() { server_->Remove(this); }

  void Start() {
    asio::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

  // Shutdown: closes the connection unless a request is being answered
  // (that one closes after its answer).
  void CloseIfIdle() {
    // Null while the last owner is destroying it (it waits to unlist).
    std::shared_ptr<Session> self = weak_from_this().lock();
    if (self == nullptr) return;
    asio::post(stream_.get_executor(), [self = std::move(self)] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void ReadHeader() {
    const HttpServerOptions& options = server_->options;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options.max_header_bytes));
    parser_->body_limit(options.max_body_bytes);
    stream_.expires_after(ToChrono(options.idle_timeout));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
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
                                    shared_from_this()));
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
        beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    Answer();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof ||
        ec == bhttp::error::partial_message) {
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
        beast::bind_front_handler(&Session::OnWritten, shared_from_this(),
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
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  HttpServer::Impl* const server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::unique_ptr<bhttp::response<bhttp::empty_body>> continue_;
  bool busy_ = false;  // Between a request read and its answer written.
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(
      asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
          if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
            return;
          }
        } else {
          beast::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
          std::make_shared<Session>(std::move(socket), this)->Start();
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
    for (Session* session : impl.sessions) {
      // Alive while listed: its destructor takes `mu` to leave the set.
      session->CloseIfIdle();
    }
    impl.idle.wait_for(lock, absl::ToChronoNanoseconds(deadline),
                       [&impl] { return impl.sessions.empty(); });
  }
  impl.io.stop();
  for (std::thread& thread : impl.threads) thread.join();
  impl.threads.clear();
}

}  // namespace dnc::http
