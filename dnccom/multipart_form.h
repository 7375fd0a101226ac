// multipart/form-data bodies (RFC 7578 over RFC 2046's multipart syntax), as
// curl's -F, libcurl's form API (what VICIdial's DNC.com filter script posts
// with), Perl's HTTP::Request::Common and browsers send them:
//
//   Content-Type: multipart/form-data; boundary=XYZ
//
//   --XYZ\r\n
//   Content-Disposition: form-data; name="loginId"\r\n
//   \r\n
//   VALUE\r\n
//   --XYZ\r\n
//   ...
//   --XYZ--\r\n
//
// Each part's value is a view into the body, never copied (a 50,000-number
// phoneList is one search for the next delimiter). A preamble before the first
// delimiter and an epilogue after the last are ignored, as RFC 2046 says.
// Part headers other than Content-Disposition (Content-Type,
// Content-Transfer-Encoding) are read past; a part with a filename is a field
// like any other (its value is the file's bytes).
//
// Bounded: at most MultipartLimits::max_parts parts, max_headers_per_part
// header lines of at most max_header_bytes together, names of at most
// max_name_bytes. Lines end in CRLF, as the RFC requires. Errors are
// InvalidArgument, name the part ("multipart part 3 (\"phoneList\")") and
// echo offending text only through service::EchoValue.
//
// Thread-safety: pure functions; a MultipartForm is a value that borrows the
// body it was parsed from (which must outlive it).
#ifndef DNC_DNCCOM_MULTIPART_FORM_H_
#define DNC_DNCCOM_MULTIPART_FORM_H_

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dnc::dnccom {

struct MultipartLimits {
  size_t max_parts = 32;
  size_t max_headers_per_part = 8;
  size_t max_header_bytes = 4096;  // All header lines of one part.
  size_t max_name_bytes = 64;
};

struct MultipartField {
  std::string_view name;
  std::string_view value;  // Into the body.
  bool has_filename = false;
};

struct MultipartForm {
  std::vector<MultipartField> fields;  // In the order sent.
  // Backing store for names that had to be unescaped (name="a\"b").
  std::deque<std::string> unescaped_names;
};

// The boundary of a Content-Type header value "multipart/form-data;
// boundary=XYZ" (media type and parameter names case-insensitive, the value
// a token or a quoted string). Errors: InvalidArgument when the type is not
// multipart/form-data, or the boundary is missing, empty, longer than 70
// characters or holds a character RFC 2046 does not allow.
absl::StatusOr<std::string_view> MultipartBoundary(
    std::string_view content_type);

// Parses `body` as parts delimited by `boundary`. Errors: InvalidArgument
// for no delimiter, a part without a closing delimiter, a part without
// `Content-Disposition: form-data; name="..."`, header lines not ending in
// CRLF, and anything over a limit.
absl::StatusOr<MultipartForm> ParseMultipartForm(
    std::string_view body, std::string_view boundary,
    const MultipartLimits& limits = {});

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_MULTIPART_FORM_H_
