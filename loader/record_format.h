// Record formats: how one record of a registry file turns into a 64-bit
// E.164 key (with an add/delete op and a date where the layout has them), or
// into a reason it was rejected. A format is a declared layout (RecordLayout:
// shape, delimiter, fields in order or at fixed columns, flag values, date
// format) rather than code, so new layouts are data. The presets:
//
//   ftc-flat, crtc-flat  "NPA,NXXXXXX": 3 digits, comma, 7 digits (FTC full
//                        list; CRTC's documented line format). Spaces around
//                        fields and a trailing CR tolerated; anything else (a
//                        header line such as "AreaCode,PhoneNumber"
//                        included) is a reject, never silently dropped.
//   ftc-change           "NPA,NXXXXXX,YYYY-MM-DD HH:MM:SS,A": number, time
//                        stamp (date_format "%Y-%m-%d %H:%M:%S"), flag A (add)
//                        or D (delete). The FTC does not publish this layout:
//                        the preset is a documented guess; declare the real
//                        field order, flags and date format in the catalogue.
//   crtc-xml             <list><ac val='416'><ph val='1234567'/></ac></list>,
//                        on one line or pretty-printed, ' or " quotes; read
//                        by RecordReader's streaming scanner.
//   uk-tps               Fixed width, numbers only, UK national format with
//                        the trunk 0 ("01635 506160" -> +441635506160).
//   lines                One number per line in any shape, read with
//                        dnc::ParsePhoneNumber; with a non-NANP national
//                        country code a leading trunk "0" reads as that
//                        country.
//   csv:COLUMN           CSV with a header row; the number is in the column
//                        named COLUMN (case-insensitive); quoted fields.
//
// Every record is exactly one of: a key, blank (only spaces/tabs/CR; counted,
// not rejected), or a reject, which is MALFORMED (cannot be read in this
// format) or INVALID (reads as a number the numbering plan cannot assign).
//
// Thread-safety: RecordParser is immutable after Create(); Parse() and
// ParseFields() are thread-safe.
#ifndef DNC_LOADER_RECORD_FORMAT_H_
#define DNC_LOADER_RECORD_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/civil_date.h"

namespace dnc::loader {

enum class LayoutShape : uint8_t {
  kDelimited,   // Fields separated by RecordLayout::delimiter.
  kWholeLine,   // The whole line is one number in any shape; no fields.
  kFixedWidth,  // Fields at byte columns (FieldSpec::column / width).
  kCsv,         // CSV with a header row; FieldSpec::name is the column name.
  kCrtcXml,     // CRTC XML; fields are fixed: area code, subscriber.
};

enum class FieldRole : uint8_t {
  kAreaCode,    // Exactly `digits` digits: the leading part of the number.
  kSubscriber,  // Exactly `digits` digits: the rest of the national number.
  kNumber,      // A whole number in any shape (ParsePhoneNumber).
  kIgnored,     // Present, not used.
  // Digits and spaces in national format: the trunk prefix, then
  // min_digits..digits digits of national number (UK "01635 506160"). A
  // number in international form ("+44 ...", "00 44 ...") is read as such.
  kNationalNumber,
  kChangeFlag,  // One of add_flags / delete_flags (case-insensitive).
  kDate,        // A date (and time) in date_format; the day is kept.
};

struct FieldSpec {
  FieldRole role = FieldRole::kIgnored;
  // kAreaCode / kSubscriber: the exact digit count; kNationalNumber: the
  // most digits after the trunk prefix.
  uint8_t digits = 0;
  std::string name;        // Shown in messages, e.g. "NPA"; csv: the column.
  uint8_t min_digits = 0;  // kNationalNumber: the fewest digits.
  uint16_t column = 0;     // kFixedWidth: the 0-based first byte.
  uint16_t width = 0;      // kFixedWidth: bytes; 0 = to the end of the line.
};

struct RecordLayout {
  std::string name;  // e.g. "ftc-flat"
  LayoutShape shape = LayoutShape::kWholeLine;
  char delimiter = ',';  // kDelimited, kCsv.
  // The fields in order (kDelimited, kCsv) or at their columns
  // (kFixedWidth). The number is either one kAreaCode followed later by one
  // kSubscriber, or exactly one kNumber, or exactly one kNationalNumber;
  // at most one kChangeFlag and one kDate; any number of kIgnored.
  std::vector<FieldSpec> fields;
  // The country code of numbers written without one: prefixed to
  // kAreaCode+kSubscriber digits and kNationalNumber digits, and, when not 1,
  // used for kNumber / kWholeLine text that starts with `trunk_prefix` (but
  // not an international "00"). For 1 (NANP), ParsePhoneNumber's rules apply
  // as-is.
  uint32_t national_country_code = 1;
  char trunk_prefix = '0';  // '\0': national numbers have no trunk prefix.
  // kChangeFlag values (compared case-insensitively, after trimming).
  std::vector<std::string> add_flags = {"A"};
  std::vector<std::string> delete_flags = {"D"};
  // kDate: strftime-like; %Y (4 digits), %m %d %H %M %S (1-2 digits), %%;
  // every other character must appear as written.
  std::string date_format = "%Y-%m-%d";
};

// The layout of a preset: "ftc-flat", "ftc-change", "crtc-flat", "crtc-xml",
// "uk-tps", "lines" or "csv:COLUMN". Errors: InvalidArgument naming the
// format and the known ones.
absl::StatusOr<RecordLayout> LayoutForFormat(std::string_view format);

// The preset names LayoutForFormat() accepts ("csv:COLUMN" as written).
std::vector<std::string> KnownFormats();

// Applies one declared setting, as written in a catalogue [format] section,
// to `layout`:
//   shape         delimited | fixed | lines | csv | crtc-xml
//   delimiter     one visible character, or "tab"
//   fields        space-separated [NAME=]ROLE[:DIGITS][@FROM-TO], where ROLE
//                 is area, subscriber, number, national, flag, date or skip;
//                 DIGITS is N (national: MIN-MAX); @FROM-TO are the 1-based
//                 inclusive byte columns of a fixed-width field (@FROM- runs
//                 to the end of the line). E.g. "NPA=area:3
//                 NXXXXXX=subscriber:7 date flag" or "national:7-10@1-".
//   date_format   e.g. %Y-%m-%d %H:%M:%S
//   add_flags, delete_flags   comma-separated values, e.g. A or A,I
//   country_code  1 to 999; trunk_prefix: one digit or "none"
// Errors: InvalidArgument naming the key and what is wrong with the value.
absl::Status ApplyLayoutSetting(std::string_view key, std::string_view value,
                                RecordLayout* layout);

enum class LineKind : uint8_t { kKey, kBlank, kReject };
enum class RejectClass : uint8_t { kMalformed, kInvalid };
// What a record asks for: full lists only add; change lists add or delete.
enum class RecordOp : uint8_t { kAdd, kDelete };

struct LineResult {
  LineKind kind = LineKind::kReject;
  uint64_t key = 0;  // kKey: the E.164 number.
  // kKey: kAdd unless the layout has a flag field that says delete.
  RecordOp op = RecordOp::kAdd;
  // kKey: the record's date when the layout has a date field; 0 otherwise.
  DayNumber date = 0;
  RejectClass reject_class = RejectClass::kMalformed;  // kReject only.
  // kReject: why, e.g. "expected NPA,NXXXXXX (NPA is not 3 digits)" or the
  // numbering problem from ParsePhoneNumber. Points to a string literal or
  // into the RecordParser, valid for the parser's lifetime; never null for
  // kReject.
  const char* detail = nullptr;
};

// "malformed: <detail>" or "invalid: <detail>".
std::string RejectReason(RejectClass reject_class, const char* detail);

// Days since 1970-01-01 of `text` read with a date_format, or nullopt when
// it does not match exactly or is not a real date/time. No allocation.
std::optional<DayNumber> ParseDateWithFormat(std::string_view text,
                                             std::string_view format);

class RecordParser {
 public:
  // Checks the layout. Errors: InvalidArgument naming what is wrong with it.
  static absl::StatusOr<RecordParser> Create(RecordLayout layout);

  // Classifies one line (without its LF; a trailing CR is tolerated) of a
  // kDelimited, kFixedWidth or kWholeLine layout. No allocation. For kCsv
  // and kCrtcXml, which need RecordReader, every non-blank line is a reject.
  LineResult Parse(std::string_view line) const;

  // Classifies one record given its field texts in layout().fields order
  // (`count` of them; missing ones read as empty). Used by readers that
  // split records themselves (csv, crtc-xml). No allocation.
  LineResult ParseFields(const std::string_view* fields, size_t count) const;

  const RecordLayout& layout() const { return layout_; }

  // The country code of every key, when the layout fixes it (area code +
  // subscriber layouts, crtc-xml included: national_country_code); nullopt
  // when keys can be of any country (free-form and national-number fields,
  // which also read international numbers).
  std::optional<uint32_t> fixed_country_code() const;

  // True when records carry an add/delete flag (a change-list layout).
  bool has_change_flag() const { return flag_field_ >= 0; }
  bool has_date() const { return date_field_ >= 0; }

 private:
  // Per field: indexes into messages_ of its reasons.
  struct FieldMessages {
    size_t bad = 0;       // Wrong digits / empty / not a flag / not a date.
    size_t no_trunk = 0;  // kNationalNumber only.
    size_t bad_chars = 0;
    size_t digit_count = 0;
  };

  explicit RecordParser(RecordLayout layout);
  LineResult ParseDelimited(std::string_view text) const;
  LineResult ParseFixed(std::string_view line) const;
  LineResult ParseNumberText(std::string_view text) const;
  LineResult ParseNational(size_t field, std::string_view text) const;
  LineResult KeyFromParts(uint64_t area, uint64_t subscriber) const;
  LineResult ClassifyKey(uint64_t key) const;
  LineResult Reject(RejectClass reject_class, const char* detail) const;
  const char* Message(size_t index) const { return messages_[index].c_str(); }

  RecordLayout layout_;
  uint64_t area_multiplier_ = 0;     // 10^(subscriber digits).
  uint64_t country_multiplier_ = 0;  // 10^(area + subscriber digits).
  // For exactly [area code, subscriber]: the area code's digit count and the
  // size of a line with no spaces, for a fast path; 0 otherwise.
  size_t fast_area_digits_ = 0;
  size_t fast_size_ = 0;
  int flag_field_ = -1;  // Index of the kChangeFlag field, or -1.
  int date_field_ = -1;  // Index of the kDate field, or -1.
  // Messages referenced by LineResult::detail. A vector's elements keep
  // their addresses when the parser is moved.
  std::vector<std::string> messages_;
  size_t wrong_field_count_ = 0;  // Index into messages_ (3 in a row).
  size_t found_letters_ = 0;      // Index into messages_.
  size_t needs_reader_ = 0;       // Index into messages_.
  std::vector<FieldMessages> field_messages_;
};

}  // namespace dnc::loader

#endif  // DNC_LOADER_RECORD_FORMAT_H_
