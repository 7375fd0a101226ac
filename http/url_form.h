// Query strings and application/x-www-form-urlencoded bodies: "a=1&b=x+y%21"
// into the (name, value) pairs ("a", "1"), ("b", "x y!") in the order sent,
// with percent-decoding and '+' as a space in names and values alike (the
// WHATWG URL standard's form decoding). Empty segments ("a=1&&b=2") are
// skipped; a segment without '=' is a name with an empty value.
//
// Bounded: at most UrlFormLimits::max_fields pairs, names of at most
// max_name_bytes and values of at most max_value_bytes (decoded). Errors are
// InvalidArgument and name the parameter (or its position, for a bad name)
// and echo the offending text through service::EchoValue (cut, escaped), so
// no message grows with the input.
//
// Thread-safety: UrlForm is an immutable value once parsed.
#ifndef DNC_HTTP_URL_FORM_H_
#define DNC_HTTP_URL_FORM_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dnc::http {

struct UrlFormLimits {
  size_t max_fields = 64;
  size_t max_name_bytes = 64;
  size_t max_value_bytes = 4096;
  // What an error calls one pair: "query parameter", "form field".
  std::string_view noun = "query parameter";
};

struct UrlFormField {
  std::string name;
  std::string value;
};

class UrlForm {
 public:
  // Decodes `text` (a query string without the '?', or a form body).
  // Errors: InvalidArgument for more than limits.max_fields pairs, a name or
  // value over its limit, or a '%' not followed by two hex digits.
  static absl::StatusOr<UrlForm> Parse(std::string_view text,
                                       const UrlFormLimits& limits = {});

  UrlForm() = default;

  // Every pair, in the order sent (a name may repeat).
  const std::vector<UrlFormField>& fields() const { return fields_; }

  // The value of the first pair named `name` (exact, case-sensitive), or
  // nullptr if there is none.
  const std::string* Find(std::string_view name) const;

  // The value of the only pair named `name`, or nullptr if there is none.
  // Errors: InvalidArgument if `name` is sent more than once (an ambiguous
  // request is refused, never guessed at).
  absl::StatusOr<const std::string*> FindUnique(std::string_view name) const;

 private:
  std::vector<UrlFormField> fields_;
  std::string noun_ = "query parameter";
};

// `text` with "%XX" decoded and '+' as a space, appended to *out. False
// (with *out unspecified) if a '%' is not followed by two hex digits.
bool PercentDecode(std::string_view text, std::string* out);

}  // namespace dnc::http

#endif  // DNC_HTTP_URL_FORM_H_
