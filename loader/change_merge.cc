#include "loader/change_merge.h"

#include <algorithm>

namespace dnc::loader {

uint64_t ResolveChanges(std::vector<ChangeRecord>* records) {
  // Stable: records of one number keep their input order, so the last of a
  // run is the last in the input.
  std::stable_sort(records->begin(), records->end(),
                   [](const ChangeRecord& a, const ChangeRecord& b) {
                     return a.key < b.key;
                   });
  size_t out = 0;
  for (size_t i = 0; i < records->size(); ++i) {
    const bool last_of_run =
        i + 1 == records->size() || (*records)[i + 1].key != (*records)[i].key;
    if (last_of_run) (*records)[out++] = (*records)[i];
  }
  const uint64_t superseded = records->size() - out;
  records->resize(out);
  return superseded;
}

void MergeChanges(absl::Span<const uint64_t> base,
                  absl::Span<const ChangeRecord> resolved,
                  std::vector<uint64_t>* merged,
                  std::vector<storage::RegistryDbChange>* db_changes,
                  ChangeCounts* counts) {
  size_t adds = 0;
  for (const ChangeRecord& record : resolved) adds += record.erase ? 0 : 1;
  merged->clear();
  merged->reserve(base.size() + adds);
  db_changes->clear();
  db_changes->reserve(resolved.size());
  size_t b = 0;
  for (const ChangeRecord& change : resolved) {
    // Copy the run of base keys below this change in one go. The run's end
    // is found by galloping from b (sequential memory, O(log gap)), not by a
    // binary search over the whole rest of the base.
    size_t lo = b;
    size_t bound = 1;
    while (b + bound <= base.size() && base[b + bound - 1] < change.key) {
      lo = b + bound;
      bound *= 2;
    }
    const size_t hi = std::min(base.size(), b + bound);
    const uint64_t* run_end =
        std::lower_bound(base.data() + lo, base.data() + hi, change.key);
    merged->insert(merged->end(), base.data() + b, run_end);
    b = static_cast<size_t>(run_end - base.data());
    const bool listed = b < base.size() && base[b] == change.key;
    if (change.erase) {
      if (listed) {
        ++counts->deleted;
        db_changes->push_back({change.key, {}, /*erase=*/true});
        ++b;  // Dropped from the merged keys.
      } else {
        ++counts->deletes_not_listed;
      }
    } else if (listed) {
      ++counts->adds_already_listed;  // Kept as it is (with its record).
    } else {
      ++counts->added;
      storage::RegistryRecord record;
      record.added = change.date;
      db_changes->push_back({change.key, record, /*erase=*/false});
      merged->push_back(change.key);
    }
  }
  merged->insert(merged->end(), base.data() + b, base.data() + base.size());
}

}  // namespace dnc::loader
