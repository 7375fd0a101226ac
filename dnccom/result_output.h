// The body of a DNC.com scrub answer, row by row (dnccom/result_rows.h):
//
//   csv (the default): one line per entry, the 17 fields joined by ',' and
//     ended by '\n', no header line and no quoting (no field ever holds a
//     ',', '"' or line break), so a client that splits lines on '\n' and
//     fields on ',' (VICIdial) reads field 1 as the number it sent at that
//     position and field 2 as the code;
//   json: an array of one object per entry, keys in DNC.com's field order,
//     every value a string.
//
// Thread-safety: thread-compatible.
#ifndef DNC_DNCCOM_RESULT_OUTPUT_H_
#define DNC_DNCCOM_RESULT_OUTPUT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "dnccom/result_rows.h"

namespace dnc::dnccom {

enum class OutputFormat { kCsv, kJson };

// "csv" or "json", ASCII case-insensitive; "" is csv. False for anything
// else.
bool ParseOutputFormat(std::string_view text, OutputFormat* format);

class ResultOutput {
 public:
  explicit ResultOutput(OutputFormat format);
  ~ResultOutput();
  ResultOutput(const ResultOutput&) = delete;
  ResultOutput& operator=(const ResultOutput&) = delete;

  // Room for `entries` rows (CSV: one allocation for the whole body).
  void Reserve(size_t entries);
  void Append(const DncRow& row);
  // The body; the object is empty afterwards.
  std::string Finish();
  // "text/csv; charset=utf-8" or "application/json".
  const char* content_type() const;

 private:
  struct JsonRows;  // nlohmann stays out of headers.

  const OutputFormat format_;
  std::string csv_;  // Grown ahead: bytes past csv_used_ are spare.
  size_t csv_used_ = 0;
  std::unique_ptr<JsonRows> json_;
};

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_RESULT_OUTPUT_H_
