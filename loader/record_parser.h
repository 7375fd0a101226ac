// RecordParser: how one record of a registry file turns into a 64-bit E.164
// key (with an add/delete op and a date where the layout has them), or into
// a reason it was rejected, under a RecordLayout (record_layout.h).
//
// Every record is exactly one of: a key, blank (only spaces/tabs/CR; counted,
// not rejected), or a reject, which is MALFORMED (cannot be read in this
// format) or INVALID (reads as a number the numbering plan cannot assign).
//
// Thread-safety: RecordParser is immutable after Create(); Parse() and
// ParseFields() are thread-safe.
#ifndef DNC_LOADER_RECORD_PARSER_H_
#define DNC_LOADER_RECORD_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/civil_date.h"
#include "loader/record_layout.h"

namespace dnc {
struct ParsedNumber;
}  // namespace dnc

namespace dnc::loader {

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
  // Adds the messages of `field` to messages_; returns their indexes.
  FieldMessages AddFieldMessages(const std::string& expected,
                                 const FieldSpec& field,
                                 const std::vector<std::string>& flag_values);
  LineResult ParseDelimited(std::string_view text) const;
  LineResult ParseFixed(std::string_view line) const;
  LineResult ParseNumberText(std::string_view text) const;
  LineResult ParseNational(size_t field, std::string_view text) const;
  LineResult KeyFromParts(uint64_t area, uint64_t subscriber) const;
  LineResult ClassifyKey(uint64_t key) const;
  // The result for a number read as `parsed`, whose key is `key`.
  LineResult FromParsed(const ParsedNumber& parsed, uint64_t key) const;
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

#endif  // DNC_LOADER_RECORD_PARSER_H_
