// The one lead-list reader: encodings (detection, streaming decode split at
// every byte), delimiter detection, Excel's cell quirks, header names in
// other languages, and LeadListInput end to end over a blocking stream that
// another thread feeds in odd-sized chunks.
#include "leadlist/lead_list_input.h"

#include <deque>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leadlist/delimiter_detection.h"
#include "leadlist/phone_column.h"
#include "leadlist/spreadsheet_cells.h"
#include "leadlist/text_encoding.h"

namespace dnc::leadlist {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

std::string Utf16(std::u16string_view text, bool little, bool bom) {
  std::string out;
  if (bom) out = little ? "\xFF\xFE" : "\xFE\xFF";
  for (const char16_t u : text) {
    const char hi = static_cast<char>(u >> 8);
    const char lo = static_cast<char>(u & 0xFF);
    out.push_back(little ? lo : hi);
    out.push_back(little ? hi : lo);
  }
  return out;
}

// Decodes `in` fed in two pieces split at `split`.
std::string DecodeSplit(TextEncoding encoding, std::string_view in,
                        size_t split) {
  Utf8Transcoder t(encoding);
  std::string out;
  t.Decode(in.substr(0, split), false, &out);
  t.Decode(in.substr(split), true, &out);
  return out;
}

// A blocking stream fed by another thread, as dnc-server feeds the reader
// from HTTP chunks: underflow waits for the next chunk or the end.
class FedBuf : public std::streambuf {
 public:
  void Push(std::string chunk) {
    absl::MutexLock lock(&mu_);
    chunks_.push_back(std::move(chunk));
  }
  void End() {
    absl::MutexLock lock(&mu_);
    ended_ = true;
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](FedBuf* b) { return !b->chunks_.empty() || b->ended_; }, this));
    if (chunks_.empty()) return traits_type::eof();
    current_ = std::move(chunks_.front());
    chunks_.pop_front();
    setg(current_.data(), current_.data(), current_.data() + current_.size());
    return traits_type::to_int_type(*gptr());
  }

 private:
  absl::Mutex mu_;
  std::deque<std::string> chunks_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  std::string current_;
};

Rows ReadAll(CsvReader* csv) {
  Rows rows;
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = csv->ReadRow(&row);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || !*got) break;
    rows.push_back(row.ToVector());
  }
  return rows;
}

// Opens `bytes` through a FedBuf fed in chunks of `chunk` bytes from a
// thread; returns the records and *format.
Rows ReadFed(const std::string& bytes, size_t chunk, InputFormat* format,
             const InputOptions& options = {}) {
  FedBuf buf;
  std::istream raw(&buf);
  std::thread feeder([&] {
    for (size_t i = 0; i < bytes.size(); i += chunk) {
      buf.Push(bytes.substr(i, chunk));
    }
    buf.End();
  });
  absl::StatusOr<std::unique_ptr<LeadListInput>> input =
      LeadListInput::Open(&raw, options);
  Rows rows;
  if (input.ok()) {
    *format = (*input)->format();
    rows = ReadAll((*input)->csv());
  } else {
    ADD_FAILURE() << input.status();
  }
  feeder.join();
  return rows;
}

Rows ReadString(const std::string& bytes, InputFormat* format,
                const InputOptions& options = {}) {
  std::istringstream raw(bytes);
  absl::StatusOr<std::unique_ptr<LeadListInput>> input =
      LeadListInput::Open(&raw, options);
  if (!input.ok()) {
    ADD_FAILURE() << input.status();
    return {};
  }
  *format = (*input)->format();
  return ReadAll((*input)->csv());
}

// --- Encodings ---------------------------------------------------------------

TEST(TextEncodingTest, Windows1252FollowsTheWhatwgTable) {
  EXPECT_EQ(Windows1252CodePoint(0x80), 0x20ACu);  // Euro sign.
  EXPECT_EQ(Windows1252CodePoint(0x81), 0x81u);    // Unassigned: C1 control.
  EXPECT_EQ(Windows1252CodePoint(0x8A), 0x160u);   // S with caron.
  EXPECT_EQ(Windows1252CodePoint(0x9F), 0x178u);   // Y with diaeresis.
  EXPECT_EQ(Windows1252CodePoint(0xDF), 0xDFu);    // Sharp s.
  EXPECT_EQ(Windows1252CodePoint(0xE9), 0xE9u);    // e acute.
  std::string out;
  Utf8Transcoder(TextEncoding::kWindows1252)
      .Decode(
          "Jos\xE9 Stra\xDF"
          "e \x80 \x93x\x94",
          true, &out);
  EXPECT_EQ(out, "José Straße € “x”");
}

TEST(TextEncodingTest, ValidatesUtf8Strictly) {
  EXPECT_TRUE(IsValidUtf8("plain ascii", true));
  EXPECT_TRUE(IsValidUtf8("Müller 😀", true));
  EXPECT_FALSE(IsValidUtf8("M\xFCller", true));         // Latin-1 byte.
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF", true));          // Overlong.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80", true));      // A surrogate.
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80", true));  // Past U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("ab\xC3", true));            // Cut at the end...
  EXPECT_TRUE(IsValidUtf8("ab\xC3", false));  // ... unless more comes.
}

TEST(TextEncodingTest, DetectsEachEncoding) {
  const auto detect = [](const std::string& head) {
    return DetectTextEncoding(head, true);
  };
  EXPECT_EQ(detect("\xEF\xBB\xBFname,phone\n").encoding, TextEncoding::kUtf8);
  EXPECT_EQ(detect("\xEF\xBB\xBFname,phone\n").bom_bytes, 3u);
  EXPECT_EQ(detect("name,phone\n").encoding, TextEncoding::kUtf8);
  EXPECT_EQ(detect("name,phone\n").bom_bytes, 0u);
  EXPECT_EQ(detect("Jürgen,1\n").encoding, TextEncoding::kUtf8);
  EXPECT_EQ(detect("J\xFCrgen,1\n").encoding, TextEncoding::kWindows1252);
  EXPECT_EQ(detect(Utf16(u"a\tb\r\n", true, true)).encoding,
            TextEncoding::kUtf16Le);
  EXPECT_EQ(detect(Utf16(u"a\tb\r\n", true, true)).bom_bytes, 2u);
  EXPECT_EQ(detect(Utf16(u"a\tb\r\n", false, true)).encoding,
            TextEncoding::kUtf16Be);
  // Without a BOM: where the NUL bytes of ASCII characters fall.
  EXPECT_EQ(detect(Utf16(u"name\tphone\r\nAnn\t2025551234\r\n", true, false))
                .encoding,
            TextEncoding::kUtf16Le);
  EXPECT_EQ(detect(Utf16(u"name\tphone\r\nAnn\t2025551234\r\n", false, false))
                .encoding,
            TextEncoding::kUtf16Be);
  EXPECT_EQ(detect(Utf16(u"name\tphone\r\n", true, false)).bom_bytes, 0u);
}

TEST(TextEncodingTest, Utf8SplitAnywhereDecodesTheSame) {
  const std::string text = "Zoë;Straße;😀;€;x\xE9y";  // Last: a Latin-1 byte.
  const std::string expected = "Zoë;Straße;😀;€;xéy";
  for (size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(DecodeSplit(TextEncoding::kUtf8, text, split), expected)
        << "split at " << split;
  }
  // Byte by byte.
  Utf8Transcoder t(TextEncoding::kUtf8);
  std::string out;
  for (const char c : text) t.Decode(std::string_view(&c, 1), false, &out);
  t.Decode({}, true, &out);
  EXPECT_EQ(out, expected);
}

TEST(TextEncodingTest, Utf16SplitInsideSurrogatePairsDecodesTheSame) {
  const std::u16string text = u"Müller\t😀\t2025551234\r\n";
  for (const bool little : {true, false}) {
    const std::string bytes = Utf16(text, little, false);
    const TextEncoding encoding =
        little ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be;
    for (size_t split = 0; split <= bytes.size(); ++split) {
      EXPECT_EQ(DecodeSplit(encoding, bytes, split),
                "Müller\t😀\t2025551234\r\n")
          << "split at " << split << (little ? " LE" : " BE");
    }
  }
}

TEST(TextEncodingTest, BrokenUtf16BecomesReplacementCharacters) {
  std::string out;
  // A lone high surrogate, a lone low surrogate, an odd last byte.
  Utf8Transcoder(TextEncoding::kUtf16Le)
      .Decode(std::string("\x3D\xD8"
                          "a\0"
                          "\x00\xDC"
                          "b\0"
                          "c",
                          9),
              true, &out);
  EXPECT_EQ(out,
            "\xEF\xBF\xBD"
            "a"
            "\xEF\xBF\xBD"
            "b"
            "\xEF\xBF\xBD");
}

// --- Delimiters
// ----------------------------------------------------------------

TEST(DelimiterDetectionTest, FindsEachCandidate) {
  EXPECT_EQ(DetectDelimiter("name,phone\nAnn,2025551234\n", true), ',');
  EXPECT_EQ(DetectDelimiter("name;phone\nAnn;2025551234\n", true), ';');
  EXPECT_EQ(DetectDelimiter("name\tphone\nAnn\t2025551234\n", true), '\t');
  EXPECT_EQ(DetectDelimiter("name|phone\nAnn|2025551234\n", true), '|');
  // One column: nothing to split on.
  EXPECT_EQ(DetectDelimiter("phone\n2025551234\n", true), ',');
  EXPECT_EQ(DetectDelimiter("", true), ',');
}

TEST(DelimiterDetectionTest, IgnoresDelimitersInsideQuotes) {
  EXPECT_EQ(DetectDelimiter("\"a;b;c\",phone\n\"x;y;z\",123\n", true), ',');
  EXPECT_EQ(DetectDelimiter("name;phone\n\"Müller, Hans\";123\n"
                            "\"Weiß, Ann, Dr.\";456\n",
                            true),
            ';');
  // A quoted field spanning lines is one record.
  EXPECT_EQ(DetectDelimiter("a;b\n\"x\ny,z\";1\n", true), ';');
}

TEST(DelimiterDetectionTest, ConsistencyThenFieldCountThenOrderBreakTies) {
  // Decimal commas in a semicolon file: the header has no comma.
  EXPECT_EQ(
      DetectDelimiter("name;amount;phone\nAnn;1,50;1\nBob;2,75;2\n", true),
      ';');
  // Both consistent: the one making more fields.
  EXPECT_EQ(DetectDelimiter("a;b;c,d\n1;2;3,4\n", true), ';');
  // Both consistent, as many fields: comma first, then semicolon, tab, pipe.
  EXPECT_EQ(DetectDelimiter("a;b,c\n1;2,3\n", true), ',');
  EXPECT_EQ(DetectDelimiter("a;b\tc\n1;2\t3\n", true), ';');
  EXPECT_EQ(DetectDelimiter("a|b\tc\n1|2\t3\n", true), '\t');
  // Tabs agree on every line, commas (inside names) only on some.
  EXPECT_EQ(
      DetectDelimiter("name\tphone\nSmith, Ann\t1\nBob\t2\nCy\t3\n", true),
      '\t');
  // The last line of an incomplete head is not counted.
  EXPECT_EQ(DetectDelimiter("a;b\n1;2\n3,4,5,6,7", false), ';');
}

TEST(DelimiterDetectionTest, ParsesNames) {
  char d = 0;
  EXPECT_TRUE(ParseDelimiterName("TAB", &d));
  EXPECT_EQ(d, '\t');
  EXPECT_TRUE(ParseDelimiterName("\t", &d));
  EXPECT_TRUE(ParseDelimiterName("semicolon", &d));
  EXPECT_EQ(d, ';');
  EXPECT_TRUE(ParseDelimiterName("|", &d));
  EXPECT_EQ(d, '|');
  EXPECT_FALSE(ParseDelimiterName("colon", &d));
  EXPECT_FALSE(ParseDelimiterName("", &d));
}

// --- Spreadsheet cells
// ---------------------------------------------------------

TEST(SpreadsheetCellsTest, UnwrapsExcelFormulaText) {
  EXPECT_EQ(UnwrapExcelText("=\"2025551234\""), "2025551234");
  EXPECT_EQ(UnwrapExcelText(" =\"+1 202 555 1234\" "), "+1 202 555 1234");
  EXPECT_EQ(UnwrapExcelText("=\"\""), "");
  EXPECT_EQ(UnwrapExcelText("2025551234"), "2025551234");
  EXPECT_EQ(UnwrapExcelText("=A1&\"x\""), "=A1&\"x\"");
  EXPECT_EQ(UnwrapExcelText("=\"a\"&\"b\""), "=\"a\"&\"b\"");
}

TEST(SpreadsheetCellsTest, RecognisesScientificNotation) {
  for (const char* damaged :
       {"2.02546E+09", "2,02546E+09", "2.02546e+09", "1E+10", " 2.5E9 ",
        "=\"2.02546E+09\"", "+2.02546E+09", "1.2E-3"}) {
    EXPECT_TRUE(IsScientificNotation(damaged)) << damaged;
  }
  for (const char* fine :
       {"2025551234", "+1 202 555 1234", "(202) 555-1234", "E+09", "2.02546",
        "2.E+09", "2.02546E+", "N/A", "", "2.0E+09x", "E9"}) {
    EXPECT_FALSE(IsScientificNotation(fine)) << fine;
  }
  // 202E555 has digits after the E: it is scientific notation. Make sure
  // the rule is what the header says, not a guess about phone numbers.
  EXPECT_TRUE(IsScientificNotation("202E555"));
}

// --- Header names
// --------------------------------------------------------------

TEST(PhoneHeaderNamesTest, FoldsAccentsAndKnowsOtherLanguages) {
  EXPECT_EQ(NormalizeHeaderName("Téléphone"), "telephone");
  EXPECT_EQ(NormalizeHeaderName("Straße"), "strasse");
  EXPECT_EQ(NormalizeHeaderName("Numéro de téléphone"), "numerodetelephone");
  EXPECT_EQ(NormalizeHeaderName("Teléfono Móvil"), "telefonomovil");
  for (const char* header :
       {"Telefon", "Telefonnummer", "Handy", "Mobil", "mobile", "Mobile Phone",
        "cellulaire", "téléphone", "TELEPHONE", "Rufnummer", "tel", "GSM",
        "Tel.", "Handynummer", "Teléfono", "Portable"}) {
    const std::vector<std::string> row = {"Name", header, "Ort"};
    EXPECT_TRUE(LooksLikeHeader(row)) << header;
    absl::StatusOr<PhoneColumn> column = FindPhoneColumn(&row, {}, "", 3);
    ASSERT_TRUE(column.ok()) << header << ": " << column.status();
    EXPECT_EQ(column->index, 1u) << header;
    EXPECT_EQ(column->how, "header name");
  }
}

TEST(PhoneHeaderNamesTest, ContentDetectionReadsExcelFormulaText) {
  const std::vector<std::vector<std::string>> sample = {
      {"Ann", "=\"2025551234\""}, {"Bob", "=\"2125550199\""}};
  EXPECT_FALSE(LooksLikeHeader(sample[0]));
  absl::StatusOr<PhoneColumn> column = FindPhoneColumn(nullptr, sample, "", 2);
  ASSERT_TRUE(column.ok()) << column.status();
  EXPECT_EQ(column->index, 1u);
}

// --- LeadListInput
// -------------------------------------------------------------

TEST(LeadListInputTest, ReadsEveryEncodingToTheSameRecords) {
  const std::u16string text =
      u"Name\tTelefon\r\nJürgen Groß\t2025551234\r\nZoë 😀\t+1 212 555 "
      u"0000\r\n";
  const Rows expected = {{"Name", "Telefon"},
                         {"Jürgen Groß", "2025551234"},
                         {"Zoë 😀", "+1 212 555 0000"}};
  struct Case {
    std::string bytes;
    std::string encoding;
  };
  const std::string utf8 =
      "Name\tTelefon\r\nJürgen Groß\t2025551234\r\nZoë 😀\t+1 212 555 0000\r\n";
  const std::vector<Case> cases = {
      {utf8, "utf-8"},
      {"\xEF\xBB\xBF" + utf8, "utf-8 (BOM)"},
      {Utf16(text, true, true), "utf-16le"},
      {Utf16(text, false, true), "utf-16be"},
      {Utf16(text, true, false), "utf-16le"},
      {Utf16(text, false, false), "utf-16be"},
  };
  for (const Case& c : cases) {
    for (const size_t chunk : {size_t{1}, size_t{3}, size_t{7}, size_t{4096}}) {
      InputFormat format;
      EXPECT_EQ(ReadFed(c.bytes, chunk, &format), expected)
          << c.encoding << " in chunks of " << chunk;
      EXPECT_EQ(format.kind, "csv");
      EXPECT_EQ(format.encoding, c.encoding);
      EXPECT_EQ(format.delimiter, '\t');
    }
  }
  // Windows-1252 cannot hold the emoji; the rest is the same.
  InputFormat format;
  EXPECT_EQ(ReadString("Name;Telefon\nJ\xFCrgen Gro\xDF;2025551234\n", &format),
            (Rows{{"Name", "Telefon"}, {"Jürgen Groß", "2025551234"}}));
  EXPECT_EQ(format.encoding, "windows-1252");
  EXPECT_EQ(format.delimiter, ';');
  EXPECT_EQ(DescribeInputFormat(format), "Windows-1252, semicolon-separated");
}

TEST(LeadListInputTest, StreamsInputLongerThanTheSniffedHead) {
  // 300,000 rows (~7 MB) in UTF-16LE, fed in 64 KiB + 1 chunks: the head is
  // sniffed, the rest streams through; every row arrives, in order.
  std::u16string text = u"name\tphone\r\n";
  for (int i = 0; i < 300000; ++i) {
    const std::string row = "Zoe " + std::to_string(i) + "\t" +
                            std::to_string(2025550000 + i) + "\r\n";
    text.append(row.begin(), row.end());
  }
  text += u"Zoë 😀\t2025551234\r\n";
  InputFormat format;
  const Rows rows = ReadFed(Utf16(text, true, true), kSniffBytes + 1, &format);
  ASSERT_EQ(rows.size(), 300002u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Zoe 0", "2025550000"}));
  EXPECT_EQ(rows[300000],
            (std::vector<std::string>{"Zoe 299999", "2025849999"}));
  EXPECT_EQ(rows[300001], (std::vector<std::string>{"Zoë 😀", "2025551234"}));
  EXPECT_EQ(format.encoding, "utf-16le");
}

TEST(LeadListInputTest, LaterWindows1252BytesInAUtf8FileAreReadAsSuch) {
  // The first 64 KiB are ASCII; a Windows-1252 name comes after.
  std::string bytes = "name,phone\n";
  while (bytes.size() < kSniffBytes + 100) bytes += "Ann,2025551234\n";
  bytes +=
      "Ren\xE9"
      "e,2025551235\n";
  InputFormat format;
  const Rows rows = ReadString(bytes, &format);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back(), (std::vector<std::string>{"Renée", "2025551235"}));
}

TEST(LeadListInputTest, GivenOptionsOverrideDetection) {
  InputOptions options;
  options.delimiter = "semicolon";
  options.encoding = "cp1252";
  InputFormat format;
  // Detection would say comma and UTF-8.
  EXPECT_EQ(ReadString("a,b;c\n1,2;3\n", &format, options),
            (Rows{{"a,b", "c"}, {"1,2", "3"}}));
  EXPECT_EQ(format.delimiter, ';');
  EXPECT_EQ(format.encoding, "windows-1252");
  options = {};
  options.encoding = "utf-16";  // The BOM says big-endian.
  EXPECT_EQ(ReadString(Utf16(u"a,b\n", false, true), &format, options),
            (Rows{{"a", "b"}}));
  EXPECT_EQ(format.encoding, "utf-16be");
}

TEST(LeadListInputTest, BadOptionsAreRefusedNamingThemAndTheChoices) {
  std::istringstream raw("a,b\n");
  InputOptions options;
  options.delimiter = ":";
  absl::StatusOr<std::unique_ptr<LeadListInput>> input =
      LeadListInput::Open(&raw, options);
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(input.status().message(),
              HasSubstr("delimiter \":\" is not one we read"));
  EXPECT_THAT(input.status().message(), HasSubstr("semicolon, tab or pipe"));
  options = {};
  options.encoding = "ebcdic";
  EXPECT_THAT(CheckInputOptions(options).message(),
              HasSubstr("encoding \"ebcdic\" is not one we read: use utf-8, "
                        "utf-16, utf-16le, utf-16be or windows-1252"));
  options = {};
  options.name = "leads.csv";
  options.sheet = "2";
  input = LeadListInput::Open(&raw, options);
  ASSERT_FALSE(input.ok());
  EXPECT_THAT(input.status().message(), HasSubstr("leads.csv is a CSV"));
}

TEST(LeadListInputTest, AZipThatIsNoWorkbookSaysSo) {
  std::istringstream raw(std::string("PK\x03\x04garbage", 11));
  InputOptions options;
  options.name = "leads.csv";
  absl::StatusOr<std::unique_ptr<LeadListInput>> input =
      LeadListInput::Open(&raw, options);
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(input.status().message(), HasSubstr("leads.csv: "));
}

TEST(LeadListInputTest, DescribesFormats) {
  EXPECT_EQ(DescribeInputFormat({"csv", "utf-16le", '\t', ""}),
            "UTF-16LE, tab-separated");
  EXPECT_EQ(DescribeInputFormat({"csv", "utf-8 (BOM)", ';', ""}),
            "UTF-8 with BOM, semicolon-separated");
  EXPECT_EQ(DescribeInputFormat({"csv", "utf-8", '|', ""}),
            "UTF-8, pipe-separated");
  EXPECT_EQ(DescribeInputFormat({"xlsx", "utf-8", ',', "Leads"}),
            "Excel workbook, sheet \"Leads\"");
}

}  // namespace
}  // namespace dnc::leadlist
