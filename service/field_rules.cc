#include "service/field_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "tenant/records.h"

namespace dnc::service {

std::string EchoValue(std::string_view value) {
  std::string out;
  size_t used = 0;
  for (; used < value.size(); ++used) {
    const unsigned char byte = static_cast<unsigned char>(value[used]);
    const bool printable = byte >= 0x20 && byte < 0x7f && byte != '\\';
    const size_t width = printable ? 1 : 4;
    if (out.size() + width > kMaxEchoChars) break;
    if (printable) {
      out.push_back(static_cast<char>(byte));
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", byte);
    }
  }
  if (used < value.size()) {
    absl::StrAppend(&out, "... (", value.size(), " bytes)");
  }
  return out;
}

absl::Status CheckBatchSize(size_t entries, uint32_t limit,
                            std::string_view hint) {
  if (entries <= limit) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "batch of ", entries, " entries exceeds the limit of ", limit,
      " per request (StatusResponse.max_batch_entries); ", std::string(hint)));
}

absl::Status CheckOnePerEntry(std::string_view field, size_t count,
                              size_t entries) {
  if (count == 0 || count == entries) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), " has ", count, " values for ", entries,
                   " entries; send exactly one per entry, or none"));
}

absl::Status CheckMaxBytes(std::string_view field, std::string_view value,
                           size_t max_bytes) {
  if (value.size() <= max_bytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), " is ", value.size(), " bytes; at most ",
                   max_bytes, " are allowed ('", EchoValue(value), "')"));
}

absl::Status CheckSubject(std::string_view field, std::string_view subject) {
  DNC_RETURN_IF_ERROR(CheckMaxBytes(field, subject, tenant::kMaxSubjectBytes));
  for (char c : subject) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(field), " '", EchoValue(subject),
                       "' has a character that is not printable ASCII"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> ResolveNow(int64_t now_unix_seconds,
                                      absl::Time server_now) {
  if (now_unix_seconds == 0) return server_now;
  if (now_unix_seconds < kMinNowUnixSeconds ||
      now_unix_seconds >= kEndNowUnixSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "now_unix_seconds ", now_unix_seconds,
        " is out of range: use 0 for the server's clock, or a time from ",
        kMinNowUnixSeconds, " (2000-01-01T00:00:00Z) up to but excluding ",
        kEndNowUnixSeconds, " (2100-01-01T00:00:00Z)"));
  }
  return absl::FromUnixSeconds(now_unix_seconds);
}

absl::StatusOr<DayNumber> ParseRecordDate(std::string_view field,
                                          std::string_view text,
                                          DayNumber today,
                                          bool empty_is_today) {
  if (text.empty() && empty_is_today) return today;
  const DayNumber first = *ParseIsoDate(kMinRecordDate);
  const DayNumber last = today + 1;
  const std::string range =
      absl::StrCat("a date YYYY-MM-DD from ", kMinRecordDate, " to ",
                   FormatIsoDate(last), " (the server's date plus one day)",
                   empty_is_today ? ", or empty for today" : "");
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " is required: give ", range));
  }
  absl::StatusOr<DayNumber> day = ParseIsoDate(text);
  if (!day.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " '", EchoValue(text),
                     "' is not a date: give ", range));
  }
  if (*day < first || *day > last) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " ", FormatIsoDate(*day),
                     " is out of range: give ", range));
  }
  return *day;
}

absl::Status CheckJobId(std::string_view field, std::string_view job_id,
                        bool required) {
  if (job_id.empty()) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field),
        " is required (the job_id of the scrub, as its responses echo it)"));
  }
  bool ok = job_id.size() <= kMaxJobIdBytes;
  for (const char c : job_id) {
    if (!ok) break;
    ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '-';
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(field), " '", EchoValue(job_id), "' is not valid: use 1-",
      kMaxJobIdBytes, " letters, digits, '.', '_' or '-'",
      required ? "" : " (or leave it empty for a job of its own)"));
}

absl::Status CheckSha256Hex(std::string_view field, std::string_view value) {
  bool ok = value.empty() || value.size() == 64;
  for (const char c : value) {
    if (!ok) break;
    ok = absl::ascii_isxdigit(static_cast<unsigned char>(c));
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(field), " '", EchoValue(value),
      "' is not a SHA-256: give 64 hex digits, or leave it empty"));
}

}  // namespace dnc::service
