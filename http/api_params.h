// The JSON API's parameters read from text (query strings) or JSON values
// already checked for type: a call purpose, the "now" of calling windows,
// and the API key. Shared by /v1/check, /v1/check.txt and /v1/scrub so
// every route reads them with the same rules and the same messages.
//
// Errors are InvalidArgument naming the parameter as the caller wrote it
// and echoing the value through service::EchoValue.
//
// Thread-safety: pure functions.
#ifndef DNC_HTTP_API_PARAMS_H_
#define DNC_HTTP_API_PARAMS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "http/api_context.h"
#include "http/http_message.h"
#include "tenant/tenant.h"

namespace dnc::http {

// A purpose as the call layer takes it (a dnc.v1.CallPurpose value): "" is
// 0 (the tenant's default); a name (commercial, charity, political, survey;
// ASCII case-insensitive, "COMMERCIAL" as gRPC's enum names it too) or its
// number 1-4.
absl::StatusOr<int> ParsePurposeText(std::string_view field,
                                     std::string_view text);
// The same for a JSON integer.
absl::StatusOr<int> CheckPurposeNumber(std::string_view field, int64_t value);

// "Now" for calling windows in unix seconds: "" and "0" are 0 (the
// server's clock); decimal unix seconds, or an RFC 3339 time
// ("2026-02-06T15:00:00Z", "2026-02-06T10:00:00-05:00"); within
// [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z).
absl::StatusOr<int64_t> ParseNowText(std::string_view field,
                                     std::string_view text);
// The same range check for a JSON integer (0 = the server's clock).
absl::StatusOr<int64_t> CheckNowSeconds(std::string_view field, int64_t value);

// A non-negative decimal integer that fits in 64 bits.
absl::StatusOr<uint64_t> ParseUnsignedText(std::string_view field,
                                           std::string_view text);

// The caller's tenant (nullptr with --auth=none) for the request's
// `x-api-key` header; where `query_key` is non-null (check.txt, whose
// callers cannot set headers) a key given there is used when no header is,
// and a header and a query key that differ are refused. Errors:
// Unauthenticated ("missing x-api-key header", "unknown or revoked API
// key").
absl::StatusOr<const tenant::Tenant*> AuthenticateRequest(
    const ApiContext& api, const HttpRequest& request,
    const std::string* query_key = nullptr);

}  // namespace dnc::http

#endif  // DNC_HTTP_API_PARAMS_H_
