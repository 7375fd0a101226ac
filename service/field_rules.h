// The rules for every field a caller sends, in one place: each field's type
// and range (docs/api-limits.md states them for callers), and the checks that
// enforce them. Proto-free, so every front end (gRPC today, HTTP next) applies
// the same rules with the same words.
//
// Errors are InvalidArgument; each message names the field (as the caller
// wrote it: "string_ids[17]", "records[3].date") and the allowed range, and
// echoes the offending value only through EchoValue(), so no message grows
// with the input. "Absent" is never a value a caller can send: where a field
// may be left out, leaving it out is the only way to say so.
//
// Thread-safety: thread-safe (pure functions and constants).
#ifndef DNC_SERVICE_FIELD_RULES_H_
#define DNC_SERVICE_FIELD_RULES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/civil_date.h"

namespace dnc::service {

// Entries per request when the operator sets no --max_batch_entries. At this
// size the largest possible answer stays under gRPC's default 4 MiB receive
// limit (tests/service/api_field_test.cc builds that answer and measures it).
inline constexpr uint32_t kDefaultMaxBatchEntries = 10000;
// The largest answer the server sends unless the operator allows more: what
// a gRPC client receives by default. Entries listed in several sources with
// several expired EBR records each can make a full batch larger; such a
// request fails with RESOURCE_EXHAUSTED saying how many entries fit.
inline constexpr size_t kDefaultMaxAnswerBytes = 4 << 20;

// Caller ids (ScrubRequest.string_ids, CheckRequest.id, request_id).
inline constexpr size_t kMaxCallerIdBytes = 64;
// Notes on opt-outs and consents (echoed by consent answers, so a full batch
// of them fits a default client); file names attached to a job.
inline constexpr size_t kMaxNoteBytes = 256;
inline constexpr size_t kMaxFileNameBytes = 1024;
// Job ids: 1-64 of [A-Za-z0-9._-].
inline constexpr size_t kMaxJobIdBytes = 64;
// How much of an offending value an error message repeats.
inline constexpr size_t kMaxEchoChars = 64;

// now_unix_seconds: 0 means the server's clock; any other value must lie in
// [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z).
inline constexpr int64_t kMinNowUnixSeconds = 946684800;
inline constexpr int64_t kEndNowUnixSeconds = 4102444800;

// Record dates (opt-outs, consents, revocations): from 1900-01-01 to the
// server's date plus one day (a caller east of UTC may already be there).
inline constexpr char kMinRecordDate[] = "1900-01-01";

// `value` as an error message may repeat it: printable ASCII as is, other
// bytes as \xNN, at most kMaxEchoChars characters; a longer value is cut and
// followed by "... (N bytes)".
std::string EchoValue(std::string_view value);

// OK when a request's `entries` are at most `limit`. Errors: InvalidArgument
// naming both and saying how to split (`hint`, e.g. "use ScrubStream").
absl::Status CheckBatchSize(size_t entries, uint32_t limit,
                            std::string_view hint);

// OK when a repeated field has no value or exactly one per entry.
absl::Status CheckOnePerEntry(std::string_view field, size_t count,
                              size_t entries);

// OK when `value` has at most `max_bytes` bytes.
absl::Status CheckMaxBytes(std::string_view field, std::string_view value,
                           size_t max_bytes);

// The same for every element of a repeated string field; names the first
// offending element as "field[i]".
template <typename Strings>
absl::Status CheckEachMaxBytes(std::string_view field, const Strings& values,
                               size_t max_bytes);

// The instant a request's calling windows are evaluated at: `server_now`
// for 0, else the given second. Errors: InvalidArgument outside
// [kMinNowUnixSeconds, kEndNowUnixSeconds).
absl::StatusOr<absl::Time> ResolveNow(int64_t now_unix_seconds,
                                      absl::Time server_now);

// A record date "YYYY-MM-DD" within [kMinRecordDate, today + 1]. With
// `empty_is_today`, "" means `today`; otherwise "" is an error. Errors:
// InvalidArgument naming `field`, the value (EchoValue) and the range.
absl::StatusOr<DayNumber> ParseRecordDate(std::string_view field,
                                          std::string_view text,
                                          DayNumber today, bool empty_is_today);

// A job id: 1-64 of [A-Za-z0-9._-]; "" is accepted unless `required`.
absl::Status CheckJobId(std::string_view field, std::string_view job_id,
                        bool required);

// A call's subject (campaign) for the call-frequency caps:
// tenant::kMaxSubjectBytes (64) printable ASCII characters at most; ""
// means any. Errors: InvalidArgument naming `field` and the value.
absl::Status CheckSubject(std::string_view field, std::string_view subject);

// A SHA-256 as hex: "" or exactly 64 hex digits.
absl::Status CheckSha256Hex(std::string_view field, std::string_view value);

// ---- Implementation details ----

template <typename Strings>
absl::Status CheckEachMaxBytes(std::string_view field, const Strings& values,
                               size_t max_bytes) {
  size_t i = 0;
  for (const auto& value : values) {
    if (value.size() > max_bytes) {
      return CheckMaxBytes(std::string(field) + "[" + std::to_string(i) + "]",
                           value, max_bytes);
    }
    ++i;
  }
  return absl::OkStatus();
}

}  // namespace dnc::service

#endif  // DNC_SERVICE_FIELD_RULES_H_
