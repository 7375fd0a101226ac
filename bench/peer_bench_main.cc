// dnc-peer-bench: measures the systems a user would pick instead of
// dnc-server, Redis and PostgreSQL, with exactly what dnc-bench uses: the
// same registry and query key files, the same batch sizes, the same
// concurrency, the same open-loop schedule and the same RESULT lines.
//
//   Redis:      the registry is one set (members are the E.164 numbers in
//               decimal), loaded with pipelined SADD; a batch is one
//               SMISMEMBER, a check one SISMEMBER.
//   PostgreSQL: table dnc(e164 bigint PRIMARY KEY), loaded with COPY then
//               indexed and vacuumed (index-only scans); a batch is one
//               prepared `SELECT e164 FROM dnc WHERE e164 = ANY($1)` with a
//               binary int8[] parameter, a check one prepared
//               `SELECT 1 FROM dnc WHERE e164 = $1`.
//
// Every request is built once before measuring. Scrub's concurrency is one
// connection (and one thread) per request in flight; check runs the same
// open loop as dnc-bench check over --workers pipelined connections
// (bench/peer_check_loop.h). Every batch's answer is
// checked against the query list once before measuring.
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bench/load_gen.h"
#include "bench/open_loop.h"
#include "bench/peer_check_loop.h"
#include "bench/peer_pipelined.h"
#include "common/command_line.h"

ABSL_FLAG(std::string, peer, "", "redis or postgres (required).");
ABSL_FLAG(std::string, redis, "127.0.0.1:6390", "Redis HOST:PORT.");
ABSL_FLAG(std::string, pg, "host=127.0.0.1 port=5490 dbname=postgres",
          "PostgreSQL connection string (libpq conninfo).");
ABSL_FLAG(std::string, registry, "",
          "load: registry key file from `dnc-bench gen` (registry.keys).");
ABSL_FLAG(std::string, queries, "",
          "scrub/check: query list key file from `dnc-bench gen`.");
ABSL_FLAG(uint32_t, batch, 10000, "scrub: numbers per request.");
ABSL_FLAG(uint32_t, concurrency, 8,
          "scrub: requests in flight (one connection each).");
ABSL_FLAG(uint32_t, workers, 2,
          "check: pipelined connections the open-loop schedule sends on, "
          "round-robin (as dnc-bench check's --channels).");
ABSL_FLAG(double, send_tick_us, 100,
          "check: least time between two wake-ups of the sender (as "
          "dnc-bench check).");
ABSL_FLAG(uint32_t, max_outstanding, 20000,
          "check: most calls in flight; beyond it due calls are skipped and "
          "count as 10 s latencies.");
ABSL_FLAG(double, warmup_seconds, 2, "Warm-up before each measured run.");
ABSL_FLAG(double, seconds, 5, "Length of each measured run.");
ABSL_FLAG(uint32_t, runs, 1, "Measured runs (one RESULT line each).");
ABSL_FLAG(std::string, rates, "20000",
          "check: offered rates in checks/s, comma-separated.");
ABSL_FLAG(bool, sweep, false,
          "check: label runs check_sweep; stop after two rates in a row miss "
          "--p99_limit_us.");
ABSL_FLAG(double, p99_limit_us, 1000, "check --sweep: the p99 limit.");
ABSL_FLAG(int32_t, server_pid, 0,
          "pid of redis-server or the postmaster, for CPU and memory.");

namespace dnc::bench {
namespace {

constexpr char kUsage[] =
    "Measures Redis and PostgreSQL with the same registry, query lists, "
    "batch sizes,\nconcurrency and open-loop schedule as dnc-bench, for "
    "side-by-side ratios.\n\n"
    "Usage:\n"
    "  dnc-peer-bench load   --peer redis|postgres --registry FILE\n"
    "  dnc-peer-bench scrub  --peer redis|postgres --queries FILE "
    "[--batch 10000]\n"
    "                        [--concurrency 8] [--seconds 5] [--runs 1]\n"
    "  dnc-peer-bench check  --peer redis|postgres --queries FILE [--rates "
    "20000]\n"
    "                        [--sweep] [--workers 2]\n"
    "  dnc-peer-bench memory --peer redis|postgres --server_pid PID\n\n"
    "Examples:\n"
    "  dnc-peer-bench load --peer redis --redis 127.0.0.1:6390 --registry "
    "/tmp/b/registry.keys\n"
    "  dnc-peer-bench scrub --peer postgres --pg 'host=127.0.0.1 port=5490 "
    "dbname=postgres'\n"
    "      --queries /tmp/b/queries-hit5.keys --runs 5\n\n"
    "bench/run_benchmarks.sh starts both servers on loopback, runs "
    "everything and stops them.";

// One connection: answers a prepared batch (its hit count) or one number.
class Connection {
 public:
  virtual ~Connection() = default;
  // The number of listed entries of batch `batch` (PostgreSQL: of distinct
  // listed numbers, as `= ANY` returns each matching row once).
  virtual absl::StatusOr<uint32_t> Scrub(size_t batch) = 0;
  virtual absl::StatusOr<bool> Check(uint64_t e164) = 0;
};

class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string name() const = 0;  // "redis" / "postgres"
  // True if Scrub counts each listed number once however often it appears.
  virtual bool counts_distinct() const { return false; }
  // Builds every batch's request once. REQUIRES: before Connect for scrub.
  virtual void Prepare(const Batches& batches) = 0;
  virtual absl::StatusOr<std::unique_ptr<Connection>> Connect() = 0;
  // Replaces the registry with `keys`; fills seconds and how.
  virtual absl::Status Load(const std::vector<uint64_t>& keys,
                            ResultLine* line) = 0;
  // Memory use of the loaded registry.
  virtual absl::Status Memory(pid_t pid, uint64_t numbers,
                              ResultLine* line) = 0;
};

// ------------------------------------------------------------------ Redis

constexpr char kRedisKey[] = "dnc";

struct RedisReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

struct RedisContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using RedisPtr = std::unique_ptr<redisContext, RedisContextDeleter>;

absl::StatusOr<RedisPtr> RedisConnect(const std::string& address) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis '", address, "' is not HOST:PORT"));
  }
  timeval timeout{10, 0};
  RedisPtr context(
      redisConnectWithTimeout(address.substr(0, colon).c_str(), port, timeout));
  if (context == nullptr || context->err) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach Redis at ", address, ": ",
                     context ? context->errstr : "out of memory",
                     " (is redis-server running? use --redis HOST:PORT)"));
  }
  redisSetTimeout(context.get(), timeval{30, 0});
  return context;
}

absl::StatusOr<ReplyPtr> RedisGet(redisContext* c, const char* what) {
  void* raw = nullptr;
  if (redisGetReply(c, &raw) != REDIS_OK) {
    return absl::UnavailableError(
        absl::StrCat("Redis ", what, ": ", c->errstr));
  }
  ReplyPtr reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR) {
    return absl::InternalError(absl::StrCat(
        "Redis ", what, ": ", std::string(reply->str, reply->len)));
  }
  return reply;
}

std::string FormatCommand(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  char* target = nullptr;
  const int length = redisFormatCommandArgv(
      &target, static_cast<int>(argv.size()), argv.data(), lengths.data());
  std::string command(target, static_cast<size_t>(length));
  redisFreeCommand(target);
  return command;
}

class RedisConnection final : public Connection {
 public:
  RedisConnection(RedisPtr context, const std::vector<std::string>* commands)
      : context_(std::move(context)), commands_(commands) {}

  absl::StatusOr<uint32_t> Scrub(size_t batch) override {
    const std::string& command = (*commands_)[batch];
    redisAppendFormattedCommand(context_.get(), command.data(), command.size());
    absl::StatusOr<ReplyPtr> reply = RedisGet(context_.get(), "SMISMEMBER");
    if (!reply.ok()) return reply.status();
    uint32_t hits = 0;
    for (size_t i = 0; i < (*reply)->elements; ++i) {
      hits += (*reply)->element[i]->integer == 1 ? 1 : 0;
    }
    return hits;
  }

  absl::StatusOr<bool> Check(uint64_t e164) override {
    char number[24];
    const int length = std::snprintf(number, sizeof(number), "%llu",
                                     static_cast<unsigned long long>(e164));
    const char* argv[] = {"SISMEMBER", kRedisKey, number};
    const size_t lengths[] = {9, sizeof(kRedisKey) - 1,
                              static_cast<size_t>(length)};
    redisAppendCommandArgv(context_.get(), 3, argv, lengths);
    absl::StatusOr<ReplyPtr> reply = RedisGet(context_.get(), "SISMEMBER");
    if (!reply.ok()) return reply.status();
    return (*reply)->integer == 1;
  }

 private:
  RedisPtr context_;
  const std::vector<std::string>* commands_;
};

class RedisPeer final : public Peer {
 public:
  explicit RedisPeer(std::string address) : address_(std::move(address)) {}
  std::string name() const override { return "redis"; }

  void Prepare(const Batches& batches) override {
    for (const std::vector<uint64_t>& keys : batches.keys) {
      std::vector<std::string> args = {"SMISMEMBER", kRedisKey};
      for (uint64_t key : keys) args.push_back(absl::StrCat(key));
      commands_.push_back(FormatCommand(args));
    }
  }

  absl::StatusOr<std::unique_ptr<Connection>> Connect() override {
    absl::StatusOr<RedisPtr> context = RedisConnect(address_);
    if (!context.ok()) return context.status();
    return std::make_unique<RedisConnection>(std::move(*context), &commands_);
  }

  absl::Status Load(const std::vector<uint64_t>& keys,
                    ResultLine* line) override {
    absl::StatusOr<RedisPtr> context = RedisConnect(address_);
    if (!context.ok()) return context.status();
    redisContext* c = context->get();
    const int64_t t0 = NowNanos();
    redisAppendCommand(c, "DEL %s", kRedisKey);
    absl::StatusOr<ReplyPtr> reply = RedisGet(c, "DEL");
    if (!reply.ok()) return reply.status();
    constexpr size_t kMembers = 1000;  // Per SADD.
    constexpr size_t kPipeline = 64;   // SADDs in flight.
    size_t pending = 0;
    for (size_t begin = 0; begin < keys.size(); begin += kMembers) {
      std::vector<std::string> args = {"SADD", kRedisKey};
      for (size_t i = begin; i < std::min(keys.size(), begin + kMembers); ++i) {
        args.push_back(absl::StrCat(keys[i]));
      }
      const std::string command = FormatCommand(args);
      redisAppendFormattedCommand(c, command.data(), command.size());
      if (++pending == kPipeline) {
        for (; pending > 0; --pending) {
          reply = RedisGet(c, "SADD");
          if (!reply.ok()) return reply.status();
        }
      }
    }
    for (; pending > 0; --pending) {
      reply = RedisGet(c, "SADD");
      if (!reply.ok()) return reply.status();
    }
    redisAppendCommand(c, "SCARD %s", kRedisKey);
    reply = RedisGet(c, "SCARD");
    if (!reply.ok()) return reply.status();
    if (static_cast<uint64_t>((*reply)->integer) != keys.size()) {
      return absl::InternalError(absl::StrCat("Redis set holds ",
                                              (*reply)->integer, " numbers, ",
                                              "expected ", keys.size()));
    }
    line->Set("seconds", static_cast<double>(NowNanos() - t0) / 1e9)
        .Set("note", "pipelined SADD, 1,000 members per command, 64 in flight");
    return absl::OkStatus();
  }

  absl::Status Memory(pid_t pid, uint64_t numbers, ResultLine* line) override {
    absl::StatusOr<RedisPtr> context = RedisConnect(address_);
    if (!context.ok()) return context.status();
    redisAppendCommand(context->get(), "INFO memory");
    absl::StatusOr<ReplyPtr> reply = RedisGet(context->get(), "INFO");
    if (!reply.ok()) return reply.status();
    uint64_t used = 0;
    for (absl::string_view l :
         absl::StrSplit(absl::string_view((*reply)->str, (*reply)->len),
                        absl::ByAnyChar("\r\n"))) {
      if (absl::ConsumePrefix(&l, "used_memory:")) {
        (void)absl::SimpleAtoi(l, &used);
      }
    }
    const MemoryUse use = ProcessMemory(pid);
    line->Set("rss_bytes", use.rss_bytes)
        .Set("hwm_bytes", use.hwm_bytes)
        .Set("bytes_per_number",
             static_cast<double>(use.rss_bytes) / static_cast<double>(numbers))
        .Set("note", absl::StrFormat("used_memory %.1f bytes/number (one set, "
                                     "hashtable encoding)",
                                     static_cast<double>(used) /
                                         static_cast<double>(numbers)));
    return absl::OkStatus();
  }

 private:
  const std::string address_;
  std::vector<std::string> commands_;
};

// ------------------------------------------------------------- PostgreSQL

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;
struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgPtr = std::unique_ptr<PGconn, PgConnDeleter>;

absl::StatusOr<PgPtr> PgConnect(const std::string& conninfo) {
  PgPtr conn(PQconnectdb(conninfo.c_str()));
  if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach PostgreSQL with '", conninfo,
                     "': ", conn ? PQerrorMessage(conn.get()) : "out of memory",
                     " (is it running? use --pg)"));
  }
  return conn;
}

absl::Status PgExec(PGconn* conn, const std::string& sql) {
  PgResultPtr result(PQexec(conn, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return absl::InternalError(
        absl::StrCat("PostgreSQL `", sql, "`: ", PQerrorMessage(conn)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PgValue(PGconn* conn, const std::string& sql) {
  PgResultPtr result(PQexec(conn, sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK ||
      PQntuples(result.get()) < 1) {
    return absl::InternalError(
        absl::StrCat("PostgreSQL `", sql, "`: ", PQerrorMessage(conn)));
  }
  return std::string(PQgetvalue(result.get(), 0, 0));
}

void AppendBigEndian32(std::string* out, uint32_t v) {
  v = htonl(v);
  out->append(reinterpret_cast<const char*>(&v), 4);
}

void AppendBigEndian64(std::string* out, uint64_t v) {
  AppendBigEndian32(out, static_cast<uint32_t>(v >> 32));
  AppendBigEndian32(out, static_cast<uint32_t>(v));
}

// The binary wire format of a one-dimensional int8[] without nulls.
std::string BinaryInt8Array(const std::vector<uint64_t>& keys) {
  std::string out;
  out.reserve(20 + keys.size() * 12);
  AppendBigEndian32(&out, 1);   // Dimensions.
  AppendBigEndian32(&out, 0);   // No nulls.
  AppendBigEndian32(&out, 20);  // INT8OID.
  AppendBigEndian32(&out, static_cast<uint32_t>(keys.size()));
  AppendBigEndian32(&out, 1);  // Lower bound.
  for (uint64_t key : keys) {
    AppendBigEndian32(&out, 8);
    AppendBigEndian64(&out, key);
  }
  return out;
}

constexpr char kPgScrubSql[] =
    "SELECT e164 FROM dnc WHERE e164 = ANY($1::int8[])";
constexpr char kPgCheckSql[] = "SELECT 1 FROM dnc WHERE e164 = $1::int8";

class PgConnection final : public Connection {
 public:
  PgConnection(PgPtr conn, const std::vector<std::string>* arrays)
      : conn_(std::move(conn)), arrays_(arrays) {}

  absl::Status PrepareStatements() {
    PgResultPtr a(PQprepare(conn_.get(), "scrub", kPgScrubSql, 1, nullptr));
    if (PQresultStatus(a.get()) != PGRES_COMMAND_OK) {
      return absl::InternalError(absl::StrCat("PostgreSQL PREPARE scrub: ",
                                              PQerrorMessage(conn_.get())));
    }
    PgResultPtr b(PQprepare(conn_.get(), "check", kPgCheckSql, 1, nullptr));
    if (PQresultStatus(b.get()) != PGRES_COMMAND_OK) {
      return absl::InternalError(absl::StrCat("PostgreSQL PREPARE check: ",
                                              PQerrorMessage(conn_.get())));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint32_t> Scrub(size_t batch) override {
    const std::string& array = (*arrays_)[batch];
    const char* values[] = {array.data()};
    const int lengths[] = {static_cast<int>(array.size())};
    const int formats[] = {1};
    PgResultPtr result(PQexecPrepared(conn_.get(), "scrub", 1, values, lengths,
                                      formats, /*resultFormat=*/1));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      return absl::InternalError(
          absl::StrCat("PostgreSQL scrub: ", PQerrorMessage(conn_.get())));
    }
    return static_cast<uint32_t>(PQntuples(result.get()));
  }

  absl::StatusOr<bool> Check(uint64_t e164) override {
    std::string value;
    AppendBigEndian64(&value, e164);
    const char* values[] = {value.data()};
    const int lengths[] = {8};
    const int formats[] = {1};
    PgResultPtr result(PQexecPrepared(conn_.get(), "check", 1, values, lengths,
                                      formats, /*resultFormat=*/1));
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
      return absl::InternalError(
          absl::StrCat("PostgreSQL check: ", PQerrorMessage(conn_.get())));
    }
    return PQntuples(result.get()) > 0;
  }

 private:
  PgPtr conn_;
  const std::vector<std::string>* arrays_;
};

class PostgresPeer final : public Peer {
 public:
  explicit PostgresPeer(std::string conninfo)
      : conninfo_(std::move(conninfo)) {}
  std::string name() const override { return "postgres"; }
  bool counts_distinct() const override { return true; }

  void Prepare(const Batches& batches) override {
    for (const std::vector<uint64_t>& keys : batches.keys) {
      arrays_.push_back(BinaryInt8Array(keys));
    }
  }

  absl::StatusOr<std::unique_ptr<Connection>> Connect() override {
    absl::StatusOr<PgPtr> conn = PgConnect(conninfo_);
    if (!conn.ok()) return conn.status();
    auto connection =
        std::make_unique<PgConnection>(std::move(*conn), &arrays_);
    absl::Status prepared = connection->PrepareStatements();
    if (!prepared.ok()) return prepared;
    return connection;
  }

  absl::Status Load(const std::vector<uint64_t>& keys,
                    ResultLine* line) override {
    absl::StatusOr<PgPtr> conn = PgConnect(conninfo_);
    if (!conn.ok()) return conn.status();
    PGconn* c = conn->get();
    const int64_t t0 = NowNanos();
    for (const char* sql :
         {"SET maintenance_work_mem = '1GB'", "DROP TABLE IF EXISTS dnc",
          "CREATE TABLE dnc (e164 bigint NOT NULL)"}) {
      absl::Status status = PgExec(c, sql);
      if (!status.ok()) return status;
    }
    {
      PgResultPtr copy(PQexec(c, "COPY dnc (e164) FROM STDIN"));
      if (PQresultStatus(copy.get()) != PGRES_COPY_IN) {
        return absl::InternalError(
            absl::StrCat("PostgreSQL COPY: ", PQerrorMessage(c)));
      }
    }
    std::string chunk;
    chunk.reserve(1 << 20);
    for (size_t i = 0; i < keys.size(); ++i) {
      absl::StrAppend(&chunk, keys[i], "\n");
      if (chunk.size() >= (1 << 20) - 32 || i + 1 == keys.size()) {
        if (PQputCopyData(c, chunk.data(), static_cast<int>(chunk.size())) !=
            1) {
          return absl::InternalError(
              absl::StrCat("PostgreSQL COPY data: ", PQerrorMessage(c)));
        }
        chunk.clear();
      }
    }
    if (PQputCopyEnd(c, nullptr) != 1) {
      return absl::InternalError(
          absl::StrCat("PostgreSQL COPY end: ", PQerrorMessage(c)));
    }
    PgResultPtr done(PQgetResult(c));
    if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) {
      return absl::InternalError(
          absl::StrCat("PostgreSQL COPY: ", PQerrorMessage(c)));
    }
    while (PGresult* extra = PQgetResult(c)) PQclear(extra);
    // Index after loading (what a bulk load does), then VACUUM so the
    // visibility map allows index-only scans, then warm the caches.
    for (const char* sql :
         {"ALTER TABLE dnc ADD PRIMARY KEY (e164)", "VACUUM (ANALYZE) dnc"}) {
      absl::Status status = PgExec(c, sql);
      if (!status.ok()) return status;
    }
    const double seconds = static_cast<double>(NowNanos() - t0) / 1e9;
    std::string warmed = "not available";
    if (PgExec(c, "CREATE EXTENSION IF NOT EXISTS pg_prewarm").ok() &&
        PgExec(c, "SELECT pg_prewarm('dnc'), pg_prewarm('dnc_pkey')").ok()) {
      warmed = "pg_prewarm";
    }
    absl::StatusOr<std::string> count = PgValue(c, "SELECT count(*) FROM dnc");
    if (!count.ok()) return count.status();
    if (*count != absl::StrCat(keys.size())) {
      return absl::InternalError(absl::StrCat("PostgreSQL table holds ", *count,
                                              " rows, expected ", keys.size()));
    }
    line->Set("seconds", seconds)
        .Set("note", absl::StrCat("COPY, then ADD PRIMARY KEY and VACUUM "
                                  "(ANALYZE); cache warmed with ",
                                  warmed));
    return absl::OkStatus();
  }

  absl::Status Memory(pid_t pid, uint64_t numbers, ResultLine* line) override {
    absl::StatusOr<PgPtr> conn = PgConnect(conninfo_);
    if (!conn.ok()) return conn.status();
    absl::StatusOr<std::string> table =
        PgValue(conn->get(), "SELECT pg_table_size('dnc')");
    absl::StatusOr<std::string> index =
        PgValue(conn->get(), "SELECT pg_indexes_size('dnc')");
    absl::StatusOr<std::string> buffers =
        PgValue(conn->get(), "SHOW shared_buffers");
    if (!table.ok()) return table.status();
    if (!index.ok()) return index.status();
    uint64_t table_bytes = 0, index_bytes = 0;
    (void)absl::SimpleAtoi(*table, &table_bytes);
    (void)absl::SimpleAtoi(*index, &index_bytes);
    // PostgreSQL answers from shared_buffers (shared memory that no single
    // process's RSS shows once the client backends have gone): what it
    // needs in memory is the table and its index.
    const uint64_t pss = ProcessTreePssBytes(pid, true);
    const double n = static_cast<double>(numbers);
    line->Set("rss_bytes", table_bytes + index_bytes)
        .Set("hwm_bytes", 0)
        .Set("bytes_per_number",
             static_cast<double>(table_bytes + index_bytes) / n)
        .Set("note",
             absl::StrFormat(
                 "RSS column: table %.1f + primary key %.1f bytes/number, "
                 "held in shared_buffers (%s); the processes' own PSS after "
                 "the runs: %.0f MiB",
                 static_cast<double>(table_bytes) / n,
                 static_cast<double>(index_bytes) / n,
                 buffers.ok() ? *buffers : std::string("?"),
                 static_cast<double>(pss) / (1024.0 * 1024.0)));
    return absl::OkStatus();
  }

 private:
  const std::string conninfo_;
  std::vector<std::string> arrays_;
};

// ------------------------------------------------------------- the runs

int Fail(const std::string& message) {
  std::cerr << "dnc-peer-bench: " << message << std::endl;
  return 1;
}

int Usage(const std::string& message) {
  std::cerr << "dnc-peer-bench: " << message << "\nTry 'dnc-peer-bench --help'."
            << std::endl;
  return 2;
}

int HitPercent(const QueryList& list) {
  return static_cast<int>(std::lround(100.0 * static_cast<double>(list.hits) /
                                      static_cast<double>(list.keys.size())));
}

absl::StatusOr<QueryList> LoadQueries() {
  const std::string path = absl::GetFlag(FLAGS_queries);
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--queries is required: a query list from `dnc-bench gen`");
  }
  absl::StatusOr<QueryList> list = ReadKeyFile(path);
  if (list.ok() && list->keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no queries"));
  }
  return list;
}

absl::StatusOr<std::vector<std::unique_ptr<Connection>>> ConnectAll(Peer* peer,
                                                                    int count) {
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<std::unique_ptr<Connection>> c = peer->Connect();
    if (!c.ok()) return c.status();
    connections.push_back(std::move(*c));
  }
  return connections;
}

// Closed loop, one thread per connection: each takes the next batch as soon
// as its previous one is answered.
int RunScrub(Peer* peer) {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  const uint32_t batch = absl::GetFlag(FLAGS_batch);
  const int concurrency = static_cast<int>(absl::GetFlag(FLAGS_concurrency));
  if (batch < 1 || concurrency < 1) {
    return Usage("--batch and --concurrency must be at least 1");
  }
  Batches batches = MakeBatches(*list, batch);
  peer->Prepare(batches);
  if (peer->counts_distinct()) {
    batches.expected_hits = batches.expected_distinct_hits;
  }
  auto connections = ConnectAll(peer, concurrency);
  if (!connections.ok()) {
    return Fail(std::string(connections.status().message()));
  }
  // Check every batch once.
  {
    std::atomic<size_t> next{0};
    std::mutex mu;
    absl::Status first_error;
    std::vector<std::thread> threads;
    for (auto& connection : *connections) {
      threads.emplace_back([&, c = connection.get()] {
        for (size_t b = next++; b < batches.keys.size(); b = next++) {
          absl::StatusOr<uint32_t> hits = c->Scrub(b);
          absl::Status status = hits.status();
          if (hits.ok() && *hits != batches.expected_hits[b]) {
            status = absl::InternalError(
                absl::StrCat("batch ", b, ": ", *hits, " listed, expected ",
                             batches.expected_hits[b],
                             " (was the registry loaded with `load`?)"));
          }
          if (!status.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            if (first_error.ok()) first_error = status;
            return;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    if (!first_error.ok()) {
      return Fail(absl::StrCat("wrong or failed answer while checking: ",
                               first_error.message()));
    }
  }
  std::cerr << "dnc-peer-bench " << peer->name() << " scrub: checked "
            << batches.keys.size() << " batches of " << batch
            << " (every answer right)" << std::endl;
  const pid_t pid = absl::GetFlag(FLAGS_server_pid);
  const bool children = peer->name() == "postgres";
  for (uint32_t run = 1; run <= absl::GetFlag(FLAGS_runs); ++run) {
    const int64_t t0 = NowNanos();
    const int64_t start =
        t0 + static_cast<int64_t>(absl::GetFlag(FLAGS_warmup_seconds) * 1e9);
    const int64_t end =
        start + static_cast<int64_t>(absl::GetFlag(FLAGS_seconds) * 1e9);
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> numbers{0}, requests{0}, errors{0};
    std::vector<std::vector<int64_t>> latencies(connections->size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < connections->size(); ++i) {
      threads.emplace_back([&, i] {
        Connection* c = (*connections)[i].get();
        latencies[i].reserve(1 << 16);
        while (true) {
          const int64_t sent = NowNanos();
          if (sent >= end) return;
          const size_t b = next++ % batches.keys.size();
          if (!c->Scrub(b).ok()) {
            ++errors;
            return;
          }
          const int64_t now = NowNanos();
          if (now >= start && now <= end) {
            numbers += batch;
            ++requests;
            latencies[i].push_back(now - sent);
          }
        }
      });
    }
    SleepUntilNanos(start);
    const double self0 = SelfCpuSeconds();
    const double server0 = ProcessTreeCpuSeconds(pid, children);
    SleepUntilNanos(end);
    const double self_cpu = SelfCpuSeconds() - self0;
    const double server_cpu = ProcessTreeCpuSeconds(pid, children) - server0;
    for (auto& t : threads) t.join();
    if (errors > 0)
      return Fail(absl::StrCat(errors.load(), " requests failed"));
    std::vector<int64_t> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    const LatencySummary latency = Summarize(&all);
    const double seconds = static_cast<double>(end - start) / 1e9;
    ResultLine line;
    line.Set("scenario", "scrub")
        .Set("system", peer->name())
        .Set("hits", HitPercent(*list))
        .Set("batch", batch)
        .Set("concurrency", concurrency)
        .Set("run", run)
        .Set("seconds", seconds)
        .Set("numbers_per_s", static_cast<double>(numbers) / seconds)
        .Set("rpcs_per_s", static_cast<double>(requests) / seconds)
        .Set("rpc_p50_us", latency.p50_us)
        .Set("rpc_p99_us", latency.p99_us)
        .Set("client_cpu", self_cpu / seconds)
        .Set("server_cpu", server_cpu / seconds);
    std::cout << line.ToString() << std::endl;
  }
  return 0;
}

// Open loop over pipelined connections (bench/peer_check_loop.h): the same
// schedule, accounting and send tick as dnc-bench check.
int RunCheck(Peer* peer) {
  absl::StatusOr<QueryList> list = LoadQueries();
  if (!list.ok()) return Fail(std::string(list.status().message()));
  std::vector<double> rates;
  for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_rates), ',',
                                               absl::SkipWhitespace())) {
    absl::StatusOr<uint64_t> rate = ParseCount(std::string(part));
    if (!rate.ok() || *rate < 1) {
      return Usage(
          absl::StrCat("--rates: '", std::string(part), "' is not a rate"));
    }
    rates.push_back(static_cast<double>(*rate));
  }
  const int workers = static_cast<int>(absl::GetFlag(FLAGS_workers));
  if (rates.empty() || workers < 1) {
    return Usage("--rates needs a rate and --workers at least 1");
  }
  std::vector<std::unique_ptr<PipelinedCheck>> owned;
  std::vector<PipelinedCheck*> connections;
  for (int i = 0; i < workers; ++i) {
    absl::StatusOr<std::unique_ptr<PipelinedCheck>> c =
        peer->name() == "redis"
            ? ConnectRedisPipelined(absl::GetFlag(FLAGS_redis), kRedisKey)
            : ConnectPostgresPipelined(absl::GetFlag(FLAGS_pg));
    if (!c.ok()) return Fail(std::string(c.status().message()));
    connections.push_back(c->get());
    owned.push_back(std::move(*c));
  }
  PipelinedCheckOptions options;
  options.warmup_seconds = absl::GetFlag(FLAGS_warmup_seconds);
  options.seconds = absl::GetFlag(FLAGS_seconds);
  options.send_tick_ns =
      static_cast<int64_t>(absl::GetFlag(FLAGS_send_tick_us) * 1000);
  options.max_outstanding = absl::GetFlag(FLAGS_max_outstanding);
  const bool sweep = absl::GetFlag(FLAGS_sweep);
  const double limit = absl::GetFlag(FLAGS_p99_limit_us);
  const pid_t pid = absl::GetFlag(FLAGS_server_pid);
  const bool children = peer->name() == "postgres";
  const uint32_t runs = sweep ? 1 : absl::GetFlag(FLAGS_runs);
  int misses_in_a_row = 0;
  for (double rate : rates) {
    for (uint32_t run = 1; run <= runs; ++run) {
      absl::StatusOr<PipelinedCheckOutcome> outcome =
          RunPipelinedChecks(*list, connections, rate, options, pid, children);
      if (!outcome.ok()) {
        return Fail(absl::StrCat("check at ", rate,
                                 "/s: ", outcome.status().message()));
      }
      if (outcome->wrong > 0) {
        return Fail(absl::StrCat(outcome->wrong,
                                 " answers were wrong; was the registry "
                                 "loaded with `load`?"));
      }
      const OpenLoopSummary& summary = outcome->summary;
      ResultLine line;
      line.Set("scenario", sweep ? "check_sweep" : "check")
          .Set("system", peer->name())
          .Set("hits", HitPercent(*list))
          .Set("rate", static_cast<uint64_t>(rate))
          .Set("workers", workers)
          .Set("run", run);
      SetOpenLoopFields(summary, outcome->window_seconds,
                        outcome->client_cpu_seconds,
                        outcome->server_cpu_seconds, &line);
      std::cout << line.ToString() << std::endl;
      if (sweep) {
        misses_in_a_row = summary.latency.p99_us >= limit || Overloaded(summary)
                              ? misses_in_a_row + 1
                              : 0;
      }
    }
    if (sweep && misses_in_a_row >= 2) break;
  }
  return 0;
}

int RunLoad(Peer* peer) {
  const std::string path = absl::GetFlag(FLAGS_registry);
  if (path.empty()) return Usage("load needs --registry FILE (registry.keys)");
  absl::StatusOr<QueryList> registry = ReadKeyFile(path);
  if (!registry.ok()) return Fail(std::string(registry.status().message()));
  ResultLine line;
  line.Set("scenario", "load")
      .Set("system", peer->name())
      .Set("numbers", static_cast<uint64_t>(registry->keys.size()));
  const absl::Status status = peer->Load(registry->keys, &line);
  if (!status.ok()) return Fail(std::string(status.message()));
  std::cout << line.ToString() << std::endl;
  return 0;
}

int RunMemory(Peer* peer) {
  const pid_t pid = absl::GetFlag(FLAGS_server_pid);
  if (pid <= 0) return Usage("memory needs --server_pid PID");
  const std::string path = absl::GetFlag(FLAGS_registry);
  if (path.empty()) return Usage("memory needs --registry FILE");
  absl::StatusOr<QueryList> registry = ReadKeyFile(path);
  if (!registry.ok()) return Fail(std::string(registry.status().message()));
  const uint64_t numbers = registry->keys.size();
  ResultLine line;
  line.Set("scenario", "memory")
      .Set("system", peer->name())
      .Set("numbers", numbers);
  const absl::Status status = peer->Memory(pid, numbers, &line);
  if (!status.ok()) return Fail(std::string(status.message()));
  std::cout << line.ToString() << std::endl;
  return 0;
}

int Main(int argc, char** argv) {
  // Debian's Abseil checks every Mutex for lock cycles (a debug feature that
  // shows up in profiles); a load generator should not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const CommandLineSpec spec{"dnc-peer-bench", kUsage, "peer_bench_main.cc"};
  const std::vector<std::string> rest =
      ParseCommandLineOrExit(argc, argv, spec);
  if (rest.size() != 1) {
    return Usage("name one subcommand: load, scrub, check or memory");
  }
  const std::string command = rest[0];
  const std::string which = absl::GetFlag(FLAGS_peer);
  std::unique_ptr<Peer> peer;
  if (which == "redis") {
    peer = std::make_unique<RedisPeer>(absl::GetFlag(FLAGS_redis));
  } else if (which == "postgres") {
    peer = std::make_unique<PostgresPeer>(absl::GetFlag(FLAGS_pg));
  } else {
    return Usage("--peer must be redis or postgres");
  }
  if (command == "load") return RunLoad(peer.get());
  if (command == "scrub") return RunScrub(peer.get());
  if (command == "check") return RunCheck(peer.get());
  if (command == "memory") return RunMemory(peer.get());
  return Usage(absl::StrCat("unknown subcommand '", command,
                            "'; use load, scrub, check or memory"));
}

}  // namespace
}  // namespace dnc::bench

int main(int argc, char** argv) { return dnc::bench::Main(argc, argv); }
