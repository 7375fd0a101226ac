#include "loader/input_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/loader/archive_writer.h"
#include "tests/loader/xxh3_oracle.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct ReadLine {
  std::string location;
  uint64_t line = 0;
  std::string text;
  bool truncated = false;
  bool operator==(const ReadLine& other) const {
    return location == other.location && line == other.line &&
           text == other.text && truncated == other.truncated;
  }
};

void PrintTo(const ReadLine& line, std::ostream* os) {
  *os << line.location << ":" << line.line << " '" << line.text << "'"
      << (line.truncated ? " (truncated)" : "");
}

// Every line of `path`, or the first error.
absl::StatusOr<std::vector<ReadLine>> ReadAll(const std::string& path) {
  absl::StatusOr<std::unique_ptr<InputFile>> file = InputFile::Open(path);
  if (!file.ok()) return file.status();
  std::vector<ReadLine> lines;
  InputLine line;
  while (true) {
    absl::StatusOr<bool> more = (*file)->NextLine(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
    lines.push_back({(*file)->location(), (*file)->line_number(),
                     std::string(line.text), line.truncated});
  }
  return lines;
}

// "<prefix>0000000\n<prefix>0000001\n..." with `count` lines.
std::string NumberedLines(int count, const std::string& prefix = "212,") {
  std::string text;
  char buffer[32];
  for (int i = 0; i < count; ++i) {
    snprintf(buffer, sizeof(buffer), "%s%07d\n", prefix.c_str(), i);
    text += buffer;
  }
  return text;
}

// The XXH3-128 of `path`'s bytes as stored, in one independent pass.
std::string FileXxh3Hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  return Xxh3Hex(bytes);
}

// Reads every line of `path` (or none), then returns its digest.
absl::StatusOr<FileDigest> DigestAfterReading(const std::string& path,
                                              bool read_lines = true) {
  absl::StatusOr<std::unique_ptr<InputFile>> file = InputFile::Open(path);
  if (!file.ok()) return file.status();
  InputLine line;
  while (read_lines) {
    absl::StatusOr<bool> more = (*file)->NextLine(&line);
    if (!more.ok()) return more.status();
    if (!*more) break;
  }
  return (*file)->Digest();
}

class InputFileTest : public ::testing::Test {
 protected:
  test::ScratchDir dir_;
};

TEST_F(InputFileTest, PlainFileYieldsEachLineWithPathAndLineNumber) {
  const std::string path = dir_.Path("plain.txt");
  ASSERT_TRUE(test::WritePlainFile(path, "212,2345678\n\n213,3456789\n"));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines, ElementsAre(ReadLine{path, 1, "212,2345678"},
                                  ReadLine{path, 2, ""},
                                  ReadLine{path, 3, "213,3456789"}));
}

TEST_F(InputFileTest, CrlfLineEndsLoseTheirCarriageReturn) {
  const std::string path = dir_.Path("crlf.txt");
  ASSERT_TRUE(test::WritePlainFile(path, "a\r\nb\r\n\r\nc\r\n"));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines,
              ElementsAre(ReadLine{path, 1, "a"}, ReadLine{path, 2, "b"},
                          ReadLine{path, 3, ""}, ReadLine{path, 4, "c"}));
}

TEST_F(InputFileTest, LastLineWithoutNewlineStillCounts) {
  const std::string path = dir_.Path("nofinal.txt");
  ASSERT_TRUE(test::WritePlainFile(path, "first\nlast"));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines, ElementsAre(ReadLine{path, 1, "first"},
                                  ReadLine{path, 2, "last"}));
}

TEST_F(InputFileTest, EmptyFileHasNoLines) {
  const std::string path = dir_.Path("empty.txt");
  ASSERT_TRUE(test::WritePlainFile(path, ""));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_TRUE(lines->empty());
}

TEST_F(InputFileTest, ByteOrderMarkAtTheStartIsSkipped) {
  const std::string path = dir_.Path("bom.txt");
  ASSERT_TRUE(test::WritePlainFile(path,
                                   "\xEF\xBB\xBF"
                                   "212,2345678\r\nx\n"));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines, ElementsAre(ReadLine{path, 1, "212,2345678"},
                                  ReadLine{path, 2, "x"}));
}

TEST_F(InputFileTest, LinesSpanningReadBlocksComeOutWhole) {
  // Several MiB, so lines cross libarchive's 1 MiB blocks at many offsets.
  const std::string path = dir_.Path("big.txt");
  std::string content;
  std::vector<std::string> expected;
  std::mt19937 rng(42);
  while (content.size() < (3u << 20)) {
    std::string line(rng() % 300, 'x');
    for (char& c : line) c = static_cast<char>('a' + rng() % 26);
    expected.push_back(line);
    content += line;
    content += (rng() % 2) ? "\r\n" : "\n";
  }
  ASSERT_TRUE(test::WritePlainFile(path, content));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ((*lines)[i].text, expected[i]) << "line " << i + 1;
    ASSERT_EQ((*lines)[i].line, i + 1);
  }
}

TEST_F(InputFileTest, OverlongLineIsCutAndFlaggedAndTheNextLineIsIntact) {
  const std::string path = dir_.Path("long.txt");
  const std::string huge(kMaxLineBytes * 3 + 5, '7');
  ASSERT_TRUE(test::WritePlainFile(path, "a\n" + huge + "\nb\n" + huge));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  const std::string cut(kMaxLineBytes, '7');
  EXPECT_THAT(
      *lines,
      ElementsAre(ReadLine{path, 1, "a"}, ReadLine{path, 2, cut, true},
                  ReadLine{path, 3, "b"}, ReadLine{path, 4, cut, true}));
}

TEST_F(InputFileTest, GzipFileReadsAsOneStreamNamedByItsPath) {
  const std::string path = dir_.Path("list.txt.gz");
  const std::string content = NumberedLines(200000);
  ASSERT_TRUE(test::WriteGzip(path, content + "tail-without-newline"));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 200001u);
  EXPECT_EQ((*lines)[0], (ReadLine{path, 1, "212,0000000"}));
  EXPECT_EQ((*lines)[123456], (ReadLine{path, 123457, "212,0123456"}));
  EXPECT_EQ(lines->back(), (ReadLine{path, 200001, "tail-without-newline"}));
}

TEST_F(InputFileTest, ZipMembersAreReadInTurnWithMemberNamesAndOwnLineNumbers) {
  const std::string path = dir_.Path("leads.zip");
  ASSERT_TRUE(
      test::WriteZip(path, {{"416.txt", "416,2345678\r\n416,3456789\r\n"},
                            {"empty.txt", ""},
                            {"905.txt", "905,2345678"}}));
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_THAT(*lines,
              ElementsAre(ReadLine{path + ":416.txt", 1, "416,2345678"},
                          ReadLine{path + ":416.txt", 2, "416,3456789"},
                          ReadLine{path + ":905.txt", 1, "905,2345678"}));
}

TEST_F(InputFileTest, MembersCountsStreams) {
  const std::string path = dir_.Path("three.zip");
  ASSERT_TRUE(test::WriteZip(path, {{"a", "1\n"}, {"b", "2\n"}, {"c", "3\n"}}));
  absl::StatusOr<std::unique_ptr<InputFile>> file = InputFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  InputLine line;
  int count = 0;
  while (true) {
    absl::StatusOr<bool> more = (*file)->NextLine(&line);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    ++count;
  }
  EXPECT_EQ(count, 3);
  EXPECT_EQ((*file)->members(), 3u);
}

TEST_F(InputFileTest, DigestIsOfTheFileAsStoredWhateverItHolds) {
  const std::string plain = dir_.Path("plain.txt");
  ASSERT_TRUE(test::WritePlainFile(plain, NumberedLines(300000)));
  const std::string gzip = dir_.Path("list.txt.gz");
  ASSERT_TRUE(test::WriteGzip(gzip, NumberedLines(300000)));
  // A zip is read central directory first, then member by member: the
  // digest is still of its bytes in file order.
  const std::string zip = dir_.Path("leads.zip");
  ASSERT_TRUE(test::WriteZip(zip, {{"416.txt", NumberedLines(300000, "416,")},
                                   {"empty.txt", ""},
                                   {"905.txt", NumberedLines(5, "905,")}}));
  const std::string empty = dir_.Path("empty.txt");
  ASSERT_TRUE(test::WritePlainFile(empty, ""));
  for (const std::string& path : {plain, gzip, zip, empty}) {
    SCOPED_TRACE(path);
    for (const bool read_lines : {true, false}) {
      absl::StatusOr<FileDigest> digest = DigestAfterReading(path, read_lines);
      ASSERT_TRUE(digest.ok()) << digest.status();
      EXPECT_EQ(digest->bytes, std::filesystem::file_size(path));
      EXPECT_EQ(digest->xxh3_128, FileXxh3Hex(path));
    }
  }
}

TEST_F(InputFileTest, DigestCoversBytesAfterTheEndOfAGzipStream) {
  const std::string path = dir_.Path("padded.txt.gz");
  ASSERT_TRUE(test::WriteGzip(path, "212,2345678\n"));
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << std::string(3 << 20, '\0');  // Padding, as tape copies have.
  }
  absl::StatusOr<FileDigest> digest = DigestAfterReading(path);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(digest->bytes, std::filesystem::file_size(path));
  EXPECT_EQ(digest->xxh3_128, FileXxh3Hex(path));
}

TEST_F(InputFileTest, MissingFileIsNotFoundNamingThePath) {
  const std::string path = dir_.Path("nope.txt");
  absl::StatusOr<std::unique_ptr<InputFile>> file = InputFile::Open(path);
  ASSERT_EQ(file.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(file.status().message(), HasSubstr(path));
}

TEST_F(InputFileTest, DirectoryIsRejected) {
  absl::StatusOr<std::unique_ptr<InputFile>> file =
      InputFile::Open(dir_.path());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(InputFileTest, CorruptZipDataIsDataLossNamingFileAndMember) {
  const std::string path = dir_.Path("bad.zip");
  std::string content;
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) {
    content += std::to_string(200 + rng() % 800) + "," +
               std::to_string(2000000 + rng() % 8000000) + "\n";
  }
  ASSERT_TRUE(test::WriteZip(path, {{"416.txt", content}}));
  // Overwrite part of the compressed data in the middle of the file.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 10000u);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) {
    bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  }
  ASSERT_TRUE(test::WritePlainFile(path, bytes));

  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(lines.status().message(), HasSubstr(path));
  EXPECT_THAT(lines.status().message(), HasSubstr("416.txt"));
}

TEST_F(InputFileTest, TruncatedZipIsDataLossNamingTheFile) {
  const std::string path = dir_.Path("cut.zip");
  ASSERT_TRUE(
      test::WriteZip(path, {{"416.txt", NumberedLines(50000, "416,")}}));
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(lines.status().message(), HasSubstr(path));
}

TEST_F(InputFileTest, TextFileNamedZipIsDataLoss) {
  const std::string path = dir_.Path("fake.zip");
  ASSERT_TRUE(test::WritePlainFile(path, "212,2345678\n"));
  absl::StatusOr<std::unique_ptr<InputFile>> file = InputFile::Open(path);
  ASSERT_EQ(file.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(file.status().message(), HasSubstr("not a zip archive"));
}

TEST_F(InputFileTest, TruncatedGzipIsDataLoss) {
  const std::string path = dir_.Path("cut.txt.gz");
  ASSERT_TRUE(test::WriteGzip(path, NumberedLines(100000)));
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  absl::StatusOr<std::vector<ReadLine>> lines = ReadAll(path);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(lines.status().message(), HasSubstr(path));
}

}  // namespace
}  // namespace dnc::loader
