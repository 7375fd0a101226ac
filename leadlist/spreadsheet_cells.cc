#include "leadlist/spreadsheet_cells.h"

namespace dnc::leadlist {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes digits at the front of *s; false if there were none.
bool Digits(std::string_view* s) {
  size_t n = 0;
  while (n < s->size() && IsDigit((*s)[n])) ++n;
  s->remove_prefix(n);
  return n > 0;
}

}  // namespace

std::string_view UnwrapExcelText(std::string_view cell) {
  const std::string_view t = TrimSpaces(cell);
  if (t.size() < 3 || t[0] != '=' || t[1] != '"' || t.back() != '"') {
    return cell;
  }
  const std::string_view inner = t.substr(2, t.size() - 3);
  // A quote inside means more than one text; leave such a formula alone.
  if (inner.find('"') != std::string_view::npos) return cell;
  return inner;
}

bool IsScientificNotation(std::string_view cell) {
  std::string_view s = TrimSpaces(UnwrapExcelText(cell));
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (!Digits(&s)) return false;
  if (!s.empty() && (s.front() == '.' || s.front() == ',')) {
    s.remove_prefix(1);
    if (!Digits(&s)) return false;
  }
  if (s.empty() || (s.front() != 'E' && s.front() != 'e')) return false;
  s.remove_prefix(1);
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (!Digits(&s)) return false;
  return s.empty();
}

}  // namespace dnc::leadlist
