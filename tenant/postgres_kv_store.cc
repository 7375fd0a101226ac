#include "tenant/postgres_kv_store.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "tenant/pg_connection.h"

namespace dnc::tenant {
namespace {

// Connections a store opens at most (calls beyond wait for one).
constexpr size_t kMaxConnections = 16;
// Rows a statement writes at most (PostgreSQL takes at most 65535
// parameters).
constexpr size_t kRowsPerStatement = 1000;
// Rows an iterator reads at a time.
constexpr int kPageRows = 512;
constexpr int kBulkPageRows = 20000;
// Change-log rows a follower reads at a time.
constexpr int kChangeRows = 10000;
// The transaction advisory lock that orders the change log ("dncl").
constexpr int64_t kChangeLogLock = 0x64'6e'63'6c;
// The session advisory lock migrations hold ("dncm").
constexpr int64_t kMigrationLock = 0x64'6e'63'6d;
constexpr char kChannel[] = "dnc_changes";

// What each schema version adds.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};
constexpr Migration kMigrations[] = {
    {1, "tenant records, change log",
     "CREATE TABLE dnc_kv (k bytea PRIMARY KEY, v bytea NOT NULL);"
     "CREATE TABLE dnc_changes (seq bigserial PRIMARY KEY, k bytea NOT NULL,"
     " range_end bytea, at timestamptz NOT NULL DEFAULT now());"
     "CREATE INDEX dnc_changes_at ON dnc_changes (at);"
     "CREATE TABLE dnc_meta (name text PRIMARY KEY, value bigint NOT NULL);"
     "INSERT INTO dnc_meta VALUES ('pruned_through', 0);"},
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) ==
              kPostgresSchemaVersion);

// Runs statements on some connection: the pool's (each query borrows one)
// or a snapshot's own.
class PgQuerier {
 public:
  virtual ~PgQuerier() = default;
  virtual absl::StatusOr<PgResult> Query(std::string_view sql,
                                         const PgParams& params,
                                         std::string_view operation) const = 0;
};

class PgIterator final : public KvIterator {
 public:
  PgIterator(const PgQuerier* querier, int page_rows)
      : querier_(querier), page_rows_(page_rows) {}

  void Seek(std::string_view target) override {
    Fetch(">=", std::string(target), /*forward=*/true);
  }
  void SeekForPrev(std::string_view target) override {
    Fetch("<=", std::string(target), /*forward=*/false);
  }
  void Next() override { Step(/*forward=*/true); }
  void Prev() override { Step(/*forward=*/false); }
  bool Valid() const override {
    return status_.ok() && page_.has_value() && pos_ < page_->rows();
  }
  std::string_view key() const override { return page_->Bytes(pos_, 0); }
  std::string_view value() const override { return page_->Bytes(pos_, 1); }
  absl::Status status() const override { return status_; }

 private:
  void Step(bool forward) {
    if (!Valid()) return;
    if (forward == forward_) {
      if (++pos_ < page_->rows() || complete_) return;
      --pos_;  // Read on from the page's last key.
    }
    const std::string from(key());
    Fetch(forward ? ">" : "<", from, forward);
  }

  void Fetch(const char* op, const std::string& bound, bool forward) {
    PgParams params;
    params.AddBytes(bound);
    absl::StatusOr<PgResult> page = querier_->Query(
        absl::StrCat("SELECT k, v FROM dnc_kv WHERE k ", op, " $1 ORDER BY k",
                     forward ? "" : " DESC", " LIMIT ", page_rows_),
        params, "read");
    forward_ = forward;
    pos_ = 0;
    if (!page.ok()) {
      status_ = page.status();
      page_.reset();
      return;
    }
    page_ = *std::move(page);
    complete_ = page_->rows() < page_rows_;
  }

  const PgQuerier* const querier_;
  const int page_rows_;
  std::optional<PgResult> page_;
  int pos_ = 0;
  bool forward_ = true;
  bool complete_ = true;
  absl::Status status_;
};

absl::StatusOr<std::optional<std::string>> GetWith(const PgQuerier& querier,
                                                   std::string_view key) {
  PgParams params;
  params.AddBytes(key);
  DNC_ASSIGN_OR_RETURN(
      PgResult result,
      querier.Query("SELECT v FROM dnc_kv WHERE k = $1", params, "read"));
  if (result.rows() == 0) return std::nullopt;
  return std::string(result.Bytes(0, 0));
}

// Connections to one database, opened as needed and kept for reuse.
class PgPool {
 public:
  PgPool(std::string url, std::string redacted)
      : url_(std::move(url)), redacted_(std::move(redacted)) {}

  const std::string& redacted() const { return redacted_; }

  // A connection of the pool, given back when the lease ends (dropped
  // if it broke).
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&& other) {
      if (conn_ != nullptr) pool_->Return(std::move(conn_));
      pool_ = other.pool_;
      conn_ = std::move(other.conn_);
      return *this;
    }
    ~Lease() {
      if (conn_ != nullptr) pool_->Return(std::move(conn_));
    }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  absl::StatusOr<Lease> Acquire() {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](PgPool* pool) ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool->mu_) {
            return !pool->idle_.empty() || pool->open_ < kMaxConnections;
          },
          this));
      if (!idle_.empty()) {
        std::unique_ptr<PgConnection> conn = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(conn));
      }
      ++open_;
    }
    absl::StatusOr<std::unique_ptr<PgConnection>> conn =
        PgConnection::Connect(url_, redacted_);
    if (!conn.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      return conn.status();
    }
    return Lease(this, *std::move(conn));
  }

 private:
  void Return(std::unique_ptr<PgConnection> conn) {
    absl::MutexLock lock(&mu_);
    if (conn->ok()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }

  const std::string url_;
  const std::string redacted_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(mu_);
  size_t open_ ABSL_GUARDED_BY(mu_) = 0;
};

// Reads in one REPEATABLE READ transaction on a connection of its own.
class PgSnapshot final : public KvView, public PgQuerier {
 public:
  explicit PgSnapshot(PgPool::Lease lease) : lease_(std::move(lease)) {}
  ~PgSnapshot() override {
    if (lease_->ok()) lease_->Exec("ROLLBACK", "end snapshot").IgnoreError();
  }
  absl::StatusOr<std::optional<std::string>> Get(
      std::string_view key) const override {
    return GetWith(*this, key);
  }
  std::unique_ptr<KvIterator> NewIterator(bool bulk) const override {
    return std::make_unique<PgIterator>(this, bulk ? kBulkPageRows : kPageRows);
  }
  absl::StatusOr<PgResult> Query(std::string_view sql, const PgParams& params,
                                 std::string_view operation) const override {
    return lease_->Exec(sql, params, operation);
  }

 private:
  PgPool::Lease lease_;
};

// A view that fails every read (a snapshot that could not start).
class FailedView final : public KvView {
 public:
  explicit FailedView(absl::Status status) : status_(std::move(status)) {}
  absl::StatusOr<std::optional<std::string>> Get(
      std::string_view) const override {
    return status_;
  }
  std::unique_ptr<KvIterator> NewIterator(bool) const override {
    class Failed final : public KvIterator {
     public:
      explicit Failed(absl::Status status) : status_(std::move(status)) {}
      void Seek(std::string_view) override {}
      void SeekForPrev(std::string_view) override {}
      void Next() override {}
      void Prev() override {}
      bool Valid() const override { return false; }
      std::string_view key() const override { return {}; }
      std::string_view value() const override { return {}; }
      absl::Status status() const override { return status_; }

     private:
      absl::Status status_;
    };
    return std::make_unique<Failed>(status_);
  }

 private:
  absl::Status status_;
};

// "$first, $first+1, ..." for `count` rows of `width` parameters each,
// every row in parentheses when width > 1.
std::string Placeholders(size_t count, size_t width) {
  std::string text;
  size_t n = 1;
  for (size_t row = 0; row < count; ++row) {
    if (row > 0) text += ", ";
    if (width > 1) text += "(";
    for (size_t col = 0; col < width; ++col) {
      if (col > 0) text += ", ";
      absl::StrAppend(&text, "$", n++);
    }
    if (width > 1) text += ")";
  }
  return text;
}

class PostgresKvStore final : public KvStore, public PgQuerier {
 public:
  PostgresKvStore(std::string url, std::string redacted,
                  std::function<bool(std::string_view)> followed,
                  const PostgresOptions& options, int64_t last_seq)
      : pool_(url, redacted),
        url_(std::move(url)),
        where_(std::move(redacted)),
        followed_(std::move(followed)),
        options_(options),
        last_seq_(last_seq),
        stop_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

  ~PostgresKvStore() override {
    StopFollowing();
    if (stop_fd_ >= 0) close(stop_fd_);
  }

  void StopFollowing() override {
    if (!follower_.joinable()) return;
    stopping_ = true;
    const uint64_t one = 1;
    if (write(stop_fd_, &one, sizeof(one)) < 0) {
      // The follower also wakes at its next poll.
    }
    follower_.join();
  }

  const std::string& where() const override { return where_; }

  absl::StatusOr<PgResult> Query(std::string_view sql, const PgParams& params,
                                 std::string_view operation) const override {
    for (int attempt = 0;; ++attempt) {
      DNC_ASSIGN_OR_RETURN(PgPool::Lease lease, pool_.Acquire());
      absl::StatusOr<PgResult> result = lease->Exec(sql, params, operation);
      // A pooled connection that broke (the server restarted since it was
      // used): once more, on a new one.
      if (result.ok() || attempt > 0 || lease->ok()) return result;
    }
  }

  absl::StatusOr<std::optional<std::string>> Get(
      std::string_view key) const override {
    return GetWith(*this, key);
  }
  std::unique_ptr<KvIterator> NewIterator(bool bulk) const override {
    return std::make_unique<PgIterator>(this, bulk ? kBulkPageRows : kPageRows);
  }
  std::unique_ptr<KvView> Snapshot() const override {
    absl::StatusOr<PgPool::Lease> lease = pool_.Acquire();
    if (!lease.ok()) return std::make_unique<FailedView>(lease.status());
    absl::StatusOr<PgResult> begun = (*lease)->Exec(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "start snapshot");
    if (!begun.ok()) return std::make_unique<FailedView>(begun.status());
    return std::make_unique<PgSnapshot>(*std::move(lease));
  }

  absl::Status Write(const KvBatch& batch, bool sync,
                     std::string_view operation) override {
    if (batch.Count() == 0) return absl::OkStatus();
    DNC_ASSIGN_OR_RETURN(PgPool::Lease lease, pool_.Acquire());
    absl::Status begun = lease->Exec("BEGIN", operation).status();
    if (!begun.ok() && !lease->ok()) {
      // A pooled connection that broke: nothing was sent, so once more on
      // a new one.
      DNC_ASSIGN_OR_RETURN(PgPool::Lease fresh, pool_.Acquire());
      lease = std::move(fresh);
      begun = lease->Exec("BEGIN", operation).status();
    }
    DNC_RETURN_IF_ERROR(begun);
    absl::Status status = WriteIn(lease, batch, sync, operation);
    if (!status.ok() && lease->ok()) {
      lease->Exec("ROLLBACK", operation).IgnoreError();
    }
    return status;
  }

  bool shared() const override { return true; }
  void Follow(ChangeHandler on_changes) override {
    on_changes_ = std::move(on_changes);
    follower_ = std::thread([this] { FollowLoop(); });
  }

  absl::Time ConfirmedThrough() const override {
    return absl::FromUnixMicros(confirmed_micros_.load());
  }

 private:
  // The batch, in the transaction `conn` has begun, and COMMIT.
  absl::Status WriteIn(PgPool::Lease& conn, const KvBatch& batch, bool sync,
                       std::string_view operation) {
    if (!sync) {
      DNC_RETURN_IF_ERROR(
          conn->Exec("SET LOCAL synchronous_commit TO off", operation)
              .status());
    }
    std::vector<const KvBatch::Op*> followed;
    for (const KvBatch::Op& op : batch.ops()) {
      if (followed_(op.key)) followed.push_back(&op);
    }
    if (!followed.empty()) {
      PgParams lock;
      lock.AddInt(kChangeLogLock);
      DNC_RETURN_IF_ERROR(
          conn->Exec("SELECT pg_advisory_xact_lock($1)", lock, operation)
              .status());
    }
    const std::vector<KvBatch::Op>& ops = batch.ops();
    for (size_t i = 0; i < ops.size();) {
      const KvBatch::Op::Kind kind = ops[i].kind;
      PgParams params;
      if (kind == KvBatch::Op::Kind::kDeleteRange) {
        params.AddBytes(ops[i].key);
        params.AddBytes(ops[i].value);
        DNC_RETURN_IF_ERROR(
            conn->Exec("DELETE FROM dnc_kv WHERE k >= $1 AND k < $2", params,
                       operation)
                .status());
        ++i;
        continue;
      }
      // A run of operations of one kind, each key once (one INSERT ... ON
      // CONFLICT cannot change a row twice).
      absl::flat_hash_set<std::string_view> keys;
      size_t rows = 0;
      for (; i < ops.size() && ops[i].kind == kind &&
             rows < kRowsPerStatement && keys.insert(ops[i].key).second;
           ++i, ++rows) {
        params.AddBytes(ops[i].key);
        if (kind != KvBatch::Op::Kind::kDelete) params.AddBytes(ops[i].value);
      }
      std::string sql;
      if (kind == KvBatch::Op::Kind::kDelete) {
        sql = absl::StrCat("DELETE FROM dnc_kv WHERE k IN (",
                           Placeholders(rows, 1), ")");
      } else {
        sql = absl::StrCat("INSERT INTO dnc_kv (k, v) VALUES ",
                           Placeholders(rows, 2));
        if (kind == KvBatch::Op::Kind::kPut) {
          sql += " ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";
        }
      }
      DNC_RETURN_IF_ERROR(conn->Exec(sql, params, operation).status());
    }
    for (size_t i = 0; i < followed.size();) {
      PgParams params;
      std::string sql = "INSERT INTO dnc_changes (k, range_end) VALUES ";
      for (size_t rows = 0; i < followed.size() && rows < kRowsPerStatement;
           ++i, ++rows) {
        const bool range = followed[i]->kind == KvBatch::Op::Kind::kDeleteRange;
        if (rows > 0) sql += ", ";
        params.AddBytes(followed[i]->key);
        absl::StrAppend(&sql, "($", params.size(), ", ");
        if (range) {
          params.AddBytes(followed[i]->value);
          absl::StrAppend(&sql, "$", params.size(), ")");
        } else {
          sql += "NULL)";
        }
      }
      DNC_RETURN_IF_ERROR(conn->Exec(sql, params, operation).status());
    }
    if (!followed.empty()) {
      DNC_RETURN_IF_ERROR(
          conn->Exec(absl::StrCat("NOTIFY ", kChannel), operation).status());
    }
    return conn->Exec("COMMIT", operation).status();
  }

  // ---- The follower thread
  void FollowLoop() {
    std::unique_ptr<PgConnection> conn;
    absl::Duration backoff = absl::Milliseconds(50);
    absl::Time last_prune = absl::InfinitePast();
    bool reported = false;  // The current outage has been logged.
    while (!stopping_) {
      if (conn == nullptr || !conn->ok()) {
        conn.reset();
        absl::Status status = Listen(&conn);
        if (!status.ok()) {
          if (!reported) {
            DNC_LOG(Warning).Event("tenant_store_unreachable")
                << "tenant store follower: " << status.message()
                << " (retrying; tenant answers stop after the grace)";
            reported = true;
          }
          Wait(-1, backoff);
          backoff = std::min(backoff * 2, absl::Seconds(2));
          continue;
        }
      }
      const absl::Time started = absl::Now();
      absl::Status status = ReadChanges(conn.get());
      if (!status.ok()) {
        DNC_LOG(Warning).Event("tenant_store_unreachable")
            << "tenant store follower: " << status.message();
        reported = true;
        conn.reset();
        continue;
      }
      if (!lost_) confirmed_micros_ = absl::ToUnixMicros(started);
      if (reported) {
        DNC_LOG(Info).Event("tenant_store_reachable")
            << "tenant store follower: " << where_ << " is reachable again";
        reported = false;
      }
      backoff = absl::Milliseconds(50);
      if (absl::Now() - last_prune > absl::Minutes(10)) {
        PruneChanges(conn.get());
        last_prune = absl::Now();
      }
      Wait(conn->socket(), options_.poll);
      if (conn->ok() && conn->ConsumeInput().ok()) conn->TakeNotifications();
    }
  }

  // Connects `*conn`, LISTENs and checks that no change this replica has not
  // read was pruned while it was away.
  absl::Status Listen(std::unique_ptr<PgConnection>* conn) {
    DNC_ASSIGN_OR_RETURN(*conn, PgConnection::Connect(url_, where_));
    DNC_RETURN_IF_ERROR(
        (*conn)->Exec(absl::StrCat("LISTEN ", kChannel), "follow").status());
    DNC_ASSIGN_OR_RETURN(
        PgResult pruned,
        (*conn)->Exec("SELECT value FROM dnc_meta WHERE name = "
                      "'pruned_through'",
                      "follow"));
    if (pruned.rows() == 1 && pruned.Int(0, 0) > last_seq_ && !lost_) {
      lost_ = true;
      DNC_LOG(Error).Event("tenant_store_follow_lost")
          << "tenant store follower: changes this replica had not read were "
             "pruned from "
          << where_
          << " while it was away; it can no longer confirm its tenant data "
             "(tenant answers fail closed): restart it";
    }
    return absl::OkStatus();
  }

  absl::Status ReadChanges(PgConnection* conn) {
    while (true) {
      PgParams params;
      params.AddInt(last_seq_);
      DNC_ASSIGN_OR_RETURN(
          PgResult rows,
          conn->Exec(absl::StrCat("SELECT seq, k, range_end FROM dnc_changes "
                                  "WHERE seq > $1 ORDER BY seq LIMIT ",
                                  kChangeRows),
                     params, "follow"));
      if (rows.rows() == 0) return absl::OkStatus();
      std::vector<KvChange> changes(rows.rows());
      for (int i = 0; i < rows.rows(); ++i) {
        changes[i].key = std::string(rows.Bytes(i, 1));
        if (!rows.IsNull(i, 2))
          changes[i].range_end = std::string(rows.Bytes(i, 2));
      }
      DNC_RETURN_IF_ERROR(on_changes_(changes));
      last_seq_ = rows.Int(rows.rows() - 1, 0);
      if (rows.rows() < kChangeRows) return absl::OkStatus();
    }
  }

  // Drops log entries older than the retention (any replica may: they
  // agree), recording the newest seq dropped.
  void PruneChanges(PgConnection* conn) {
    PgParams params;
    params.AddInt(absl::ToInt64Seconds(options_.change_retention));
    conn->Exec(
            "WITH gone AS (DELETE FROM dnc_changes WHERE at < now() - "
            "make_interval(secs => $1) RETURNING seq) "
            "UPDATE dnc_meta SET value = GREATEST(value, "
            "(SELECT coalesce(max(seq), 0) FROM gone)) "
            "WHERE name = 'pruned_through'",
            params, "prune change log")
        .IgnoreError();
  }

  // Until `fd` is readable, the store stops, or `timeout` passes.
  void Wait(int fd, absl::Duration timeout) {
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
    poll(fds, fd >= 0 ? 2 : 1,
         static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  }

  mutable PgPool pool_;
  const std::string url_;
  const std::string where_;
  const std::function<bool(std::string_view)> followed_;
  const PostgresOptions options_;
  ChangeHandler on_changes_;
  // Follower state (its thread only, after Follow()).
  int64_t last_seq_;
  bool lost_ = false;
  std::atomic<int64_t> confirmed_micros_{absl::ToUnixMicros(absl::Now())};
  std::atomic<bool> stopping_{false};
  const int stop_fd_;
  std::thread follower_;
};

// The schema version of the database behind `conn`; 0 without one.
absl::StatusOr<int> SchemaVersion(PgConnection* conn) {
  DNC_ASSIGN_OR_RETURN(
      PgResult exists,
      conn->Exec("SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = "
                 "'dnc_schema_version' AND schemaname = current_schema()",
                 "check schema"));
  if (exists.rows() == 0) return 0;
  DNC_ASSIGN_OR_RETURN(
      PgResult version,
      conn->Exec("SELECT coalesce(max(version), 0)::bigint FROM "
                 "dnc_schema_version",
                 "check schema"));
  return static_cast<int>(version.Int(0, 0));
}

}  // namespace

bool IsPostgresLocation(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 ||
         location.rfind("postgres://", 0) == 0;
}

std::string RedactedUrl(std::string_view url) {
  std::string text(url);
  const size_t scheme = text.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = text.find_first_of("/?", start);
    const size_t at =
        text.rfind('@', end == std::string::npos ? text.size() : end);
    if (at != std::string::npos && at >= start) {
      const size_t colon = text.find(':', start);
      if (colon != std::string::npos && colon < at) {
        text.replace(colon, at - colon, ":***");
      }
    }
  }
  // A password given as a query parameter.
  for (size_t at = text.find("password="); at != std::string::npos;
       at = text.find("password=", at + 1)) {
    const size_t value = at + 9;
    const size_t end = text.find('&', value);
    text.replace(value, (end == std::string::npos ? text.size() : end) - value,
                 "***");
  }
  return text;
}

absl::StatusOr<std::unique_ptr<KvStore>> OpenPostgresKvStore(
    const std::string& url, std::function<bool(std::string_view)> followed,
    const PostgresOptions& options) {
  const std::string redacted = RedactedUrl(url);
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                       PgConnection::Connect(url, redacted));
  DNC_ASSIGN_OR_RETURN(const int version, SchemaVersion(conn.get()));
  if (version != kPostgresSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "open tenant store ", redacted, ": schema version ", version,
        version < kPostgresSchemaVersion
            ? absl::StrCat(" is older than this build's ",
                           kPostgresSchemaVersion,
                           ": run 'dnc-tenant --tenants URL migrate' first")
            : absl::StrCat(" is newer than this build's ",
                           kPostgresSchemaVersion,
                           " (written by a newer dnc-tenant): upgrade this "
                           "binary")));
  }
  // Where following starts: changes committed after this are delivered
  // (the load that follows reads at least this state).
  DNC_ASSIGN_OR_RETURN(
      PgResult last,
      conn->Exec("SELECT coalesce(max(seq), 0)::bigint FROM dnc_changes",
                 "open tenant store"));
  return std::make_unique<PostgresKvStore>(url, redacted, std::move(followed),
                                           options, last.Int(0, 0));
}

absl::Status MigratePostgresSchema(const std::string& url) {
  const std::string redacted = RedactedUrl(url);
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                       PgConnection::Connect(url, redacted));
  PgParams lock;
  lock.AddInt(kMigrationLock);
  DNC_RETURN_IF_ERROR(
      conn->Exec("SELECT pg_advisory_lock($1)", lock, "migrate").status());
  DNC_RETURN_IF_ERROR(
      conn->Exec("CREATE TABLE IF NOT EXISTS dnc_schema_version (version int "
                 "PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), "
                 "description text NOT NULL)",
                 "migrate")
          .status());
  DNC_ASSIGN_OR_RETURN(const int version, SchemaVersion(conn.get()));
  if (version > kPostgresSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "migrate tenant store ", redacted, ": schema version ", version,
        " is newer than this build's ", kPostgresSchemaVersion));
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= version) continue;
    const std::string operation =
        absl::StrCat("migrate to schema version ", migration.version);
    absl::Status status = conn->Exec("BEGIN", operation).status();
    if (status.ok()) status = conn->ExecScript(migration.sql, operation);
    if (status.ok()) {
      PgParams params;
      params.AddInt(migration.version);
      params.AddBytes(migration.description);
      status = conn->Exec(
                       "INSERT INTO dnc_schema_version (version, description) "
                       "VALUES ($1::bigint, convert_from($2, 'UTF8'))",
                       params, operation)
                   .status();
    }
    if (status.ok()) status = conn->Exec("COMMIT", operation).status();
    if (!status.ok()) {
      conn->Exec("ROLLBACK", operation).IgnoreError();
      return status;
    }
    DNC_LOG(Info).Event("tenant_store_migrated")
        << "tenant store " << redacted << ": schema version "
        << migration.version << " (" << migration.description << ")";
  }
  return absl::OkStatus();
}

}  // namespace dnc::tenant
