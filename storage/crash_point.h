// Named crash points for crash-safety tests of the loader (test hook).
//
// When the environment variable DNC_TEST_CRASH_POINT names a point, the
// process kills itself with SIGKILL (no destructors, no flushing: what a power
// cut or `kill -9` does) the first time execution reaches that point. Tests
// (tests/integration/loader_crash_test.cc) run the real dnc-load with it set
// and check that the last published generation still serves and that the
// next run succeeds without manual cleanup.
//
// Inert in normal runs: the variable is read once; when it is unset or empty
// every CrashPoint() is one predictable branch and nothing else happens. The
// names in use are listed in kCrashPointNames (dnc-load --help does not show
// them: they are for tests).
//
// Thread-safety: thread-safe.
#ifndef DNC_STORAGE_CRASH_POINT_H_
#define DNC_STORAGE_CRASH_POINT_H_

#include <string_view>

namespace dnc::storage {

// The environment variable that arms a crash point.
inline constexpr char kCrashPointEnv[] = "DNC_TEST_CRASH_POINT";

// Every crash point the loader and the source directory define, in the order
// a load reaches them (full-load points, then change-list points, then the
// publish and garbage-collection points both share).
inline constexpr const char* kCrashPointNames[] = {
    // Full load (loader/bulk_loader.cc, load_internal.cc,
    // generation_writer.cc).
    "full-reading",         // After the first record was read.
    "full-sorted",          // Keys sorted and deduplicated.
    "full-db-built",        // SSTs written and ingested, DB closed.
    "full-keys-written",    // keys.bin written.
    "full-filter-written",  // filter.bin written.
    // Change list (loader/change_list_loader.cc, load_internal.cc,
    // storage/registry_db_checkpoint.cc).
    "change-reading",         // After the first change record was read.
    "change-merged",          // Changes resolved and merged with keys.bin.
    "change-mid-checkpoint",  // Inside the RocksDB checkpoint: one file linked.
    "change-checkpointed",    // Checkpoint of the previous DB complete.
    "change-mid-sst",         // Half of the changes SST written.
    "change-ingested",        // Changes SST ingested into the checkpoint.
    "change-keys-written",    // keys.bin written.
    "change-filter-written",  // filter.bin written.
    // Both (loader/generation_writer.cc, storage/source_directory.cc).
    "manifest-written",     // MANIFEST written into the temp dir.
    "before-rename",        // Temp dir fsynced, not yet renamed.
    "after-rename",         // Renamed to gNNNNNN, CURRENT not switched.
    "current-tmp-written",  // CURRENT.tmp written and fsynced, not renamed.
    "after-current",        // CURRENT switched, garbage not yet collected.
    "mid-gc",               // One old generation moved aside for removal.
};

// SIGKILLs the process if DNC_TEST_CRASH_POINT equals `name`.
void CrashPoint(std::string_view name);

// True if DNC_TEST_CRASH_POINT equals `name` (for hooks that must be set up
// before the point is reached, e.g. a file-system wrapper).
bool CrashPointArmed(std::string_view name);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_CRASH_POINT_H_
