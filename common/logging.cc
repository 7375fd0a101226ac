#include "common/logging.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "common/enum_names.h"

namespace dnc {
namespace {

std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};

const char* LevelName(LogLevel level) {
  static constexpr const char* kNames[] = {"I", "W", "E", "F"};
  return NameOf(level, kNames, "?");
}

}  // namespace

void SetMinLogLevel(LogLevel level) { g_min_level = static_cast<int>(level); }

LogMessage::LogMessage(LogLevel level, const char* file, int line)
    : level_(level) {
  std::time_t now = std::time(nullptr);
  std::tm tm_utc;
  gmtime_r(&now, &tm_utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm_utc);
  const char* base = file;
  for (const char* p = file; *p; ++p) {
    if (*p == '/') base = p + 1;
  }
  stream_ << LevelName(level) << " " << stamp << " " << base << ":" << line
          << "] ";
}

LogMessage::~LogMessage() {
  if (static_cast<int>(level_) >= g_min_level.load() ||
      level_ == LogLevel::kFatal) {
    stream_ << '\n';
    const std::string text = stream_.str();
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  }
  if (level_ == LogLevel::kFatal) std::abort();
}

}  // namespace dnc
