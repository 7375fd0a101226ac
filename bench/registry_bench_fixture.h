// Benchmark fixture shared by source_snapshot_bench and scrub_engine_bench:
// one published generation of a national US source with `n` valid NANP
// numbers (RocksDB by SST ingestion, filter.bin, keys.bin, MANIFEST), made
// the way dnc-load makes it, plus a twin of it without keys.bin (hard links
// to the same db/ and filter files, a MANIFEST without keys_checksum) so
// the two lookup paths can be measured on identical data. Query pools mix
// listed and unlisted numbers at a given hit rate.
//
// Sizes: 1M keys take ~3 s to set up, 10M ~25 s, 50M ~2 min and ~3 GB of
// memory while building (then ~1.5 GB); temp dirs are removed at exit.
// Thread-safety: thread-compatible (build fixtures before running threads).
#ifndef DNC_BENCH_REGISTRY_BENCH_FIXTURE_H_
#define DNC_BENCH_REGISTRY_BENCH_FIXTURE_H_

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "storage/hash_filter_builder.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/sorted_key_file.h"
#include "storage/source_directory.h"
#include "storage/source_snapshot.h"
#include "tests/service/registry_fixture.h"

namespace dnc::bench {

// `--with_50m` on the command line (removed from argv): also run the 50M
// fixtures. Call before benchmark::Initialize().
inline bool TakeWith50mFlag(int* argc, char** argv) {
  bool found = false;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    if (std::strcmp(argv[i], "--with_50m") == 0) {
      found = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  return found;
}

inline void CheckOk(const absl::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "bench setup failed: %s: %s\n", what,
                 status.ToString().c_str());
    std::abort();
  }
}

// `n` distinct valid US numbers, ascending.
inline std::vector<uint64_t> ValidSortedKeys(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> keys;
  keys.reserve(n + n / 16);
  while (keys.size() < n) {
    while (keys.size() < n) keys.push_back(test::RandomValidNanp(rng));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  return keys;
}

class BenchGeneration {
 public:
  // Publishes `keys` (ascending, distinct) as source "us-bench", as of
  // `as_of`, under a fresh temp dir.
  BenchGeneration(std::vector<uint64_t> keys, DayNumber as_of)
      : keys_(std::move(keys)) {
    const char* base = getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/dnc-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    root_ = tmpl;
    Publish(as_of);
    MakeTwinWithoutKeysFile();
  }
  ~BenchGeneration() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  BenchGeneration(const BenchGeneration&) = delete;
  BenchGeneration& operator=(const BenchGeneration&) = delete;

  const std::vector<uint64_t>& keys() const { return keys_; }
  // The data dir holding the published source (with keys.bin).
  std::string data_dir() const { return root_ + "/data"; }
  // Generation dirs: with keys.bin, and the twin without it.
  const std::string& with_keys_dir() const { return with_keys_dir_; }
  std::string without_keys_dir() const { return root_ + "/twin"; }

  // `count` numbers, `hit_percent` of them listed, in random order.
  std::vector<uint64_t> Queries(size_t count, int hit_percent,
                                uint64_t seed) const {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> queries;
    queries.reserve(count);
    while (queries.size() < count) {
      if (static_cast<int>(rng() % 100) < hit_percent) {
        queries.push_back(keys_[rng() % keys_.size()]);
      } else {
        const uint64_t k = test::RandomValidNanp(rng);
        if (!std::binary_search(keys_.begin(), keys_.end(), k)) {
          queries.push_back(k);
        }
      }
    }
    return queries;
  }

 private:
  void Publish(DayNumber as_of) {
    absl::StatusOr<storage::PendingGeneration> pending =
        storage::BeginGeneration(data_dir(), "us-bench");
    CheckOk(pending.status(), "begin generation");
    const std::string dir = pending->dir();
    CheckOk(storage::BuildRegistryDb(dir + "/" + storage::kDbDirName, keys_),
            "build db");
    storage::HashFilterOptions filter_options;
    filter_options.generation_number = pending->generation_number();
    absl::StatusOr<storage::HashFilterInfo> filter = storage::WriteHashFilter(
        keys_, filter_options, dir + "/" + storage::kFilterFileName);
    CheckOk(filter.status(), "write filter");
    absl::StatusOr<storage::SortedKeyFileInfo> keys_info =
        storage::WriteSortedKeyFile(keys_, pending->generation_number(),
                                    dir + "/" + storage::kKeysFileName);
    CheckOk(keys_info.status(), "write keys");
    manifest_.source = "us-bench";
    manifest_.jurisdiction = "US";
    manifest_.kind = "national";
    manifest_.country_codes = {1};
    manifest_.generation = pending->generation();
    manifest_.generation_number = pending->generation_number();
    manifest_.as_of = as_of;
    manifest_.format = "bench";
    manifest_.created_at = NowUtcTimestamp();
    manifest_.lines_read = keys_.size();
    manifest_.numbers_loaded = keys_.size();
    manifest_.filter_checksum = filter->checksum;
    manifest_.filter_bytes = filter->file_bytes;
    manifest_.keys_checksum = keys_info->checksum;
    CheckOk(storage::WriteManifest(manifest_,
                                   dir + "/" + storage::kManifestFileName),
            "write manifest");
    with_keys_dir_ =
        absl::StrCat(data_dir(), "/sources/us-bench/", pending->generation());
    CheckOk(storage::PublishGeneration(*std::move(pending)), "publish");
  }

  // Hard links to the published files (RocksDB's LOG files excepted: a
  // read-only open may write its own), and a MANIFEST of its own.
  void MakeTwinWithoutKeysFile() {
    namespace fs = std::filesystem;
    const fs::path from(with_keys_dir_);
    const fs::path to(without_keys_dir());
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
      const fs::path target = to / fs::relative(entry.path(), from);
      const std::string name = entry.path().filename().string();
      if (entry.is_directory()) {
        fs::create_directories(target);
      } else if (name != storage::kManifestFileName &&
                 name != storage::kKeysFileName && name.rfind("LOG", 0) != 0) {
        fs::create_directories(target.parent_path());
        fs::create_hard_link(entry.path(), target);
      }
    }
    storage::Manifest twin = manifest_;
    twin.keys_checksum = 0;
    CheckOk(storage::WriteManifest(
                twin, without_keys_dir() + "/" + storage::kManifestFileName),
            "write twin manifest");
  }

  std::string root_;
  std::vector<uint64_t> keys_;
  storage::Manifest manifest_;
  std::string with_keys_dir_;
};

}  // namespace dnc::bench

#endif  // DNC_BENCH_REGISTRY_BENCH_FIXTURE_H_
