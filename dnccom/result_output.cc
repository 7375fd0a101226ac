#include "dnccom/result_output.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "dnccom/string_views.h"
#include "nlohmann/json.hpp"

namespace dnc::dnccom {

// Typical CSV line: 10 digits, a code, a short reason, 2+2 letters and 16
// commas.
constexpr size_t kCsvBytesPerRow = 48;

struct ResultOutput::JsonRows {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
};

bool ParseOutputFormat(std::string_view text, OutputFormat* format) {
  if (text.empty() || EqualsIgnoreCase(text, "csv")) {
    *format = OutputFormat::kCsv;
    return true;
  }
  if (EqualsIgnoreCase(text, "json")) {
    *format = OutputFormat::kJson;
    return true;
  }
  return false;
}

ResultOutput::ResultOutput(OutputFormat format) : format_(format) {
  if (format_ == OutputFormat::kJson) json_ = std::make_unique<JsonRows>();
}

ResultOutput::~ResultOutput() = default;

void ResultOutput::Reserve(size_t entries) {
  if (format_ == OutputFormat::kCsv) {
    csv_.resize(std::max(csv_.size(), csv_used_ + entries * kCsvBytesPerRow));
  } else {
    json_->rows.get_ref<nlohmann::ordered_json::array_t&>().reserve(entries);
  }
}

void ResultOutput::Append(const DncRow& row) {
  if (format_ == OutputFormat::kCsv) {
    // Written through a pointer into a buffer grown ahead (most fields are
    // empty: a ',' each), not 34 appends.
    size_t bytes = kFieldCount;  // 16 commas and the '\n'.
    for (const std::string_view field : row.fields) bytes += field.size();
    if (csv_used_ + bytes > csv_.size()) {
      csv_.resize(std::max(2 * csv_.size(), csv_used_ + bytes + 4096));
    }
    char* out = csv_.data() + csv_used_;
    for (size_t i = 0; i < kFieldCount; ++i) {
      const std::string_view field = row.fields[i];
      if (!field.empty()) {
        std::memcpy(out, field.data(), field.size());
        out += field.size();
      }
      *out++ = i + 1 < kFieldCount ? ',' : '\n';
    }
    csv_used_ = static_cast<size_t>(out - csv_.data());
    return;
  }
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (size_t i = 0; i < kFieldCount; ++i) {
    object[kFieldNames[i]] = std::string(row.fields[i]);
  }
  json_->rows.push_back(std::move(object));
}

std::string ResultOutput::Finish() {
  if (format_ == OutputFormat::kCsv) {
    csv_.resize(csv_used_);
    csv_used_ = 0;
    return std::move(csv_);
  }
  std::string body = json_->rows.dump(
      -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  body.push_back('\n');
  json_->rows = nlohmann::ordered_json::array();
  return body;
}

const char* ResultOutput::content_type() const {
  return format_ == OutputFormat::kCsv ? "text/csv; charset=utf-8"
                                       : "application/json";
}

}  // namespace dnc::dnccom
