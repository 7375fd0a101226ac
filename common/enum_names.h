// Names of enum values as tables: the name of value v is names[v], and
// anything outside the table (a value this build does not know) is
// `fallback`. A table instead of a switch per enum, so the names sit in one
// line each and a new value is one more string; the static_assert beside
// each table keeps it the enum's size.
//
// Thread-safety: pure functions.
#ifndef DNC_COMMON_ENUM_NAMES_H_
#define DNC_COMMON_ENUM_NAMES_H_

#include <cstddef>

namespace dnc {

template <typename Enum, size_t N>
constexpr const char* NameOf(Enum value, const char* const (&names)[N],
                             const char* fallback) {
  const size_t index = static_cast<size_t>(value);
  return index < N ? names[index] : fallback;
}

}  // namespace dnc

#endif  // DNC_COMMON_ENUM_NAMES_H_
