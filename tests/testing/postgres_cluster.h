// A real PostgreSQL server for tests: initdb in a temporary directory, the
// postmaster on 127.0.0.1 and a free port, stopped (and the directory
// removed) when the object goes away. As root it runs the server as the
// `postgres` user (PostgreSQL refuses root), through runuser. The server
// binaries come from Debian's postgresql package (/usr/lib/postgresql/*/bin).
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_TESTING_POSTGRES_CLUSTER_H_
#define DNC_TESTS_TESTING_POSTGRES_CLUSTER_H_

#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/subprocess.h"

namespace dnc::test {

class PostgresCluster {
 public:
  // Starts one; nullptr (and *error says why) if it cannot.
  static std::unique_ptr<PostgresCluster> Start(std::string* error) {
    auto cluster = std::unique_ptr<PostgresCluster>(new PostgresCluster());
    if (!cluster->Init(error) || !cluster->Run(error)) return nullptr;
    return cluster;
  }

  ~PostgresCluster() {
    Stop();
    const char* keep = std::getenv("DNC_KEEP_SCRATCH");
    if (keep == nullptr || std::string(keep) != "1") {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  int port() const { return port_; }
  // A libpq URL of database `db` (the superuser, trust authentication).
  std::string Url(const std::string& db = "postgres") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" +
           db;
  }

  // Creates database `name`; false if createdb failed.
  bool CreateDatabase(const std::string& name) {
    RunResult result =
        RunProcess({bin_ + "/createdb", "-h", "127.0.0.1", "-p",
                    std::to_string(port_), "-U", "postgres", name},
                   dir_);
    return result.exit_code == 0;
  }

  // A fresh database per call ("t1", "t2", ...), as a URL ("" on failure).
  std::string NewDatabase() {
    const std::string name = "t" + std::to_string(++databases_);
    return CreateDatabase(name) ? Url(name) : "";
  }

  // Stops the server (fast shutdown: open connections are ended).
  void Stop() {
    if (server_ == nullptr) return;
    const pid_t postmaster = PostmasterPid();
    if (postmaster > 0) kill(postmaster, SIGINT);
    if (server_->Wait(std::chrono::seconds(30)) == -1) {
      if (postmaster > 0) kill(postmaster, SIGKILL);
      server_->Stop(SIGKILL);
    }
    server_.reset();
  }
  // Starts it again on the same port with the same data.
  bool Restart(std::string* error) {
    Stop();
    return Run(error);
  }
  std::string Log() const { return ReadWholeFile(dir_ + "/postgres.err"); }

 private:
  PostgresCluster() = default;

  static std::string ServerBin() {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      if (std::filesystem::exists(entry.path() / "bin" / "initdb")) {
        found.push_back((entry.path() / "bin").string());
      }
    }
    std::sort(found.begin(), found.end());
    return found.empty() ? "" : found.back();
  }

  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
  }

  // The command prefix that runs a server binary as a user PostgreSQL
  // accepts.
  std::vector<std::string> As(const std::string& binary) const {
    if (geteuid() != 0) return {bin_ + "/" + binary};
    return {"/usr/sbin/runuser", "-u", "postgres", "--", bin_ + "/" + binary};
  }

  bool Init(std::string* error) {
    bin_ = ServerBin();
    if (bin_.empty()) {
      *error =
          "no PostgreSQL server under /usr/lib/postgresql/*/bin "
          "(install Debian's postgresql package: scripts/setup.sh does)";
      return false;
    }
    const char* base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/dnc-pg-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      *error = "mkdtemp failed";
      return false;
    }
    dir_ = tmpl;
    if (geteuid() == 0) {
      const passwd* user = getpwnam("postgres");
      if (user == nullptr ||
          chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
        *error = "running as root needs the postgres user to own " + dir_;
        return false;
      }
    }
    std::vector<std::string> argv = As("initdb");
    for (const char* arg : {"-U", "postgres", "--auth=trust", "-E", "UTF8",
                            "--locale=C", "--no-sync"}) {
      argv.push_back(arg);
    }
    argv.push_back("-D");
    argv.push_back(dir_ + "/data");
    RunResult init = RunProcess(argv, dir_, std::chrono::seconds(120));
    if (init.exit_code != 0) {
      *error = "initdb failed: " + init.out + init.err;
      return false;
    }
    port_ = FreePort();
    return port_ > 0;
  }

  bool Run(std::string* error) {
    std::vector<std::string> argv = As("postgres");
    for (const std::string& arg :
         {std::string("-D"), dir_ + "/data", std::string("-p"),
          std::to_string(port_), std::string("-k"), dir_, std::string("-c"),
          std::string("listen_addresses=127.0.0.1"), std::string("-c"),
          std::string("max_connections=200"), std::string("-c"),
          std::string("fsync=off"), std::string("-c"),
          std::string("full_page_writes=off")}) {
      argv.push_back(arg);
    }
    server_ = std::make_unique<BackgroundProcess>(argv, dir_ + "/postgres");
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!server_->running()) break;
      RunResult ready = RunProcess({bin_ + "/pg_isready", "-q", "-h",
                                    "127.0.0.1", "-p", std::to_string(port_)},
                                   dir_, std::chrono::seconds(10));
      if (ready.exit_code == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    *error = "PostgreSQL did not start: " + Log();
    return false;
  }

  pid_t PostmasterPid() const {
    const std::string text = ReadWholeFile(dir_ + "/data/postmaster.pid");
    return static_cast<pid_t>(std::atol(text.c_str()));
  }

  std::string bin_;
  std::string dir_;
  int port_ = 0;
  int databases_ = 0;
  std::unique_ptr<BackgroundProcess> server_;
};

}  // namespace dnc::test

#endif  // DNC_TESTS_TESTING_POSTGRES_CLUSTER_H_
