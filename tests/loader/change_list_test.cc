// Change lists (BulkLoad with LoadMode::kChange): the new generation is the
// published one plus adds minus deletes, with the records' dates; the rules
// for repeated, re-applied, older and orphan change lists; rejects; garbage
// collection of old generations. The merge arithmetic is also checked alone
// against a std::set oracle.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/civil_date.h"
#include "common/phone_number.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "loader/bulk_loader.h"
#include "loader/change_list_loader.h"
#include "loader/change_merge.h"
#include "storage/key_index.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/registry_db_checkpoint.h"
#include "storage/registry_record.h"
#include "storage/registry_store.h"
#include "storage/sorted_key_file.h"
#include "storage/source_directory.h"
#include "storage/source_snapshot.h"
#include "tests/loader/archive_writer.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::loader {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// "212,2345678" for 12122345678.
std::string FtcLine(uint64_t key) {
  const uint64_t national = key - 10000000000ULL;
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%03llu,%07llu",
           static_cast<unsigned long long>(national / 10000000),
           static_cast<unsigned long long>(national % 10000000));
  return buffer;
}

// An ftc-change line: "212,2345678,2026-11-21 08:30:00,A".
std::string ChangeLine(uint64_t key, const std::string& date, char flag) {
  return absl::StrCat(FtcLine(key), ",", date, " 08:30:00,",
                      std::string(1, flag), "\n");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

DayNumber Day(const std::string& iso) { return *ParseIsoDate(iso); }

class ChangeListTest : public ::testing::Test {
 protected:
  LoadOptions Options(LoadMode mode, std::vector<std::string> inputs,
                      const std::string& as_of) {
    LoadOptions options;
    options.mode = mode;
    options.data_dir = data_;
    options.source = "us-ftc";
    options.as_of = Day(as_of);
    options.today = Day("2026-11-30");
    options.inputs = std::move(inputs);
    return options;
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.Path(name);
    EXPECT_TRUE(test::WritePlainFile(path, content));
    return path;
  }

  absl::StatusOr<LoadStats> Full(const std::vector<uint64_t>& keys,
                                 const std::string& as_of,
                                 const std::string& name = "full.txt") {
    std::string text;
    for (uint64_t key : keys) absl::StrAppend(&text, FtcLine(key), "\n");
    return BulkLoad(Options(LoadMode::kFull, {Write(name, text)}, as_of));
  }

  absl::StatusOr<LoadStats> Change(const std::vector<std::string>& paths,
                                   const std::string& as_of) {
    return BulkLoad(Options(LoadMode::kChange, paths, as_of));
  }

  // Listed flags and added dates of `keys` in the published generation.
  std::vector<uint8_t> Listed(const std::vector<uint64_t>& keys,
                              std::vector<DayNumber>* added = nullptr) {
    absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
        storage::SourceSnapshot::OpenCurrent(data_, "us-ftc");
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    std::vector<uint8_t> listed(keys.size(), 0);
    if (!snapshot.ok()) return listed;
    std::vector<storage::RegistryRecord> records(keys.size());
    const absl::Status status = (*snapshot)->Lookup(
        keys, absl::MakeSpan(listed), absl::MakeSpan(records));
    EXPECT_TRUE(status.ok()) << status;
    if (added != nullptr) {
      added->clear();
      for (const storage::RegistryRecord& record : records) {
        added->push_back(record.added);
      }
    }
    return listed;
  }

  std::optional<std::string> CurrentDir() {
    absl::StatusOr<std::optional<std::string>> dir =
        storage::CurrentGenerationDir(data_, "us-ftc");
    EXPECT_TRUE(dir.ok()) << dir.status();
    return dir.ok() ? *dir : std::nullopt;
  }

  storage::Manifest CurrentManifest() {
    absl::StatusOr<storage::Manifest> manifest =
        storage::ReadManifest(*CurrentDir() + "/MANIFEST");
    EXPECT_TRUE(manifest.ok()) << manifest.status();
    return manifest.ok() ? *manifest : storage::Manifest();
  }

  std::vector<std::string> SourceDirEntries() {
    std::vector<std::string> names;
    const fs::path dir = fs::path(data_) / "sources" / "us-ftc";
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

constexpr uint64_t kA = 12122345678;  // 212-234-5678
constexpr uint64_t kB = 12133456789;
constexpr uint64_t kC = 14162345678;
constexpr uint64_t kD = 13052345678;
constexpr uint64_t kE = 13052345679;
constexpr uint64_t kNeverSeen = 17182345670;

TEST_F(ChangeListTest, AddsAndDeletesMakeTheNextGenerationWithTheirDates) {
  ASSERT_TRUE(Full({kA, kB, kC}, "2026-11-20").ok());
  const std::string changes =
      Write("c1.txt", ChangeLine(kA, "2026-11-21", 'D') +
                          ChangeLine(kD, "2026-11-21", 'A') +
                          ChangeLine(kE, "2026-11-19", 'A'));
  absl::StatusOr<LoadStats> stats = Change({changes}, "2026-11-21");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->mode, LoadMode::kChange);
  EXPECT_EQ(stats->generation, "g000002");
  EXPECT_EQ(stats->previous_generation, "g000001");
  EXPECT_EQ(stats->change_records, 3u);
  EXPECT_EQ(stats->added, 2u);
  EXPECT_EQ(stats->deleted, 1u);
  EXPECT_EQ(stats->loaded, 4u);
  EXPECT_EQ(stats->rejected, 0u);

  std::vector<DayNumber> added;
  EXPECT_THAT(Listed({kA, kB, kC, kD, kE, kNeverSeen}, &added),
              ElementsAre(0, 1, 1, 1, 1, 0));
  // Numbers from the full list have no date; added ones carry theirs.
  EXPECT_THAT(added,
              ElementsAre(0, 0, 0, Day("2026-11-21"), Day("2026-11-19"), 0));

  const storage::Manifest manifest = CurrentManifest();
  EXPECT_EQ(manifest.load_mode, "change");
  EXPECT_EQ(manifest.previous_generation, "g000001");
  EXPECT_EQ(manifest.format, "ftc-change");
  EXPECT_EQ(manifest.as_of, Day("2026-11-21"));
  EXPECT_EQ(manifest.numbers_loaded, 4u);
  EXPECT_EQ(manifest.numbers_added, 2u);
  EXPECT_EQ(manifest.numbers_deleted, 1u);
  ASSERT_EQ(manifest.applied_change_lists.size(), 1u);
  EXPECT_EQ(manifest.applied_change_lists[0].generation, "g000002");
  EXPECT_EQ(manifest.applied_change_lists[0].path, changes);
  ASSERT_EQ(manifest.inputs.size(), 1u);
  EXPECT_EQ(manifest.applied_change_lists[0].xxh3_128,
            manifest.inputs[0].xxh3_128);

  // index.bin holds exactly the merged keys, and the manifest vouches for it.
  absl::StatusOr<std::unique_ptr<storage::KeyIndex>> index =
      storage::KeyIndex::Open(*CurrentDir() + "/index.bin");
  ASSERT_TRUE(index.ok()) << index.status();
  std::vector<uint64_t> keys;
  (*index)->AppendKeys(&keys);
  EXPECT_THAT(keys, ElementsAre(kB, kD, kE, kC));
  EXPECT_EQ((*index)->checksum(), manifest.index_checksum);
  EXPECT_EQ((*index)->generation_number(), 2u);
}

// The numbers a change list gave a date are stored as details.bin, which
// the server reads instead of scanning the db; a details.bin that is
// damaged, cut short or gone is refused naming it (a set missing a dated
// number would drop its date from the answers).
TEST_F(ChangeListTest, DatedNumbersAreStoredInDetailsBinAndADamagedOneRefused) {
  ASSERT_TRUE(Full({kA, kB, kC}, "2026-11-20").ok());
  EXPECT_EQ(CurrentManifest().details_checksum, 0u);  // No dates, no file.
  EXPECT_FALSE(fs::exists(*CurrentDir() + "/details.bin"));
  const std::string changes =
      Write("c1.txt", ChangeLine(kD, "2026-11-21", 'A') +
                          ChangeLine(kE, "2026-11-19", 'A'));
  ASSERT_TRUE(Change({changes}, "2026-11-21").ok());
  const storage::Manifest manifest = CurrentManifest();
  const std::string path = *CurrentDir() + "/details.bin";
  absl::StatusOr<std::unique_ptr<storage::KeyIndex>> details =
      storage::KeyIndex::Open(path);
  ASSERT_TRUE(details.ok()) << details.status();
  std::vector<uint64_t> keys;
  (*details)->AppendKeys(&keys);
  EXPECT_THAT(keys, ElementsAre(kD, kE));
  EXPECT_EQ((*details)->checksum(), manifest.details_checksum);
  EXPECT_EQ((*details)->file_bytes(), manifest.details_bytes);
  EXPECT_EQ(manifest.details_keys, 2u);
  details->reset();
  std::vector<DayNumber> added;
  EXPECT_THAT(Listed({kA, kD, kE}, &added), ElementsAre(1, 1, 1));
  EXPECT_THAT(added, ElementsAre(0, Day("2026-11-21"), Day("2026-11-19")));

  const std::string original = ReadFile(path);
  auto refused = [&](const std::string& what) {
    absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> snapshot =
        storage::SourceSnapshot::OpenCurrent(data_, "us-ftc");
    ASSERT_FALSE(snapshot.ok()) << what;
    EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss) << what;
    EXPECT_THAT(snapshot.status().message(), HasSubstr("details.bin")) << what;
  };
  std::string damaged = original;
  damaged[damaged.size() / 2] ^= 0x40;
  ASSERT_TRUE(test::WritePlainFile(path, damaged));
  refused("a damaged byte");
  ASSERT_TRUE(test::WritePlainFile(path, original.substr(0, 100)));
  refused("truncated");
  fs::remove(path);
  refused("missing");
  ASSERT_TRUE(test::WritePlainFile(path, original));
  EXPECT_THAT(Listed({kD}), ElementsAre(1));
}

TEST_F(ChangeListTest, TheLastRecordForANumberWinsAcrossLinesAndFiles) {
  ASSERT_TRUE(Full({kA, kB}, "2026-11-20").ok());
  const std::string first =
      Write("c1.txt", ChangeLine(kA, "2026-11-21", 'D') +      // then re-added
                          ChangeLine(kC, "2026-11-21", 'A') +  // then deleted
                          ChangeLine(kA, "2026-11-21", 'A'));
  const std::string second =
      Write("c2.txt", ChangeLine(kC, "2026-11-22", 'D') +
                          ChangeLine(kD, "2026-11-22", 'D') +
                          ChangeLine(kD, "2026-11-22", 'A'));
  absl::StatusOr<LoadStats> stats = Change({first, second}, "2026-11-22");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->change_records, 6u);
  EXPECT_EQ(stats->superseded, 3u);
  EXPECT_EQ(stats->adds_already_listed, 1u);  // kA: delete superseded.
  EXPECT_EQ(stats->deletes_not_listed, 1u);   // kC: add superseded.
  EXPECT_EQ(stats->added, 1u);                // kD
  EXPECT_EQ(stats->deleted, 0u);
  EXPECT_THAT(Listed({kA, kB, kC, kD}), ElementsAre(1, 1, 0, 1));
}

TEST_F(ChangeListTest, AddOfAListedNumberAndDeleteOfAnAbsentOneAreCounted) {
  ASSERT_TRUE(Full({kA, kB}, "2026-11-20").ok());
  const std::string changes =
      Write("c.txt", ChangeLine(kA, "2026-11-21", 'A') +
                         ChangeLine(kNeverSeen, "2026-11-21", 'D'));
  absl::StatusOr<LoadStats> stats = Change({changes}, "2026-11-21");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->adds_already_listed, 1u);
  EXPECT_EQ(stats->deletes_not_listed, 1u);
  EXPECT_EQ(stats->added + stats->deleted, 0u);
  std::vector<DayNumber> added;
  EXPECT_THAT(Listed({kA, kB, kNeverSeen}, &added), ElementsAre(1, 1, 0));
  EXPECT_EQ(added[0], 0) << "a listed number keeps its record";
  EXPECT_EQ(CurrentManifest().adds_already_listed, 1u);
  EXPECT_EQ(CurrentManifest().deletes_not_listed, 1u);
}

TEST_F(ChangeListTest, ReapplyingAChangeListIsRefusedNamingTheGeneration) {
  ASSERT_TRUE(Full({kA, kB}, "2026-11-20").ok());
  const std::string changes = Write("c.txt", ChangeLine(kA, "2026-11-21", 'D'));
  ASSERT_TRUE(Change({changes}, "2026-11-21").ok());
  // Another change list in between: the history is carried forward.
  ASSERT_TRUE(
      Change({Write("c2.txt", ChangeLine(kC, "2026-11-22", 'A'))}, "2026-11-22")
          .ok());
  const std::vector<std::string> before = SourceDirEntries();

  // The same bytes under another name are the same change list.
  const std::string copy = Write("copy.txt", ReadFile(changes));
  absl::StatusOr<LoadStats> again = Change({copy}, "2026-11-22");
  ASSERT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr(copy));
  EXPECT_THAT(again.status().message(), HasSubstr("g000002"));
  EXPECT_THAT(again.status().message(), HasSubstr(changes));
  EXPECT_THAT(again.status().message(), HasSubstr("nothing was published"));
  EXPECT_EQ(CurrentDir(), dir_.Path("data/sources/us-ftc/g000003"));
  EXPECT_EQ(SourceDirEntries(), before);
  EXPECT_THAT(Listed({kA, kB, kC}), ElementsAre(0, 1, 1));
}

TEST_F(ChangeListTest, AChangeListAppliedBeforeAFullLoadIsStillRecognised) {
  ASSERT_TRUE(Full({kA, kB}, "2026-11-20").ok());
  const std::string changes = Write("c.txt", ChangeLine(kA, "2026-11-21", 'D'));
  ASSERT_TRUE(Change({changes}, "2026-11-21").ok());
  ASSERT_TRUE(Full({kB, kC}, "2026-11-21", "full2.txt").ok());
  EXPECT_EQ(CurrentManifest().load_mode, "full");
  EXPECT_EQ(CurrentManifest().applied_change_lists.size(), 1u);
  EXPECT_EQ(Change({changes}, "2026-11-21").status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(ChangeListTest, TheSameChangeListTwiceInOneRunIsInvalid) {
  ASSERT_TRUE(Full({kA}, "2026-11-20").ok());
  const std::string changes = Write("c.txt", ChangeLine(kB, "2026-11-21", 'A'));
  const std::string copy = Write("copy.txt", ReadFile(changes));
  absl::StatusOr<LoadStats> stats = Change({changes, copy}, "2026-11-21");
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(stats.status().message(), HasSubstr(copy));
  EXPECT_EQ(CurrentDir(), dir_.Path("data/sources/us-ftc/g000001"));
}

TEST_F(ChangeListTest, AChangeListOlderThanThePublishedGenerationIsRefused) {
  ASSERT_TRUE(Full({kA, kB}, "2026-11-20").ok());
  const std::string changes = Write("c.txt", ChangeLine(kA, "2026-11-19", 'D'));
  absl::StatusOr<LoadStats> older = Change({changes}, "2026-11-19");
  ASSERT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(older.status().message(), HasSubstr("2026-11-19"));
  EXPECT_THAT(older.status().message(), HasSubstr("older"));
  EXPECT_THAT(older.status().message(), HasSubstr("g000001"));
  EXPECT_THAT(older.status().message(), HasSubstr("2026-11-20"));
  EXPECT_THAT(Listed({kA}), ElementsAre(1));
  // The same day as the published copy is fine.
  absl::StatusOr<LoadStats> same = Change({changes}, "2026-11-20");
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_THAT(Listed({kA}), ElementsAre(0));
}

TEST_F(ChangeListTest, AChangeListWithoutAFullListIsRefusedAndTouchesNothing) {
  const std::string changes = Write("c.txt", ChangeLine(kA, "2026-11-21", 'A'));
  absl::StatusOr<LoadStats> stats = Change({changes}, "2026-11-21");
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stats.status().message(), HasSubstr("load a full list first"));
  EXPECT_FALSE(fs::exists(data_));
}

TEST_F(ChangeListTest, APublishedGenerationWithoutItsIndexNeedsAFullLoad) {
  ASSERT_TRUE(Full({kA}, "2026-11-20").ok());
  fs::remove(*CurrentDir() + "/index.bin");
  absl::StatusOr<LoadStats> stats =
      Change({Write("c.txt", ChangeLine(kB, "2026-11-21", 'A'))}, "2026-11-21");
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stats.status().message(), HasSubstr("index.bin"));
  EXPECT_THAT(stats.status().message(), HasSubstr("load a full list first"));
  EXPECT_EQ(CurrentDir(), dir_.Path("data/sources/us-ftc/g000001"));
}

TEST_F(ChangeListTest, RejectedLinesAreReportedAndTooManyPublishNothing) {
  ASSERT_TRUE(Full({kA, kB}, "2026-11-20").ok());
  const std::string changes = Write(
      "c.txt", ChangeLine(kA, "2026-11-21", 'D') + "212,2345678,garbage,A\n" +
                   "212,2345679,2026-11-21 08:30:00,X\n" +
                   ChangeLine(kC, "2026-11-21", 'A'));
  LoadOptions strict = Options(LoadMode::kChange, {changes}, "2026-11-21");
  strict.max_rejects = 1;
  absl::StatusOr<LoadStats> failed = BulkLoad(strict);
  ASSERT_EQ(failed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(failed.status().message(), HasSubstr("max_rejects"));
  EXPECT_THAT(failed.status().message(), HasSubstr(changes + ":2"));
  EXPECT_EQ(CurrentDir(), dir_.Path("data/sources/us-ftc/g000001"));
  EXPECT_THAT(SourceDirEntries(), ElementsAre("CURRENT", "LOCK", "g000001"));

  absl::StatusOr<LoadStats> stats = Change({changes}, "2026-11-21");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->rejected, 2u);
  EXPECT_EQ(stats->change_records, 2u);
  EXPECT_EQ(stats->rejects_path, *CurrentDir() + "/rejects.txt");
  const std::string rejects = ReadFile(stats->rejects_path);
  EXPECT_THAT(rejects, HasSubstr(changes + ":2: malformed"));
  EXPECT_THAT(rejects, HasSubstr("'212,2345678,garbage,A'"));
  EXPECT_THAT(rejects, HasSubstr(changes + ":3: malformed"));
  EXPECT_THAT(Listed({kA, kB, kC}), ElementsAre(0, 1, 1));
}

TEST_F(ChangeListTest, DeleteRecordsInAFullListAreRejected) {
  LoadOptions options =
      Options(LoadMode::kFull,
              {Write("full.txt", ChangeLine(kA, "2026-11-20", 'A') +
                                     ChangeLine(kB, "2026-11-20", 'D'))},
              "2026-11-20");
  options.format = "ftc-change";
  absl::StatusOr<LoadStats> stats = BulkLoad(options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 1u);
  EXPECT_EQ(stats->rejected, 1u);
  ASSERT_EQ(stats->reject_samples.size(), 1u);
  EXPECT_THAT(stats->reject_samples[0].reason, HasSubstr("--mode change"));
}

TEST_F(ChangeListTest, AWrongFormatFindsNoRecordsAndPublishesNothing) {
  ASSERT_TRUE(Full({kA}, "2026-11-20").ok());
  // A full list given as a change list: every line is a reject.
  absl::StatusOr<LoadStats> stats =
      Change({Write("c.txt", FtcLine(kB) + "\n")}, "2026-11-21");
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stats.status().message(), HasSubstr("--format"));
  EXPECT_EQ(CurrentDir(), dir_.Path("data/sources/us-ftc/g000001"));
}

TEST_F(ChangeListTest, AnEmptyChangeListStillAdvancesTheAsOfDate) {
  ASSERT_TRUE(Full({kA}, "2026-11-20").ok());
  absl::StatusOr<LoadStats> stats =
      Change({Write("empty.txt", "")}, "2026-11-21");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->loaded, 1u);
  EXPECT_EQ(CurrentManifest().as_of, Day("2026-11-21"));
  EXPECT_THAT(Listed({kA}), ElementsAre(1));
}

TEST_F(ChangeListTest, SettingsOfASourceWithoutPresetComeFromThePublishedOne) {
  LoadOptions full = Options(
      LoadMode::kFull, {Write("tx.txt", FtcLine(kA) + "\n")}, "2026-11-20");
  full.source = "tx-state";
  full.jurisdiction = "US-TX";
  full.country_codes = {1};
  full.max_age_days = 90;
  full.format = "ftc-flat";
  ASSERT_TRUE(BulkLoad(full).ok());
  LoadOptions change = Options(
      LoadMode::kChange, {Write("tx-c.txt", ChangeLine(kB, "2026-11-21", 'A'))},
      "2026-11-21");
  change.source = "tx-state";
  absl::StatusOr<LoadStats> stats = BulkLoad(change);
  ASSERT_TRUE(stats.ok()) << stats.status();
  absl::StatusOr<storage::Manifest> manifest =
      storage::ReadManifest(stats->generation_dir + "/MANIFEST");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->jurisdiction, "US-TX");
  EXPECT_EQ(manifest->max_age_days, 90);
  EXPECT_EQ(manifest->format, "ftc-change");
}

TEST_F(ChangeListTest, GarbageCollectionKeepsCurrentAndThePreviousGeneration) {
  ASSERT_TRUE(Full({kA, kB}, "2026-11-20").ok());
  ASSERT_TRUE(
      Change({Write("c1.txt", ChangeLine(kC, "2026-11-21", 'A'))}, "2026-11-21")
          .ok());
  EXPECT_THAT(SourceDirEntries(),
              ElementsAre("CURRENT", "LOCK", "g000001", "g000002"));
  absl::StatusOr<LoadStats> third = Change(
      {Write("c2.txt", ChangeLine(kA, "2026-11-22", 'D'))}, "2026-11-22");
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_THAT(third->removed_generations, ElementsAre("g000001"));
  EXPECT_THAT(third->gc_error, IsEmpty());
  EXPECT_THAT(SourceDirEntries(),
              ElementsAre("CURRENT", "LOCK", "g000002", "g000003"));
  // The kept previous generation is whole and still answers as it did (its
  // checkpointed db shares files with the next one).
  absl::StatusOr<std::unique_ptr<storage::SourceSnapshot>> previous =
      storage::SourceSnapshot::Open(dir_.Path("data/sources/us-ftc/g000002"));
  ASSERT_TRUE(previous.ok()) << previous.status();
  std::vector<uint8_t> listed(3);
  ASSERT_TRUE((*previous)->Lookup({kA, kB, kC}, absl::MakeSpan(listed)).ok());
  EXPECT_THAT(listed, ElementsAre(1, 1, 1));
  EXPECT_THAT(Listed({kA, kB, kC}), ElementsAre(0, 1, 1));

  LoadOptions keep_three = Options(
      LoadMode::kChange, {Write("c3.txt", ChangeLine(kD, "2026-11-23", 'A'))},
      "2026-11-23");
  keep_three.keep_generations = 3;
  absl::StatusOr<LoadStats> fourth = BulkLoad(keep_three);
  ASSERT_TRUE(fourth.ok()) << fourth.status();
  EXPECT_THAT(fourth->removed_generations, IsEmpty());
  EXPECT_THAT(SourceDirEntries(),
              ElementsAre("CURRENT", "LOCK", "g000002", "g000003", "g000004"));
  LoadOptions keep_zero = keep_three;
  keep_zero.keep_generations = 0;
  EXPECT_EQ(BulkLoad(keep_zero).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ChangeListTest, ManyChangeListsStayCorrectAcrossOverlayCompactions) {
  // More change lists than DeriveRegistryDbOptions::max_overlay_files, so the
  // overlays get compacted at least once; answers and dates must survive.
  ASSERT_TRUE(Full({kA, kB, kC}, "2026-11-01").ok());
  std::map<uint64_t, DayNumber> oracle = {{kA, 0}, {kB, 0}, {kC, 0}};
  std::mt19937_64 rng(7);
  std::vector<uint64_t> pool = {kA, kB, kC, kD, kE, kNeverSeen};
  for (int day = 2; day <= 12; ++day) {
    const std::string date = absl::StrFormat("2026-11-%02d", day);
    std::string text;
    std::map<uint64_t, bool> last_add;  // The last record per number wins.
    for (int i = 0; i < 4; ++i) {
      const uint64_t key = pool[rng() % pool.size()];
      const bool add = rng() % 2 == 0;
      text += ChangeLine(key, date, add ? 'A' : 'D');
      last_add[key] = add;
    }
    for (const auto& [key, add] : last_add) {
      if (add && oracle.count(key) == 0) oracle[key] = Day(date);
      if (!add) oracle.erase(key);
    }
    absl::StatusOr<LoadStats> stats =
        Change({Write(absl::StrCat("c", day, ".txt"), text)}, date);
    ASSERT_TRUE(stats.ok()) << stats.status();
    std::vector<DayNumber> added;
    const std::vector<uint8_t> listed = Listed(pool, &added);
    for (size_t i = 0; i < pool.size(); ++i) {
      const auto it = oracle.find(pool[i]);
      EXPECT_EQ(listed[i] != 0, it != oracle.end())
          << pool[i] << " day " << day;
      if (it != oracle.end()) {
        EXPECT_EQ(added[i], it->second) << pool[i];
      }
    }
  }
}

// The merge arithmetic alone, against an oracle.
TEST(ChangeMergeTest, ResolveAndMergeAgreeWithASetOracle) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 50; ++round) {
    std::set<uint64_t> oracle;
    const uint64_t universe = 50 + rng() % 500;
    for (uint64_t k = 0; k < universe; ++k) {
      if (rng() % 3 == 0) oracle.insert(k * 7 + 3);
    }
    const std::vector<uint64_t> base(oracle.begin(), oracle.end());
    std::vector<ChangeRecord> records;
    const size_t count = rng() % 300;
    std::map<uint64_t, ChangeRecord> last;
    for (size_t i = 0; i < count; ++i) {
      ChangeRecord record;
      record.key = (rng() % universe) * 7 + 3;
      record.erase = rng() % 2 == 0;
      record.date = static_cast<DayNumber>(i + 1);
      records.push_back(record);
      last[record.key] = record;
    }
    ChangeCounts counts;
    counts.superseded = ResolveChanges(&records);
    EXPECT_EQ(counts.superseded, count - last.size());
    ASSERT_EQ(records.size(), last.size());
    std::vector<uint64_t> merged;
    std::vector<storage::RegistryDbChange> db_changes;
    MergeChanges(base, records, &merged, &db_changes, &counts);

    std::set<uint64_t> expected = oracle;
    uint64_t added = 0, deleted = 0;
    std::vector<storage::RegistryDbChange> expected_changes;
    for (const auto& [key, record] : last) {
      if (record.erase && expected.erase(key) == 1) {
        ++deleted;
        expected_changes.push_back({key, {}, true});
      } else if (!record.erase && expected.insert(key).second) {
        ++added;
        storage::RegistryRecord value;
        value.added = record.date;
        expected_changes.push_back({key, value, false});
      }
    }
    EXPECT_EQ(merged, std::vector<uint64_t>(expected.begin(), expected.end()));
    EXPECT_EQ(counts.added, added);
    EXPECT_EQ(counts.deleted, deleted);
    EXPECT_EQ(counts.added + counts.adds_already_listed + counts.deleted +
                  counts.deletes_not_listed,
              last.size());
    ASSERT_EQ(db_changes.size(), expected_changes.size());
    for (size_t i = 0; i < db_changes.size(); ++i) {
      EXPECT_EQ(db_changes[i].key, expected_changes[i].key);
      EXPECT_EQ(db_changes[i].erase, expected_changes[i].erase);
      EXPECT_EQ(db_changes[i].record.added, expected_changes[i].record.added);
    }
  }
}

// The RocksDB side alone: checkpoints share the base's files, never change
// the base, and keep the overlays bounded.
TEST(DeriveRegistryDbTest, ChainsOfCheckpointsKeepTheBaseAndBoundTheOverlays) {
  test::ScratchDir dir;
  std::vector<uint64_t> keys;
  for (uint64_t k = 0; k < 1000; ++k) keys.push_back(12122340000 + k * 2);
  const std::string base = dir.Path("g0");
  ASSERT_TRUE(storage::BuildRegistryDb(base, keys).ok());
  std::set<uint64_t> oracle(keys.begin(), keys.end());
  std::string previous = base;
  storage::DeriveRegistryDbOptions options;
  options.max_overlay_files = 2;
  bool compacted = false;
  for (int step = 1; step <= 6; ++step) {
    std::vector<storage::RegistryDbChange> changes;
    for (uint64_t k = step; k < 2000; k += 97) {
      const uint64_t key = 12122340000 + k;
      storage::RegistryDbChange change;
      change.key = key;
      change.erase = oracle.count(key) != 0;
      change.record.added = step;
      changes.push_back(change);
      if (change.erase) {
        oracle.erase(key);
      } else {
        oracle.insert(key);
      }
    }
    const std::string next = dir.Path(absl::StrCat("g", step));
    absl::StatusOr<storage::DeriveRegistryDbStats> stats =
        storage::DeriveRegistryDb(previous, next, changes, options);
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_LE(stats->overlay_files, options.max_overlay_files);
    compacted |= stats->compacted;
    EXPECT_FALSE(fs::exists(next + ".changes.sst"));
    storage::RegistryStoreOptions store_options;
    store_options.db_dir = next;
    absl::StatusOr<std::unique_ptr<storage::RegistryStore>> store =
        storage::RegistryStore::Open(store_options);
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<uint64_t> probes;
    for (uint64_t k = 0; k < 2100; ++k) probes.push_back(12122340000 + k);
    std::vector<uint8_t> found(probes.size());
    ASSERT_TRUE((*store)->ContainsBatch(probes, absl::MakeSpan(found)).ok());
    size_t mismatches = 0;
    for (size_t i = 0; i < probes.size(); ++i) {
      mismatches += (found[i] != 0) != (oracle.count(probes[i]) != 0);
    }
    EXPECT_EQ(mismatches, 0u) << "step " << step;
    previous = next;
  }
  EXPECT_TRUE(compacted);
  // The base still holds exactly its own keys.
  storage::RegistryStoreOptions base_options;
  base_options.db_dir = base;
  absl::StatusOr<std::unique_ptr<storage::RegistryStore>> store =
      storage::RegistryStore::Open(base_options);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<uint8_t> found(keys.size());
  ASSERT_TRUE((*store)->ContainsBatch(keys, absl::MakeSpan(found)).ok());
  EXPECT_EQ(std::count(found.begin(), found.end(), 1),
            static_cast<long>(keys.size()));
  absl::StatusOr<bool> odd = (*store)->Contains(12122340001);
  ASSERT_TRUE(odd.ok());
  EXPECT_FALSE(*odd);
}

TEST(DeriveRegistryDbTest, UnsortedChangesAndAnExistingTargetAreRefused) {
  test::ScratchDir dir;
  ASSERT_TRUE(storage::BuildRegistryDb(dir.Path("base"), {12122345678}).ok());
  std::vector<storage::RegistryDbChange> unsorted(2);
  unsorted[0].key = 12133456789;
  unsorted[1].key = 12122345678;
  EXPECT_EQ(
      storage::DeriveRegistryDb(dir.Path("base"), dir.Path("next"), unsorted)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir.Path("next")));
  EXPECT_EQ(storage::DeriveRegistryDb(dir.Path("base"), dir.Path("base"), {})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(storage::DeriveRegistryDb(dir.Path("missing"), dir.Path("next"), {})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(ChangeListManifestTest, HistoryAndChangeCountsRoundTrip) {
  test::ScratchDir dir;
  storage::Manifest manifest;
  manifest.source = "us-ftc";
  manifest.generation = "g000007";
  manifest.generation_number = 7;
  manifest.as_of = Day("2026-11-21");
  manifest.numbers_loaded = 10;
  manifest.filter_checksum = 0xabc;
  manifest.keys_checksum = 0x0123456789abcdefULL;
  manifest.load_mode = "change";
  manifest.previous_generation = "g000006";
  manifest.numbers_added = 4;
  manifest.numbers_deleted = 3;
  manifest.adds_already_listed = 2;
  manifest.deletes_not_listed = 1;
  manifest.applied_change_lists = {
      {"00112233445566778899aabbccddeeff", "g000005", Day("2026-11-20"),
       "/data/in/changes 2026-11-20.txt"},
      {"ffeeddccbbaa99887766554433221100", "g000007", Day("2026-11-21"),
       "c.txt"}};
  const std::string path = dir.Path("MANIFEST");
  ASSERT_TRUE(storage::WriteManifest(manifest, path).ok());
  absl::StatusOr<storage::Manifest> read = storage::ReadManifest(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->keys_checksum, manifest.keys_checksum);
  EXPECT_EQ(read->load_mode, "change");
  EXPECT_EQ(read->previous_generation, "g000006");
  EXPECT_EQ(read->numbers_added, 4u);
  EXPECT_EQ(read->numbers_deleted, 3u);
  EXPECT_EQ(read->adds_already_listed, 2u);
  EXPECT_EQ(read->deletes_not_listed, 1u);
  ASSERT_EQ(read->applied_change_lists.size(), 2u);
  EXPECT_EQ(read->applied_change_lists[0].xxh3_128,
            "00112233445566778899aabbccddeeff");
  EXPECT_EQ(read->applied_change_lists[0].generation, "g000005");
  EXPECT_EQ(read->applied_change_lists[0].as_of, Day("2026-11-20"));
  EXPECT_EQ(read->applied_change_lists[0].path,
            "/data/in/changes 2026-11-20.txt");
  EXPECT_EQ(read->applied_change_lists[1].path, "c.txt");

  // A manifest written before these fields reads as a full load.
  ASSERT_TRUE(test::WritePlainFile(
      path,
      "dnc-manifest 1\nsource: us-ftc\ngeneration: g000001\n"
      "generation_number: 1\nas_of: 2026-11-01\nnumbers_loaded: 1\n"
      "filter_checksum: 1\n"));
  read = storage::ReadManifest(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->load_mode, "full");
  EXPECT_EQ(read->keys_checksum, 0u);
  EXPECT_THAT(read->applied_change_lists, IsEmpty());

  // A damaged history line is DataLoss naming the field.
  ASSERT_TRUE(test::WritePlainFile(
      path,
      "dnc-manifest 1\nsource: us-ftc\ngeneration: g000001\n"
      "generation_number: 1\nas_of: 2026-11-01\nnumbers_loaded: 1\n"
      "filter_checksum: 1\napplied_change_list: 0011 g000001\n"));
  read = storage::ReadManifest(path);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(read.status().message(), HasSubstr("applied_change_list"));
}

}  // namespace
}  // namespace dnc::loader
