#include "storage/manifest.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

using ::testing::HasSubstr;

Manifest FullManifest() {
  Manifest m;
  m.source = "us-ftc";
  m.jurisdiction = "US";
  m.country_codes = {1, 44};
  m.generation = "g000012";
  m.generation_number = 12;
  m.as_of = 20392;  // 2025-10-31
  m.max_age_days = 45;
  m.format = "ftc-flat";
  m.created_at = "2026-11-22T10:11:12Z";
  m.lines_read = 1234567;
  m.numbers_loaded = 1200000;
  m.duplicates = 30000;
  m.rejected = 4567;
  m.filter_checksum = 0x0123456789abcdefULL;
  m.filter_bytes = 1500032;
  m.inputs = {{"/data/in/ftc full 1.txt", 987654321,
               "00112233445566778899aabbccddeeff"},
              {"second.zip", 0, "ffeeddccbbaa99887766554433221100"}};
  return m;
}

void ExpectSame(const Manifest& a, const Manifest& b) {
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.jurisdiction, b.jurisdiction);
  EXPECT_EQ(a.country_codes, b.country_codes);
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.generation_number, b.generation_number);
  EXPECT_EQ(a.as_of, b.as_of);
  EXPECT_EQ(a.max_age_days, b.max_age_days);
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.lines_read, b.lines_read);
  EXPECT_EQ(a.numbers_loaded, b.numbers_loaded);
  EXPECT_EQ(a.duplicates, b.duplicates);
  EXPECT_EQ(a.rejected, b.rejected);
  EXPECT_EQ(a.filter_checksum, b.filter_checksum);
  EXPECT_EQ(a.filter_bytes, b.filter_bytes);
  ASSERT_EQ(a.inputs.size(), b.inputs.size());
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    EXPECT_EQ(a.inputs[i].path, b.inputs[i].path);
    EXPECT_EQ(a.inputs[i].bytes, b.inputs[i].bytes);
    EXPECT_EQ(a.inputs[i].xxh3_128, b.inputs[i].xxh3_128);
  }
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

class ManifestTest : public ::testing::Test {
 protected:
  std::string Path() const { return dir_.Path("MANIFEST"); }

  // A valid manifest's text with `from` replaced by `to` (must occur).
  std::string Edited(const std::string& from, const std::string& to) {
    EXPECT_TRUE(WriteManifest(FullManifest(), Path()).ok());
    std::string text = ReadText(Path());
    const size_t pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
  }

  absl::Status ReadBack(const std::string& text) {
    WriteText(Path(), text);
    return ReadManifest(Path()).status();
  }

  test::ScratchDir dir_;
};

TEST_F(ManifestTest, EveryFieldRoundTrips) {
  const Manifest written = FullManifest();
  ASSERT_TRUE(WriteManifest(written, Path()).ok());
  absl::StatusOr<Manifest> read = ReadManifest(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSame(written, *read);
}

TEST_F(ManifestTest, MinimalManifestRoundTripsWithDefaults) {
  Manifest written;
  written.source = "x";
  written.generation = "g000001";
  written.generation_number = 1;
  ASSERT_TRUE(WriteManifest(written, Path()).ok());
  absl::StatusOr<Manifest> read = ReadManifest(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSame(written, *read);
}

TEST_F(ManifestTest, FileIsReadableTextStartingWithTheVersionLine) {
  ASSERT_TRUE(WriteManifest(FullManifest(), Path()).ok());
  const std::string text = ReadText(Path());
  EXPECT_EQ(text.rfind("dnc-manifest 1\n", 0), 0u);
  EXPECT_THAT(text, HasSubstr("\nsource: us-ftc\n"));
  EXPECT_THAT(text, HasSubstr("\nas_of: 2025-10-31\n"));
  EXPECT_THAT(text, HasSubstr("\ncountry_code: 1\ncountry_code: 44\n"));
  EXPECT_THAT(text, HasSubstr("\nfilter_checksum: 0123456789abcdef\n"));
  EXPECT_THAT(text,
              HasSubstr("\ninput: 987654321 00112233445566778899aabbccddeeff "
                        "/data/in/ftc full 1.txt\n"));
}

TEST_F(ManifestTest, UnknownKeysAreIgnored) {
  absl::StatusOr<Manifest> read;
  WriteText(Path(), Edited("format: ",
                           "future_field: 1\nfuture_field: 2\n"
                           "format: "));
  read = ReadManifest(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSame(FullManifest(), *read);
}

TEST_F(ManifestTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadManifest(dir_.Path("absent")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ManifestTest, WrongFirstLineIsDataLossNamingLineOne) {
  const absl::Status status = ReadBack(Edited("dnc-manifest 1", "hello"));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr(Path()));
  EXPECT_THAT(status.message(), HasSubstr("line 1"));
}

TEST_F(ManifestTest, UnknownVersionIsDataLoss) {
  const absl::Status status =
      ReadBack(Edited("dnc-manifest 1", "dnc-manifest 2"));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("version '2'"));
}

TEST_F(ManifestTest, EmptyFileIsDataLoss) {
  EXPECT_EQ(ReadBack("").code(), absl::StatusCode::kDataLoss);
}

TEST_F(ManifestTest, MalformedLineIsDataLossNamingTheLine) {
  // Line 2 is "source: ...".
  const absl::Status status =
      ReadBack(Edited("source: us-ftc", "source us-ftc"));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("line 2"));
}

TEST_F(ManifestTest, EachBadValueIsDataLossNamingLineAndField) {
  struct Case {
    std::string from, to, field;
  };
  const Case cases[] = {
      {"generation_number: 12", "generation_number: twelve",
       "generation_number"},
      {"generation_number: 12", "generation_number: -12", "generation_number"},
      {"as_of: 2025-10-31", "as_of: 2025-02-30", "as_of"},
      {"as_of: 2025-10-31", "as_of: 31/10/2025", "as_of"},
      {"max_age_days: 45", "max_age_days: 4x5", "max_age_days"},
      {"lines_read: 1234567", "lines_read: 99999999999999999999999",
       "lines_read"},
      {"numbers_loaded: 1200000", "numbers_loaded: ", "numbers_loaded"},
      {"duplicates: 30000", "duplicates: 3e4", "duplicates"},
      {"rejected: 4567", "rejected: 4567 ", "rejected"},
      {"filter_checksum: 0123456789abcdef", "filter_checksum: xyz",
       "filter_checksum"},
      {"filter_checksum: 0123456789abcdef",
       "filter_checksum: 0123456789abcdef0", "filter_checksum"},
      {"filter_bytes: 1500032", "filter_bytes: big", "filter_bytes"},
      {"country_code: 44", "country_code: 4444", "country_code"},
      {"input: 0 ffeeddccbbaa99887766554433221100 second.zip",
       "input: 0 ffee second.zip", "input"},
      {"input: 0 ffeeddccbbaa99887766554433221100 second.zip",
       "input: 0 ffeeddccbbaa99887766554433221100", "input"},
      {"source: us-ftc", "source: ", "source"},
      {"format: ftc-flat", "format: ftc-flat\nformat: other", "format"},
  };
  for (const Case& c : cases) {
    const std::string text = Edited(c.from, c.to);
    // The line number of the edited line (1-based).
    const size_t pos = text.find(c.to);
    const int line = 1 + static_cast<int>(std::count(text.begin(),
                                                     text.begin() + pos, '\n'));
    const absl::Status status = ReadBack(text);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << c.to;
    EXPECT_THAT(status.message(), HasSubstr(Path())) << c.to;
    EXPECT_THAT(status.message(), HasSubstr("field '" + c.field + "'")) << c.to;
    if (c.field == "format") {
      EXPECT_THAT(status.message(),
                  HasSubstr("line " + std::to_string(line + 1)));
    } else {
      EXPECT_THAT(status.message(), HasSubstr("line " + std::to_string(line)))
          << c.to;
    }
  }
}

TEST_F(ManifestTest, EachMissingRequiredFieldIsDataLossNamingIt) {
  for (const std::string field :
       {"source", "generation", "generation_number", "as_of", "numbers_loaded",
        "filter_checksum"}) {
    ASSERT_TRUE(WriteManifest(FullManifest(), Path()).ok());
    std::string text = ReadText(Path());
    const size_t start = text.find("\n" + field + ": ") + 1;
    const size_t end = text.find('\n', start);
    text.erase(start, end - start + 1);
    const absl::Status status = ReadBack(text);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << field;
    EXPECT_THAT(status.message(), HasSubstr("'" + field + "' is missing"));
    EXPECT_THAT(status.message(), HasSubstr(Path()));
  }
}

TEST_F(ManifestTest, WriteRefusesValuesThatWouldBreakTheFormat) {
  Manifest m = FullManifest();
  m.format = "two\nlines";
  EXPECT_EQ(WriteManifest(m, Path()).code(),
            absl::StatusCode::kInvalidArgument);
  m = FullManifest();
  m.inputs[0].xxh3_128 = "abc";
  EXPECT_EQ(WriteManifest(m, Path()).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ManifestTest, WriteIntoMissingDirIsNotFound) {
  EXPECT_EQ(WriteManifest(FullManifest(), dir_.Path("no/such/MANIFEST")).code(),
            absl::StatusCode::kNotFound);
}

TEST(FreshnessTest, CopyIsFreshThroughItsDeadlineAndStaleAfter) {
  const DayNumber as_of = *ParseIsoDate("2026-03-01");
  Manifest manifest;
  manifest.as_of = as_of;
  manifest.max_age_days = 31;
  EXPECT_FALSE(ComputeFreshness(manifest, as_of + 31).stale);
  EXPECT_TRUE(ComputeFreshness(manifest, as_of + 32).stale);
  EXPECT_EQ(ComputeFreshness(manifest, as_of + 32).age_days, 32);
  EXPECT_EQ(FormatIsoDate(ComputeFreshness(manifest, as_of).deadline),
            "2026-04-01");
}

}  // namespace
}  // namespace dnc::storage
