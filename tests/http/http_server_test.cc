// HttpServer and HttpRoutes over real TCP on 127.0.0.1: keep-alive, the
// request bounds (413, 431, 400 before any handler runs), 404/405, the
// request as handlers see it, and graceful shutdown.
#include "http/http_server.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/http_routes.h"
#include "tests/testing/http_client.h"

namespace dnc::http {
namespace {

using ::testing::HasSubstr;

std::atomic<int> handled{0};

// Echoes what the server read: "METHOD path?query|x-test|body".
void Echo(const ApiContext&, const HttpRequest& request,
          HttpResponse* response) {
  handled.fetch_add(1);
  const std::string* header = request.FindHeader("x-test");
  response->content_type = "text/plain";
  response->body =
      absl::StrCat(request.method, " ", request.path, "?", request.query, "|",
                   header == nullptr ? "-" : *header, "|", request.body);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handled = 0;
    routes_.Add("GET", "/echo", &Echo);
    routes_.Add("POST", "/echo", &Echo);
  }

  std::unique_ptr<HttpServer> Start(HttpServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(
        options, [this](const HttpRequest& request, HttpResponse* response) {
          routes_.Serve(request, response);
        });
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? std::move(*server) : nullptr;
  }

  std::unique_ptr<test::HttpClient> Connect(const HttpServer& server) {
    auto client = test::HttpClient::Connect(server.port());
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  HttpRoutes routes_{ApiContext{}};
};

TEST_F(HttpServerTest, AnswersManyRequestsOnOneKeptAliveConnection) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  auto client = Connect(*server);
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<test::HttpReply> reply =
        client->Get(absl::StrCat("/echo?n=", i, "&a=%20b"), {{"X-Test", "v"}});
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->status, 200);
    EXPECT_TRUE(reply->keep_alive);
    EXPECT_EQ(reply->body, absl::StrCat("GET /echo?n=", i, "&a=%20b|v|"));
    ASSERT_NE(reply->Header("server"), nullptr);
    EXPECT_EQ(*reply->Header("server"), "dnc-server");
  }
  absl::StatusOr<test::HttpReply> posted =
      client->Post("/echo", "text/plain", "hello body");
  ASSERT_TRUE(posted.ok()) << posted.status();
  EXPECT_EQ(posted->body, "POST /echo?|-|hello body");
  EXPECT_EQ(handled.load(), 101);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = Start();
  auto client = Connect(*server);
  absl::StatusOr<test::HttpReply> reply =
      client->Get("/echo", {{"Connection", "close"}});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_FALSE(reply->keep_alive);
  EXPECT_TRUE(client->ServerClosesConnection());
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  auto server = Start();
  auto client = Connect(*server);
  absl::StatusOr<test::HttpReply> missing = client->Get("/nope");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->ContentType(), "application/json");
  EXPECT_THAT(missing->body, HasSubstr("\"code\":\"NOT_FOUND\""));
  EXPECT_THAT(missing->body, HasSubstr("/nope"));
  absl::StatusOr<test::HttpReply> wrong = client->Send("DELETE", "/echo");
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(wrong->status, 405);
  ASSERT_NE(wrong->Header("allow"), nullptr);
  EXPECT_EQ(*wrong->Header("allow"), "GET, POST");
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413AndNeverReachesTheHandler) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  auto server = Start(options);
  auto client = Connect(*server);
  absl::StatusOr<test::HttpReply> reply =
      client->Post("/echo", "text/plain", std::string(1001, 'x'));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 413);
  EXPECT_THAT(reply->body, HasSubstr("over 1000 bytes"));
  EXPECT_FALSE(reply->keep_alive);
  EXPECT_EQ(handled.load(), 0);
  // At the limit it is answered.
  auto again = Connect(*server);
  reply = again->Post("/echo", "text/plain", std::string(1000, 'x'));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpServerTest, TooManyOrTooLargeHeadersAre431) {
  HttpServerOptions options;
  options.max_headers = 8;
  options.max_header_bytes = 2048;
  auto server = Start(options);
  test::HttpHeaders many;
  for (int i = 0; i < 9; ++i) many.emplace_back(absl::StrCat("x-h", i), "v");
  auto client = Connect(*server);
  absl::StatusOr<test::HttpReply> reply = client->Get("/echo", many);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 431);
  EXPECT_THAT(reply->body, HasSubstr("more than 8 header fields"));

  auto large = Connect(*server);
  reply = large->Get("/echo", {{"x-big", std::string(4096, 'a')}});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 431);
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(HttpServerTest, GarbageIs400AndClosesTheConnection) {
  auto server = Start();
  auto client = Connect(*server);
  absl::StatusOr<test::HttpReply> reply =
      client->SendRaw("NOT HTTP AT ALL\r\n\r\n");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 400);
  EXPECT_THAT(reply->body, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_TRUE(client->ServerClosesConnection());
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(HttpServerTest, ExpectContinueGetsTheBodySent) {
  auto server = Start();
  auto client = Connect(*server);
  absl::StatusOr<test::HttpReply> interim = client->SendRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  ASSERT_TRUE(interim.ok()) << interim.status();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client->WriteRaw("hello").ok());
  absl::StatusOr<test::HttpReply> reply = client->ReadReply();
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "POST /echo?|-|hello");
}

TEST_F(HttpServerTest, ShutdownClosesIdleConnectionsAndStopsListening) {
  auto server = Start();
  const int port = server->port();
  auto client = Connect(*server);
  ASSERT_TRUE(client->Get("/echo").ok());
  server->Shutdown(absl::Seconds(5));
  EXPECT_TRUE(client->ServerClosesConnection());
  EXPECT_FALSE(test::HttpClient::Connect(port).ok());
  server->Shutdown(absl::Seconds(5));  // Idempotent.
}

TEST_F(HttpServerTest, ClearErrorsForBadOptions) {
  HttpServerOptions options;
  options.listen = "no-port";
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(options, [](const HttpRequest&, HttpResponse*) {});
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("expected HOST:PORT"));

  auto taken = Start();
  options.listen = absl::StrCat("127.0.0.1:", taken->port());
  server = HttpServer::Start(options, [](const HttpRequest&, HttpResponse*) {});
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(server.status().message(), HasSubstr("cannot listen on"));
}

}  // namespace
}  // namespace dnc::http
