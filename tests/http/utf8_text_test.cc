// AppendValidUtf8: what the list uploads' output guard keeps and replaces.
#include "http/utf8_text.h"

#include <string>

#include "gtest/gtest.h"

namespace dnc::http {
namespace {

std::string Valid(const std::string& text, bool* was_valid = nullptr) {
  std::string out;
  const bool valid = AppendValidUtf8(text, &out);
  if (was_valid != nullptr) *was_valid = valid;
  return out;
}

TEST(Utf8TextTest, ValidTextIsKeptAsIs) {
  bool valid = false;
  const std::string text = "Zo\xC3\xAB \xE6\x9D\xB1 \xF0\x9F\x98\x80 ok";
  EXPECT_EQ(Valid(text, &valid), text);
  EXPECT_TRUE(valid);
}

TEST(Utf8TextTest, EachBadByteBecomesOneReplacementCharacter) {
  bool valid = true;
  EXPECT_EQ(Valid("a\xFF\xFE"
                  "b",
                  &valid),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
  EXPECT_FALSE(valid);
  // A lead byte without its continuation, at the end and before ASCII.
  EXPECT_EQ(Valid("x\xC3"), "x\xEF\xBF\xBD");
  EXPECT_EQ(Valid("\xE6\x9D"
                  "a"),
            "\xEF\xBF\xBD\xEF\xBF\xBD"
            "a");
}

TEST(Utf8TextTest, OverlongFormsSurrogatesAndTooLargeAreRefused) {
  EXPECT_EQ(Valid("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Valid("\xE0\x80\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Valid("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Valid("\xF4\x90\x80\x80"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Valid("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF");  // U+10FFFF.
}

}  // namespace
}  // namespace dnc::http
