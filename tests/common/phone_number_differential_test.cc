// Differential test: ParsePhoneNumber against libphonenumber 8.12.57
// (PhoneNumberUtil::Parse with default region "US", then IsValidNumber), on
// generated lead-list inputs (fixed seed).
//
// Each input gets our outcome (kValid/kInvalid/kMalformed + key) and
// libphonenumber's (valid + E.164 key / parsed but not valid / parse error).
// Agreement: both reject, or both accept with the same E.164 digits. Every
// disagreement must fall into one of the intended differences below; each
// category's predicate checks the explanation (e.g. that removing the letters
// makes the two agree), it does not just match the symptom. Anything else
// fails the test with examples.
//
// Absolute rules (never a category):
//  - libphonenumber valid and we return a key (kValid or kInvalid): same key.
//  - we say kValid for a +1 number: its NPA and NXX obey the NANP rules of
//    docs/numbers.md (checked by an independent oracle below), and
//    ClassifyE164 agrees.
//
// Inputs: NANP numbers with NPA/NXX/line digits drawn across all ranges
// (every rule is hit) in every lead-list shape; international numbers built
// from libphonenumber's example number for every region and type (last
// digits randomised), also with the region's trunk prefix written after the
// country code ("+44 (0)20...", "+7 8 495..."), which checks the trunk table
// in common/phone_number.cc; those two mutated (letters, vanity words,
// dropped/extra digits, punctuation, Unicode look-alikes); and garbage.
//
// Intended differences (categories):
//  lpn-unassigned-npa    We kValid, libphonenumber not: the area code is not
//                        assigned in libphonenumber's metadata (8.12.57). We
//                        accept every structurally assignable NPA: new area
//                        codes open every year and the registry, not a
//                        compiled-in table, says which numbers exist.
//  lpn-exchange-metadata We kValid, libphonenumber not, although the area
//                        code is assigned there: its metadata also restricts
//                        exchanges within some area codes (e.g. +1 649 946
//                        XXXX is valid to it, +1 649 458 XXXX not).
//  idd-00                We read "00" (ITU) as an international prefix as
//                        well as "011"; libphonenumber with region US knows
//                        only 011, so "001 202 555 1234" is not valid to it.
//  intl-structural       We kValid a non-+1 number: outside NANP we check
//                        only structure (country code, 7-15 digits);
//                        libphonenumber checks the country's plan.
//  fictional-555         We kInvalid 555-0100..555-0199 (fictional numbers);
//                        libphonenumber accepts them as ordinary lines.
//  lpn-n11-exchange      We kInvalid an N11 exchange (e.g. 202-411-xxxx);
//                        libphonenumber accepts it.
//  lpn-vanity-letters    We kMalformed text with letters; libphonenumber
//                        translates vanity letters (3+ letters, keypad
//                        mapping): a lead-list row with letters is a data
//                        error to us.
//  lpn-drops-letters     We kMalformed text with letters; libphonenumber
//                        silently drops fewer than 3 stray letters.
//  lpn-lenient-chars     We kMalformed a character outside our separator set
//                        (e.g. '*', '[', '~', ',', '_') or a junk prefix or
//                        suffix; libphonenumber ignores it.
//  lpn-unicode           We kMalformed non-ASCII text (fullwidth digits, NBSP,
//                        Unicode dashes); libphonenumber normalises them.
//  lpn-misplaced-plus    We kMalformed a '+' that is not at the start;
//                        libphonenumber drops it.
//  lpn-lenient-extension We kMalformed an extension marker not followed by
//                        digits only; libphonenumber drops it or reads a
//                        shorter extension.
//  lpn-nanp-trunk-1      We kMalformed "+1 1 NPA...", "011 1 1 NPA..." or
//                        "1 1 NPA..." (a repeated 1); libphonenumber strips
//                        it.
//  lpn-plus-and-idd      We kMalformed "+011 44 ..." (a '+' and an
//                        international prefix; the country code would start
//                        with 0); libphonenumber drops the prefix.
//  lpn-keeps-zero-after-cc
//                        We drop a 0 written after the country code ("+678
//                        (0)30014") as a trunk prefix; libphonenumber keeps
//                        it where the country has no national prefix, and
//                        then the number is not valid to it.
//  tab-separator         We accept a tab wherever a space goes (lead lists
//                        are often TSV); libphonenumber rejects tabs. With
//                        spaces instead the two agree or differ by design.
//  lpn-ca-310            libphonenumber accepts Canada's 7-digit 310-XXXX
//                        service numbers (+1 310 XXXX); a NANP key has 10
//                        digits.
//  lpn-exchange-0-1      libphonenumber's metadata accepts a few numbers
//                        whose exchange starts with 0 or 1 (e.g. Dominican
//                        toll-free 800-1XX-XXXX); our NANP rule
//                        (docs/numbers.md) rejects them.
//  lpn-completes-local   We kMalformed a local number written after a
//                        country code (Norfolk Island 5 digits, Madagascar 7,
//                        San Marino 6); libphonenumber prefixes the area code.
//  lpn-over-15-digits    We kMalformed more than 15 digits (the E.164
//                        maximum); libphonenumber's metadata has longer
//                        numbers (e.g. German +49 800 with 14-digit national
//                        numbers).
//  lpn-short-international
//                        We kMalformed fewer than 7 digits (our rule);
//                        libphonenumber accepts some short numbers (e.g.
//                        Iran's +98 96XX).
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/phone_number.h"
#include "gtest/gtest.h"

namespace dnc {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

constexpr int kNumInputs = 120000;
constexpr uint64_t kSeed = 0x5eed2026;

// --- Outcomes. --------------------------------------------------------------

enum class Lpn { kValid, kNotValid, kError };

struct LpnOutcome {
  Lpn result = Lpn::kError;
  uint64_t e164 = 0;  // Set for kValid and kNotValid.
};

const PhoneNumberUtil& Util() { return *PhoneNumberUtil::GetInstance(); }

uint64_t DigitsOf(const std::string& s) {
  uint64_t v = 0;
  int n = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<uint64_t>(c - '0');
      if (++n > 19) return 0;
    }
  }
  return v;
}

LpnOutcome RunLpn(const std::string& text) {
  LpnOutcome out;
  PhoneNumber number;
  if (Util().Parse(text, "US", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return out;
  }
  std::string e164;
  Util().Format(number, PhoneNumberUtil::E164, &e164);
  out.e164 = DigitsOf(e164);
  out.result = Util().IsValidNumber(number) ? Lpn::kValid : Lpn::kNotValid;
  return out;
}

bool LpnValidKey(uint64_t key) {
  return RunLpn(FormatE164(key)).result == Lpn::kValid;
}

// --- Independent oracle for the NANP rules (docs/numbers.md), digits as text.

bool NanpRulesHold(const std::string& d) {  // d = "1NPANXXXXXX".
  if (d.size() != 11 || d[0] != '1') return false;
  const std::string npa = d.substr(1, 3), nxx = d.substr(4, 3);
  const std::string line = d.substr(7, 4);
  if (npa[0] < '2') return false;
  if (npa[1] == '1' && npa[2] == '1') return false;
  if (npa[1] == '9') return false;
  if (npa.substr(0, 2) == "37" || npa.substr(0, 2) == "96") return false;
  if (nxx[0] < '2') return false;
  if (nxx[1] == '1' && nxx[2] == '1') return false;
  if (nxx == "555" && line >= "0100" && line <= "0199") return false;
  return true;
}

// --- Input generation. ------------------------------------------------------

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) { LoadExamples(); }

  std::string Next() {
    const int kind = Uniform(100);
    if (kind < 52) return Nanp();
    if (kind < 70) return International();
    if (kind < 96) return Mutate(Uniform(4) == 0 ? International() : Nanp());
    return Garbage();
  }

 private:
  int Uniform(int n) { return static_cast<int>(rng_() % n); }
  char Digit() { return static_cast<char>('0' + Uniform(10)); }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += Digit();
    return s;
  }
  std::string Pick(const std::vector<std::string>& v) {
    return v[Uniform(static_cast<int>(v.size()))];
  }

  // NPA, NXX and line digits across all ranges, biased so that every rule
  // (and the valid space) is hit often.
  std::string Npa() {
    const int r = Uniform(100);
    if (r < 5) return Pick({"800", "833", "844", "855", "866", "877", "888"});
    if (r < 45) return Digits(3);
    return std::string(1, static_cast<char>('2' + Uniform(8))) + Digits(2);
  }
  std::string Nxx() {
    if (Uniform(100) < 25) return Digits(3);
    return std::string(1, static_cast<char>('2' + Uniform(8))) + Digits(2);
  }

  std::string Nanp() {
    const std::string npa = Npa();
    std::string nxx = Nxx(), line = Digits(4);
    if (Uniform(100) < 8) {
      nxx = "555";
      if (Uniform(2) == 0) line = "01" + Digits(2);
    }
    const std::string t = npa + "-" + nxx + "-" + line;
    switch (Uniform(22)) {
      case 0:
        return "(" + npa + ") " + nxx + "-" + line;
      case 1:
        return npa + "." + nxx + "." + line;
      case 2:
        return "+1 " + npa + " " + nxx + " " + line;
      case 3:
        return "1-" + t;
      case 4:
        return npa + nxx + line + " x" + Digits(1 + Uniform(4));
      case 5:
        return t + " ext. " + Digits(1 + Uniform(4));
      case 6:
        return "\"" + t + "\"";
      case 7:
        return "'" + t + "'";
      case 8:
        return " \t" + t + "\t ";
      case 9:
        return "tel:+1-" + t;
      case 10:
        return "+1 (" + npa + ") " + nxx + "-" + line;
      case 11:
        return "001 " + npa + " " + nxx + " " + line;
      case 12:
        return "011 1 " + npa + " " + nxx + " " + line;
      case 13:
        return npa + nxx + line;
      case 14:
        return "1" + npa + nxx + line;
      case 15:
        return "+1" + npa + nxx + line;
      case 16:
        return npa + "/" + nxx + "-" + line;
      case 17:
        return t + " #" + Digits(2);
      case 18:
        return "tel:+1-" + t + ";ext=" + Digits(3);
      case 19:
        return nxx + "-" + line;  // A 7-digit local number.
      case 20:
        return "1 (" + npa + ") " + nxx + "-" + line;
      default:
        return t;
    }
  }

  // Real national numbers of every region libphonenumber knows (its example
  // numbers with the last digits randomised), in the international shapes,
  // sometimes with the region's trunk prefix written after the country code.
  void LoadExamples() {
    std::set<std::string> regions;
    Util().GetSupportedRegions(&regions);
    for (const std::string& region : regions) {
      if (region == "US") continue;  // NANP is covered above.
      for (int t = 0; t <= PhoneNumberUtil::VOICEMAIL; ++t) {
        PhoneNumber number;
        if (!Util().GetExampleNumberForType(
                region, static_cast<PhoneNumberUtil::PhoneNumberType>(t),
                &number)) {
          continue;
        }
        Example ex;
        ex.cc = std::to_string(number.country_code());
        Util().GetNationalSignificantNumber(number, &ex.nsn);
        Util().GetNddPrefixForRegion(region, /*strip_non_digits=*/true,
                                     &ex.trunk);
        examples_.push_back(ex);
      }
    }
  }

  std::string International() {
    const Example& ex = examples_[Uniform(static_cast<int>(examples_.size()))];
    std::string nsn = ex.nsn;
    const int keep = std::max(2, static_cast<int>(nsn.size()) - 4);
    for (size_t i = keep; i < nsn.size(); ++i) nsn[i] = Digit();
    // Group the national number like a person would.
    std::string grouped;
    for (size_t i = 0; i < nsn.size(); ++i) {
      if (i > 0 && i % 3 == 0 && Uniform(2) == 0) grouped += ' ';
      grouped += nsn[i];
    }
    const std::string trunk = ex.trunk.empty() ? "0" : ex.trunk;
    switch (Uniform(9)) {
      case 0:
        return "+" + ex.cc + " " + grouped;
      case 1:
        return "011 " + ex.cc + " " + grouped;
      case 2:
        return "00" + ex.cc + " " + grouped;
      case 3:
        return "+" + ex.cc + " (" + trunk + ")" + grouped;
      case 4:
        return "+" + ex.cc + " " + trunk + grouped;
      case 5:
        return "+" + ex.cc + nsn;
      case 6:
        return "tel:+" + ex.cc + "-" + nsn;
      case 7:
        return "\"+" + ex.cc + " " + grouped + "\"";
      default:
        return "+" + ex.cc + "-" + grouped;
    }
  }

  std::string Mutate(std::string s) {
    static const std::string kPunct = " -.()/_*,;:!?[]{}~@&=\"'#+xX\t";
    static const std::vector<std::string> kUnicode = {
        "\xC2\xA0",      // NBSP
        "\xE2\x80\x93",  // en dash
        "\xEF\xBC\x91",  // fullwidth 1
        "\xEF\xBC\x95",  // fullwidth 5
        "\xE3\x80\x80",  // ideographic space
    };
    const int mutations = 1 + Uniform(2);
    for (int m = 0; m < mutations && !s.empty(); ++m) {
      const size_t pos =
          static_cast<size_t>(Uniform(static_cast<int>(s.size()) + 1));
      switch (Uniform(10)) {
        case 0:  // Insert a letter.
          s.insert(pos, 1, static_cast<char>('a' + Uniform(26)));
          break;
        case 1:  // Vanity: the last 4 digits as letters.
          for (int i = static_cast<int>(s.size()) - 1, k = 0; i >= 0 && k < 4;
               --i) {
            if (s[i] >= '0' && s[i] <= '9') {
              s[i] = static_cast<char>('A' + Uniform(26));
              ++k;
            }
          }
          break;
        case 2:  // Drop a digit.
        case 3: {
          std::vector<size_t> digits;
          for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] >= '0' && s[i] <= '9') digits.push_back(i);
          }
          if (!digits.empty())
            s.erase(digits[Uniform(static_cast<int>(digits.size()))], 1);
          break;
        }
        case 4:  // Extra digit.
        case 5:
          s.insert(pos, 1, Digit());
          break;
        case 6:  // Random punctuation.
        case 7:
          s.insert(pos, 1, kPunct[Uniform(static_cast<int>(kPunct.size()))]);
          break;
        case 8:  // Replace a character with printable ASCII.
          if (pos < s.size()) s[pos] = static_cast<char>(' ' + Uniform(95));
          break;
        default:  // Unicode look-alikes.
          s.insert(pos, Pick(kUnicode));
          break;
      }
    }
    return s;
  }

  std::string Garbage() {
    switch (Uniform(6)) {
      case 0:
        return Digits(1 + Uniform(20));
      case 1:
        return Pick({"", " ", "\"\"", "n/a", "N/A", "none", "-", "()",
                     "unknown", "TBD", "+", "x123", "000-000-0000"});
      case 2:
        return "1-800-" + Pick({"FLOWERS", "CALLNOW", "GOFEDEX"});
      default: {
        std::string s;
        const int n = Uniform(20);
        for (int i = 0; i < n; ++i) s += static_cast<char>(' ' + Uniform(95));
        return s;
      }
    }
  }

  struct Example {
    std::string cc, nsn, trunk;
  };
  std::mt19937_64 rng_;
  std::vector<Example> examples_;
};

// --- Categorisation. --------------------------------------------------------

// Every area code (200-999) for which libphonenumber knows at least one valid
// number.
const std::set<int>& LpnKnownNpas() {
  static const std::set<int> npas = [] {
    std::set<int> s;
    for (int npa = 200; npa <= 999; ++npa) {
      for (int nxx : {201, 234, 255, 300, 345, 456, 567, 678, 789, 890, 987}) {
        const uint64_t key =
            10'000'000'000ULL + npa * 10'000'000ULL + nxx * 10'000ULL + 4567;
        if (LpnValidKey(key)) {
          s.insert(npa);
          break;
        }
      }
    }
    return s;
  }();
  return npas;
}

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Extension markers as libphonenumber reads them ("x", "ext", '#', ';', ','
// and '~' after a digit). Returns the text before the k-th one (k >= 1), or
// "" if there are fewer: "what if the extension started there".
std::string BeforeExtension(const std::string& s, int k) {
  bool seen_digit = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') seen_digit = true;
    if (!seen_digit) continue;
    if (c == 'x' || c == 'X' || c == '#' || c == ';' || c == ',' || c == '~' ||
        ((c == 'e' || c == 'E') && i + 1 < s.size() &&
         (s[i + 1] == 'x' || s[i + 1] == 'X'))) {
      if (--k == 0) return s.substr(0, i);
    }
  }
  return "";
}
char KeypadDigit(char c) {
  static const char* kMap = "22233344455566677778889999";
  const char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return kMap[u - 'A'];
}

std::string ReplaceUnicode(std::string s) {
  const std::pair<const char*, const char*> kMap[] = {{"\xC2\xA0", " "},
                                                      {"\xE2\x80\x93", "-"},
                                                      {"\xEF\xBC\x91", "1"},
                                                      {"\xEF\xBC\x95", "5"},
                                                      {"\xE3\x80\x80", " "}};
  for (const auto& [from, to] : kMap) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from)) {
      s.replace(p, std::string(from).size(), to);
    }
  }
  return s;
}

// Drops everything before the first digit or '+' (libphonenumber starts
// reading there), then every character that is not a digit, a letter or one
// of our separators.
std::string WithoutJunk(const std::string& s) {
  const size_t start = s.find_first_of("0123456789+");
  if (start == std::string::npos) return "";
  std::string out;
  for (size_t i = start; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || IsLetter(c) || c == ' ' || c == '-' ||
        c == '.' || c == '(' || c == ')' || c == '/' ||
        (c == '+' && i == start)) {
      out += c;
    }
  }
  return out;
}  // The leniencies of libphonenumber's parser, as text transformations. A
// disagreement where we reject is explained if some combination of them turns
// the text into one we read with libphonenumber's key.
std::string StripTelPrefix(const std::string& s) {
  size_t i = s.find_first_not_of(" \t\"'");
  if (i == std::string::npos) return s;
  if (s.size() - i >= 4 && (s[i] == 't' || s[i] == 'T') &&
      (s[i + 1] == 'e' || s[i + 1] == 'E') &&
      (s[i + 2] == 'l' || s[i + 2] == 'L') && s[i + 3] == ':') {
    return s.substr(0, i) + s.substr(i + 4);
  }
  return s;
}

enum LetterMode { kKeepLetters, kKeypadLetters, kDropLetters };

std::string Letters(const std::string& s, LetterMode mode) {
  if (mode == kKeepLetters) return s;
  std::string out;
  for (char c : StripTelPrefix(s)) {
    if (!IsLetter(c)) {
      out += c;
    } else if (mode == kKeypadLetters) {
      out += KeypadDigit(c);
    }
  }
  return out;
}

// libphonenumber strips a repeated leading 1 (country code or trunk prefix)
// of a NANP number: "+1 1 NPA...", "011 1 1 NPA...", "1 1 NPA...". Drops
// `count` 1s after the country code (or at the start of a national number).
std::string DropRepeatedNanpOne(const std::string& s, int count) {
  std::vector<size_t> pos;  // Positions of the digits.
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') pos.push_back(i);
  }
  if (pos.empty()) return s;
  std::string digits;
  for (size_t p : pos) digits += s[p];
  size_t skip = 0;  // Digits before the 1s to drop.
  if (pos[0] > 0 && s[pos[0] - 1] == '+') {
    if (digits[0] != '1') return s;
    skip = 1;
  } else if (digits.rfind("0111", 0) == 0) {
    skip = 4;
  } else if (digits.rfind("001", 0) == 0) {
    skip = 3;
  }
  if (digits.size() < skip + count) return s;
  std::string out = s;
  for (int k = count - 1; k >= 0; --k) {
    if (digits[skip + k] != '1') return s;
    out.erase(pos[skip + k], 1);
  }
  return out;
}

// "+011 44 ..." / "+00 44 ...": a '+' and an international prefix together.
// libphonenumber drops the prefix.
std::string DropIddAfterPlus(const std::string& s) {
  const size_t plus = s.find('+');
  if (plus == std::string::npos) return s;
  std::vector<size_t> pos;
  for (size_t i = plus; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') pos.push_back(i);
  }
  std::string digits;
  for (size_t p : pos) digits += s[p];
  int n = digits.rfind("011", 0) == 0 ? 3 : digits.rfind("00", 0) == 0 ? 2 : 0;
  std::string out = s;
  while (n-- > 0) out.erase(pos[n], 1);
  return out;
}
bool IsLocalNumberProblem(const ParsedNumber& parsed) {
  return parsed.problem != nullptr &&
         std::string(parsed.problem).find("local number") != std::string::npos;
}

// True if `key` ends with the last 5 digits of `text` (a local number that
// libphonenumber completed with an area code).
bool EndsWithDigitsOf(uint64_t key, const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() < 5) return false;
  const std::string tail = digits.substr(digits.size() - 5);
  const std::string k = std::to_string(key);
  return k.size() > tail.size() &&
         k.compare(k.size() - tail.size(), tail.size(), tail) == 0;
}

// Which of libphonenumber's leniencies explain a disagreement.
struct Leniency {
  bool unicode = false;
  bool extension = false;
  LetterMode letters = kKeepLetters;
  bool junk = false;
  int ones = 0;
  bool plus_idd = false;
};

bool LpnLeniencyExplains(const std::string& text, uint64_t lpn_key,
                         Leniency* used) {
  for (int unicode = 0; unicode < 2; ++unicode) {
    const std::string u = unicode ? ReplaceUnicode(text) : text;
    // The text as is, then cut at each extension marker, then without a
    // trailing "digits#" (libphonenumber's "123#" extension form).
    std::vector<std::string> cuts = {u};
    for (int k = 1; !BeforeExtension(u, k).empty(); ++k) {
      cuts.push_back(BeforeExtension(u, k));
    }
    const size_t hash = u.find_last_not_of(" \t\"'");
    if (hash != std::string::npos && u[hash] == '#') {
      size_t start = hash;
      while (start > 0 && u[start - 1] >= '0' && u[start - 1] <= '9') --start;
      cuts.push_back(u.substr(0, start));
    }
    for (size_t ext = 0; ext < cuts.size(); ++ext) {
      const std::string& e = cuts[ext];
      for (int junk = 0; junk < 2; ++junk) {
        const std::string j = junk ? WithoutJunk(StripTelPrefix(e)) : e;
        for (int letters = 0; letters < 3; ++letters) {
          const std::string l = Letters(j, static_cast<LetterMode>(letters));
          for (int ones = 0; ones < 6; ++ones) {
            std::string t = ones % 3 ? DropRepeatedNanpOne(l, ones % 3) : l;
            if (ones >= 3) t = DropIddAfterPlus(t);
            const ParsedNumber parsed = ParsePhoneNumber(t);
            if (parsed.e164 == lpn_key || (IsLocalNumberProblem(parsed) &&
                                           EndsWithDigitsOf(lpn_key, t))) {
              used->unicode = unicode;
              used->extension = ext > 0;
              used->letters = static_cast<LetterMode>(letters);
              used->junk = junk;
              used->ones = ones % 3;
              used->plus_idd = ones >= 3;
              return true;
            }
          }
        }
      }
    }
  }
  return false;
}  // Our key with a '0' inserted after the country code: what libphonenumber
// reads when it keeps a "(0)" we drop.
uint64_t WithZeroAfterCountryCode(uint64_t key) {
  const std::string digits = FormatE164(key).substr(1);
  for (size_t cc_len = 1; cc_len <= 3; ++cc_len) {
    const uint64_t cc = DigitsOf(digits.substr(0, cc_len));
    std::string region;
    Util().GetRegionCodeForCountryCode(static_cast<int>(cc), &region);
    if (region != "ZZ") {
      return DigitsOf(digits.substr(0, cc_len) + "0" + digits.substr(cc_len));
    }
  }
  return 0;
}

// Returns the category name of a disagreement, or "" if none explains it.
std::string CategoriseOne(const std::string& text, const ParsedNumber& ours,
                          const LpnOutcome& lpn) {
  const bool nanp =
      ours.e164 >= 10'000'000'000ULL && ours.e164 < 20'000'000'000ULL;
  if (ours.valid() && lpn.result != Lpn::kValid) {
    // The same digits, given to libphonenumber canonically.
    const bool lpn_rejects_key = !LpnValidKey(ours.e164);
    if (nanp && lpn_rejects_key) {
      const int npa = static_cast<int>(ours.e164 / 10'000'000 % 1000);
      return LpnKnownNpas().count(npa) ? "lpn-exchange-metadata"
                                       : "lpn-unassigned-npa";
    }
    if (!nanp && lpn_rejects_key) return "intl-structural";
    // libphonenumber accepts the key, but not this text.
    std::string digits;
    for (char c : text) {
      if (c >= '0' && c <= '9') digits += c;
      if (c == '+') break;
    }
    if (text.find('+') == std::string::npos && digits.rfind("00", 0) == 0) {
      return "idd-00";
    }
    if (!nanp && lpn.result == Lpn::kNotValid &&
        lpn.e164 == WithZeroAfterCountryCode(ours.e164)) {
      return "lpn-keeps-zero-after-cc";
    }
    return "";
  }
  if (ours.number_class == NumberClass::kInvalid && lpn.result == Lpn::kValid &&
      lpn.e164 == ours.e164) {
    const std::string problem = ours.problem;
    if (problem.find("fictional") != std::string::npos) return "fictional-555";
    if (problem.find("N11 service code used as exchange") !=
        std::string::npos) {
      return "lpn-n11-exchange";
    }
    if (problem.find("exchange code starts with 0 or 1") != std::string::npos) {
      return "lpn-exchange-0-1";
    }
    return "";
  }
  if (ours.number_class == NumberClass::kMalformed &&
      lpn.result == Lpn::kValid) {
    const std::string problem = ours.problem;
    if (IsLocalNumberProblem(ours) && EndsWithDigitsOf(lpn.e164, text)) {
      return "lpn-completes-local";
    }
    if (lpn.e164 / 10'000 == 1310) return "lpn-ca-310";
    if (lpn.e164 < 1'000'000) return "lpn-short-international";
    if (lpn.e164 > 999'999'999'999'999ULL) return "lpn-over-15-digits";
    Leniency used;
    if (!LpnLeniencyExplains(text, lpn.e164, &used)) return "";
    if (used.letters == kKeypadLetters) return "lpn-vanity-letters";
    if (used.letters == kDropLetters ||
        problem.find("letters") != std::string::npos) {
      return "lpn-drops-letters";  // Dropped outright or as junk.
    }
    if (used.unicode) return "lpn-unicode";
    if (used.ones > 0) return "lpn-nanp-trunk-1";
    if (used.plus_idd) return "lpn-plus-and-idd";
    if (problem.find("extension") != std::string::npos) {
      return "lpn-lenient-extension";
    }
    if (problem.find("'+'") != std::string::npos) return "lpn-misplaced-plus";
    if (problem.find("unexpected character") != std::string::npos) {
      return used.extension ? "lpn-lenient-extension" : "lpn-lenient-chars";
    }
    return "";
  }
  return "";
}

std::string Categorise(const std::string& text, const ParsedNumber& ours,
                       const LpnOutcome& lpn) {
  const std::string category = CategoriseOne(text, ours, lpn);
  if (!category.empty()) return category;
  if (text.find('\t') != std::string::npos) {
    // We accept a tab wherever a space goes; libphonenumber does not. If
    // with spaces the two agree or differ by design, that is the reason.
    std::string spaced = text;
    for (char& c : spaced) {
      if (c == '\t') c = ' ';
    }
    const LpnOutcome again = RunLpn(spaced);
    const bool agree = (!ours.valid() && again.result != Lpn::kValid) ||
                       (ours.valid() && again.result == Lpn::kValid &&
                        again.e164 == ours.e164);
    if (agree || !CategoriseOne(spaced, ours, again).empty()) {
      return "tab-separator";
    }
  }
  return "";
}

TEST(PhoneNumberDifferentialTest, AgreesWithLibphonenumberOrDiffersByDesign) {
  Generator gen(kSeed);
  std::map<std::string, int> counts;
  std::map<std::string, std::string> example;
  std::vector<std::string> uncategorised, violations;
  int matrix[3][3] = {};

  for (int i = 0; i < kNumInputs; ++i) {
    const std::string text = gen.Next();
    const ParsedNumber ours = ParsePhoneNumber(text);
    const LpnOutcome lpn = RunLpn(text);
    ++matrix[static_cast<int>(ours.number_class)][static_cast<int>(lpn.result)];
    const std::string shown =
        "[" + text + "] ours=" + (ours.valid() ? "valid" : ours.problem) + " " +
        std::to_string(ours.e164) + " lpn=" +
        (lpn.result == Lpn::kValid      ? "valid"
         : lpn.result == Lpn::kNotValid ? "not-valid"
                                        : "error") +
        " " + std::to_string(lpn.e164);

    // Absolute rules.
    if (lpn.result == Lpn::kValid && ours.e164 != 0 && ours.e164 != lpn.e164) {
      violations.push_back("different key: " + shown);
      continue;
    }
    if (ours.valid()) {
      const std::string digits = FormatE164(ours.e164).substr(1);
      if (digits[0] == '1' && !NanpRulesHold(digits)) {
        violations.push_back("kValid breaks the NANP rules: " + shown);
      }
      if (!ClassifyE164(ours.e164).valid()) {
        violations.push_back("ClassifyE164 disagrees: " + shown);
      }
    }

    std::string category;
    if (!ours.valid() && lpn.result != Lpn::kValid) {
      category = "agree: both reject";
    } else if (ours.valid() && lpn.result == Lpn::kValid) {
      category = "agree: same key";
    } else {
      category = Categorise(text, ours, lpn);
      if (category.empty()) {
        category = "UNCATEGORISED";
        if (uncategorised.size() < 40) uncategorised.push_back(shown);
      }
    }
    // Show the shortest plain (no tab, ASCII) input of each category.
    auto score = [](const std::string& s) {
      bool plain = true;
      for (char c : s) {
        if (c == '\t' || static_cast<unsigned char>(c) >= 0x80) plain = false;
      }
      return s.size() + (plain ? 0 : 1000);
    };
    if (counts[category]++ == 0 || score(shown) < score(example[category])) {
      example[category] = shown;
    }
  }

  std::printf(
      "\nParsePhoneNumber vs libphonenumber 8.12.57 (region US), "
      "%d inputs, seed %#llx\n",
      kNumInputs, static_cast<unsigned long long>(kSeed));
  std::printf("%-24s %8s  %s\n", "category", "count", "example");
  for (const auto& [name, count] : counts) {
    std::printf("%-24s %8d  %s\n", name.c_str(), count, example[name].c_str());
  }
  std::printf("\nours \\ lpn      valid  not-valid      error\n");
  const char* ours_names[] = {"kValid", "kInvalid", "kMalformed"};
  for (int o = 0; o < 3; ++o) {
    std::printf("%-10s %10d %10d %10d\n", ours_names[o], matrix[o][0],
                matrix[o][1], matrix[o][2]);
  }
  std::fflush(stdout);

  EXPECT_TRUE(violations.empty()) << violations.size() << " violations";
  for (size_t i = 0; i < violations.size() && i < 40; ++i) {
    ADD_FAILURE() << violations[i];
  }
  EXPECT_EQ(counts["UNCATEGORISED"], 0);
  for (const std::string& u : uncategorised) ADD_FAILURE() << u;
  // The generator must actually exercise the agreement cases.
  EXPECT_GT(counts["agree: same key"], kNumInputs / 5);
  EXPECT_GT(counts["agree: both reject"], kNumInputs / 5);
}

}  // namespace
}  // namespace dnc
