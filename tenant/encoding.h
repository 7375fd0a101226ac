// Internal to the tenant module (not part of its API): the byte encodings of
// the tenant store's keys and values. Keys use fixed-width big-endian
// integers, so they sort numerically; values are a version byte followed by
// fields, each an unsigned LEB128 varint, a zigzag varint (signed), a byte,
// or a string (varint length + bytes). record_codec.h lists the fields of
// each record; store_keys.h the keys.
//
// Encoder and Decoder have the same method names, one taking values and one
// taking references to fill, so a record's field list can be written once as
// a template over both (record_codec.cc does).
// Thread-safety: thread-compatible.
#ifndef DNC_TENANT_ENCODING_H_
#define DNC_TENANT_ENCODING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "common/civil_date.h"

namespace dnc::tenant {

// Appends the low `bytes` bytes of `value`, most significant first.
void PutBigEndian(std::string* out, uint64_t value, int bytes);
// Reads `bytes` bytes written by PutBigEndian. REQUIRES: p has that many.
uint64_t GetBigEndian(const char* p, int bytes);

// Writes one value. Every method returns true (so field lists can chain
// them with &&, as for Decoder).
class Encoder {
 public:
  explicit Encoder(uint8_t version);
  bool Byte(uint8_t value);
  bool Unsigned(uint64_t value);
  bool Signed(int64_t value);
  bool String(std::string_view value);
  bool Day(DayNumber day) { return Signed(day); }
  // Unix microseconds, signed.
  bool Micros(absl::Time time) { return Signed(absl::ToUnixMicros(time)); }
  // A one-byte enum.
  template <typename Enum>
  bool EnumByte(Enum value) {
    return Byte(static_cast<uint8_t>(value));
  }
  // Byte 1 and the day when present, byte 0 when not.
  bool OptionalDay(const std::optional<DayNumber>& day);
  // Count, then each element.
  bool UnsignedList(const std::vector<uint64_t>& values);
  bool StringList(const std::vector<std::string>& values);
  std::string Finish() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Encoder wrote; every getter returns false on truncation or a
// value out of range (and from then on), and Done() is false unless the
// version was one of 1..max_version and every byte was used.
class Decoder {
 public:
  Decoder(std::string_view in, uint8_t max_version);
  uint8_t version() const { return version_; }
  bool Byte(uint8_t& value);
  bool Unsigned(uint64_t& value);
  bool Signed(int64_t& value);
  bool String(std::string& value);
  // A Signed value that fits a DayNumber.
  bool Day(DayNumber& day);
  bool Micros(absl::Time& time);
  // Any byte value, cast (the caller checks the range where it matters).
  template <typename Enum>
  bool EnumByte(Enum& value) {
    uint8_t byte = 0;
    if (!Byte(byte)) return false;
    value = static_cast<Enum>(byte);
    return true;
  }
  bool OptionalDay(std::optional<DayNumber>& day);
  bool UnsignedList(std::vector<uint64_t>& values);
  bool StringList(std::vector<std::string>& values);
  bool Done() const { return ok_ && in_.empty(); }

 private:
  // Reads a list's count; false if more elements than bytes left.
  bool Count(uint64_t& count);

  std::string_view in_;
  uint8_t version_ = 0;
  bool ok_ = false;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_ENCODING_H_
