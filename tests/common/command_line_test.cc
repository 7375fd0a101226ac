// ParseCommandLine and --flagfile over real files in a temp directory: the
// line format, the order flags are applied in (a later one wins), nesting,
// and errors that name the file, the line and the value.
#include "common/command_line.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "common/logging.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

ABSL_FLAG(std::string, test_name, "default-name", "A string flag.");
ABSL_FLAG(int32_t, test_count, 1, "An integer flag.");
ABSL_FLAG(bool, test_verbose, false, "A bool flag.");

namespace dnc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CommandLineTest : public ::testing::Test {
 protected:
  ~CommandLineTest() override { SetLogFormat(LogFormat::kText); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.Path(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Resets every flag when the test ends.
  absl::FlagSaver saver_;
  test::ScratchDir dir_;
};

TEST_F(CommandLineTest, CommandLineFlagsInBothFormsAndPositionals) {
  auto parsed = ParseCommandLine({"--test_name=a", "file1", "--test_count", "7",
                                  "-test_verbose", "--", "--not-a-flag"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->positional, ElementsAre("file1", "--not-a-flag"));
  EXPECT_FALSE(parsed->help);
  EXPECT_EQ(absl::GetFlag(FLAGS_test_name), "a");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 7);
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_verbose));
}

TEST_F(CommandLineTest, FlagFileTakesOneFlagPerLineAndIgnoresComments) {
  const std::string file = Write("a.flags",
                                 "# a comment\n"
                                 "\n"
                                 "   --test_name=two words = and more  \r\n"
                                 "\t# an indented comment\n"
                                 "--test_count=42\n"
                                 "--test_verbose\n");
  auto parsed = ParseCommandLine({"--flagfile", file, "positional"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->positional, ElementsAre("positional"));
  EXPECT_EQ(absl::GetFlag(FLAGS_test_name), "two words = and more");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 42);
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_verbose));
}

TEST_F(CommandLineTest, AnEmptyValueAndANegatedBoolInAFlagFile) {
  const std::string file = Write("a.flags", "--test_name=\n--notest_verbose\n");
  auto parsed = ParseCommandLine(
      {"--test_name=set", "--test_verbose", "--flagfile=" + file});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_test_name), "");
  EXPECT_FALSE(absl::GetFlag(FLAGS_test_verbose));
}

TEST_F(CommandLineTest, ALaterFlagWinsWhereverItComesFrom) {
  const std::string first = Write("first.flags", "--test_count=2\n");
  const std::string second =
      Write("second.flags", "--test_count=3\n--test_name=from-second\n");
  auto parsed = ParseCommandLine({"--test_name=before", "--flagfile", first,
                                  "--flagfile", second, "--test_count=4"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  // The file overrides what came before it, the command line after it wins.
  EXPECT_EQ(absl::GetFlag(FLAGS_test_name), "from-second");
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 4);

  ASSERT_TRUE(
      ParseCommandLine({"--flagfile", second, "--flagfile", first}).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 2);
}

TEST_F(CommandLineTest, AFlagFileMayNameAnother) {
  const std::string inner = Write("inner.flags", "--test_count=9\n");
  const std::string outer =
      Write("outer.flags",
            "--test_count=1\n--flagfile=" + inner + "\n--test_verbose\n");
  auto parsed = ParseCommandLine({"--flagfile", outer});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(absl::GetFlag(FLAGS_test_count), 9);
  EXPECT_TRUE(absl::GetFlag(FLAGS_test_verbose));
  // The same file twice in a row is fine: only a cycle is refused.
  EXPECT_TRUE(
      ParseCommandLine({"--flagfile", inner, "--flagfile", inner}).ok());
}

TEST_F(CommandLineTest, AFlagFileThatIncludesItselfIsRefused) {
  const std::string a = dir_.Path("a.flags");
  const std::string b = Write("b.flags", "--flagfile=" + a + "\n");
  Write("a.flags", "--test_count=3\n--flagfile=" + b + "\n");
  auto parsed = ParseCommandLine({"--flagfile", a});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr(b +
                                                   ":1: cannot read "
                                                   "--flagfile " +
                                                   a));
  EXPECT_THAT(parsed.status().message(), HasSubstr("includes itself"));
}

TEST_F(CommandLineTest, ErrorsInAFlagFileNameTheFileTheLineAndTheValue) {
  struct Case {
    std::string text;
    std::string expected;  // After "FILE:3: ".
  };
  const std::vector<Case> cases = {
      {"--no_such_flag=1", "unknown flag '--no_such_flag=1'"},
      {"--test_count=many", "bad value 'many' for --test_count"},
      {"--test_count 5",
       "'--test_count 5': write one flag per line as "
       "--name=value"},
      {"--test_count",
       "flag --test_count needs a value: write "
       "--test_count=VALUE"},
      {"positional.csv",
       "expected one flag per line, as --name=value, not "
       "'positional.csv'"},
      {"--", "expected one flag per line"},
      {"--flagfile=" + dir_.Path("missing.flags"),
       "cannot read --flagfile " + dir_.Path("missing.flags") +
           ": No such file or directory"},
      {"--log_format=yaml", "bad value 'yaml' for --log_format: text or json"},
  };
  for (const Case& c : cases) {
    const std::string file =
        Write("bad.flags", "# comment\n--test_name=ok\n" + c.text + "\n");
    auto parsed = ParseCommandLine({"--flagfile", file});
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(),
                HasSubstr(file + ":3: " + c.expected))
        << c.text;
  }
}

TEST_F(CommandLineTest, AMissingOrUnreadableFlagFileIsAnError) {
  auto missing = ParseCommandLine({"--flagfile", dir_.Path("nope")});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "cannot read --flagfile " +
                                            dir_.Path("nope") +
                                            ": No such file or directory");
  auto directory = ParseCommandLine({"--flagfile", dir_.path()});
  ASSERT_FALSE(directory.ok());
  EXPECT_THAT(directory.status().message(), HasSubstr("it is a directory"));
  auto no_name = ParseCommandLine({"--flagfile"});
  ASSERT_FALSE(no_name.ok());
  EXPECT_THAT(no_name.status().message(),
              HasSubstr("--flagfile needs a file name"));
  auto huge = ParseCommandLine(
      {"--flagfile",
       Write("huge.flags", std::string((size_t{1} << 20) + 1, '#'))});
  ASSERT_FALSE(huge.ok());
  EXPECT_THAT(huge.status().message(), HasSubstr("larger than"));
}

TEST_F(CommandLineTest, HelpInAFlagFileAsksForHelp) {
  const std::string file = Write("help.flags", "--help\n");
  auto parsed = ParseCommandLine({"--flagfile", file, "--unknown_flag"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->help);
  EXPECT_THAT(parsed->positional, IsEmpty());
}

TEST_F(CommandLineTest, LogFormatTakesEffectWhenParsed) {
  ASSERT_TRUE(ParseCommandLine({"--log_format=json"}).ok());
  EXPECT_EQ(GetLogFormat(), LogFormat::kJson);
  ASSERT_TRUE(ParseCommandLine({"--log_format", "text"}).ok());
  EXPECT_EQ(GetLogFormat(), LogFormat::kText);
  auto bad = ParseCommandLine({"--log_format=xml"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "bad value 'xml' for --log_format: text or json");
}

using CommandLineDeathTest = CommandLineTest;

TEST_F(CommandLineDeathTest, AnErrorInAFlagFileExitsWithTheUsageCode) {
  const std::string file = Write("bad.flags", "--test_count=x\n");
  char program[] = "prog";
  char flag[] = "--flagfile";
  std::string path = file;
  char* argv[] = {program, flag, path.data(), nullptr};
  const CommandLineSpec spec{"prog", "usage", "command_line_test.cc"};
  EXPECT_EXIT(ParseCommandLineOrExit(3, argv, spec),
              ::testing::ExitedWithCode(kExitUsage),
              "prog: .*bad.flags:1: bad value 'x' for --test_count");
}

TEST_F(CommandLineDeathTest,
       ALogFormatLaterOnTheCommandLineAppliesToEarlierErrors) {
  char program[] = "prog";
  char bad[] = "--no_such_flag";
  char log_format[] = "--log_format=json";
  char* argv[] = {program, bad, log_format, nullptr};
  const CommandLineSpec spec{"prog", "usage", "command_line_test.cc"};
  EXPECT_EXIT(ParseCommandLineOrExit(3, argv, spec),
              ::testing::ExitedWithCode(kExitUsage),
              "^\\{\"time\":.*\"event\":\"usage_error\",\"message\":"
              "\"unknown flag '--no_such_flag'\".*\"program\":\"prog\"");
}

}  // namespace
}  // namespace dnc
