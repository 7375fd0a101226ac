// Character and text helpers of the record readers (record_layout.cc,
// record_date_format.cc, record_parser.cc): ASCII classes, trimming and
// case-insensitive comparison as the record formats define them (a space is
// ' ', tab, CR, FF or VT; letters are ASCII). Header-only and allocation-free.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_LOADER_RECORD_TEXT_H_
#define DNC_LOADER_RECORD_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace dnc::loader {

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// IsSpace or LF: the space of text that spans lines (the CRTC XML).
inline bool IsSpaceOrLf(char c) { return IsSpace(c) || c == '\n'; }

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// `text` without leading and trailing spaces (IsSpace, or another class).
template <bool (*kSpace)(char) = IsSpace>
std::string_view Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && kSpace(text[begin])) ++begin;
  while (end > begin && kSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

inline std::string Str(std::string_view text) { return std::string(text); }

}  // namespace dnc::loader

#endif  // DNC_LOADER_RECORD_TEXT_H_
