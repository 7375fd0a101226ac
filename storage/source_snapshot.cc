#include "storage/source_snapshot.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "storage/hash_filter.h"
#include "storage/key_index.h"
#include "storage/registry_store.h"
#include "storage/sorted_key_file.h"
#include "storage/source_directory.h"

namespace dnc::storage {
namespace {

// Lookups run in chunks of this many keys so the per-thread buffers stay
// small (about 60 KiB) whatever the batch size.
constexpr size_t kChunk = 4096;

// Per-thread buffers for Lookup(), sized once; no allocation per batch.
struct LookupScratch {
  std::vector<uint8_t> maybe;
  std::vector<uint64_t> maybe_keys;
  std::vector<uint32_t> maybe_index;
  std::vector<uint8_t> found;
  std::vector<RegistryRecord> records;

  LookupScratch()
      : maybe(kChunk),
        maybe_keys(kChunk),
        maybe_index(kChunk),
        found(kChunk),
        records(kChunk) {}
};

LookupScratch& ThreadScratch() {
  thread_local LookupScratch scratch;
  return scratch;
}

// Probes `filter` with `chunk` (at most kChunk keys) and gathers the keys it
// may hold into scratch->maybe_keys, their positions in the chunk into
// scratch->maybe_index; returns how many. Branch-free: every key is written,
// the count advances only on a maybe.
size_t FilterMaybes(const HashFilter& filter, absl::Span<const uint64_t> chunk,
                    LookupScratch* scratch) {
  filter.MayContainBatch(chunk,
                         absl::MakeSpan(scratch->maybe.data(), chunk.size()));
  size_t maybes = 0;
  for (size_t i = 0; i < chunk.size(); ++i) {
    scratch->maybe_keys[maybes] = chunk[i];
    scratch->maybe_index[maybes] = static_cast<uint32_t>(i);
    maybes += scratch->maybe[i] != 0 ? 1 : 0;
  }
  return maybes;
}

// One property of a generation's file against what its MANIFEST records.
struct Recorded {
  const char* field;
  bool differs;
  std::string in_file;
  std::string in_manifest;
};

// DataLoss naming the first property of `file` (a `kind` of file) that
// differs from the MANIFEST's record, or OK.
absl::Status CheckBelongs(const std::string& generation_dir, const char* kind,
                          const std::string& file,
                          const std::string& manifest_path,
                          std::initializer_list<Recorded> properties) {
  for (const Recorded& p : properties) {
    if (!p.differs) continue;
    return absl::DataLossError(
        absl::StrCat("open generation ", generation_dir, ": ", kind, " ", file,
                     " does not belong to it: its ", p.field, " is ", p.in_file,
                     " but MANIFEST ", manifest_path, " says ", p.in_manifest));
  }
  return absl::OkStatus();
}

std::string Hex16(uint64_t value) { return absl::StrFormat("%016x", value); }

// What every index file of a generation records as the MANIFEST does: the
// generation it was built for and how many keys it holds.
Recorded SameGeneration(uint64_t in_file, const Manifest& manifest) {
  return {"generation number", in_file != manifest.generation_number,
          absl::StrCat(in_file), absl::StrCat(manifest.generation_number)};
}
Recorded SameKeyCount(uint64_t in_file, const Manifest& manifest) {
  return {"key count", in_file != manifest.numbers_loaded,
          absl::StrCat(in_file), absl::StrCat(manifest.numbers_loaded)};
}

// The generation's filter. It must be the one built with this generation's
// keys: a filter from another generation would answer "no" for numbers that
// are listed.
absl::StatusOr<std::unique_ptr<HashFilter>> OpenFilter(
    const std::string& generation_dir, const Manifest& manifest,
    const std::string& manifest_path) {
  const std::string path = absl::StrCat(generation_dir, "/", kFilterFileName);
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<HashFilter> filter,
                       HashFilter::Open(path));
  const HashFilter& f = *filter;
  DNC_RETURN_IF_ERROR(CheckBelongs(
      generation_dir, "filter", path, manifest_path,
      {SameGeneration(f.generation_number(), manifest),
       SameKeyCount(f.key_count(), manifest),
       {"checksum", f.checksum() != manifest.filter_checksum,
        Hex16(f.checksum()), Hex16(manifest.filter_checksum)},
       {"size",
        manifest.filter_bytes != 0 && f.file_bytes() != manifest.filter_bytes,
        absl::StrCat(f.file_bytes(), " bytes"),
        absl::StrCat(manifest.filter_bytes, " bytes")}}));
  return filter;
}

// The generation's exact index: index.bin when the manifest vouches for one,
// else one built in memory from keys.bin when it vouches for that (older
// loaders), else null (served from the filter). A manifest that vouches for
// a missing or different file is a damaged generation.
absl::StatusOr<std::unique_ptr<KeyIndex>> OpenIndex(
    const std::string& generation_dir, const Manifest& manifest,
    const std::string& manifest_path) {
  const bool mapped = manifest.index_checksum != 0;
  if (!mapped && manifest.keys_checksum == 0) return nullptr;
  const std::string path = absl::StrCat(
      generation_dir, "/", mapped ? kIndexFileName : kKeysFileName);
  const uint64_t vouched =
      mapped ? manifest.index_checksum : manifest.keys_checksum;
  auto missing = [&]() {
    return absl::DataLossError(absl::StrCat(
        "open generation ", generation_dir, ": MANIFEST ", manifest_path,
        " records ", mapped ? "index_checksum " : "keys_checksum ",
        Hex16(vouched), " but ", path, " is missing"));
  };
  if (mapped) {
    absl::StatusOr<std::unique_ptr<KeyIndex>> index = KeyIndex::Open(path);
    if (absl::IsNotFound(index.status())) return missing();
    if (!index.ok()) return index.status();
    const KeyIndex& k = **index;
    DNC_RETURN_IF_ERROR(CheckBelongs(
        generation_dir, "index", path, manifest_path,
        {SameGeneration(k.generation_number(), manifest),
         SameKeyCount(k.key_count(), manifest),
         {"checksum", k.checksum() != manifest.index_checksum,
          Hex16(k.checksum()), Hex16(manifest.index_checksum)},
         {"size",
          manifest.index_bytes != 0 && k.file_bytes() != manifest.index_bytes,
          absl::StrCat(k.file_bytes(), " bytes"),
          absl::StrCat(manifest.index_bytes, " bytes")}}));
    return index;
  }
  absl::StatusOr<std::unique_ptr<SortedKeyFile>> keys =
      SortedKeyFile::Open(path, {/*build_index=*/false});
  if (absl::IsNotFound(keys.status())) return missing();
  if (!keys.ok()) return keys.status();
  const SortedKeyFile& k = **keys;
  DNC_RETURN_IF_ERROR(
      CheckBelongs(generation_dir, "keys file", path, manifest_path,
                   {SameGeneration(k.generation_number(), manifest),
                    SameKeyCount(k.keys().size(), manifest),
                    {"checksum", k.checksum() != manifest.keys_checksum,
                     Hex16(k.checksum()), Hex16(manifest.keys_checksum)}}));
  return KeyIndex::FromKeys(k.keys());
}

// The keys of a generation that may have details: details.bin when the
// manifest vouches for one (dnc-load writes it), else found by scanning the
// db's SST files (generations of older loaders; RegistryStore::
// KeysWithDetails); null when there are too many to keep as a set (every
// hit then reads RocksDB). A details.bin that is missing, damaged or another
// generation's is refused like index.bin: a set missing a number with
// details would drop that number's details from its answers.
absl::StatusOr<std::unique_ptr<KeyIndex>> OpenDetailKeys(
    const std::string& generation_dir, const Manifest& manifest,
    const std::string& manifest_path, const RegistryStore& store) {
  if (manifest.details_checksum == 0) {
    DNC_ASSIGN_OR_RETURN(std::optional<std::vector<uint64_t>> with_details,
                         store.KeysWithDetails(RegistryStore::MaxDetailKeys(
                             manifest.numbers_loaded)));
    if (!with_details.has_value()) return nullptr;
    return KeyIndex::FromKeys(*with_details);
  }
  const std::string path = absl::StrCat(generation_dir, "/", kDetailsFileName);
  absl::StatusOr<std::unique_ptr<KeyIndex>> details = KeyIndex::Open(path);
  if (absl::IsNotFound(details.status())) {
    return absl::DataLossError(absl::StrCat(
        "open generation ", generation_dir, ": MANIFEST ", manifest_path,
        " records details_checksum ", Hex16(manifest.details_checksum), " but ",
        path, " is missing"));
  }
  if (!details.ok()) return details.status();
  const KeyIndex& k = **details;
  DNC_RETURN_IF_ERROR(CheckBelongs(
      generation_dir, "detail-key index", path, manifest_path,
      {SameGeneration(k.generation_number(), manifest),
       {"key count", k.key_count() != manifest.details_keys,
        absl::StrCat(k.key_count()), absl::StrCat(manifest.details_keys)},
       {"checksum", k.checksum() != manifest.details_checksum,
        Hex16(k.checksum()), Hex16(manifest.details_checksum)},
       {"size", k.file_bytes() != manifest.details_bytes,
        absl::StrCat(k.file_bytes(), " bytes"),
        absl::StrCat(manifest.details_bytes, " bytes")}}));
  return details;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SourceSnapshot>> SourceSnapshot::Open(
    const std::string& generation_dir, uint64_t block_cache_bytes) {
  const std::string manifest_path =
      absl::StrCat(generation_dir, "/", kManifestFileName);
  DNC_ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(manifest_path));
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<KeyIndex> index,
                       OpenIndex(generation_dir, manifest, manifest_path));
  // The filter: the answer (with RocksDB) without an index; in front of
  // the index when the generation has one too (dnc-load --filter), where it
  // answers most misses from one line instead of the index's two dependent
  // reads (BENCHMARKS.md, "National scale").
  std::unique_ptr<HashFilter> filter;
  if (index == nullptr || manifest.filter_bytes != 0 ||
      manifest.filter_checksum != 0) {
    DNC_ASSIGN_OR_RETURN(filter,
                         OpenFilter(generation_dir, manifest, manifest_path));
  }

  RegistryStoreOptions store_options;
  store_options.db_dir = absl::StrCat(generation_dir, "/", kDbDirName);
  store_options.block_cache_bytes = block_cache_bytes;
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<RegistryStore> store,
                       RegistryStore::Open(store_options));

  // Which numbers found may have details (so the rest never touch RocksDB).
  std::unique_ptr<KeyIndex> detail_keys;
  if (index != nullptr && store->MayHaveDetails()) {
    DNC_ASSIGN_OR_RETURN(detail_keys, OpenDetailKeys(generation_dir, manifest,
                                                     manifest_path, *store));
  }
  return std::unique_ptr<SourceSnapshot>(new SourceSnapshot(
      generation_dir, std::move(manifest), std::move(filter), std::move(index),
      std::move(detail_keys), std::move(store)));
}

absl::StatusOr<std::unique_ptr<SourceSnapshot>> SourceSnapshot::OpenCurrent(
    const std::string& data_dir, const std::string& source,
    uint64_t block_cache_bytes) {
  DNC_ASSIGN_OR_RETURN(std::optional<std::string> dir,
                       CurrentGenerationDir(data_dir, source));
  if (!dir.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "source ", source, " has no published generation in ", data_dir));
  }
  return Open(*dir, block_cache_bytes);
}

SourceSnapshot::SourceSnapshot(std::string dir, Manifest manifest,
                               std::unique_ptr<HashFilter> filter,
                               std::unique_ptr<KeyIndex> index,
                               std::unique_ptr<KeyIndex> detail_keys,
                               std::unique_ptr<RegistryStore> store)
    : dir_(std::move(dir)),
      manifest_(std::move(manifest)),
      filter_(std::move(filter)),
      index_(std::move(index)),
      detail_keys_(std::move(detail_keys)),
      store_(std::move(store)) {}

SourceSnapshot::~SourceSnapshot() = default;

bool SourceSnapshot::may_have_details() const {
  return store_->MayHaveDetails();
}

absl::Status SourceSnapshot::Lookup(absl::Span<const uint64_t> keys,
                                    absl::Span<uint8_t> listed,
                                    absl::Span<RegistryRecord> records) const {
  if (listed.size() != keys.size() ||
      (!records.empty() && records.size() != keys.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lookup in ", dir_, ": ", keys.size(), " keys but ", listed.size(),
        " result slots and ", records.size(), " record slots"));
  }
  if (index_ != nullptr) return LookupWithKeys(keys, listed, records);
  return LookupWithFilter(keys, listed, records);
}

absl::Status SourceSnapshot::LookupWithKeys(
    absl::Span<const uint64_t> keys, absl::Span<uint8_t> listed,
    absl::Span<RegistryRecord> records) const {
  // Exact membership for the whole batch from the index.
  if (filter_ == nullptr) {
    index_->ContainsBatch(keys, listed);
  } else {
    ContainsThroughFilter(keys, listed);
  }
  if (records.empty()) return absl::OkStatus();
  std::fill(records.begin(), records.end(), RegistryRecord());
  if (!store_->MayHaveDetails()) return absl::OkStatus();
  // Details for the numbers found that may have some: one MultiGet per
  // chunk of them.
  LookupScratch& scratch = ThreadScratch();
  for (size_t start = 0; start < keys.size(); start += kChunk) {
    const size_t n = std::min(kChunk, keys.size() - start);
    size_t hits = 0;
    for (size_t i = 0; i < n; ++i) {
      scratch.maybe_keys[hits] = keys[start + i];
      scratch.maybe_index[hits] = static_cast<uint32_t>(i);
      hits += listed[start + i] != 0 ? 1 : 0;
    }
    if (hits != 0 && detail_keys_ != nullptr) {
      // Keep only the hits in the detail set (compacting in place).
      detail_keys_->ContainsBatch(
          absl::MakeConstSpan(scratch.maybe_keys.data(), hits),
          absl::MakeSpan(scratch.maybe.data(), hits));
      size_t kept = 0;
      for (size_t j = 0; j < hits; ++j) {
        scratch.maybe_keys[kept] = scratch.maybe_keys[j];
        scratch.maybe_index[kept] = scratch.maybe_index[j];
        kept += scratch.maybe[j];
      }
      hits = kept;
    }
    if (hits == 0) continue;
    DNC_RETURN_IF_ERROR(store_->ContainsBatch(
        absl::MakeConstSpan(scratch.maybe_keys.data(), hits),
        absl::MakeSpan(scratch.found.data(), hits),
        absl::MakeSpan(scratch.records.data(), hits)));
    for (size_t j = 0; j < hits; ++j) {
      if (scratch.found[j] == 0) {
        return absl::DataLossError(
            absl::StrCat("lookup in ", dir_, ": +", scratch.maybe_keys[j],
                         " is in the index but not in ", kDbDirName,
                         "/: the generation is inconsistent"));
      }
      records[start + scratch.maybe_index[j]] = scratch.records[j];
    }
  }
  return absl::OkStatus();
}

void SourceSnapshot::ContainsThroughFilter(absl::Span<const uint64_t> keys,
                                           absl::Span<uint8_t> listed) const {
  LookupScratch& scratch = ThreadScratch();
  for (size_t start = 0; start < keys.size(); start += kChunk) {
    const size_t n = std::min(kChunk, keys.size() - start);
    const absl::Span<const uint64_t> chunk = keys.subspan(start, n);
    std::fill(listed.begin() + start, listed.begin() + start + n, 0);
    const size_t maybes = FilterMaybes(*filter_, chunk, &scratch);
    index_->ContainsBatch(
        absl::MakeConstSpan(scratch.maybe_keys.data(), maybes),
        absl::MakeSpan(scratch.found.data(), maybes));
    for (size_t j = 0; j < maybes; ++j) {
      listed[start + scratch.maybe_index[j]] = scratch.found[j];
    }
  }
}

absl::Status SourceSnapshot::LookupWithFilter(
    absl::Span<const uint64_t> keys, absl::Span<uint8_t> listed,
    absl::Span<RegistryRecord> records) const {
  LookupScratch& scratch = ThreadScratch();
  const bool want_records = !records.empty();
  for (size_t start = 0; start < keys.size(); start += kChunk) {
    const size_t n = std::min(kChunk, keys.size() - start);
    const absl::Span<const uint64_t> chunk = keys.subspan(start, n);
    std::fill(listed.begin() + start, listed.begin() + start + n, 0);
    if (want_records) {
      std::fill(records.begin() + start, records.begin() + start + n,
                RegistryRecord());
    }
    const size_t maybes = FilterMaybes(*filter_, chunk, &scratch);
    if (maybes == 0) continue;
    DNC_RETURN_IF_ERROR(store_->ContainsBatch(
        absl::MakeConstSpan(scratch.maybe_keys.data(), maybes),
        absl::MakeSpan(scratch.found.data(), maybes),
        want_records ? absl::MakeSpan(scratch.records.data(), maybes)
                     : absl::Span<RegistryRecord>()));
    for (size_t j = 0; j < maybes; ++j) {
      const size_t i = start + scratch.maybe_index[j];
      listed[i] = scratch.found[j];
      if (want_records && scratch.found[j]) records[i] = scratch.records[j];
    }
  }
  return absl::OkStatus();
}

}  // namespace dnc::storage
