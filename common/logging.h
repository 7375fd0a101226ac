// Minimal leveled logging to stderr and release-mode checks. Nothing here is
// meant for per-request use: log at startup, shutdown, load and error paths.
// Thread-safety: thread-safe (each message is written with one fwrite).
#ifndef DNC_COMMON_LOGGING_H_
#define DNC_COMMON_LOGGING_H_

#include <sstream>
#include <string>

namespace dnc {

enum class LogLevel { kInfo, kWarning, kError, kFatal };

// Collects one message and writes it, prefixed with the level and a UTC
// timestamp, when destroyed. kFatal aborts after writing.
class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

// Silences logging below kWarning (used by quiet CLI modes and tests).
void SetMinLogLevel(LogLevel level);

}  // namespace dnc

#define DNC_LOG(level) \
  ::dnc::LogMessage(::dnc::LogLevel::k##level, __FILE__, __LINE__).stream()

// Release-mode invariant check: logs the condition and aborts. Never use it on
// input, files or network data; those get an absl::Status.
#define DNC_CHECK(cond) \
  if (cond) {           \
  } else                \
    DNC_LOG(Fatal) << "Check failed: " #cond " "

#endif  // DNC_COMMON_LOGGING_H_
