#include "common/logging.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/enum_names.h"

namespace dnc {
namespace {

std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};

const char* LevelLetter(LogLevel level) {
  static constexpr const char* kNames[] = {"I", "W", "E", "F"};
  return NameOf(level, kNames, "?");
}

const char* LevelName(LogLevel level) {
  static constexpr const char* kNames[] = {"info", "warning", "error", "fatal"};
  return NameOf(level, kNames, "unknown");
}

const char* BaseName(const char* file) {
  const char* base = file;
  for (const char* p = file; *p; ++p) {
    if (*p == '/') base = p + 1;
  }
  return base;
}

// The length of the well-formed UTF-8 sequence at text[i], or 0 (overlong
// forms, surrogates and code points past U+10FFFF are not well-formed).
size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned char lead = byte(i);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // Bounds of the second byte.
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

void AppendJsonQuoted(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) {
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(text.data() + i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

// A text field's value as is when it reads unambiguously as one word.
void AppendTextValue(absl::string_view value, std::string* out) {
  bool plain = !value.empty();
  for (const char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '"' || c == '=' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out->append(value.data(), value.size());
  } else {
    AppendJsonQuoted(value, out);
  }
}

bool IsReservedKey(absl::string_view key) {
  return key == "time" || key == "level" || key == "event" ||
         key == "message" || key == "caller";
}

}  // namespace

void SetMinLogLevel(LogLevel level) { g_min_level = static_cast<int>(level); }

void SetLogFormat(LogFormat format) { g_format = static_cast<int>(format); }

LogFormat GetLogFormat() { return static_cast<LogFormat>(g_format.load()); }

bool ParseLogFormat(absl::string_view text, LogFormat* format) {
  if (text == "text") {
    *format = LogFormat::kText;
  } else if (text == "json") {
    *format = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

std::string JsonQuote(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendJsonQuoted(text, &out);
  return out;
}

LogMessage::LogMessage(LogLevel level, const char* file, int line)
    : level_(level), file_(BaseName(file)), line_(line) {}

LogMessage& LogMessage::Event(absl::string_view name) {
  event_ = std::string(name);
  return *this;
}

LogMessage& LogMessage::Field(absl::string_view key, absl::string_view value) {
  return AddField(key, std::string(value), /*quoted=*/true);
}

LogMessage& LogMessage::Field(absl::string_view key, bool value) {
  return AddField(key, value ? "true" : "false", /*quoted=*/false);
}

LogMessage& LogMessage::Field(absl::string_view key, double value) {
  // JSON has no infinity or NaN: those go as strings.
  return AddField(key, absl::StrCat(value), /*quoted=*/!std::isfinite(value));
}

LogMessage& LogMessage::AddField(absl::string_view key, std::string value,
                                 bool quoted) {
  fields_.push_back({std::string(key), std::move(value), quoted});
  return *this;
}

std::string LogMessage::FormatText() const {
  const absl::Time now = absl::Now();
  std::string line = absl::StrCat(
      LevelLetter(level_), " ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone()), " ",
      file_, ":", line_, "] ", stream_.str());
  if (!event_.empty() || !fields_.empty()) {
    line.append(" |");
    if (!event_.empty()) absl::StrAppend(&line, " event=", event_);
    for (const LogField& field : fields_) {
      absl::StrAppend(&line, " ", field.key, "=");
      AppendTextValue(field.value, &line);
    }
  }
  line.push_back('\n');
  return line;
}

std::string LogMessage::FormatJson() const {
  const absl::Time now = absl::Now();
  std::string line = "{\"time\":";
  AppendJsonQuoted(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone()),
      &line);
  absl::StrAppend(&line, ",\"level\":\"", LevelName(level_), "\",\"event\":");
  AppendJsonQuoted(event_.empty() ? "log" : event_, &line);
  line.append(",\"message\":");
  AppendJsonQuoted(stream_.str(), &line);
  line.append(",\"caller\":");
  AppendJsonQuoted(absl::StrCat(file_, ":", line_), &line);
  for (const LogField& field : fields_) {
    line.push_back(',');
    AppendJsonQuoted(IsReservedKey(field.key)
                         ? absl::StrCat("field_", field.key)
                         : field.key,
                     &line);
    line.push_back(':');
    if (field.quoted) {
      AppendJsonQuoted(field.value, &line);
    } else {
      line.append(field.value);
    }
  }
  line.append("}\n");
  return line;
}

LogMessage::~LogMessage() {
  if (static_cast<int>(level_) >= g_min_level.load() ||
      level_ == LogLevel::kFatal) {
    const std::string text =
        GetLogFormat() == LogFormat::kJson ? FormatJson() : FormatText();
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  }
  if (level_ == LogLevel::kFatal) std::abort();
}

}  // namespace dnc
