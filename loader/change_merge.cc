#include "loader/change_merge.h"

#include <algorithm>

#include "common/status_macros.h"

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

namespace {

// MergeChanges() appending to *merged and *db_changes.
void AppendMerged(absl::Span<const uint64_t> base,
                  absl::Span<const ChangeRecord> resolved,
                  std::vector<uint64_t>* merged,
                  std::vector<storage::RegistryDbChange>* db_changes,
                  ChangeCounts* counts) {
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

}  // namespace

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
  AppendMerged(base, resolved, merged, db_changes, counts);
}

uint32_t MergedBlockSize(const storage::KeyIndex& base,
                         absl::Span<const ChangeRecord> resolved) {
  const storage::KeyIndexLayout& L = base.layout();
  uint64_t adds = 0;
  for (const ChangeRecord& record : resolved) adds += record.erase ? 0 : 1;
  const uint64_t count = base.key_count() + adds;
  if (count == 0) return storage::KeyIndexBuilder::ChooseBlockSize(0, 0, 0);
  uint64_t min_key = ~uint64_t{0};
  uint64_t max_key = 0;
  if (base.key_count() != 0) {
    if (L.block_size == 0) {
      min_key = L.data[0];
      max_key = L.data[L.key_count - 1];
    } else {
      min_key = L.first_block * L.block_size;
      max_key = (L.first_block + L.block_count) * L.block_size - 1;
    }
  }
  if (!resolved.empty()) {
    min_key = std::min(min_key, resolved.front().key);
    max_key = std::max(max_key, resolved.back().key);
  }
  return storage::KeyIndexBuilder::ChooseBlockSize(count, min_key, max_key);
}

absl::Status MergeChangesIntoIndex(
    const storage::KeyIndex& base, absl::Span<const ChangeRecord> resolved,
    storage::KeyIndexBuilder* builder,
    std::vector<storage::RegistryDbChange>* db_changes, ChangeCounts* counts) {
  db_changes->clear();
  db_changes->reserve(resolved.size());
  const storage::KeyIndexLayout& L = base.layout();
  const uint32_t b = builder->block_size();
  if (b == 0 || b != L.block_size) {
    // Different blocks: decode everything, merge, encode.
    std::vector<uint64_t> keys;
    base.AppendKeys(&keys);
    std::vector<uint64_t> merged;
    merged.reserve(keys.size() + resolved.size());
    AppendMerged(keys, resolved, &merged, db_changes, counts);
    return builder->AddKeys(merged);
  }
  // Block by block: the next block of the base holding keys, the next block
  // a change falls in; copy the first when it comes first, else merge.
  constexpr uint64_t kEnd = ~uint64_t{0};
  uint64_t rel = 0;
  auto next_base_block = [&]() {
    while (rel < L.block_count &&
           base.BlockKeyCount(L.first_block + rel) == 0) {
      ++rel;
    }
    return rel < L.block_count ? L.first_block + rel : kEnd;
  };
  size_t c = 0;
  std::vector<uint64_t> old_keys;
  std::vector<uint64_t> new_keys;
  while (true) {
    const uint64_t base_block = next_base_block();
    const uint64_t change_block =
        c < resolved.size() ? resolved[c].key / b : kEnd;
    if (base_block == kEnd && change_block == kEnd) break;
    if (base_block < change_block) {
      DNC_RETURN_IF_ERROR(builder->CopyBlock(base, base_block));
      ++rel;
      continue;
    }
    const uint64_t block = change_block;
    size_t c_end = c;
    while (c_end < resolved.size() && resolved[c_end].key / b == block) {
      ++c_end;
    }
    old_keys.clear();
    if (base_block == block) {
      base.AppendBlockKeys(block, &old_keys);
      ++rel;
    }
    new_keys.clear();
    AppendMerged(old_keys, resolved.subspan(c, c_end - c), &new_keys,
                 db_changes, counts);
    DNC_RETURN_IF_ERROR(builder->AddBlock(new_keys));
    c = c_end;
  }
  return absl::OkStatus();
}

}  // namespace dnc::loader
