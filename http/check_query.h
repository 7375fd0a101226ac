// The query of GET /v1/check and /v1/check.txt, read and checked:
//
//   phone=TEXT | e164=DIGITS   exactly one: the number as free text (what
//                              gRPC CheckRequest.raw takes) or as E.164
//   purpose=NAME|1-4           optional (http/api_params.h)
//   now=SECONDS|RFC3339        optional (http/api_params.h)
//   id=TEXT, request_id=TEXT   optional, at most 64 bytes each
//   subject=TEXT               optional: the campaign the call-frequency
//                              caps count attempts per (CheckCall.subject)
//   api_key=KEY                check.txt only (its callers cannot set a
//                              header); /v1/check refuses it
//
// Any other parameter, or one sent twice, is refused: a mistyped name
// ("phone_number") is an error, never a silently different question.
//
// Thread-safety: pure functions.
#ifndef DNC_HTTP_CHECK_QUERY_H_
#define DNC_HTTP_CHECK_QUERY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "http/url_form.h"
#include "service/scrub_call.h"

namespace dnc::http {

struct CheckQuery {
  bool has_e164 = false;
  uint64_t e164 = 0;
  std::string phone;  // When !has_e164.
  std::string id;
  std::string request_id;
  std::string subject;
  int purpose = 0;
  int64_t now_unix_seconds = 0;

  // A CheckCall borrowing this query's strings.
  service::CheckCall Call() const;
};

// The limits a check query is parsed under (UrlForm::Parse).
UrlFormLimits CheckQueryLimits();

// Reads `form` (the parsed query) into a CheckQuery; api_key is allowed
// (and ignored here) only with `allow_api_key`. Errors: InvalidArgument
// naming the parameter (missing number, both phone and e164, an unknown or
// repeated parameter, a bad e164, purpose or now).
absl::StatusOr<CheckQuery> ReadCheckQuery(const UrlForm& form,
                                          bool allow_api_key);

}  // namespace dnc::http

#endif  // DNC_HTTP_CHECK_QUERY_H_
