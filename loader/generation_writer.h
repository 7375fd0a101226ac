// The generation writer: the one script every load follows, whether the new
// generation is built from full lists (bulk_loader.cc) or from change lists
// applied to the published generation (change_list_loader.cc). It owns the
// steps both share:
//
//   1. check that every input opens (a missing file fails before the data
//      directory is touched);
//   2. take the source's lock and make the pending generation directory
//      (storage::BeginGeneration);
//   3. read every input into the reject log <pending>/rejects.txt with one
//      InputReader, hashing each input as it is read (its MANIFEST digest);
//   4. index.bin (storage/key_index.h) from the generation's keys, and
//      filter.bin only when asked for (LoadOptions::build_filter);
//   5. the MANIFEST (every field both modes fill, the inputs and their
//      digests), the atomic publish, garbage collection of old generations;
//   6. LoadStats: phase timings, progress reports, rates.
//
// A GenerationFeeder supplies what differs: the checks against the published
// generation, the generation's keys (sorted and deduplicated, or merged with
// the published index) and its RocksDB (built from scratch, or derived from
// the published one), and the MANIFEST fields of its mode. Crash points
// (storage/crash_point.h): the reader's "<mode>-reading", the feeder's own,
// then "<mode>-keys-written", "<mode>-filter-written" (with a filter) and
// "manifest-written" here. On any error nothing is published and the pending
// directory goes (storage::PendingGeneration).
//
// Loader internals, not a public API. Thread-safety: thread-safe (no shared
// state); a feeder is used by one build.
#ifndef DNC_LOADER_GENERATION_WRITER_H_
#define DNC_LOADER_GENERATION_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "loader/bulk_loader.h"
#include "loader/load_internal.h"
#include "loader/load_settings.h"
#include "loader/record_format.h"
#include "storage/key_index.h"
#include "storage/manifest.h"

namespace dnc::loader::internal {

// The change-list history a manifest carries (the newest entries are kept).
inline constexpr size_t kMaxAppliedChangeLists = 4096;

// Keeps the newest kMaxAppliedChangeLists entries of `history`.
void TrimChangeListHistory(std::vector<storage::AppliedChangeList>* history);

// What one mode of load does differently. BuildGeneration() calls the
// methods in this order, each at most once; any error ends the load with
// nothing published.
class GenerationFeeder {
 public:
  virtual ~GenerationFeeder() = default;

  // Under the source's lock, before any input is read: checks the load
  // against the published generation (`previous_dir`, if there is one) and
  // keeps what it needs of it.
  virtual absl::Status CheckPublished(
      const std::optional<std::string>& previous_dir) = 0;

  // What the new generation covers (see CoverageScope()): the reader's
  // coverage check and the MANIFEST's source fields.
  virtual storage::Manifest Scope() const = 0;

  // After every input was read (their digests in reader->inputs()): refuses
  // what the records or the digests make impossible, and fills the stats of
  // reading that only this mode keeps.
  virtual absl::Status CheckRead(InputReader* reader) = 0;

  // Makes the new generation's key set from what was read (sorted and
  // deduplicated, or merged with the published index; LoadPhase::kSorting)
  // and fills the stats of that.
  virtual absl::Status MakeKeys(InputReader* reader) = 0;

  // Builds the new generation's RocksDB in `db_dir`, which does not exist
  // yet (LoadPhase::kBuildingDb).
  virtual absl::Status BuildDb(const std::string& db_dir) = 0;

  // Writes the key set made by MakeKeys() as index.bin at `path`.
  virtual absl::StatusOr<storage::KeyIndexInfo> WriteIndex(
      const std::string& path, uint64_t generation_number) = 0;

  // The key set, strictly ascending, for filter.bin (only with --filter;
  // after WriteIndex()). Valid until ReleaseKeys().
  virtual absl::StatusOr<absl::Span<const uint64_t>> AllKeys() = 0;

  // index.bin (and filter.bin) are written: the keys may go.
  virtual void ReleaseKeys() = 0;

  // Fills the manifest's change-list history (the other fields, inputs
  // included, come from the settings, the stats and the indexes).
  virtual void FillManifest(storage::Manifest* manifest) const = 0;
};

// Builds a new generation of options.source with `feeder` (steps above),
// publishes it and returns the load's stats. `start` is when the load began
// (for elapsed times). Errors: NotFound (an input does not exist) or the
// errno-derived status of opening one; FailedPrecondition (another loader
// holds the lock); those of the feeder, the reader (DataLoss for too many
// rejects or a corrupt archive), and of writing index.bin, filter.bin, the
// MANIFEST and publishing.
absl::StatusOr<LoadStats> BuildGeneration(const LoadOptions& options,
                                          const Settings& settings,
                                          RecordParser parser,
                                          Clock::time_point start,
                                          GenerationFeeder* feeder);

}  // namespace dnc::loader::internal

#endif  // DNC_LOADER_GENERATION_WRITER_H_
