#include "storage/registry_db_builder.h"

#include <cstdarg>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/table.h"
#include "storage/key_codec.h"
#include "storage/rocksdb_status.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;

// Table format, chosen for point lookups of 8-byte keys with 0-4 byte values
// and a small footprint on disk (issue 13: at most 8 bytes per number; 250M
// numbers were 3.9 GB uncompressed):
// - LZ4 on every block. An entry is ~12.5 bytes uncompressed (3 varint
//   lengths, the 1-2 key bytes not shared with the previous key, and the
//   8-byte internal-key trailer, which is the same for every entry of a
//   loaded file and so compresses away). Measured on 10M numbers of
//   bench/nanp_exchange_model.h (BENCHMARKS.md, "RocksDB details"): 15.4
//   bytes/number uncompressed, 5.5 with LZ4, 3.1 with ZSTD. Cached lookups
//   cost the same (the block cache holds uncompressed blocks); at 50M
//   numbers with a 64 MiB cache, a lookup missing it cost ~30% more CPU
//   with LZ4 through pread() (ZSTD: ~75% more at 10M), so RegistryStore
//   maps the files (allow_mmap_reads), which brings LZ4 below the former
//   uncompressed pread() cost. LZ4 fits the budget with room for change
//   overlays. Each block records its compression, so readers open
//   uncompressed generations written before.
// - 4 KiB blocks (uncompressed size): one small read per cold lookup and an
//   index of ~16 bytes per block. 8 KiB blocks saved 0.6 bytes/number with
//   LZ4 and cost ~30% more per cold lookup.
// - Binary search within a block (restart interval 16), no in-block hash
//   index: its ~1.3 bytes/key are random and do not compress (6.8 instead
//   of 5.5 bytes/number with LZ4), and measured no faster once the block
//   has to be decompressed or found in the cache. Blocks written with it
//   (generations before issue 13) still read: the index type is in each
//   block's footer.
// - Whole-key Bloom filter, 10 bits/key (~1% FP): a miss costs no data block.
//   On the SourceSnapshot path the HashFilter already removed most misses, so
//   this mainly pays off for direct Contains() calls and the HashFilter's
//   false positives; it costs ~1.25 bytes/key on disk and in memory once a
//   table is open.
constexpr size_t kBlockSize = 4 * 1024;
constexpr double kBloomBitsPerKey = 10.0;

// RocksDB's info LOG would otherwise be written into the generation's db/ dir
// (and rotated on every read-only open, touching published data). Our errors
// travel as statuses, so the LOG is dropped.
class NullLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

std::string StripTrailingSlashes(const std::string& path) {
  std::string out = path;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

absl::Status ErrorCodeToStatus(const std::error_code& ec,
                               const std::string& what) {
  return absl::ErrnoToStatus(ec.value(), what);  // Appends strerror.
}

absl::Status WriteSstFiles(const rocksdb::Options& options,
                           const std::string& ingest_dir,
                           absl::Span<const uint64_t> keys,
                           absl::Span<const RegistryRecord> records,
                           uint64_t keys_per_file,
                           std::vector<std::string>* files) {
  char key[kKeySize];
  for (size_t start = 0; start < keys.size(); start += keys_per_file) {
    const size_t end = std::min<size_t>(keys.size(), start + keys_per_file);
    const std::string path =
        absl::StrFormat("%s/part-%06d.sst", ingest_dir, files->size());
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options);
    DNC_RETURN_IF_ERROR(
        FromRocksDbStatus(writer.Open(path), "open sst file", path));
    for (size_t i = start; i < end; ++i) {
      EncodeKey(keys[i], key);
      const std::string value =
          records.empty() ? std::string() : EncodeRecord(records[i]);
      rocksdb::Status s =
          writer.Put(rocksdb::Slice(key, kKeySize), rocksdb::Slice(value));
      if (!s.ok()) {
        return FromRocksDbStatus(s, absl::StrCat("write key ", keys[i], " to"),
                                 path);
      }
    }
    DNC_RETURN_IF_ERROR(
        FromRocksDbStatus(writer.Finish(), "finish sst file", path));
    files->push_back(path);
  }
  return absl::OkStatus();
}

absl::Status BuildInto(const std::string& db_dir, const std::string& ingest_dir,
                       absl::Span<const uint64_t> keys,
                       absl::Span<const RegistryRecord> records,
                       const RegistryDbBuildOptions& build_options) {
  rocksdb::Options options;
  internal::ConfigureRegistryDbOptions(nullptr, &options);
  options.create_if_missing = true;
  options.error_if_exists = true;

  std::vector<std::string> files;
  DNC_RETURN_IF_ERROR(WriteSstFiles(options, ingest_dir, keys, records,
                                    build_options.keys_per_sst_file, &files));

  rocksdb::DB* raw_db = nullptr;
  DNC_RETURN_IF_ERROR(
      FromRocksDbStatus(rocksdb::DB::Open(options, db_dir, &raw_db),
                        "create registry db", db_dir));
  std::unique_ptr<rocksdb::DB> db(raw_db);
  if (!files.empty()) {
    rocksdb::IngestExternalFileOptions ingest;
    ingest.move_files = true;  // Hard links; falls back to copying.
    // A fresh DB: files land in the bottommost level with seqno 0, so no
    // global seqno has to be written into them.
    ingest.write_global_seqno = false;
    DNC_RETURN_IF_ERROR(FromRocksDbStatus(db->IngestExternalFile(files, ingest),
                                          "ingest sst files into", db_dir));
  }
  DNC_RETURN_IF_ERROR(
      FromRocksDbStatus(db->Close(), "close registry db", db_dir));
  return absl::OkStatus();
}

}  // namespace

namespace internal {

rocksdb::CompressionType RegistryDbCompression() {
  static const rocksdb::CompressionType kCompression = [] {
    for (rocksdb::CompressionType type : rocksdb::GetSupportedCompressions()) {
      if (type == rocksdb::kLZ4Compression) return type;
    }
    return rocksdb::kNoCompression;
  }();
  return kCompression;
}

void ConfigureRegistryDbOptions(std::shared_ptr<rocksdb::Cache> block_cache,
                                rocksdb::Options* options) {
  rocksdb::BlockBasedTableOptions table;
  table.block_size = kBlockSize;
  table.format_version = 5;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  table.whole_key_filtering = true;
  table.optimize_filters_for_memory = true;
  table.data_block_index_type =
      rocksdb::BlockBasedTableOptions::kDataBlockBinarySearch;
  if (block_cache != nullptr) {
    table.block_cache = std::move(block_cache);
  } else {
    table.no_block_cache = true;
  }
  options->table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // SstFileWriter compresses with bottommost_compression (it does not know
  // the level a file will land in), so both are set: base files and change
  // overlays alike are LZ4.
  options->compression = RegistryDbCompression();
  options->bottommost_compression = RegistryDbCompression();
  // Read-only after publish: nothing to compact, and the loaded data is
  // already one sorted run in the bottommost level.
  options->disable_auto_compactions = true;
  options->info_log = std::make_shared<NullLogger>();
  // A few SSTs per generation: keep them all open (no table-cache churn).
  options->max_open_files = -1;
}

}  // namespace internal

absl::Status BuildRegistryDb(const std::string& db_dir,
                             absl::Span<const uint64_t> keys,
                             absl::Span<const RegistryRecord> records) {
  return BuildRegistryDb(db_dir, keys, records, RegistryDbBuildOptions());
}

absl::Status BuildRegistryDb(const std::string& db_dir,
                             absl::Span<const uint64_t> keys,
                             absl::Span<const RegistryRecord> records,
                             const RegistryDbBuildOptions& options) {
  if (!records.empty() && records.size() != keys.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("build registry db ", db_dir, ": ", records.size(),
                     " records for ", keys.size(), " keys"));
  }
  if (options.keys_per_sst_file == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "build registry db ", db_dir, ": keys_per_sst_file must be > 0"));
  }
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] <= keys[i - 1]) {
      return absl::FailedPreconditionError(absl::StrCat(
          "build registry db ", db_dir,
          ": keys must be strictly ascending, but keys[", i, "] = ", keys[i],
          (keys[i] == keys[i - 1] ? " repeats" : " follows"), " keys[", i - 1,
          "] = ", keys[i - 1]));
    }
  }

  std::error_code ec;
  const fs::file_status status = fs::symlink_status(db_dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return ErrorCodeToStatus(ec,
                             absl::StrCat("build registry db: stat ", db_dir));
  }
  if (fs::exists(status)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "build registry db ", db_dir, ": the directory already exists"));
  }

  // SST files are written beside the DB (same filesystem, so ingestion can
  // hard-link them) in a scratch dir that only this call uses.
  const std::string dir = StripTrailingSlashes(db_dir);
  const std::string ingest_dir = dir + ".sst-ingest";
  fs::remove_all(ingest_dir, ec);
  if (ec) {
    return ErrorCodeToStatus(
        ec, absl::StrCat("build registry db: remove ", ingest_dir));
  }
  fs::create_directories(ingest_dir, ec);
  if (ec) {
    return ErrorCodeToStatus(
        ec, absl::StrCat("build registry db: create ", ingest_dir));
  }

  absl::Status result = BuildInto(dir, ingest_dir, keys, records, options);
  fs::remove_all(ingest_dir, ec);
  if (result.ok() && ec) {
    result = ErrorCodeToStatus(
        ec, absl::StrCat("build registry db: remove ", ingest_dir));
  }
  if (!result.ok()) {
    // Leave nothing half-built at db_dir (it did not exist before this call).
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  return result;
}

}  // namespace dnc::storage
