// Record formats: how one line of a registry file turns into a 64-bit E.164
// key, or into a reason it was rejected. A format is a declared layout
// (RecordLayout) rather than code, so new layouts are data:
//
//   ftc-flat (alias crtc-flat)  "NPA,NXXXXXX": 3 digits, comma, 7 digits,
//                               spaces around fields and a trailing CR
//                               tolerated; anything else (a header line such
//                               as "AreaCode,PhoneNumber" included) is a
//                               reject, never silently dropped.
//   lines                       one number per line in any shape, read with
//                               dnc::ParsePhoneNumber; with a non-NANP
//                               national country code, a leading trunk "0"
//                               is read as that country (UK "01635 506160"
//                               -> +441635506160).
//
// Still to come (the layout has room for them): fixed-width columns, change
// lists with an add/delete flag column and a date column.
//
// Every line is exactly one of: a key, blank (only spaces/tabs/CR; counted,
// not rejected), or a reject, which is MALFORMED (cannot be read in this
// format) or INVALID (reads as a number the numbering plan cannot assign).
//
// Thread-safety: RecordParser is immutable after Create(); Parse() is
// thread-safe.
#ifndef DNC_LOADER_RECORD_FORMAT_H_
#define DNC_LOADER_RECORD_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dnc::loader {

enum class LayoutShape : uint8_t {
  kDelimited,  // Fields separated by RecordLayout::delimiter.
  kWholeLine,  // The whole line is one number in any shape.
  // Later: kFixedWidth (fields at byte columns).
};

enum class FieldRole : uint8_t {
  kAreaCode,    // Exactly `digits` digits: the leading part of the number.
  kSubscriber,  // Exactly `digits` digits: the rest of the national number.
  kNumber,      // A whole number in any shape (ParsePhoneNumber).
  kIgnored,     // Present, not used.
  // Later: kChangeFlag (add/delete values), kDate (with a date format).
};

struct FieldSpec {
  FieldRole role = FieldRole::kIgnored;
  uint8_t digits = 0;  // kAreaCode / kSubscriber: the exact digit count.
  std::string name;    // Shown in messages, e.g. "NPA".
};

struct RecordLayout {
  std::string name;  // e.g. "ftc-flat"
  LayoutShape shape = LayoutShape::kWholeLine;
  char delimiter = ',';
  // kDelimited: the fields in order. Either one kAreaCode followed later by
  // one kSubscriber, or exactly one kNumber; any number of kIgnored.
  std::vector<FieldSpec> fields;
  // The country code of numbers written without one: prefixed to
  // kAreaCode+kSubscriber digits, and, when not 1, used for kNumber /
  // kWholeLine text that starts with `trunk_prefix` (but not an
  // international "00"). For 1 (NANP), ParsePhoneNumber's rules apply as-is.
  uint32_t national_country_code = 1;
  char trunk_prefix = '0';
};

// The layout of a named format: "ftc-flat", "crtc-flat" (same layout) or
// "lines". Errors: InvalidArgument naming the format and the known ones.
absl::StatusOr<RecordLayout> LayoutForFormat(std::string_view format);

// The format names LayoutForFormat() accepts, e.g. for --help.
std::vector<std::string> KnownFormats();

enum class LineKind : uint8_t { kKey, kBlank, kReject };
enum class RejectClass : uint8_t { kMalformed, kInvalid };

struct LineResult {
  LineKind kind = LineKind::kReject;
  uint64_t key = 0;  // kKey: the E.164 number.
  RejectClass reject_class = RejectClass::kMalformed;  // kReject only.
  // kReject: why, e.g. "expected NPA,NXXXXXX (NPA is not 3 digits)" or the
  // numbering problem from ParsePhoneNumber. Points to a string literal or
  // into the RecordParser, valid for the parser's lifetime; never null for
  // kReject.
  const char* detail = nullptr;
};

// "malformed: <detail>" or "invalid: <detail>".
std::string RejectReason(RejectClass reject_class, const char* detail);

class RecordParser {
 public:
  // Checks the layout. Errors: InvalidArgument naming what is wrong with it.
  static absl::StatusOr<RecordParser> Create(RecordLayout layout);

  // Classifies one line (without its LF; a trailing CR is tolerated). No
  // allocation.
  LineResult Parse(std::string_view line) const;

  const RecordLayout& layout() const { return layout_; }

  // The country code of every key, when the layout fixes it (area code +
  // subscriber layouts: national_country_code); nullopt when keys can be
  // of any country (free-form numbers).
  std::optional<uint32_t> fixed_country_code() const;

 private:
  explicit RecordParser(RecordLayout layout);
  LineResult ParseDelimited(std::string_view line) const;
  LineResult ParseNumberText(std::string_view text) const;
  LineResult KeyFromParts(uint64_t area, uint64_t subscriber) const;
  LineResult Reject(RejectClass reject_class, const char* detail) const;

  RecordLayout layout_;
  uint64_t area_multiplier_ = 0;     // 10^(subscriber digits).
  uint64_t country_multiplier_ = 0;  // 10^(area + subscriber digits).
  // For exactly [area code, subscriber]: the area code's digit count and the
  // size of a line with no spaces, for a fast path; 0 otherwise.
  size_t fast_area_digits_ = 0;
  size_t fast_size_ = 0;
  // Messages referenced by LineResult::detail. A vector's elements keep
  // their addresses when the parser is moved.
  std::vector<std::string> messages_;
  size_t wrong_field_count_ = 0;       // Index into messages_.
  size_t found_letters_ = 0;           // Index into messages_.
  std::vector<size_t> field_message_;  // Per field: index into messages_.
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_RECORD_FORMAT_H_
