// DNC.com's phoneList: comma-separated 10-digit numbers, each optionally
// followed by "|ID" (a caller's identifier that comes back in the Reserved
// field), e.g. "5039367187,7075276405|ACCT-12345".
//
// Every entry is answered, in order. An entry whose number is not exactly 10
// ASCII digits (after trimming spaces, tabs, CR and LF around it) is still
// an entry: it is sent to the call layer as the E.164 key 0, which answers
// MALFORMED (DNC.com's M), and its text is echoed in the Phone field. A list
// ending in ',' has no empty last entry; any other empty entry is malformed.
//
// Since the Phone and Reserved fields are echoed into CSV lines that clients
// split on ',' and '\n' without any quoting (VICIdial does), an entry whose
// number text or ID holds a control character or '"', or is longer than
// kMaxEntryTextBytes / service::kMaxCallerIdBytes, fails the whole request
// (DNC.com's requests are atomic too), with the entry's position in the
// message.
//
// Thread-safety: a PhoneList is a value that borrows the text it was split
// from.
#ifndef DNC_DNCCOM_PHONE_LIST_H_
#define DNC_DNCCOM_PHONE_LIST_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace dnc::dnccom {

// Most entries one request may carry: what VICIdial sends per request.
inline constexpr size_t kMaxPhoneListEntries = 50000;
// Longest number text an entry may hold (a malformed one is echoed).
inline constexpr size_t kMaxEntryTextBytes = 64;

struct PhoneList {
  // Parallel, one per entry, in request order.
  std::vector<uint64_t> e164;           // 1NXXNXXXXXX, or 0 if malformed.
  std::vector<std::string_view> phone;  // The number text, trimmed.
  // One per entry when any entry has an ID ("" for those without); empty
  // when none has.
  std::vector<std::string_view> ids;

  size_t size() const { return e164.size(); }
  void Clear();
};

// Splits `text` into *list (cleared first; buffers reused). Errors:
// InvalidArgument for an empty list, more than `max_entries` entries, or an
// entry whose text or ID breaks the rules above.
absl::Status SplitPhoneList(std::string_view text, size_t max_entries,
                            PhoneList* list);

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_PHONE_LIST_H_
