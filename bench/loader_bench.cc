// Loader throughput: parsing ftc-flat lines, reading a file through
// InputFile, sort + dedupe, RocksDB build, and a whole BulkLoad, on 1M
// synthetic NANP numbers (seeded). Reports items (numbers) per second.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/civil_date.h"
#include "loader/bulk_loader.h"
#include "loader/input_file.h"
#include "loader/key_sort.h"
#include "loader/record_format.h"
#include "storage/registry_db_builder.h"

namespace dnc::loader {

const std::string& InputDir();

namespace {

constexpr size_t kKeys = 1 << 20;

const std::vector<uint64_t>& Keys() {
  static const std::vector<uint64_t>* const keys = [] {
    auto* out = new std::vector<uint64_t>();
    std::mt19937_64 rng(11);
    out->reserve(kKeys);
    while (out->size() < kKeys) {
      const uint64_t npa = 200 + rng() % 800;
      const uint64_t local = 2000000 + rng() % 8000000;
      out->push_back(10000000000ULL + npa * 10000000 + local);
    }
    return out;
  }();
  return *keys;
}

// The keys as an ftc-flat text, one line each.
const std::string& FtcText() {
  static const std::string* const text = [] {
    auto* out = new std::string();
    char line[32];
    for (uint64_t key : Keys()) {
      const uint64_t national = key - 10000000000ULL;
      snprintf(line, sizeof(line), "%03llu,%07llu\n",
               static_cast<unsigned long long>(national / 10000000),
               static_cast<unsigned long long>(national % 10000000));
      *out += line;
    }
    return out;
  }();
  return *text;
}

std::string TempDir(const std::string& name) {
  const std::string dir =
      absl::StrCat(std::filesystem::temp_directory_path().string(),
                   "/dnc-loader-bench-", getpid(), "-", name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

const std::string& FtcFile() {
  static const std::string* const path = [] {
    auto* out = new std::string(InputDir() + "/ftc.txt");
    std::ofstream(*out, std::ios::binary) << FtcText();
    return out;
  }();
  return *path;
}

void BM_ParseFtcFlat(benchmark::State& state) {
  const RecordParser parser =
      *RecordParser::Create(*LayoutForFormat("ftc-flat"));
  const std::string& text = FtcText();
  for (auto _ : state) {
    uint64_t sum = 0;
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = text.find('\n', start);
      sum +=
          parser.Parse(std::string_view(text).substr(start, end - start)).key;
      start = end + 1;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kKeys);
}
BENCHMARK(BM_ParseFtcFlat)->Unit(benchmark::kMillisecond);

void BM_ReadLinesPlainFile(benchmark::State& state) {
  const std::string& path = FtcFile();
  for (auto _ : state) {
    auto file = InputFile::Open(path);
    InputLine line;
    size_t bytes = 0;
    while (*(*file)->NextLine(&line)) bytes += line.text.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kKeys);
}
BENCHMARK(BM_ReadLinesPlainFile)->Unit(benchmark::kMillisecond);

void BM_SortUnique(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<uint64_t> keys = Keys();
    state.ResumeTiming();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    benchmark::DoNotOptimize(keys.data());
  }
  state.SetItemsProcessed(state.iterations() * kKeys);
}
BENCHMARK(BM_SortUnique)->Unit(benchmark::kMillisecond);

// The loader's sort: in-place radix pass + per-bucket std::sort.
void BM_SortKeys(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<uint64_t> keys = Keys();
    state.ResumeTiming();
    SortKeys(absl::MakeSpan(keys));
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    benchmark::DoNotOptimize(keys.data());
  }
  state.SetItemsProcessed(state.iterations() * kKeys);
}
BENCHMARK(BM_SortKeys)->Unit(benchmark::kMillisecond);

void BM_BuildRegistryDb(benchmark::State& state) {
  std::vector<uint64_t> keys = Keys();
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::string dir = TempDir("db");
  int round = 0;
  for (auto _ : state) {
    const std::string db = absl::StrCat(dir, "/db", round++);
    const absl::Status status = storage::BuildRegistryDb(db, keys);
    if (!status.ok())
      state.SkipWithError(std::string(status.message()).c_str());
    state.PauseTiming();
    std::filesystem::remove_all(db);
    state.ResumeTiming();
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * keys.size());
}
BENCHMARK(BM_BuildRegistryDb)->Unit(benchmark::kMillisecond)->Iterations(3);

// Everything: digest, read, parse, sort, RocksDB, filter, manifest, publish.
void BM_BulkLoad(benchmark::State& state) {
  const std::string data = TempDir("data");
  LoadOptions options;
  options.data_dir = data;
  options.source = "us-ftc";
  options.as_of = TodayUtc();
  options.inputs = {FtcFile()};
  for (auto _ : state) {
    absl::StatusOr<LoadStats> stats = BulkLoad(options);
    if (!stats.ok()) {
      state.SkipWithError(std::string(stats.status().message()).c_str());
      break;
    }
    state.counters["rejected"] = static_cast<double>(stats->rejected);
  }
  std::filesystem::remove_all(data);
  state.SetItemsProcessed(state.iterations() * kKeys);
}
BENCHMARK(BM_BulkLoad)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

const std::string& InputDir() {
  static const std::string* const dir = new std::string(TempDir("input"));
  return *dir;
}

}  // namespace dnc::loader

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(dnc::loader::InputDir());
  return 0;
}
