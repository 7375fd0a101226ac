// Internal to the tenant module (not part of its API): the ordered key-value
// store under TenantStoreImpl, and its two backends. The tenant store's rules
// (validation, the key layout of store_keys.h, the record codecs, the
// in-memory view) are written once against this interface; a backend only
// stores bytes in key order and commits batches atomically:
//   - RocksDbKvStore (rocksdb_kv_store.h): one embedded database that one
//     process owns (the default, one node);
//   - PostgresKvStore (postgres_kv_store.h): one table in a PostgreSQL
//     database that several dnc-server replicas share, each told of the
//     others' writes through a change log (LISTEN/NOTIFY).
// Keys compare as unsigned bytes (RocksDB's bytewise order and PostgreSQL's
// bytea order agree), so range scans mean the same on both.
// Thread-safety: KvStore implementations are thread-safe; a KvIterator or a
// KvView is used by one thread at a time.
#ifndef DNC_TENANT_KV_STORE_H_
#define DNC_TENANT_KV_STORE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dnc::tenant {

// One atomic write: every operation commits, or none does.
class KvBatch {
 public:
  struct Op {
    enum class Kind { kPut, kInsert, kDelete, kDeleteRange };
    Kind kind = Kind::kPut;
    std::string key;
    std::string value;  // kPut, kInsert: the value; kDeleteRange: the end.
  };

  // Sets `key` to `value`.
  void Put(std::string_view key, std::string_view value);
  // Sets `key`, which no one can have written before (audit records and
  // consent records carry their writer's unique number): a shared backend
  // refuses the whole batch (Aborted) rather than overwrite another
  // replica's record.
  void Insert(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Deletes every key in [begin, end).
  void DeleteRange(std::string_view begin, std::string_view end);

  size_t Count() const { return ops_.size(); }
  void Clear() { ops_.clear(); }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

// A cursor over the keys in order, as RocksDB's iterator: Valid() is false
// past either end or after an error (then status() says which).
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  // The first key >= target / the last key <= target.
  virtual void Seek(std::string_view target) = 0;
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual bool Valid() const = 0;
  // REQUIRES: Valid(). Valid until the iterator moves.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual absl::Status status() const = 0;
};

// Reads: of the latest committed data (the store itself), or of one
// consistent point in time (a snapshot, KvStore::Snapshot()).
class KvView {
 public:
  virtual ~KvView() = default;
  // The value of `key`, or empty if it is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(
      std::string_view key) const = 0;
  // `bulk`: a scan over many keys (loading, pruning) that should not fill
  // caches meant for serving.
  virtual std::unique_ptr<KvIterator> NewIterator(bool bulk = false) const = 0;
};

// A change another writer committed, as a follower learns of it: the key
// (or, with range_end set, every key in [key, range_end)) may have a new
// value. The follower reads the current value itself.
struct KvChange {
  std::string key;
  std::optional<std::string> range_end;
};

class KvStore : public KvView {
 public:
  // Where the data is, for messages: a directory, or a PostgreSQL URL
  // without its password.
  virtual const std::string& where() const = 0;

  // Commits `batch`. With `sync`, it is durable (on disk, or committed by
  // PostgreSQL with its synchronous_commit) before this returns; without,
  // it survives this process being killed but a machine crash may lose the
  // last second of such writes. `operation` names the write in errors.
  // Errors: Unavailable (the database cannot be reached: try again),
  // Aborted (an Insert met an existing key), others as the backend maps
  // them.
  virtual absl::Status Write(const KvBatch& batch, bool sync,
                             std::string_view operation) = 0;
  virtual std::unique_ptr<KvView> Snapshot() const = 0;

  // ---- Followers of a shared store (no-ops for a store one process owns)
  // True if other processes write to it too.
  virtual bool shared() const { return false; }
  // Calls `on_changes` (from the store's own thread) with every change
  // committed by any writer after the store was opened, its own included,
  // in commit order. A change whose call fails is given again (so applying
  // one must be idempotent). Call once.
  using ChangeHandler =
      std::function<absl::Status(const std::vector<KvChange>&)>;
  virtual void Follow(ChangeHandler on_changes) {}
  // Stops calling the handler (waits for a call in progress). The store's
  // owner calls it before what the handler uses goes away.
  virtual void StopFollowing() {}
  // The start of the newest poll of the change log that succeeded: every
  // change committed before it has been given to `on_changes`.
  // InfiniteFuture() for a store one process owns (it sees every write).
  virtual absl::Time ConfirmedThrough() const { return absl::InfiniteFuture(); }
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_KV_STORE_H_
