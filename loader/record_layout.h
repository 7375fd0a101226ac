// Record layouts: what a record format is. A format is a declared layout
// (RecordLayout: shape, delimiter, fields in order or at fixed columns, flag
// values, date format) rather than code, so new layouts are data; a
// catalogue [format] section declares one setting by setting
// (ApplyLayoutSetting), and RecordParser (record_parser.h) reads records
// with it. The presets (LayoutForFormat):
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
// Thread-safety: thread-safe (pure functions over values).
#ifndef DNC_LOADER_RECORD_LAYOUT_H_
#define DNC_LOADER_RECORD_LAYOUT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

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

}  // namespace dnc::loader

#endif  // DNC_LOADER_RECORD_LAYOUT_H_
