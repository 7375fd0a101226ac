// Internal to the tenant module: one libpq connection and its results, as
// PostgresKvStore uses them (parameters and results in binary format:
// bytea values travel as raw bytes, bigint as 8 big-endian bytes).
// Thread-safety: thread-compatible (one thread uses a connection at a time).
#ifndef DNC_TENANT_PG_CONNECTION_H_
#define DNC_TENANT_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct pg_conn;
struct pg_result;

namespace dnc::tenant {

// The parameters of one statement ($1, $2, ...).
class PgParams {
 public:
  void AddBytes(std::string_view bytes);  // bytea
  void AddInt(int64_t value);             // bigint
  size_t size() const { return values_.size(); }

 private:
  friend class PgConnection;
  std::vector<std::string> values_;
  std::vector<unsigned int> types_;  // Oids.
};

class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&&) noexcept;
  PgResult& operator=(PgResult&&) noexcept;
  ~PgResult();

  int rows() const;
  bool IsNull(int row, int column) const;
  std::string_view Bytes(int row, int column) const;
  int64_t Int(int row, int column) const;

 private:
  pg_result* result_;
};

class PgConnection {
 public:
  // Connects. Errors: Unavailable naming `redacted` (the URL without its
  // password) and libpq's reason.
  static absl::StatusOr<std::unique_ptr<PgConnection>> Connect(
      const std::string& url, const std::string& redacted);
  ~PgConnection();

  // Runs one statement. Errors (naming `operation` and the database):
  // Unavailable (the connection is gone or the server is shutting down),
  // Aborted (a unique key, a serialization failure or a deadlock), Internal
  // (anything else, with PostgreSQL's message and SQLSTATE).
  absl::StatusOr<PgResult> Exec(std::string_view sql, const PgParams& params,
                                std::string_view operation);
  absl::StatusOr<PgResult> Exec(std::string_view sql,
                                std::string_view operation) {
    return Exec(sql, PgParams(), operation);
  }
  // Runs `sql`, which may hold several statements and no parameters (a
  // migration). Errors: as Exec.
  absl::Status ExecScript(std::string_view sql, std::string_view operation);
  // False once the connection has broken (the pool then drops it).
  bool ok() const;
  // For LISTEN: the socket, reading what arrived, and the channels notified
  // since the last call (how many).
  int socket() const;
  absl::Status ConsumeInput();
  int TakeNotifications();

 private:
  // `raw` as a result, or the error it reports.
  absl::StatusOr<PgResult> Check(pg_result* raw, std::string_view operation);
  PgConnection(pg_conn* conn, std::string redacted)
      : conn_(conn), redacted_(std::move(redacted)) {}
  pg_conn* const conn_;
  const std::string redacted_;
};

}  // namespace dnc::tenant

#endif  // DNC_TENANT_PG_CONNECTION_H_
