// BulkLoad makes a new published generation of one source, in one of two
// modes:
//
//  - full (LoadMode::kFull): reads every input (plain, .gz, .zip), parses
//    each record with the source's record format, sorts and deduplicates the
//    keys, and builds the generation from scratch: RocksDB (SST ingestion),
//    keys.bin (the exact sorted keys), filter.bin, MANIFEST and rejects.txt.
//  - change (LoadMode::kChange): applies one or more change lists (records
//    that add or delete a number, with a date) to the published generation:
//    new generation = previous + adds - deletes, without rewriting the
//    registry (change_list_loader.h has the design and the rules).
//
// Both modes follow one script (generation_writer.h: lock, pending
// directory, reading with each input hashed as it is read, keys.bin,
// filter.bin, MANIFEST, publish); they differ only in their keys and their
// RocksDB. Either way it publishes atomically (storage/source_directory.h) and
// then removes generations older than the newest keep_generations. On any error
// nothing is published: CURRENT and the generation it names are untouched and
// the temp dir is removed. A loader killed at any moment leaves the last
// published generation serving; the next run cleans up and succeeds.
//
// Every good record is loaded and every bad one is reported with its file,
// line number and reason (in LoadStats and in <generation>/rejects.txt).
// Records the source is never consulted for (out of its coverage: Canadian
// numbers in us-ftc) are counted and sampled in LoadStats and in a warning
// section of rejects.txt, and rejected with options.reject_out_of_coverage.
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

class SourceCatalogue;

enum class LoadPhase {
  kReading,
  kSorting,        // Change mode: resolving and merging the changes.
  kBuildingDb,     // Change mode: checkpoint of the previous DB + changes.
  kWritingFilter,  // keys.bin, then filter.bin.
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

enum class LoadMode {
  kFull,    // The inputs are full lists: the generation holds exactly them.
  kChange,  // The inputs are change lists applied to the published generation.
};

struct LoadOptions {
  LoadMode mode = LoadMode::kFull;
  std::string data_dir;             // Holds sources/<source>/...
  std::string source;               // e.g. "us-ftc"; see IsValidSourceId().
  DayNumber as_of = 0;              // The date of the registry copy.
  std::vector<std::string> inputs;  // Files, read in this order.

  // The source catalogue (source_catalogue.h) giving each source's kind,
  // jurisdiction, country and area codes, legal window and formats. Empty:
  // LoadCatalogue("") (the checkout's config/sources.catalogue, else the
  // copy built in). Read once per load; not read at all when the caller
  // passes it parsed to BulkLoad().
  std::string catalogue;

  // Empty / 0: the source's catalogue entry's value. A source without an
  // entry needs jurisdiction, country_codes and max_age_days; its format
  // defaults to "lines". In change mode they default to the published
  // generation's, and the format to the entry's change_format. `format` may
  // name a preset or a [format] declared in the catalogue.
  std::string format;
  std::string jurisdiction;
  std::vector<uint32_t> country_codes;
  int32_t max_age_days = 0;

  // Abort, publishing nothing, once more lines than this are rejected.
  // nullopt: no limit (every good line loads, every bad one is reported).
  std::optional<uint64_t> max_rejects;
  size_t max_reject_samples = 20;  // Rejects kept in LoadStats.

  // Lines whose number the source is never consulted for (an area code of
  // another region, such as Canada's 416 in us-ftc, or one not in the
  // numbering table; storage/source_coverage.h) are loaded and reported
  // (LoadStats::out_of_coverage); true rejects them instead, like any other
  // bad line. A number whose country code the source does not list is always
  // a reject.
  bool reject_out_of_coverage = false;
  size_t max_out_of_coverage_samples = 10;  // Kept in LoadStats.

  // After publishing, keep this many generations (the new one and the newest
  // before it) and remove older ones; see storage::PublishOptions. >= 1.
  int keep_generations = 2;

  // Also write filter.bin, the xxHash filter. Servers answer from index.bin
  // and do not read it (docs/national-scale.md: it does not pay); kept for
  // tools that want a small probabilistic set.
  bool build_filter = false;

  // Called on the loading thread at each phase and about every 64K lines
  // while reading. May be empty.
  std::function<void(const LoadProgress&)> progress;

  // "Today" for the future-date check; nullopt: TodayUtc(). For tests.
  std::optional<DayNumber> today;
};

// Out-of-coverage lines of one region ("CA-ON", "JM", "US-NY",
// "unassigned"), with the area codes they were in.
struct CoverageGap {
  std::string region;
  uint64_t lines = 0;
  std::vector<int> area_codes;  // Ascending.
};

struct LoadStats {
  LoadMode mode = LoadMode::kFull;
  uint64_t files = 0;
  uint64_t members =
      0;  // Streams read: 1 per plain/.gz file, 1 per zip member.
  // Full: lines_read = blank + loaded + duplicates + rejected.
  // Change: lines_read = blank + change_records + rejected.
  uint64_t lines_read = 0;
  uint64_t blank = 0;
  uint64_t loaded = 0;      // Distinct numbers in the generation.
  uint64_t duplicates = 0;  // Good lines repeating a number (change: =
                            // superseded).
  uint64_t rejected = 0;

  // Change mode. change_records = superseded + added + adds_already_listed
  // + deleted + deletes_not_listed.
  uint64_t change_records = 0;  // Good add and delete records read.
  uint64_t superseded = 0;      // Overridden by a later record for the number.
  uint64_t added = 0;           // Numbers newly listed.
  uint64_t adds_already_listed = 0;  // Adds of listed numbers: no change.
  uint64_t deleted = 0;              // Numbers removed.
  uint64_t deletes_not_listed = 0;   // Deletes of absent numbers: no change.
  std::string previous_generation;   // The generation the changes apply to.

  std::vector<RejectSample> reject_samples;  // The first max_reject_samples.

  // Good lines whose number the source is never consulted for (see
  // LoadOptions::reject_out_of_coverage). Counted either way; part of
  // `rejected` when out_of_coverage_rejected, else loaded like the others.
  uint64_t out_of_coverage = 0;
  bool out_of_coverage_rejected = false;
  // The first max_out_of_coverage_samples, reason e.g. "out of coverage:
  // area code 416 is in CA-ON, not covered by us-ftc (US)".
  std::vector<RejectSample> out_of_coverage_samples;
  // By region, most lines first (DescribeCoverageGaps() writes "CA-ON 2
  // (416, 905); JM 1 (876); unassigned 1 (222)"). Empty when out_of_coverage
  // is 0.
  std::vector<CoverageGap> out_of_coverage_by_region;
  std::string generation;      // e.g. "g000002"
  std::string generation_dir;  // e.g. "<data>/sources/us-ftc/g000002"
  std::string rejects_path;    // <generation_dir>/rejects.txt
  // Old generations removed after publishing, and why removal stopped early
  // (empty if it did not; the load still succeeded).
  std::vector<std::string> removed_generations;
  std::string gc_error;
  double read_seconds = 0;  // Reading and parsing the inputs.
  double sort_seconds = 0;  // Change mode: resolving + merging the changes.
  double db_seconds = 0;    // BuildRegistryDb, or checkpoint + apply changes.
  double keys_seconds = 0;  // index.bin
  double filter_seconds = 0;
  double elapsed_seconds = 0;   // Everything, publish included.
  double lines_per_second = 0;  // lines_read / elapsed_seconds.
  double keys_per_second = 0;   // loaded / elapsed_seconds.
};

// The name of the rejects file in a generation directory.
inline constexpr char kRejectsFileName[] = "rejects.txt";

// Loads options.inputs as a new generation of options.source (full lists or
// change lists, per options.mode) and publishes it. Returns the counts and
// where it went.
// Errors:
//   InvalidArgument: bad options (source id, no inputs, unknown format, a
//     source without a preset missing jurisdiction/country codes/max age, an
//     as-of date in the future, keep_generations < 1, the same change list
//     given twice);
//   NotFound: an input file does not exist;
//   FailedPrecondition: another loader holds the source's lock, the as-of
//     date is older than the published generation's (in full mode an
//     unreadable published MANIFEST is logged and skipped, so a good load
//     can replace a damaged generation), or no line held a number; change
//     mode: nothing published yet ("load a full list first"), or the
//     published generation has no keys.bin;
//   AlreadyExists: change mode, a change list (same XXH3-128) was already
//     applied; the message names the file and the generation that did;
//   DataLoss: more than max_rejects lines rejected, a corrupt archive, or
//     (change mode) an unreadable published MANIFEST or keys.bin;
//   otherwise the I/O or storage error. Nothing is published on error.
absl::StatusOr<LoadStats> BulkLoad(const LoadOptions& options);

// As above, with the catalogue options.catalogue names already parsed (e.g.
// by dnc-load for its usage text); `catalogue` is used instead of reading it
// again.
absl::StatusOr<LoadStats> BulkLoad(const LoadOptions& options,
                                   const SourceCatalogue& catalogue);

}  // namespace dnc::loader

#endif  // DNC_LOADER_BULK_LOADER_H_
