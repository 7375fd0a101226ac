// The PostgreSQL peer (see bench/peer.h).
#include <arpa/inet.h>
#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/peer.h"

namespace dnc::bench {
namespace {

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

}  // namespace

std::unique_ptr<Peer> MakePostgresPeer(std::string conninfo) {
  return std::make_unique<PostgresPeer>(std::move(conninfo));
}

}  // namespace dnc::bench
