// loader_scale_gen: writes the inputs of bench/loader_scale.sh with a fixed
// seed, to stdout. Standalone (no project libraries) so the script can build
// it with one g++ command; std::mt19937_64's output is fixed by the C++
// standard and no std:: distribution is used, so a seed gives the same bytes
// on every platform.
//
//   loader_scale_gen full COUNT SEED
//       COUNT lines "NPA,NXXXXXX" (FTC flat), valid NANP numbers drawn
//       uniformly (unsorted; about 0.4% repeats at 50M).
//   loader_scale_gen change FULL_COUNT FULL_SEED COUNT SEED DATE
//       COUNT lines "NPA,NXXXXXX,DATE 00:00:00,A|D" (ftc-change): half
//       deletes of numbers of that full list, half adds of new numbers, in
//       random order.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

// The NANP rules dnc::ClassifyE164 applies (common/phone_number.cc).
bool ValidNanp(uint64_t national) {
  const uint64_t npa = national / 10000000, nxx = national / 10000 % 1000,
                 line = national % 10000;
  if (npa < 200 || npa % 100 == 11 || npa / 10 % 10 == 9) return false;
  if (npa / 10 == 37 || npa / 10 == 96) return false;
  if (nxx < 200 || nxx % 100 == 11) return false;
  return !(nxx == 555 && line >= 100 && line <= 199);
}

uint64_t NextNumber(std::mt19937_64& rng) {
  while (true) {
    const uint64_t national = 2000000000ULL + rng() % 8000000000ULL;
    if (ValidNanp(national)) return national;
  }
}

void PrintNumber(uint64_t national, std::FILE* out) {
  std::fprintf(out, "%03llu,%07llu",
               static_cast<unsigned long long>(national / 10000000),
               static_cast<unsigned long long>(national % 10000000));
}

int Usage() {
  std::fprintf(stderr,
               "usage: loader_scale_gen full COUNT SEED\n"
               "       loader_scale_gen change FULL_COUNT FULL_SEED COUNT "
               "SEED YYYY-MM-DD\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
  if (mode == "full" && argc == 4) {
    const uint64_t count = std::strtoull(argv[2], nullptr, 10);
    std::mt19937_64 rng(std::strtoull(argv[3], nullptr, 10));
    for (uint64_t i = 0; i < count; ++i) {
      PrintNumber(NextNumber(rng), stdout);
      std::fputc('\n', stdout);
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (mode == "change" && argc == 7) {
    const uint64_t full_count = std::strtoull(argv[2], nullptr, 10);
    std::mt19937_64 full_rng(std::strtoull(argv[3], nullptr, 10));
    const uint64_t count = std::strtoull(argv[4], nullptr, 10);
    std::mt19937_64 rng(std::strtoull(argv[5], nullptr, 10));
    const std::string date = argv[6];
    // (number, add?) records: deletes picked along the full list's sequence.
    std::vector<std::pair<uint64_t, bool>> records;
    records.reserve(count);
    const uint64_t deletes = count / 2;
    for (uint64_t i = 0; i < full_count && records.size() < deletes; ++i) {
      const uint64_t number = NextNumber(full_rng);
      // Pick with probability deletes / full_count (integer arithmetic).
      if (rng() % full_count < deletes) records.emplace_back(number, false);
    }
    while (records.size() < count) records.emplace_back(NextNumber(rng), true);
    for (size_t i = records.size(); i > 1; --i) {  // Fisher-Yates.
      std::swap(records[i - 1], records[rng() % i]);
    }
    for (const auto& [number, add] : records) {
      PrintNumber(number, stdout);
      std::fprintf(stdout, ",%s 00:00:00,%c\n", date.c_str(), add ? 'A' : 'D');
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  return Usage();
}
