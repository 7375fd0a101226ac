#include "storage/hash_filter.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/filter_format.h"
#include "storage/hash_filter_builder.h"
#include "storage/mapped_file.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::storage {
namespace {

namespace ff = filter_format;
using ::testing::AllOf;
using ::testing::HasSubstr;

// A realistic NANP number in E.164 digits: 1 NPA NXX XXXX, NPA and NXX
// starting with 2-9 (e.g. 12025550123).
uint64_t RandomNanp(std::mt19937_64& rng) {
  const uint64_t npa = 200 + rng() % 800;
  const uint64_t nxx = 200 + rng() % 800;
  const uint64_t line = rng() % 10000;
  return 10000000000ULL + npa * 10000000ULL + nxx * 10000ULL + line;
}

// `count` distinct random numbers, none of them in `exclude` (sorted), in
// random order.
std::vector<uint64_t> DistinctNumbers(size_t count, std::mt19937_64& rng,
                                      const std::vector<uint64_t>& exclude) {
  std::vector<uint64_t> keys;
  keys.reserve(count);
  while (keys.size() < count) {
    while (keys.size() < count) {
      const uint64_t k = RandomNanp(rng);
      if (!std::binary_search(exclude.begin(), exclude.end(), k)) {
        keys.push_back(k);
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  std::shuffle(keys.begin(), keys.end(), rng);
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

// Mean and second moment of one block's false-positive rate when block loads
// are Poisson(lambda), computed independently of filter_format.cc as an
// oracle. Given load L, a word's probed bit is set with probability
// 1 - q^L (q = 63/64), and two independent probes of the same word are both
// set with probability 1 - 2 q^L + r^L (r = 62/64); a miss needs all 8 words.
struct BlockFpMoments {
  double mean = 0;
  double second = 0;
};
BlockFpMoments PoissonBlockMoments(double lambda) {
  BlockFpMoments m;
  double pmf = std::exp(-lambda);  // P(L = 0); fine for lambda << 700.
  const double q = 63.0 / 64.0, r = 62.0 / 64.0;
  for (int load = 0; load < 2000; ++load) {
    if (load > 0) pmf *= lambda / load;
    const double one = 1 - std::pow(q, load);
    const double two = 1 - 2 * std::pow(q, load) + std::pow(r, load);
    m.mean += pmf * std::pow(one, 8);
    m.second += pmf * std::pow(two, 8);
  }
  return m;
}

// ---------------------------------------------------------------------------
// One filter over 1,000,000 keys, shared by the tests that need the size.

class LargeFilterTest : public ::testing::Test {
 protected:
  static constexpr size_t kKeys = 1000000;

  static void SetUpTestSuite() {
    scratch_ = new test::ScratchDir();
    std::mt19937_64 rng(20261122);
    present_ = new std::vector<uint64_t>(DistinctNumbers(kKeys, rng, {}));
    std::vector<uint64_t> sorted = *present_;
    std::sort(sorted.begin(), sorted.end());
    absent_ = new std::vector<uint64_t>(DistinctNumbers(kKeys, rng, sorted));

    const std::string path = scratch_->Path("filter.bin");
    HashFilterOptions options;
    options.bits_per_key = 10;
    options.generation_number = 7;
    absl::StatusOr<HashFilterInfo> info =
        WriteHashFilter(*present_, options, path);
    ASSERT_TRUE(info.ok()) << info.status();
    absl::StatusOr<std::unique_ptr<HashFilter>> filter = HashFilter::Open(path);
    ASSERT_TRUE(filter.ok()) << filter.status();
    filter_ = filter->release();
  }

  static void TearDownTestSuite() {
    delete filter_;
    delete absent_;
    delete present_;
    delete scratch_;
  }

  static test::ScratchDir* scratch_;
  static std::vector<uint64_t>* present_;
  static std::vector<uint64_t>* absent_;
  static HashFilter* filter_;
};

test::ScratchDir* LargeFilterTest::scratch_ = nullptr;
std::vector<uint64_t>* LargeFilterTest::present_ = nullptr;
std::vector<uint64_t>* LargeFilterTest::absent_ = nullptr;
HashFilter* LargeFilterTest::filter_ = nullptr;

TEST_F(LargeFilterTest, EveryKeyBuiltInMayBeContained) {
  ASSERT_NE(filter_, nullptr);
  size_t missed = 0;
  for (uint64_t key : *present_) missed += filter_->MayContain(key) ? 0 : 1;
  EXPECT_EQ(missed, 0u);
}

TEST_F(LargeFilterTest, BatchAgreesWithSingleLookupsForHitsAndMisses) {
  ASSERT_NE(filter_, nullptr);
  for (const std::vector<uint64_t>* keys : {present_, absent_}) {
    std::vector<uint8_t> maybe(keys->size(), 2);
    filter_->MayContainBatch(*keys, absl::MakeSpan(maybe));
    size_t disagree = 0;
    for (size_t i = 0; i < keys->size(); ++i) {
      disagree +=
          (maybe[i] == (filter_->MayContain((*keys)[i]) ? 1 : 0)) ? 0 : 1;
    }
    EXPECT_EQ(disagree, 0u);
  }
}

TEST_F(LargeFilterTest, BatchesOfEverySizeAroundTheLookaheadAgree) {
  ASSERT_NE(filter_, nullptr);
  // The batch keeps a ring of look-ahead slots; cover sizes below, at and
  // past it, from hits and misses mixed.
  std::vector<uint64_t> mixed;
  for (size_t i = 0; i < 200; ++i) {
    mixed.push_back((*present_)[i]);
    mixed.push_back((*absent_)[i]);
  }
  for (size_t size : {0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 129, 400}) {
    std::vector<uint8_t> maybe(size, 2);
    filter_->MayContainBatch(absl::MakeConstSpan(mixed.data(), size),
                             absl::MakeSpan(maybe));
    for (size_t i = 0; i < size; ++i) {
      ASSERT_EQ(maybe[i], filter_->MayContain(mixed[i]) ? 1 : 0)
          << "batch size " << size << ", index " << i;
    }
  }
}

TEST_F(LargeFilterTest, ConcurrentReadersGetTheSameAnswers) {
  ASSERT_NE(filter_, nullptr);
  std::vector<uint64_t> keys(absent_->begin(), absent_->begin() + 100000);
  keys.insert(keys.end(), present_->begin(), present_->begin() + 100000);
  std::vector<uint8_t> expected(keys.size());
  filter_->MayContainBatch(keys, absl::MakeSpan(expected));

  constexpr int kThreads = 4;
  std::vector<std::vector<uint8_t>> got(kThreads,
                                        std::vector<uint8_t>(keys.size()));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Half the threads batch, half look up one key at a time.
      if (t % 2 == 0) {
        filter_->MayContainBatch(keys, absl::MakeSpan(got[t]));
      } else {
        for (size_t i = 0; i < keys.size(); ++i) {
          got[t][i] = filter_->MayContain(keys[i]) ? 1 : 0;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(got[t], expected) << t;
}

TEST_F(LargeFilterTest, MeasuredFalsePositiveRateStaysWithinStatedBound) {
  ASSERT_NE(filter_, nullptr);
  const double bound = filter_->false_positive_bound();
  EXPECT_GT(bound, 0.0);
  EXPECT_LE(bound, 0.012) << "10 bits/key should give about 1%";

  const uint64_t blocks = (filter_->file_bytes() - 64) / 64;
  const BlockFpMoments moments =
      PoissonBlockMoments(static_cast<double>(kKeys) / blocks);
  // The stored bound is the model's mean, rounded up to a part per billion.
  EXPECT_NEAR(bound, moments.mean, 1e-9);

  size_t false_positives = 0;
  for (uint64_t key : *absent_) false_positives += filter_->MayContain(key);
  const double n = static_cast<double>(absent_->size());
  const double measured = false_positives / n;
  // Two sources of spread around the model's mean: which absent keys we
  // probe (Bernoulli(bound) each, n of them) and which filter the keys made
  // (the mean of `blocks` roughly independent per-block rates).
  const double sigma = std::sqrt(
      bound * (1 - bound) / n + (moments.second - moments.mean * moments.mean) /
                                    static_cast<double>(blocks));
  std::cout << "false positives: " << false_positives << " of " << n << " = "
            << measured << "; stated bound " << bound << "; sigma " << sigma
            << "\n";
  EXPECT_LE(measured, bound + 4 * sigma);
  // And the model describes this filter rather than being a loose guess.
  EXPECT_GE(measured, bound - 4 * sigma);
}

TEST_F(LargeFilterTest, HeaderRecordsKeyCountGenerationAndSize) {
  ASSERT_NE(filter_, nullptr);
  EXPECT_EQ(filter_->key_count(), kKeys);
  EXPECT_EQ(filter_->generation_number(), 7u);
  const uint64_t blocks = (kKeys * 10 + 511) / 512;
  EXPECT_EQ(filter_->file_bytes(), 64 + 64 * blocks);
}

// ---------------------------------------------------------------------------
// Small filters and the builder.

class HashFilterTest : public ::testing::Test {
 protected:
  // Writes a filter over `count` random keys to `name`; returns its path.
  std::string BuildSmall(const std::string& name, size_t count = 1000,
                         uint64_t seed = 1) {
    std::mt19937_64 rng(seed);
    keys_ = DistinctNumbers(count, rng, {});
    const std::string path = scratch_.Path(name);
    absl::StatusOr<HashFilterInfo> info = WriteHashFilter(keys_, {}, path);
    EXPECT_TRUE(info.ok()) << info.status();
    return path;
  }

  test::ScratchDir scratch_;
  std::vector<uint64_t> keys_;
};

TEST_F(HashFilterTest, HeaderFieldsRoundTripThroughTheFile) {
  std::mt19937_64 rng(3);
  const std::vector<uint64_t> keys = DistinctNumbers(5000, rng, {});
  const std::string path = scratch_.Path("filter.bin");
  HashFilterOptions options;
  options.bits_per_key = 12.5;
  options.seed = 12345;
  options.generation_number = 42;
  absl::StatusOr<HashFilterInfo> info = WriteHashFilter(keys, options, path);
  ASSERT_TRUE(info.ok()) << info.status();

  const uint64_t blocks = static_cast<uint64_t>(std::ceil(5000 * 12.5 / 512));
  EXPECT_EQ(info->key_count, 5000u);
  EXPECT_EQ(info->file_bytes, 64 + 64 * blocks);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), info->file_bytes);

  absl::StatusOr<std::unique_ptr<HashFilter>> filter = HashFilter::Open(path);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ((*filter)->key_count(), 5000u);
  EXPECT_EQ((*filter)->generation_number(), 42u);
  EXPECT_EQ((*filter)->file_bytes(), info->file_bytes);
  EXPECT_EQ((*filter)->checksum(), info->checksum);
  EXPECT_EQ((*filter)->false_positive_bound(), info->false_positive_bound);
  for (uint64_t key : keys) ASSERT_TRUE((*filter)->MayContain(key)) << key;
}

TEST_F(HashFilterTest, EmptyKeySetOpensAndNeverSaysMaybe) {
  const std::string path = scratch_.Path("empty.bin");
  absl::StatusOr<HashFilterInfo> info = WriteHashFilter({}, {}, path);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->key_count, 0u);
  EXPECT_EQ(info->file_bytes, 128u);  // Header plus one empty block.
  EXPECT_EQ(info->false_positive_bound, 0.0);

  absl::StatusOr<std::unique_ptr<HashFilter>> filter = HashFilter::Open(path);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ((*filter)->key_count(), 0u);
  EXPECT_EQ((*filter)->false_positive_bound(), 0.0);
  std::mt19937_64 rng(5);
  std::vector<uint64_t> probes = DistinctNumbers(10000, rng, {});
  for (uint64_t key : probes) ASSERT_FALSE((*filter)->MayContain(key));
  std::vector<uint8_t> maybe(probes.size(), 2);
  (*filter)->MayContainBatch(probes, absl::MakeSpan(maybe));
  EXPECT_EQ(std::count(maybe.begin(), maybe.end(), 0),
            static_cast<long>(probes.size()));
  (*filter)->MayContainBatch({}, {});  // Empty batch is fine.
}

TEST_F(HashFilterTest, DuplicateKeysAreHarmless) {
  std::mt19937_64 rng(9);
  std::vector<uint64_t> keys = DistinctNumbers(3000, rng, {});
  std::vector<uint64_t> doubled = keys;
  doubled.insert(doubled.end(), keys.begin(), keys.end());
  const std::string path = scratch_.Path("dups.bin");
  ASSERT_TRUE(WriteHashFilter(doubled, {}, path).ok());
  absl::StatusOr<std::unique_ptr<HashFilter>> filter = HashFilter::Open(path);
  ASSERT_TRUE(filter.ok()) << filter.status();
  for (uint64_t key : keys) ASSERT_TRUE((*filter)->MayContain(key));
}

TEST_F(HashFilterTest, BitsPerKeyOutsideTwoToSixtyFourIsInvalidArgument) {
  const std::vector<uint64_t> keys = {12025550123ULL, 14165550100ULL};
  for (double bits : {1.99, 0.0, -1.0, 64.01, 1000.0,
                      std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::infinity()}) {
    const std::string path = scratch_.Path("bad.bin");
    HashFilterOptions options;
    options.bits_per_key = bits;
    absl::StatusOr<HashFilterInfo> info = WriteHashFilter(keys, options, path);
    EXPECT_EQ(info.status().code(), absl::StatusCode::kInvalidArgument) << bits;
    EXPECT_THAT(info.status().message(), HasSubstr("bits_per_key"));
    struct stat st;
    EXPECT_NE(::stat(path.c_str(), &st), 0) << "nothing written for " << bits;
  }
  for (double bits : {2.0, 64.0}) {
    const std::string path = scratch_.Path("edge.bin");
    HashFilterOptions options;
    options.bits_per_key = bits;
    ASSERT_TRUE(WriteHashFilter(keys, options, path).ok()) << bits;
    absl::StatusOr<std::unique_ptr<HashFilter>> filter = HashFilter::Open(path);
    ASSERT_TRUE(filter.ok()) << filter.status();
    for (uint64_t key : keys) EXPECT_TRUE((*filter)->MayContain(key)) << bits;
  }
}

TEST_F(HashFilterTest, WritingIntoAMissingDirectoryIsNotFoundNamingThePath) {
  const std::string path = scratch_.Path("no/such/dir/filter.bin");
  absl::StatusOr<HashFilterInfo> info = WriteHashFilter({1}, {}, path);
  EXPECT_EQ(info.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(info.status().message(), HasSubstr(path));
}

TEST_F(HashFilterTest, RewritingAPathLeavesAnOpenFilterReadingTheOldFile) {
  const std::string path = BuildSmall("filter.bin", 2000, 1);
  const std::vector<uint64_t> old_keys = keys_;
  absl::StatusOr<std::unique_ptr<HashFilter>> old_filter =
      HashFilter::Open(path);
  ASSERT_TRUE(old_filter.ok()) << old_filter.status();

  BuildSmall("filter.bin", 50, 2);  // Same path, much smaller file.
  for (uint64_t key : old_keys) ASSERT_TRUE((*old_filter)->MayContain(key));
  absl::StatusOr<std::unique_ptr<HashFilter>> new_filter =
      HashFilter::Open(path);
  ASSERT_TRUE(new_filter.ok()) << new_filter.status();
  EXPECT_EQ((*new_filter)->key_count(), 50u);
  for (uint64_t key : keys_) EXPECT_TRUE((*new_filter)->MayContain(key));
}

TEST(FalsePositiveBoundTest, FollowsBitsPerKeyAndIsZeroWithoutKeys) {
  EXPECT_EQ(ff::FalsePositiveBound(0, 1), 0.0);
  EXPECT_EQ(ff::FalsePositiveBound(1000000000, 1), 1.0);  // Saturated.
  EXPECT_NEAR(ff::FalsePositiveBound(512, 1), PoissonBlockMoments(512).mean,
              1e-12);
  const uint64_t n = 250000000;
  const double at10 = ff::FalsePositiveBound(n, ff::BlockCountFor(n, 10));
  EXPECT_GT(at10, 0.008);
  EXPECT_LE(at10, 0.012);
  double previous = 1.0;
  for (double bits = 2; bits <= 64; bits += 2) {
    const double p = ff::FalsePositiveBound(n, ff::BlockCountFor(n, bits));
    EXPECT_LT(p, previous) << bits;
    EXPECT_GE(p, 0.0);
    previous = p;
  }
}

// ---------------------------------------------------------------------------
// Damaged files: each one fails Open with DataLoss naming the path and what
// is wrong (NotFound for a missing file).

class DamagedFilterTest : public HashFilterTest {
 protected:
  void SetUp() override {
    good_ = ReadBytes(BuildSmall("good.bin"));
    ASSERT_EQ(good_.size(), 64u + 64u * 20u);  // ceil(1000 * 10 / 512) = 20.
  }

  ff::FilterHeader Header() const {
    ff::FilterHeader h;
    std::memcpy(&h, good_.data(), sizeof(h));
    return h;
  }

  // `bytes` with its first 64 bytes replaced by `h`; with `reseal` the header
  // checksum is recomputed, so only the intended check can fire.
  static std::string WithHeader(std::string bytes, ff::FilterHeader h,
                                bool reseal) {
    if (reseal) h.header_checksum = ff::HeaderChecksum(h);
    std::memcpy(bytes.data(), &h, sizeof(h));
    return bytes;
  }

  // Writes `bytes`, opens them, and returns the status.
  absl::Status OpenBytes(const std::string& bytes) {
    path_ = scratch_.Path("damaged.bin");
    WriteBytes(path_, bytes);
    return HashFilter::Open(path_).status();
  }

  void ExpectDataLoss(const absl::Status& status, const std::string& what) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_THAT(status.message(), AllOf(HasSubstr(path_), HasSubstr(what)));
  }

  std::string good_;
  std::string path_;
};

TEST_F(DamagedFilterTest, UndamagedCopyOpens) {
  EXPECT_TRUE(OpenBytes(good_).ok());
}

TEST_F(DamagedFilterTest, TruncatedFileIsDataLossWithBothSizes) {
  const std::string cut = good_.substr(0, good_.size() - 100);
  const absl::Status status = OpenBytes(cut);
  ExpectDataLoss(status, "is truncated");
  EXPECT_THAT(status.message(),
              HasSubstr(absl::StrCat(cut.size(), " bytes, header says ",
                                     good_.size())));
}

TEST_F(DamagedFilterTest, FileShorterThanTheHeaderIsDataLoss) {
  ExpectDataLoss(OpenBytes(good_.substr(0, 10)), "is truncated: 10 bytes");
}

TEST_F(DamagedFilterTest, EmptyFileIsDataLoss) {
  ExpectDataLoss(OpenBytes(""), "is truncated: 0 bytes");
}

TEST_F(DamagedFilterTest, TrailingBytesAreDataLoss) {
  ExpectDataLoss(OpenBytes(good_ + std::string(64, '\0')), "trailing data");
}

TEST_F(DamagedFilterTest, BadMagicIsDataLoss) {
  std::string bytes = good_;
  bytes[0] = 'X';
  ExpectDataLoss(OpenBytes(bytes), "bad magic");
}

TEST_F(DamagedFilterTest, WrongVersionIsDataLoss) {
  ff::FilterHeader h = Header();
  h.format_version = 2;
  ExpectDataLoss(OpenBytes(WithHeader(good_, h, /*reseal=*/true)),
                 "format version 2");
}

TEST_F(DamagedFilterTest, WrongEndiannessTagIsDataLoss) {
  ff::FilterHeader h = Header();
  h.endian_tag = __builtin_bswap32(ff::kEndianTag);  // As a big-endian host.
  ExpectDataLoss(OpenBytes(WithHeader(good_, h, /*reseal=*/true)),
                 "endianness tag 0x4030201");
}

TEST_F(DamagedFilterTest, FlippedBitInTheBlocksFailsTheChecksum) {
  std::string bytes = good_;
  bytes[64 + 64 * 7 + 13] ^= 0x10;
  ExpectDataLoss(OpenBytes(bytes), "fails its checksum");
}

TEST_F(DamagedFilterTest, FlippedBitInTheSeedFailsTheHeaderChecksum) {
  // A changed seed would silently turn hits into misses; the header
  // checksum catches it.
  std::string bytes = good_;
  bytes[offsetof(ff::FilterHeader, seed)] ^= 0x01;
  ExpectDataLoss(OpenBytes(bytes), "header checksum");
}

TEST_F(DamagedFilterTest, ZeroBlockCountIsDataLoss) {
  ff::FilterHeader h = Header();
  h.block_count = 0;
  ExpectDataLoss(OpenBytes(WithHeader(good_, h, /*reseal=*/true)),
                 "block count 0");
}

TEST_F(DamagedFilterTest, MissingFileIsNotFoundNamingThePath) {
  const std::string path = scratch_.Path("missing.bin");
  const absl::Status status = HashFilter::Open(path).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(status.message(), HasSubstr(path));
}

// ---------------------------------------------------------------------------
// MappedFile.

TEST(MappedFileTest, MapsTheFileContentsExactly) {
  test::ScratchDir scratch;
  const std::string path = scratch.Path("data");
  std::string bytes(10000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  WriteBytes(path, bytes);
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ((*file)->size(), bytes.size());
  EXPECT_EQ(std::memcmp((*file)->data(), bytes.data(), bytes.size()), 0);
  EXPECT_EQ((*file)->path(), path);
  EXPECT_TRUE((*file)->Advise(MappedFile::Access::kRandom).ok());
  EXPECT_TRUE((*file)->Advise(MappedFile::Access::kWillNeed).ok());
}

TEST(MappedFileTest, EmptyFileMapsToNothing) {
  test::ScratchDir scratch;
  const std::string path = scratch.Path("empty");
  WriteBytes(path, "");
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->size(), 0u);
  EXPECT_EQ((*file)->data(), nullptr);
  EXPECT_TRUE((*file)->Advise(MappedFile::Access::kRandom).ok());
}

TEST(MappedFileTest, MissingFileIsNotFoundAndDirectoryIsFailedPrecondition) {
  test::ScratchDir scratch;
  const absl::Status missing = MappedFile::Open(scratch.Path("nope")).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr(scratch.Path("nope")));
  const absl::Status dir = MappedFile::Open(scratch.path()).status();
  EXPECT_EQ(dir.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(dir.message(), HasSubstr(scratch.path()));
}

TEST(MappedFileTest, MovingTransfersTheMapping) {
  test::ScratchDir scratch;
  const std::string path = scratch.Path("data");
  WriteBytes(path, "hello mapping");
  absl::StatusOr<std::unique_ptr<MappedFile>> file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  MappedFile moved(std::move(**file));
  EXPECT_EQ((*file)->data(), nullptr);
  EXPECT_EQ((*file)->size(), 0u);
  ASSERT_EQ(moved.size(), 13u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(moved.data()), 13),
            "hello mapping");
}

}  // namespace
}  // namespace dnc::storage
