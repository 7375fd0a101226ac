#include "storage/key_index.h"

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

uint64_t Nanp(uint64_t npa, uint64_t nxx, uint64_t line) {
  return 10000000000ULL + npa * 10000000ULL + nxx * 10000ULL + line;
}

std::vector<uint64_t> SortUnique(std::vector<uint64_t> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// Key sets of every shape the index encodes differently.
std::vector<uint64_t> UniformNanp(size_t n, std::mt19937_64& rng) {
  std::vector<uint64_t> keys(n);
  for (uint64_t& k : keys) {
    k = Nanp(200 + rng() % 800, 200 + rng() % 800, rng() % 10000);
  }
  return SortUnique(std::move(keys));
}

// Exchanges at densities from 0.1% to 100%: arrays, buckets and bitmaps.
// `area_codes` area codes from 200 up hold them.
std::vector<uint64_t> ClusteredNanp(size_t exchanges, std::mt19937_64& rng,
                                    uint64_t area_codes = 800) {
  std::vector<uint64_t> keys;
  for (size_t e = 0; e < exchanges; ++e) {
    const uint64_t npa = 200 + rng() % area_codes, nxx = 200 + rng() % 800;
    const uint64_t per_mille =
        std::vector<uint64_t>{1, 10, 100, 400, 700, 1000}[rng() % 6];
    for (uint64_t line = 0; line < 10000; ++line) {
      if (rng() % 1000 < per_mille) keys.push_back(Nanp(npa, nxx, line));
    }
  }
  return SortUnique(std::move(keys));
}

// Numbers of many countries: too spread out for blocks (a sorted array).
std::vector<uint64_t> Worldwide(size_t n, std::mt19937_64& rng) {
  std::vector<uint64_t> keys(n);
  for (uint64_t& k : keys) k = 10000000000ULL + rng() % 899999999990000ULL;
  return SortUnique(std::move(keys));
}

void ExpectAgreesWithOracle(const KeyIndex& index,
                            const std::vector<uint64_t>& oracle,
                            std::mt19937_64& rng) {
  std::vector<uint64_t> queries;
  for (uint64_t k : oracle) {
    queries.push_back(k);
    queries.push_back(k + 1);
    queries.push_back(k - 1);
  }
  for (int i = 0; i < 20000; ++i) {
    queries.push_back(
        Nanp(200 + rng() % 800, 200 + rng() % 800, rng() % 10000));
  }
  queries.push_back(0);
  queries.push_back(~uint64_t{0});
  std::shuffle(queries.begin(), queries.end(), rng);
  std::vector<uint8_t> found(queries.size());
  index.ContainsBatch(queries, absl::MakeSpan(found));
  for (size_t i = 0; i < queries.size(); ++i) {
    const bool expected =
        std::binary_search(oracle.begin(), oracle.end(), queries[i]);
    ASSERT_EQ(index.Contains(queries[i]), expected) << queries[i];
    ASSERT_EQ(found[i] != 0, expected) << "batch " << queries[i];
  }
  std::vector<uint64_t> all;
  index.AppendKeys(&all);
  EXPECT_EQ(all, oracle);
  EXPECT_EQ(index.key_count(), oracle.size());
}

TEST(KeyIndexTest, AgreesWithAnOracleOnEveryShapeOfKeySet) {
  std::mt19937_64 rng(13);
  const std::vector<std::vector<uint64_t>> sets = {
      {},
      {Nanp(512, 555, 1234)},
      UniformNanp(1000, rng),
      UniformNanp(300000, rng),
      ClusteredNanp(60, rng),
      Worldwide(5000, rng),
  };
  for (const std::vector<uint64_t>& keys : sets) {
    SCOPED_TRACE(keys.size());
    absl::StatusOr<std::unique_ptr<KeyIndex>> index = KeyIndex::FromKeys(keys);
    ASSERT_TRUE(index.ok()) << index.status();
    ExpectAgreesWithOracle(**index, keys, rng);
  }
}

// Blocks of every size where the encoding changes (arrays up to 88 keys,
// buckets up to 1,168, bitmaps above), holding the first and last numbers
// of the exchange and of its 256-number buckets.
TEST(KeyIndexTest, AgreesWithAnOracleAtEveryEncodingsEdges) {
  std::mt19937_64 rng(5);
  std::vector<uint64_t> keys;
  const std::vector<uint32_t> sizes = {1,    2,    16,   17,   32,   33,
                                       87,   88,   89,   90,   500,  1167,
                                       1168, 1169, 1170, 5000, 9999, 10000};
  for (size_t i = 0; i < sizes.size(); ++i) {
    const std::vector<uint64_t> edges = {0, 9999, 255, 256, 9983, 9984};
    std::vector<uint64_t> lines = edges;
    for (uint64_t line = 0; line < 10000; ++line) {
      if (std::find(edges.begin(), edges.end(), line) == edges.end()) {
        lines.push_back(line);
      }
    }
    std::shuffle(lines.begin() + edges.size(), lines.end(), rng);
    lines = std::vector<uint64_t>(lines.begin(), lines.begin() + sizes[i]);
    for (uint64_t line : lines) keys.push_back(Nanp(300 + i, 555, line));
  }
  keys = SortUnique(std::move(keys));
  absl::StatusOr<std::unique_ptr<KeyIndex>> index = KeyIndex::FromKeys(keys);
  ASSERT_TRUE(index.ok()) << index.status();
  ExpectAgreesWithOracle(**index, keys, rng);
  // Every number of those exchanges, listed or not.
  std::vector<uint64_t> all;
  for (size_t i = 0; i < sizes.size(); ++i) {
    for (uint64_t line = 0; line < 10000; ++line) {
      all.push_back(Nanp(300 + i, 555, line));
    }
  }
  std::vector<uint8_t> found(all.size());
  (*index)->ContainsBatch(all, absl::MakeSpan(found));
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(found[i] != 0,
              std::binary_search(keys.begin(), keys.end(), all[i]))
        << all[i];
  }
  for (size_t i = 0; i < sizes.size(); ++i) {
    EXPECT_EQ((*index)->BlockKeyCount(Nanp(300 + i, 555, 0) / 10000), sizes[i]);
  }
}

TEST(KeyIndexTest, ChoosesBlocksForRegistriesAndAnArrayForScatteredKeys) {
  std::mt19937_64 rng(7);
  // A state's registry: a few area codes, most exchanges in use.
  const std::vector<uint64_t> dense = ClusteredNanp(1500, rng, 3);
  absl::StatusOr<std::unique_ptr<KeyIndex>> index = KeyIndex::FromKeys(dense);
  ASSERT_TRUE(index.ok());
  EXPECT_NE((*index)->layout().block_size, 0u);
  // Far below a sorted array's 64 bits a key.
  EXPECT_LT((*index)->bits_per_key(), 12.0);
  absl::StatusOr<std::unique_ptr<KeyIndex>> scattered =
      KeyIndex::FromKeys(Worldwide(100, rng));
  ASSERT_TRUE(scattered.ok());
  EXPECT_EQ((*scattered)->layout().block_size, 0u);
}

TEST(KeyIndexTest, RefusesKeysOutOfOrder) {
  EXPECT_EQ(KeyIndex::FromKeys({5, 4}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyIndex::FromKeys({5, 5}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(KeyIndexTest, AFileReadsBackAsWritten) {
  test::ScratchDir dir;
  std::mt19937_64 rng(21);
  const std::vector<uint64_t> keys = ClusteredNanp(40, rng);
  const std::string path = dir.path() + "/index.bin";
  absl::StatusOr<KeyIndexInfo> info = WriteKeyIndex(keys, 17, path);
  ASSERT_TRUE(info.ok()) << info.status();
  absl::StatusOr<std::unique_ptr<KeyIndex>> index = KeyIndex::Open(path);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ((*index)->generation_number(), 17u);
  EXPECT_EQ((*index)->checksum(), info->checksum);
  EXPECT_EQ((*index)->file_bytes(), info->file_bytes);
  ExpectAgreesWithOracle(**index, keys, rng);
}

TEST(KeyIndexTest, CopiedBlocksAndReencodedOnesMakeTheMergedSet) {
  std::mt19937_64 rng(5);
  const std::vector<uint64_t> base = UniformNanp(200000, rng);
  absl::StatusOr<std::unique_ptr<KeyIndex>> from = KeyIndex::FromKeys(base);
  ASSERT_TRUE(from.ok());
  const KeyIndexLayout& L = (*from)->layout();
  ASSERT_NE(L.block_size, 0u);
  // Every third block re-encoded without its first key; the rest copied.
  KeyIndexBuilder builder(L.block_size);
  std::vector<uint64_t> expected;
  for (uint64_t block = L.first_block; block < L.first_block + L.block_count;
       ++block) {
    std::vector<uint64_t> keys;
    (*from)->AppendBlockKeys(block, &keys);
    if (block % 3 == 0 && !keys.empty()) {
      keys.erase(keys.begin());
      ASSERT_TRUE(builder.AddBlock(keys).ok());
    } else {
      ASSERT_TRUE(builder.CopyBlock(**from, block).ok());
    }
    expected.insert(expected.end(), keys.begin(), keys.end());
  }
  absl::StatusOr<std::unique_ptr<KeyIndex>> merged = builder.Finish();
  ASSERT_TRUE(merged.ok());
  ExpectAgreesWithOracle(**merged, expected, rng);
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(KeyIndexTest, RefusesATruncatedCorruptOrForeignFileNamingIt) {
  test::ScratchDir dir;
  std::mt19937_64 rng(3);
  const std::string path = dir.path() + "/index.bin";
  ASSERT_TRUE(WriteKeyIndex(UniformNanp(5000, rng), 2, path).ok());
  const std::string good = ReadBytes(path);
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  std::string truncated = good.substr(0, good.size() - 8);
  std::string header_only = good.substr(0, 100);
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  std::string other_version = good;
  other_version[8] = 9;  // The header checksum no longer matches either;
                         // the version is checked first.
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  std::string trailing = good + std::string(8, '\0');
  const std::vector<Case> cases = {
      {"truncated", truncated, "truncated"},
      {"header only", header_only, "truncated"},
      {"bad magic", bad_magic, "bad magic"},
      {"other version", other_version, "format version 9"},
      {"flipped bit", flipped, "checksum"},
      {"trailing", trailing, "trailing data"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteBytes(path, c.bytes);
    absl::StatusOr<std::unique_ptr<KeyIndex>> index = KeyIndex::Open(path);
    ASSERT_FALSE(index.ok());
    EXPECT_EQ(index.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(index.status().message(), HasSubstr(path));
    EXPECT_THAT(index.status().message(), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace dnc::storage
