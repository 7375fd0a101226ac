// Loads driven by the source catalogue: what a load takes from it lands in
// the MANIFEST (kind, jurisdiction, area codes, window, format), declared
// formats and change formats are used, every format loads end to end through
// BulkLoad, and dnc-load's --catalogue flag works and reports bad files.
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/bulk_loader.h"
#include "storage/manifest.h"
#include "storage/source_directory.h"
#include "storage/source_snapshot.h"
#include "tests/loader/archive_writer.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc::loader {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CatalogueLoadTest : public ::testing::Test {
 protected:
  LoadOptions Options(const std::string& source,
                      std::vector<std::string> inputs,
                      const std::string& as_of = "2026-11-20") {
    LoadOptions options;
    options.data_dir = data_;
    options.source = source;
    options.as_of = *ParseIsoDate(as_of);
    options.today = *ParseIsoDate("2026-11-30");
    options.inputs = std::move(inputs);
    return options;
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.Path(name);
    EXPECT_TRUE(test::WritePlainFile(path, content));
    return path;
  }

  storage::Manifest ManifestOf(const LoadStats& stats) {
    absl::StatusOr<storage::Manifest> manifest = storage::ReadManifest(
        absl::StrCat(stats.generation_dir, "/", storage::kManifestFileName));
    EXPECT_TRUE(manifest.ok()) << manifest.status();
    return manifest.ok() ? *manifest : storage::Manifest();
  }

  std::vector<uint8_t> Lookup(const std::vector<uint64_t>& keys,
                              const std::string& source) {
    absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
        storage::SourceSnapshot::OpenCurrent(data_, source);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    std::vector<uint8_t> listed(keys.size(), 0);
    if (!snapshot.ok()) return listed;
    EXPECT_TRUE((*snapshot)->Lookup(keys, absl::MakeSpan(listed)).ok());
    return listed;
  }

  test::ScratchDir dir_;
  const std::string data_ = dir_.Path("data");
};

TEST_F(CatalogueLoadTest, StateListTakesKindJurisdictionAndWindowIntoManifest) {
  absl::StatusOr<LoadStats> stats = BulkLoad(
      Options("us-tx", {Write("tx.txt", "(512) 234-5678\n713.234.5678\n")}));
  ASSERT_TRUE(stats.ok()) << stats.status();
  const storage::Manifest manifest = ManifestOf(*stats);
  EXPECT_EQ(manifest.kind, "state");
  EXPECT_EQ(manifest.jurisdiction, "US-TX");
  EXPECT_EQ(manifest.max_age_days, 60);
  EXPECT_EQ(manifest.format, "lines");
  EXPECT_THAT(manifest.country_codes, ElementsAre(1));
  EXPECT_THAT(manifest.area_codes, IsEmpty());  // Routed by jurisdiction.
  EXPECT_THAT(Lookup({15122345678, 17132345678}, "us-tx"), ElementsAre(1, 1));
}

TEST_F(CatalogueLoadTest, NationalListManifestSaysNationalWithoutAreaCodes) {
  absl::StatusOr<LoadStats> stats =
      BulkLoad(Options("us-ftc", {Write("ftc.txt", "212,2345678\n")}));
  ASSERT_TRUE(stats.ok()) << stats.status();
  const storage::Manifest manifest = ManifestOf(*stats);
  EXPECT_EQ(manifest.kind, "national");
  EXPECT_THAT(manifest.area_codes, IsEmpty());
  EXPECT_EQ(manifest.max_age_days, 31);
}

TEST_F(CatalogueLoadTest, SourceNotInTheCatalogueIsKindOther) {
  LoadOptions options = Options("acme", {Write("a.txt", "2122345678\n")});
  options.jurisdiction = "US";
  options.country_codes = {1};
  options.max_age_days = 10;
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(ManifestOf(*stats).kind, "other");
}

TEST_F(CatalogueLoadTest, CrtcXmlZipLoadsThroughBulkLoad) {
  const std::string zip = dir_.Path("dncl.zip");
  ASSERT_TRUE(test::WriteZip(
      zip, {{"416.xml",
             "<list><ac val='416'><ph val='2345678'/><ph val='3456789'/>"
             "</ac></list>"},
            {"905.xml",
             "<list>\n <ac val=\"905\">\n  <ph val=\"2345678\"/>\n"
             "  <ph val=\"23456\"/>\n </ac>\n</list>\n"}}));
  LoadOptions options = Options("ca-dncl", {zip});
  options.format = "crtc-xml";
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 3u);
  EXPECT_EQ(stats->members, 2u);
  ASSERT_EQ(stats->rejected, 1u);
  EXPECT_EQ(stats->reject_samples[0].location, zip + ":905.xml");
  EXPECT_EQ(stats->reject_samples[0].line, 4u);
  EXPECT_EQ(stats->reject_samples[0].value, "<ph val=\"23456\"/>");
  EXPECT_EQ(ManifestOf(*stats).format, "crtc-xml");
  EXPECT_THAT(Lookup({14162345678, 14163456789, 19052345678}, "ca-dncl"),
              ElementsAre(1, 1, 1));
}

TEST_F(CatalogueLoadTest, LitigatorCsvLoadsByItsNamedColumn) {
  absl::StatusOr<LoadStats> stats = BulkLoad(Options(
      "litigator-example",
      {Write("lit.csv", "name,phone\n\"Doe, J\",\"(212) 234-5678\"\n")}));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 1u);
  EXPECT_EQ(ManifestOf(*stats).kind, "litigator");
}

TEST_F(CatalogueLoadTest, OwnCatalogueDeclaresSourcesAndFormats) {
  const std::string catalogue = Write("my.catalogue",
                                      "[source acme-tps]\n"
                                      "kind = other\n"
                                      "jurisdiction = GB\n"
                                      "country_codes = 44\n"
                                      "area_codes = 1635, 20\n"
                                      "max_age_days = 14\n"
                                      "format = pipe-uk\n"
                                      "[format pipe-uk]\n"
                                      "shape = delimited\n"
                                      "delimiter = |\n"
                                      "fields = skip national:7-10\n"
                                      "country_code = 44\n");
  LoadOptions options = Options(
      "acme-tps", {Write("in.txt", "x|01635 506160\ny|020 7946 0958\n")});
  options.catalogue = catalogue;
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 2u);
  const storage::Manifest manifest = ManifestOf(*stats);
  EXPECT_EQ(manifest.format, "pipe-uk");
  EXPECT_EQ(manifest.max_age_days, 14);
  EXPECT_THAT(manifest.area_codes, ElementsAre(1635, 20));
  // The built-in sources are not in this catalogue.
  LoadOptions ftc = Options("us-ftc", {Write("f.txt", "212,2345678\n")});
  ftc.catalogue = catalogue;
  EXPECT_THAT(BulkLoad(ftc).status().message(),
              HasSubstr("not in the catalogue " + catalogue));
}

TEST_F(CatalogueLoadTest, ChangeListsUseTheCataloguesChangeFormat) {
  // us-ftc's change lists re-declared: flag first, US dates, ';'.
  const std::string catalogue =
      Write("ftc.catalogue",
            "[source us-ftc]\nkind = national\njurisdiction = US\n"
            "country_codes = 1\nmax_age_days = 31\nformat = ftc-flat\n"
            "change_format = ftc-change-mdy\n"
            "[format ftc-change-mdy]\nbase = ftc-change\ndelimiter = ;\n"
            "fields = flag NPA=area:3 NXXXXXX=subscriber:7 date\n"
            "date_format = %m/%d/%Y %H:%M:%S\n");
  LoadOptions full =
      Options("us-ftc", {Write("full.txt", "212,2345678\n212,3456789\n")});
  full.catalogue = catalogue;
  ASSERT_TRUE(BulkLoad(full).ok());
  LoadOptions change = Options("us-ftc",
                               {Write("c.txt",
                                      "D;212;2345678;11/21/2026 08:00:00\n"
                                      "A;415;2345678;11/21/2026 08:00:00\n"
                                      "A,415,3456789,2026-11-21 08:00:00\n")},
                               "2026-11-21");
  change.mode = LoadMode::kChange;
  change.catalogue = catalogue;
  absl::StatusOr<LoadStats> stats = BulkLoad(change);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->added, 1u);
  EXPECT_EQ(stats->deleted, 1u);
  EXPECT_EQ(stats->rejected, 1u);  // The ftc-change-shaped line.
  EXPECT_EQ(ManifestOf(*stats).format, "ftc-change-mdy");
  EXPECT_EQ(ManifestOf(*stats).kind, "national");
  EXPECT_THAT(Lookup({12122345678, 12123456789, 14152345678}, "us-ftc"),
              ElementsAre(0, 1, 1));
}

TEST_F(CatalogueLoadTest, BadCatalogueFailsTheLoadNamingFileAndLine) {
  const std::string catalogue =
      Write("bad.catalogue", "[source us-ftc]\nkind = national\nmax_age = 3\n");
  LoadOptions options = Options("us-ftc", {Write("f.txt", "212,2345678\n")});
  options.catalogue = catalogue;
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(stats.status().message(),
              HasSubstr(catalogue + ":3: unknown key 'max_age'"));
  absl::StatusOr<std::optional<std::string>> current =
      storage::CurrentGenerationDir(data_, "us-ftc");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(*current, std::nullopt);
}

TEST_F(CatalogueLoadTest, DncLoadTakesACatalogueFlag) {
  const std::string input = Write("in.txt", "x|01635 506160\n");
  const std::string good =
      Write("good.catalogue",
            "[source acme-tps]\nkind = other\njurisdiction = GB\n"
            "country_codes = 44\nmax_age_days = 14\nformat = pipe-uk\n"
            "[format pipe-uk]\nshape = delimited\ndelimiter = |\n"
            "fields = skip national:7-10\ncountry_code = 44\n");
  const std::string today = FormatIsoDate(TodayUtc());
  test::RunResult result =
      test::RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "acme-tps",
                        "--as_of", today, "--catalogue", good, input},
                       dir_.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("loaded:      1 distinct numbers"));

  const std::string bad =
      Write("bad.catalogue", "[source acme-tps]\nkind = sometimes\n");
  result =
      test::RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "acme-tps",
                        "--as_of", today, "--catalogue", bad, input},
                       dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr(bad + ":2: kind 'sometimes'"));

  result = test::RunProcess({DNC_LOAD_BIN, "--help"}, dir_.path());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("--catalogue"));
  EXPECT_THAT(result.out, HasSubstr("us-tx"));
}

}  // namespace
}  // namespace dnc::loader
