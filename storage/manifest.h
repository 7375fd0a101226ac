// The MANIFEST of a generation: what was loaded, from which files, as of when,
// with which counts and checksums. It is the evidence a scrub cites and what
// the server reads to know a source's coverage and legal window.
//
// On disk: UTF-8 text, first line "dnc-manifest 1", then one "key: value"
// line per field (repeated keys for lists), so an operator can read it.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_STORAGE_MANIFEST_H_
#define DNC_STORAGE_MANIFEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/civil_date.h"

namespace dnc::storage {

struct ManifestInput {
  std::string path;  // As given to the loader.
  uint64_t bytes = 0;
  std::string xxh3_128;  // 32 hex digits of the file's XXH3-128.
};

// A change list applied to this generation or to one it derives from: the
// history is carried forward from generation to generation (full loads
// included) so that re-applying the same file is detected.
struct AppliedChangeList {
  std::string xxh3_128;    // 32 hex digits of the file's XXH3-128.
  std::string generation;  // The generation that applied it, e.g. "g000013".
  DayNumber as_of = 0;     // The as-of date it was applied with.
  std::string path;        // As given to the loader.
};

struct Manifest {
  std::string source;                   // e.g. "us-ftc"
  std::string jurisdiction;             // e.g. "US"
  std::vector<uint32_t> country_codes;  // Calling codes covered, e.g. {1}.
  // The kind of list, from the loader's source catalogue: "national",
  // "state", "litigator" or "other". Empty when the manifest predates the
  // field (optional key "kind").
  std::string kind;
  // Area codes (national number prefixes; NANP: 3 digits) the source is
  // presumed to cover, e.g. a state list's; empty: all numbers of its
  // country codes. A presumption, not a filter: numbers are portable.
  // (Optional repeated key "area_code".)
  std::vector<uint32_t> area_codes;
  std::string generation;  // e.g. "g000012"
  uint64_t generation_number = 0;
  DayNumber as_of = 0;        // Date of the registry copy.
  int32_t max_age_days = 31;  // Legal window: STALE when today - as_of > this.
  std::string format;         // Input layout, e.g. "ftc-flat".
  std::string created_at;     // UTC timestamp of the load.
  uint64_t lines_read = 0;
  uint64_t numbers_loaded = 0;  // Distinct keys in the generation.
  uint64_t duplicates = 0;
  uint64_t rejected = 0;
  // Matches the filter header's checksum; 0 (with filter_bytes 0) when the
  // generation has no filter.bin (built only with dnc-load --filter).
  uint64_t filter_checksum = 0;
  uint64_t filter_bytes = 0;
  uint64_t keys_checksum = 0;  // Matches keys.bin's header checksum; 0 for
                               // generations without keys.bin.
  // Matches index.bin's header checksum (storage/key_index.h); 0 for
  // generations made before index.bin existed (optional keys).
  uint64_t index_checksum = 0;
  uint64_t index_bytes = 0;
  // details.bin (storage/key_index.h, kDetailsFileName): the index of the
  // keys that may have details, its header checksum, size and key count; 0
  // when the generation has none (no details, too many of them for a set,
  // or made before details.bin existed: a server then finds them itself).
  uint64_t details_checksum = 0;
  uint64_t details_bytes = 0;
  uint64_t details_keys = 0;
  std::vector<ManifestInput> inputs;

  // How the generation was made: "full" (from full lists; also what a
  // manifest without the field means) or "change" (previous_generation plus
  // the change lists in `inputs`).
  std::string load_mode = "full";
  std::string previous_generation;  // "change": the generation it derives from.
  // "change": what the change lists did. Adds of numbers already listed and
  // deletes of numbers not listed change nothing and are only counted.
  uint64_t numbers_added = 0;
  uint64_t numbers_deleted = 0;
  uint64_t adds_already_listed = 0;
  uint64_t deletes_not_listed = 0;
  // Every change list applied so far, oldest first (see AppliedChangeList).
  std::vector<AppliedChangeList> applied_change_lists;
};

// Writes `manifest` to `path` durably (storage/durable_file.h: temp file,
// fsync, rename, directory fsync). Errors: InvalidArgument (a value that
// would not read back: a line break, a bad checksum, an unknown load_mode),
// or an errno-derived status naming the path (NotFound: no such directory).
absl::Status WriteManifest(const Manifest& manifest, const std::string& path);

// Errors: NotFound (no file), DataLoss (wrong first line, unparseable or
// missing required field; the message names path, line and field).
absl::StatusOr<Manifest> ReadManifest(const std::string& path);

// A source copy's age against its legal window (max_age_days). The copy is
// fresh through `deadline` (as_of + max_age_days) and stale from the day
// after.
struct Freshness {
  int32_t age_days = 0;  // today - as_of (negative if as_of is in the future).
  DayNumber deadline = 0;
  bool stale = false;  // today > deadline.
};

inline Freshness ComputeFreshness(const Manifest& manifest, DayNumber today) {
  Freshness freshness;
  freshness.age_days = today - manifest.as_of;
  freshness.deadline = manifest.as_of + manifest.max_age_days;
  freshness.stale = today > freshness.deadline;
  return freshness;
}

}  // namespace dnc::storage

#endif  // DNC_STORAGE_MANIFEST_H_
