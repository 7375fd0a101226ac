// phoneList splitting: 10-digit numbers, NUMBER|ID entries, what answers M,
// and what fails the request.
#include "dnccom/phone_list.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::dnccom {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(PhoneListTest, TenDigitNumbersBecomeNanpKeysInOrder) {
  PhoneList list;
  ASSERT_TRUE(SplitPhoneList("5039367187,7075276405", 10, &list).ok());
  EXPECT_THAT(list.e164, ElementsAre(15039367187ULL, 17075276405ULL));
  EXPECT_THAT(list.phone, ElementsAre("5039367187", "7075276405"));
  EXPECT_THAT(list.ids, IsEmpty());
}

TEST(PhoneListTest, IdsComeOnePerEntryOnceAnyEntryHasOne) {
  PhoneList list;
  ASSERT_TRUE(
      SplitPhoneList("5039367187,7075276405|ACCT-1,2025550123|", 10, &list)
          .ok());
  EXPECT_THAT(list.ids, ElementsAre("", "ACCT-1", ""));
  EXPECT_THAT(list.phone,
              ElementsAre("5039367187", "7075276405", "2025550123"));
  EXPECT_EQ(list.e164[1], 17075276405ULL);
  // An ID may itself hold '|'.
  ASSERT_TRUE(SplitPhoneList("5039367187|a|b", 10, &list).ok());
  EXPECT_THAT(list.ids, ElementsAre("a|b"));
}

TEST(PhoneListTest, AnythingButTenDigitsIsAMalformedEntryEchoedAsSent) {
  PhoneList list;
  ASSERT_TRUE(SplitPhoneList("12025550123,202555012,(202)5550123,20255501x3,,"
                             "+12025550123, 2025550123 ",
                             10, &list)
                  .ok());
  EXPECT_THAT(list.e164, ElementsAre(0, 0, 0, 0, 0, 0, 12025550123ULL));
  EXPECT_THAT(list.phone,
              ElementsAre("12025550123", "202555012", "(202)5550123",
                          "20255501x3", "", "+12025550123", "2025550123"));
}

TEST(PhoneListTest, OneTrailingCommaAndSurroundingWhitespaceAreDropped) {
  PhoneList list;
  ASSERT_TRUE(SplitPhoneList("\r\n2025550123,2125550100,\r\n", 10, &list).ok());
  EXPECT_EQ(list.size(), 2u);
  ASSERT_TRUE(SplitPhoneList("2025550123,,", 10, &list).ok());
  EXPECT_EQ(list.size(), 2u);  // The middle empty entry stays (as M).
}

TEST(PhoneListTest, RefusesAnEmptyListAndTooManyEntries) {
  PhoneList list;
  EXPECT_THAT(SplitPhoneList("", 10, &list).message(),
              HasSubstr("phoneList is empty"));
  EXPECT_THAT(SplitPhoneList(" , ", 10, &list).message(),
              HasSubstr("phoneList is empty"));
  std::string eleven;
  for (int i = 0; i < 11; ++i)
    absl::StrAppend(&eleven, i ? "," : "", "2025550123");
  EXPECT_TRUE(SplitPhoneList(eleven, 11, &list).ok());
  EXPECT_THAT(SplitPhoneList(eleven, 10, &list).message(),
              HasSubstr("phoneList has 11 entries, more than the 10"));
}

TEST(PhoneListTest, RefusesEntriesThatCannotBeEchoedSafely) {
  PhoneList list;
  EXPECT_THAT(SplitPhoneList("2025550123,2025550124|a\"b", 10, &list).message(),
              HasSubstr("phoneList entry 2: ID 'a\"b'"));
  EXPECT_THAT(SplitPhoneList("2025550123|a\x01"
                             "b",
                             10, &list)
                  .message(),
              HasSubstr("phoneList entry 1: ID"));
  EXPECT_THAT(SplitPhoneList(absl::StrCat("2025550123|", std::string(65, 'i')),
                             10, &list)
                  .message(),
              HasSubstr("at most 64 bytes"));
  EXPECT_TRUE(SplitPhoneList(absl::StrCat("2025550123|", std::string(64, 'i')),
                             10, &list)
                  .ok());
  EXPECT_THAT(SplitPhoneList("2025550123,20\"25", 10, &list).message(),
              HasSubstr("phoneList entry 2: number '20\"25' is not echoable"));
  EXPECT_THAT(SplitPhoneList(std::string(65, '9'), 10, &list).message(),
              HasSubstr("phoneList entry 1"));
  // A line break inside an entry (not around it) is refused too.
  EXPECT_FALSE(SplitPhoneList("20255\n50123", 10, &list).ok());
}

}  // namespace
}  // namespace dnc::dnccom
