// tests/testing/http_client.h against a canned HTTP/1.1 peer on 127.0.0.1
// port 0 (plain Asio, one connection): keep-alive across requests, raw
// bytes, and a peer that closes.
#include "tests/testing/http_client.h"

#include <string>
#include <thread>

#include "boost/asio/read.hpp"
#include "boost/asio/read_until.hpp"
#include "gtest/gtest.h"

namespace dnc::test {
namespace {

using boost::asio::ip::tcp;

// Answers each request (headers only; "POST" requests carry "hello") with
// the request line echoed in the body, then closes after `replies`.
void ServeCanned(tcp::acceptor* acceptor, int replies) {
  boost::system::error_code ec;
  tcp::socket socket = acceptor->accept(ec);
  if (ec) return;
  std::string data;
  for (int i = 0; i < replies; ++i) {
    const size_t end = boost::asio::read_until(
        socket, boost::asio::dynamic_buffer(data), "\r\n\r\n", ec);
    if (ec) return;
    std::string head = data.substr(0, end);
    data.erase(0, end);
    if (head.rfind("POST", 0) == 0) {
      boost::asio::read(socket, boost::asio::dynamic_buffer(data),
                        boost::asio::transfer_at_least(
                            data.size() >= 5 ? 0 : 5 - data.size()),
                        ec);
      data.erase(0, 5);
    }
    const std::string line = head.substr(0, head.find("\r\n"));
    const std::string reply =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Seen: yes\r\n"
        "Content-Length: " +
        std::to_string(line.size()) + "\r\n\r\n" + line;
    boost::asio::write(socket, boost::asio::buffer(reply), ec);
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
}

TEST(HttpClientTest, KeepAliveRawBytesAndClose) {
  boost::asio::io_context io;
  tcp::acceptor acceptor(
      io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const int port = acceptor.local_endpoint().port();
  std::thread peer([&] { ServeCanned(&acceptor, 3); });

  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      HttpClient::Connect(port);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<HttpReply> first = (*client)->Get("/v1/status?x=1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "GET /v1/status?x=1 HTTP/1.1");
  EXPECT_EQ(first->ContentType(), "text/plain");
  ASSERT_NE(first->Header("X-SEEN"), nullptr);
  EXPECT_TRUE(first->keep_alive);

  absl::StatusOr<HttpReply> second =
      (*client)->Post("/v1/scrub", "application/json", "hello");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->body, "POST /v1/scrub HTTP/1.1");

  absl::StatusOr<HttpReply> raw =
      (*client)->SendRaw("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->body, "BREW /pot HTTP/1.1");

  EXPECT_TRUE((*client)->ServerClosesConnection());
  peer.join();
}

TEST(HttpClientTest, ConnectToAClosedPortIsUnavailable) {
  int port = 0;
  {
    boost::asio::io_context io;
    tcp::acceptor acceptor(
        io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = acceptor.local_endpoint().port();
  }
  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      HttpClient::Connect(port);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace dnc::test
