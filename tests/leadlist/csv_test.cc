#include "leadlist/csv.h"

#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::leadlist {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

struct ReadResult {
  Rows rows;
  std::vector<uint64_t> lines;
  std::vector<bool> blank;
  bool had_bom = false;
  bool crlf = false;
};

ReadResult ReadAll(const std::string& text, CsvReaderOptions options = {}) {
  std::istringstream in(text);
  CsvReader reader(&in, options);
  ReadResult result;
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = reader.ReadRow(&row);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || !*got) break;
    result.rows.push_back(row.ToVector());
    result.lines.push_back(row.line());
    result.blank.push_back(row.blank());
  }
  result.had_bom = reader.had_bom();
  result.crlf = reader.first_line_crlf();
  return result;
}

absl::Status ReadError(const std::string& text, CsvReaderOptions options = {}) {
  std::istringstream in(text);
  CsvReader reader(&in, options);
  CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = reader.ReadRow(&row);
    if (!got.ok()) return got.status();
    if (!*got) return absl::OkStatus();
  }
}

TEST(CsvReaderTest, QuotedFieldKeepsItsCommas) {
  const ReadResult r = ReadAll("name,phone\n\"Smith, John\",2025551234\n");
  EXPECT_EQ(r.rows, (Rows{{"name", "phone"}, {"Smith, John", "2025551234"}}));
}

TEST(CsvReaderTest, DoubledQuotesInsideQuotesAreOneQuote) {
  const ReadResult r = ReadAll("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n");
  EXPECT_EQ(r.rows, (Rows{{"say \"hi\"", "\"", ""}}));
}

TEST(CsvReaderTest, EmbeddedNewlineStaysInTheFieldAndLinesCountOn) {
  const ReadResult r = ReadAll("a,b\n\"line one\nline two\",x\nlast,row\n");
  EXPECT_EQ(r.rows,
            (Rows{{"a", "b"}, {"line one\nline two", "x"}, {"last", "row"}}));
  EXPECT_THAT(r.lines, ElementsAre(1, 2, 4));
}

TEST(CsvReaderTest, CrlfLineEndingsAreRemovedAndReported) {
  const ReadResult r = ReadAll("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}, {"x\r\ny", "3"}}));
  EXPECT_TRUE(r.crlf);
  EXPECT_THAT(r.lines, ElementsAre(1, 2, 3));
  EXPECT_FALSE(ReadAll("a,b\n1,2\n").crlf);
}

TEST(CsvReaderTest, LoneCarriageReturnEndsARecord) {
  const ReadResult r = ReadAll("a,b\r1,2\r");
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, ByteOrderMarkAtTheStartIsStripped) {
  const ReadResult r = ReadAll("\xEF\xBB\xBFphone,name\n2025551234,x\n");
  EXPECT_TRUE(r.had_bom);
  EXPECT_EQ(r.rows, (Rows{{"phone", "name"}, {"2025551234", "x"}}));
  EXPECT_FALSE(ReadAll("phone\n").had_bom);
}

TEST(CsvReaderTest, EmptyFieldsAreKept) {
  const ReadResult r = ReadAll(",,\na,,c\n\"\",b,\n");
  EXPECT_EQ(r.rows, (Rows{{"", "", ""}, {"a", "", "c"}, {"", "b", ""}}));
}

TEST(CsvReaderTest, RaggedRowsAreReturnedAsRead) {
  const ReadResult r = ReadAll("a,b,c\n1\n1,2,3,4\n1,2,3\n");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[1].size(), 1u);
  EXPECT_EQ(r.rows[2].size(), 4u);
  EXPECT_EQ(r.rows[3].size(), 3u);
}

TEST(CsvReaderTest, LastRecordWithoutFinalNewlineIsRead) {
  EXPECT_EQ(ReadAll("a,b\n1,2").rows, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,\"b\"").rows, (Rows{{"a", "b"}}));
  EXPECT_EQ(ReadAll("").rows, Rows{});
}

TEST(CsvReaderTest, BlankLinesAreMarkedBlankButQuotedEmptyIsNot) {
  const ReadResult r = ReadAll("a\n\n\"\"\nb\n");
  EXPECT_EQ(r.rows, (Rows{{"a"}, {""}, {""}, {"b"}}));
  EXPECT_THAT(r.blank, ElementsAre(false, true, false, false));
  EXPECT_THAT(r.lines, ElementsAre(1, 2, 3, 4));
}

TEST(CsvReaderTest, StrayQuotesInUnquotedFieldsAreText) {
  const ReadResult r = ReadAll("5'10\",ab\"c\n\"x\"y,z\n");
  EXPECT_EQ(r.rows, (Rows{{"5'10\"", "ab\"c"}, {"xy", "z"}}));
}

TEST(CsvReaderTest, UnclosedQuoteAtEndOfInputIsAnErrorNamingTheLine) {
  const absl::Status status = ReadError("a,b\n1,2\n\"open,3\n4,5\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 3"));
}

TEST(CsvReaderTest, RecordLongerThanTheLimitIsAnError) {
  CsvReaderOptions options;
  options.max_row_bytes = 100;
  const absl::Status status =
      ReadError("ok\n\"" + std::string(1000, 'x') + "\"\n", options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 2"));
}

// Found by fuzz/csv_fuzzer: stray quotes in an unquoted field were kept
// without checking the limit, so "a" and a run of quotes made a record of
// any length.
TEST(CsvReaderTest, StrayQuotesCountTowardsTheLimit) {
  CsvReaderOptions options;
  options.max_row_bytes = 100;
  const absl::Status status =
      ReadError("ok\na" + std::string(1000, '"') + "\n", options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 2"));
  const ReadResult r = ReadAll("a" + std::string(99, '"') + "\n", options);
  EXPECT_EQ(r.rows, (Rows{{"a" + std::string(99, '"')}}));
}

TEST(CsvReaderTest, FieldsSpanningBufferRefillsAreReadWhole) {
  CsvReaderOptions options;
  options.buffer_bytes = 16;  // Forces every construct across a refill.
  const std::string text =
      "\xEF\xBB\xBF\"a,b\"\"c\",plain text field,\"multi\r\nline\"\r\n"
      "x,\"\"\"\",y\r\n";
  const ReadResult r = ReadAll(text, options);
  EXPECT_TRUE(r.had_bom);
  EXPECT_EQ(r.rows, (Rows{{"a,b\"c", "plain text field", "multi\r\nline"},
                          {"x", "\"", "y"}}));
}

TEST(CsvReaderTest, ReadsFromAFile) {
  test::ScratchDir dir;
  const std::string path = dir.Path("in.csv");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("phone\n\"(202) 555-1234\"\n", f);
  std::fclose(f);
  f = std::fopen(path.c_str(), "rb");
  CsvReader reader(f);
  CsvRow row;
  ASSERT_TRUE(*reader.ReadRow(&row));
  ASSERT_TRUE(*reader.ReadRow(&row));
  EXPECT_EQ(row.field(0), "(202) 555-1234");
  EXPECT_FALSE(*reader.ReadRow(&row));
  std::fclose(f);
}

TEST(CsvWriterTest, QuotesOnlyFieldsThatNeedIt) {
  std::ostringstream out;
  {
    CsvWriter writer(&out);
    writer.WriteRow({"plain", "a,b", "say \"hi\"", "two\nlines", "", "cr\r"});
    writer.WriteRow({""});
    ASSERT_TRUE(writer.Flush().ok());
  }
  EXPECT_EQ(out.str(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\"cr\r\"\n"
            "\"\"\n");
}

TEST(CsvWriterTest, WritesBomAndCrlfWhenAsked) {
  std::ostringstream out;
  CsvWriter writer(&out);
  writer.set_line_ending("\r\n");
  writer.WriteBom();
  writer.WriteRow({"a", "b"});
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(out.str(),
            "\xEF\xBB\xBF"
            "a,b\r\n");
}

TEST(CsvWriterTest, RandomRowsReadBackIdentical) {
  std::mt19937_64 rng(20261122);
  const std::vector<std::string> pieces = {
      "a",  "Z",    "0", "9",  " ", ",",    "\"", "\n",
      "\r", "\r\n", "é", "\t", "'", "x\"y", ";",  "+1 (202) 555-1234"};
  Rows rows;
  for (int r = 0; r < 2000; ++r) {
    std::vector<std::string> row(1 + rng() % 8);
    for (std::string& field : row) {
      const int len = static_cast<int>(rng() % 6);
      for (int i = 0; i < len; ++i) field += pieces[rng() % pieces.size()];
    }
    rows.push_back(std::move(row));
  }
  for (const char* ending : {"\n", "\r\n"}) {
    std::ostringstream out;
    {
      CsvWriterOptions options;
      options.line_ending = ending;
      options.buffer_bytes = 100;  // Many drains.
      CsvWriter writer(&out, options);
      for (const auto& row : rows) writer.WriteRow(row);
      ASSERT_TRUE(writer.Flush().ok());
      EXPECT_EQ(writer.rows_written(), rows.size());
    }
    CsvReaderOptions read_options;
    read_options.buffer_bytes = 37;
    EXPECT_EQ(ReadAll(out.str(), read_options).rows, rows)
        << "ending " << ending;
  }
}

TEST(CsvWriterTest, WriteErrorIsReported) {
  std::FILE* full = std::fopen("/dev/full", "wb");
  if (full == nullptr) GTEST_SKIP() << "no /dev/full";
  absl::Status status;
  {
    CsvWriter writer(full);
    for (int i = 0; i < 10000; ++i) writer.WriteRow({"some", "data"});
    status = writer.Flush();
  }
  std::fclose(full);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace dnc::leadlist
