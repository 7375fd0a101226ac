// Strict JSON parsing for request bodies, without exceptions: a syntax
// error names where it is (byte offset, line, column); an object with a key
// twice and nesting deeper than `max_depth` are refused too (a repeated
// field is ambiguous, and no request of this API needs depth).
//
// Internal to http/ (only nlohmann::json's forward declaration here).
// Thread-safety: pure function.
#ifndef DNC_HTTP_JSON_PARSE_H_
#define DNC_HTTP_JSON_PARSE_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "nlohmann/json_fwd.hpp"

namespace dnc::http {

// Parses `text` into *out. Errors: InvalidArgument ("request body is not
// valid JSON: ..." with the place, a repeated key naming it, too deep).
absl::Status ParseJson(std::string_view text, size_t max_depth,
                       nlohmann::json* out);

}  // namespace dnc::http

#endif  // DNC_HTTP_JSON_PARSE_H_
