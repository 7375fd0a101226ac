// Fast normalisation of phone numbers as they appear in lead lists and
// registry files into a 64-bit E.164 key (country code + national number,
// e.g. +1 202 555 1234 -> 12025551234).
//
// Every input is one of three classes: kValid, kInvalid (reads as a number but
// cannot be assigned under the numbering plan, e.g. area code 911), or
// kMalformed (cannot be read as a phone number). Neither of the last two is
// ever callable. Numbers without a '+' or international prefix are read as
// NANP (+1). International numbers (with '+', "00" or "011") outside +1 are
// accepted structurally (7 to 15 digits); their plans are not validated here.
//
// This is the hot-path parser (no allocation, a few ns per number); it is
// tested differentially against libphonenumber.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_COMMON_PHONE_NUMBER_H_
#define DNC_COMMON_PHONE_NUMBER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace dnc {

enum class NumberClass : uint8_t { kValid, kInvalid, kMalformed };

struct ParsedNumber {
  NumberClass number_class = NumberClass::kMalformed;
  // The E.164 key. Set for kValid and kInvalid (so an invalid number can be
  // reported as read); 0 for kMalformed.
  uint64_t e164 = 0;
  // For kInvalid and kMalformed: a static, human-readable explanation such as
  // "area code 911 is an N11 service code" -> "N11 code used as area code".
  // nullptr for kValid. Points to a string literal; never freed.
  const char* problem = nullptr;

  bool valid() const { return number_class == NumberClass::kValid; }
};

// Parses free-form text: "(202) 555-1234", "202.555.1234", "+1 202 555 1234",
// "1-202-555-1234", "2025551234 x12", "\"202-555-1234\"", "tel:+1-202-555-1234".
// Surrounding whitespace and quotes are ignored, extensions (x, ext, ext.,
// extension, #, ;ext=) are dropped, letters anywhere else make it malformed.
ParsedNumber ParsePhoneNumber(std::string_view text);

// Classifies a number that arrived already numeric (the packed wire field or a
// registry key): applies the same numbering rules as ParsePhoneNumber.
ParsedNumber ClassifyE164(uint64_t e164);

// "+12025551234". REQUIRES: e164 != 0.
std::string FormatE164(uint64_t e164);

// True if `e164`'s digits start with `country_code`'s digits (E.164 country
// codes are prefix-free, so this is exact), e.g. (12025551234, 1) -> true.
bool HasCountryCode(uint64_t e164, uint32_t country_code);

}  // namespace dnc

#endif  // DNC_COMMON_PHONE_NUMBER_H_
