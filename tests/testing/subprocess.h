// Runs the real binaries from tests: a command to completion with its output
// captured, or a long-running process (a server) that is killed when the
// object goes away; either in a changed environment. POSIX only (fork +
// execve); no shell is involved.
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_TESTING_SUBPROCESS_H_
#define DNC_TESTS_TESTING_SUBPROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace dnc::test {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The child's environment: this process's, changed by `changes` in order.
// "NAME=VALUE" sets NAME; a bare "NAME" removes it (as `env -u NAME`).
inline std::vector<std::string> ChildEnvironment(
    const std::vector<std::string>& changes) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry)
    env.push_back(*entry);
  for (const std::string& change : changes) {
    const std::string name = change.substr(0, change.find('='));
    std::vector<std::string> kept;
    for (std::string& entry : env) {
      if (entry.compare(0, name.size() + 1, name + "=") != 0) {
        kept.push_back(std::move(entry));
      }
    }
    env = std::move(kept);
    if (change.find('=') != std::string::npos) env.push_back(change);
  }
  return env;
}

// Starts argv[0] with stdin from /dev/null and stdout and stderr sent to the
// given files, in this process's
// environment changed by `env_changes` (see ChildEnvironment). Returns the
// pid, or -1 if fork failed. The child exits 127 if exec fails.
inline pid_t SpawnProcess(const std::vector<std::string>& argv,
                          const std::string& stdout_path,
                          const std::string& stderr_path,
                          const std::vector<std::string>& env_changes = {}) {
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // Built before fork: the child only opens, dups and execs.
  std::vector<std::string> env = ChildEnvironment(env_changes);
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int out =
        open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err =
        open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  return pid;
}

// Waits up to `timeout` for `pid`. Returns its exit code, 128+signal if it
// was killed by a signal, or -1 on timeout (the process is left running).
inline int WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    if (done < 0 || std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

struct RunResult {
  int exit_code = -1;  // -1: timed out (and was killed).
  std::string out;
  std::string err;
};

// Runs a command to completion; kills it after `timeout`. `scratch` is a
// directory for the captured output files; `env_changes` as in SpawnProcess.
inline RunResult RunProcess(
    const std::vector<std::string>& argv, const std::string& scratch,
    std::chrono::seconds timeout = std::chrono::seconds(300),
    const std::vector<std::string>& env_changes = {}) {
  static int counter = 0;
  const std::string base = scratch + "/run" + std::to_string(++counter);
  RunResult result;
  const pid_t pid =
      SpawnProcess(argv, base + ".out", base + ".err", env_changes);
  if (pid < 0) return result;
  result.exit_code = WaitForExit(pid, timeout);
  if (result.exit_code == -1) {
    kill(pid, SIGKILL);
    WaitForExit(pid, std::chrono::seconds(10));
  }
  result.out = ReadWholeFile(base + ".out");
  result.err = ReadWholeFile(base + ".err");
  return result;
}

// A background process (e.g. dnc-server) that is SIGKILLed on destruction if
// it is still running.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv,
                    const std::string& log_prefix)
      : log_prefix_(log_prefix),
        pid_(SpawnProcess(argv, log_prefix + ".out", log_prefix + ".err")) {}
  ~BackgroundProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      WaitForExit(pid_, std::chrono::seconds(10));
    }
  }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  // False if fork failed.
  bool started() const { return pid_ > 0; }
  bool running() {
    if (pid_ <= 0 || exited_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ =
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }
  // Sends `signal` (e.g. SIGHUP) and returns at once.
  void Signal(int signal) {
    if (running()) kill(pid_, signal);
  }
  // Waits up to `timeout` for the process to exit by itself: its exit code,
  // 128+signal if a signal ended it, or -1 on timeout (it is left running).
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    if (!running()) return exit_code_;
    exit_code_ = WaitForExit(pid_, timeout);
    exited_ = exit_code_ != -1;
    return exit_code_;
  }
  // Sends `signal` and waits for the exit code (-1 on timeout).
  int Stop(int signal,
           std::chrono::seconds timeout = std::chrono::seconds(30)) {
    if (!running()) return exit_code_;
    kill(pid_, signal);
    return Wait(timeout);
  }
  std::string Stdout() const { return ReadWholeFile(log_prefix_ + ".out"); }
  std::string Stderr() const { return ReadWholeFile(log_prefix_ + ".err"); }

 private:
  std::string log_prefix_;
  pid_t pid_;
  bool exited_ = false;
  int exit_code_ = -1;
};

// Polls for a non-empty file (e.g. a server's --port_file) and returns its
// contents, or "" after `timeout`.
inline std::string WaitForFile(const std::string& path,
                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = ReadWholeFile(path);
    if (!text.empty()) return text;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "";
}

// The port a server wrote to its --port_file (waits up to 30 s), or 0.
inline int WaitForPort(const std::string& port_file) {
  const std::string text = WaitForFile(port_file, std::chrono::seconds(30));
  int port = 0;
  for (char c : text) {
    if (c == '\n') break;
    if (c < '0' || c > '9' || port > 65535) return 0;
    port = port * 10 + (c - '0');
  }
  return port;
}

}  // namespace dnc::test

#endif  // DNC_TESTS_TESTING_SUBPROCESS_H_
