#include "common/phone_number.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc {
namespace {

constexpr NumberClass kValid = NumberClass::kValid;
constexpr NumberClass kInvalid = NumberClass::kInvalid;
constexpr NumberClass kMalformed = NumberClass::kMalformed;

struct Case {
  std::string_view text;
  NumberClass number_class;
  uint64_t e164;        // 0 for kMalformed.
  const char* problem;  // Substring of the expected problem; nullptr = any.
};

std::string Describe(const ParsedNumber& parsed) {
  const char* names[] = {"kValid", "kInvalid", "kMalformed"};
  return std::string(names[static_cast<int>(parsed.number_class)]) + " " +
         std::to_string(parsed.e164) + " (" +
         (parsed.problem ? parsed.problem : "no problem") + ")";
}

void ExpectCase(const Case& c) {
  SCOPED_TRACE(std::string("input: [") + std::string(c.text) + "]");
  const ParsedNumber parsed = ParsePhoneNumber(c.text);
  EXPECT_EQ(parsed.number_class, c.number_class) << Describe(parsed);
  EXPECT_EQ(parsed.e164, c.e164) << Describe(parsed);
  if (c.number_class == kValid) {
    EXPECT_EQ(parsed.problem, nullptr) << Describe(parsed);
    EXPECT_TRUE(parsed.valid());
  } else {
    ASSERT_NE(parsed.problem, nullptr) << Describe(parsed);
    EXPECT_GT(std::strlen(parsed.problem), 0u);
    EXPECT_FALSE(parsed.valid());
    if (c.problem != nullptr) {
      EXPECT_THAT(parsed.problem, ::testing::HasSubstr(c.problem));
    }
  }
}

TEST(ParsePhoneNumberTest, ReadsEveryLeadListShapeAsTheSameNanpKey) {
  const Case cases[] = {
      {"(202) 555-1234", kValid, 12025551234, nullptr},
      {"202.555.1234", kValid, 12025551234, nullptr},
      {"202-555-1234", kValid, 12025551234, nullptr},
      {"2025551234", kValid, 12025551234, nullptr},
      {"12025551234", kValid, 12025551234, nullptr},
      {"+12025551234", kValid, 12025551234, nullptr},
      {"+1 202 555 1234", kValid, 12025551234, nullptr},
      {"1-202-555-1234", kValid, 12025551234, nullptr},
      {"1 (202) 555-1234", kValid, 12025551234, nullptr},
      {"+1 (202) 555-1234", kValid, 12025551234, nullptr},
      {"202/555-1234", kValid, 12025551234, nullptr},
      {"\"202-555-1234\"", kValid, 12025551234, nullptr},
      {"'202-555-1234'", kValid, 12025551234, nullptr},
      {"  \t202-555-1234\t  ", kValid, 12025551234, nullptr},
      {" \" (202) 555-1234 \" ", kValid, 12025551234, nullptr},
      {"202-555-1234\r\n", kValid, 12025551234, nullptr},
      {"tel:+1-202-555-1234", kValid, 12025551234, nullptr},
      {"TEL:+1-202-555-1234", kValid, 12025551234, nullptr},
      {"tel:+1-202-555-1234;ext=45", kValid, 12025551234, nullptr},
      {"001 202 555 1234", kValid, 12025551234, nullptr},
      {"011 1 202 555 1234", kValid, 12025551234, nullptr},
      {"202 -- 555 .. 1234", kValid, 12025551234, nullptr},
      {"202\t555\t1234", kValid, 12025551234, nullptr},
      {"(202)555-1234", kValid, 12025551234, nullptr},
  };
  for (const Case& c : cases) ExpectCase(c);
}

TEST(ParsePhoneNumberTest, DropsExtensionsInEveryMarkerForm) {
  const Case cases[] = {
      {"2025551234 x12", kValid, 12025551234, nullptr},
      {"2025551234x12", kValid, 12025551234, nullptr},
      {"202-555-1234 X 12", kValid, 12025551234, nullptr},
      {"202-555-1234 ext. 45", kValid, 12025551234, nullptr},
      {"202-555-1234 ext 45", kValid, 12025551234, nullptr},
      {"202-555-1234 EXT45", kValid, 12025551234, nullptr},
      {"202-555-1234 extension 4567", kValid, 12025551234, nullptr},
      {"202-555-1234 Ext: 45", kValid, 12025551234, nullptr},
      {"202-555-1234 #45", kValid, 12025551234, nullptr},
      {"202-555-1234;ext=45", kValid, 12025551234, nullptr},
      {"\"202-555-1234 x12\"", kValid, 12025551234, nullptr},
      {"202-555-1234 x", kMalformed, 0, "extension"},
      {"202-555-1234 ext.", kMalformed, 0, "extension"},
      {"202-555-1234 x12a", kMalformed, 0, "extension"},
      {"202-555-1234 x 1-2", kMalformed, 0, "extension"},
      {"202-555-1234 #", kMalformed, 0, "extension"},
      {"202-555-1234;ext= 45", kMalformed, 0, "extension"},
      {"202-555-1234;ext=", kMalformed, 0, "extension"},
      {"202-555-1234;phone-context=x", kMalformed, 0, "unexpected"},
      {"x12", kMalformed, 0, "letters"},
  };
  for (const Case& c : cases) ExpectCase(c);
}

TEST(ParsePhoneNumberTest, ReadsInternationalNumbersStructurally) {
  const Case cases[] = {
      {"+44 20 7946 0958", kValid, 442079460958, nullptr},
      {"011 44 20 7946 0958", kValid, 442079460958, nullptr},
      {"0044 20 7946 0958", kValid, 442079460958, nullptr},
      {"+33 1 23 45 67 89", kValid, 33123456789, nullptr},
      {"+91 98765 43210", kValid, 919876543210, nullptr},
      {"+861012345678", kValid, 861012345678, nullptr},
      {"+491234", kMalformed, 0, "fewer than 7"},
      {"+4912345", kValid, 4912345, nullptr},
      {"+491234567", kValid, 491234567, nullptr},
      {"+123456789012345678", kMalformed, 0, nullptr},
      {"+4412345678901234", kMalformed, 0, "more than 15"},
      {"+0 44 20 7946 0958", kMalformed, 0, "country code starts with 0"},
      {"+", kMalformed, 0, "no digits"},
      {"011", kMalformed, 0, "no digits after"},
      {"+1 202 555 123", kMalformed, 0, "NANP"},
  };
  for (const Case& c : cases) ExpectCase(c);
}

TEST(ParsePhoneNumberTest,
     DropsANationalTrunkPrefixWrittenAfterTheCountryCode) {
  const Case cases[] = {
      // Trunk 0 (most countries): dropped, as in "+44 (0)20 ...".
      {"+44 (0)20 7946 0958", kValid, 442079460958, nullptr},
      {"+44 020 7946 0958", kValid, 442079460958, nullptr},
      {"+49 (0)30 1234567", kValid, 49301234567, nullptr},
      // Italy's leading 0 is part of the number.
      {"+39 06 6988 1234", kValid, 390669881234, nullptr},
      // Non-zero trunk prefixes, only where the length says it is one.
      {"+7 8 495 123 45 67", kValid, 74951234567, nullptr},
      {"+7 812 123 45 67", kValid, 78121234567, nullptr},
      {"+36 06 1 234 5678", kValid, 3612345678, nullptr},
      {"+52 1 55 1234 5678", kValid, 525512345678, nullptr},
  };
  for (const Case& c : cases) ExpectCase(c);
}

TEST(ParsePhoneNumberTest, ReportsEachNanpRuleAsInvalidWithItsOwnProblem) {
  const Case cases[] = {
      {"(023) 555-1234", kInvalid, 10235551234, "area code starts with 0 or 1"},
      {"(123) 555-1234", kInvalid, 11235551234, "area code starts with 0 or 1"},
      {"(211) 555-1234", kInvalid, 12115551234, "N11"},
      {"(911) 555-1234", kInvalid, 19115551234, "N11"},
      {"(290) 555-1234", kInvalid, 12905551234, "N9X"},
      {"(999) 555-1234", kInvalid, 19995551234, "N9X"},
      {"(370) 555-1234", kInvalid, 13705551234, "37X"},
      {"(379) 555-1234", kInvalid, 13795551234, "37X"},
      {"(960) 555-1234", kInvalid, 19605551234, "96X"},
      {"(969) 555-1234", kInvalid, 19695551234, "96X"},
      {"(202) 055-1234", kInvalid, 12020551234, "exchange code starts"},
      {"(202) 155-1234", kInvalid, 12021551234, "exchange code starts"},
      {"(202) 411-1234", kInvalid, 12024111234,
       "N11 service code used as exchange"},
      {"(202) 555-0100", kInvalid, 12025550100, "fictional"},
      {"(202) 555-0155", kInvalid, 12025550155, "fictional"},
      {"(202) 555-0199", kInvalid, 12025550199, "fictional"},
      {"+1 911 555 1234", kInvalid, 19115551234, "N11"},
      // Just outside the ranges: valid.
      {"(202) 555-0099", kValid, 12025550099, nullptr},
      {"(202) 555-0200", kValid, 12025550200, nullptr},
      {"(202) 554-0150", kValid, 12025540150, nullptr},
      {"(380) 555-1234", kValid, 13805551234, nullptr},
      {"(959) 555-1234", kValid, 19595551234, nullptr},
      {"(212) 555-1234", kValid, 12125551234, nullptr},
      {"(202) 212-1234", kValid, 12022121234, nullptr},
  };
  for (const Case& c : cases) ExpectCase(c);
}

TEST(ParsePhoneNumberTest, AcceptsTollFreeAreaCodes) {
  for (const char* npa : {"800", "833", "844", "855", "866", "877", "888"}) {
    const std::string text = std::string("1-") + npa + "-356-9377";
    const ParsedNumber parsed = ParsePhoneNumber(text);
    EXPECT_TRUE(parsed.valid()) << text << ": " << Describe(parsed);
    EXPECT_EQ(parsed.e164, std::stoull(std::string("1") + npa + "3569377"));
  }
}

TEST(ParsePhoneNumberTest, RejectsGarbageAsMalformedWithASpecificProblem) {
  const Case cases[] = {
      {"", kMalformed, 0, "empty"},
      {"   ", kMalformed, 0, "no digits"},
      {"\"\"", kMalformed, 0, "no digits"},
      {"---", kMalformed, 0, "no digits"},
      {"()", kMalformed, 0, "no digits"},
      {"1-800-FLOWERS", kMalformed, 0, "letters"},
      {"202-555-CALL", kMalformed, 0, "letters"},
      {"202-55a-1234", kMalformed, 0, "letters"},
      {"n/a", kMalformed, 0, "letters"},
      {"unknown", kMalformed, 0, "letters"},
      {"202_555_1234", kMalformed, 0, "unexpected character"},
      {"202*555*1234", kMalformed, 0, "unexpected character"},
      {"202,555,1234", kMalformed, 0, "unexpected character"},
      {"202-555-1234+", kMalformed, 0, "'+'"},
      {"1+202-555-1234", kMalformed, 0, "'+'"},
      {"++1 202 555 1234", kMalformed, 0, "'+'"},
      {"202-555-123", kMalformed, 0, "wrong number of digits for a NANP"},
      {"555-1234", kMalformed, 0, "wrong number of digits for a NANP"},
      {"22025551234", kMalformed, 0, "wrong number of digits for a NANP"},
      {"202-555-12345", kMalformed, 0, "wrong number of digits for a NANP"},
      {"1234567890123456", kMalformed, 0, "more than 15"},
      {"12345678901234567890123456789", kMalformed, 0, "more than 15"},
      {"+12345678901234567890123456789", kMalformed, 0, "more than 15"},
      {"202\xC2\xA0"
       "555 1234",
       kMalformed, 0, "unexpected character"},
      {std::string_view("202\0"
                        "555-1234",
                        12),
       kMalformed, 0, "unexpected"},
  };
  for (const Case& c : cases) ExpectCase(c);
}

// The common shapes ("(202) 555-1234", "+12025551234", ...) take a
// fixed-offset fast path; an extension sends the same text through the
// general scanner. Both must give the same answer for every digit pattern,
// including near-misses of the shapes.
TEST(ParsePhoneNumberTest, FixedShapeFastPathMatchesTheGeneralScanner) {
  std::mt19937_64 rng(7);
  const char* prefixes[] = {"",    "1", "+1", "1-", "1 ", "+1 ",
                            "+1-", "0", "11", "+",  "-"};
  const char* seps[] = {"-", ".", " ", "/", "", "--"};
  for (int i = 0; i < 200000; ++i) {
    std::string digits;
    for (int k = 0; k < 10; ++k) {
      digits += static_cast<char>('0' + rng() % 10);
    }
    if (rng() % 4 == 0) digits[rng() % 10] = ":/ 9-"[rng() % 5];
    const char* a = seps[rng() % 6];
    const char* b = rng() % 4 == 0 ? seps[rng() % 6] : a;
    std::string body;
    switch (rng() % 3) {
      case 0:
        body = digits;
        break;
      case 1:
        body = digits.substr(0, 3) + a + digits.substr(3, 3) + b +
               digits.substr(6);
        break;
      default:
        body = "(" + digits.substr(0, 3) + ")" + (rng() % 5 ? " " : "") +
               digits.substr(3, 3) + b + digits.substr(6);
        break;
    }
    const std::string text = prefixes[rng() % 11] + body;
    const ParsedNumber fast = ParsePhoneNumber(text);
    const ParsedNumber general = ParsePhoneNumber(text + " x1");
    ASSERT_EQ(fast.number_class, general.number_class) << text;
    ASSERT_EQ(fast.e164, general.e164) << text;
    ASSERT_STREQ(fast.problem ? fast.problem : "",
                 general.problem ? general.problem : "")
        << text;
  }
}

TEST(ClassifyE164Test, AppliesTheSameRulesToNumericKeys) {
  struct NumericCase {
    uint64_t e164;
    NumberClass number_class;
    const char* problem;
  };
  const NumericCase cases[] = {
      {12025551234, kValid, nullptr},
      {18005551234, kValid, nullptr},
      {19115551234, kInvalid, "N11"},
      {12905551234, kInvalid, "N9X"},
      {13715551234, kInvalid, "37X"},
      {10235551234, kInvalid, "area code starts with 0 or 1"},
      {12020551234, kInvalid, "exchange code starts"},
      {12029111234, kInvalid, "N11"},
      {12025550142, kInvalid, "fictional"},
      {442079460958, kValid, nullptr},
      {4402079460958, kInvalid, "trunk prefix"},
      {390669881234, kValid, nullptr},
      {1202555123, kMalformed, "NANP"},
      {120255512345, kMalformed, "NANP"},
      {0, kMalformed, nullptr},
      {123456, kMalformed, nullptr},
      {4412345, kValid, nullptr},
      {999999999999999, kValid, nullptr},
      {1000000000000000, kMalformed, "more than 15"},
      {UINT64_MAX, kMalformed, "more than 15"},
  };
  for (const NumericCase& c : cases) {
    SCOPED_TRACE(c.e164);
    const ParsedNumber parsed = ClassifyE164(c.e164);
    EXPECT_EQ(parsed.number_class, c.number_class) << Describe(parsed);
    if (c.number_class == kMalformed) {
      EXPECT_EQ(parsed.e164, 0u);
    } else {
      EXPECT_EQ(parsed.e164, c.e164);
    }
    if (c.problem != nullptr) {
      ASSERT_NE(parsed.problem, nullptr);
      EXPECT_THAT(parsed.problem, ::testing::HasSubstr(c.problem));
    }
  }
}

// ClassifyE164(k) and ParsePhoneNumber(FormatE164(k)) agree on random keys of
// every length: a key is valid as a number iff it is valid as text.
TEST(ClassifyE164Test, AgreesWithParsingTheFormattedKey) {
  std::mt19937_64 rng(20261122);
  for (int i = 0; i < 200000; ++i) {
    const int digits = 1 + static_cast<int>(rng() % 15);
    uint64_t limit = 1;
    for (int d = 0; d < digits; ++d) limit *= 10;
    uint64_t key = rng() % limit;
    if (i % 2 == 0) {  // Half NANP-shaped keys.
      key = 10'000'000'000ULL + rng() % 10'000'000'000ULL;
    }
    if (key == 0) continue;
    const ParsedNumber numeric = ClassifyE164(key);
    const ParsedNumber text = ParsePhoneNumber(FormatE164(key));
    SCOPED_TRACE(FormatE164(key));
    if (numeric.valid()) {
      ASSERT_TRUE(text.valid()) << Describe(text);
      ASSERT_EQ(text.e164, key);
    }
    if (text.valid() && text.e164 == key) {
      ASSERT_TRUE(numeric.valid()) << Describe(numeric);
    }
    if (text.valid()) {
      ASSERT_TRUE(ClassifyE164(text.e164).valid());
    }
    if (numeric.number_class == kInvalid && text.e164 == key) {
      ASSERT_STREQ(numeric.problem, text.problem);
    }
  }
}

TEST(FormatE164Test, WritesAPlusAndEveryDigit) {
  EXPECT_EQ(FormatE164(12025551234), "+12025551234");
  EXPECT_EQ(FormatE164(442079460958), "+442079460958");
  EXPECT_EQ(FormatE164(999999999999999), "+999999999999999");
  EXPECT_EQ(FormatE164(7), "+7");
}

TEST(FormatE164Test, RoundTripsThroughParsePhoneNumber) {
  for (uint64_t key : {12025551234ULL, 18885551234ULL, 442079460958ULL,
                       33123456789ULL, 390669881234ULL, 74951234567ULL}) {
    const ParsedNumber parsed = ParsePhoneNumber(FormatE164(key));
    EXPECT_TRUE(parsed.valid()) << key << ": " << Describe(parsed);
    EXPECT_EQ(parsed.e164, key);
  }
}

TEST(HasCountryCodeTest, IsADigitPrefixTest) {
  EXPECT_TRUE(HasCountryCode(12025551234, 1));
  EXPECT_FALSE(HasCountryCode(12025551234, 44));
  EXPECT_TRUE(HasCountryCode(442079460958, 44));
  EXPECT_TRUE(HasCountryCode(442079460958, 4));  // A digit prefix, not a CC.
  EXPECT_TRUE(HasCountryCode(442079460958, 442));
  EXPECT_FALSE(HasCountryCode(442079460958, 43));
  EXPECT_TRUE(HasCountryCode(3545511234, 354));
  EXPECT_FALSE(HasCountryCode(3545511234, 355));
  EXPECT_FALSE(HasCountryCode(12025551234, 0));
  EXPECT_FALSE(HasCountryCode(0, 1));
  EXPECT_FALSE(HasCountryCode(44, 442));  // Code longer than the number.
  EXPECT_TRUE(HasCountryCode(44, 44));
}

TEST(CountryCodeOfTest, ReadsOneTwoAndThreeDigitCodes) {
  EXPECT_EQ(CountryCodeOf(12025551234), 1u);
  EXPECT_EQ(CountryCodeOf(79161234567), 7u);
  EXPECT_EQ(CountryCodeOf(442071234567), 44u);
  EXPECT_EQ(CountryCodeOf(4930123456), 49u);
  EXPECT_EQ(CountryCodeOf(61212345678), 61u);
  EXPECT_EQ(CountryCodeOf(35312345678), 353u);
  EXPECT_EQ(CountryCodeOf(971501234567), 971u);
  EXPECT_EQ(CountryCodeOf(0), 0u);
}

}  // namespace
}  // namespace dnc
