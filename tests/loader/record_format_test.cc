#include "loader/record_format.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::loader {
namespace {

using ::testing::HasSubstr;

RecordParser ParserFor(const std::string& format, uint32_t national_code = 1) {
  absl::StatusOr<RecordLayout> layout = LayoutForFormat(format);
  EXPECT_TRUE(layout.ok()) << layout.status();
  layout->national_country_code = national_code;
  absl::StatusOr<RecordParser> parser = RecordParser::Create(*layout);
  EXPECT_TRUE(parser.ok()) << parser.status();
  return *std::move(parser);
}

// The key a line parses to, or 0 when it does not.
uint64_t KeyOf(const RecordParser& parser, std::string_view line) {
  const LineResult result = parser.Parse(line);
  return result.kind == LineKind::kKey ? result.key : 0;
}

// "malformed: ..." / "invalid: ...", "blank" or "key".
std::string Outcome(const RecordParser& parser, std::string_view line) {
  const LineResult result = parser.Parse(line);
  switch (result.kind) {
    case LineKind::kKey:
      return "key";
    case LineKind::kBlank:
      return "blank";
    case LineKind::kReject:
      return RejectReason(result.reject_class, result.detail);
  }
  return "?";
}

TEST(RecordFormatTest, FtcFlatReadsAreaCodeCommaSevenDigits) {
  const RecordParser parser = ParserFor("ftc-flat");
  EXPECT_EQ(KeyOf(parser, "212,2345678"), 12122345678u);
  EXPECT_EQ(KeyOf(parser, "416,5550200"), 14165550200u);
  EXPECT_EQ(KeyOf(parser, "800,2345678"), 18002345678u);
}

TEST(RecordFormatTest, FtcFlatToleratesSpacesTabsAndTrailingCr) {
  const RecordParser parser = ParserFor("ftc-flat");
  EXPECT_EQ(KeyOf(parser, " 212 , 2345678 "), 12122345678u);
  EXPECT_EQ(KeyOf(parser, "\t212,2345678\t"), 12122345678u);
  EXPECT_EQ(KeyOf(parser, "212,2345678\r"), 12122345678u);
  EXPECT_EQ(KeyOf(parser, "212,2345678 \r"), 12122345678u);
}

TEST(RecordFormatTest, CrtcFlatIsTheSameLayoutUnderItsOwnName) {
  const RecordParser parser = ParserFor("crtc-flat");
  EXPECT_EQ(parser.layout().name, "crtc-flat");
  EXPECT_EQ(KeyOf(parser, "416,2345678"), 14162345678u);
}

TEST(RecordFormatTest, BlankLinesAreBlankNotRejects) {
  const RecordParser parser = ParserFor("ftc-flat");
  EXPECT_EQ(Outcome(parser, ""), "blank");
  EXPECT_EQ(Outcome(parser, "   "), "blank");
  EXPECT_EQ(Outcome(parser, "\r"), "blank");
  EXPECT_EQ(Outcome(parser, " \t \r"), "blank");
  EXPECT_EQ(Outcome(ParserFor("lines"), "  "), "blank");
}

TEST(RecordFormatTest, FtcFlatRejectsEveryWrongShapeAsMalformed) {
  const RecordParser parser = ParserFor("ftc-flat");
  EXPECT_EQ(Outcome(parser, "2122345678"),
            "malformed: expected NPA,NXXXXXX (no ',')");
  EXPECT_EQ(Outcome(parser, "212,234,5678"),
            "malformed: expected NPA,NXXXXXX (too many ',')");
  EXPECT_EQ(Outcome(parser, "21,2345678"),
            "malformed: expected NPA,NXXXXXX (NPA is not 3 digits)");
  EXPECT_EQ(Outcome(parser, "2123,2345678"),
            "malformed: expected NPA,NXXXXXX (NPA is not 3 digits)");
  EXPECT_EQ(Outcome(parser, "212,234567"),
            "malformed: expected NPA,NXXXXXX (NXXXXXX is not 7 digits)");
  EXPECT_EQ(Outcome(parser, "212,23456789"),
            "malformed: expected NPA,NXXXXXX (NXXXXXX is not 7 digits)");
  EXPECT_EQ(Outcome(parser, "212,"),
            "malformed: expected NPA,NXXXXXX (NXXXXXX is not 7 digits)");
  EXPECT_EQ(Outcome(parser, ",2345678"),
            "malformed: expected NPA,NXXXXXX (NPA is not 3 digits)");
  EXPECT_EQ(Outcome(parser, "212,234-5678"),
            "malformed: expected NPA,NXXXXXX (NXXXXXX is not 7 digits)");
  EXPECT_EQ(Outcome(parser, "2 12,2345678"),
            "malformed: expected NPA,NXXXXXX (NPA is not 3 digits)");
  EXPECT_EQ(Outcome(parser, "212,234567x"),
            "malformed: expected NPA,NXXXXXX (found letters)");
  EXPECT_EQ(Outcome(parser, "abc,defghij"),
            "malformed: expected NPA,NXXXXXX (found letters)");
  EXPECT_EQ(Outcome(parser, "+1 212 234 5678"),
            "malformed: expected NPA,NXXXXXX (no ',')");
}

TEST(RecordFormatTest, FtcFlatHeaderLineIsARejectNotSilentlyDropped) {
  const RecordParser parser = ParserFor("ftc-flat");
  EXPECT_EQ(Outcome(parser, "AreaCode,PhoneNumber"),
            "malformed: expected NPA,NXXXXXX (found letters)");
  EXPECT_EQ(Outcome(parser, "NPA,NXXXXXX\r"),
            "malformed: expected NPA,NXXXXXX (found letters)");
  EXPECT_EQ(Outcome(parser, "# US DNC full list"),
            "malformed: expected NPA,NXXXXXX (no ',')");
}

TEST(RecordFormatTest, FtcFlatRejectsNumbersThePlanCannotAssignAsInvalid) {
  const RecordParser parser = ParserFor("ftc-flat");
  const std::string n11 = Outcome(parser, "911,2345678");
  EXPECT_THAT(n11, HasSubstr("invalid: "));
  EXPECT_THAT(n11, HasSubstr("N11"));
  EXPECT_THAT(Outcome(parser, "123,2345678"), HasSubstr("invalid: "));
  EXPECT_THAT(Outcome(parser, "012,2345678"), HasSubstr("invalid: "));
  EXPECT_THAT(Outcome(parser, "212,0345678"), HasSubstr("invalid: "));
  EXPECT_THAT(Outcome(parser, "212,5550150"), HasSubstr("invalid: "));
  EXPECT_THAT(Outcome(parser, "212,9113456"), HasSubstr("invalid: "));
}

TEST(RecordFormatTest, LinesReadsMessyNanpShapes) {
  const RecordParser parser = ParserFor("lines");
  for (const char* text :
       {"(212) 234-5678", "212.234.5678", "+1 212 234 5678", "1-212-234-5678",
        "2122345678 x12", "\"212-234-5678\"", "  2122345678\r",
        "tel:+1-212-234-5678", "'212 234 5678'"}) {
    EXPECT_EQ(KeyOf(parser, text), 12122345678u) << text;
  }
}

TEST(RecordFormatTest, LinesRejectsGarbageAsMalformedAndBadNumbersAsInvalid) {
  const RecordParser parser = ParserFor("lines");
  EXPECT_THAT(Outcome(parser, "call me maybe"), HasSubstr("malformed: "));
  EXPECT_THAT(Outcome(parser, "212-234-567"), HasSubstr("malformed: "));
  EXPECT_THAT(Outcome(parser, "1-800-FLOWERS"), HasSubstr("malformed: "));
  EXPECT_THAT(Outcome(parser, "212,2345678"), HasSubstr("malformed: "));
  EXPECT_THAT(Outcome(parser, "(911) 234-5678"), HasSubstr("invalid: "));
}

TEST(RecordFormatTest, LinesWithANationalCountryCodeReadsTrunkZero) {
  const RecordParser uk = ParserFor("lines", 44);
  EXPECT_EQ(KeyOf(uk, "01635 506160"), 441635506160u);
  EXPECT_EQ(KeyOf(uk, "01635 506160\r"), 441635506160u);
  EXPECT_EQ(KeyOf(uk, "\"020 7946 0958\""), 442079460958u);
  EXPECT_EQ(KeyOf(uk, "+44 20 7946 0958"), 442079460958u);
  EXPECT_EQ(KeyOf(uk, "0044 20 7946 0958"), 442079460958u);
  EXPECT_THAT(Outcome(uk, "0 abc"), HasSubstr("malformed: "));
}

TEST(RecordFormatTest, UnknownFormatNamesTheKnownOnes) {
  absl::StatusOr<RecordLayout> layout = LayoutForFormat("ftc-xml");
  ASSERT_EQ(layout.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(layout.status().message(), HasSubstr("ftc-xml"));
  EXPECT_THAT(layout.status().message(), HasSubstr("ftc-flat"));
}

TEST(RecordFormatTest, DeclaredLayoutsCanReorderAndSkipFields) {
  // A layout that is not built in: "flag;number;npa" with ';' as delimiter.
  RecordLayout layout;
  layout.name = "custom";
  layout.shape = LayoutShape::kDelimited;
  layout.delimiter = ';';
  layout.fields = {{FieldRole::kIgnored, 0, "FLAG"},
                   {FieldRole::kAreaCode, 3, "NPA"},
                   {FieldRole::kSubscriber, 7, "NXXXXXX"}};
  absl::StatusOr<RecordParser> parser = RecordParser::Create(layout);
  ASSERT_TRUE(parser.ok()) << parser.status();
  EXPECT_EQ(KeyOf(*parser, "A;212;2345678"), 12122345678u);
  EXPECT_EQ(Outcome(*parser, "A;212,2345678"),
            "malformed: expected FLAG;NPA;NXXXXXX (too few ';')");

  RecordLayout number_column = layout;
  number_column.fields = {{FieldRole::kNumber, 0, "PHONE"},
                          {FieldRole::kIgnored, 0, "DATE"}};
  absl::StatusOr<RecordParser> csv = RecordParser::Create(number_column);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(KeyOf(*csv, "(212) 234-5678;2026-11-20"), 12122345678u);
  EXPECT_EQ(Outcome(*csv, " ;2026-11-20"),
            "malformed: expected PHONE;DATE (PHONE is empty)");
}

TEST(RecordFormatTest, CreateRejectsLayoutsWithoutANumber) {
  RecordLayout layout;
  layout.name = "broken";
  layout.shape = LayoutShape::kDelimited;
  layout.fields = {{FieldRole::kIgnored, 0, "A"}};
  EXPECT_EQ(RecordParser::Create(layout).status().code(),
            absl::StatusCode::kInvalidArgument);
  layout.fields = {{FieldRole::kSubscriber, 7, "S"},
                   {FieldRole::kAreaCode, 3, "A"}};
  EXPECT_EQ(RecordParser::Create(layout).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RecordFormatTest, ParserSurvivesBeingMovedWithDetailsIntact) {
  RecordParser first = ParserFor("ftc-flat");
  const char* before = first.Parse("21,2345678").detail;
  RecordParser moved = std::move(first);
  EXPECT_STREQ(moved.Parse("21,2345678").detail, before);
  EXPECT_EQ(moved.Parse("21,2345678").detail, before);
}

TEST(RecordFormatTest, SplitLayoutsFixTheCountryCodeFreeFormOnesDoNot) {
  EXPECT_EQ(ParserFor("ftc-flat").fixed_country_code(), 1u);
  EXPECT_EQ(ParserFor("lines").fixed_country_code(), std::nullopt);
}

TEST(RecordFormatTest, FastAndGeneralPathsAgree) {
  // The exact "DDD,DDDDDDD" shape takes a fast path; padded lines do not.
  const RecordParser parser = ParserFor("ftc-flat");
  for (const char* npa : {"212", "911", "123", "37a"}) {
    for (const char* local : {"2345678", "5550150", "0345678", "12x4567"}) {
      const std::string exact = std::string(npa) + "," + local;
      const std::string padded = " " + std::string(npa) + " , " + local + " ";
      EXPECT_EQ(Outcome(parser, exact), Outcome(parser, padded)) << exact;
      EXPECT_EQ(KeyOf(parser, exact), KeyOf(parser, padded)) << exact;
    }
  }
}

}  // namespace
}  // namespace dnc::loader
