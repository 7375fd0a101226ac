// A small blocking HTTP/1.1 client for tests, over Boost.Beast: connects to
// 127.0.0.1:port, sends requests one after another on the same connection
// (keep-alive) and reads each response whole (status, headers, body). It can
// also write raw bytes, so tests can send what no well-behaved client would
// (bad request lines, oversized headers, truncated bodies) and read what
// the server answers, or see it close the connection.
//
// Every operation is bounded by a generous timeout (kIoTimeout) so a broken
// server fails a test instead of hanging it; no test asserts on time.
// Errors are absl::Status (Unavailable for connection failures, DataLoss
// for an unreadable response, DeadlineExceeded on the timeout); nothing
// throws.
//
// Thread-safety: thread-compatible (one client per thread).
#ifndef DNC_TESTS_TESTING_HTTP_CLIENT_H_
#define DNC_TESTS_TESTING_HTTP_CLIENT_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

namespace dnc::test {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  int status = 0;
  HttpHeaders headers;  // Names lower case, in arrival order.
  std::string body;
  bool keep_alive = false;  // The server keeps the connection open.

  // The first header named `name` (any case), or nullptr.
  const std::string* Header(std::string_view name) const {
    const std::string lower = absl::AsciiStrToLower(std::string(name));
    for (const auto& [header, value] : headers)
      if (header == lower) return &value;
    return nullptr;
  }
  std::string ContentType() const {
    const std::string* type = Header("content-type");
    return type == nullptr ? "" : *type;
  }
};

class HttpClient {
 public:
  static constexpr std::chrono::seconds kIoTimeout{60};
  // The largest response body read (a full scrub answer fits).
  static constexpr uint64_t kMaxReplyBytes = uint64_t{1} << 30;

  // Connects to host:port. Errors: Unavailable.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Connect(
      int port, const std::string& host = "127.0.0.1") {
    auto client = std::unique_ptr<HttpClient>(new HttpClient());
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (ec) return absl::InvalidArgumentError("bad host " + host);
    client->stream_.expires_after(kIoTimeout);
    client->stream_.async_connect(
        boost::asio::ip::tcp::endpoint(address, static_cast<uint16_t>(port)),
        [&ec](boost::system::error_code e) { ec = e; });
    client->Run();
    if (ec) {
      return absl::UnavailableError("connect to " + host + ":" +
                                    std::to_string(port) + ": " + ec.message());
    }
    client->host_ = host + ":" + std::to_string(port);
    return client;
  }

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (Host and, with a body, Content-Length added) and
  // reads its response.
  absl::StatusOr<HttpReply> Send(std::string_view method,
                                 std::string_view target,
                                 const HttpHeaders& headers = {},
                                 std::string_view body = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> request;
    request.method_string(
        boost::beast::string_view(method.data(), method.size()));
    request.target(boost::beast::string_view(target.data(), target.size()));
    request.version(11);
    request.set(http::field::host, host_);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body().assign(body.data(), body.size());
    if (!body.empty() || method == "POST") request.prepare_payload();
    boost::system::error_code ec;
    stream_.expires_after(kIoTimeout);
    http::async_write(stream_, request,
                      [&ec](boost::system::error_code e, size_t) { ec = e; });
    Run();
    if (ec) return absl::UnavailableError("write request: " + ec.message());
    return ReadReply();
  }

  absl::StatusOr<HttpReply> Get(std::string_view target,
                                const HttpHeaders& headers = {}) {
    return Send("GET", target, headers);
  }
  absl::StatusOr<HttpReply> Post(std::string_view target,
                                 std::string_view content_type,
                                 std::string_view body,
                                 HttpHeaders headers = {}) {
    headers.emplace_back("Content-Type", std::string(content_type));
    return Send("POST", target, headers, body);
  }

  // Writes `bytes` as they are. Errors: Unavailable.
  absl::Status WriteRaw(std::string_view bytes) {
    boost::system::error_code ec;
    stream_.expires_after(kIoTimeout);
    boost::asio::async_write(
        stream_, boost::asio::buffer(bytes.data(), bytes.size()),
        [&ec](boost::system::error_code e, size_t) { ec = e; });
    Run();
    if (ec) return absl::UnavailableError("write: " + ec.message());
    return absl::OkStatus();
  }

  // WriteRaw, then ReadReply.
  absl::StatusOr<HttpReply> SendRaw(std::string_view bytes) {
    absl::Status written = WriteRaw(bytes);
    if (!written.ok()) return written;
    return ReadReply();
  }

  // Reads one response. Errors: Unavailable if the server closed the
  // connection first, DataLoss if what it sent is not HTTP/1.1.
  absl::StatusOr<HttpReply> ReadReply() {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxReplyBytes);
    boost::system::error_code ec;
    stream_.expires_after(kIoTimeout);
    http::async_read(stream_, buffer_, parser,
                     [&ec](boost::system::error_code e, size_t) { ec = e; });
    Run();
    if (ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset) {
      return absl::UnavailableError("the server closed the connection: " +
                                    ec.message());
    }
    if (ec == boost::beast::error::timeout) {
      return absl::DeadlineExceededError("no response within the timeout");
    }
    if (ec) return absl::DataLossError("read response: " + ec.message());
    http::response<http::string_body> response = parser.release();
    HttpReply reply;
    reply.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      reply.headers.emplace_back(
          absl::AsciiStrToLower(std::string(field.name_string())),
          std::string(field.value()));
    }
    reply.body = std::move(response.body());
    reply.keep_alive = response.keep_alive();
    return reply;
  }

  // True once the server has closed the connection: reads until end of
  // stream (bounded by kIoTimeout), discarding anything sent first.
  bool ServerClosesConnection() {
    for (;;) {
      boost::system::error_code ec;
      stream_.expires_after(kIoTimeout);
      stream_.async_read_some(buffer_.prepare(4096),
                              [&](boost::system::error_code e, size_t n) {
                                ec = e;
                                buffer_.commit(n);
                              });
      Run();
      buffer_.consume(buffer_.size());
      if (ec == boost::asio::error::eof ||
          ec == boost::asio::error::connection_reset) {
        return true;
      }
      if (ec) return false;  // Timeout or another failure: still open.
    }
  }

 private:
  HttpClient() : stream_(io_) {}

  void Run() {
    io_.restart();
    io_.run();
  }

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string host_;
};

}  // namespace dnc::test

#endif  // DNC_TESTS_TESTING_HTTP_CLIENT_H_
