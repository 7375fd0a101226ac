#include "bench/peer_pipelined.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dnc::bench {
namespace {

class RedisPipelined final : public PipelinedCheck {
 public:
  RedisPipelined(redisContext* context, std::string key)
      : context_(context), key_(std::move(key)) {}
  ~RedisPipelined() override { redisFree(context_); }

  int fd() const override { return context_->fd; }

  void Queue(uint64_t e164) override {
    const std::string number = absl::StrCat(e164);
    absl::StrAppend(&out_, "*3\r\n$9\r\nSISMEMBER\r\n$", key_.size(), "\r\n",
                    key_, "\r\n$", number.size(), "\r\n", number, "\r\n");
  }

  absl::StatusOr<bool> Flush() override {
    while (written_ < out_.size()) {
      const ssize_t n =
          write(context_->fd, out_.data() + written_, out_.size() - written_);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return absl::UnavailableError(
            absl::StrCat("Redis write: ", std::strerror(errno)));
      }
      written_ += static_cast<size_t>(n);
    }
    out_.clear();
    written_ = 0;
    return false;
  }

  absl::Status Read(std::vector<int>* answers) override {
    char buffer[65536];
    while (true) {
      const ssize_t n = read(context_->fd, buffer, sizeof(buffer));
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        return absl::UnavailableError(
            absl::StrCat("Redis read: ",
                         n == 0 ? "connection closed" : std::strerror(errno)));
      }
      redisReaderFeed(context_->reader, buffer, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof(buffer)) break;
    }
    void* raw = nullptr;
    while (redisReaderGetReply(context_->reader, &raw) == REDIS_OK &&
           raw != nullptr) {
      auto* reply = static_cast<redisReply*>(raw);
      answers->push_back(reply->type == REDIS_REPLY_INTEGER
                             ? (reply->integer == 1 ? 1 : 0)
                             : -1);
      freeReplyObject(reply);
      raw = nullptr;
    }
    if (context_->reader->err) {
      return absl::UnavailableError(
          absl::StrCat("Redis reply: ", context_->reader->errstr));
    }
    return absl::OkStatus();
  }

 private:
  redisContext* const context_;
  const std::string key_;
  std::string out_;
  size_t written_ = 0;
};

constexpr char kCheckStatement[] = "check_pipelined";

class PostgresPipelined final : public PipelinedCheck {
 public:
  explicit PostgresPipelined(PGconn* conn) : conn_(conn) {}
  ~PostgresPipelined() override { PQfinish(conn_); }

  int fd() const override { return PQsocket(conn_); }

  void Queue(uint64_t e164) override {
    const uint32_t high = htonl(static_cast<uint32_t>(e164 >> 32));
    const uint32_t low = htonl(static_cast<uint32_t>(e164));
    char value[8];
    std::memcpy(value, &high, 4);
    std::memcpy(value + 4, &low, 4);
    const char* values[] = {value};
    const int lengths[] = {8};
    const int formats[] = {1};
    if (!PQsendQueryPrepared(conn_, kCheckStatement, 1, values, lengths,
                             formats, /*resultFormat=*/1)) {
      queue_error_ = absl::StrCat("PostgreSQL send: ", PQerrorMessage(conn_));
    }
    sync_due_ = true;
  }

  absl::StatusOr<bool> Flush() override {
    if (!queue_error_.empty()) return absl::UnavailableError(queue_error_);
    if (sync_due_) {
      if (!PQpipelineSync(conn_)) {
        return absl::UnavailableError(
            absl::StrCat("PostgreSQL sync: ", PQerrorMessage(conn_)));
      }
      sync_due_ = false;
    }
    const int flushed = PQflush(conn_);
    if (flushed < 0) {
      return absl::UnavailableError(
          absl::StrCat("PostgreSQL flush: ", PQerrorMessage(conn_)));
    }
    return flushed == 1;
  }

  absl::Status Read(std::vector<int>* answers) override {
    if (!PQconsumeInput(conn_)) {
      return absl::UnavailableError(
          absl::StrCat("PostgreSQL read: ", PQerrorMessage(conn_)));
    }
    // Each query's results end with a null result; a Sync has its own
    // PGRES_PIPELINE_SYNC result and no null after it.
    while (!PQisBusy(conn_)) {
      PGresult* result = PQgetResult(conn_);
      if (result == nullptr) {
        if (!awaiting_end_) break;
        awaiting_end_ = false;
        continue;
      }
      const ExecStatusType status = PQresultStatus(result);
      if (status != PGRES_PIPELINE_SYNC) {
        answers->push_back(
            status == PGRES_TUPLES_OK ? (PQntuples(result) > 0 ? 1 : 0) : -1);
        awaiting_end_ = true;
      }
      PQclear(result);
    }
    return absl::OkStatus();
  }

 private:
  PGconn* const conn_;
  std::string queue_error_;
  bool sync_due_ = false;
  bool awaiting_end_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PipelinedCheck>> ConnectRedisPipelined(
    const std::string& address, const std::string& key) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis '", address, "' is not HOST:PORT"));
  }
  redisContext* context = redisConnectWithTimeout(
      address.substr(0, colon).c_str(), port, timeval{10, 0});
  if (context == nullptr || context->err) {
    const std::string why = context ? context->errstr : "out of memory";
    if (context != nullptr) redisFree(context);
    return absl::UnavailableError(
        absl::StrCat("cannot reach Redis at ", address, ": ", why,
                     " (is redis-server running? use --redis HOST:PORT)"));
  }
  const int flags = fcntl(context->fd, F_GETFL, 0);
  fcntl(context->fd, F_SETFL, flags | O_NONBLOCK);
  return std::unique_ptr<PipelinedCheck>(new RedisPipelined(context, key));
}

absl::StatusOr<std::unique_ptr<PipelinedCheck>> ConnectPostgresPipelined(
    const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    const std::string why = conn ? PQerrorMessage(conn) : "out of memory";
    if (conn != nullptr) PQfinish(conn);
    return absl::UnavailableError(absl::StrCat("cannot reach PostgreSQL with '",
                                               conninfo, "': ", why,
                                               " (is it running? use --pg)"));
  }
  auto pipelined = std::make_unique<PostgresPipelined>(conn);
  PGresult* prepared =
      PQprepare(conn, kCheckStatement,
                "SELECT 1 FROM dnc WHERE e164 = $1::int8", 1, nullptr);
  const bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
  PQclear(prepared);
  if (!ok) {
    return absl::InternalError(
        absl::StrCat("PostgreSQL PREPARE check: ", PQerrorMessage(conn)));
  }
  if (PQsetnonblocking(conn, 1) != 0 || !PQenterPipelineMode(conn)) {
    return absl::InternalError(
        absl::StrCat("PostgreSQL pipeline mode: ", PQerrorMessage(conn)));
  }
  return std::unique_ptr<PipelinedCheck>(std::move(pipelined));
}

}  // namespace dnc::bench
