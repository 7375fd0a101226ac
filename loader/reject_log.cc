#include "loader/reject_log.h"

#include <cerrno>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dnc::loader {

std::string FormatReject(const RejectSample& sample) {
  return absl::StrCat(sample.location, ":", sample.line, ": ", sample.reason,
                      ": '", sample.value, "'");
}

std::string PrintableValue(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  size_t chars = 0;
  for (const char c : raw) {
    if (chars == kMaxRejectValueChars) {
      out += "...";
      break;
    }
    const unsigned char byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
    ++chars;
  }
  return out;
}

absl::StatusOr<std::unique_ptr<RejectLog>> RejectLog::Create(
    const std::string& path, size_t max_samples) {
  std::FILE* file = std::fopen(path.c_str(), "we");
  if (file == nullptr) {
    return absl::ErrnoToStatus(errno, absl::StrCat("create '", path, "'"));
  }
  return std::unique_ptr<RejectLog>(new RejectLog(path, file, max_samples));
}

RejectLog::RejectLog(std::string path, std::FILE* file, size_t max_samples)
    : path_(std::move(path)), file_(file), max_samples_(max_samples) {}

RejectLog::~RejectLog() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::Status RejectLog::Add(std::string_view location, uint64_t line,
                            std::string reason, std::string_view raw_value) {
  RejectSample sample{std::string(location), line, std::move(reason),
                      PrintableValue(raw_value)};
  ++count_;
  const std::string text = absl::StrCat(FormatReject(sample), "\n");
  if (file_ == nullptr ||
      std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    return absl::ErrnoToStatus(errno, absl::StrCat("write '", path_, "'"));
  }
  if (samples_.size() < max_samples_) samples_.push_back(std::move(sample));
  return absl::OkStatus();
}

absl::Status RejectLog::AddComment(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.append("# ").append(text.substr(start, end - start)).append("\n");
    start = end + 1;
  }
  if (file_ == nullptr ||
      std::fwrite(out.data(), 1, out.size(), file_) != out.size()) {
    return absl::ErrnoToStatus(errno, absl::StrCat("write '", path_, "'"));
  }
  return absl::OkStatus();
}

absl::Status RejectLog::Close() {
  if (file_ == nullptr) return absl::OkStatus();
  const bool write_failed = std::ferror(file_) != 0;
  const int saved_errno = errno;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (write_failed || close_failed) {
    return absl::ErrnoToStatus(close_failed ? errno : saved_errno,
                               absl::StrCat("write '", path_, "'"));
  }
  return absl::OkStatus();
}

}  // namespace dnc::loader
