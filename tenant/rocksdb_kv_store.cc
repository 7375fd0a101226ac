#include "tenant/rocksdb_kv_store.h"

#include <atomic>
#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/write_batch.h"
#include "storage/rocksdb_status.h"

namespace dnc::tenant {
namespace {

namespace fs = std::filesystem;

rocksdb::Slice SliceOf(std::string_view text) {
  return rocksdb::Slice(text.data(), text.size());
}

class RocksDbIterator final : public KvIterator {
 public:
  RocksDbIterator(std::unique_ptr<rocksdb::Iterator> it, const std::string& dir)
      : it_(std::move(it)), dir_(dir) {}
  void Seek(std::string_view target) override { it_->Seek(SliceOf(target)); }
  void SeekForPrev(std::string_view target) override {
    it_->SeekForPrev(SliceOf(target));
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override {
    return std::string_view(it_->key().data(), it_->key().size());
  }
  std::string_view value() const override {
    return std::string_view(it_->value().data(), it_->value().size());
  }
  absl::Status status() const override {
    return storage::FromRocksDbStatus(it_->status(), "read tenant store", dir_);
  }

 private:
  const std::unique_ptr<rocksdb::Iterator> it_;
  const std::string& dir_;
};

// Reads of `db` at `snapshot` (nullptr: the latest data).
class RocksDbView : public KvView {
 public:
  RocksDbView(rocksdb::DB* db, const std::string& dir,
              const rocksdb::Snapshot* snapshot)
      : db_(db), dir_(dir), snapshot_(snapshot) {}
  ~RocksDbView() override {
    if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
  }

  absl::StatusOr<std::optional<std::string>> Get(
      std::string_view key) const override {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot_;
    std::string value;
    const rocksdb::Status status = db_->Get(options, SliceOf(key), &value);
    if (status.IsNotFound()) return std::nullopt;
    DNC_RETURN_IF_ERROR(
        storage::FromRocksDbStatus(status, "read tenant store", dir_));
    return value;
  }

  std::unique_ptr<KvIterator> NewIterator(bool bulk) const override {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot_;
    if (bulk) {
      options.fill_cache = false;
      options.readahead_size = 2 << 20;
    }
    return std::make_unique<RocksDbIterator>(
        std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options)), dir_);
  }

 private:
  rocksdb::DB* const db_;
  const std::string& dir_;
  const rocksdb::Snapshot* const snapshot_;
};

class RocksDbKvStore final : public KvStore {
 public:
  RocksDbKvStore(std::string dir, std::unique_ptr<rocksdb::DB> db)
      : dir_(std::move(dir)),
        db_(std::move(db)),
        latest_(db_.get(), dir_, nullptr) {
    sync_thread_ = std::thread([this] { WalSyncLoop(); });
  }

  ~RocksDbKvStore() override {
    {
      absl::MutexLock lock(&sync_mu_);
      stopping_ = true;
    }
    sync_thread_.join();
    if (unsynced_.exchange(false)) {
      db_->FlushWAL(/*sync=*/true).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }

  const std::string& where() const override { return dir_; }

  absl::StatusOr<std::optional<std::string>> Get(
      std::string_view key) const override {
    return latest_.Get(key);
  }
  std::unique_ptr<KvIterator> NewIterator(bool bulk) const override {
    return latest_.NewIterator(bulk);
  }
  std::unique_ptr<KvView> Snapshot() const override {
    return std::make_unique<RocksDbView>(db_.get(), dir_, db_->GetSnapshot());
  }

  absl::Status Write(const KvBatch& batch, bool sync,
                     std::string_view operation) override {
    rocksdb::WriteBatch write;
    for (const KvBatch::Op& op : batch.ops()) {
      switch (op.kind) {
        case KvBatch::Op::Kind::kPut:
        case KvBatch::Op::Kind::kInsert:  // One writer: keys are unique.
          write.Put(op.key, op.value);
          break;
        case KvBatch::Op::Kind::kDelete:
          write.Delete(op.key);
          break;
        case KvBatch::Op::Kind::kDeleteRange:
          write.DeleteRange(op.key, op.value);
          break;
      }
    }
    rocksdb::WriteOptions options;
    options.sync = sync;
    const rocksdb::Status status = db_->Write(options, &write);
    if (status.ok() && !sync) unsynced_ = true;
    return storage::FromRocksDbStatus(
        status, absl::StrCat(std::string(operation), " in tenant store"), dir_);
  }

 private:
  void WalSyncLoop() {
    while (true) {
      {
        absl::MutexLock lock(&sync_mu_);
        sync_mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                                  absl::Seconds(1));
        if (stopping_) return;
      }
      if (unsynced_.exchange(false)) {
        if (!db_->FlushWAL(/*sync=*/true).ok()) unsynced_ = true;  // Retry.
      }
    }
  }

  const std::string dir_;
  const std::unique_ptr<rocksdb::DB> db_;
  const RocksDbView latest_;
  std::atomic<bool> unsynced_{false};
  absl::Mutex sync_mu_;
  bool stopping_ ABSL_GUARDED_BY(sync_mu_) = false;
  std::thread sync_thread_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KvStore>> OpenRocksDbKvStore(
    const std::string& dir, bool create_if_missing) {
  std::error_code ec;
  if (!create_if_missing && !fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return absl::NotFoundError(
        absl::StrCat("open tenant store ", dir,
                     ": no tenant store there (create one with "
                     "'dnc-tenant --tenants ",
                     dir, " create NAME ...')"));
  }
  if (create_if_missing) {
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::InternalError(absl::StrCat(
          "open tenant store ", dir, ": cannot create it: ", ec.message()));
    }
  }
  rocksdb::Options options;
  options.create_if_missing = create_if_missing;
  options.keep_log_file_num = 5;
  options.max_manifest_file_size = 64 << 20;
  rocksdb::DB* raw_db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, dir, &raw_db);
  if (status.IsIOError() &&
      absl::StrContains(absl::AsciiStrToLower(status.ToString()), "lock")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "open tenant store ", dir,
        ": the directory is in use by another process (a dnc-server may be "
        "running on it; stop it first): ",
        status.ToString()));
  }
  DNC_RETURN_IF_ERROR(
      storage::FromRocksDbStatus(status, "open tenant store", dir));
  return std::make_unique<RocksDbKvStore>(dir,
                                          std::unique_ptr<rocksdb::DB>(raw_db));
}

}  // namespace dnc::tenant
