// Every record-format preset read through RecordReader from files written as
// docs/registries.md describes them, with bad lines, in plain text and in
// .zip / .gz.
#include "loader/record_reader.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/input_file.h"
#include "loader/record_format.h"
#include "tests/loader/archive_writer.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A Record with its views copied, for comparing.
struct Read {
  std::string location;
  uint64_t line = 0;
  std::string outcome;  // "key", "delete", "blank" or the reject reason.
  uint64_t key = 0;
  DayNumber date = 0;
  std::string text;
};

// The key records of `reads`: location:line -> key (adds) or -key (deletes).
std::vector<std::string> Keys(const std::vector<Read>& reads) {
  std::vector<std::string> keys;
  for (const Read& read : reads) {
    if (read.outcome == "key") {
      keys.push_back(absl::StrCat(read.line, ":+", read.key));
    } else if (read.outcome == "delete") {
      keys.push_back(absl::StrCat(read.line, ":-", read.key));
    }
  }
  return keys;
}

// "location:line: reason: 'text'" of each reject.
std::vector<std::string> Rejects(const std::vector<Read>& reads) {
  std::vector<std::string> rejects;
  for (const Read& read : reads) {
    if (read.outcome == "key" || read.outcome == "delete" ||
        read.outcome == "blank") {
      continue;
    }
    rejects.push_back(absl::StrCat(read.location, ":", read.line, ": ",
                                   read.outcome, ": '", read.text, "'"));
  }
  return rejects;
}

class RecordReaderTest : public ::testing::Test {
 protected:
  // Every record of `path` read with `format`, or the first error.
  absl::StatusOr<std::vector<Read>> ReadAll(const std::string& path,
                                            const std::string& format,
                                            uint32_t national_code = 1) {
    absl::StatusOr<RecordLayout> layout = LayoutForFormat(format);
    if (!layout.ok()) return layout.status();
    if (layout->shape == LayoutShape::kWholeLine ||
        layout->shape == LayoutShape::kCsv) {
      layout->national_country_code = national_code;
    }
    absl::StatusOr<RecordParser> parser = RecordParser::Create(*layout);
    if (!parser.ok()) return parser.status();
    absl::StatusOr<std::unique_ptr<RecordReader>> reader =
        RecordReader::Open(path, &*parser);
    if (!reader.ok()) return reader.status();
    std::vector<Read> reads;
    Record record;
    while (true) {
      absl::StatusOr<bool> more = (*reader)->Next(&record);
      if (!more.ok()) return more.status();
      if (!*more) break;
      Read read;
      read.location = std::string(record.location);
      read.line = record.line;
      read.text = std::string(record.text);
      read.key = record.key;
      read.date = record.date;
      switch (record.kind) {
        case LineKind::kKey:
          read.outcome = record.op == RecordOp::kDelete ? "delete" : "key";
          break;
        case LineKind::kBlank:
          read.outcome = "blank";
          break;
        case LineKind::kReject:
          EXPECT_NE(record.detail, nullptr);
          read.outcome = RejectReason(record.reject_class, record.detail);
          break;
      }
      reads.push_back(read);
    }
    members_ = (*reader)->members();
    return reads;
  }

  std::string Plain(const std::string& name, const std::string& content) {
    const std::string path = scratch_.Path(name);
    EXPECT_TRUE(test::WritePlainFile(path, content));
    return path;
  }
  std::string Gzip(const std::string& name, const std::string& content) {
    const std::string path = scratch_.Path(name);
    EXPECT_TRUE(test::WriteGzip(path, content));
    return path;
  }
  std::string Zip(
      const std::string& name,
      const std::vector<std::pair<std::string, std::string>>& members) {
    const std::string path = scratch_.Path(name);
    EXPECT_TRUE(test::WriteZip(path, members));
    return path;
  }

  test::ScratchDir scratch_;
  uint64_t members_ = 0;
};

DayNumber Day(const char* iso) { return *ParseIsoDate(iso); }

// ------------------------------------------------------------ FTC full list

constexpr char kFtcFull[] =
    "212,2345678\n"
    "AreaCode,PhoneNumber\n"  // A header is a reject, never dropped.
    "911,2345678\n"           // N11 area code.
    "\n"
    "21,2345678\n"
    "202,5550100\r\n"  // Fictional 555-01XX.
    "415,2345678";     // No newline at the end.

TEST_F(RecordReaderTest, FtcFlatReadsNpaCommaSubscriberAndReportsBadLines) {
  const std::string path = Plain("ftc.txt", kFtcFull);
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "ftc-flat");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("1:+12122345678", "7:+14152345678"));
  const std::vector<std::string> rejects = Rejects(*reads);
  ASSERT_EQ(rejects.size(), 4u);
  EXPECT_EQ(rejects[0],
            path +
                ":2: malformed: expected NPA,NXXXXXX (found letters): "
                "'AreaCode,PhoneNumber'");
  EXPECT_THAT(rejects[1], HasSubstr(path + ":3: invalid: "));
  EXPECT_THAT(rejects[1], HasSubstr("'911,2345678'"));
  EXPECT_EQ(rejects[2], path +
                            ":5: malformed: expected NPA,NXXXXXX (NPA is not "
                            "3 digits): '21,2345678'");
  EXPECT_THAT(rejects[3], HasSubstr(path + ":6: invalid: "));
  EXPECT_EQ((*reads)[3].outcome, "blank");
  for (const Read& read : *reads) EXPECT_EQ(read.date, 0);
}

TEST_F(RecordReaderTest, FtcFlatInAZipNamesEachMemberAndRestartsLines) {
  const std::string path =
      Zip("ftc.zip", {{"212.txt", "212,2345678\n212,3456789\n"},
                      {"415.txt", "415,2345678\n41x,1\n"}});
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "ftc-flat");
  ASSERT_TRUE(reads.ok()) << reads.status();
  ASSERT_EQ(reads->size(), 4u);
  EXPECT_EQ((*reads)[2].location, path + ":415.txt");
  EXPECT_EQ((*reads)[2].line, 1u);
  EXPECT_EQ((*reads)[2].key, 14152345678u);
  EXPECT_THAT(Rejects(*reads),
              ElementsAre(path + ":415.txt:2: malformed: expected "
                                 "NPA,NXXXXXX (found letters): '41x,1'"));
  EXPECT_EQ(members_, 2u);
}

// ---------------------------------------------------------- FTC change list

constexpr char kFtcChange[] =
    "212,2345678,2026-11-20 13:45:00,A\n"
    "212,3456789,2026-11-21 00:00:01,D\n"
    "415,2345678,2026-11-21 23:59:59,d\n"  // Flags are case-insensitive.
    "415,3456789,2026-11-21 10:00:00,X\n"  // Unknown flag.
    "415,4567890,2026-13-01 10:00:00,A\n"  // Month 13.
    "415,4567890,2026-11-21,A\n"           // No time.
    "415,4567890,A\n"                      // Missing field.
    " 650 , 2345678 , 2026-02-28 08:00:00 , A \r\n";  // Padded, CRLF.

TEST_F(RecordReaderTest, FtcChangeReadsNumberDateAndAddOrDeleteFlag) {
  for (const bool gzip : {false, true}) {
    const std::string path = gzip ? Gzip("change.csv.gz", kFtcChange)
                                  : Plain("change.csv", kFtcChange);
    absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "ftc-change");
    ASSERT_TRUE(reads.ok()) << reads.status();
    EXPECT_THAT(Keys(*reads), ElementsAre("1:+12122345678", "2:-12123456789",
                                          "3:-14152345678", "8:+16502345678"));
    EXPECT_EQ((*reads)[0].date, Day("2026-11-20"));
    EXPECT_EQ((*reads)[1].date, Day("2026-11-21"));
    EXPECT_EQ((*reads)[7].date, Day("2026-02-28"));
    EXPECT_THAT(
        Rejects(*reads),
        ElementsAre(
            path + ":4: malformed: expected NPA,NXXXXXX,DATE,FLAG (FLAG is "
                   "not one of A, D): '415,3456789,2026-11-21 10:00:00,X'",
            path + ":5: malformed: expected NPA,NXXXXXX,DATE,FLAG (DATE is "
                   "not a date like YYYY-MM-DD HH:MM:SS): "
                   "'415,4567890,2026-13-01 10:00:00,A'",
            path + ":6: malformed: expected NPA,NXXXXXX,DATE,FLAG (DATE is "
                   "not a date like YYYY-MM-DD HH:MM:SS): "
                   "'415,4567890,2026-11-21,A'",
            path + ":7: malformed: expected NPA,NXXXXXX,DATE,FLAG (too few "
                   "','): '415,4567890,A'"));
  }
}

TEST_F(RecordReaderTest, FullListLayoutsOnlyAdd) {
  const std::string path = Plain("ftc.txt", "212,2345678\n");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "ftc-flat");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("1:+12122345678"));
}

// ---------------------------------------------------------------- CRTC flat

TEST_F(RecordReaderTest, CrtcFlatReadsOneZipMemberPerAreaCode) {
  const std::string path =
      Zip("dncl.zip", {{"416.txt", "416,2345678\n416,3456789\n"},
                       {"905.txt", "905,2345678\n905,234567\n"}});
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "crtc-flat");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("1:+14162345678", "2:+14163456789",
                                        "1:+19052345678"));
  EXPECT_THAT(Rejects(*reads),
              ElementsAre(path + ":905.txt:2: malformed: expected NPA,NXXXXXX "
                                 "(NXXXXXX is not 7 digits): '905,234567'"));
}

// ----------------------------------------------------------------- CRTC XML

TEST_F(RecordReaderTest, CrtcXmlOnOneLineGivesOneRecordPerPh) {
  const std::string path =
      Plain("dncl.xml",
            "<list><ac val='416'><ph val='2345678'/><ph val='3456789'/></ac>"
            "<ac val='905'><ph val='2345678'/></ac></list>");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "crtc-xml");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("1:+14162345678", "1:+14163456789",
                                        "1:+19052345678"));
  EXPECT_THAT(Rejects(*reads), ElementsAre());
}

TEST_F(RecordReaderTest, CrtcXmlPrettyPrintedWithEitherQuoteAndCrlf) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
      "<!-- CRTC National DNCL, area code 416 > 0 -->\r\n"
      "<list>\r\n"
      "  <ac val=\"416\">\r\n"
      "    <ph val=\"2345678\"/>\r\n"
      "    <ph val = '3456789' />\r\n"
      "    <ph val=\"4567890\"></ph>\r\n"
      "  </ac>\r\n"
      "</list>\r\n";
  for (const bool gzip : {false, true}) {
    const std::string path =
        gzip ? Gzip("dncl.xml.gz", xml) : Plain("dncl.xml", xml);
    absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "crtc-xml");
    ASSERT_TRUE(reads.ok()) << reads.status();
    EXPECT_THAT(Keys(*reads), ElementsAre("5:+14162345678", "6:+14163456789",
                                          "7:+14164567890"));
    EXPECT_THAT(Rejects(*reads), ElementsAre());
  }
}

TEST_F(RecordReaderTest, CrtcXmlMalformedElementsAreRejectsWithTheirLine) {
  const std::string path = Plain(
      "dncl.xml",
      "<list>\n"
      "<ac val='416'>\n"
      "  <ph val='2345678'/>\n"
      "  <ph val='234567'/>\n"              // 4: 6 digits.
      "  <ph val='2345678/>\n"              // 5: unterminated quote.
      "  <ph/>\n"                           // 6: no val.
      "  <phone val='2345678'/>\n"          // 7: unknown element.
      "  stray text <ph val='3456789'/>\n"  // 8: text, then a good record.
      "  <ph val='911234'/><ph val='9112345'/>\n"  // 9: two records.
      "</ac>\n"
      "<ph val='2345678'/>\n"                     // 11: outside <ac>.
      "<ac val='41'><ph val='2345678'/></ac>\n"   // 12: 2-digit area code.
      "<ac val='911'><ph val='2345678'/></ac>\n"  // 13: N11 area code.
      "</list>\n");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "crtc-xml");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("3:+14162345678", "8:+14163456789"));
  const std::vector<std::string> rejects = Rejects(*reads);
  ASSERT_EQ(rejects.size(), 10u) << ::testing::PrintToString(rejects);
  EXPECT_EQ(rejects[0], path +
                            ":4: malformed: expected <ac val='NPA'><ph "
                            "val='NXXXXXX'/> (NXXXXXX is not 7 digits): "
                            "'<ph val='234567'/>'");
  EXPECT_EQ(rejects[1], path +
                            ":5: malformed: malformed XML element: "
                            "'<ph val='2345678/>'");
  EXPECT_EQ(rejects[2], path +
                            ":6: malformed: element without a val "
                            "attribute: '<ph/>'");
  EXPECT_EQ(rejects[3], path +
                            ":7: malformed: unexpected element (expected "
                            "list, ac or ph): '<phone val='2345678'/>'");
  EXPECT_EQ(rejects[4],
            path + ":8: malformed: text outside XML elements: 'stray text'");
  EXPECT_THAT(rejects[5], HasSubstr(path + ":9: malformed: "));
  EXPECT_THAT(rejects[6], HasSubstr(path + ":9: invalid: "));
  EXPECT_EQ(rejects[7], path +
                            ":11: malformed: <ph> outside an <ac> element: "
                            "'<ph val='2345678'/>'");
  EXPECT_THAT(rejects[8], HasSubstr(path + ":12: malformed: "));
  EXPECT_THAT(rejects[8], HasSubstr("NPA is not 3 digits"));
  EXPECT_THAT(rejects[9], HasSubstr(path + ":13: invalid: "));
}

TEST_F(RecordReaderTest, CrtcXmlTruncatedFileIsReportedNotSilentlyShort) {
  const std::string path =
      Plain("cut.xml", "<list>\n<ac val='416'>\n<ph val='2345678'/>\n");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "crtc-xml");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("3:+14162345678"));
  EXPECT_THAT(Rejects(*reads),
              ElementsAre(path + ":3: malformed: <list> not closed at the end "
                                 "of the file (truncated?): ''"));
}

// Found by fuzz/record_reader_fuzzer: without a final line break the
// unclosed-<list> reject named the line before the last one, going back
// behind the records already read.
TEST_F(RecordReaderTest, CrtcXmlTruncatedFileWithoutFinalNewlineNamesLastLine) {
  const std::string path =
      Plain("cut.xml", "<list>\n<ac val='416'>\n<ph val='2345678'/>");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "crtc-xml");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("3:+14162345678"));
  EXPECT_THAT(Rejects(*reads),
              ElementsAre(path + ":3: malformed: <list> not closed at the end "
                                 "of the file (truncated?): ''"));
  const std::string spaced =
      Plain("spaced.xml", "<list>\n<ac val='416'>\n<ph val='2345678'/>\n  ");
  reads = ReadAll(spaced, "crtc-xml");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Rejects(*reads), ElementsAre(HasSubstr(spaced + ":4: ")));
}

TEST_F(RecordReaderTest, CrtcXmlZipMembersAreScannedSeparately) {
  const std::string path = Zip(
      "dncl.zip",
      {{"416.xml", "<list><ac val='416'>\n<ph val='2345678'/>\n"},  // Cut.
       {"905.xml", "<list>\n<ac val='905'><ph val='2345678'/></ac></list>"}});
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "crtc-xml");
  ASSERT_TRUE(reads.ok()) << reads.status();
  ASSERT_EQ(reads->size(), 3u);
  EXPECT_EQ((*reads)[0].location, path + ":416.xml");
  EXPECT_EQ((*reads)[0].key, 14162345678u);
  EXPECT_EQ((*reads)[1].location, path + ":416.xml");
  EXPECT_THAT((*reads)[1].outcome, HasSubstr("not closed"));
  EXPECT_EQ((*reads)[2].location, path + ":905.xml");
  EXPECT_EQ((*reads)[2].line, 2u);
  EXPECT_EQ((*reads)[2].key, 19052345678u);
}

TEST_F(RecordReaderTest, CrtcXmlOfManyRecordsOnOneLineIsNotCutAtLineLimit) {
  // Far more than kMaxLineBytes on one physical line.
  std::string xml = "<list><ac val='416'>";
  for (int i = 0; i < 20000; ++i) {
    xml += absl::StrCat("<ph val='", 2000000 + i, "'/>");
  }
  xml += "</ac></list>";
  ASSERT_GT(xml.size(), 4 * kMaxLineBytes);
  absl::StatusOr<std::vector<Read>> reads =
      ReadAll(Plain("big.xml", xml), "crtc-xml");
  ASSERT_TRUE(reads.ok()) << reads.status();
  ASSERT_EQ(reads->size(), 20000u);
  EXPECT_EQ(reads->back().key, 14162000000u + 19999);
  EXPECT_THAT(Rejects(*reads), ElementsAre());
}

// ------------------------------------------------------------------- UK TPS

constexpr char kUkTps[] =
    "01635 506160\r\n"
    "020 7946 0958   \r\n"  // Padded to the field width.
    "07700900123 \r\n"
    "1635 506160 \r\n"     // No trunk 0.
    "01635 5O6160\r\n"     // Letter O.
    "0163\r\n"             // Too short.
    "+44 1635 506160\r\n"  // International form: read as such.
    "+1 212 234 5678\r\n"  // Read; the loader rejects the country.
    "0044 20 7946 0958\r\n"
    "      \r\n";

TEST_F(RecordReaderTest, UkTpsReadsNationalFormatWithTrunkZeroAsPlus44) {
  for (const bool zip : {false, true}) {
    const std::string path =
        zip ? Zip("tps.zip", {{"tps.txt", kUkTps}}) : Plain("tps.txt", kUkTps);
    const std::string location = zip ? path + ":tps.txt" : path;
    absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "uk-tps");
    ASSERT_TRUE(reads.ok()) << reads.status();
    EXPECT_THAT(Keys(*reads), ElementsAre("1:+441635506160", "2:+442079460958",
                                          "3:+447700900123", "7:+441635506160",
                                          "8:+12122345678", "9:+442079460958"));
    EXPECT_THAT(
        Rejects(*reads),
        ElementsAre(
            location + ":4: malformed: expected NUMBER (NUMBER does not start "
                       "with 0): '1635 506160 '",
            location + ":5: malformed: expected NUMBER (NUMBER has characters "
                       "other than digits and spaces): '01635 5O6160'",
            location + ":6: malformed: expected NUMBER (NUMBER does not have "
                       "7 to 10 digits after the 0): '0163'"));
    EXPECT_EQ(reads->back().outcome, "blank");
  }
}

// -------------------------------------------------------------------- lines

TEST_F(RecordReaderTest, LinesReadsAnyShapeOnePerLine) {
  const std::string path =
      Gzip("state.txt.gz", "(212) 234-5678\n+1 415 234 5678\n\ngarbage\n");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "lines");
  ASSERT_TRUE(reads.ok()) << reads.status();
  EXPECT_THAT(Keys(*reads), ElementsAre("1:+12122345678", "2:+14152345678"));
  const std::vector<std::string> rejects = Rejects(*reads);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_THAT(rejects[0], HasSubstr(path + ":4: malformed: "));
  EXPECT_THAT(rejects[0], HasSubstr("'garbage'"));
}

TEST_F(RecordReaderTest, LineLongerThanTheLimitIsARejectNotAnError) {
  const std::string path = Plain(
      "long.txt", std::string(kMaxLineBytes + 10, '1') + "\n212,2345678\n");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "ftc-flat");
  ASSERT_TRUE(reads.ok()) << reads.status();
  ASSERT_EQ(reads->size(), 2u);
  EXPECT_EQ((*reads)[0].outcome,
            std::string("malformed: ") + kLineTooLongDetail);
  EXPECT_EQ((*reads)[1].key, 12122345678u);
}

// ---------------------------------------------------------------------- CSV

constexpr char kLitigatorCsv[] =
    "name,Phone,added\r\n"
    "\"Smith, John\",\"(212) 234-5678\",2026-01-01\r\n"
    "Doe,415.234.5678,2026-01-02\r\n"
    "\"Roe, R\",,2026-01-03\r\n"           // Empty number.
    "\"Unterminated,(650) 234-5678,x\r\n"  // Bad quoting.
    "\"Q\" x,650 234 5678,2026-01-04\r\n"  // Text after a quote.
    "Short\r\n"                            // No phone column at all.
    "Max,\"+1 (650) 234-5678\"\r\n";

TEST_F(RecordReaderTest, CsvReadsTheNamedColumnWithQuotedFields) {
  for (const bool zip : {false, true}) {
    const std::string path =
        zip ? Zip("lit.zip", {{"a.csv", kLitigatorCsv},
                              {"b.csv", "PHONE\n212 345 6789\n"}})
            : Plain("lit.csv", kLitigatorCsv);
    const std::string location = zip ? path + ":a.csv" : path;
    absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "csv:phone");
    ASSERT_TRUE(reads.ok()) << reads.status();
    std::vector<std::string> keys = {"2:+12122345678", "3:+14152345678",
                                     "8:+16502345678"};
    if (zip) keys.push_back("2:+12123456789");  // b.csv has its own header.
    EXPECT_THAT(Keys(*reads), ::testing::ElementsAreArray(keys));
    EXPECT_THAT(
        Rejects(*reads),
        ElementsAre(location + ":4: malformed: expected csv column(s) phone "
                               "(phone is empty): '\"Roe, R\",,2026-01-03'",
                    location + ":5: malformed: unterminated quoted field: "
                               "'\"Unterminated,(650) 234-5678,x'",
                    location + ":6: malformed: text after a closing quote: "
                               "'\"Q\" x,650 234 5678,2026-01-04'",
                    location + ":7: malformed: expected csv column(s) phone "
                               "(phone is empty): 'Short'"));
  }
}

TEST_F(RecordReaderTest, CsvWithoutTheNamedColumnFailsNamingFileAndLine) {
  const std::string path = Plain("lit.csv", "\nname,number\nA,2122345678\n");
  absl::StatusOr<std::vector<Read>> reads = ReadAll(path, "csv:phone");
  ASSERT_EQ(reads.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(reads.status().message(), HasSubstr(path + ":2: "));
  EXPECT_THAT(reads.status().message(), HasSubstr("no column 'phone'"));
  EXPECT_THAT(reads.status().message(), HasSubstr("name, number"));
}

TEST_F(RecordReaderTest, MissingInputIsNotFound) {
  EXPECT_EQ(ReadAll(scratch_.Path("none.txt"), "ftc-flat").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadAll(scratch_.Path("none.xml"), "crtc-xml").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dnc::loader
