#include "http/utf8_text.h"

#include <cstddef>
#include <cstdint>

namespace dnc::http {
namespace {

// The length of the valid UTF-8 sequence at text[i], or 0 if none starts
// there.
size_t SequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[i + k]); };
  const auto continuation = [&](size_t k) {
    return i + k < text.size() && (byte(k) & 0xC0) == 0x80;
  };
  const uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // Overlong.
    if (lead == 0xED && byte(1) >= 0xA0) return 0;  // Surrogate.
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;   // Overlong.
    if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // Past U+10FFFF.
    return 4;
  }
  return 0;
}

}  // namespace

bool AppendValidUtf8(std::string_view text, std::string* out) {
  bool valid = true;
  size_t start = 0;  // Of the valid run not yet appended.
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<uint8_t>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = SequenceAt(text, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out->append(text.data() + start, i - start);
    out->append("\xEF\xBF\xBD");
    valid = false;
    start = ++i;
  }
  out->append(text.data() + start, text.size() - start);
  return valid;
}

}  // namespace dnc::http
