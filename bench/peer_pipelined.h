// Pipelined, non-blocking Check connections to the peers dnc-server is
// compared with (bench/peer_check_loop.h drives them):
//
//   Redis:      `SISMEMBER dnc <e164>` per check, RESP written back to back
//               on one socket; replies parsed with hiredis's reader.
//   PostgreSQL: the prepared `SELECT 1 FROM dnc WHERE e164 = $1::int8`
//               (binary int8) per check in libpq's pipeline mode, one Sync
//               per write.
//
// Thread-safety: thread-compatible.
#ifndef DNC_BENCH_PEER_PIPELINED_H_
#define DNC_BENCH_PEER_PIPELINED_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bench/peer_check_loop.h"

namespace dnc::bench {

// `address` is HOST:PORT; `key` the set holding the registry. Errors:
// InvalidArgument (not HOST:PORT), Unavailable (cannot connect).
absl::StatusOr<std::unique_ptr<PipelinedCheck>> ConnectRedisPipelined(
    const std::string& address, const std::string& key);

// `conninfo` is a libpq connection string. Errors: Unavailable (cannot
// connect), Internal (PREPARE or pipeline mode refused).
absl::StatusOr<std::unique_ptr<PipelinedCheck>> ConnectPostgresPipelined(
    const std::string& conninfo);

}  // namespace dnc::bench

#endif  // DNC_BENCH_PEER_PIPELINED_H_
