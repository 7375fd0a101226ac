#include "leadlist/phone_column.h"

#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::leadlist {
namespace {

using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

size_t ColumnOf(const std::vector<std::string>& header, const Rows& sample = {},
                std::string_view flag = "") {
  absl::StatusOr<PhoneColumn> column =
      FindPhoneColumn(&header, sample, flag, header.size());
  EXPECT_TRUE(column.ok()) << column.status();
  return column.ok() ? column->index : 999;
}

TEST(NormalizeHeaderNameTest, IgnoresCaseSpacesUnderscoresAndPunctuation) {
  EXPECT_EQ(NormalizeHeaderName("Phone Number"), "phonenumber");
  EXPECT_EQ(NormalizeHeaderName("PHONE_NUMBER"), "phonenumber");
  EXPECT_EQ(NormalizeHeaderName(" Tel. "), "tel");
  EXPECT_EQ(NormalizeHeaderName("Mobile #"), "mobile");
  EXPECT_EQ(NormalizeHeaderName("contact-number"), "contactnumber");
}

TEST(FindPhoneColumnTest, FindsTheColumnByCommonHeaderNames) {
  EXPECT_EQ(ColumnOf({"Name", "Phone Number", "Email"}), 1u);
  EXPECT_EQ(ColumnOf({"id", "TELEPHONE"}), 1u);
  EXPECT_EQ(ColumnOf({"first", "last", "Mobile #"}), 2u);
  EXPECT_EQ(ColumnOf({"Contact Number", "city"}), 0u);
  EXPECT_EQ(ColumnOf({"name", "cell_phone"}), 1u);
  EXPECT_EQ(ColumnOf({"name", "tel"}), 1u);
  EXPECT_EQ(ColumnOf({"Number"}), 0u);
  EXPECT_EQ(ColumnOf({"email", "phone"}), 1u);
}

TEST(FindPhoneColumnTest, PrefersPhoneOverMobileAndCellWhenSeveralMatch) {
  EXPECT_EQ(ColumnOf({"Mobile", "Cell", "Phone"}), 2u);
  EXPECT_EQ(ColumnOf({"Cell", "Mobile"}), 1u);
}

TEST(FindPhoneColumnTest, FallsBackToContentWhenNoHeaderNameMatches) {
  const Rows sample = {{"Ann", "(202) 555-1234", "20001"},
                       {"Bob", "202.555.1235", "20002"},
                       {"Cy", "garbage", "20003"}};
  const std::vector<std::string> header = {"who", "digits", "zip"};
  absl::StatusOr<PhoneColumn> column = FindPhoneColumn(&header, sample, "", 3);
  ASSERT_TRUE(column.ok()) << column.status();
  EXPECT_EQ(column->index, 1u);
  EXPECT_EQ(column->how, "content");
}

TEST(FindPhoneColumnTest, WithoutAHeaderFindsTheColumnByContent) {
  EXPECT_FALSE(LooksLikeHeader({"Ann", "2025551234"}));
  EXPECT_TRUE(LooksLikeHeader({"name", "digits"}));
  EXPECT_TRUE(LooksLikeHeader({"phone", "2025551234"}));
  const Rows sample = {{"Ann", "x", "+1 202 555 1234"},
                       {"Bob", "y", "415-555-0000"},
                       {"Cy", "z", ""}};
  absl::StatusOr<PhoneColumn> column = FindPhoneColumn(nullptr, sample, "", 3);
  ASSERT_TRUE(column.ok()) << column.status();
  EXPECT_EQ(column->index, 2u);
  EXPECT_EQ(column->name, "column 3");
}

TEST(FindPhoneColumnTest, ColumnFlagSelectsByNameOrByOneBasedIndex) {
  const std::vector<std::string> header = {"name", "Home Phone", "Work"};
  EXPECT_EQ(ColumnOf(header, {}, "Work"), 2u);
  EXPECT_EQ(ColumnOf(header, {}, "home_phone"), 1u);
  EXPECT_EQ(ColumnOf(header, {}, "1"), 0u);
  EXPECT_EQ(ColumnOf(header, {}, "3"), 2u);
  absl::StatusOr<PhoneColumn> no_header =
      FindPhoneColumn(nullptr, {{"a", "b"}}, "2", 2);
  ASSERT_TRUE(no_header.ok());
  EXPECT_EQ(no_header->index, 1u);
}

TEST(FindPhoneColumnTest, BadColumnFlagIsAClearError) {
  const std::vector<std::string> header = {"name", "phone"};
  absl::StatusOr<PhoneColumn> unknown = FindPhoneColumn(&header, {}, "fax", 2);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("\"name\", \"phone\""));
  EXPECT_FALSE(FindPhoneColumn(&header, {}, "0", 2).ok());
  EXPECT_FALSE(FindPhoneColumn(&header, {}, "3", 2).ok());
  EXPECT_FALSE(FindPhoneColumn(nullptr, {{"a"}}, "phone", 1).ok());
}

TEST(FindPhoneColumnTest, NoPhoneColumnIsAnErrorListingTheHeader) {
  const std::vector<std::string> header = {"Name", "Email", "City"};
  absl::StatusOr<PhoneColumn> column = FindPhoneColumn(
      &header, {{"Ann", "a@x.org", "Paris"}, {"Bob", "b@x.org", "Rome"}}, "",
      3);
  EXPECT_EQ(column.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(column.status().message()),
              HasSubstr("\"Name\", \"Email\", \"City\""));
  EXPECT_THAT(std::string(column.status().message()), HasSubstr("--column"));
}

}  // namespace
}  // namespace dnc::leadlist
