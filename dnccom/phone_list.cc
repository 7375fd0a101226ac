#include "dnccom/phone_list.h"

#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "service/field_rules.h"

namespace dnc::dnccom {
namespace {

using service::EchoValue;

constexpr uint64_t kNanpBase = 10000000000ULL;  // +1 and 10 digits.

bool IsTrimmed(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsTrimmed(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsTrimmed(s.back())) s.remove_suffix(1);
  return s;
}

// The NANP key of exactly 10 ASCII digits, or 0.
uint64_t TenDigitKey(std::string_view s) {
  if (s.size() != 10) return 0;
  uint64_t value = 0;
  for (const char c : s) {
    const unsigned d = static_cast<unsigned char>(c) - unsigned{'0'};
    if (d > 9) return 0;
    value = value * 10 + d;
  }
  return kNanpBase + value;
}

// True if `s` holds nothing a comma- and newline-split CSV line cannot carry
// unquoted: control characters, DEL or '"'.
bool EchoSafe(std::string_view s) {
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || u == '"') return false;
  }
  return true;
}

absl::Status CheckEntry(size_t index, std::string_view phone,
                        std::string_view id, bool has_id) {
  if (phone.size() > kMaxEntryTextBytes || !EchoSafe(phone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "phoneList entry ", index + 1, ": number '", EchoValue(phone),
        "' is not echoable: at most ", kMaxEntryTextBytes,
        " bytes, no control characters or '\"' (send 10-digit numbers)"));
  }
  if (has_id && (id.size() > service::kMaxCallerIdBytes || !EchoSafe(id))) {
    return absl::InvalidArgumentError(
        absl::StrCat("phoneList entry ", index + 1, ": ID '", EchoValue(id),
                     "' must be at most ", service::kMaxCallerIdBytes,
                     " bytes without control characters or '\"'"));
  }
  return absl::OkStatus();
}

}  // namespace

void PhoneList::Clear() {
  e164.clear();
  phone.clear();
  ids.clear();
}

absl::Status SplitPhoneList(std::string_view text, size_t max_entries,
                            PhoneList* list) {
  list->Clear();
  text = Trim(text);
  if (!text.empty() && text.back() == ',') text.remove_suffix(1);
  if (text.empty()) {
    return absl::InvalidArgumentError(
        "phoneList is empty: send comma-separated 10-digit numbers "
        "(NUMBER or NUMBER|ID)");
  }
  // Entries are counted before any is stored, so the buffers are sized once.
  size_t entries = 1;
  for (const char *p = text.data(), *end = p + text.size();
       (p = static_cast<const char*>(std::memchr(p, ',', end - p))) != nullptr;
       ++p) {
    ++entries;
  }
  if (entries > max_entries) {
    return absl::InvalidArgumentError(
        absl::StrCat("phoneList has ", entries, " entries, more than the ",
                     max_entries, " one request may carry: split it"));
  }
  list->e164.reserve(entries);
  list->phone.reserve(entries);
  bool any_id = false;
  size_t start = 0;
  for (size_t index = 0; index < entries; ++index) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view entry = text.substr(start, comma - start);
    start = comma + 1;
    const size_t bar = entry.find('|');
    const bool has_id = bar != std::string_view::npos;
    const std::string_view phone = Trim(entry.substr(0, bar));
    const std::string_view id =
        has_id ? Trim(entry.substr(bar + 1)) : std::string_view();
    const uint64_t key = TenDigitKey(phone);
    if (key == 0 || has_id) {
      const absl::Status status = CheckEntry(index, phone, id, has_id);
      if (!status.ok()) return status;
    }
    if (has_id && !any_id) {
      any_id = true;
      list->ids.assign(index, std::string_view());
      list->ids.reserve(entries);
    }
    if (any_id) list->ids.push_back(id);
    list->e164.push_back(key);
    list->phone.push_back(phone);
  }
  return absl::OkStatus();
}

}  // namespace dnc::dnccom
