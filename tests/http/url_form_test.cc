// UrlForm: decoding, order, repeats, and every bound with the message that
// names it.
#include "http/url_form.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::http {
namespace {

using ::testing::HasSubstr;

TEST(UrlFormTest, DecodesPercentAndPlusInOrder) {
  absl::StatusOr<UrlForm> form =
      UrlForm::Parse("phone=%2B1+202-555-1234&b=x%21y&phone=2");
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->fields().size(), 3u);
  EXPECT_EQ(form->fields()[0].name, "phone");
  EXPECT_EQ(form->fields()[0].value, "+1 202-555-1234");
  EXPECT_EQ(form->fields()[1].name, "b");
  EXPECT_EQ(form->fields()[1].value, "x!y");
  EXPECT_EQ(*form->Find("phone"), "+1 202-555-1234");
  EXPECT_EQ(form->Find("missing"), nullptr);
  EXPECT_EQ(form->Find("Phone"), nullptr);  // Names are case-sensitive.
}

TEST(UrlFormTest, DecodesNamesAndBytes) {
  absl::StatusOr<UrlForm> form = UrlForm::Parse("a%20b=%00%ff%Fe");
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->fields().size(), 1u);
  EXPECT_EQ(form->fields()[0].name, "a b");
  EXPECT_EQ(form->fields()[0].value, std::string("\0\xff\xfe", 3));
}

TEST(UrlFormTest, SkipsEmptySegmentsAndKeepsBareNames) {
  absl::StatusOr<UrlForm> form = UrlForm::Parse("&&a=1&&flag&=&c=");
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->fields().size(), 4u);
  EXPECT_EQ(*form->Find("a"), "1");
  EXPECT_EQ(*form->Find("flag"), "");
  EXPECT_EQ(*form->Find(""), "");
  EXPECT_EQ(*form->Find("c"), "");
  EXPECT_TRUE(UrlForm::Parse("")->fields().empty());
}

TEST(UrlFormTest, ValueMayHoldEquals) {
  absl::StatusOr<UrlForm> form = UrlForm::Parse("k=a=b");
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(*form->Find("k"), "a=b");
}

TEST(UrlFormTest, FindUniqueRefusesRepeats) {
  absl::StatusOr<UrlForm> form = UrlForm::Parse("phone=1&phone=2&id=7");
  ASSERT_TRUE(form.ok());
  absl::StatusOr<const std::string*> id = form->FindUnique("id");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(**id, "7");
  absl::StatusOr<const std::string*> none = form->FindUnique("none");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  absl::StatusOr<const std::string*> phone = form->FindUnique("phone");
  EXPECT_EQ(phone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(phone.status().message(),
              HasSubstr("query parameter 'phone' is sent more than once"));
}

TEST(UrlFormTest, RefusesBadPercentNamingTheParameter) {
  for (const char* text : {"phone=12%", "phone=12%4", "phone=%zz1"}) {
    absl::StatusOr<UrlForm> form = UrlForm::Parse(text);
    ASSERT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(form.status().message(), HasSubstr("query parameter 'phone'"));
    EXPECT_THAT(form.status().message(), HasSubstr("two hex digits"));
  }
  absl::StatusOr<UrlForm> name = UrlForm::Parse("a=1&b%g=2");
  EXPECT_THAT(name.status().message(),
              HasSubstr("the name of query parameter 2"));
}

TEST(UrlFormTest, BoundsFieldCount) {
  UrlFormLimits limits;
  limits.max_fields = 3;
  limits.noun = "form field";
  EXPECT_TRUE(UrlForm::Parse("a=1&b=2&c=3", limits).ok());
  absl::StatusOr<UrlForm> form = UrlForm::Parse("a=1&b=2&c=3&d=4", limits);
  EXPECT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(),
              HasSubstr("more than 3 form fields; at most 3"));
}

TEST(UrlFormTest, BoundsValueAndCutsTheEcho) {
  UrlFormLimits limits;
  limits.max_value_bytes = 10;
  EXPECT_TRUE(UrlForm::Parse("phone=1234567890", limits).ok());
  // Encoded longer than the limit, decoded within it.
  EXPECT_TRUE(
      UrlForm::Parse("phone=%31%32%33%34%35%36%37%38%39%30", limits).ok());
  const std::string long_value(100000, '7');
  absl::StatusOr<UrlForm> form = UrlForm::Parse("phone=" + long_value, limits);
  ASSERT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(), HasSubstr("query parameter 'phone'"));
  EXPECT_THAT(form.status().message(), HasSubstr("(100000 bytes)"));
  EXPECT_LT(form.status().message().size(), 300u);
  absl::StatusOr<UrlForm> eleven = UrlForm::Parse("phone=12345678901", limits);
  EXPECT_THAT(eleven.status().message(),
              HasSubstr("is 11 bytes; at most 10 are allowed"));
}

TEST(UrlFormTest, BoundsNameAndCutsTheEcho) {
  UrlFormLimits limits;
  limits.max_name_bytes = 8;
  const std::string long_name(5000, 'n');
  absl::StatusOr<UrlForm> form = UrlForm::Parse(long_name + "=1", limits);
  ASSERT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(form.status().message(),
              HasSubstr("the name of query parameter 1"));
  EXPECT_LT(form.status().message().size(), 300u);
}

TEST(UrlFormTest, PercentDecodeAppends) {
  std::string out = "x";
  EXPECT_TRUE(PercentDecode("a+%41", &out));
  EXPECT_EQ(out, "xa A");
  EXPECT_FALSE(PercentDecode("%4", &out));
}

}  // namespace
}  // namespace dnc::http
