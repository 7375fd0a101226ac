// Lines a source is never consulted for (out of its coverage): an FTC file
// with Canadian, Caribbean and unassigned area codes loaded as us-ftc, a
// state list with another state's numbers. Full loads and change lists count
// and sample them (LoadStats, a warning section in rejects.txt) and still
// load them; LoadOptions::reject_out_of_coverage makes them rejects. The
// loader's notion of coverage (storage::SourceCoverage) is checked against
// the routes dnc-server builds (service::SourceSet) for every area code.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/civil_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/bulk_loader.h"
#include "loader/coverage_report.h"
#include "service/source_set.h"
#include "storage/manifest.h"
#include "storage/source_coverage.h"
#include "storage/source_snapshot.h"
#include "tests/loader/archive_writer.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Verdict = storage::SourceCoverage::Verdict;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// rejects.txt split into reject lines and "# " warning lines.
struct RejectsFile {
  std::vector<std::string> rejects;
  std::vector<std::string> warnings;
};

RejectsFile ReadRejects(const std::string& path) {
  RejectsFile file;
  const std::string text = ReadFile(path);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    (line.rfind("# ", 0) == 0 ? file.warnings : file.rejects)
        .push_back(line.rfind("# ", 0) == 0 ? line.substr(2) : line);
    start = end + 1;
  }
  return file;
}

storage::Manifest Scope(const std::string& source,
                        const std::string& jurisdiction,
                        std::vector<uint32_t> country_codes,
                        std::vector<uint32_t> area_codes = {}) {
  storage::Manifest manifest;
  manifest.source = source;
  manifest.jurisdiction = jurisdiction;
  manifest.country_codes = std::move(country_codes);
  manifest.area_codes = std::move(area_codes);
  return manifest;
}

// +1 NPA 234-5678.
uint64_t Nanp(int npa) { return 10000000000ULL + npa * 10000000ULL + 2345678; }

TEST(SourceCoverageTest, UsFtcCoversUsAreaCodesAndTerritoriesOnly) {
  const storage::SourceCoverage ftc(Scope("us-ftc", "US", {1}));
  EXPECT_EQ(ftc.Check(Nanp(212)), Verdict::kCovered);      // New York.
  EXPECT_EQ(ftc.Check(Nanp(787)), Verdict::kCovered);      // Puerto Rico.
  EXPECT_EQ(ftc.Check(Nanp(800)), Verdict::kCovered);      // Toll-free.
  EXPECT_EQ(ftc.Check(Nanp(416)), Verdict::kOtherRegion);  // Toronto.
  EXPECT_EQ(ftc.Check(Nanp(876)), Verdict::kOtherRegion);  // Jamaica.
  EXPECT_EQ(ftc.Check(Nanp(222)), Verdict::kUnassigned);
  EXPECT_EQ(ftc.Check(442079460958), Verdict::kOtherCountry);
  EXPECT_EQ(ftc.Explain(Nanp(416)),
            "area code 416 is in CA-ON, not covered by us-ftc (US)");
  EXPECT_EQ(ftc.Explain(Nanp(876)),
            "area code 876 is in JM, not covered by us-ftc (US)");
  EXPECT_EQ(ftc.Explain(Nanp(222)),
            "area code 222 is unassigned (not in the numbering table), not "
            "covered by us-ftc (US)");
  EXPECT_EQ(ftc.Explain(442079460958),
            "country code +44 is not covered by us-ftc (+1)");
}

TEST(SourceCoverageTest, StateListCoversItsAreaCodesAndTheOnesItLists) {
  const storage::SourceCoverage tx(Scope("us-tx", "US-TX", {1}));
  EXPECT_EQ(tx.Check(Nanp(214)), Verdict::kCovered);  // Dallas.
  EXPECT_EQ(tx.Check(Nanp(212)), Verdict::kOtherRegion);
  EXPECT_EQ(tx.Explain(Nanp(212)),
            "area code 212 is in US-NY, not covered by us-tx (US-TX)");
  // area_codes widen a list; they never narrow it.
  const storage::SourceCoverage widened(
      Scope("us-tx", "US-TX", {1}, {212, 222}));
  EXPECT_EQ(widened.Check(Nanp(212)), Verdict::kCovered);
  EXPECT_EQ(widened.Check(Nanp(222)), Verdict::kCovered);
  EXPECT_EQ(widened.Check(Nanp(214)), Verdict::kCovered);
  EXPECT_EQ(widened.Check(Nanp(416)), Verdict::kOtherRegion);
  EXPECT_EQ(widened.Explain(Nanp(416)),
            "area code 416 is in CA-ON, not covered by us-tx (US-TX, area "
            "codes 212, 222)");
}

TEST(SourceCoverageTest, OtherSourcesCoverTheirCountryCodes) {
  const storage::SourceCoverage tps(Scope("uk-tps", "GB", {44}));
  EXPECT_EQ(tps.Check(442079460958), Verdict::kCovered);
  EXPECT_EQ(tps.Check(Nanp(212)), Verdict::kOtherCountry);
  EXPECT_EQ(tps.Check(4930123456), Verdict::kOtherCountry);
  EXPECT_EQ(tps.Explain(Nanp(212)),
            "country code +1 is not covered by uk-tps (+44)");
}

class OutOfCoverageTest : public ::testing::Test {
 protected:
  LoadOptions Options(std::vector<std::string> inputs,
                      const std::string& source = "us-ftc",
                      const std::string& as_of = "2026-11-20") {
    LoadOptions options;
    options.data_dir = data_;
    options.source = source;
    options.as_of = *ParseIsoDate(as_of);
    options.today = *ParseIsoDate("2026-11-22");
    options.inputs = std::move(inputs);
    return options;
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.Path(name);
    EXPECT_TRUE(test::WritePlainFile(path, content));
    return path;
  }

  std::vector<uint8_t> Lookup(const std::vector<uint64_t>& keys,
                              const std::string& source = "us-ftc") {
    absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
        storage::SourceSnapshot::OpenCurrent(data_, source);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    std::vector<uint8_t> listed(keys.size(), 0);
    if (!snapshot.ok()) return listed;
    EXPECT_TRUE((*snapshot)->Lookup(keys, absl::MakeSpan(listed)).ok());
    return listed;
  }

  // US (212), Puerto Rico (787), Canada (416), Jamaica (876), unassigned
  // (222), and one malformed line.
  std::string FtcFile() {
    return Write("ftc.txt",
                 "212,2345678\n"    // 1
                 "787,2345678\n"    // 2
                 "416,2345678\n"    // 3
                 "876,2345678\n"    // 4
                 "222,2345678\n"    // 5
                 "bogus\n"          // 6
                 "416,3456789\n");  // 7
  }

  test::ScratchDir dir_;
  const std::string data_ = dir_.Path("data");
};

std::vector<std::string> Where(const std::vector<RejectSample>& samples) {
  std::vector<std::string> where;
  for (const RejectSample& sample : samples) {
    where.push_back(absl::StrCat(sample.line, " ", sample.reason));
  }
  return where;
}

TEST_F(OutOfCoverageTest, FtcFileWithCanadianCaribbeanAndUnassignedIsReported) {
  const std::string input = FtcFile();
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({input}));
  ASSERT_TRUE(stats.ok()) << stats.status();

  // Still loaded (today's behaviour), but counted and sampled.
  EXPECT_EQ(stats->loaded, 6u);
  EXPECT_EQ(stats->rejected, 1u);  // Only "bogus".
  EXPECT_EQ(stats->out_of_coverage, 4u);
  EXPECT_FALSE(stats->out_of_coverage_rejected);
  EXPECT_THAT(
      Where(stats->out_of_coverage_samples),
      ElementsAre(
          "3 out of coverage: area code 416 is in CA-ON, not covered by "
          "us-ftc (US)",
          "4 out of coverage: area code 876 is in JM, not covered by us-ftc "
          "(US)",
          "5 out of coverage: area code 222 is unassigned (not in the "
          "numbering table), not covered by us-ftc (US)",
          "7 out of coverage: area code 416 is in CA-ON, not covered by "
          "us-ftc (US)"));
  EXPECT_EQ(stats->out_of_coverage_samples[0].location, input);
  EXPECT_EQ(stats->out_of_coverage_samples[0].value, "416,2345678");
  EXPECT_EQ(DescribeCoverageGaps(stats->out_of_coverage_by_region),
            "CA-ON 2 (416); JM 1 (876); unassigned 1 (222)");
  ASSERT_EQ(stats->out_of_coverage_by_region.size(), 3u);
  EXPECT_EQ(stats->out_of_coverage_by_region[0].region, "CA-ON");
  EXPECT_EQ(stats->out_of_coverage_by_region[0].lines, 2u);
  EXPECT_THAT(stats->out_of_coverage_by_region[0].area_codes, ElementsAre(416));
  EXPECT_EQ(DescribeCoverageGaps(stats->out_of_coverage_by_region, 1),
            "CA-ON 2 (416); 2 more regions");

  // rejects.txt: the one reject, then a warning section that is not a
  // reject.
  const RejectsFile file = ReadRejects(stats->rejects_path);
  EXPECT_THAT(file.rejects, ElementsAre(HasSubstr(":6: malformed")));
  EXPECT_THAT(file.warnings,
              Contains(HasSubstr("WARNING: 4 line(s) out of coverage of "
                                 "us-ftc: loaded, NOT rejected")));
  EXPECT_THAT(file.warnings,
              Contains("By region: CA-ON 2 (416); JM 1 (876); unassigned 1 "
                       "(222)"));
  EXPECT_THAT(file.warnings,
              Contains(absl::StrCat(
                  "  ", input,
                  ":4: out of coverage: area code 876 is in JM, not covered "
                  "by us-ftc (US): '876,2345678'")));
  EXPECT_THAT(Lookup({Nanp(212), Nanp(787), Nanp(416), Nanp(876)}),
              ElementsAre(1, 1, 1, 1));
}

TEST_F(OutOfCoverageTest, RejectOutOfCoverageRejectsThemAndLoadsTheRest) {
  const std::string input = FtcFile();
  LoadOptions options = Options({input});
  options.reject_out_of_coverage = true;
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();

  EXPECT_EQ(stats->loaded, 2u);    // 212 and 787.
  EXPECT_EQ(stats->rejected, 5u);  // bogus + the four.
  EXPECT_EQ(stats->lines_read,
            stats->blank + stats->loaded + stats->duplicates + stats->rejected);
  EXPECT_EQ(stats->out_of_coverage, 4u);
  EXPECT_TRUE(stats->out_of_coverage_rejected);
  EXPECT_THAT(Where(stats->reject_samples),
              ElementsAre("3 out of coverage: area code 416 is in CA-ON, not "
                          "covered by us-ftc (US)",
                          "4 out of coverage: area code 876 is in JM, not "
                          "covered by us-ftc (US)",
                          "5 out of coverage: area code 222 is unassigned (not "
                          "in the numbering table), not covered by us-ftc (US)",
                          HasSubstr("6 malformed"),
                          "7 out of coverage: area code 416 is in CA-ON, not "
                          "covered by us-ftc (US)"));

  const RejectsFile file = ReadRejects(stats->rejects_path);
  ASSERT_EQ(file.rejects.size(), 5u);
  EXPECT_EQ(file.rejects[0],
            absl::StrCat(input,
                         ":3: out of coverage: area code 416 is in CA-ON, not "
                         "covered by us-ftc (US): '416,2345678'"));
  EXPECT_THAT(file.warnings,
              Contains(HasSubstr("4 line(s) out of coverage of us-ftc: "
                                 "rejected above (--reject_out_of_coverage)")));
  EXPECT_THAT(Lookup({Nanp(212), Nanp(787), Nanp(416), Nanp(876), Nanp(222)}),
              ElementsAre(1, 1, 0, 0, 0));
}

TEST_F(OutOfCoverageTest, RejectedOutOfCoverageLinesCountTowardMaxRejects) {
  LoadOptions options = Options({FtcFile()});
  options.reject_out_of_coverage = true;
  options.max_rejects = 2;
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  EXPECT_TRUE(absl::IsDataLoss(stats.status())) << stats.status();
  EXPECT_THAT(stats.status().message(), HasSubstr("area code 416"));
  EXPECT_FALSE(std::filesystem::exists(data_ + "/sources/us-ftc/CURRENT"));
}

TEST_F(OutOfCoverageTest, ACoveredFileReportsNothing) {
  absl::StatusOr<LoadStats> stats =
      BulkLoad(Options({Write("us.txt", "212,2345678\n787,2345678\n")}));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->out_of_coverage, 0u);
  EXPECT_THAT(stats->out_of_coverage_samples, IsEmpty());
  EXPECT_EQ(DescribeCoverageGaps(stats->out_of_coverage_by_region), "");
  EXPECT_EQ(ReadFile(stats->rejects_path), "");
}

TEST_F(OutOfCoverageTest, SamplesStopAtTheLimitAndTheCountGoesOn) {
  std::string text;
  for (int i = 0; i < 25; ++i) {
    absl::StrAppend(&text, absl::StrFormat("416,%07d\n", 2345600 + i));
  }
  absl::StrAppend(&text, "212,2345678\n");
  absl::StatusOr<LoadStats> stats =
      BulkLoad(Options({Write("many.txt", text)}));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->out_of_coverage, 25u);
  EXPECT_EQ(stats->out_of_coverage_samples.size(), 10u);
  EXPECT_EQ(stats->out_of_coverage_samples.back().line, 10u);
  EXPECT_EQ(DescribeCoverageGaps(stats->out_of_coverage_by_region),
            "CA-ON 25 (416)");
}

TEST_F(OutOfCoverageTest, StateListNumbersInOtherStatesAreReported) {
  absl::StatusOr<LoadStats> stats = BulkLoad(
      Options({Write("tx.txt", "(214) 234-5678\n(212) 234-5678\n")}, "us-tx"));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 2u);
  EXPECT_EQ(stats->out_of_coverage, 1u);
  EXPECT_THAT(Where(stats->out_of_coverage_samples),
              ElementsAre("2 out of coverage: area code 212 is in US-NY, not "
                          "covered by us-tx (US-TX)"));
}

TEST_F(OutOfCoverageTest, OtherCountryCodesAreStillRejects) {
  LoadOptions options = Options(
      {Write("tps.txt", "020 7946 0958\r\n+1 416 234 5678\r\n")}, "uk-tps");
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 1u);
  EXPECT_EQ(stats->rejected, 1u);
  EXPECT_EQ(stats->out_of_coverage, 0u);
  EXPECT_THAT(Where(stats->reject_samples),
              ElementsAre("2 invalid: country code +1 is not covered by "
                          "uk-tps (+44)"));
}

// An ftc-change line: "NPA,NXXXXXX,2026-11-21 08:30:00,A".
std::string ChangeLine(int npa, char flag) {
  return absl::StrFormat("%03d,2345678,2026-11-21 08:30:00,%c\n", npa, flag);
}

TEST_F(OutOfCoverageTest, ChangeListsReportAndOptionallyRejectThemToo) {
  ASSERT_TRUE(BulkLoad(Options({Write("full.txt", "212,2345678\n")}, "us-ftc",
                               "2026-11-20"))
                  .ok());
  const std::string changes =
      Write("changes.txt", ChangeLine(213, 'A') + ChangeLine(416, 'A') +
                               ChangeLine(876, 'D') + ChangeLine(212, 'D'));
  LoadOptions options = Options({changes}, "us-ftc", "2026-11-21");
  options.mode = LoadMode::kChange;
  absl::StatusOr<LoadStats> warned = BulkLoad(options);
  ASSERT_TRUE(warned.ok()) << warned.status();
  EXPECT_EQ(warned->rejected, 0u);
  EXPECT_EQ(warned->change_records, 4u);
  EXPECT_EQ(warned->out_of_coverage, 2u);
  EXPECT_THAT(Where(warned->out_of_coverage_samples),
              ElementsAre(HasSubstr("2 out of coverage: area code 416 is in "
                                    "CA-ON"),
                          HasSubstr("3 out of coverage: area code 876 is in "
                                    "JM")));
  EXPECT_EQ(DescribeCoverageGaps(warned->out_of_coverage_by_region),
            "CA-ON 1 (416); JM 1 (876)");
  EXPECT_THAT(ReadRejects(warned->rejects_path).warnings,
              Contains(HasSubstr("2 line(s) out of coverage of us-ftc")));
  EXPECT_THAT(Lookup({Nanp(212), Nanp(213), Nanp(416)}), ElementsAre(0, 1, 1));

  // The same kind of change list with the flag: the out-of-coverage records
  // are rejects, the others apply.
  const std::string more = Write(
      "more.txt",
      absl::StrFormat("%s%s", ChangeLine(214, 'A'), ChangeLine(905, 'A')));
  options = Options({more}, "us-ftc", "2026-11-22");
  options.mode = LoadMode::kChange;
  options.reject_out_of_coverage = true;
  absl::StatusOr<LoadStats> rejected = BulkLoad(options);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->rejected, 1u);
  EXPECT_EQ(rejected->change_records, 1u);
  EXPECT_EQ(rejected->out_of_coverage, 1u);
  EXPECT_THAT(Where(rejected->reject_samples),
              ElementsAre("2 out of coverage: area code 905 is in CA-ON, not "
                          "covered by us-ftc (US)"));
  EXPECT_THAT(Lookup({Nanp(213), Nanp(214), Nanp(905)}), ElementsAre(1, 1, 0));
}

// The loader's "covered" is exactly the server's "consulted": for every area
// code (and a few other country codes), the source is on the number's route
// in a served SourceSet if and only if SourceCoverage says kCovered.
TEST_F(OutOfCoverageTest, CoverageAgreesWithTheServersRoutesForEveryAreaCode) {
  struct Loaded {
    std::string source;
    std::string line;
  };
  const std::vector<Loaded> sources = {{"us-ftc", "212,2345678\n"},
                                       {"ca-dncl", "416,2345678\n"},
                                       {"us-tx", "(214) 234-5678\n"},
                                       {"uk-tps", "020 7946 0958\r\n"}};
  for (const Loaded& loaded : sources) {
    ASSERT_TRUE(BulkLoad(Options({Write(loaded.source + ".txt", loaded.line)},
                                 loaded.source))
                    .ok())
        << loaded.source;
  }
  absl::StatusOr<std::shared_ptr<const service::SourceSet>> set =
      service::SourceSet::Open(data_);
  ASSERT_TRUE(set.ok()) << set.status();
  std::vector<uint64_t> keys;
  for (int npa = 200; npa < 1000; ++npa) keys.push_back(Nanp(npa));
  keys.insert(keys.end(), {442079460958, 4930123456, 35312345678});
  int mismatches = 0;
  for (size_t index = 0; index < (*set)->size(); ++index) {
    const storage::Manifest& manifest = (*set)->sources()[index].manifest();
    const storage::SourceCoverage coverage(manifest);
    for (const uint64_t key : keys) {
      const std::vector<uint32_t>& route =
          (*set)->route((*set)->RouteOf(key)).sources;
      const bool consulted =
          std::find(route.begin(), route.end(), index) != route.end();
      const bool covered = coverage.Check(key) == Verdict::kCovered;
      if (consulted != covered) {
        ++mismatches;
        ADD_FAILURE() << manifest.source << " " << key << ": server "
                      << consulted << ", loader " << covered;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace dnc::loader
