// Fast normalisation of phone numbers as they appear in lead lists and
// registry files into a 64-bit E.164 key (country code + national number,
// e.g. +1 202 555 1234 -> 12025551234).
//
// Every input is one of three classes: kValid, kInvalid (reads as a number but
// cannot be assigned under the numbering plan, e.g. area code 911), or
// kMalformed (cannot be read as a phone number). Neither of the last two is
// ever callable. Numbers without a '+' or international prefix are read as
// NANP (+1): 10 digits, or 11 starting with 1. International numbers (with
// '+', "00" or "011") outside +1 are accepted structurally (7 to 15 digits,
// country code not starting with 0); their plans are not validated here,
// except that a national trunk prefix written after the country code
// ("+44 (0)20 7946 0958", "+7 8 495 ...") is dropped as libphonenumber drops
// it, from a small per-country table.
//
// NANP rules (kInvalid, each with its own problem text): area code or
// exchange starting with 0 or 1, N11 area code or exchange, N9X, 37X and 96X
// area codes, and 555-0100..555-0199 (fictional). Toll-free codes are valid.
//
// This is the hot-path parser: one pass, no allocation, no locale, about
// 20-50 ns per number (bench/phone_number_bench.cc); it is tested
// differentially against libphonenumber
// (tests/common/phone_number_differential_test.cc lists every intended
// difference).
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
// "1-202-555-1234", "2025551234 x12", "\"202-555-1234\"",
// "tel:+1-202-555-1234", "001 202 555 1234", "011 44 20 7946 0958", "+44 20
// 7946 0958". Surrounding whitespace and quotes are ignored; separators are
// space, tab,
// - . ( ) /; extensions (x, ext, ext., extension, #, ;ext=, followed by
// digits only) are dropped; letters anywhere else (vanity numbers are not
// translated), any other character, or a '+' not at the start make it
// malformed. Never fails otherwise: the class says what was read.
ParsedNumber ParsePhoneNumber(std::string_view text);

// Classifies a number that arrived already numeric (the packed wire field or a
// registry key): applies the same numbering rules as ParsePhoneNumber. 0 or
// more than 15 digits is kMalformed; a key whose national part starts with a
// trunk prefix ParsePhoneNumber would have dropped is kInvalid. For every key
// k: ClassifyE164(k).valid() iff ParsePhoneNumber(FormatE164(k)) is valid
// with key k.
ParsedNumber ClassifyE164(uint64_t e164);

// "+12025551234". REQUIRES: e164 != 0.
std::string FormatE164(uint64_t e164);

// True if `e164`'s digits start with `country_code`'s digits (E.164 country
// codes are prefix-free, so this is exact), e.g. (12025551234, 1) -> true.
bool HasCountryCode(uint64_t e164, uint32_t country_code);

// The country calling code an E.164 number starts with (ITU-T E.164 codes
// are 1 to 3 digits and prefix-free), e.g. 12025551234 -> 1,
// 442071234567 -> 44, 35312345678 -> 353. 0 for 0.
uint32_t CountryCodeOf(uint64_t e164);

}  // namespace dnc

#endif  // DNC_COMMON_PHONE_NUMBER_H_
