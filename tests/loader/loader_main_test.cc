// Runs the real dnc-load binary (DNC_LOAD_BIN) and checks its exit codes and
// output.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/loader/archive_writer.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class LoaderMainTest : public ::testing::Test {
 protected:
  // Runs dnc-load with `args` (already shell-quoted where needed).
  RunResult Run(const std::string& args) {
    const std::string out = dir_.Path("stdout.txt");
    const std::string err = dir_.Path("stderr.txt");
    const std::string command = absl::StrCat(DNC_LOAD_BIN, " ", args, " >", out,
                                             " 2>", err, " </dev/null");
    const int status = std::system(command.c_str());
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = ReadFile(out);
    result.err = ReadFile(err);
    return result;
  }

  std::string Today() {
    // A date certainly not in the future, and fine as a first as-of.
    return "2024-01-01";
  }

  test::ScratchDir dir_;
};

TEST_F(LoaderMainTest, HelpExitsZeroAndDescribesTheFlags) {
  const RunResult result = Run("--help");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("--source"));
  EXPECT_THAT(result.out, HasSubstr("--as_of"));
  EXPECT_THAT(result.out, HasSubstr("--max_rejects"));
  EXPECT_THAT(result.out, HasSubstr("Example"));
  EXPECT_THAT(result.out, HasSubstr("us-ftc"));
  EXPECT_THAT(result.out, HasSubstr("--reject_out_of_coverage"));
}

TEST_F(LoaderMainTest, MissingRequiredFlagsIsAUsageError) {
  const RunResult result = Run("");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("missing --data DIR, --source ID"));
  EXPECT_THAT(result.err, HasSubstr("--help"));
}

TEST_F(LoaderMainTest, MissingInputFilesIsAUsageError) {
  const RunResult result = Run(absl::StrCat(
      "--data ", dir_.Path("data"), " --source us-ftc --as_of 2026-01-01"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("input FILE"));
}

TEST_F(LoaderMainTest, UnknownFlagAndBadValuesAreUsageErrors) {
  EXPECT_EQ(Run("--bogus=1").exit_code, 2);
  const RunResult date =
      Run(absl::StrCat("--data ", dir_.Path("data"),
                       " --source us-ftc --as_of 2026-13-01 x.txt"));
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_THAT(date.err, HasSubstr("--as_of"));
  const RunResult rejects = Run("--max_rejects=lots");
  EXPECT_EQ(rejects.exit_code, 2);
  EXPECT_THAT(rejects.err, HasSubstr("--max_rejects"));
  EXPECT_EQ(Run("--data").exit_code, 2);
}

TEST_F(LoaderMainTest, LoadsAZipAndPrintsTheSummaryAndRejects) {
  const std::string zip = dir_.Path("leads.zip");
  ASSERT_TRUE(
      test::WriteZip(zip, {{"416.txt", "416,2345678\nbogus\n416,2345678\n"},
                           {"905.txt", "905,2345678\r\n\r\n911,2345678\r\n"}}));
  const std::string data = dir_.Path("data");
  const RunResult result = Run(absl::StrCat(
      "--data ", data, " --source ca-dncl --as_of ", Today(), " ", zip));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("generation g000001"));
  EXPECT_THAT(result.out, HasSubstr("lines read:  6"));
  EXPECT_THAT(result.out, HasSubstr("loaded:      2 distinct numbers"));
  EXPECT_THAT(result.out, HasSubstr("duplicate:   1"));
  EXPECT_THAT(result.out, HasSubstr("rejected:    2"));
  EXPECT_THAT(result.out, HasSubstr("blank:       1"));
  EXPECT_THAT(result.out, HasSubstr("lines/s"));
  EXPECT_THAT(result.out,
              HasSubstr(zip + ":416.txt:2: malformed: expected NPA,NXXXXXX "
                              "(no ','): 'bogus'"));
  EXPECT_THAT(result.out, HasSubstr(zip + ":905.txt:3: invalid: "));
  const std::string rejects =
      absl::StrCat(data, "/sources/ca-dncl/g000001/rejects.txt");
  EXPECT_THAT(result.out, HasSubstr(rejects));
  EXPECT_THAT(ReadFile(rejects), HasSubstr("'bogus'"));
  // stderr is not a terminal here: no progress lines.
  EXPECT_THAT(result.err, Not(HasSubstr("reading")));
}

TEST_F(LoaderMainTest, FailedLoadExitsOneWithAnActionableMessage) {
  const std::string input = dir_.Path("in.txt");
  ASSERT_TRUE(test::WritePlainFile(input, "212,2345678\nx\ny\n"));
  const RunResult result = Run(
      absl::StrCat("--data ", dir_.Path("data"), " --source us-ftc --as_of ",
                   Today(), " --max_rejects 1 ", input));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("max_rejects"));
  EXPECT_THAT(result.err, HasSubstr(input + ":2"));

  const RunResult future =
      Run(absl::StrCat("--data ", dir_.Path("data"),
                       " --source us-ftc --as_of 2999-01-01 ", input));
  EXPECT_EQ(future.exit_code, 1);
  EXPECT_THAT(future.err, HasSubstr("future"));

  const RunResult missing = Run(
      absl::StrCat("--data ", dir_.Path("data"), " --source us-ftc --as_of ",
                   Today(), " ", dir_.Path("nope.txt")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.txt"));
}

TEST_F(LoaderMainTest, UnknownSourceNeedsItsSettingsSpelledOut) {
  const std::string input = dir_.Path("in.txt");
  ASSERT_TRUE(test::WritePlainFile(input, "(212) 234-5678\n"));
  const std::string base = absl::StrCat("--data ", dir_.Path("data"),
                                        " --source tx-state --as_of ", Today());
  const RunResult bare = Run(absl::StrCat(base, " ", input));
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_THAT(bare.err, HasSubstr("--jurisdiction"));
  const RunResult full = Run(absl::StrCat(
      base, " --jurisdiction US-TX --country_codes 1 --max_age_days 90 ",
      input));
  EXPECT_EQ(full.exit_code, 0) << full.err;
  EXPECT_THAT(full.out, HasSubstr("loaded:      1 distinct"));
}

// The finding: an FTC-format file with Canadian, Caribbean and unassigned
// area codes loaded into us-ftc said "rejected: 0" and nothing else.
TEST_F(LoaderMainTest, OutOfCoverageLinesAreCountedSampledAndWarnedAbout) {
  const std::string input = dir_.Path("ftc.txt");
  ASSERT_TRUE(test::WritePlainFile(
      input, "212,2345678\n416,2345678\n876,2345678\n222,2345678\n"));
  const std::string data = dir_.Path("data");
  const RunResult result = Run(absl::StrCat(
      "--data ", data, " --source us-ftc --as_of ", Today(), " ", input));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("loaded:      4 distinct numbers"));
  EXPECT_THAT(result.out, HasSubstr("rejected:    0"));
  EXPECT_THAT(result.out,
              HasSubstr("out of coverage: 3 (loaded, but never answered from "
                        "this source)"));
  EXPECT_THAT(result.out,
              HasSubstr(input + ":2: out of coverage: area code 416 is in "
                                "CA-ON, not covered by us-ftc (US): "
                                "'416,2345678'"));
  EXPECT_THAT(result.out,
              HasSubstr(input + ":3: out of coverage: area code 876 is in JM, "
                                "not covered by us-ftc (US)"));
  EXPECT_THAT(result.out,
              HasSubstr(input + ":4: out of coverage: area code 222 is "
                                "unassigned (not in the numbering table)"));
  EXPECT_THAT(result.err,
              HasSubstr("warning: 3 of 4 lines are out of us-ftc's coverage "
                        "(CA-ON 1 (416); JM 1 (876); unassigned 1 (222))"));
  const std::string rejects =
      ReadFile(absl::StrCat(data, "/sources/us-ftc/g000001/rejects.txt"));
  EXPECT_THAT(rejects, HasSubstr("# WARNING: 3 line(s) out of coverage of "
                                 "us-ftc: loaded, NOT rejected"));
  EXPECT_THAT(rejects, HasSubstr("# By region: CA-ON 1 (416); JM 1 (876); "
                                 "unassigned 1 (222)"));
}

TEST_F(LoaderMainTest, RejectOutOfCoverageRejectsThemAndLoadsTheCoveredOnes) {
  const std::string input = dir_.Path("ftc.txt");
  ASSERT_TRUE(test::WritePlainFile(
      input, "212,2345678\n416,2345678\n876,2345678\n222,2345678\n"));
  const std::string data = dir_.Path("data");
  const RunResult result =
      Run(absl::StrCat("--data ", data, " --source us-ftc --as_of ", Today(),
                       " --reject_out_of_coverage ", input));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("loaded:      1 distinct numbers"));
  EXPECT_THAT(result.out, HasSubstr("rejected:    3"));
  EXPECT_THAT(result.out, HasSubstr("out of coverage: 3 (rejected: "
                                    "--reject_out_of_coverage)"));
  EXPECT_THAT(result.out, HasSubstr("Rejected lines (first 3 of 3"));
  EXPECT_THAT(result.out, Not(HasSubstr("Out-of-coverage lines, loaded")));
  const std::string rejects =
      ReadFile(absl::StrCat(data, "/sources/us-ftc/g000001/rejects.txt"));
  EXPECT_THAT(rejects, HasSubstr(input + ":2: out of coverage: area code 416 "
                                         "is in CA-ON, not covered by us-ftc "
                                         "(US): '416,2345678'\n"));
  EXPECT_THAT(rejects, HasSubstr(input + ":4: out of coverage: area code 222 "
                                         "is unassigned"));

  // Too many of them fail the load like any other rejects.
  const RunResult strict = Run(absl::StrCat(
      "--data ", dir_.Path("data2"), " --source us-ftc --as_of ", Today(),
      " --reject_out_of_coverage --max_rejects 2 ", input));
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_THAT(strict.err, HasSubstr("max_rejects"));
  EXPECT_THAT(strict.err, HasSubstr("area code 416 is in CA-ON"));
}

}  // namespace
}  // namespace dnc::loader
