// Internal to the tenant module: the KvStore of a PostgreSQL database that
// several dnc-server replicas (and dnc-tenant) share, through libpq.
//
// Schema (versioned; MigratePostgresSchema applies what is missing, Open
// refuses a database whose version is not this build's):
//   dnc_schema_version(version, applied_at, description)  one row a version
//   dnc_kv(k bytea PRIMARY KEY, v bytea)   the tenant store's records, under
//                                          the same keys as the embedded
//                                          store (store_keys.h)
//   dnc_changes(seq bigserial PRIMARY KEY, k bytea, range_end bytea,
//               at timestamptz)           the change log followers read
//   dnc_meta(name text PRIMARY KEY, value bigint)  'pruned_through': the
//                                          newest seq pruned from the log
// A write is one transaction. One that changes a followed key (every key
// the in-memory view is built from, `followed`) also takes a transaction
// advisory lock, appends its keys to dnc_changes and sends NOTIFY
// dnc_changes: the lock makes the log's order the commit order, so a
// follower that has read up to seq N has seen every change committed before
// N's. Audit records are not followed (no replica keeps them in memory).
// Unsynced writes commit with synchronous_commit off: committed before
// Write returns (nothing is lost if this process is killed), flushed by
// PostgreSQL's WAL writer within its delay.
//
// Following: a thread on its own connection LISTENs, and reads the log
// after each notification and at least every `poll` (reconciliation, for a
// notification lost with a connection); ConfirmedThrough() is the start of
// its newest complete read. If it loses the database it reconnects with
// back-off; a replica whose log position was pruned while it was away can
// no longer confirm anything (its view is stale: restart it) and says so
// in its log.
//
// Errors: a connection that fails or breaks is Unavailable; a unique key
// met by Insert is Aborted; everything else is Internal with PostgreSQL's
// message and SQLSTATE.
// Thread-safety: thread-safe (a pool of connections, one per call in
// flight, up to kMaxConnections).
#ifndef DNC_TENANT_POSTGRES_KV_STORE_H_
#define DNC_TENANT_POSTGRES_KV_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tenant/kv_store.h"

namespace dnc::tenant {

// True for "postgresql://..." and "postgres://..." (libpq's URIs).
bool IsPostgresLocation(std::string_view location);

// The schema version this build reads and writes.
inline constexpr int kPostgresSchemaVersion = 1;

struct PostgresOptions {
  // How often the follower reads the change log without a notification.
  absl::Duration poll = absl::Milliseconds(500);
  // How long the change log keeps a change (a replica away longer must be
  // restarted).
  absl::Duration change_retention = absl::Hours(24 * 7);
};

// Connects to `url` and checks the schema version. `followed` says which
// keys followers keep in memory. Errors: Unavailable (cannot connect: names
// the URL without its password), FailedPrecondition (schema missing or of
// another version: says to run `dnc-tenant --tenants URL migrate`).
absl::StatusOr<std::unique_ptr<KvStore>> OpenPostgresKvStore(
    const std::string& url, std::function<bool(std::string_view)> followed,
    const PostgresOptions& options = {});

// Applies every schema migration `url` lacks, each in its own transaction
// (under an advisory lock: two at once wait for each other). Errors:
// Unavailable, FailedPrecondition (the database has a newer version).
absl::Status MigratePostgresSchema(const std::string& url);

// `url` with any password removed, for messages.
std::string RedactedUrl(std::string_view url);

}  // namespace dnc::tenant

#endif  // DNC_TENANT_POSTGRES_KV_STORE_H_
