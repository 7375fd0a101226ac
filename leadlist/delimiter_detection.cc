#include "leadlist/delimiter_detection.h"

#include <array>
#include <vector>

#include "absl/strings/ascii.h"

namespace dnc::leadlist {

char DetectDelimiter(std::string_view utf8_head, bool complete,
                     size_t max_lines) {
  constexpr size_t kCandidates = sizeof(kDelimiterCandidates);
  using Counts = std::array<size_t, kCandidates>;
  std::vector<Counts> lines;
  Counts current{};
  bool in_quotes = false;
  bool any = false;  // The current line has a character.
  const auto end_line = [&] {
    if (any) lines.push_back(current);
    current = Counts{};
    any = false;
  };
  for (size_t i = 0; i < utf8_head.size() && lines.size() < max_lines; ++i) {
    const char c = utf8_head[i];
    // Toggling on every quote keeps track of "inside a quoted field" for
    // well-formed CSV (a doubled quote toggles twice), and for the stray
    // pairs of ="123" cells too.
    if (c == '"') {
      in_quotes = !in_quotes;
      any = true;
      continue;
    }
    if (in_quotes) continue;
    if (c == '\n' || c == '\r') {
      end_line();
      continue;
    }
    any = true;
    for (size_t k = 0; k < kCandidates; ++k) {
      if (c == kDelimiterCandidates[k]) ++current[k];
    }
  }
  // A last line is counted only when the text ends there.
  if (complete && !in_quotes && lines.size() < max_lines) end_line();
  if (lines.empty() && any) lines.push_back(current);  // One long line.
  if (lines.empty()) return ',';

  int best = -1;
  size_t best_agree = 0;
  size_t best_count = 0;
  for (size_t k = 0; k < kCandidates; ++k) {
    const size_t first = lines[0][k];
    if (first == 0) continue;
    size_t agree = 0;
    for (const Counts& line : lines) {
      if (line[k] == first) ++agree;
    }
    if (best < 0 || agree > best_agree ||
        (agree == best_agree && first > best_count)) {
      best = static_cast<int>(k);
      best_agree = agree;
      best_count = first;
    }
  }
  return best < 0 ? ',' : kDelimiterCandidates[best];
}

std::string DelimiterName(char delimiter) {
  switch (delimiter) {
    case ',':
      return "comma";
    case ';':
      return "semicolon";
    case '\t':
      return "tab";
    case '|':
      return "pipe";
    default:
      return std::string(1, delimiter);
  }
}

bool ParseDelimiterName(std::string_view text, char* delimiter) {
  const std::string value =
      absl::AsciiStrToLower(absl::string_view(text.data(), text.size()));
  if (value == "," || value == "comma") {
    *delimiter = ',';
  } else if (value == ";" || value == "semicolon") {
    *delimiter = ';';
  } else if (value == "\t" || value == "\\t" || value == "tab") {
    *delimiter = '\t';
  } else if (value == "|" || value == "pipe") {
    *delimiter = '|';
  } else {
    return false;
  }
  return true;
}

}  // namespace dnc::leadlist
