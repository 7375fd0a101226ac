#include "leadlist/text_format.h"

#include "gtest/gtest.h"

namespace dnc::leadlist {
namespace {

TEST(FormatCountTest, GroupsThousandsWithCommas) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(20115), "20,115");
  EXPECT_EQ(FormatCount(654586), "654,586");
  EXPECT_EQ(FormatCount(1000000), "1,000,000");
}

}  // namespace
}  // namespace dnc::leadlist
