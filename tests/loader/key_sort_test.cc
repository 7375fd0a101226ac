#include "loader/key_sort.h"

#include <algorithm>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace dnc::loader {
namespace {

// SortKeys agrees with std::sort on `keys`.
void ExpectSortsLikeStdSort(std::vector<uint64_t> keys) {
  std::vector<uint64_t> expected = keys;
  std::sort(expected.begin(), expected.end());
  SortKeys(absl::MakeSpan(keys));
  ASSERT_EQ(keys, expected);
}

TEST(KeySortTest, SortsSmallAndEmptyInputs) {
  ExpectSortsLikeStdSort({});
  ExpectSortsLikeStdSort({5});
  ExpectSortsLikeStdSort({3, 1, 2, 1});
}

TEST(KeySortTest, SortsRandomNanpKeysWithDuplicates) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> keys(300000);
  for (uint64_t& key : keys) key = 12000000000ULL + rng() % 8000000000ULL;
  for (size_t i = 0; i < 5000; ++i) keys[rng() % keys.size()] = keys[i];
  ExpectSortsLikeStdSort(keys);
}

TEST(KeySortTest, SortsClusteredKeysFromSeveralCountries) {
  // +1 and +44 numbers: most keys fall into few top-level buckets.
  std::mt19937_64 rng(2);
  std::vector<uint64_t> keys(400000);
  for (size_t i = 0; i < keys.size(); ++i) {
    keys[i] = (i % 10 == 0) ? 440000000000ULL + rng() % 10000000000ULL
                            : 12000000000ULL + rng() % 8000000000ULL;
  }
  ExpectSortsLikeStdSort(keys);
}

TEST(KeySortTest, SortsAllEqualSortedAndReversedInputs) {
  ExpectSortsLikeStdSort(std::vector<uint64_t>(100000, 12025550000ULL));
  std::vector<uint64_t> ascending(200000);
  for (size_t i = 0; i < ascending.size(); ++i)
    ascending[i] = 12000000000ULL + i * 7;
  ExpectSortsLikeStdSort(ascending);
  std::vector<uint64_t> descending(ascending.rbegin(), ascending.rend());
  ExpectSortsLikeStdSort(descending);
}

TEST(KeySortTest, SortsTheFullUint64Range) {
  std::mt19937_64 rng(3);
  std::vector<uint64_t> keys(100000);
  for (uint64_t& key : keys) key = rng();
  keys[0] = 0;
  keys[1] = ~uint64_t{0};
  ExpectSortsLikeStdSort(keys);
}

}  // namespace
}  // namespace dnc::loader
