#include "metrics/exposition.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace dnc::metrics {
namespace {

bool IsNameStart(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (colon && c == ':');
}

bool IsNameChar(char c, bool colon) {
  return IsNameStart(c, colon) || (c >= '0' && c <= '9');
}

bool IsValidName(std::string_view name, bool colon) {
  if (name.empty() || !IsNameStart(name[0], colon)) return false;
  for (const char c : name) {
    if (!IsNameChar(c, colon)) return false;
  }
  return true;
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  return IsValidName(name, /*colon=*/true);
}

bool IsValidLabelName(std::string_view name) {
  return IsValidName(name, /*colon=*/false) && name.substr(0, 2) != "__";
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderLabels(const Labels& labels) {
  std::string out;
  for (const Label& label : labels) {
    DNC_CHECK(IsValidLabelName(label.name)) << label.name;
    if (!out.empty()) out += ',';
    absl::StrAppend(&out, label.name, "=\"", EscapeLabelValue(label.value),
                    "\"");
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Integers up to 2^53 are exact in a double: print them as integers.
  if (std::fabs(value) < 9007199254740992.0 && value == std::trunc(value)) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  // Fixed notation from 1e-4 up, as Go's strconv 'g' (what Prometheus's own
  // clients write: le="0.0001", le="1e-05").
  const double magnitude = std::fabs(value);
  const std::chars_format format = magnitude >= 1e-4 && magnitude < 1e21
                                       ? std::chars_format::fixed
                                       : std::chars_format::scientific;
  char buffer[400];  // Enough for any double in fixed notation.
  const std::to_chars_result result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, format);
  DNC_CHECK(result.ec == std::errc());
  return std::string(buffer, result.ptr);
}

void ExpositionWriter::Family(std::string_view name, std::string_view help,
                              MetricType type) {
  DNC_CHECK(IsValidMetricName(name)) << name;
  const char* type_name = type == MetricType::kCounter ? "counter"
                          : type == MetricType::kGauge ? "gauge"
                                                       : "histogram";
  absl::StrAppend(&text_, "# HELP ", std::string(name), " ", EscapeHelp(help),
                  "\n# TYPE ", std::string(name), " ", type_name, "\n");
}

void ExpositionWriter::Line(std::string_view name, std::string_view labels,
                            std::string_view value) {
  text_.append(name.data(), name.size());
  if (!labels.empty()) {
    text_ += '{';
    text_.append(labels.data(), labels.size());
    text_ += '}';
  }
  text_ += ' ';
  text_.append(value.data(), value.size());
  text_ += '\n';
}

void ExpositionWriter::Sample(std::string_view name, std::string_view labels,
                              double value) {
  Line(name, labels, FormatValue(value));
}

void ExpositionWriter::Sample(std::string_view name, std::string_view labels,
                              uint64_t value) {
  Line(name, labels, absl::StrCat(value));
}

void ExpositionWriter::Sample(std::string_view name, std::string_view labels,
                              int64_t value) {
  Line(name, labels, absl::StrCat(value));
}

void ExpositionWriter::Histogram(std::string_view name, std::string_view labels,
                                 const std::vector<double>& bounds,
                                 const std::vector<uint64_t>& bucket_counts,
                                 double sum) {
  DNC_CHECK(bucket_counts.size() == bounds.size() + 1);
  const std::string bucket = absl::StrCat(std::string(name), "_bucket");
  const std::string prefix =
      labels.empty() ? std::string() : absl::StrCat(std::string(labels), ",");
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += bucket_counts[i];
    const std::string le =
        i < bounds.size() ? FormatValue(bounds[i]) : std::string("+Inf");
    Line(bucket, absl::StrCat(prefix, "le=\"", le, "\""),
         absl::StrCat(cumulative));
  }
  Sample(absl::StrCat(std::string(name), "_sum"), labels, sum);
  Sample(absl::StrCat(std::string(name), "_count"), labels, cumulative);
}

}  // namespace dnc::metrics
