// The last steps every generation shares, whether built from full lists or
// from change lists: keys.bin (the exact sorted keys) and filter.bin from the
// generation's keys, the MANIFEST, the atomic publish and garbage collection
// of old generations.
// Thread-safety: thread-safe (no shared state).
#ifndef DNC_LOADER_GENERATION_WRITER_H_
#define DNC_LOADER_GENERATION_WRITER_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "loader/bulk_loader.h"
#include "storage/hash_filter_builder.h"
#include "storage/manifest.h"
#include "storage/sorted_key_file.h"
#include "storage/source_directory.h"

namespace dnc::loader {

// The change-list history a manifest carries (the newest entries are kept).
inline constexpr size_t kMaxAppliedChangeLists = 4096;

struct KeyIndexes {
  storage::SortedKeyFileInfo keys;
  storage::HashFilterInfo filter;
  double keys_seconds = 0;
  double filter_seconds = 0;
};

// Writes keys.bin and then filter.bin for `keys` into pending.dir(), tagged
// with the pending generation's number. `crash_prefix` ("full" or "change")
// names the crash points passed after each file (storage/crash_point.h).
// REQUIRES: keys strictly ascending. Errors: those of WriteSortedKeyFile and
// WriteHashFilter.
absl::StatusOr<KeyIndexes> WriteKeyIndexes(
    const storage::PendingGeneration& pending, absl::Span<const uint64_t> keys,
    std::string_view crash_prefix);

// Keeps the newest kMaxAppliedChangeLists entries of `history`.
void TrimChangeListHistory(std::vector<storage::AppliedChangeList>* history);

// Writes `manifest` to pending.dir()/MANIFEST, publishes the generation and
// removes generations older than the newest `keep_generations`. Fills
// stats->generation, generation_dir, rejects_path, removed_generations and
// gc_error. Errors: those of WriteManifest and PublishGeneration.
absl::Status WriteManifestAndPublish(storage::PendingGeneration pending,
                                     const storage::Manifest& manifest,
                                     int keep_generations, LoadStats* stats);

}  // namespace dnc::loader

#endif  // DNC_LOADER_GENERATION_WRITER_H_
