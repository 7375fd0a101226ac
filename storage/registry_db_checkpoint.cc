#include "storage/registry_db_checkpoint.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "rocksdb/metadata.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/crash_point.h"
#include "storage/key_codec.h"
#include "storage/registry_db_builder.h"
#include "storage/rocksdb_status.h"

namespace dnc::storage {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string StripTrailingSlashes(const std::string& path) {
  std::string out = path;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// Test hook (see storage/crash_point.h): with "change-mid-checkpoint" armed,
// the checkpoint's file system kills the process right after its first hard
// link, leaving a half-made checkpoint behind. Only built when armed.
class CrashAfterFirstLinkFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit CrashAfterFirstLinkFileSystem(
      const std::shared_ptr<rocksdb::FileSystem>& target)
      : rocksdb::FileSystemWrapper(target) {}
  const char* Name() const override { return "CrashAfterFirstLink"; }
  rocksdb::IOStatus LinkFile(const std::string& source,
                             const std::string& target,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override {
    rocksdb::IOStatus status =
        rocksdb::FileSystemWrapper::LinkFile(source, target, options, debug);
    CrashPoint("change-mid-checkpoint");
    return status;
  }
};

// Closes and deletes a DB on every path out of a scope.
struct DbCloser {
  void operator()(rocksdb::DB* db) const {
    if (db == nullptr) return;
    db->Close().PermitUncheckedError();
    delete db;
  }
};
using DbPtr = std::unique_ptr<rocksdb::DB, DbCloser>;

absl::Status Checkpoint(const std::string& base_db_dir,
                        const std::string& db_dir) {
  rocksdb::Options options;
  internal::ConfigureRegistryDbOptions(nullptr, &options);
  std::unique_ptr<rocksdb::Env> crash_env;
  if (CrashPointArmed("change-mid-checkpoint")) {
    crash_env = rocksdb::NewCompositeEnv(
        std::make_shared<CrashAfterFirstLinkFileSystem>(
            rocksdb::FileSystem::Default()));
    options.env = crash_env.get();
  }
  rocksdb::DB* raw = nullptr;
  DNC_RETURN_IF_ERROR(FromRocksDbStatus(
      rocksdb::DB::OpenForReadOnly(options, base_db_dir, &raw),
      "open previous registry db (read-only)", base_db_dir));
  DbPtr base(raw);
  rocksdb::Checkpoint* raw_checkpoint = nullptr;
  DNC_RETURN_IF_ERROR(FromRocksDbStatus(
      rocksdb::Checkpoint::Create(base.get(), &raw_checkpoint),
      "create checkpoint of", base_db_dir));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw_checkpoint);
  return FromRocksDbStatus(checkpoint->CreateCheckpoint(db_dir),
                           absl::StrCat("checkpoint ", base_db_dir, " into"),
                           db_dir);
}

absl::Status WriteChangesSst(const rocksdb::Options& options,
                             const std::string& path,
                             absl::Span<const RegistryDbChange> changes,
                             DeriveRegistryDbStats* stats) {
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options);
  DNC_RETURN_IF_ERROR(
      FromRocksDbStatus(writer.Open(path), "open changes sst", path));
  char key[kKeySize];
  const size_t half = changes.size() / 2;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i == half && i > 0) CrashPoint("change-mid-sst");
    const RegistryDbChange& change = changes[i];
    EncodeKey(change.key, key);
    rocksdb::Status s;
    if (change.erase) {
      s = writer.Delete(rocksdb::Slice(key, kKeySize));
      ++stats->deletes;
    } else {
      const std::string value = EncodeRecord(change.record);
      s = writer.Put(rocksdb::Slice(key, kKeySize), rocksdb::Slice(value));
      ++stats->puts;
    }
    if (!s.ok()) {
      return FromRocksDbStatus(
          s, absl::StrCat("write change for ", change.key, " to"), path);
    }
  }
  return FromRocksDbStatus(writer.Finish(), "finish changes sst", path);
}

// Files above the bottommost level: the overlays of changes.
std::vector<std::string> OverlayFiles(rocksdb::DB* db, int* output_level) {
  rocksdb::ColumnFamilyMetaData meta;
  db->GetColumnFamilyMetaData(&meta);
  std::vector<std::string> files;
  const int bottom = static_cast<int>(meta.levels.size()) - 1;
  for (const rocksdb::LevelMetaData& level : meta.levels) {
    if (level.level >= bottom) continue;
    for (const rocksdb::SstFileMetaData& file : level.files) {
      files.push_back(file.name);
    }
  }
  *output_level = bottom > 0 ? bottom - 1 : 0;
  return files;
}

absl::Status ApplyChanges(const std::string& db_dir,
                          const std::string& sst_path,
                          absl::Span<const RegistryDbChange> changes,
                          const DeriveRegistryDbOptions& derive_options,
                          DeriveRegistryDbStats* stats) {
  rocksdb::Options options;
  internal::ConfigureRegistryDbOptions(nullptr, &options);
  options.create_if_missing = false;

  Clock::time_point start = Clock::now();
  if (!changes.empty()) {
    DNC_RETURN_IF_ERROR(WriteChangesSst(options, sst_path, changes, stats));
  }
  rocksdb::DB* raw = nullptr;
  DNC_RETURN_IF_ERROR(
      FromRocksDbStatus(rocksdb::DB::Open(options, db_dir, &raw),
                        "open checkpoint (read-write)", db_dir));
  DbPtr db(raw);
  if (!changes.empty()) {
    rocksdb::IngestExternalFileOptions ingest;
    ingest.move_files = true;  // A hard link; the file is ours.
    // The new entries overlap the base, so they get a sequence number newer
    // than the base's; keep it in the MANIFEST rather than rewriting the file.
    ingest.write_global_seqno = false;
    DNC_RETURN_IF_ERROR(
        FromRocksDbStatus(db->IngestExternalFile({sst_path}, ingest),
                          absl::StrCat("ingest ", sst_path, " into"), db_dir));
    CrashPoint("change-ingested");
  }
  stats->apply_seconds = SecondsSince(start);

  int output_level = 0;
  std::vector<std::string> overlays = OverlayFiles(db.get(), &output_level);
  if (static_cast<int>(overlays.size()) > derive_options.max_overlay_files) {
    start = Clock::now();
    rocksdb::CompactionOptions compaction;
    compaction.compression = internal::RegistryDbCompression();
    DNC_RETURN_IF_ERROR(FromRocksDbStatus(
        db->CompactFiles(compaction, overlays, output_level),
        absl::StrCat("compact ", overlays.size(), " change overlays of"),
        db_dir));
    stats->compacted = true;
    stats->compact_seconds = SecondsSince(start);
    overlays = OverlayFiles(db.get(), &output_level);
  }
  stats->overlay_files = static_cast<int>(overlays.size());
  rocksdb::DB* to_close = db.release();
  const rocksdb::Status closed = to_close->Close();
  delete to_close;
  return FromRocksDbStatus(closed, "close registry db", db_dir);
}

}  // namespace

absl::StatusOr<DeriveRegistryDbStats> DeriveRegistryDb(
    const std::string& base_db_dir, const std::string& db_dir,
    absl::Span<const RegistryDbChange> changes,
    const DeriveRegistryDbOptions& options) {
  if (options.max_overlay_files < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("derive registry db ", db_dir, ": max_overlay_files is ",
                     options.max_overlay_files, ", at least 1"));
  }
  for (size_t i = 1; i < changes.size(); ++i) {
    if (changes[i].key <= changes[i - 1].key) {
      return absl::InvalidArgumentError(absl::StrCat(
          "derive registry db ", db_dir,
          ": changes must be strictly ascending by key, but changes[", i,
          "] = ", changes[i].key, " follows ", changes[i - 1].key));
    }
  }
  const std::string dir = StripTrailingSlashes(db_dir);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "derive registry db ", dir, ": the directory already exists"));
  }
  std::error_code base_ec;
  if (!fs::is_directory(base_db_dir, base_ec)) {
    return absl::NotFoundError(
        absl::StrCat("derive registry db: the previous db ", base_db_dir,
                     " is not a directory"));
  }

  DeriveRegistryDbStats stats;
  const std::string sst_path = dir + ".changes.sst";
  const Clock::time_point start = Clock::now();
  absl::Status status = Checkpoint(base_db_dir, dir);
  stats.checkpoint_seconds = SecondsSince(start);
  if (status.ok()) {
    CrashPoint("change-checkpointed");
    status = ApplyChanges(dir, sst_path, changes, options, &stats);
  }
  std::error_code ignored;
  fs::remove(sst_path, ignored);  // Normally already moved into the DB.
  if (!status.ok()) {
    fs::remove_all(dir, ignored);
    fs::remove_all(dir + ".tmp", ignored);  // A checkpoint's own scratch dir.
    return status;
  }
  return stats;
}

}  // namespace dnc::storage
