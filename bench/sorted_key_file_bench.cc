// Exact confirmation micro-benchmarks: KeyIndex (index.bin) lookups, alone
// and behind the filter; SortedKeyFile lookups (the in-memory
// bucket index, one at a time and in batches; the plain binary search over
// the mapped keys) against the HashFilter probe they replace or follow, at
// 1M, 10M and 50M keys, on uniform and clustered NANP numbers.
//
//   ninja -C build sorted_key_file_bench
//   build/bench/sorted_key_file_bench --benchmark_min_time=0.3
//   build/bench/sorted_key_file_bench --with_50m    # adds the 50M fixtures
//                                                   # (~1.5 GB, ~20 s setup)
//   build/bench/sorted_key_file_bench --with_250m --index_only
//       # index.bin (and the filter in front of it) at national scale only
//
// "per_key" is CPU time per looked-up number ("9.1n" = 9.1 ns). Queries are
// 1M numbers cycled through, in batches of 1024, `hit` percent of them
// present, in random order. Args: {keys, hit percent, 1 = clustered}.
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "benchmark/benchmark.h"
#include "storage/hash_filter.h"
#include "storage/hash_filter_builder.h"
#include "storage/key_index.h"
#include "storage/sorted_key_file.h"

namespace dnc::storage {
namespace {

constexpr size_t kQueries = 1 << 20;
constexpr size_t kBatch = 1024;

uint64_t Nanp(uint64_t npa, uint64_t nxx, uint64_t line) {
  return 10000000000ULL + npa * 10000000ULL + nxx * 10000ULL + line;
}

// `n` distinct sorted numbers. Uniform: NPA and NXX 200-999, any line.
// Clustered: like a real registry, only some exchanges (NPA-NXX) hold
// numbers, at densities that vary from a few to most of their 10,000 lines.
std::vector<uint64_t> MakeKeys(size_t n, bool clustered, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> keys;
  keys.reserve(n + n / 8);
  if (!clustered) {
    while (keys.size() < n) {
      while (keys.size() < n) {
        keys.push_back(
            Nanp(200 + rng() % 800, 200 + rng() % 800, rng() % 10000));
      }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    }
    return keys;
  }
  // Exchanges in random order; each gets a density from a skewed
  // distribution (mean ~`n / exchanges`); stop once n keys are placed.
  std::vector<uint32_t> exchanges;
  for (uint32_t e = 0; e < 640000; ++e) exchanges.push_back(e);
  std::shuffle(exchanges.begin(), exchanges.end(), rng);
  const double mean = std::min(0.9, 2.0 * n / 640000.0 / 10000.0);
  std::exponential_distribution<double> density(1.0 / mean);
  for (uint32_t e : exchanges) {
    if (keys.size() >= n) break;
    const double d = std::min(0.95, density(rng));
    const uint64_t base = Nanp(200 + e / 800, 200 + e % 800, 0);
    // Each line is in with probability d: the gaps between lines in are
    // geometric (one draw a key, not one a line; the fixtures build in
    // seconds instead of minutes).
    std::geometric_distribution<uint64_t> gap(d);
    for (uint64_t line = gap(rng); line < 10000 && keys.size() < n;
         line += 1 + gap(rng)) {
      keys.push_back(base + line);
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string MakeTempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl =
      std::string(base && *base ? base : "/tmp") + "/dnc-bench-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) abort();
  return tmpl;
}

struct Fixture {
  std::string dir;
  std::vector<uint64_t> keys;
  std::unique_ptr<SortedKeyFile> indexed;  // The automatic index.
  std::unique_ptr<SortedKeyFile> range;    // The range index, forced.
  std::unique_ptr<SortedKeyFile> plain;    // No index: binary search.
  std::unique_ptr<HashFilter> filter;
  std::unique_ptr<KeyIndex> index;               // index.bin, mapped.
  std::map<int, std::vector<uint64_t>> queries;  // By hit percent.
  ~Fixture() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

std::map<std::pair<size_t, bool>, std::unique_ptr<Fixture>>& Fixtures() {
  static auto* fixtures =
      new std::map<std::pair<size_t, bool>, std::unique_ptr<Fixture>>();
  return *fixtures;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "bench setup failed: %s\n", what);
    abort();
  }
}

Fixture& GetFixture(size_t n, bool clustered) {
  std::unique_ptr<Fixture>& f = Fixtures()[{n, clustered}];
  if (f != nullptr) return *f;
  f = std::make_unique<Fixture>();
  f->dir = MakeTempDir();
  f->keys = MakeKeys(n, clustered, n + clustered);
  const std::string keys_path = f->dir + "/keys.bin";
  Check(WriteSortedKeyFile(f->keys, 1, keys_path).ok(), "write keys");
  auto indexed = SortedKeyFile::Open(keys_path);
  Check(indexed.ok(), "open keys");
  f->indexed = std::move(*indexed);
  SortedKeyFileOptions range_options;
  range_options.index_kind = SortedKeyFileIndexKind::kRange;
  auto range = SortedKeyFile::Open(keys_path, range_options);
  Check(range.ok(), "open keys with the range index");
  f->range = std::move(*range);
  SortedKeyFileOptions plain_options;
  plain_options.build_index = false;
  auto plain = SortedKeyFile::Open(keys_path, plain_options);
  Check(plain.ok(), "open keys without index");
  f->plain = std::move(*plain);
  Check(WriteHashFilter(f->keys, {}, f->dir + "/filter.bin").ok(),
        "write filter");
  auto filter = HashFilter::Open(f->dir + "/filter.bin");
  Check(filter.ok(), "open filter");
  f->filter = std::move(*filter);
  Check(WriteKeyIndex(f->keys, 1, f->dir + "/index.bin").ok(), "write index");
  auto index = KeyIndex::Open(f->dir + "/index.bin");
  Check(index.ok(), "open index");
  f->index = std::move(*index);
  return *f;
}

const std::vector<uint64_t>& Queries(Fixture& f, int hit_percent) {
  std::vector<uint64_t>& q = f.queries[hit_percent];
  if (!q.empty()) return q;
  std::mt19937_64 rng(hit_percent);
  q.reserve(kQueries);
  while (q.size() < kQueries) {
    if (static_cast<int>(rng() % 100) < hit_percent) {
      q.push_back(f.keys[rng() % f.keys.size()]);
    } else {
      const uint64_t k =
          Nanp(200 + rng() % 800, 200 + rng() % 800, rng() % 10000);
      if (!std::binary_search(f.keys.begin(), f.keys.end(), k)) q.push_back(k);
    }
  }
  return q;
}

void SetPerKey(benchmark::State& state, const Fixture& f, size_t per_iter) {
  const double keys = static_cast<double>(state.iterations()) * per_iter;
  state.SetItemsProcessed(static_cast<int64_t>(keys));
  state.counters["per_key"] = benchmark::Counter(
      keys, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// SortedKeyFile::ContainsBatch with the automatic index (arg 3: 1; the
// line index where it applies), the range index (2) or none (0).
void BM_KeysContainsBatch(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0), state.range(2) != 0);
  const std::vector<uint64_t>& q = Queries(f, state.range(1));
  const SortedKeyFile& file = state.range(3) == 1   ? *f.indexed
                              : state.range(3) == 2 ? *f.range
                                                    : *f.plain;
  std::vector<uint8_t> found(kBatch);
  size_t offset = 0;
  uint64_t hits = 0;
  for (auto _ : state) {
    file.ContainsBatch(absl::MakeConstSpan(&q[offset], kBatch),
                       absl::MakeSpan(found));
    benchmark::DoNotOptimize(found.data());
    hits += found[0];
    offset = (offset + kBatch) & (kQueries - 1);
  }
  benchmark::DoNotOptimize(hits);
  SetPerKey(state, f, kBatch);
  state.counters["index_bits_per_key"] =
      8.0 * file.index_bytes() / f.keys.size();
  state.counters["line_index"] = file.has_line_index();
}

// SortedKeyFile::Contains one key at a time (dependent reads: the latency).
void BM_KeysContains(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0), state.range(2) != 0);
  const std::vector<uint64_t>& q = Queries(f, state.range(1));
  size_t i = 0;
  uint64_t hits = 0;
  for (auto _ : state) {
    hits += f.indexed->Contains(q[i++ & (kQueries - 1)]);
  }
  benchmark::DoNotOptimize(hits);
  SetPerKey(state, f, 1);
}

// HashFilter::MayContainBatch alone: the probe the index replaces.
void BM_FilterBatch(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0), state.range(2) != 0);
  const std::vector<uint64_t>& q = Queries(f, state.range(1));
  std::vector<uint8_t> maybe(kBatch);
  size_t offset = 0;
  for (auto _ : state) {
    f.filter->MayContainBatch(absl::MakeConstSpan(&q[offset], kBatch),
                              absl::MakeSpan(maybe));
    benchmark::DoNotOptimize(maybe.data());
    offset = (offset + kBatch) & (kQueries - 1);
  }
  SetPerKey(state, f, kBatch);
}

// The filter first, then an exact structure only on the "maybe"s (the
// alternative design: exact, but two structures probed for every hit).
// `confirm` answers a batch exactly.
template <typename Confirm>
void FilterThen(benchmark::State& state, Confirm confirm) {
  Fixture& f = GetFixture(state.range(0), state.range(2) != 0);
  const std::vector<uint64_t>& q = Queries(f, state.range(1));
  std::vector<uint8_t> maybe(kBatch), found(kBatch);
  std::vector<uint64_t> maybe_keys(kBatch);
  size_t offset = 0;
  for (auto _ : state) {
    const uint64_t* in = &q[offset];
    f.filter->MayContainBatch(absl::MakeConstSpan(in, kBatch),
                              absl::MakeSpan(maybe));
    size_t m = 0;
    for (size_t i = 0; i < kBatch; ++i) {
      maybe_keys[m] = in[i];
      m += maybe[i];
    }
    confirm(f, absl::MakeConstSpan(maybe_keys.data(), m),
            absl::MakeSpan(found.data(), m));
    benchmark::DoNotOptimize(found.data());
    offset = (offset + kBatch) & (kQueries - 1);
  }
  SetPerKey(state, f, kBatch);
}

// ... confirmed by the keys.bin line index.
void BM_FilterThenKeys(benchmark::State& state) {
  FilterThen(state, [](const Fixture& f, absl::Span<const uint64_t> keys,
                       absl::Span<uint8_t> found) {
    f.indexed->ContainsBatch(keys, found);
  });
}

// ... confirmed by index.bin: does the filter earn a place in front of the
// compact index?
void BM_FilterThenIndex(benchmark::State& state) {
  FilterThen(state, [](const Fixture& f, absl::Span<const uint64_t> keys,
                       absl::Span<uint8_t> found) {
    f.index->ContainsBatch(keys, found);
  });
}

// KeyIndex::ContainsBatch over the mapped index.bin (what the server uses).
void BM_IndexContainsBatch(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0), state.range(2) != 0);
  const std::vector<uint64_t>& q = Queries(f, state.range(1));
  std::vector<uint8_t> found(kBatch);
  size_t offset = 0;
  for (auto _ : state) {
    f.index->ContainsBatch(absl::MakeConstSpan(&q[offset], kBatch),
                           absl::MakeSpan(found));
    benchmark::DoNotOptimize(found.data());
    offset = (offset + kBatch) & (kQueries - 1);
  }
  SetPerKey(state, f, kBatch);
  state.counters["index_bits_per_key"] = f.index->bits_per_key();
  state.counters["filter_bits_per_key"] =
      8.0 * f.filter->file_bytes() / f.keys.size();
}

// KeyIndex::Open of a cached index.bin: header, checksum and directory
// checks (what a server pays per generation now; compare BM_Open).
void BM_IndexOpen(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0), state.range(1) != 0);
  const std::string path = f.dir + "/index.bin";
  for (auto _ : state) {
    auto index = KeyIndex::Open(path);
    if (!index.ok()) state.SkipWithError(index.status().ToString().c_str());
    benchmark::DoNotOptimize(index);
  }
}

// SortedKeyFile::Open of a cached keys.bin: header checks, the checksum and
// order passes over the keys, and the index build (what a server pays per
// generation at startup or reload). Args: {keys, 1 = clustered}.
void BM_Open(benchmark::State& state) {
  Fixture& f = GetFixture(state.range(0), state.range(1) != 0);
  const std::string path = f.dir + "/keys.bin";
  for (auto _ : state) {
    auto file = SortedKeyFile::Open(path);
    if (!file.ok()) state.SkipWithError(file.status().ToString().c_str());
    benchmark::DoNotOptimize(file);
  }
  const double keys = static_cast<double>(state.iterations()) * f.keys.size();
  state.SetItemsProcessed(static_cast<int64_t>(keys));
  state.counters["per_key"] = benchmark::Counter(
      keys, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

bool with_50m = false;
bool with_250m = false;
bool index_only = false;  // Only the index.bin benchmarks.

void Sizes(benchmark::internal::Benchmark* b, bool with_plain) {
  b->ArgNames({"keys", "hit", "clustered", "indexed"});
  std::vector<int64_t> sizes = {1000000, 10000000};
  if (with_50m) sizes.push_back(50000000);
  if (with_250m) sizes = {250000000};
  for (int64_t n : sizes) {
    for (int64_t clustered : {0, 1}) {
      if (with_250m && clustered == 0) continue;
      for (int64_t hit : {5, 30, 50}) {
        b->Args({n, hit, clustered, 1});
        if (with_plain) b->Args({n, hit, clustered, 2});
        if (with_plain && clustered == 0) b->Args({n, hit, clustered, 0});
      }
    }
  }
}

void RegisterAll() {
  benchmark::RegisterBenchmark("BM_IndexContainsBatch", BM_IndexContainsBatch)
      ->Apply([](benchmark::internal::Benchmark* b) { Sizes(b, false); });
  benchmark::RegisterBenchmark("BM_FilterThenIndex", BM_FilterThenIndex)
      ->Apply([](benchmark::internal::Benchmark* b) { Sizes(b, false); });
  auto* index_open = benchmark::RegisterBenchmark("BM_IndexOpen", BM_IndexOpen);
  index_open->ArgNames({"keys", "clustered"});
  for (int64_t n : {10000000, 50000000, 250000000}) {
    if ((n == 50000000 && !with_50m) || (n == 250000000 && !with_250m)) {
      continue;
    }
    index_open->Args({n, 1});
  }
  index_open->Unit(benchmark::kMillisecond)->UseRealTime();
  if (index_only) return;
  benchmark::RegisterBenchmark("BM_KeysContainsBatch", BM_KeysContainsBatch)
      ->Apply([](benchmark::internal::Benchmark* b) { Sizes(b, true); });
  benchmark::RegisterBenchmark("BM_KeysContains", BM_KeysContains)
      ->Apply([](benchmark::internal::Benchmark* b) { Sizes(b, false); });
  benchmark::RegisterBenchmark("BM_FilterBatch", BM_FilterBatch)
      ->Apply([](benchmark::internal::Benchmark* b) { Sizes(b, false); });
  benchmark::RegisterBenchmark("BM_FilterThenKeys", BM_FilterThenKeys)
      ->Apply([](benchmark::internal::Benchmark* b) { Sizes(b, false); });
  auto* open = benchmark::RegisterBenchmark("BM_Open", BM_Open);
  open->ArgNames({"keys", "clustered"});
  for (int64_t n : {1000000, 10000000, 50000000}) {
    if (n == 50000000 && !with_50m) continue;
    open->Args({n, 0});
  }
  open->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace
}  // namespace dnc::storage

int main(int argc, char** argv) {
  // Our own flag, taken out before Google Benchmark parses the rest.
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--with_50m") == 0) {
      dnc::storage::with_50m = true;
    } else if (std::strcmp(argv[i], "--with_250m") == 0) {
      dnc::storage::with_250m = true;  // Only 250M, clustered.
    } else if (std::strcmp(argv[i], "--index_only") == 0) {
      dnc::storage::index_only = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  dnc::storage::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  dnc::storage::Fixtures().clear();
  return 0;
}
