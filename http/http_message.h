// One HTTP/1.1 request and its response as the API handlers see them: plain
// strings, no transport. The server (http/http_server.h) reads a request off
// the connection into an HttpRequest, a handler fills the HttpResponse, and
// the server writes it back; handlers never see a socket or a library type.
//
// Thread-safety: plain values.
#ifndef DNC_HTTP_HTTP_MESSAGE_H_
#define DNC_HTTP_HTTP_MESSAGE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dnc::http {

struct HttpHeader {
  std::string name;  // Lower case ("x-api-key").
  std::string value;
};

struct HttpRequest {
  std::string method;  // As sent: "GET", "POST", ...
  std::string path;    // The target before '?', not decoded: "/v1/check".
  std::string query;   // The target after '?', not decoded; "" if none.
  std::vector<HttpHeader> headers;  // In arrival order, names lower case.
  std::string body;

  // The first header named `lower_name`, or nullptr.
  const std::string* FindHeader(std::string_view lower_name) const {
    for (const HttpHeader& header : headers)
      if (header.name == lower_name) return &header.value;
    return nullptr;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers ("Retry-After", "WWW-Authenticate"); the server adds
  // Content-Type, Content-Length, Connection and Server itself.
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace dnc::http

#endif  // DNC_HTTP_HTTP_MESSAGE_H_
