// The documented sample config/dnc-server.flags against the real dnc-server:
// the server starts from it, it names every flag dnc-server has (so it
// cannot fall behind), and a flagfile's errors name the file and the line.
#include <signal.h>

#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using ::testing::HasSubstr;

// The flags dnc-server --help lists, one "  --name (default: ...)" or
// "  --name FILE ..." line each.
std::set<std::string> FlagsInHelp(const std::string& help) {
  std::set<std::string> names;
  for (absl::string_view line : absl::StrSplit(help, '\n')) {
    if (!absl::ConsumePrefix(&line, "  --")) continue;
    names.insert(std::string(line.substr(0, line.find(' '))));
  }
  return names;
}

// The flags the sample sets, "--name=value" or "--name" lines.
std::set<std::string> FlagsInSample(const std::string& text) {
  std::set<std::string> names;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "--")) continue;
    names.insert(std::string(line.substr(0, line.find('='))));
  }
  return names;
}

TEST(ServerFlagfileTest, TheSampleNamesEveryFlagDncServerHas) {
  test::ScratchDir dir;
  const test::RunResult help =
      test::RunProcess({DNC_SERVER_PATH, "--help"}, dir.path());
  ASSERT_EQ(help.exit_code, 0) << help.err;
  std::set<std::string> flags = FlagsInHelp(help.out);
  ASSERT_TRUE(flags.count("data") && flags.count("log_format")) << help.out;
  flags.erase("flagfile");  // The sample is itself a flagfile.
  const std::set<std::string> sample =
      FlagsInSample(test::ReadWholeFile(DNC_SAMPLE_FLAGS));
  for (const std::string& flag : flags) {
    EXPECT_EQ(sample.count(flag), 1u)
        << "dnc-server --" << flag << " is missing from " << DNC_SAMPLE_FLAGS
        << ": add it, with its default and what it does";
  }
  for (const std::string& flag : sample) {
    EXPECT_EQ(flags.count(flag), 1u)
        << DNC_SAMPLE_FLAGS << " names --" << flag
        << ", which dnc-server --help does not list";
  }
}

TEST(ServerFlagfileTest, DncServerStartsFromTheSampleWithItsDirectories) {
  test::ScratchDir dir;
  const std::string port_file = dir.Path("port");
  // The command line after the flagfile overrides the sample's paths and
  // port.
  test::BackgroundProcess server(
      {DNC_SERVER_PATH, "--flagfile", DNC_SAMPLE_FLAGS, "--data", dir.path(),
       "--tenants", dir.Path("tenants"), "--listen", "127.0.0.1:0",
       "--port_file", port_file},
      dir.Path("server"));
  ASSERT_TRUE(server.started());
  ASSERT_GT(test::WaitForPort(port_file), 0) << server.Stderr();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Stderr();
  EXPECT_THAT(server.Stderr(), HasSubstr("event=listen front_end=grpc"));
}

TEST(ServerFlagfileTest, ABadLineIsAUsageErrorNamingTheFileAndLine) {
  test::ScratchDir dir;
  const std::string flags = dir.Path("server.flags");
  std::ofstream(flags) << "# production\n--listen=127.0.0.1:0\n"
                          "--max_batch_entries=lots\n";
  const test::RunResult run =
      test::RunProcess({DNC_SERVER_PATH, "--flagfile", flags, "--data",
                        dir.path(), "--auth=none"},
                       dir.path());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(
      run.err,
      HasSubstr(flags + ":3: bad value 'lots' for --max_batch_entries"));
  EXPECT_THAT(run.err, HasSubstr("Try 'dnc-server --help'."));
}

}  // namespace
}  // namespace dnc
