// dnc-http-probe: the measurement behind the HTTP front end's library
// (BENCHMARKS.md, "HTTP front end: which library"). It serves one fixed
// answer ("0\n", text/plain, as GET /v1/check.txt does) on a keep-alive
// HTTP/1.1 listener built either on our Boost.Beast server
// (http/http_server.h, what dnc-server ships) or on cpp-httplib
// (libcpp-httplib-dev's thread-pool server), so a load generator nobody here
// wrote (wrk) measures what each costs per request with no API work in it:
//
//   taskset -c 0 dnc-http-probe --library beast --threads 1 --port_file P &
//   taskset -c 1 wrk -t1 -c32 -d5s http://127.0.0.1:$(cat P)/v1/check.txt
//
// Runs until SIGTERM/SIGINT.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "http/http_server.h"
#include "httplib.h"

namespace {

constexpr char kUsage[] =
    "usage: dnc-http-probe --library beast|httplib [--threads N] "
    "[--port_file FILE]\n"
    "Serves \"0\\n\" to every request on 127.0.0.1 (a free port, written to\n"
    "--port_file) until SIGTERM; measure it with wrk or ab.\n";

void WritePort(const std::string& path, int port) {
  if (path.empty()) return;
  const std::string temp = path + ".tmp";
  std::ofstream(temp) << port << "\n";
  std::rename(temp.c_str(), path.c_str());
}

int WaitForSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int number = 0;
  sigwait(&signals, &number);
  return 0;
}

int ServeBeast(int threads, const std::string& port_file) {
  dnc::http::HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = threads;
  auto server = dnc::http::HttpServer::Start(
      options,
      [](const dnc::http::HttpRequest&, dnc::http::HttpResponse* response) {
        response->content_type = "text/plain";
        response->body = "0\n";
      });
  if (!server.ok()) {
    std::cerr << "dnc-http-probe: " << server.status().message() << "\n";
    return 1;
  }
  WritePort(port_file, (*server)->port());
  WaitForSignal();
  (*server)->Shutdown(absl::Seconds(1));
  return 0;
}

int ServeHttplib(int threads, const std::string& port_file) {
  httplib::Server server;
  // As our server does; without it Nagle and delayed ACKs add 40 ms.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000000);
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server.Get(".*", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("0\n", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port < 0) {
    std::cerr << "dnc-http-probe: cannot bind\n";
    return 1;
  }
  WritePort(port_file, port);
  std::thread listener([&server] { server.listen_after_bind(); });
  WaitForSignal();
  server.stop();
  listener.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::string library;
  std::string port_file;
  int threads = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--library" && has_value) {
      library = argv[++i];
    } else if (arg == "--threads" && has_value) {
      threads = std::atoi(argv[++i]);
    } else if (arg == "--port_file" && has_value) {
      port_file = argv[++i];
    } else {
      std::cerr << "dnc-http-probe: unknown argument " << arg << "\n" << kUsage;
      return 2;
    }
  }
  if (threads < 1) {
    std::cerr << "dnc-http-probe: --threads must be at least 1\n";
    return 2;
  }
  if (library == "beast") return ServeBeast(threads, port_file);
  if (library == "httplib") return ServeHttplib(threads, port_file);
  std::cerr << "dnc-http-probe: --library must be beast or httplib\n" << kUsage;
  return 2;
}
