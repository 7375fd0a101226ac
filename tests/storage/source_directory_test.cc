#include "storage/source_directory.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SourceDirectoryTest : public ::testing::Test {
 protected:
  std::string SourceDir() const { return dir_.Path("sources/us-ftc"); }

  std::optional<std::string> Current() {
    absl::StatusOr<std::optional<std::string>> current =
        CurrentGenerationDir(dir_.path(), "us-ftc");
    EXPECT_TRUE(current.ok()) << current.status();
    return current.ok() ? *current : std::nullopt;
  }

  // Begins a generation, writes a marker file (and a subdirectory), publishes.
  void PublishOne(const std::string& marker) {
    absl::StatusOr<PendingGeneration> pending =
        BeginGeneration(dir_.path(), "us-ftc");
    ASSERT_TRUE(pending.ok()) << pending.status();
    std::ofstream(pending->dir() + "/MANIFEST") << marker;
    fs::create_directory(pending->dir() + "/db");
    std::ofstream(pending->dir() + "/db/data") << marker;
    ASSERT_TRUE(PublishGeneration(std::move(*pending)).ok());
  }

  test::ScratchDir dir_;
};

TEST_F(SourceDirectoryTest, NothingIsPublishedInAFreshDataDir) {
  EXPECT_EQ(Current(), std::nullopt);
  absl::StatusOr<std::vector<std::string>> sources =
      ListPublishedSources(dir_.path());
  ASSERT_TRUE(sources.ok());
  EXPECT_THAT(*sources, IsEmpty());
  sources = ListPublishedSources(dir_.Path("missing"));
  ASSERT_TRUE(sources.ok());
  EXPECT_THAT(*sources, IsEmpty());
}

TEST_F(SourceDirectoryTest, PublishingTwoGenerationsSwitchesCurrent) {
  absl::StatusOr<PendingGeneration> first =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->generation(), "g000001");
  EXPECT_EQ(first->generation_number(), 1u);
  EXPECT_EQ(first->previous_dir(), std::nullopt);
  EXPECT_THAT(first->dir(), HasSubstr("/sources/us-ftc/.tmp-g000001-"));
  EXPECT_TRUE(fs::is_directory(first->dir()));
  std::ofstream(first->dir() + "/MANIFEST") << "one";
  // Not visible before publish.
  EXPECT_EQ(Current(), std::nullopt);
  ASSERT_TRUE(PublishGeneration(std::move(*first)).ok());

  EXPECT_EQ(Current(), SourceDir() + "/g000001");
  EXPECT_EQ(ReadText(SourceDir() + "/CURRENT"), "g000001\n");
  EXPECT_EQ(ReadText(SourceDir() + "/g000001/MANIFEST"), "one");

  absl::StatusOr<PendingGeneration> second =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->generation(), "g000002");
  EXPECT_EQ(second->previous_dir(), SourceDir() + "/g000001");
  std::ofstream(second->dir() + "/MANIFEST") << "two";
  EXPECT_EQ(Current(), SourceDir() + "/g000001");  // Still the old one.
  ASSERT_TRUE(PublishGeneration(std::move(*second)).ok());

  EXPECT_EQ(Current(), SourceDir() + "/g000002");
  EXPECT_EQ(ReadText(SourceDir() + "/g000002/MANIFEST"), "two");
  // The old generation is kept (a server may still read it); no temp dirs.
  EXPECT_THAT(Entries(SourceDir()),
              ElementsAre("CURRENT", "LOCK", "g000001", "g000002"));
}

TEST_F(SourceDirectoryTest, SecondBeginWhileOneIsPendingIsFailedPrecondition) {
  absl::StatusOr<PendingGeneration> first =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<PendingGeneration> second =
      BeginGeneration(dir_.path(), "us-ftc");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(),
              HasSubstr("another dnc-load is loading source us-ftc"));
  EXPECT_THAT(second.status().message(), HasSubstr(SourceDir() + "/LOCK"));
  // The failed attempt did not disturb the pending one.
  EXPECT_TRUE(fs::is_directory(first->dir()));

  // Another source is independent.
  absl::StatusOr<PendingGeneration> other =
      BeginGeneration(dir_.path(), "ca-crtc");
  EXPECT_TRUE(other.ok()) << other.status();

  // Once the first is published, the lock is free again.
  ASSERT_TRUE(PublishGeneration(std::move(*first)).ok());
  absl::StatusOr<PendingGeneration> third =
      BeginGeneration(dir_.path(), "us-ftc");
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST_F(SourceDirectoryTest, DroppedPendingGenerationLeavesNoTraceAndFreesLock) {
  PublishOne("one");
  std::string temp_dir;
  {
    absl::StatusOr<PendingGeneration> pending =
        BeginGeneration(dir_.path(), "us-ftc");
    ASSERT_TRUE(pending.ok()) << pending.status();
    temp_dir = pending->dir();
    std::ofstream(temp_dir + "/MANIFEST") << "never published";
    // Moving it keeps a single owner; the moved-from object owns nothing.
    PendingGeneration moved(std::move(*pending));
    EXPECT_EQ(moved.dir(), temp_dir);
  }
  EXPECT_FALSE(fs::exists(temp_dir));
  EXPECT_EQ(Current(), SourceDir() + "/g000001");
  EXPECT_THAT(Entries(SourceDir()), ElementsAre("CURRENT", "LOCK", "g000001"));
  absl::StatusOr<PendingGeneration> next =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->generation(), "g000002");
}

TEST_F(SourceDirectoryTest, CrashLeftoversAreCleanedAndNumbersNotReused) {
  PublishOne("one");
  PublishOne("two");
  // A loader killed after renaming g000003 into place but before switching
  // CURRENT, and another killed while filling its temp dir.
  fs::create_directories(SourceDir() + "/g000003/db");
  std::ofstream(SourceDir() + "/g000003/MANIFEST") << "half";
  fs::create_directories(SourceDir() + "/.tmp-g000003-999/db");
  std::ofstream(SourceDir() + "/.tmp-g000003-999/db/x") << "partial";
  std::ofstream(SourceDir() + "/CURRENT.tmp") << "g000003\n";
  EXPECT_EQ(Current(), SourceDir() + "/g000002");

  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_FALSE(fs::exists(SourceDir() + "/g000003"));
  EXPECT_FALSE(fs::exists(SourceDir() + "/.tmp-g000003-999"));
  EXPECT_FALSE(fs::exists(SourceDir() + "/CURRENT.tmp"));
  EXPECT_EQ(pending->generation(), "g000004");
  EXPECT_EQ(pending->previous_dir(), SourceDir() + "/g000002");
  std::ofstream(pending->dir() + "/MANIFEST") << "four";
  ASSERT_TRUE(PublishGeneration(std::move(*pending)).ok());
  EXPECT_EQ(Current(), SourceDir() + "/g000004");
  EXPECT_EQ(ReadText(SourceDir() + "/g000004/MANIFEST"), "four");
  // Garbage collection keeps CURRENT's generation and the one before it.
  EXPECT_THAT(Entries(SourceDir()),
              ElementsAre("CURRENT", "LOCK", "g000002", "g000004"));
}

TEST_F(SourceDirectoryTest, ListPublishedSourcesNamesOnlySourcesWithCurrent) {
  PublishOne("one");
  for (const char* source : {"ca-crtc", "uk-tps"}) {
    absl::StatusOr<PendingGeneration> pending =
        BeginGeneration(dir_.path(), source);
    ASSERT_TRUE(pending.ok()) << pending.status();
    ASSERT_TRUE(PublishGeneration(std::move(*pending)).ok());
  }
  // Begun but never published: not listed.
  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(dir_.path(), "de-robinson");
  ASSERT_TRUE(pending.ok());
  // Stray entries that are not sources.
  fs::create_directories(dir_.Path("sources/Not_A_Source"));
  std::ofstream(dir_.Path("sources/Not_A_Source/CURRENT")) << "g000001\n";

  absl::StatusOr<std::vector<std::string>> sources =
      ListPublishedSources(dir_.path());
  ASSERT_TRUE(sources.ok()) << sources.status();
  EXPECT_THAT(*sources, ElementsAre("ca-crtc", "uk-tps", "us-ftc"));
}

TEST_F(SourceDirectoryTest, InvalidSourceIdsAreRejected) {
  for (const std::string& bad :
       std::vector<std::string>{"", "-ftc", "US-FTC", "us_ftc", "us/ftc", "..",
                                ".", "us ftc", std::string(65, 'a')}) {
    EXPECT_FALSE(IsValidSourceId(bad)) << bad;
    EXPECT_EQ(BeginGeneration(dir_.path(), bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(CurrentGenerationDir(dir_.path(), bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  for (const std::string& good : std::vector<std::string>{
           "us-ftc", "a", "1", "0-x", std::string(64, 'z')}) {
    EXPECT_TRUE(IsValidSourceId(good)) << good;
  }
  EXPECT_FALSE(fs::exists(dir_.Path("sources")));  // Nothing was created.
}

TEST_F(SourceDirectoryTest, CorruptOrDanglingCurrentIsDataLoss) {
  fs::create_directories(SourceDir());
  std::ofstream(SourceDir() + "/CURRENT") << "garbage\n";
  EXPECT_EQ(CurrentGenerationDir(dir_.path(), "us-ftc").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(BeginGeneration(dir_.path(), "us-ftc").status().code(),
            absl::StatusCode::kDataLoss);

  std::ofstream(SourceDir() + "/CURRENT") << "g000007\n";  // No such dir.
  absl::Status status = CurrentGenerationDir(dir_.path(), "us-ftc").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("g000007"));
}

TEST_F(SourceDirectoryTest, PublishingAMovedFromGenerationFails) {
  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(pending.ok());
  PendingGeneration owner(std::move(*pending));
  EXPECT_EQ(PublishGeneration(std::move(*pending)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(PublishGeneration(std::move(owner)).ok());
  EXPECT_EQ(Current(), SourceDir() + "/g000001");
}

TEST_F(SourceDirectoryTest, GarbageCollectionKeepsCurrentAndThePreviousOne) {
  PublishOne("one");
  PublishOne("two");
  EXPECT_THAT(Entries(SourceDir()),
              ElementsAre("CURRENT", "LOCK", "g000001", "g000002"));
  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(pending.ok()) << pending.status();
  PublishResult result;
  ASSERT_TRUE(PublishGeneration(std::move(*pending), {}, &result).ok());
  EXPECT_THAT(result.removed_generations, ElementsAre("g000001"));
  EXPECT_THAT(result.gc_error, IsEmpty());
  EXPECT_THAT(Entries(SourceDir()),
              ElementsAre("CURRENT", "LOCK", "g000002", "g000003"));
  EXPECT_EQ(ReadText(SourceDir() + "/g000002/db/data"), "two");
}

TEST_F(SourceDirectoryTest, KeepGenerationsIsConfigurable) {
  for (const char* marker : {"1", "2", "3", "4"}) PublishOne(marker);
  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(pending.ok()) << pending.status();
  PublishOptions keep_four;
  keep_four.keep_generations = 4;
  PublishResult result;
  ASSERT_TRUE(PublishGeneration(std::move(*pending), keep_four, &result).ok());
  // The default (2) removed g000001 and g000002 on the way; keeping 4
  // removes nothing of the three left.
  EXPECT_THAT(result.removed_generations, IsEmpty());
  EXPECT_THAT(Entries(SourceDir()),
              ElementsAre("CURRENT", "LOCK", "g000003", "g000004", "g000005"));

  absl::StatusOr<std::vector<std::string>> removed =
      RemoveOldGenerations(dir_.path(), "us-ftc", 1);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_THAT(*removed, ElementsAre("g000003", "g000004"));
  EXPECT_THAT(Entries(SourceDir()), ElementsAre("CURRENT", "LOCK", "g000005"));
  EXPECT_EQ(Current(), SourceDir() + "/g000005");
}

TEST_F(SourceDirectoryTest, KeepingNoGenerationIsInvalidAndPublishesNothing) {
  PublishOne("one");
  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(pending.ok()) << pending.status();
  PublishOptions keep_none;
  keep_none.keep_generations = 0;
  EXPECT_EQ(PublishGeneration(std::move(*pending), keep_none).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Current(), SourceDir() + "/g000001");
  EXPECT_EQ(RemoveOldGenerations(dir_.path(), "us-ftc", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SourceDirectoryTest, GarbageCollectionWaitsForTheLoaderLock) {
  PublishOne("one");
  PublishOne("two");
  absl::StatusOr<PendingGeneration> pending =
      BeginGeneration(dir_.path(), "us-ftc");
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(RemoveOldGenerations(dir_.path(), "us-ftc", 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(fs::exists(SourceDir() + "/g000001"));
}

TEST_F(SourceDirectoryTest,
       GenerationMovedAsideByAnInterruptedCollectionIsRemoved) {
  PublishOne("one");
  // What a collector killed between its rename and its removal leaves.
  fs::create_directories(SourceDir() + "/.tmp-gc-g000000-999/db");
  std::ofstream(SourceDir() + "/.tmp-gc-g000000-999/db/x") << "old";
  EXPECT_EQ(Current(), SourceDir() + "/g000001");
  PublishOne("two");
  EXPECT_THAT(Entries(SourceDir()),
              ElementsAre("CURRENT", "LOCK", "g000001", "g000002"));
}

TEST_F(SourceDirectoryTest,
       RemovingOldGenerationsOfAnUnpublishedSourceIsNotFound) {
  EXPECT_EQ(RemoveOldGenerations(dir_.path(), "us-ftc", 2).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dnc::storage
