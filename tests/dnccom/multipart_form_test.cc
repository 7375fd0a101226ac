// multipart/form-data as libcurl's form API (VICIdial's filter script),
// curl -F and browsers send it, and every way a body can be wrong.
#include "dnccom/multipart_form.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::dnccom {
namespace {

using ::testing::HasSubstr;

constexpr char kBoundary[] = "------------------------d74496d66958873e";

// One part as libcurl writes it.
std::string Part(const std::string& name, const std::string& value) {
  return absl::StrCat("--", kBoundary, "\r\nContent-Disposition: form-data; ",
                      "name=\"", name, "\"\r\n\r\n", value, "\r\n");
}

std::string Close() { return absl::StrCat("--", kBoundary, "--\r\n"); }

absl::StatusOr<MultipartForm> Parse(const std::string& body,
                                    const MultipartLimits& limits = {}) {
  return ParseMultipartForm(body, kBoundary, limits);
}

TEST(MultipartBoundaryTest, ReadsTokenAndQuotedBoundaries) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;BOUNDARY=\"a b:c\""),
            "a b:c");
  EXPECT_EQ(*MultipartBoundary(
                "multipart/form-data; charset=utf-8; boundary=x-1; foo=bar"),
            "x-1");
}

TEST(MultipartBoundaryTest, RefusesOtherTypesAndBadBoundaries) {
  EXPECT_THAT(MultipartBoundary("application/json").status().message(),
              HasSubstr("is not multipart/form-data"));
  EXPECT_THAT(MultipartBoundary("multipart/form-data").status().message(),
              HasSubstr("no boundary"));
  EXPECT_THAT(
      MultipartBoundary("multipart/form-data; boundary=").status().message(),
      HasSubstr("1-70"));
  EXPECT_FALSE(MultipartBoundary(absl::StrCat("multipart/form-data; boundary=",
                                              std::string(71, 'a')))
                   .ok());
  EXPECT_TRUE(MultipartBoundary(absl::StrCat("multipart/form-data; boundary=",
                                             std::string(70, 'a')))
                  .ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=a{b").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"abc").ok());
}

TEST(MultipartFormTest, ReadsTheFieldsLibcurlSendsAsViewsIntoTheBody) {
  const std::string body =
      absl::StrCat(Part("loginId", "dnc_KEY"), Part("version", "5"),
                   Part("projId", "P1"), Part("campaignId", "CAMP"),
                   Part("phoneList", "2025550123,2125550100"), Close());
  absl::StatusOr<MultipartForm> form = Parse(body);
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->fields.size(), 5u);
  EXPECT_EQ(form->fields[0].name, "loginId");
  EXPECT_EQ(form->fields[0].value, "dnc_KEY");
  EXPECT_EQ(form->fields[4].name, "phoneList");
  EXPECT_EQ(form->fields[4].value, "2025550123,2125550100");
  EXPECT_FALSE(form->fields[4].has_filename);
  // No copy: the value lies inside the body.
  EXPECT_GE(form->fields[4].value.data(), body.data());
  EXPECT_LT(form->fields[4].value.data(), body.data() + body.size());
}

TEST(MultipartFormTest, IgnoresPreambleEpilogueAndPaddingAndOtherHeaders) {
  const std::string body = absl::StrCat(
      "This is a preamble.\r\n--", kBoundary, "  \r\n",
      "content-disposition: FORM-DATA; name=phoneList; filename=\"leads.txt\""
      "\r\nContent-Type: text/plain\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n",
      "2025550123", "\r\n", Part("output", "json"), "--", kBoundary,
      "--\r\nepilogue\r\n--", kBoundary, "\r\n");
  absl::StatusOr<MultipartForm> form = Parse(body);
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->fields.size(), 2u);
  EXPECT_EQ(form->fields[0].name, "phoneList");
  EXPECT_TRUE(form->fields[0].has_filename);
  EXPECT_EQ(form->fields[0].value, "2025550123");
  EXPECT_EQ(form->fields[1].value, "json");
}

TEST(MultipartFormTest, ValuesMayBeEmptyOrHoldLineBreaksAndDashes) {
  const std::string body = absl::StrCat(
      Part("a", ""), Part("b", "line1\r\nline2\r\n--not-the-boundary\r\n"),
      Close());
  absl::StatusOr<MultipartForm> form = Parse(body);
  ASSERT_TRUE(form.ok()) << form.status();
  ASSERT_EQ(form->fields.size(), 2u);
  EXPECT_EQ(form->fields[0].value, "");
  EXPECT_EQ(form->fields[1].value, "line1\r\nline2\r\n--not-the-boundary\r\n");
}

TEST(MultipartFormTest, UnescapesQuotedNames) {
  const std::string body = absl::StrCat(
      "--", kBoundary, "\r\nContent-Disposition: form-data; name=\"a\\\"b\"",
      "\r\n\r\nv\r\n", Close());
  absl::StatusOr<MultipartForm> form = Parse(body);
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(form->fields[0].name, "a\"b");
}

TEST(MultipartFormTest, AnEmptyFormHasNoFields) {
  absl::StatusOr<MultipartForm> form = Parse(Close());
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_TRUE(form->fields.empty());
}

TEST(MultipartFormTest, ErrorsNameThePart) {
  // The body is cut short inside the second part.
  std::string cut = absl::StrCat(Part("loginId", "k"), "--", kBoundary,
                                 "\r\nContent-Disposition: form-data; "
                                 "name=\"phoneList\"\r\n\r\n2025550123,20255");
  EXPECT_THAT(Parse(cut).status().message(),
              HasSubstr("multipart part 2 (\"phoneList\"): no closing "
                        "delimiter"));
  // No Content-Disposition.
  EXPECT_THAT(
      Parse(absl::StrCat(Part("a", "1"), "--", kBoundary,
                         "\r\nContent-Type: text/plain\r\n\r\nx\r\n", Close()))
          .status()
          .message(),
      HasSubstr("multipart part 2: no Content-Disposition"));
  // No name.
  EXPECT_THAT(Parse(absl::StrCat("--", kBoundary,
                                 "\r\nContent-Disposition: form-data\r\n\r\n"
                                 "x\r\n",
                                 Close()))
                  .status()
                  .message(),
              HasSubstr("multipart part 1: Content-Disposition has no name"));
  // Not form-data.
  EXPECT_THAT(Parse(absl::StrCat("--", kBoundary,
                                 "\r\nContent-Disposition: attachment; "
                                 "name=\"a\"\r\n\r\nx\r\n",
                                 Close()))
                  .status()
                  .message(),
              HasSubstr("'attachment', not form-data"));
  // A header line that is not NAME: VALUE.
  EXPECT_THAT(
      Parse(absl::StrCat("--", kBoundary, "\r\ngarbage\r\n\r\nx\r\n", Close()))
          .status()
          .message(),
      HasSubstr("header line 'garbage' is not NAME: VALUE"));
}

TEST(MultipartFormTest, RefusesABodyWithoutTheBoundary) {
  EXPECT_THAT(ParseMultipartForm("name=value", "XYZ").status().message(),
              HasSubstr("no delimiter '--XYZ'"));
  // The close delimiter is missing after the last part.
  EXPECT_THAT(
      Parse(absl::StrCat(Part("a", "1"), "--", kBoundary)).status().message(),
      HasSubstr("ends after a delimiter"));
}

TEST(MultipartFormTest, RefusesLineFeedOnlyLines) {
  const std::string body = absl::StrCat("--", kBoundary,
                                        "\nContent-Disposition: form-data; "
                                        "name=\"a\"\n\nx\n--",
                                        kBoundary, "--\n");
  EXPECT_FALSE(Parse(body).ok());
  const std::string headers_lf = absl::StrCat(
      "--", kBoundary,
      "\r\nContent-Disposition: form-data; name=\"a\"\n\r\nx\r\n", Close());
  EXPECT_THAT(Parse(headers_lf).status().message(),
              HasSubstr("ends in LF, not CRLF"));
}

TEST(MultipartFormTest, EnforcesItsLimits) {
  MultipartLimits limits;
  limits.max_parts = 2;
  EXPECT_TRUE(
      Parse(absl::StrCat(Part("a", "1"), Part("b", "2"), Close()), limits)
          .ok());
  EXPECT_THAT(Parse(absl::StrCat(Part("a", "1"), Part("b", "2"), Part("c", "3"),
                                 Close()),
                    limits)
                  .status()
                  .message(),
              HasSubstr("more than 2 parts"));

  limits = MultipartLimits();
  limits.max_name_bytes = 4;
  EXPECT_THAT(Parse(absl::StrCat(Part("abcde", "1"), Close()), limits)
                  .status()
                  .message(),
              HasSubstr("field name 'abcde' is longer than 4 bytes"));

  limits = MultipartLimits();
  limits.max_headers_per_part = 2;
  const std::string three_headers = absl::StrCat(
      "--", kBoundary, "\r\nContent-Disposition: form-data; name=\"a\"\r\n",
      "X-One: 1\r\nX-Two: 2\r\n\r\nv\r\n", Close());
  EXPECT_THAT(Parse(three_headers, limits).status().message(),
              HasSubstr("multipart part 1 (\"a\"): more than 2 header lines"));

  limits = MultipartLimits();
  limits.max_header_bytes = 64;
  const std::string long_header = absl::StrCat(
      "--", kBoundary, "\r\nContent-Disposition: form-data; name=\"a\"\r\n",
      "X-Long: ", std::string(100, 'x'), "\r\n\r\nv\r\n", Close());
  EXPECT_THAT(Parse(long_header, limits).status().message(),
              HasSubstr("headers are longer than 64 bytes"));
  EXPECT_TRUE(Parse(long_header).ok());
}

TEST(MultipartFormTest, RefusesTwoNamesOrTwoDispositions) {
  EXPECT_THAT(Parse(absl::StrCat("--", kBoundary,
                                 "\r\nContent-Disposition: form-data; "
                                 "name=\"a\"; name=\"b\"\r\n\r\nx\r\n",
                                 Close()))
                  .status()
                  .message(),
              HasSubstr("two names"));
  EXPECT_THAT(Parse(absl::StrCat("--", kBoundary,
                                 "\r\nContent-Disposition: form-data; "
                                 "name=\"a\"\r\nContent-Disposition: "
                                 "form-data; name=\"b\"\r\n\r\nx\r\n",
                                 Close()))
                  .status()
                  .message(),
              HasSubstr("two Content-Disposition headers"));
}

}  // namespace
}  // namespace dnc::dnccom
