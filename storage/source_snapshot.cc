#include "storage/source_snapshot.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "storage/hash_filter.h"
#include "storage/registry_store.h"
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

}  // namespace

absl::StatusOr<std::unique_ptr<SourceSnapshot>> SourceSnapshot::Open(
    const std::string& generation_dir, uint64_t block_cache_bytes) {
  const std::string manifest_path =
      absl::StrCat(generation_dir, "/", kManifestFileName);
  const std::string filter_path =
      absl::StrCat(generation_dir, "/", kFilterFileName);
  DNC_ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(manifest_path));
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<HashFilter> filter,
                       HashFilter::Open(filter_path));

  // The filter must be the one built with this generation's keys: a filter
  // from another generation would answer "no" for numbers that are listed.
  auto mismatch = [&](const char* field, const std::string& in_filter,
                      const std::string& in_manifest) {
    return absl::DataLossError(absl::StrCat(
        "open generation ", generation_dir, ": filter ", filter_path,
        " does not belong to it: its ", field, " is ", in_filter,
        " but MANIFEST ", manifest_path, " says ", in_manifest));
  };
  if (filter->generation_number() != manifest.generation_number) {
    return mismatch("generation number",
                    absl::StrCat(filter->generation_number()),
                    absl::StrCat(manifest.generation_number));
  }
  if (filter->key_count() != manifest.numbers_loaded) {
    return mismatch("key count", absl::StrCat(filter->key_count()),
                    absl::StrCat(manifest.numbers_loaded));
  }
  if (filter->checksum() != manifest.filter_checksum) {
    return mismatch("checksum", absl::StrFormat("%016x", filter->checksum()),
                    absl::StrFormat("%016x", manifest.filter_checksum));
  }
  if (manifest.filter_bytes != 0 &&
      filter->file_bytes() != manifest.filter_bytes) {
    return mismatch("size", absl::StrCat(filter->file_bytes(), " bytes"),
                    absl::StrCat(manifest.filter_bytes, " bytes"));
  }

  RegistryStoreOptions store_options;
  store_options.db_dir = absl::StrCat(generation_dir, "/", kDbDirName);
  store_options.block_cache_bytes = block_cache_bytes;
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<RegistryStore> store,
                       RegistryStore::Open(store_options));
  return std::unique_ptr<SourceSnapshot>(
      new SourceSnapshot(generation_dir, std::move(manifest), std::move(filter),
                         std::move(store)));
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
                               std::unique_ptr<RegistryStore> store)
    : dir_(std::move(dir)),
      manifest_(std::move(manifest)),
      filter_(std::move(filter)),
      store_(std::move(store)) {}

SourceSnapshot::~SourceSnapshot() = default;

absl::Status SourceSnapshot::Lookup(absl::Span<const uint64_t> keys,
                                    absl::Span<uint8_t> listed,
                                    absl::Span<RegistryRecord> records) const {
  if (listed.size() != keys.size() ||
      (!records.empty() && records.size() != keys.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lookup in ", dir_, ": ", keys.size(), " keys but ", listed.size(),
        " result slots and ", records.size(), " record slots"));
  }
  LookupScratch& scratch = ThreadScratch();
  const bool want_records = !records.empty();
  for (size_t start = 0; start < keys.size(); start += kChunk) {
    const size_t n = std::min(kChunk, keys.size() - start);
    const absl::Span<const uint64_t> chunk = keys.subspan(start, n);
    filter_->MayContainBatch(chunk, absl::MakeSpan(scratch.maybe.data(), n));
    size_t maybes = 0;
    for (size_t i = 0; i < n; ++i) {
      listed[start + i] = 0;
      if (want_records) records[start + i] = RegistryRecord();
      // Branch-free gather: always write, advance only on a maybe.
      scratch.maybe_keys[maybes] = chunk[i];
      scratch.maybe_index[maybes] = static_cast<uint32_t>(i);
      maybes += scratch.maybe[i] != 0 ? 1 : 0;
    }
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
