// ApplyChangeLists makes a new generation of a source from its published
// generation and one or more change lists (records that add or delete a
// number, with a date): new generation = previous + adds - deletes. The
// registry is not rewritten:
//
//  - keys.bin: the previous generation's keys.bin (memory-mapped, sorted) is
//    merged with the sorted changes in one linear pass (change_merge.h);
//  - db/: a RocksDB checkpoint of the previous DB (hard links), opened
//    read-write, with one SST of the changes (puts carrying the records'
//    dates as RegistryRecord::added, and deletes) ingested on top
//    (storage/registry_db_checkpoint.h);
//  - filter.bin: rebuilt from the merged keys;
//  - MANIFEST: load_mode "change", the previous generation, the counts, and
//    the change-list history with these files added.
//
// Rules (each refusal publishes nothing):
//  - Records apply in order: the files as given, lines in file order; for a
//    number with several records the last one wins (the others count as
//    superseded). An add of a listed number or a delete of an absent one is
//    counted, not an error.
//  - A source with nothing published is refused: load a full list first
//    (FailedPrecondition). So is a published generation without keys.bin
//    (made before keys.bin existed).
//  - A change list whose as-of date is older than the published generation's
//    is refused (FailedPrecondition); the same date is allowed.
//  - A change list already applied (same XXH3-128 as one in the published
//    manifest's history, which is carried forward across change lists and
//    full loads) is refused with AlreadyExists, naming the file and the
//    generation that applied it; dnc-load exits 3 ("nothing to do"). The
//    same file given twice is InvalidArgument. Both are found once the
//    change lists are read (each is hashed as it is read), before the
//    registry is touched.
//  - Rejected lines go to rejects.txt like a full load's; --max_rejects
//    aborts with nothing published.
//
// The steps shared with a full load (lock, pending directory, reading,
// keys.bin, filter.bin, MANIFEST, publish) are generation_writer.h's; this
// file supplies the published-generation checks, the merge and the derived
// RocksDB (ChangeListFeeder).
//
// Thread-safety: thread-safe (no shared state); loads of one source exclude
// each other through the source's LOCK.
#ifndef DNC_LOADER_CHANGE_LIST_LOADER_H_
#define DNC_LOADER_CHANGE_LIST_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "loader/bulk_loader.h"

namespace dnc::loader {

// Applies options.inputs as change lists (see above) and publishes the
// result. BulkLoad() calls this for LoadMode::kChange. Settings left empty in
// `options` come from the source catalogue (the format from the entry's
// change_format), else from the published generation (jurisdiction, country
// codes, max age; the format via ChangeFormatFor(its full-list format)).
// Errors: as BulkLoad(); InvalidArgument also when options.mode is not
// kChange or no change-list format is known for the source.
absl::StatusOr<LoadStats> ApplyChangeLists(const LoadOptions& options);

namespace internal {
class RunCatalogue;
// As above, with the catalogue of the run (load_settings.h).
absl::StatusOr<LoadStats> ApplyChangeLists(const LoadOptions& options,
                                           RunCatalogue* catalogue);
}  // namespace internal

// The change-list format that goes with a full-list format ("ftc-flat" ->
// "ftc-change"), or "" if none is known.
std::string ChangeFormatFor(const std::string& full_format);

}  // namespace dnc::loader

#endif  // DNC_LOADER_CHANGE_LIST_LOADER_H_
