// Leveled logging to stderr, one line per event, as text for a person or as
// JSON lines for a log shipper (--log_format, common/command_line.h), and
// release-mode checks. Nothing here is meant for per-request use: log at
// startup, shutdown, reloads, refusals, slow calls, admin actions and error
// paths.
//
//   DNC_LOG(Info) << "loaded " << source;                  // a plain line
//   DNC_LOG(Info).Event("listen").Field("address", address)
//       .Field("front_end", "grpc") << "gRPC API on " << address;
//
// Text (the default) prints "I 2026-12-02T06:30:00Z file.cc:12] message", and
// when the line has an event or fields, " | event=listen address=..." after
// it. JSON prints one object per line:
//   {"time":"2026-12-02T06:30:00.123Z","level":"info","event":"listen",
//    "message":"...","caller":"file.cc:12","address":"...",...}
// "event" is "log" for a line that names none. A field named like one of
// those five keys is written as "field_<key>". Strings are escaped and any
// byte that is not UTF-8 becomes U+FFFD, so every line parses.
//
// The message must read alone (the text format is for people); the fields
// are its machine-readable copy. Never put a phone number, an API key or any
// other secret in a message or a field.
//
// Thread-safety: thread-safe (each line is written with one fwrite).
#ifndef DNC_COMMON_LOGGING_H_
#define DNC_COMMON_LOGGING_H_

#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace dnc {

enum class LogLevel { kInfo, kWarning, kError, kFatal };

enum class LogFormat { kText, kJson };

// Collects one line and writes it when destroyed. kFatal aborts after
// writing.
class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;

  // Names what happened, in snake_case ("listen", "reload", "slow_call").
  LogMessage& Event(absl::string_view name);

  // Adds a field (snake_case key). Strings are written as JSON strings,
  // integers and doubles as JSON numbers, bools as true/false.
  LogMessage& Field(absl::string_view key, absl::string_view value);
  LogMessage& Field(absl::string_view key, const char* value) {
    return Field(key, absl::string_view(value == nullptr ? "" : value));
  }
  LogMessage& Field(absl::string_view key, const std::string& value) {
    return Field(key, absl::string_view(value));
  }
  LogMessage& Field(absl::string_view key, bool value);
  LogMessage& Field(absl::string_view key, double value);
  template <typename Int,
            std::enable_if_t<
                std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
  LogMessage& Field(absl::string_view key, Int value) {
    return AddField(key, absl::StrCat(value), /*quoted=*/false);
  }

  // The message, streamed as before.
  template <typename T>
  LogMessage& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }
  LogMessage& operator<<(std::ostream& (*manipulator)(std::ostream&)) {
    stream_ << manipulator;
    return *this;
  }
  LogMessage& operator<<(std::ios_base& (*manipulator)(std::ios_base&)) {
    stream_ << manipulator;
    return *this;
  }
  std::ostream& stream() { return stream_; }

 private:
  struct LogField {
    std::string key;
    std::string value;  // The text, or the JSON number / true / false.
    bool quoted;        // A string (quoted in JSON).
  };
  LogMessage& AddField(absl::string_view key, std::string value, bool quoted);
  std::string FormatText() const;
  std::string FormatJson() const;

  const LogLevel level_;
  const char* const file_;  // Base name.
  const int line_;
  std::string event_;
  std::vector<LogField> fields_;
  std::ostringstream stream_;
};

// Silences logging below `level` (used by quiet CLI modes and tests).
void SetMinLogLevel(LogLevel level);

// How every later line is written; kText until set (by --log_format).
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();
// "text" or "json"; false for anything else.
bool ParseLogFormat(absl::string_view text, LogFormat* format);

// `text` as a JSON string literal, quotes included: '"', '\' and control
// characters escaped, bytes that are not UTF-8 replaced by U+FFFD.
std::string JsonQuote(absl::string_view text);

}  // namespace dnc

#define DNC_LOG(level) \
  ::dnc::LogMessage(::dnc::LogLevel::k##level, __FILE__, __LINE__)
// DNC_LOG with a level chosen at run time (a LogLevel value).
#define DNC_LOG_AT(log_level) ::dnc::LogMessage(log_level, __FILE__, __LINE__)

// Release-mode invariant check: logs the condition and aborts. Never use it on
// input, files or network data; those get an absl::Status.
#define DNC_CHECK(cond) \
  if (cond) {           \
  } else                \
    DNC_LOG(Fatal) << "Check failed: " #cond " "

#endif  // DNC_COMMON_LOGGING_H_
