// The source catalogue: the shipped config/sources.catalogue, the built-in
// copy, declared formats, and clear file:line errors for bad entries.
#include "loader/source_catalogue.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/record_format.h"
#include "tests/loader/archive_writer.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const char kShipped[] = DNC_SOURCE_CATALOGUE;

SourceCatalogue MustRead(const std::string& path) {
  absl::StatusOr<SourceCatalogue> catalogue = SourceCatalogue::Read(path);
  EXPECT_TRUE(catalogue.ok()) << catalogue.status();
  return catalogue.ok() ? *std::move(catalogue)
                        : *SourceCatalogue::Parse("", "empty");
}

TEST(SourceCatalogueTest, ShippedCatalogueHasTheNationalRegistries) {
  const SourceCatalogue catalogue = MustRead(kShipped);
  const CatalogueSource* ftc = catalogue.FindSource("us-ftc");
  ASSERT_NE(ftc, nullptr);
  EXPECT_EQ(ftc->kind, SourceKind::kNational);
  EXPECT_EQ(ftc->jurisdiction, "US");
  EXPECT_THAT(ftc->country_codes, ElementsAre(1));
  EXPECT_EQ(ftc->max_age_days, 31);
  EXPECT_EQ(ftc->format, "ftc-flat");
  EXPECT_EQ(ftc->change_format, "ftc-change");
  EXPECT_THAT(ftc->area_codes, IsEmpty());

  const CatalogueSource* dncl = catalogue.FindSource("ca-dncl");
  ASSERT_NE(dncl, nullptr);
  EXPECT_EQ(dncl->jurisdiction, "CA");
  EXPECT_EQ(dncl->max_age_days, 31);
  EXPECT_EQ(dncl->format, "crtc-flat");

  const CatalogueSource* tps = catalogue.FindSource("uk-tps");
  ASSERT_NE(tps, nullptr);
  EXPECT_EQ(tps->jurisdiction, "GB");
  EXPECT_THAT(tps->country_codes, ElementsAre(44));
  EXPECT_EQ(tps->max_age_days, 28);
  EXPECT_EQ(tps->format, "uk-tps");
}

TEST(SourceCatalogueTest, ShippedCatalogueHasEveryStateListOfTheDomain) {
  const SourceCatalogue catalogue = MustRead(kShipped);
  for (const std::string state :
       {"CO", "FL", "IN", "LA", "MA", "MO", "OK", "PA", "TN", "TX", "WY"}) {
    std::string id = "us-" + state;
    for (char& c : id) c = static_cast<char>(std::tolower(c));
    const CatalogueSource* source = catalogue.FindSource(id);
    ASSERT_NE(source, nullptr) << id;
    EXPECT_EQ(source->kind, SourceKind::kState) << id;
    EXPECT_EQ(source->jurisdiction, "US-" + state);
    EXPECT_THAT(source->country_codes, ElementsAre(1));
    EXPECT_EQ(source->format, "lines") << id;
    // Routed by jurisdiction through the generated area-code table, not by
    // a hand-kept list in the catalogue.
    EXPECT_THAT(source->area_codes, IsEmpty()) << id;
    const int expected_days = state == "PA" ? 30 : state == "TX" ? 60 : 90;
    EXPECT_EQ(source->max_age_days, expected_days) << id;
  }
}

TEST(SourceCatalogueTest, ShippedCatalogueHasALitigatorExample) {
  const SourceCatalogue catalogue = MustRead(kShipped);
  int litigators = 0;
  for (const CatalogueSource& source : catalogue.sources()) {
    if (source.kind == SourceKind::kLitigator) ++litigators;
  }
  EXPECT_GE(litigators, 1);
}

TEST(SourceCatalogueTest, EveryShippedFormatMakesAParser) {
  const SourceCatalogue catalogue = MustRead(kShipped);
  for (const CatalogueSource& source : catalogue.sources()) {
    for (const std::string& format : {source.format, source.change_format}) {
      if (format.empty()) continue;
      absl::StatusOr<RecordLayout> layout = catalogue.Layout(format);
      ASSERT_TRUE(layout.ok()) << source.id << ": " << layout.status();
      EXPECT_TRUE(RecordParser::Create(*layout).ok()) << source.id;
    }
  }
}

TEST(SourceCatalogueTest, BuiltInCopyIsTheShippedFile) {
  const SourceCatalogue shipped = MustRead(kShipped);
  const SourceCatalogue& built_in = SourceCatalogue::BuiltIn();
  EXPECT_EQ(built_in.origin(), "<built-in>");
  ASSERT_EQ(built_in.sources().size(), shipped.sources().size());
  for (size_t i = 0; i < shipped.sources().size(); ++i) {
    const CatalogueSource& a = shipped.sources()[i];
    const CatalogueSource& b = built_in.sources()[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.jurisdiction, b.jurisdiction);
    EXPECT_EQ(a.country_codes, b.country_codes);
    EXPECT_EQ(a.area_codes, b.area_codes);
    EXPECT_EQ(a.max_age_days, b.max_age_days);
    EXPECT_EQ(a.format, b.format);
    EXPECT_EQ(a.change_format, b.change_format);
  }
  EXPECT_EQ(built_in.declared_formats(), shipped.declared_formats());
}

TEST(SourceCatalogueTest, DefaultIsTheCheckoutsFileAndAnExplicitPathWins) {
  EXPECT_EQ(DefaultCataloguePath(), kShipped);
  absl::StatusOr<SourceCatalogue> by_default = LoadCatalogue("");
  ASSERT_TRUE(by_default.ok()) << by_default.status();
  EXPECT_EQ(by_default->origin(), kShipped);

  test::ScratchDir dir;
  const std::string path = dir.Path("mine.catalogue");
  ASSERT_TRUE(test::WritePlainFile(
      path,
      "[source acme]\nkind = other\njurisdiction = US\ncountry_codes = 1\n"
      "max_age_days = 30\nformat = lines\n"));
  absl::StatusOr<SourceCatalogue> explicit_one = LoadCatalogue(path);
  ASSERT_TRUE(explicit_one.ok()) << explicit_one.status();
  EXPECT_NE(explicit_one->FindSource("acme"), nullptr);
  EXPECT_EQ(explicit_one->FindSource("us-ftc"), nullptr);
  EXPECT_EQ(LoadCatalogue(dir.Path("none")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SourceCatalogueTest, DeclaredFormatsResolveEvenWhenDeclaredAfterUse) {
  absl::StatusOr<SourceCatalogue> catalogue = SourceCatalogue::Parse(
      "# A vendor feed with its own change-list layout.\n"
      "[source vendor]\n"
      "description = Vendor X = litigators\n"  // '=' in a value is fine.
      "kind = litigator\n"
      "jurisdiction = US\n"
      "country_codes = 1\n"
      "max_age_days = 7\n"
      "format = vendor-full\n"
      "change_format = vendor-change\n"
      "\n"
      "[format vendor-full]\n"
      "shape = csv\n"
      "fields = \"Phone Number\"=number\n"
      "[format vendor-change]\n"
      "base = ftc-change\n"
      "fields = flag NPA=area:3 NXXXXXX=subscriber:7 date\n"
      "date_format = %m/%d/%Y\n"
      "[format vendor-change-tab]\n"
      "base = vendor-change\n"
      "delimiter = tab\n",
      "vendor.catalogue");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  const CatalogueSource* vendor = catalogue->FindSource("vendor");
  ASSERT_NE(vendor, nullptr);
  EXPECT_EQ(vendor->description, "Vendor X = litigators");
  EXPECT_EQ(vendor->line, 2);
  EXPECT_THAT(catalogue->declared_formats(),
              ElementsAre("vendor-full", "vendor-change", "vendor-change-tab"));
  absl::StatusOr<RecordLayout> change = catalogue->Layout("vendor-change");
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->name, "vendor-change");
  absl::StatusOr<RecordParser> parser = RecordParser::Create(*change);
  ASSERT_TRUE(parser.ok()) << parser.status();
  const LineResult result = parser->Parse("D,212,2345678,11/20/2026");
  ASSERT_EQ(result.kind, LineKind::kKey);
  EXPECT_EQ(result.op, RecordOp::kDelete);
  EXPECT_EQ(result.date, *ParseIsoDate("2026-11-20"));
  absl::StatusOr<RecordLayout> tab = catalogue->Layout("vendor-change-tab");
  ASSERT_TRUE(tab.ok()) << tab.status();
  EXPECT_EQ(tab->delimiter, '\t');
  EXPECT_EQ(tab->date_format, "%m/%d/%Y");
  // Presets stay reachable; unknown names list the declared ones.
  EXPECT_TRUE(catalogue->Layout("crtc-xml").ok());
  EXPECT_THAT(catalogue->Layout("nope").status().message(),
              HasSubstr("vendor-change-tab"));
}

struct BadCase {
  const char* text;
  const char* error;  // Expected in the message, after "bad.catalogue:".
};

constexpr char kGood[] =
    "kind = state\njurisdiction = US-TX\ncountry_codes = 1\n"
    "max_age_days = 60\nformat = lines\n";

TEST(SourceCatalogueTest, BadEntriesAreRejectedNamingFileAndLine) {
  const std::string good(kGood);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"kind = state\n", "1: 'kind' before any [source ID]"},
      {"[sources x]\n", "1: unknown section '[sources x]'"},
      {"[source x\n", "1: section header '[source x' does not end with ']'"},
      {"[source Us_TX]\n" + good, "1: source id 'Us_TX' is not valid"},
      {"[source us-tx]\n" + good + "[source us-tx]\n" + good,
       "7: source 'us-tx' is already declared at line 1"},
      {"[source us-tx]\n" + good + "colour = red\n",
       "7: unknown key 'colour' in [source us-tx]"},
      {"[source us-tx]\n" + good + "kind = state\n",
       "7: 'kind' given twice in [source us-tx]"},
      {"[source us-tx]\nkind = federal\n",
       "2: kind 'federal' is not one of national, state, litigator, other"},
      {"[source us-tx]\njurisdiction = Texas\n",
       "2: jurisdiction 'Texas' is not a code such as US, US-TX"},
      {"[source us-tx]\ncountry_codes = 1,,44\n",
       "2: country code '' is not a calling code"},
      {"[source us-tx]\ncountry_codes = 1000\n",
       "2: country code '1000' is not a calling code"},
      {"[source us-tx]\n" + good + "area_codes = 512, 12\n",
       "7: area code 12 is not a NANP area code"},
      {"[source us-tx]\n" + good + "area_codes = 512,7l3\n",
       "7: area code '7l3' is not 1 to 6 digits"},
      {"[source us-tx]\nmax_age_days = 0\n",
       "2: max_age_days '0' is not a number of days"},
      {"[source us-tx]\nkind = state\nformat = lines\n",
       "1: [source us-tx] lacks jurisdiction, country_codes, max_age_days"},
      {"[source us-tx]\n" + good + "change_format = tx-changes\n",
       "7: format 'tx-changes' is neither a preset"},
      {"[source us-tx]\njust words\n", "2: expected 'key = value'"},
      {"[format ftc-change]\nbase = ftc-change\n",
       "1: format 'ftc-change' is a preset; declare a new name"},
      {"[format mine]\ndelimiter = ;\n",
       "1: [format mine] needs base = PRESET or shape"},
      {"[format mine]\nshape = delimited\nbase = ftc-flat\n",
       "3: base must come first in [format mine]"},
      {"[format mine]\nbase = ftc-flax\n", "2: base: unknown record format"},
      {"[format mine]\nshape = delimited\nfields = area:3 bogus\n",
       "3: layout setting fields: field 'bogus': unknown role"},
      {"[format mine]\nshape = fixed\nfields = area:3 subscriber:7\n",
       "1: [format mine]: record layout 'mine': fixed-width fields"},
      {"[format mine]\nshape = delimited\nfields = skip\n",
       "1: [format mine]: record layout 'mine': needs one area-code field"},
  };
  for (const auto& [text, error] : cases) {
    absl::StatusOr<SourceCatalogue> catalogue =
        SourceCatalogue::Parse(text, "bad.catalogue");
    ASSERT_EQ(catalogue.status().code(), absl::StatusCode::kInvalidArgument)
        << text;
    EXPECT_THAT(catalogue.status().message(),
                HasSubstr(absl::StrCat("bad.catalogue:", error)))
        << text;
  }
}

TEST(SourceCatalogueTest, ReadNamesThePathInErrors) {
  test::ScratchDir dir;
  const std::string path = dir.Path("sources.catalogue");
  ASSERT_TRUE(test::WritePlainFile(path, "\n\n[source x]\nkind = maybe\n"));
  absl::StatusOr<SourceCatalogue> catalogue = SourceCatalogue::Read(path);
  ASSERT_EQ(catalogue.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(catalogue.status().message(), HasSubstr(path + ":4: kind"));
  EXPECT_EQ(SourceCatalogue::Read(dir.Path("missing")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(SourceCatalogue::Read(dir.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SourceCatalogueTest, KindNamesRoundTrip) {
  for (const SourceKind kind : {SourceKind::kNational, SourceKind::kState,
                                SourceKind::kLitigator, SourceKind::kOther}) {
    EXPECT_EQ(ParseSourceKind(SourceKindName(kind)), kind);
  }
  EXPECT_EQ(ParseSourceKind("National"), std::nullopt);
  EXPECT_TRUE(IsValidJurisdictionCode("US"));
  EXPECT_TRUE(IsValidJurisdictionCode("US-TX"));
  EXPECT_TRUE(IsValidJurisdictionCode("GB-ENG"));
  EXPECT_FALSE(IsValidJurisdictionCode("us"));
  EXPECT_FALSE(IsValidJurisdictionCode("US-"));
  EXPECT_FALSE(IsValidJurisdictionCode("USA"));
  EXPECT_FALSE(IsValidJurisdictionCode("US-TEXAS"));
}

}  // namespace
}  // namespace dnc::loader
