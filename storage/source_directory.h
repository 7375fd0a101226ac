// The on-disk layout of published registry data and its atomic publish
// protocol. Under the data directory:
//
//   sources/<source>/CURRENT              one line: the published generation
//   sources/<source>/g000012/             MANIFEST, keys.bin, filter.bin, db/
//   sources/<source>/.tmp-g000013-<pid>/  a generation being built
//   sources/<source>/LOCK                 flock()ed while a loader runs
//
// In a generation, keys.bin (storage/sorted_key_file.h) answers every
// membership lookup and db/ (RocksDB) the per-number details; filter.bin is
// consulted only for generations made before keys.bin existed (see
// storage/source_snapshot.h).
//
// Publish: the loader fills the temp dir, which is fsynced (files and dirs),
// renamed to its final name, and then CURRENT is replaced by writing
// CURRENT.tmp, fsyncing it and renaming it over CURRENT (then fsyncing the
// directory). A reader that resolves CURRENT sees the old generation or the
// new one, never a mix. A loader killed at any point leaves CURRENT and the
// generation it names untouched; the next BeginGeneration() removes leftover
// temp dirs.
//
// Thread-safety: thread-compatible. Across processes, the LOCK file makes
// loaders of one source exclusive; readers never take it.
#ifndef DNC_STORAGE_SOURCE_DIRECTORY_H_
#define DNC_STORAGE_SOURCE_DIRECTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dnc::storage {

inline constexpr char kManifestFileName[] = "MANIFEST";
inline constexpr char kFilterFileName[] = "filter.bin";
inline constexpr char kDbDirName[] = "db";

// True for ids a source may have: 1-64 chars of [a-z0-9-], starting with a
// letter or digit (they become directory names).
bool IsValidSourceId(const std::string& source);

// Sources with a CURRENT file under `data_dir`, sorted. A missing data dir or
// sources/ dir gives an empty list. Errors: errno-derived status.
absl::StatusOr<std::vector<std::string>> ListPublishedSources(
    const std::string& data_dir);

// The published generation's directory for `source`, e.g.
// "<data>/sources/us-ftc/g000012", or nullopt if none is published.
// Errors: InvalidArgument (bad source id), DataLoss (CURRENT unreadable or
// naming a generation that does not exist).
absl::StatusOr<std::optional<std::string>> CurrentGenerationDir(
    const std::string& data_dir, const std::string& source);

struct PublishOptions {
  // Generations to keep: CURRENT's and the newest ones before it; older ones
  // are removed after publishing. At least 1; 2 keeps the previous one for
  // servers that have not reloaded yet.
  int keep_generations = 2;
};

struct PublishResult {
  // Generation names removed by garbage collection, oldest first.
  std::vector<std::string> removed_generations;
  // Why garbage collection stopped early, or empty. A failed collection does
  // not fail the publish (the new generation is already CURRENT); what it
  // left is removed by a later one.
  std::string gc_error;
};

// A generation under construction. Move-only; destroying it without
// Publish() removes the temp dir and releases the lock.
class PendingGeneration {
 public:
  PendingGeneration(PendingGeneration&& other) noexcept;
  PendingGeneration& operator=(PendingGeneration&& other) = delete;
  PendingGeneration(const PendingGeneration&) = delete;
  ~PendingGeneration();

  const std::string& dir() const { return temp_dir_; }  // Write files here.
  const std::string& generation() const { return generation_; }
  uint64_t generation_number() const { return generation_number_; }
  // The published generation this one follows, if any (for change lists).
  const std::optional<std::string>& previous_dir() const {
    return previous_dir_;
  }

 private:
  friend absl::StatusOr<PendingGeneration> BeginGeneration(const std::string&,
                                                           const std::string&);
  friend absl::Status PublishGeneration(PendingGeneration,
                                        const PublishOptions&, PublishResult*);
  PendingGeneration() = default;
  std::string source_dir_;
  std::string temp_dir_;
  std::string generation_;
  uint64_t generation_number_ = 0;
  std::optional<std::string> previous_dir_;
  int lock_fd_ = -1;
};

// Takes the source's LOCK (failing fast with FailedPrecondition if another
// loader holds it), removes leftovers of interrupted loads (temp dirs, and
// generation dirs newer than CURRENT's, which were renamed but never
// published), and creates a fresh temp dir for the next generation number:
// one more than the largest of CURRENT's and any g* dir seen, so a number is
// never reused. Creates directories as needed.
// Errors: InvalidArgument (bad source id), FailedPrecondition (locked),
// DataLoss (CURRENT unreadable or naming a missing dir), errno-derived status.
absl::StatusOr<PendingGeneration> BeginGeneration(const std::string& data_dir,
                                                  const std::string& source);

// fsyncs the temp dir's contents, renames it to its generation name, and
// atomically points CURRENT at it, removes old generations (see
// PublishOptions), then releases the lock. `result` may be null. Errors:
// InvalidArgument (keep_generations < 1; nothing is done),
// FailedPrecondition (`pending` was moved from, or the final dir exists),
// errno-derived status. On error CURRENT still names the previous generation
// (the one exception: the rename of CURRENT.tmp succeeded but the final
// directory fsync failed, after which CURRENT may name either); a renamed but
// unpublished generation dir is removed by the next BeginGeneration().
absl::Status PublishGeneration(PendingGeneration pending,
                               const PublishOptions& options = {},
                               PublishResult* result = nullptr);

// Garbage collection alone: takes the source's LOCK and removes generations
// older than the newest `keep_generations` (see PublishOptions). Returns the
// removed names, oldest first. Errors: InvalidArgument (bad source id,
// keep_generations < 1), FailedPrecondition (a loader holds the lock),
// NotFound (nothing published), DataLoss (CURRENT unreadable), errno-derived
// status of a removal.
absl::StatusOr<std::vector<std::string>> RemoveOldGenerations(
    const std::string& data_dir, const std::string& source,
    int keep_generations);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_SOURCE_DIRECTORY_H_
