#include "loader/reject_log.h"

#include <fstream>
#include <iterator>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

using ::testing::ElementsAre;

TEST(RejectLogTest, FormatRejectIsFileLineReasonQuotedValue) {
  EXPECT_EQ(
      FormatReject({"leads.zip:416.txt", 12, "invalid: N11", "911,2345678"}),
      "leads.zip:416.txt:12: invalid: N11: '911,2345678'");
}

TEST(RejectLogTest, PrintableValueEscapesControlAndNonAsciiBytes) {
  EXPECT_EQ(PrintableValue("a\tb\x01\xff\\"), "a\\x09b\\x01\\xff\\x5c");
  EXPECT_EQ(PrintableValue(""), "");
}

TEST(RejectLogTest, PrintableValueCutsLongValues) {
  const std::string long_value(200, 'z');
  EXPECT_EQ(PrintableValue(long_value),
            std::string(kMaxRejectValueChars, 'z') + "...");
  EXPECT_EQ(PrintableValue(std::string(kMaxRejectValueChars, 'z')),
            std::string(kMaxRejectValueChars, 'z'));
}

TEST(RejectLogTest, WritesEveryRejectAndKeepsTheFirstSamples) {
  test::ScratchDir dir;
  const std::string path = dir.Path("rejects.txt");
  absl::StatusOr<std::unique_ptr<RejectLog>> log = RejectLog::Create(path, 2);
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(
        (*log)->Add("f.txt", i, "malformed: x", "v" + std::to_string(i)).ok());
  }
  ASSERT_TRUE((*log)->Close().ok());
  EXPECT_EQ((*log)->count(), 3u);
  ASSERT_EQ((*log)->samples().size(), 2u);
  EXPECT_EQ((*log)->samples()[1].line, 2u);
  std::ifstream in(path);
  const std::string text(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(text,
            "f.txt:1: malformed: x: 'v1'\nf.txt:2: malformed: x: 'v2'\n"
            "f.txt:3: malformed: x: 'v3'\n");
}

TEST(RejectLogTest, CreateFailsInAMissingDirectory) {
  test::ScratchDir dir;
  EXPECT_FALSE(RejectLog::Create(dir.Path("no/such/dir/rejects.txt"), 1).ok());
}

}  // namespace
}  // namespace dnc::loader
