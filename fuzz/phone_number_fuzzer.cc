// Fuzz target: common/phone_number.h. The input is free-form text for
// ParsePhoneNumber; its first 8 bytes are also read as a packed key for
// ClassifyE164. Invariants (the header's contract):
//   - the class and its fields agree (VALID: key, no problem; INVALID: key
//     and a problem; MALFORMED: key 0 and a problem);
//   - a key has 1 to 15 digits;
//   - a VALID or INVALID key round-trips: ClassifyE164(k) is VALID iff
//     ParsePhoneNumber(FormatE164(k)) is VALID with key k, and a VALID
//     parse's key classifies VALID;
//   - a VALID NANP key obeys the numbering rules the header lists (NPA and
//     NXX start 2-9, neither is N11, not 555-01XX);
//   - surrounding spaces and tabs change nothing.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/phone_number.h"
#include "fuzz/fuzz_check.h"

namespace dnc::fuzz {
namespace {

const char* ClassName(NumberClass number_class) {
  switch (number_class) {
    case NumberClass::kValid:
      return "VALID";
    case NumberClass::kInvalid:
      return "INVALID";
    case NumberClass::kMalformed:
      return "MALFORMED";
  }
  return "?";
}

void CheckFields(const ParsedNumber& parsed, std::string_view what) {
  const std::string text(what);
  switch (parsed.number_class) {
    case NumberClass::kValid:
      DNC_FUZZ_CHECK(parsed.e164 != 0 && parsed.problem == nullptr,
                     "%s: VALID with key %llu, problem %s", text.c_str(),
                     static_cast<unsigned long long>(parsed.e164),
                     parsed.problem ? parsed.problem : "(null)");
      break;
    case NumberClass::kInvalid:
      DNC_FUZZ_CHECK(parsed.e164 != 0 && parsed.problem != nullptr &&
                         parsed.problem[0] != '\0',
                     "%s: INVALID without a key or a problem", text.c_str());
      break;
    case NumberClass::kMalformed:
      DNC_FUZZ_CHECK(parsed.e164 == 0 && parsed.problem != nullptr &&
                         parsed.problem[0] != '\0',
                     "%s: MALFORMED with key %llu or without a problem",
                     text.c_str(),
                     static_cast<unsigned long long>(parsed.e164));
      break;
    default:
      DNC_FUZZ_CHECK(false, "%s: class %d out of range", text.c_str(),
                     static_cast<int>(parsed.number_class));
  }
  if (parsed.e164 != 0) {
    DNC_FUZZ_CHECK(DigitCount(parsed.e164) <= 15, "%s: key %llu > 15 digits",
                   text.c_str(), static_cast<unsigned long long>(parsed.e164));
  }
}

// The NANP rules of the header, on a VALID key's digits.
void CheckNanpRules(uint64_t e164) {
  if (DigitCount(e164) != 11 || e164 / 10000000000ULL != 1) return;
  const std::string digits = std::to_string(e164).substr(1);  // 10 digits.
  const char* text = digits.c_str();
  DNC_FUZZ_CHECK(digits[0] >= '2' && digits[3] >= '2',
                 "VALID NANP %s: area code or exchange starts with 0/1", text);
  DNC_FUZZ_CHECK(!(digits[1] == '1' && digits[2] == '1'),
                 "VALID NANP %s: N11 area code", text);
  DNC_FUZZ_CHECK(!(digits[4] == '1' && digits[5] == '1'),
                 "VALID NANP %s: N11 exchange", text);
  DNC_FUZZ_CHECK(digits[1] != '9', "VALID NANP %s: N9X area code", text);
  DNC_FUZZ_CHECK(!(digits[0] == '3' && digits[1] == '7'),
                 "VALID NANP %s: 37X area code", text);
  DNC_FUZZ_CHECK(!(digits[0] == '9' && digits[1] == '6'),
                 "VALID NANP %s: 96X area code", text);
  DNC_FUZZ_CHECK(digits.compare(3, 5, "55501") != 0,
                 "VALID NANP %s: fictional 555-01XX", text);
}

// ClassifyE164(k) is VALID iff ParsePhoneNumber(FormatE164(k)) is VALID with
// key k; FormatE164 is "+" and the digits.
void CheckKey(uint64_t key) {
  const ParsedNumber classified = ClassifyE164(key);
  CheckFields(classified, "ClassifyE164");
  if (key == 0 || DigitCount(key) > 15) {
    DNC_FUZZ_CHECK(classified.number_class == NumberClass::kMalformed,
                   "ClassifyE164(%llu) is %s, expected MALFORMED",
                   static_cast<unsigned long long>(key),
                   ClassName(classified.number_class));
    return;
  }
  DNC_FUZZ_CHECK(classified.number_class == NumberClass::kMalformed ||
                     classified.e164 == key,
                 "ClassifyE164(%llu) gave key %llu",
                 static_cast<unsigned long long>(key),
                 static_cast<unsigned long long>(classified.e164));
  const std::string formatted = FormatE164(key);
  DNC_FUZZ_CHECK(formatted == "+" + std::to_string(key),
                 "FormatE164(%llu) = '%s'",
                 static_cast<unsigned long long>(key), formatted.c_str());
  const ParsedNumber reparsed = ParsePhoneNumber(formatted);
  CheckFields(reparsed, formatted);
  const bool reparsed_valid = reparsed.valid() && reparsed.e164 == key;
  DNC_FUZZ_CHECK(classified.valid() == reparsed_valid,
                 "ClassifyE164(%llu) is %s but ParsePhoneNumber('%s') is %s "
                 "with key %llu",
                 static_cast<unsigned long long>(key),
                 ClassName(classified.number_class), formatted.c_str(),
                 ClassName(reparsed.number_class),
                 static_cast<unsigned long long>(reparsed.e164));
  if (classified.valid()) CheckNanpRules(key);
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dnc::ParsedNumber;
  using dnc::ParsePhoneNumber;
  using dnc::fuzz::CheckFields;
  using dnc::fuzz::CheckKey;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string printable(text.substr(0, 200));

  const ParsedNumber parsed = ParsePhoneNumber(text);
  CheckFields(parsed, printable);
  if (parsed.valid()) {
    DNC_FUZZ_CHECK(
        dnc::ClassifyE164(parsed.e164).valid(),
        "'%s' parses VALID as %llu, which ClassifyE164 calls %s",
        printable.c_str(), static_cast<unsigned long long>(parsed.e164),
        dnc::fuzz::ClassName(dnc::ClassifyE164(parsed.e164).number_class));
  }
  if (parsed.e164 != 0) CheckKey(parsed.e164);

  // Surrounding whitespace is ignored.
  const ParsedNumber padded = ParsePhoneNumber(" \t" + std::string(text) + " ");
  DNC_FUZZ_CHECK(
      padded.number_class == parsed.number_class && padded.e164 == parsed.e164,
      "'%s' is %s %llu but with spaces around it %s %llu", printable.c_str(),
      dnc::fuzz::ClassName(parsed.number_class),
      static_cast<unsigned long long>(parsed.e164),
      dnc::fuzz::ClassName(padded.number_class),
      static_cast<unsigned long long>(padded.e164));

  if (size >= 8) {
    uint64_t key = 0;
    std::memcpy(&key, data, sizeof(key));
    CheckKey(key);
    CheckKey(key % 1000000000000000ULL);  // At most 15 digits.
  }
  return 0;
}
