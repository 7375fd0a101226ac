#include "tenant/encoding.h"

#include <cstdint>
#include <utility>

namespace dnc::tenant {

void PutBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint64_t GetBigEndian(const char* p, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value = (value << 8) | static_cast<uint8_t>(p[i]);
  }
  return value;
}

// ---- Encoder ----------------------------------------------------------------

Encoder::Encoder(uint8_t version) {
  out_.push_back(static_cast<char>(version));
}

bool Encoder::Byte(uint8_t value) {
  out_.push_back(static_cast<char>(value));
  return true;
}

bool Encoder::Unsigned(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
  return true;
}

bool Encoder::Signed(int64_t value) {
  return Unsigned((static_cast<uint64_t>(value) << 1) ^
                  static_cast<uint64_t>(value >> 63));
}

bool Encoder::String(std::string_view value) {
  Unsigned(value.size());
  out_.append(value.data(), value.size());
  return true;
}

bool Encoder::OptionalDay(const std::optional<DayNumber>& day) {
  Byte(day.has_value() ? 1 : 0);
  if (day.has_value()) Day(*day);
  return true;
}

bool Encoder::UnsignedList(const std::vector<uint64_t>& values) {
  Unsigned(values.size());
  for (uint64_t value : values) Unsigned(value);
  return true;
}

bool Encoder::StringList(const std::vector<std::string>& values) {
  Unsigned(values.size());
  for (const std::string& value : values) String(value);
  return true;
}

// ---- Decoder ----------------------------------------------------------------

Decoder::Decoder(std::string_view in, uint8_t max_version) : in_(in) {
  version_ = in_.empty() ? 0 : static_cast<uint8_t>(in_[0]);
  ok_ = version_ >= 1 && version_ <= max_version;
  if (ok_) in_.remove_prefix(1);
}

bool Decoder::Byte(uint8_t& value) {
  if (!ok_ || in_.empty()) return ok_ = false;
  value = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  return true;
}

bool Decoder::Unsigned(uint64_t& value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (!ok_ || in_.empty()) return ok_ = false;
    const uint8_t byte = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      value = result;
      return true;
    }
  }
  return ok_ = false;
}

bool Decoder::Signed(int64_t& value) {
  uint64_t raw = 0;
  if (!Unsigned(raw)) return false;
  value = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  return true;
}

bool Decoder::String(std::string& value) {
  uint64_t size = 0;
  if (!Unsigned(size) || size > in_.size()) return ok_ = false;
  value.assign(in_.data(), size);
  in_.remove_prefix(size);
  return true;
}

bool Decoder::Day(DayNumber& day) {
  int64_t value = 0;
  if (!Signed(value) || value < INT32_MIN || value > INT32_MAX) {
    return ok_ = false;
  }
  day = static_cast<DayNumber>(value);
  return true;
}

bool Decoder::Micros(absl::Time& time) {
  int64_t micros = 0;
  if (!Signed(micros)) return false;
  time = absl::FromUnixMicros(micros);
  return true;
}

bool Decoder::OptionalDay(std::optional<DayNumber>& day) {
  uint8_t present = 0;
  if (!Byte(present) || present > 1) return ok_ = false;
  day.reset();
  if (present == 0) return true;
  DayNumber value = 0;
  if (!Day(value)) return false;
  day = value;
  return true;
}

bool Decoder::Count(uint64_t& count) {
  // Every element takes at least one byte.
  if (!Unsigned(count) || count > in_.size()) return ok_ = false;
  return true;
}

bool Decoder::UnsignedList(std::vector<uint64_t>& values) {
  uint64_t count = 0;
  if (!Count(count)) return false;
  values.resize(count);
  for (uint64_t& value : values) {
    if (!Unsigned(value)) return false;
  }
  return true;
}

bool Decoder::StringList(std::vector<std::string>& values) {
  uint64_t count = 0;
  if (!Count(count)) return false;
  values.resize(count);
  for (std::string& value : values) {
    if (!String(value)) return false;
  }
  return true;
}

}  // namespace dnc::tenant
