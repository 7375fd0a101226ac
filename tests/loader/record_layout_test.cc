// Declared record layouts: the settings a catalogue [format] section uses,
// fixed-width columns, flag values and date formats.
#include <string>

#include "absl/status/status.h"
#include "common/civil_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/record_format.h"

namespace dnc::loader {
namespace {

using ::testing::HasSubstr;

DayNumber Day(const char* iso) { return *ParseIsoDate(iso); }

// Applies "key=value" settings in order to `layout`; the first error.
absl::Status Apply(
    RecordLayout* layout,
    std::initializer_list<std::pair<const char*, const char*>> settings) {
  for (const auto& [key, value] : settings) {
    absl::Status status = ApplyLayoutSetting(key, value, layout);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

RecordParser MustCreate(const RecordLayout& layout) {
  absl::StatusOr<RecordParser> parser = RecordParser::Create(layout);
  EXPECT_TRUE(parser.ok()) << parser.status();
  return *std::move(parser);
}

std::string Outcome(const RecordParser& parser, std::string_view line) {
  const LineResult result = parser.Parse(line);
  switch (result.kind) {
    case LineKind::kKey:
      return std::string(result.op == RecordOp::kDelete ? "-" : "+") +
             std::to_string(result.key);
    case LineKind::kBlank:
      return "blank";
    case LineKind::kReject:
      return RejectReason(result.reject_class, result.detail);
  }
  return "?";
}

TEST(RecordLayoutTest, DatesParseInTheDeclaredFormatOnly) {
  EXPECT_EQ(ParseDateWithFormat("2026-11-20", "%Y-%m-%d"), Day("2026-11-20"));
  EXPECT_EQ(ParseDateWithFormat("1970-01-01", "%Y-%m-%d"), 0);
  EXPECT_EQ(ParseDateWithFormat("2024-02-29 23:59:59", "%Y-%m-%d %H:%M:%S"),
            Day("2024-02-29"));
  EXPECT_EQ(ParseDateWithFormat("11/5/2026 8:30:00", "%m/%d/%Y %H:%M:%S"),
            Day("2026-11-05"));
  EXPECT_EQ(ParseDateWithFormat("20261120", "%Y%m%d"), Day("2026-11-20"));
  EXPECT_EQ(ParseDateWithFormat("100%", "100%%"), std::nullopt);  // No day.
  for (const char* bad :
       {"2025-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "26-11-20",
        "2026-11-20x", "2026-11", "", "2026/11/20"}) {
    EXPECT_EQ(ParseDateWithFormat(bad, "%Y-%m-%d"), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseDateWithFormat("2026-11-20 24:00:00", "%Y-%m-%d %H:%M:%S"),
            std::nullopt);
  // Every day of several years round-trips through the formatter.
  for (DayNumber day = Day("2023-01-01"); day < Day("2029-01-01"); ++day) {
    ASSERT_EQ(ParseDateWithFormat(FormatIsoDate(day), "%Y-%m-%d"), day)
        << FormatIsoDate(day);
  }
}

TEST(RecordLayoutTest, ChangeListFieldOrderFlagsAndDateFormatAreDeclared) {
  // "D|03/01/2026|2122345678": flag first, '|' delimiter, US dates, whole
  // number; flags I (insert) / R (remove).
  RecordLayout layout;
  layout.name = "vendor-change";
  ASSERT_TRUE(Apply(&layout, {{"shape", "delimited"},
                              {"delimiter", "|"},
                              {"fields", "ACTION=flag ON=date PHONE=number"},
                              {"date_format", "%m/%d/%Y"},
                              {"add_flags", "I, ADD"},
                              {"delete_flags", "R"}})
                  .ok());
  const RecordParser parser = MustCreate(layout);
  EXPECT_TRUE(parser.has_change_flag());
  EXPECT_TRUE(parser.has_date());
  const LineResult result = parser.Parse("R|03/01/2026|2122345678");
  ASSERT_EQ(result.kind, LineKind::kKey);
  EXPECT_EQ(result.op, RecordOp::kDelete);
  EXPECT_EQ(result.date, Day("2026-03-01"));
  EXPECT_EQ(Outcome(parser, "add|03/01/2026|(212) 234-5678"), "+12122345678");
  EXPECT_EQ(Outcome(parser, "A|03/01/2026|2122345678"),
            "malformed: expected ACTION|ON|PHONE (ACTION is not one of I, "
            "ADD, R)");
  EXPECT_EQ(Outcome(parser, "I|2026-03-01|2122345678"),
            "malformed: expected ACTION|ON|PHONE (ON is not a date like "
            "MM/DD/YYYY)");
}

TEST(RecordLayoutTest, FixedWidthFieldsAreReadAtTheirColumns) {
  // Columns 1-3 NPA, 4-10 subscriber, 11 flag, 12-19 date YYYYMMDD.
  RecordLayout layout;
  layout.name = "fixed-change";
  ASSERT_TRUE(Apply(&layout, {{"shape", "fixed"},
                              {"fields",
                               "area:3@1-3 subscriber:7@4-10 flag@11-11 "
                               "date@12-19"},
                              {"date_format", "%Y%m%d"}})
                  .ok());
  const RecordParser parser = MustCreate(layout);
  EXPECT_EQ(Outcome(parser, "2122345678A20261120"), "+12122345678");
  EXPECT_EQ(Outcome(parser, "2122345678D20261120\r"), "-12122345678");
  EXPECT_EQ(parser.Parse("2122345678D20261120").date, Day("2026-11-20"));
  EXPECT_EQ(Outcome(parser, "2122345678"),
            "malformed: expected NPA NXXXXXX FLAG DATE (FLAG is not one of "
            "A, D)");
  EXPECT_EQ(Outcome(parser, "   "), "blank");
  EXPECT_EQ(parser.fixed_country_code(), 1u);
}

TEST(RecordLayoutTest, PresetsCanBeRedeclaredWithATabDelimiter) {
  absl::StatusOr<RecordLayout> layout = LayoutForFormat("ftc-change");
  ASSERT_TRUE(layout.ok());
  ASSERT_TRUE(Apply(&*layout, {{"delimiter", "tab"}}).ok());
  const RecordParser parser = MustCreate(*layout);
  EXPECT_EQ(Outcome(parser, "212\t2345678\t2026-11-20 10:00:00\tD"),
            "-12122345678");
  EXPECT_EQ(Outcome(parser, "212,2345678,2026-11-20 10:00:00,D"),
            "malformed: expected NPA<tab>NXXXXXX<tab>DATE<tab>FLAG (no tab)");
}

TEST(RecordLayoutTest, NationalNumbersOfAnotherCountryAreDeclared) {
  // An Irish-style list: national format with trunk 0, +353.
  RecordLayout layout;
  layout.name = "ie";
  ASSERT_TRUE(Apply(&layout, {{"shape", "fixed"},
                              {"fields", "national:7-9@1-"},
                              {"country_code", "353"}})
                  .ok());
  const RecordParser parser = MustCreate(layout);
  EXPECT_EQ(Outcome(parser, "01 234 5678"), "+35312345678");
  EXPECT_EQ(parser.fixed_country_code(), std::nullopt);
}

TEST(RecordLayoutTest, BadSettingsNameTheKeyAndTheProblem) {
  RecordLayout layout;
  layout.name = "bad";
  auto message = [&](const char* key, const char* value) {
    return std::string(ApplyLayoutSetting(key, value, &layout).message());
  };
  EXPECT_THAT(message("shape", "xml"), HasSubstr("delimited, fixed"));
  EXPECT_THAT(message("delimiter", "::"), HasSubstr("one visible"));
  EXPECT_THAT(message("delimiter", "5"), HasSubstr("non-digit"));
  EXPECT_THAT(message("fields", "npa:3"), HasSubstr("unknown role 'npa'"));
  EXPECT_THAT(message("fields", "area"), HasSubstr("digit count"));
  EXPECT_THAT(message("fields", "national:10"), HasSubstr("digit range"));
  EXPECT_THAT(message("fields", "flag:1"), HasSubstr("takes no digit count"));
  EXPECT_THAT(message("fields", "area:3@0-2"), HasSubstr("1-based"));
  EXPECT_THAT(message("fields", "area:3@5-2"), HasSubstr("@FROM-TO"));
  EXPECT_THAT(message("date_format", "%Y-%m"),
              HasSubstr("needs %Y, %m and %d"));
  EXPECT_THAT(message("date_format", "%Y-%m-%d %q"), HasSubstr("'%q'"));
  EXPECT_THAT(message("add_flags", " , "), HasSubstr("flag values"));
  EXPECT_THAT(message("country_code", "1000"), HasSubstr("1 to 999"));
  EXPECT_THAT(message("trunk_prefix", "00"), HasSubstr("one digit"));
  EXPECT_THAT(message("colour", "red"), HasSubstr("unknown layout setting"));
}

TEST(RecordLayoutTest, CreateRefusesLayoutsThatCannotBeRead) {
  RecordLayout layout;
  layout.name = "l";
  ASSERT_TRUE(Apply(&layout,
                    {{"shape", "fixed"}, {"fields", "area:3@1-3 subscriber:7"}})
                  .ok());
  EXPECT_THAT(RecordParser::Create(layout).status().message(),
              HasSubstr("overlap"));
  ASSERT_TRUE(Apply(&layout, {{"shape", "delimited"},
                              {"fields", "number flag"},
                              {"add_flags", "A,X"},
                              {"delete_flags", "x"}})
                  .ok());
  EXPECT_THAT(RecordParser::Create(layout).status().message(),
              HasSubstr("both adds and deletes"));
  ASSERT_TRUE(Apply(&layout, {{"fields", "number date date"}}).ok());
  EXPECT_THAT(RecordParser::Create(layout).status().message(),
              HasSubstr("at most one"));
  ASSERT_TRUE(Apply(&layout, {{"fields", "number national:7-10"}}).ok());
  EXPECT_THAT(RecordParser::Create(layout).status().message(),
              HasSubstr("exactly one number"));
  ASSERT_TRUE(
      Apply(&layout, {{"shape", "csv"}, {"fields", "phone=number PHONE=skip"}})
          .ok());
  EXPECT_THAT(RecordParser::Create(layout).status().message(),
              HasSubstr("named twice"));
}

TEST(RecordLayoutTest, QuotedCsvColumnNamesMayHoldSpaces) {
  RecordLayout layout;
  layout.name = "crm";
  ASSERT_TRUE(
      Apply(&layout, {{"shape", "csv"}, {"fields", "\"Phone Number\"=number"}})
          .ok());
  ASSERT_EQ(layout.fields.size(), 1u);
  EXPECT_EQ(layout.fields[0].name, "Phone Number");
  EXPECT_TRUE(RecordParser::Create(layout).ok());
}

TEST(RecordLayoutTest, CsvAndXmlLayoutsNeedTheRecordReader) {
  const RecordParser csv = MustCreate(*LayoutForFormat("csv:phone"));
  EXPECT_THAT(Outcome(csv, "2122345678"), HasSubstr("RecordReader"));
  const std::string_view fields[] = {" 212-234-5678 "};
  EXPECT_EQ(csv.ParseFields(fields, 1).key, 12122345678u);
  const RecordParser xml = MustCreate(*LayoutForFormat("crtc-xml"));
  const std::string_view parts[] = {"416", "2345678"};
  EXPECT_EQ(xml.ParseFields(parts, 2).key, 14162345678u);
  EXPECT_EQ(xml.fixed_country_code(), 1u);
}

TEST(RecordLayoutTest, EveryKnownFormatIsAPresetThatChecks) {
  for (std::string format : KnownFormats()) {
    if (format == "csv:COLUMN") format = "csv:phone";
    absl::StatusOr<RecordLayout> layout = LayoutForFormat(format);
    ASSERT_TRUE(layout.ok()) << format << ": " << layout.status();
    EXPECT_TRUE(RecordParser::Create(*layout).ok()) << format;
  }
  EXPECT_FALSE(LayoutForFormat("csv:").ok());
}

}  // namespace
}  // namespace dnc::loader
