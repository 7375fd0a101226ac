// BulkLoad turns full registry dumps into a new published generation of one
// source: it reads every input (plain, .gz, .zip), parses each line with the
// source's record format, sorts and deduplicates the keys, builds the
// generation's RocksDB (SST ingestion) and filter, writes its MANIFEST and
// rejects.txt, and publishes it atomically (storage/source_directory.h). On
// any error nothing is published: CURRENT and the generation it names are
// untouched and the temp dir is removed.
//
// Every good line is loaded and every bad one is reported with its file, line
// number and reason (in LoadStats and in <generation>/rejects.txt).
//
// Thread-safety: thread-safe (no shared state); loads of one source exclude
// each other through the source's LOCK (FailedPrecondition if held).
#ifndef DNC_LOADER_BULK_LOADER_H_
#define DNC_LOADER_BULK_LOADER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/civil_date.h"
#include "loader/reject_log.h"

namespace dnc::loader {

enum class LoadPhase {
  kReading,
  kSorting,
  kBuildingDb,
  kWritingFilter,
  kPublishing
};

// "reading", "sorting", "building db", "writing filter", "publishing".
const char* LoadPhaseName(LoadPhase phase);

struct LoadProgress {
  LoadPhase phase = LoadPhase::kReading;
  std::string location;   // The input being read (kReading).
  size_t file_index = 0;  // 0-based, of file_count.
  size_t file_count = 0;
  uint64_t lines_read = 0;
  uint64_t rejected = 0;
  double elapsed_seconds = 0;
};

struct LoadOptions {
  std::string data_dir;             // Holds sources/<source>/...
  std::string source;               // e.g. "us-ftc"; see IsValidSourceId().
  DayNumber as_of = 0;              // The date of the registry copy.
  std::vector<std::string> inputs;  // Files, read in this order.

  // Empty / 0: the source preset's value (source_presets.h). A source without
  // a preset needs jurisdiction, country_codes and max_age_days; its format
  // defaults to "lines".
  std::string format;
  std::string jurisdiction;
  std::vector<uint32_t> country_codes;
  int32_t max_age_days = 0;

  // Abort, publishing nothing, once more lines than this are rejected.
  // nullopt: no limit (every good line loads, every bad one is reported).
  std::optional<uint64_t> max_rejects;
  size_t max_reject_samples = 20;  // Rejects kept in LoadStats.

  // Called on the loading thread at each phase and about every 64K lines
  // while reading. May be empty.
  std::function<void(const LoadProgress&)> progress;

  // "Today" for the future-date check; nullopt: TodayUtc(). For tests.
  std::optional<DayNumber> today;
};

struct LoadStats {
  uint64_t files = 0;
  uint64_t members =
      0;  // Streams read: 1 per plain/.gz file, 1 per zip member.
  uint64_t lines_read = 0;  // = blank + loaded + duplicates + rejected.
  uint64_t blank = 0;
  uint64_t loaded = 0;      // Distinct numbers in the generation.
  uint64_t duplicates = 0;  // Good lines repeating a number already read.
  uint64_t rejected = 0;
  std::vector<RejectSample> reject_samples;  // The first max_reject_samples.
  std::string generation;                    // e.g. "g000002"
  std::string generation_dir;  // e.g. "<data>/sources/us-ftc/g000002"
  std::string rejects_path;    // <generation_dir>/rejects.txt
  double read_seconds = 0;     // Reading and parsing the inputs.
  double sort_seconds = 0;
  double db_seconds = 0;  // BuildRegistryDb.
  double filter_seconds = 0;
  double elapsed_seconds = 0;   // Everything, publish included.
  double lines_per_second = 0;  // lines_read / elapsed_seconds.
  double keys_per_second = 0;   // loaded / elapsed_seconds.
};

// The name of the rejects file in a generation directory.
inline constexpr char kRejectsFileName[] = "rejects.txt";

// Loads options.inputs as a new generation of options.source and publishes
// it. Returns the counts and where it went.
// Errors:
//   InvalidArgument: bad options (source id, no inputs, unknown format, a
//     source without a preset missing jurisdiction/country codes/max age, an
//     as-of date in the future);
//   NotFound: an input file does not exist;
//   FailedPrecondition: another loader holds the source's lock, the as-of
//     date is older than the published generation's (an unreadable published
//     MANIFEST is logged and skipped, so a good load can replace a damaged
//     generation), or no line held a number;
//   DataLoss: more than max_rejects lines rejected, or a corrupt archive;
//   otherwise the I/O or storage error. Nothing is published on error.
absl::StatusOr<LoadStats> BulkLoad(const LoadOptions& options);

}  // namespace dnc::loader

#endif  // DNC_LOADER_BULK_LOADER_H_
