// The Redis peer (see bench/peer.h).
#include <hiredis/hiredis.h>

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

}  // namespace

std::unique_ptr<Peer> MakeRedisPeer(std::string address) {
  return std::make_unique<RedisPeer>(std::move(address));
}

}  // namespace dnc::bench
