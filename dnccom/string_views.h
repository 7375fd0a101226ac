// Bridges between std::string_view (this module's text type) and Debian's
// Abseil, whose absl::string_view is its own class (built as C++14), so
// absl::StrCat and absl/strings/match.h take neither std::string_view nor
// give one back without a conversion.
//
// Thread-safety: pure functions.
#ifndef DNC_DNCCOM_STRING_VIEWS_H_
#define DNC_DNCCOM_STRING_VIEWS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace dnc::dnccom {

inline absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline std::string_view Std(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

// ASCII case-insensitive equality.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_STRING_VIEWS_H_
