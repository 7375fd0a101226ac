#include "common/phone_number.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

namespace dnc {
namespace {

// --- Problem texts (static; ParsedNumber::problem points at them). ----------

constexpr const char kEmpty[] = "empty";
constexpr const char kNoDigits[] = "no digits";
constexpr const char kLetters[] =
    "letters in the number (vanity numbers are not translated)";
constexpr const char kUnexpectedChar[] = "unexpected character in the number";
constexpr const char kMisplacedPlus[] = "'+' is allowed only at the start";
constexpr const char kBadExtension[] =
    "extension marker not followed by digits only";
constexpr const char kTooManyDigits[] = "more than 15 digits";
constexpr const char kWrongNanpLength[] =
    "wrong number of digits for a NANP number";
constexpr const char kNoDigitsAfterPrefix[] =
    "no digits after the international prefix";
constexpr const char kCountryCodeZero[] = "country code starts with 0";
constexpr const char kTooFewInternational[] =
    "fewer than 7 digits for an international number";
constexpr const char kLocalNumber[] = "local number without its area code";
constexpr const char kRepeatedTrunkPrefix[] =
    "national part starts with two trunk prefixes";
constexpr const char kTrunkPrefixInKey[] =
    "national part starts with a trunk prefix";

constexpr const char kNpaStartsWith01[] = "area code starts with 0 or 1";
constexpr const char kNpaN11[] = "N11 service code used as area code";
constexpr const char kNpaN9X[] = "N9X area code is reserved for expansion";
constexpr const char kNpa37X96X[] = "37X and 96X area codes are reserved";
constexpr const char kNxxStartsWith01[] = "exchange code starts with 0 or 1";
constexpr const char kNxxN11[] = "N11 service code used as exchange code";
constexpr const char kFictional[] = "555-0100 to 555-0199 are fictional";

constexpr uint64_t kMaxE164 = 999'999'999'999'999ULL;  // 15 digits.
constexpr uint64_t kNanpBase = 10'000'000'000ULL;      // 1 followed by 10 0s.

// Digits kept while scanning: a 3-digit international prefix, a trunk prefix
// of up to 5 digits (with a carrier code) and 15 key digits, with room to
// spare. Anything longer is "more than 15 digits" and is not looked at.
constexpr int kMaxStoredDigits = 24;

ParsedNumber Malformed(const char* problem) {
  ParsedNumber result;
  result.number_class = NumberClass::kMalformed;
  result.problem = problem;
  return result;
}

ParsedNumber Invalid(uint64_t e164, const char* problem) {
  ParsedNumber result;
  result.number_class = NumberClass::kInvalid;
  result.e164 = e164;
  result.problem = problem;
  return result;
}

ParsedNumber Valid(uint64_t e164) {
  ParsedNumber result;
  result.number_class = NumberClass::kValid;
  result.e164 = e164;
  return result;
}

// --- Character classes. -----------------------------------------------------

enum CharClass : uint8_t {
  kDigit = 0,
  kSeparator,  // space, tab, - . ( ) /
  kOther,
  kLetter,
  kPlus,
  kHash,       // '#': extension marker.
  kSemicolon,  // ';': start of ";ext=".
};

struct CharTable {
  CharClass cls[256];
  constexpr CharTable() : cls() {
    for (int c = 0; c < 256; ++c) cls[c] = kOther;
    for (int c = '0'; c <= '9'; ++c) cls[c] = kDigit;
    for (int c = 'a'; c <= 'z'; ++c) cls[c] = kLetter;
    for (int c = 'A'; c <= 'Z'; ++c) cls[c] = kLetter;
    cls[static_cast<unsigned char>(' ')] = kSeparator;
    cls[static_cast<unsigned char>('\t')] = kSeparator;
    cls[static_cast<unsigned char>('-')] = kSeparator;
    cls[static_cast<unsigned char>('.')] = kSeparator;
    cls[static_cast<unsigned char>('(')] = kSeparator;
    cls[static_cast<unsigned char>(')')] = kSeparator;
    cls[static_cast<unsigned char>('/')] = kSeparator;
    cls[static_cast<unsigned char>('+')] = kPlus;
    cls[static_cast<unsigned char>('#')] = kHash;
    cls[static_cast<unsigned char>(';')] = kSemicolon;
  }
};
constexpr CharTable kChars;

inline CharClass ClassOf(char c) {
  return kChars.cls[static_cast<unsigned char>(c)];
}

// Stripped from both ends: whitespace (incl. CR/LF from line-based input)
// and the quotes of a CSV field.
inline bool IsTrimmable(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f' || c == '"' || c == '\'';
}

inline char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// True if [p, end) starts with `word` (lower case), ignoring ASCII case.
inline bool StartsWithWord(const char* p, const char* end,
                           std::string_view word) {
  if (static_cast<size_t>(end - p) < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Lower(p[i]) != word[i]) return false;
  }
  return true;
}

// If [p, end) starts with an extension marker ("x", "ext", "ext.",
// "extension", "#", ";ext=", any case; "x", "ext" and "extension" may be
// followed by '.' or ':'), returns the position after it; else nullptr.
const char* SkipExtensionMarker(const char* p, const char* end) {
  const char c = Lower(*p);
  if (c == '#') return p + 1;
  if (c == ';') return StartsWithWord(p, end, ";ext=") ? p + 5 : nullptr;
  if (c == 'x') {
    ++p;
  } else if (StartsWithWord(p, end, "extension")) {
    p += 9;
  } else if (StartsWithWord(p, end, "ext")) {
    p += 3;
  } else {
    return nullptr;
  }
  if (p < end && (*p == '.' || *p == ':')) ++p;
  return p;
}

// True if [p, end) is optional blanks (if `blanks`), then one or more digits
// (the extension itself, which is dropped).
bool IsExtensionBody(const char* p, const char* end, bool blanks) {
  while (blanks && p < end && (*p == ' ' || *p == '\t')) ++p;
  if (p == end) return false;
  for (; p < end; ++p) {
    if (*p < '0' || *p > '9') return false;
  }
  return true;
}

// --- Numbering rules. -------------------------------------------------------

// NANP rules on the 10 digits NPA NXX XXXX at `d` (one digit per byte) of
// `key`. Same rules as ClassifyNanp below, without divisions (hot path).
ParsedNumber ClassifyNanpDigits(const uint8_t* d, uint64_t key) {
  if (d[0] < 2) return Invalid(key, kNpaStartsWith01);
  if (d[1] == 1 && d[2] == 1) return Invalid(key, kNpaN11);
  if (d[1] == 9) return Invalid(key, kNpaN9X);
  if ((d[0] == 3 && d[1] == 7) || (d[0] == 9 && d[1] == 6)) {
    return Invalid(key, kNpa37X96X);
  }
  if (d[3] < 2) return Invalid(key, kNxxStartsWith01);
  if (d[4] == 1 && d[5] == 1) return Invalid(key, kNxxN11);
  if (d[3] == 5 && d[4] == 5 && d[5] == 5 && d[6] == 0 && d[7] == 1) {
    return Invalid(key, kFictional);
  }
  return Valid(key);
}

// NANP rules on a key 1NPANXXXXXX (11 digits, starting with 1).
ParsedNumber ClassifyNanp(uint64_t key) {
  const uint32_t npa = static_cast<uint32_t>(key / 10'000'000 % 1000);
  const uint32_t nxx = static_cast<uint32_t>(key / 10'000 % 1000);
  const uint32_t line = static_cast<uint32_t>(key % 10'000);
  if (npa < 200) return Invalid(key, kNpaStartsWith01);
  if (npa % 100 == 11) return Invalid(key, kNpaN11);
  if (npa / 10 % 10 == 9) return Invalid(key, kNpaN9X);
  if (npa / 10 == 37 || npa / 10 == 96) return Invalid(key, kNpa37X96X);
  if (nxx < 200) return Invalid(key, kNxxStartsWith01);
  if (nxx % 100 == 11) return Invalid(key, kNxxN11);
  if (nxx == 555 && line >= 100 && line <= 199) {
    return Invalid(key, kFictional);
  }
  return Valid(key);
}

// Length of the country code that starts an international number whose first
// digit is `d0` (2-9) and second `d1`, from the ITU-T E.164 assignment
// structure: zones 1 and 7 are one digit; in zones 2-9 some two-digit codes
// exist and every other code of the zone has three digits. Unassigned codes
// get the length their zone would give them.
int CountryCodeLength(int d0, int d1) {
  // Bit i set: "<zone>i" is a two-digit country code.
  static constexpr uint16_t kTwoDigit[10] = {
      0,
      0,                                          // zone 1: one digit
      (1 << 0) | (1 << 7),                        // 20, 27
      0b1001011111,                               // 30-34, 36, 39
      0b1111111011,                               // 40, 41, 43-49
      0b0111111110,                               // 51-58
      0b0001111111,                               // 60-66
      0,                                          // zone 7: one digit
      (1 << 1) | (1 << 2) | (1 << 4) | (1 << 6),  // 81, 82, 84, 86
      0b0100111111,                               // 90-95, 98
  };
  if (d0 == 1 || d0 == 7) return 1;
  return (kTwoDigit[d0] >> d1) & 1 ? 2 : 3;
}

// What to do with the start of the national part (the digits after the
// country code) of a non-NANP number. People write a national trunk prefix
// there ("+44 (0)20 7946 0958", "+7 8 495 123 45 67"); it is not part of the
// E.164 number and is dropped, as libphonenumber drops it. A few countries
// have numbers that really start with 0 (Italy), or a trunk prefix other than
// 0, or local numbers that libphonenumber completes with an area code; those
// countries have rows below. Derived from libphonenumber 8.12.57's metadata
// (national_prefix_for_parsing, its transform rules and the national number
// patterns); the differential test checks it against every region.
enum class RuleKind : uint8_t {
  kKeepZero,   // Numbers may start with 0: never strip a trunk prefix.
  kStrip,      // Strip `prefix` (if `len`: only when `len` digits remain),
               // unless the digit after it is in `mask`.
  kLocalOnly,  // `len` digits starting with a digit in `mask` are a local
               // number missing its area code: malformed.
};

struct NationalRule {
  uint16_t country_code;
  RuleKind kind;
  char prefix[6];  // Digits; '?' matches any digit.
  uint8_t len;
  uint16_t mask;  // Bit d stands for digit d.
};

constexpr uint16_t Bits(std::string_view digits) {
  uint16_t mask = 0;
  for (char c : digits) mask |= static_cast<uint16_t>(1u << (c - '0'));
  return mask;
}

// Rows for one country code are adjacent and tried in order until one
// matches. A country code without a matching row strips a leading '0' unless
// another '0' follows (international freephone numbers such as India's
// 000800... start with "00").
constexpr NationalRule kNationalRules[] = {
    {7, RuleKind::kStrip, "8", 10, 0},     // Russia, Kazakhstan: 8 + 10 digits.
    {36, RuleKind::kStrip, "06", 0, 0},    // Hungary.
    {39, RuleKind::kKeepZero, "", 0, 0},   // Italy, Vatican: 06 = Rome.
    {47, RuleKind::kKeepZero, "", 0, 0},   // Norway: 0 starts service numbers.
    {52, RuleKind::kStrip, "044", 10, 0},  // Mexico: 044/045 (mobile), 01,
    {52, RuleKind::kStrip, "045", 10, 0},  // 02 and 1.
    {52, RuleKind::kStrip, "01", 10, 0},
    {52, RuleKind::kStrip, "02", 10, 0},
    {52, RuleKind::kStrip, "1", 10, 0},
    {57, RuleKind::kStrip, "0444", 0, 0},  // Colombia: 0 + carrier code.
    {57, RuleKind::kStrip, "0414", 0, 0},
    {57, RuleKind::kStrip, "0456", 0, 0},
    {57, RuleKind::kStrip, "05", 0, 0},
    {57, RuleKind::kStrip, "07", 0, 0},
    {57, RuleKind::kStrip, "09", 0, 0},
    {82, RuleKind::kStrip, "085??", 0, 0},  // South Korea: 0 + carrier code.
    {82, RuleKind::kStrip, "081", 0, 0},
    {82, RuleKind::kStrip, "082", 0, 0},
    {82, RuleKind::kStrip, "083", 0, 0},
    {82, RuleKind::kStrip, "084", 0, 0},
    {82, RuleKind::kStrip, "086", 0, 0},
    {82, RuleKind::kStrip, "087", 0, 0},
    {82, RuleKind::kStrip, "088", 0, 0},
    {225, RuleKind::kKeepZero, "", 0, 0},  // Cote d'Ivoire.
    {226, RuleKind::kKeepZero, "", 0, 0},  // Burkina Faso.
    {227, RuleKind::kKeepZero, "", 0, 0},  // Niger.
    {241, RuleKind::kStrip, "0", 8, 0},    // Gabon: 0 + 8 digits is the
    {241, RuleKind::kKeepZero, "", 0, 0},  // old form; 0 starts 8 digits.
    {242, RuleKind::kKeepZero, "", 0, 0},  // Congo.
    {247, RuleKind::kKeepZero, "", 0, 0},  // Ascension.
    {250, RuleKind::kStrip, "0", 0, Bits("06")},  // Rwanda: 06... is fixed.
    {261, RuleKind::kLocalOnly, "", 7, Bits("245789")},  // Madagascar.
    {267, RuleKind::kKeepZero, "", 0, 0},                // Botswana.
    {268, RuleKind::kKeepZero, "", 0, 0},                // Eswatini.
    {370, RuleKind::kStrip, "8", 8, 0},                  // Lithuania: 8 or 0.
    {370, RuleKind::kStrip, "0", 8, 0},
    {375, RuleKind::kStrip, "80", 9, 0},         // Belarus: 80, 8 or 0.
    {375, RuleKind::kStrip, "8", 9, Bits("0")},  // 80... is toll-free.
    {375, RuleKind::kStrip, "8", 10, 0},
    {378, RuleKind::kLocalOnly, "", 6, Bits("89")},  // San Marino.
    {378, RuleKind::kKeepZero, "", 0, 0},
    {501, RuleKind::kKeepZero, "", 0, 0},  // Belize.
    {507, RuleKind::kKeepZero, "", 0, 0},  // Panama.
    {591, RuleKind::kStrip, "01?", 0, 0},  // Bolivia: 0 + carrier code.
    {672, RuleKind::kLocalOnly, "", 5, Bits("01258")},  // Norfolk Island.
    {676, RuleKind::kKeepZero, "", 0, 0},               // Tonga.
    {679, RuleKind::kKeepZero, "", 0, 0},               // Fiji.
    {687, RuleKind::kKeepZero, "", 0, 0},               // New Caledonia.
    {692, RuleKind::kStrip, "1", 7, 0},                 // Marshall Islands.
    {800, RuleKind::kKeepZero, "", 0, 0},  // International freephone.
    {853, RuleKind::kKeepZero, "", 0, 0},  // Macao.
    {881, RuleKind::kKeepZero, "", 0, 0},  // Global mobile satellite.
    {888, RuleKind::kKeepZero, "", 0, 0},  // OCHA.
    {992, RuleKind::kKeepZero, "", 0, 0},  // Tajikistan.
    {993, RuleKind::kStrip, "8", 8, 0},    // Turkmenistan.
    {998, RuleKind::kStrip, "8", 9, 0},    // Uzbekistan.
};

constexpr bool RulesAreSorted() {
  for (size_t i = 1; i < sizeof(kNationalRules) / sizeof(kNationalRules[0]);
       ++i) {
    if (kNationalRules[i].country_code < kNationalRules[i - 1].country_code) {
      return false;
    }
  }
  return true;
}
static_assert(RulesAreSorted(), "kNationalRules must be sorted by country");

// Digits to drop from the start of `national` (`len` digits, len >= 1) of
// country `cc`, or -1 if it is a local number missing its area code.
int TrunkPrefixLength(uint32_t cc, const uint8_t* national, int len) {
  constexpr size_t kRows = sizeof(kNationalRules) / sizeof(kNationalRules[0]);
  // Binary search for the first row of `cc` (rows are sorted by country).
  size_t lo = 0, hi = kRows;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (kNationalRules[mid].country_code < cc) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  for (size_t r = lo; r < kRows && kNationalRules[r].country_code == cc; ++r) {
    const NationalRule& rule = kNationalRules[r];
    switch (rule.kind) {
      case RuleKind::kKeepZero:
        return 0;
      case RuleKind::kLocalOnly:
        if (len == rule.len && ((rule.mask >> national[0]) & 1)) return -1;
        continue;
      case RuleKind::kStrip: {
        const int plen = static_cast<int>(std::string_view(rule.prefix).size());
        if (len <= plen) continue;
        if (rule.len != 0 && len - plen != rule.len) continue;
        bool match = true;
        for (int i = 0; i < plen; ++i) {
          if (rule.prefix[i] != '?' && national[i] != rule.prefix[i] - '0') {
            match = false;
          }
        }
        if (!match) continue;
        return ((rule.mask >> national[plen]) & 1) ? 0 : plen;
      }
    }
  }
  return (len >= 2 && national[0] == 0 && national[1] != 0) ? 1 : 0;
}

constexpr uint64_t kPow10[16] = {1ULL,
                                 10ULL,
                                 100ULL,
                                 1'000ULL,
                                 10'000ULL,
                                 100'000ULL,
                                 1'000'000ULL,
                                 10'000'000ULL,
                                 100'000'000ULL,
                                 1'000'000'000ULL,
                                 10'000'000'000ULL,
                                 100'000'000'000ULL,
                                 1'000'000'000'000ULL,
                                 10'000'000'000'000ULL,
                                 100'000'000'000'000ULL,
                                 1'000'000'000'000'000ULL};

uint64_t DigitsToKey(const uint8_t* digits, int n) {
  uint64_t key = 0;
  for (int i = 0; i < n; ++i) key = key * 10 + digits[i];
  return key;
}

// An international number: `d` holds the `n` digits after '+', "00" or
// "011". When `numeric` (ClassifyE164), a trunk prefix makes the key invalid
// instead of being dropped.
ParsedNumber ClassifyInternational(const uint8_t* d, int n, bool numeric) {
  if (n == 0) return Malformed(kNoDigitsAfterPrefix);
  if (d[0] == 0) return Malformed(kCountryCodeZero);
  if (d[0] == 1) {
    if (n != 11) return Malformed(kWrongNanpLength);
    return ClassifyNanp(DigitsToKey(d, n));
  }
  if (n < 7) return Malformed(kTooFewInternational);
  const int cc_len = CountryCodeLength(d[0], d[1]);
  const uint32_t cc = static_cast<uint32_t>(DigitsToKey(d, cc_len));
  const int trunk = TrunkPrefixLength(cc, d + cc_len, n - cc_len);
  if (trunk < 0) return Malformed(kLocalNumber);
  if (trunk > 0 && numeric) {
    return Invalid(DigitsToKey(d, n), kTrunkPrefixInKey);
  }
  // A key must be a fixed point: ClassifyE164 must find no trunk prefix in
  // it either ("+7 8 0..." is not read as "+7 0...").
  if (trunk > 0) {
    const int again =
        TrunkPrefixLength(cc, d + cc_len + trunk, n - cc_len - trunk);
    if (again < 0) return Malformed(kLocalNumber);
    if (again > 0) return Malformed(kRepeatedTrunkPrefix);
  }
  const int key_len = n - trunk;
  if (key_len > 15) return Malformed(kTooManyDigits);
  if (key_len < 7) return Malformed(kTooFewInternational);
  const uint64_t key = DigitsToKey(d, cc_len) * kPow10[key_len - cc_len] +
                       DigitsToKey(d + cc_len + trunk, key_len - cc_len);
  return Valid(key);
}

// True if all 8 bytes of `v` are ASCII digits: each byte's high nibble is 3,
// and still is after adding 6 ('9' + 6 = '?', ':' + 6 = '@'). A carry out of
// a byte only happens for bytes >= 0xFA, which fail the first test anyway.
inline bool AllDigits8(uint64_t v) {
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
  return ((v & kHigh) | (((v + 0x0606060606060606ULL) & kHigh) >> 4)) ==
         0x3333333333333333ULL;
}

// The value of 8 ASCII digits loaded little-endian (first digit in the low
// byte), without a loop: pairs, then quads, then the 8 (as in fast_float).
inline uint32_t ParseEightDigits(uint64_t v) {
  v -= 0x3030303030303030ULL;
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  return static_cast<uint32_t>(v);
}

// Fast path for the shapes most lead lists use, exactly: "2025551234",
// "202-555-1234" (or '.' or ' ' twice) and "(202) 555-1234", each optionally
// after "1", "+1", "1-", "1 ", "+1-" or "+1 " (so "+12025551234" too).
// Gathers the 10 digits from fixed offsets and checks and converts them 8 at
// a time, with no per-character branches. Returns false for anything else
// (having read at most those bytes); the general scanner then handles it.
bool ParseCommonShape(const char* p, size_t len, ParsedNumber* result) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (len > 10) {
    size_t skip = p[0] == '1' ? 1 : (p[0] == '+' && p[1] == '1') ? 2 : 0;
    if (skip != 0 && (p[skip] == ' ' || p[skip] == '-')) ++skip;
    p += skip;
    len -= skip;
  }
  char c[10];
  if (len == 10) {
    std::memcpy(c, p, 10);
  } else if (len == 12 && p[3] == p[7] &&
             (p[3] == '-' || p[3] == '.' || p[3] == ' ')) {
    std::memcpy(c, p, 3);
    std::memcpy(c + 3, p + 4, 3);
    std::memcpy(c + 6, p + 8, 4);
  } else if (len == 14 && p[0] == '(' && p[4] == ')' && p[5] == ' ' &&
             p[9] == '-') {
    std::memcpy(c, p + 1, 3);
    std::memcpy(c + 3, p + 6, 3);
    std::memcpy(c + 6, p + 10, 4);
  } else {
    return false;
  }
  uint64_t first8;
  std::memcpy(&first8, c, 8);
  const unsigned d8 = static_cast<unsigned char>(c[8]) - unsigned{'0'};
  const unsigned d9 = static_cast<unsigned char>(c[9]) - unsigned{'0'};
  // c[0] == '0' may start "00"/"011": leave it to the general path.
  if (!AllDigits8(first8) || d8 > 9 || d9 > 9 || c[0] == '0') return false;
  uint8_t d[10];
  const uint64_t digits8 = first8 - 0x3030303030303030ULL;
  std::memcpy(d, &digits8, 8);
  d[8] = static_cast<uint8_t>(d8);
  d[9] = static_cast<uint8_t>(d9);
  const uint64_t national =
      uint64_t{ParseEightDigits(first8)} * 100 + d8 * 10 + d9;
  *result = ClassifyNanpDigits(d, kNanpBase + national);
  return true;
#else
  return false;
#endif
}

}  // namespace

ParsedNumber ParsePhoneNumber(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end && IsTrimmable(*p)) ++p;
  while (end > p && IsTrimmable(end[-1])) --end;
  if (p == end) return Malformed(text.empty() ? kEmpty : kNoDigits);
  ParsedNumber common;
  if (ParseCommonShape(p, static_cast<size_t>(end - p), &common)) {
    return common;
  }

  if (end - p >= 4 && StartsWithWord(p, end, "tel:")) p += 4;
  bool plus = false;
  if (p < end && *p == '+') {
    plus = true;
    ++p;
  }

  // One pass: digits are accumulated into `value` (exact up to 19 digits,
  // which is all the NANP path needs) and kept in `digits` for the rarer
  // international path.
  uint8_t digits[32];  // Index wraps; only read when n <= kMaxStoredDigits.
  static_assert(kMaxStoredDigits <= 32, "digits[] too small");
  uint64_t value = 0;
  int n = 0;
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (d < 10) {
      value = value * 10 + d;
      digits[n & 31] = static_cast<uint8_t>(d);
      ++n;
      continue;
    }
    const CharClass cls = ClassOf(*p);
    if (cls == kSeparator) continue;
    if (cls == kLetter || cls == kHash || cls == kSemicolon) {
      const char* ext = n > 0 ? SkipExtensionMarker(p, end) : nullptr;
      if (ext == nullptr) {
        return Malformed(cls == kLetter ? kLetters : kUnexpectedChar);
      }
      // RFC 3966 ";ext=" is followed by the digits directly.
      if (!IsExtensionBody(ext, end, /*blanks=*/cls != kSemicolon)) {
        return Malformed(kBadExtension);
      }
      break;  // The extension is dropped.
    }
    return Malformed(cls == kPlus ? kMisplacedPlus : kUnexpectedChar);
  }
  if (n == 0) return Malformed(kNoDigits);
  if (n > kMaxStoredDigits) return Malformed(kTooManyDigits);

  if (!plus) {
    // A national number: 10 digits, or 11 starting with 1.
    if (n == 10 && digits[0] != 0) {
      return ClassifyNanpDigits(digits, kNanpBase + value);
    }
    if (n == 11 && digits[0] == 1) return ClassifyNanpDigits(digits + 1, value);
    // International prefixes: "011" (NANP) and "00" (ITU).
    if (n >= 3 && digits[0] == 0 && digits[1] == 1 && digits[2] == 1) {
      return ClassifyInternational(digits + 3, n - 3, /*numeric=*/false);
    }
    if (n >= 2 && digits[0] == 0 && digits[1] == 0) {
      return ClassifyInternational(digits + 2, n - 2, /*numeric=*/false);
    }
    if (n == 10) return ClassifyNanpDigits(digits, kNanpBase + value);
    if (n > 15) return Malformed(kTooManyDigits);
    return Malformed(kWrongNanpLength);
  }
  if (n == 11 && digits[0] == 1) return ClassifyNanpDigits(digits + 1, value);
  return ClassifyInternational(digits, n, /*numeric=*/false);
}

ParsedNumber ClassifyE164(uint64_t e164) {
  if (e164 == 0) return Malformed(kNoDigits);
  if (e164 > kMaxE164) return Malformed(kTooManyDigits);
  if (e164 >= kNanpBase && e164 < 2 * kNanpBase) return ClassifyNanp(e164);
  uint8_t digits[15];
  int n = 0;
  for (uint64_t v = e164; v != 0; v /= 10) digits[n++] = v % 10;
  for (int i = 0; i < n / 2; ++i) {
    const uint8_t t = digits[i];
    digits[i] = digits[n - 1 - i];
    digits[n - 1 - i] = t;
  }
  return ClassifyInternational(digits, n, /*numeric=*/true);
}

std::string FormatE164(uint64_t e164) {
  char buf[21];
  char* p = buf + sizeof(buf);
  do {
    *--p = static_cast<char>('0' + e164 % 10);
    e164 /= 10;
  } while (e164 != 0);
  *--p = '+';
  return std::string(p, buf + sizeof(buf) - p);
}

bool HasCountryCode(uint64_t e164, uint32_t country_code) {
  if (country_code == 0) return false;
  while (e164 > country_code) e164 /= 10;  // Drop trailing digits.
  return e164 == country_code;
}

uint32_t CountryCodeOf(uint64_t e164) {
  // The two-digit ITU-T E.164 country codes; every other code not starting
  // with 1 or 7 has three digits.
  static constexpr uint8_t kTwoDigitCodes[] = {
      20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46,
      47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63,
      64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98};
  if (e164 == 0) return 0;
  // Reduce to the leading three digits (or fewer for very short numbers).
  uint64_t lead = e164;
  while (lead >= 1000) lead /= 10;
  uint64_t first = lead;
  while (first >= 10) first /= 10;
  if (first == 1 || first == 7) return static_cast<uint32_t>(first);
  if (lead < 10) return static_cast<uint32_t>(lead);
  const uint32_t two = static_cast<uint32_t>(lead >= 100 ? lead / 10 : lead);
  const bool two_digit =
      std::binary_search(std::begin(kTwoDigitCodes), std::end(kTwoDigitCodes),
                         static_cast<uint8_t>(two));
  if (two_digit || lead < 100) return two;
  return static_cast<uint32_t>(lead);
}

}  // namespace dnc
