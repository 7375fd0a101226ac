// Which of the four field separators lead lists use (comma, semicolon, tab,
// pipe) a CSV text uses, from its first lines: the separator that occurs
// outside quotes the same number of times on every sampled line (and at
// least once on the first) wins; the most fields, then the order comma,
// semicolon, tab, pipe, breaks a tie. When no separator is consistent, the
// one agreeing on the most lines does; with none at all (one column) comma.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_LEADLIST_DELIMITER_DETECTION_H_
#define DNC_LEADLIST_DELIMITER_DETECTION_H_

#include <string>
#include <string_view>

namespace dnc::leadlist {

// Candidates in tie-break order.
inline constexpr char kDelimiterCandidates[] = {',', ';', '\t', '|'};

// The separator of `utf8_head` (the first bytes of the text, UTF-8);
// `complete` says it is the whole text (else its last, maybe cut, line is
// not looked at). At most `max_lines` non-blank lines are sampled.
char DetectDelimiter(std::string_view utf8_head, bool complete,
                     size_t max_lines = 50);

// "comma", "semicolon", "tab", "pipe" (else the character itself).
std::string DelimiterName(char delimiter);

// A --delimiter value: ",", ";", "\t" (or a literal tab), "|", or "comma",
// "semicolon", "tab", "pipe" (ASCII case-insensitive). False otherwise.
bool ParseDelimiterName(std::string_view text, char* delimiter);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_DELIMITER_DETECTION_H_
