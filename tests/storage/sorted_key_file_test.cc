#include "storage/sorted_key_file.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

using ::testing::HasSubstr;

// A NANP number in E.164 digits: 1 NPA NXX XXXX.
uint64_t RandomNanp(std::mt19937_64& rng) {
  const uint64_t npa = 200 + rng() % 800;
  const uint64_t nxx = 200 + rng() % 800;
  const uint64_t line = rng() % 10000;
  return 10000000000ULL + npa * 10000000ULL + nxx * 10000ULL + line;
}

// `count` random numbers, sorted and distinct (fewer if there were repeats).
std::vector<uint64_t> SortedNumbers(size_t count, std::mt19937_64& rng) {
  std::vector<uint64_t> keys(count);
  for (uint64_t& k : keys) k = RandomNanp(rng);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// Checks `file` against a sorted-vector oracle for every key, its neighbours
// and random numbers, one at a time and in batches.
void ExpectAgreesWithOracle(const SortedKeyFile& file,
                            const std::vector<uint64_t>& oracle,
                            std::mt19937_64& rng) {
  std::vector<uint64_t> queries;
  for (uint64_t k : oracle) {
    queries.push_back(k);
    queries.push_back(k - 1);
    queries.push_back(k + 1);
  }
  for (size_t i = 0; i < oracle.size() + 1000; ++i) {
    queries.push_back(RandomNanp(rng));
  }
  queries.push_back(0);
  queries.push_back(~uint64_t{0});
  std::shuffle(queries.begin(), queries.end(), rng);
  std::vector<uint8_t> found(queries.size(), 7);
  file.ContainsBatch(queries, absl::MakeSpan(found));
  for (size_t i = 0; i < queries.size(); ++i) {
    const bool expected =
        std::binary_search(oracle.begin(), oracle.end(), queries[i]);
    ASSERT_EQ(found[i], expected ? 1 : 0) << "key " << queries[i];
    ASSERT_EQ(file.Contains(queries[i]), expected) << "key " << queries[i];
  }
}

TEST(SortedKeyFileTest, RoundTripsKeysAndHeaderFields) {
  test::ScratchDir dir;
  std::mt19937_64 rng(1);
  const std::vector<uint64_t> keys = SortedNumbers(10000, rng);
  const std::string path = dir.Path("keys.bin");
  absl::StatusOr<SortedKeyFileInfo> info = WriteSortedKeyFile(keys, 42, path);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->key_count, keys.size());
  EXPECT_EQ(info->file_bytes, 64 + 8 * keys.size());

  absl::StatusOr<std::unique_ptr<SortedKeyFile>> file =
      SortedKeyFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->generation_number(), 42u);
  EXPECT_EQ((*file)->checksum(), info->checksum);
  EXPECT_EQ((*file)->file_bytes(), info->file_bytes);
  ASSERT_EQ((*file)->keys().size(), keys.size());
  EXPECT_TRUE(std::equal(keys.begin(), keys.end(), (*file)->keys().begin()));
}

TEST(SortedKeyFileTest, ContainsAgreesWithOracleForSmallAndMidSizes) {
  test::ScratchDir dir;
  std::mt19937_64 rng(2);
  for (size_t count : {0, 1, 2, 3, 17, 1000, 200000}) {
    const std::vector<uint64_t> keys = SortedNumbers(count, rng);
    const std::string path = dir.Path("keys.bin");
    ASSERT_TRUE(WriteSortedKeyFile(keys, 1, path).ok());
    absl::StatusOr<std::unique_ptr<SortedKeyFile>> file =
        SortedKeyFile::Open(path);
    ASSERT_TRUE(file.ok()) << file.status();
    SCOPED_TRACE(count);
    ExpectAgreesWithOracle(**file, keys, rng);
  }
}

// What CheckEveryWay() saw of the automatic index.
struct IndexSeen {
  bool line_index = false;
  int range_shift = -2;         // index_shift() of the automatic index.
  int forced_range_shift = -2;  // index_shift() with kRange forced.
};

// Writes `keys`, opens them with the automatic index, with the range index
// forced, and without an index, and checks each against the oracle (plus
// `extra_queries`, e.g. outside the key range).
IndexSeen CheckEveryWay(const std::vector<uint64_t>& keys, std::mt19937_64& rng,
                        const std::vector<uint64_t>& extra_queries = {}) {
  test::ScratchDir dir;
  const std::string path = dir.Path("keys.bin");
  EXPECT_TRUE(WriteSortedKeyFile(keys, 1, path).ok());
  IndexSeen seen;
  for (int way = 0; way < 3; ++way) {
    SortedKeyFileOptions options;
    options.build_index = way != 2;
    if (way == 1) options.index_kind = SortedKeyFileIndexKind::kRange;
    absl::StatusOr<std::unique_ptr<SortedKeyFile>> file =
        SortedKeyFile::Open(path, options);
    EXPECT_TRUE(file.ok()) << file.status();
    if (!file.ok()) return seen;
    SCOPED_TRACE(way == 0 ? "automatic index"
                          : (way == 1 ? "range index" : "binary search"));
    if (way == 0) {
      seen.line_index = (*file)->has_line_index();
      seen.range_shift = (*file)->index_shift();
    } else if (way == 1) {
      EXPECT_FALSE((*file)->has_line_index());
      seen.forced_range_shift = (*file)->index_shift();
    } else {
      EXPECT_EQ((*file)->index_bytes(), 0u);
    }
    ExpectAgreesWithOracle(**file, keys, rng);
    std::vector<uint8_t> found(extra_queries.size());
    (*file)->ContainsBatch(extra_queries, absl::MakeSpan(found));
    for (size_t i = 0; i < extra_queries.size(); ++i) {
      const bool expected =
          std::binary_search(keys.begin(), keys.end(), extra_queries[i]);
      EXPECT_EQ(found[i], expected ? 1 : 0) << extra_queries[i];
      EXPECT_EQ((*file)->Contains(extra_queries[i]), expected);
    }
  }
  return seen;
}

TEST(SortedKeyFileTest, DenseKeysGetTheLineIndexOrNarrowLowBits) {
  std::mt19937_64 rng(4);
  // 300k keys among 600k consecutive numbers: about 2 per 4 numbers.
  std::vector<uint64_t> keys;
  for (uint64_t k = 12025000000ULL; k < 12025600000ULL; ++k) {
    if (rng() % 2 == 0) keys.push_back(k);
  }
  const IndexSeen seen = CheckEveryWay(keys, rng);
  EXPECT_TRUE(seen.line_index);
  EXPECT_GE(seen.forced_range_shift, 0);
  EXPECT_LE(seen.forced_range_shift, 8);
}

TEST(SortedKeyFileTest, LineIndexOverflowsIntoItsOverflowSetExactly) {
  std::mt19937_64 rng(9);
  // Keys of a whole NANP-sized range at ~18 per line on average, so some
  // lines hold more than 31 and spill.
  std::vector<uint64_t> keys;
  for (uint64_t k = 0; k < 200000; ++k) {
    keys.push_back(12000000000ULL + k * 7 + rng() % 7);
  }
  test::ScratchDir dir;
  ASSERT_TRUE(WriteSortedKeyFile(keys, 1, dir.Path("keys.bin")).ok());
  absl::StatusOr<std::unique_ptr<SortedKeyFile>> file =
      SortedKeyFile::Open(dir.Path("keys.bin"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->has_line_index());
  // 10,000 lines of 64 bytes plus the empty one; more means an overflow set.
  EXPECT_GT((*file)->index_bytes(), 10001u * 64);
  ExpectAgreesWithOracle(**file, keys, rng);
}

TEST(SortedKeyFileTest, SparseKeysGetTheRangeIndexWithWideLowBits) {
  std::mt19937_64 rng(5);
  // 2000 keys over all of NANP: far apart.
  const std::vector<uint64_t> keys = SortedNumbers(2000, rng);
  const IndexSeen seen = CheckEveryWay(keys, rng);
  EXPECT_FALSE(seen.line_index);
  EXPECT_GT(seen.range_shift, 16);
}

TEST(SortedKeyFileTest, IndexHandlesClusteredKeys) {
  std::mt19937_64 rng(6);
  // Whole exchanges listed (runs of thousands of consecutive numbers) plus
  // scattered numbers: buckets far larger than average.
  std::vector<uint64_t> keys = SortedNumbers(50000, rng);
  for (int exchange = 0; exchange < 20; ++exchange) {
    const uint64_t start = RandomNanp(rng) / 10000 * 10000;
    for (uint64_t k = start; k < start + 10000; k += 1 + rng() % 2) {
      keys.push_back(k);
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  CheckEveryWay(keys, rng);
  // The same keys packed into a narrow range take the line index.
  for (uint64_t& k : keys) k = 12000000000ULL + (k - keys[0]) % 3000000;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  EXPECT_TRUE(CheckEveryWay(keys, rng).line_index);
}

TEST(SortedKeyFileTest, ProbesOutsideTheKeyRangeAndExtremeKeysAreExact) {
  std::mt19937_64 rng(7);
  const std::vector<uint64_t> probes = {0,
                                        1,
                                        11999999999ULL,
                                        12000000000ULL,
                                        20000000000ULL,
                                        ~uint64_t{0} - 1,
                                        ~uint64_t{0}};
  // Keys at both ends of the uint64 range: no index pays for such a spread.
  const IndexSeen none =
      CheckEveryWay({0, 5, 12025550100ULL, ~uint64_t{0}}, rng, probes);
  EXPECT_FALSE(none.line_index);
  EXPECT_EQ(none.range_shift, -1);
  // A key range bounded tightly by the probes.
  CheckEveryWay(
      {12000000000ULL, 12000000001ULL, 12000000003ULL, 19999999999ULL}, rng,
      probes);
  CheckEveryWay({12025550100ULL}, rng, probes);
  CheckEveryWay({}, rng, probes);
}

TEST(SortedKeyFileTest, ContainsBatchAgreesForEveryBatchSize) {
  test::ScratchDir dir;
  std::mt19937_64 rng(8);
  const std::vector<uint64_t> keys = SortedNumbers(100000, rng);
  const std::string path = dir.Path("keys.bin");
  ASSERT_TRUE(WriteSortedKeyFile(keys, 1, path).ok());
  absl::StatusOr<std::unique_ptr<SortedKeyFile>> file =
      SortedKeyFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_GT((*file)->index_bytes(), 0u);
  std::vector<uint64_t> queries;
  for (int i = 0; i < 200; ++i) {
    queries.push_back(i % 2 ? keys[rng() % keys.size()] : RandomNanp(rng));
  }
  for (size_t size = 0; size <= queries.size(); ++size) {
    std::vector<uint8_t> found(size, 7);
    (*file)->ContainsBatch(absl::MakeConstSpan(queries.data(), size),
                           absl::MakeSpan(found));
    for (size_t i = 0; i < size; ++i) {
      ASSERT_EQ(
          found[i],
          std::binary_search(keys.begin(), keys.end(), queries[i]) ? 1 : 0)
          << "size " << size << " index " << i;
    }
  }
}

TEST(SortedKeyFileTest, WriteRejectsKeysNotStrictlyAscending) {
  test::ScratchDir dir;
  const std::vector<uint64_t> dup = {12025550100, 12025550100};
  absl::StatusOr<SortedKeyFileInfo> info =
      WriteSortedKeyFile(dup, 1, dir.Path("keys.bin"));
  EXPECT_EQ(info.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(info.status().message(), HasSubstr("index 1"));
}

TEST(SortedKeyFileTest, OpenRejectsKeysOutOfOrderEvenWithValidChecksums) {
  // A writer bug rather than damage: the checksums match, the order does not.
  test::ScratchDir dir;
  const std::string path = dir.Path("keys.bin");
  ASSERT_TRUE(
      WriteSortedKeyFile({12025550100, 12025550101, 12025550102}, 1, path)
          .ok());
  std::string bytes = ReadBytes(path);
  uint64_t keys[3] = {12025550100, 12025550102, 12025550101};
  std::memcpy(&bytes[64], keys, sizeof(keys));
  const uint64_t keys_checksum = XXH3_64bits(keys, sizeof(keys));
  std::memcpy(&bytes[32], &keys_checksum, 8);
  const uint32_t header_checksum =
      static_cast<uint32_t>(XXH3_64bits(bytes.data(), 60));
  std::memcpy(&bytes[60], &header_checksum, 4);
  WriteBytes(path, bytes);
  absl::StatusOr<std::unique_ptr<SortedKeyFile>> file =
      SortedKeyFile::Open(path);
  EXPECT_EQ(file.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(file.status().message(), HasSubstr("out of order at index 2"));
}

TEST(SortedKeyFileTest, OpenOfMissingFileIsNotFound) {
  test::ScratchDir dir;
  EXPECT_EQ(SortedKeyFile::Open(dir.Path("nope.bin")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SortedKeyFileTest, OpenRejectsCorruptFilesWithDataLoss) {
  test::ScratchDir dir;
  std::mt19937_64 rng(3);
  const std::vector<uint64_t> keys = SortedNumbers(1000, rng);
  const std::string path = dir.Path("keys.bin");
  ASSERT_TRUE(WriteSortedKeyFile(keys, 5, path).ok());
  const std::string good = ReadBytes(path);

  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  std::vector<Case> cases;
  {
    std::string b = good;
    b[0] = 'X';
    cases.push_back({"magic", b, "bad magic"});
  }
  {
    std::string b = good;
    b[24] ^= 1;  // generation_number, covered by the header checksum.
    cases.push_back({"header", b, "header checksum"});
  }
  {
    std::string b = good;
    b[64 + 8 * 500] ^= 1;
    cases.push_back({"key bit", b, "checksum"});
  }
  cases.push_back({"truncated", good.substr(0, good.size() - 8), "truncated"});
  cases.push_back({"short", good.substr(0, 10), "truncated"});
  cases.push_back({"trailing", good + "x", "trailing"});
  {
    std::string b = good;
    b[8] = 9;  // format_version
    cases.push_back({"version", b, "format version"});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteBytes(path, c.bytes);
    absl::StatusOr<std::unique_ptr<SortedKeyFile>> file =
        SortedKeyFile::Open(path);
    EXPECT_EQ(file.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(file.status().message(), HasSubstr(c.message));
    EXPECT_THAT(file.status().message(), HasSubstr(path));
  }
}

}  // namespace
}  // namespace dnc::storage
