#include "tenant/pg_connection.h"

#include <libpq-fe.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dnc::tenant {
namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;

std::string TrimmedError(const char* text) {
  return std::string(absl::StripTrailingAsciiWhitespace(text ? text : ""));
}

}  // namespace

void PgParams::AddBytes(std::string_view bytes) {
  values_.emplace_back(bytes);
  types_.push_back(kByteaOid);
}

void PgParams::AddInt(int64_t value) {
  std::string bytes(8, '\0');
  const uint64_t bits = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>(bits >> (56 - 8 * i));
  }
  values_.push_back(std::move(bytes));
  types_.push_back(kInt8Oid);
}

PgResult::PgResult(PgResult&& other) noexcept : result_(other.result_) {
  other.result_ = nullptr;
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  std::swap(result_, other.result_);
  return *this;
}

PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}

int PgResult::rows() const { return PQntuples(result_); }

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string_view PgResult::Bytes(int row, int column) const {
  return std::string_view(PQgetvalue(result_, row, column),
                          PQgetlength(result_, row, column));
}

int64_t PgResult::Int(int row, int column) const {
  const std::string_view bytes = Bytes(row, column);
  uint64_t bits = 0;
  for (unsigned char c : bytes) bits = bits << 8 | c;
  return static_cast<int64_t>(bits);
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(
    const std::string& url, const std::string& redacted) {
  pg_conn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    const std::string reason =
        conn == nullptr ? "out of memory" : TrimmedError(PQerrorMessage(conn));
    if (conn != nullptr) PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat("connect to tenant store ", redacted, ": ", reason));
  }
  // NOTICEs (e.g. "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn, redacted));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::ok() const { return PQstatus(conn_) == CONNECTION_OK; }

int PgConnection::socket() const { return PQsocket(conn_); }

absl::StatusOr<PgResult> PgConnection::Exec(std::string_view sql,
                                            const PgParams& params,
                                            std::string_view operation) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  values.reserve(params.size());
  for (const std::string& value : params.values_) {
    values.push_back(value.data());
    lengths.push_back(static_cast<int>(value.size()));
    formats.push_back(1);
  }
  return Check(
      PQexecParams(conn_, std::string(sql).c_str(),
                   static_cast<int>(params.size()), params.types_.data(),
                   values.data(), lengths.data(), formats.data(),
                   /*resultFormat=*/1),
      operation);
}

absl::Status PgConnection::ExecScript(std::string_view sql,
                                      std::string_view operation) {
  return Check(PQexec(conn_, std::string(sql).c_str()), operation).status();
}

absl::StatusOr<PgResult> PgConnection::Check(pg_result* raw,
                                             std::string_view operation) {
  PgResult owned(raw);
  const ExecStatusType status =
      raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return owned;
  const char* state =
      raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  const std::string message = TrimmedError(
      raw == nullptr ? PQerrorMessage(conn_) : PQresultErrorMessage(raw));
  const std::string text = absl::StrCat(
      std::string(operation), " in tenant store ", redacted_, ": ", message,
      sqlstate.empty() ? "" : absl::StrCat(" (SQLSTATE ", sqlstate, ")"));
  // No SQLSTATE: the client library failed (a broken connection). Class
  // 08: connection exceptions; 57P: the server is shutting down; 53:
  // out of resources. All are worth retrying.
  if (!ok() || sqlstate.empty() || sqlstate.rfind("08", 0) == 0 ||
      sqlstate.rfind("57P", 0) == 0 || sqlstate.rfind("53", 0) == 0) {
    return absl::UnavailableError(text);
  }
  if (sqlstate == "23505" || sqlstate == "40001" || sqlstate == "40P01") {
    return absl::AbortedError(text);
  }
  return absl::InternalError(text);
}

absl::Status PgConnection::ConsumeInput() {
  if (PQconsumeInput(conn_) == 0) {
    return absl::UnavailableError(
        absl::StrCat("read notifications from tenant store ", redacted_, ": ",
                     TrimmedError(PQerrorMessage(conn_))));
  }
  return absl::OkStatus();
}

int PgConnection::TakeNotifications() {
  int count = 0;
  while (PGnotify* notify = PQnotifies(conn_)) {
    ++count;
    PQfreemem(notify);
  }
  return count;
}

}  // namespace dnc::tenant
