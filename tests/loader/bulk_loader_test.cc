#include "loader/bulk_loader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/key_index.h"
#include "storage/manifest.h"
#include "storage/source_directory.h"
#include "storage/source_snapshot.h"
#include "tests/loader/archive_writer.h"
#include "tests/loader/xxh3_oracle.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// "212,2345678" for 12122345678.
std::string FtcLine(uint64_t key) {
  const uint64_t national = key - 10000000000ULL;
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%03llu,%07llu",
           static_cast<unsigned long long>(national / 10000000),
           static_cast<unsigned long long>(national % 10000000));
  return buffer;
}

// `count` distinct valid NANP keys, deterministic for `seed`.
std::vector<uint64_t> RandomValidKeys(size_t count, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::set<uint64_t> keys;
  while (keys.size() < count) {
    const uint64_t key = 10000000000ULL + 2000000000ULL + rng() % 8000000000ULL;
    if (ClassifyE164(key).valid()) keys.insert(key);
  }
  return {keys.begin(), keys.end()};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

class BulkLoaderTest : public ::testing::Test {
 protected:
  LoadOptions Options(std::vector<std::string> inputs,
                      const std::string& as_of = "2026-11-20") {
    LoadOptions options;
    options.data_dir = data_;
    options.source = "us-ftc";
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

  // Lines of the keys in ftc-flat, each followed by "\n".
  static std::string FtcLines(const std::vector<uint64_t>& keys) {
    std::string text;
    for (uint64_t key : keys) absl::StrAppend(&text, FtcLine(key), "\n");
    return text;
  }

  // Listed flags for `keys` in the published generation of `source`.
  std::vector<uint8_t> Lookup(const std::vector<uint64_t>& keys,
                              const std::string& source = "us-ftc") {
    absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
        storage::SourceSnapshot::OpenCurrent(data_, source);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    std::vector<uint8_t> listed(keys.size(), 0);
    if (!snapshot.ok()) return listed;
    const absl::Status status =
        (*snapshot)->Lookup(keys, absl::MakeSpan(listed));
    EXPECT_TRUE(status.ok()) << status;
    return listed;
  }

  std::optional<std::string> CurrentDir(const std::string& source = "us-ftc") {
    absl::StatusOr<std::optional<std::string>> dir =
        storage::CurrentGenerationDir(data_, source);
    EXPECT_TRUE(dir.ok()) << dir.status();
    return dir.ok() ? *dir : std::nullopt;
  }

  // Names in sources/<source>/ (generations, temp dirs, CURRENT, LOCK).
  std::vector<std::string> SourceDirEntries(
      const std::string& source = "us-ftc") {
    std::vector<std::string> names;
    const fs::path dir = fs::path(data_) / "sources" / source;
    if (!fs::exists(dir)) return names;
    for (const auto& entry : fs::directory_iterator(dir)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  test::ScratchDir dir_;
  const std::string data_ = dir_.Path("data");
};

TEST_F(BulkLoaderTest, LoadsEveryGoodLineAndReportsEachBadOneWithItsLocation) {
  const std::string plain = Write("a.txt",
                                  "AreaCode,PhoneNumber\r\n"  // 1: header
                                  "212,2345678\r\n"           // 2
                                  "\r\n"                      // 3: blank
                                  "911,2345678\r\n"           // 4: N11
                                  "212,234567\r\n"            // 5: short
                                  "213,3456789");             // 6: no newline
  const std::string zip = dir_.Path("b.zip");
  ASSERT_TRUE(
      test::WriteZip(zip, {{"416.txt", "416,2345678\nbogus\n"},
                           {"905.txt", "\n905,2345678\n905,23456789\n"}}));
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({plain, zip}));
  ASSERT_TRUE(stats.ok()) << stats.status();

  EXPECT_EQ(stats->files, 2u);
  EXPECT_EQ(stats->members, 3u);
  EXPECT_EQ(stats->lines_read, 11u);
  EXPECT_EQ(stats->blank, 2u);
  EXPECT_EQ(stats->loaded, 4u);
  EXPECT_EQ(stats->duplicates, 0u);
  EXPECT_EQ(stats->rejected, 5u);
  std::vector<std::string> where;
  for (const RejectSample& sample : stats->reject_samples) {
    where.push_back(
        absl::StrCat(sample.location, ":", sample.line, " ", sample.value));
  }
  EXPECT_THAT(
      where,
      ElementsAre(plain + ":1 AreaCode,PhoneNumber", plain + ":4 911,2345678",
                  plain + ":5 212,234567", zip + ":416.txt:2 bogus",
                  zip + ":905.txt:3 905,23456789"));
  EXPECT_THAT(stats->reject_samples[0].reason, HasSubstr("malformed"));
  EXPECT_THAT(stats->reject_samples[1].reason, HasSubstr("invalid"));

  // The Canadian lines load into us-ftc, but are reported: the server never
  // consults us-ftc for them.
  EXPECT_EQ(stats->out_of_coverage, 2u);

  // rejects.txt in the published generation lists the same lines in full,
  // then ("# " lines) the out-of-coverage warning.
  EXPECT_EQ(stats->rejects_path, stats->generation_dir + "/rejects.txt");
  std::vector<std::string> rejects;
  std::vector<std::string> comments;
  for (std::string& line : SplitLines(ReadFile(stats->rejects_path))) {
    (line.rfind("# ", 0) == 0 ? comments : rejects).push_back(line);
  }
  EXPECT_THAT(comments, Contains(HasSubstr("2 line(s) out of coverage")));
  ASSERT_EQ(rejects.size(), 5u);
  EXPECT_EQ(rejects[0], plain +
                            ":1: malformed: expected NPA,NXXXXXX (found "
                            "letters): 'AreaCode,PhoneNumber'");
  EXPECT_EQ(rejects[2], plain +
                            ":5: malformed: expected NPA,NXXXXXX (NXXXXXX is "
                            "not 7 digits): '212,234567'");
  EXPECT_EQ(rejects[4], zip +
                            ":905.txt:3: malformed: expected NPA,NXXXXXX "
                            "(NXXXXXX is not 7 digits): '905,23456789'");

  EXPECT_THAT(Lookup({12122345678, 12133456789, 14162345678, 19052345678,
                      19112345678, 12122345679}),
              ElementsAre(1, 1, 1, 1, 0, 0));
}

TEST_F(BulkLoaderTest, DuplicatesAreCountedAndLoadedOnce) {
  const std::string a =
      Write("a.txt", "212,2345678\n212,2345678\n213,3456789\n");
  const std::string b = Write("b.txt", "213,3456789\n212,2345678\n");
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({a, b}));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->lines_read, 5u);
  EXPECT_EQ(stats->loaded, 2u);
  EXPECT_EQ(stats->duplicates, 3u);
  EXPECT_EQ(stats->rejected, 0u);
}

TEST_F(BulkLoaderTest, PublishedGenerationAnswersExactlyLikeAnOracle) {
  std::vector<uint64_t> keys = RandomValidKeys(60000, 1);
  const std::vector<uint64_t> absent = RandomValidKeys(20000, 2);
  std::set<uint64_t> oracle(keys.begin(), keys.end());
  // Shuffled, split over a plain file and a .gz, with some repeats.
  std::mt19937 rng(3);
  std::vector<uint64_t> lines = keys;
  lines.insert(lines.end(), keys.begin(), keys.begin() + 1000);
  std::shuffle(lines.begin(), lines.end(), rng);
  const size_t half = lines.size() / 2;
  const std::string plain =
      Write("part1.txt", FtcLines({lines.begin(), lines.begin() + half}));
  const std::string gz = dir_.Path("part2.txt.gz");
  ASSERT_TRUE(
      test::WriteGzip(gz, FtcLines({lines.begin() + half, lines.end()})));

  absl::StatusOr<LoadStats> stats = BulkLoad(Options({plain, gz}));
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, keys.size());
  EXPECT_EQ(stats->duplicates, 1000u);

  std::vector<uint64_t> probes = keys;
  probes.insert(probes.end(), absent.begin(), absent.end());
  const std::vector<uint8_t> listed = Lookup(probes);
  size_t mismatches = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    if ((listed[i] != 0) != (oracle.count(probes[i]) != 0)) ++mismatches;
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST_F(BulkLoaderTest, SecondLoadPublishesTheNextGenerationAndMovesCurrent) {
  const std::string first = Write("first.txt", "212,2345678\n213,3456789\n");
  absl::StatusOr<LoadStats> one = BulkLoad(Options({first}, "2026-11-19"));
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->generation, "g000001");
  EXPECT_EQ(CurrentDir(), one->generation_dir);

  const std::string second = Write("second.txt", "213,3456789\n214,4567890\n");
  absl::StatusOr<LoadStats> two = BulkLoad(Options({second}, "2026-11-20"));
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->generation, "g000002");
  EXPECT_EQ(CurrentDir(), two->generation_dir);
  EXPECT_TRUE(fs::exists(two->generation_dir + "/MANIFEST"));
  EXPECT_THAT(Lookup({12122345678, 12133456789, 12144567890}),
              ElementsAre(0, 1, 1));
}

TEST_F(BulkLoaderTest, TooManyRejectsFailsAndPublishesNothing) {
  const std::string good = Write("good.txt", "212,2345678\n");
  ASSERT_TRUE(BulkLoad(Options({good}, "2026-11-19")).ok());
  const std::optional<std::string> before = CurrentDir();
  const std::vector<std::string> entries_before = SourceDirEntries();

  const std::string bad = Write("bad.txt", "213,3456789\nx\ny\nz\n");
  LoadOptions options = Options({bad});
  options.max_rejects = 2;
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(stats.status().message(), HasSubstr("max_rejects"));
  EXPECT_THAT(stats.status().message(), HasSubstr(bad + ":2"));
  EXPECT_EQ(CurrentDir(), before);
  EXPECT_EQ(SourceDirEntries(), entries_before);  // No temp dir left behind.
  EXPECT_THAT(Lookup({12122345678, 12133456789}), ElementsAre(1, 0));
}

TEST_F(BulkLoaderTest, RejectsUpToTheLimitStillLoad) {
  const std::string input = Write("in.txt", "213,3456789\nx\ny\n");
  LoadOptions options = Options({input});
  options.max_rejects = 2;
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->rejected, 2u);
}

TEST_F(BulkLoaderTest, TooManyRejectsOnAFirstLoadLeavesNoGeneration) {
  const std::string bad = Write("bad.txt", "x\n212,2345678\ny\n");
  LoadOptions options = Options({bad});
  options.max_rejects = 1;
  ASSERT_EQ(BulkLoad(options).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(CurrentDir(), std::nullopt);
  for (const std::string& name : SourceDirEntries()) {
    EXPECT_EQ(name.rfind(".tmp", 0), std::string::npos) << name;
    EXPECT_EQ(name.rfind("g0", 0), std::string::npos) << name;
  }
}

TEST_F(BulkLoaderTest, AsOfOlderThanThePublishedGenerationIsRefused) {
  const std::string input = Write("in.txt", "212,2345678\n");
  ASSERT_TRUE(BulkLoad(Options({input}, "2026-11-20")).ok());
  absl::StatusOr<LoadStats> older = BulkLoad(Options({input}, "2026-11-10"));
  ASSERT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(older.status().message(), HasSubstr("2026-11-10"));
  EXPECT_THAT(older.status().message(), HasSubstr("2026-11-20"));
  EXPECT_THAT(older.status().message(), HasSubstr("g000001"));
  // Reloading the same copy date is allowed.
  absl::StatusOr<LoadStats> same = BulkLoad(Options({input}, "2026-11-20"));
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->generation, "g000002");
}

TEST_F(BulkLoaderTest, AsOfInTheFutureIsInvalid) {
  const std::string input = Write("in.txt", "212,2345678\n");
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({input}, "2026-11-23"));
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(stats.status().message(), HasSubstr("future"));
  EXPECT_FALSE(fs::exists(data_));
}

TEST_F(BulkLoaderTest, ManifestRecordsSettingsCountsAndInputChecksums) {
  const std::string a = Write("a.txt", "212,2345678\n212,2345678\nbad\n\n");
  const std::string zip = dir_.Path("b.zip");
  ASSERT_TRUE(test::WriteZip(zip, {{"416.txt", "416,2345678\n"}}));
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({a, zip}));
  ASSERT_TRUE(stats.ok()) << stats.status();

  absl::StatusOr<storage::Manifest> manifest =
      storage::ReadManifest(stats->generation_dir + "/MANIFEST");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->source, "us-ftc");
  EXPECT_EQ(manifest->jurisdiction, "US");
  EXPECT_THAT(manifest->country_codes, ElementsAre(1u));
  EXPECT_EQ(manifest->generation, "g000001");
  EXPECT_EQ(manifest->generation_number, 1u);
  EXPECT_EQ(manifest->as_of, *ParseIsoDate("2026-11-20"));
  EXPECT_EQ(manifest->max_age_days, 31);
  EXPECT_EQ(manifest->format, "ftc-flat");
  EXPECT_FALSE(manifest->created_at.empty());
  EXPECT_EQ(manifest->lines_read, 5u);
  EXPECT_EQ(manifest->numbers_loaded, 2u);
  EXPECT_EQ(manifest->duplicates, 1u);
  EXPECT_EQ(manifest->rejected, 1u);
  // index.bin, recorded; no filter.bin unless asked for (--filter).
  EXPECT_EQ(manifest->index_bytes,
            fs::file_size(stats->generation_dir + "/index.bin"));
  EXPECT_NE(manifest->index_checksum, 0u);
  EXPECT_EQ(manifest->filter_checksum, 0u);
  EXPECT_EQ(manifest->filter_bytes, 0u);
  EXPECT_FALSE(fs::exists(stats->generation_dir + "/filter.bin"));
  ASSERT_EQ(manifest->inputs.size(), 2u);
  EXPECT_EQ(manifest->inputs[0].path, a);
  EXPECT_EQ(manifest->inputs[0].bytes, fs::file_size(a));
  EXPECT_EQ(manifest->inputs[0].xxh3_128, Xxh3Hex(ReadFile(a)));
  EXPECT_EQ(manifest->inputs[1].path, zip);
  EXPECT_EQ(manifest->inputs[1].bytes, fs::file_size(zip));
  EXPECT_EQ(manifest->inputs[1].xxh3_128, Xxh3Hex(ReadFile(zip)));

  // The snapshot accepts the index as belonging to this manifest.
  absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
      storage::SourceSnapshot::OpenCurrent(data_, "us-ftc");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_NE((*snapshot)->index(), nullptr);
  EXPECT_EQ((*snapshot)->index()->checksum(), manifest->index_checksum);
  EXPECT_EQ((*snapshot)->filter(), nullptr);
}

TEST_F(BulkLoaderTest, SourceWithoutPresetNeedsExplicitSettings) {
  const std::string input = Write("in.txt", "(212) 234-5678\n");
  LoadOptions options = Options({input});
  options.source = "tx-state";
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(stats.status().message(), HasSubstr("tx-state"));
  EXPECT_THAT(stats.status().message(), HasSubstr("--jurisdiction"));

  options.jurisdiction = "US-TX";
  options.country_codes = {1};
  options.max_age_days = 90;
  stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  absl::StatusOr<storage::Manifest> manifest =
      storage::ReadManifest(stats->generation_dir + "/MANIFEST");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->jurisdiction, "US-TX");
  EXPECT_EQ(manifest->max_age_days, 90);
  EXPECT_EQ(manifest->format, "lines");
  EXPECT_THAT(Lookup({12122345678}, "tx-state"), ElementsAre(1));
}

TEST_F(BulkLoaderTest, UkTpsReadsNationalNumbersAndRejectsOtherCountries) {
  const std::string input = Write("tps.txt",
                                  "01635 506160\r\n020 7946 0958\r\n"
                                  "+1 212 234 5678\r\n");
  LoadOptions options = Options({input});
  options.source = "uk-tps";
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 2u);
  ASSERT_EQ(stats->rejected, 1u);
  EXPECT_EQ(stats->reject_samples[0].line, 3u);
  EXPECT_THAT(stats->reject_samples[0].reason, HasSubstr("country code"));
  EXPECT_THAT(Lookup({441635506160, 442079460958, 12122345678}, "uk-tps"),
              ElementsAre(1, 1, 0));
}

TEST_F(BulkLoaderTest, MissingInputIsNotFoundAndTouchesNothing) {
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({dir_.Path("nope.zip")}));
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(stats.status().message(), HasSubstr("nope.zip"));
  EXPECT_FALSE(fs::exists(data_));
}

TEST_F(BulkLoaderTest, InputWithNoNumbersPublishesNothing) {
  const std::string input = Write("in.txt", "AreaCode,PhoneNumber\n\n");
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({input}));
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stats.status().message(), HasSubstr("no numbers"));
  EXPECT_EQ(CurrentDir(), std::nullopt);
}

TEST_F(BulkLoaderTest, CorruptArchiveFailsNamingItAndPublishesNothing) {
  const std::string fake = Write("fake.zip", "212,2345678\n");
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({fake}));
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(stats.status().message(), HasSubstr(fake));
  EXPECT_EQ(CurrentDir(), std::nullopt);
}

TEST_F(BulkLoaderTest, ConcurrentLoadOfTheSameSourceFailsFast) {
  const std::string input = Write("in.txt", "212,2345678\n");
  absl::StatusOr<storage::PendingGeneration> held =
      storage::BeginGeneration(data_, "us-ftc");
  ASSERT_TRUE(held.ok()) << held.status();
  absl::StatusOr<LoadStats> stats = BulkLoad(Options({input}));
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(BulkLoaderTest, ProgressReportsEveryPhaseInOrder) {
  std::string content;
  for (int i = 0; i < 200000; ++i) {
    content += FtcLine(12122000000ULL + static_cast<uint64_t>(i)) + "\n";
  }
  const std::string input = Write("in.txt", content);
  LoadOptions options = Options({input});
  std::vector<LoadPhase> phases;
  uint64_t last_lines = 0;
  options.progress = [&](const LoadProgress& progress) {
    if (phases.empty() || phases.back() != progress.phase) {
      phases.push_back(progress.phase);
    }
    EXPECT_GE(progress.lines_read, last_lines);
    last_lines = progress.lines_read;
    EXPECT_EQ(progress.file_count, 1u);
  };
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_THAT(phases,
              ElementsAre(LoadPhase::kReading, LoadPhase::kSorting,
                          LoadPhase::kBuildingDb, LoadPhase::kWritingFilter,
                          LoadPhase::kPublishing));
  EXPECT_EQ(last_lines, 200000u);
  EXPECT_EQ(stats->loaded, 200000u - stats->rejected);
}

TEST_F(BulkLoaderTest, InvalidSourceIdIsRejected) {
  const std::string input = Write("in.txt", "212,2345678\n");
  LoadOptions options = Options({input});
  options.source = "../etc";
  EXPECT_EQ(BulkLoad(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dnc::loader
