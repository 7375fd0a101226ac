// The peers dnc-server is compared with, behind one interface so that
// dnc-peer-bench measures both alike: a Peer loads the registry, reports its
// memory and opens blocking Connections that answer a prepared batch (the
// Scrub figures); the Check figures use the pipelined connections of
// bench/peer_pipelined.h.
//
//   Redis (bench/peer_redis.cc): the registry is one set, key kRedisKey
//     (members are the E.164 numbers in decimal), loaded with pipelined
//     SADD; a batch is one SMISMEMBER.
//   PostgreSQL (bench/peer_postgres.cc): table dnc(e164 bigint PRIMARY KEY),
//     loaded with COPY then indexed and vacuumed (index-only scans); a batch
//     is one prepared `SELECT e164 FROM dnc WHERE e164 = ANY($1)` with a
//     binary int8[] parameter.
//
// Thread-safety: a Peer is thread-compatible (Prepare before Connect); each
// Connection is used by one thread at a time.
#ifndef DNC_BENCH_PEER_H_
#define DNC_BENCH_PEER_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/load_gen.h"

namespace dnc::bench {

// The Redis set holding the registry.
inline constexpr char kRedisKey[] = "dnc";

// One blocking connection: answers a prepared batch with its hit count.
class Connection {
 public:
  virtual ~Connection() = default;
  // The number of listed entries of batch `batch` (PostgreSQL: of distinct
  // listed numbers, as `= ANY` returns each matching row once).
  virtual absl::StatusOr<uint32_t> Scrub(size_t batch) = 0;
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

// `address` is HOST:PORT (connections are opened by Connect).
std::unique_ptr<Peer> MakeRedisPeer(std::string address);
// `conninfo` is a libpq connection string.
std::unique_ptr<Peer> MakePostgresPeer(std::string conninfo);

}  // namespace dnc::bench

#endif  // DNC_BENCH_PEER_H_
