// The arithmetic of change lists, separate from files so it can be tested
// against an oracle: resolving a change list (the last record for a number
// wins) and merging the result into a generation's sorted keys in one linear
// pass, which yields the next generation's keys and the RocksDB changes that
// actually change something.
//
// Rules:
//  - Records apply in input order (files in the order given, lines in file
//    order); for a number with several records the last one wins and the
//    earlier ones are counted as superseded.
//  - An add of a number already listed and a delete of a number not listed
//    change nothing; they are counted, not errors (change lists overlap, and
//    a number can be re-added after the list we last loaded).
//
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_LOADER_CHANGE_MERGE_H_
#define DNC_LOADER_CHANGE_MERGE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "common/civil_date.h"
#include "storage/key_index.h"
#include "storage/registry_db_checkpoint.h"

namespace dnc::loader {

// One good change-list record.
struct ChangeRecord {
  uint64_t key = 0;    // The E.164 number.
  DayNumber date = 0;  // The record's date (RegistryRecord::added); 0: none.
  bool erase = false;  // true: delete; false: add.
};

struct ChangeCounts {
  uint64_t superseded = 0;  // Records overridden by a later one.
  uint64_t added = 0;
  uint64_t adds_already_listed = 0;
  uint64_t deleted = 0;
  uint64_t deletes_not_listed = 0;
};

// Sorts `records` (given in input order) by key and keeps only the last
// record of each number. Returns how many records were dropped (superseded).
uint64_t ResolveChanges(std::vector<ChangeRecord>* records);

// One pass over `base` (a generation's keys) and `resolved` (from
// ResolveChanges). Fills *merged with the next generation's keys (replacing
// its contents), *db_changes with a put (with the record's date) for each
// number newly listed and a delete for each number removed, in key order,
// and adds the counts of the four outcomes to *counts.
// REQUIRES: base and resolved strictly ascending by key.
void MergeChanges(absl::Span<const uint64_t> base,
                  absl::Span<const ChangeRecord> resolved,
                  std::vector<uint64_t>* merged,
                  std::vector<storage::RegistryDbChange>* db_changes,
                  ChangeCounts* counts);

// The same merge onto a generation's index (storage/key_index.h), writing
// the next generation's keys into *builder: where `builder` cuts keys into
// the same blocks as `base`, the blocks no change falls in are copied as
// encoded, so the merge costs what the change list touches plus a copy of
// the rest; otherwise every key is decoded and re-encoded. Fills
// *db_changes (replacing its contents) and adds to *counts like
// MergeChanges(). REQUIRES: resolved strictly ascending by key.
// Errors: those of the builder (FailedPrecondition).
absl::Status MergeChangesIntoIndex(
    const storage::KeyIndex& base, absl::Span<const ChangeRecord> resolved,
    storage::KeyIndexBuilder* builder,
    std::vector<storage::RegistryDbChange>* db_changes, ChangeCounts* counts);

// The block size the next generation's index should use
// (KeyIndexBuilder::ChooseBlockSize of the merged set's estimated count and
// range): blocks are copied when it is the base's.
uint32_t MergedBlockSize(const storage::KeyIndex& base,
                         absl::Span<const ChangeRecord> resolved);

}  // namespace dnc::loader

#endif  // DNC_LOADER_CHANGE_MERGE_H_
