// UTF-8 as JSON strings need it: text that is not valid UTF-8 has each
// offending byte replaced by U+FFFD, so an answer never fails to serialize
// and what a client receives is exactly what was hashed (the list
// uploads' cleaned file, http/list_output.h).
// Thread-safety: pure functions.
#ifndef DNC_HTTP_UTF8_TEXT_H_
#define DNC_HTTP_UTF8_TEXT_H_

#include <string>
#include <string_view>

namespace dnc::http {

// Appends `text` to *out with every byte that does not start or continue a
// valid UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF) replaced by U+FFFD. True when nothing was replaced.
bool AppendValidUtf8(std::string_view text, std::string* out);

}  // namespace dnc::http

#endif  // DNC_HTTP_UTF8_TEXT_H_
