// loader_scale_gen: writes the inputs of bench/loader_scale.sh with a fixed
// seed, to stdout. Standalone (no project libraries; the registry model is
// the header-only bench/nanp_exchange_model.h) so the script can build it
// with one g++ command; std::mt19937_64's output is fixed by the C++ standard
// and no std:: distribution is used, so a seed gives the same bytes on every
// platform.
//
//   loader_scale_gen full EXCHANGES COUNT SEED
//       COUNT lines "NPA,NXXXXXX" (FTC flat): a registry shaped like the US
//       one (nanp_exchange_model.h): only the US exchanges listed in
//       EXCHANGES (tools/gen_nanp_exchanges.py), 1-70% of each listed, whole
//       area codes at a time; no repeats, exchange by exchange, not sorted.
//       Streams: memory does not grow with COUNT (up to ~350M).
//   loader_scale_gen change EXCHANGES FULL_COUNT FULL_SEED COUNT SEED DATE
//       COUNT lines "NPA,NXXXXXX,DATE 00:00:00,A|D" (ftc-change) for that
//       full list: half deletes of its numbers, half adds of unlisted
//       numbers of its exchanges, in random order (holds COUNT records).
//   loader_scale_gen full-uniform COUNT SEED
//   loader_scale_gen change-uniform FULL_COUNT FULL_SEED COUNT SEED DATE
//       The earlier model: numbers uniform over every valid NANP area code
//       and exchange (692 NPAs, most of them covered by no registry; about
//       0.4% repeats at 50M), and its change list.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bench/nanp_exchange_model.h"

namespace {

namespace model = dnc::bench::nanp_model;

// The NANP rules dnc::ClassifyE164 applies (common/phone_number.cc).
bool ValidNanp(uint64_t national) {
  const uint64_t npa = national / 10000000, nxx = national / 10000 % 1000,
                 line = national % 10000;
  if (npa < 200 || npa % 100 == 11 || npa / 10 % 10 == 9) return false;
  if (npa / 10 == 37 || npa / 10 == 96) return false;
  if (nxx < 200 || nxx % 100 == 11) return false;
  return !(nxx == 555 && line >= 100 && line <= 199);
}

uint64_t NextUniformNumber(std::mt19937_64& rng) {
  while (true) {
    const uint64_t national = 2000000000ULL + rng() % 8000000000ULL;
    if (ValidNanp(national)) return national;
  }
}

// "NPA,NXXXXXX" without printf (250M lines: printf would dominate).
void PrintNumber(uint64_t national, std::FILE* out) {
  char text[11];
  for (int i = 10; i >= 0; --i) {
    if (i == 3) {
      text[i] = ',';
      continue;
    }
    text[i] = static_cast<char>('0' + national % 10);
    national /= 10;
  }
  std::fwrite(text, 1, sizeof(text), out);
}

void PrintChange(uint64_t national, bool add, const std::string& date) {
  PrintNumber(national, stdout);
  std::fprintf(stdout, ",%s 00:00:00,%c\n", date.c_str(), add ? 'A' : 'D');
}

int Usage() {
  std::fprintf(stderr,
               "usage: loader_scale_gen full EXCHANGES COUNT SEED\n"
               "       loader_scale_gen change EXCHANGES FULL_COUNT FULL_SEED "
               "COUNT SEED YYYY-MM-DD\n"
               "       loader_scale_gen full-uniform COUNT SEED\n"
               "       loader_scale_gen change-uniform FULL_COUNT FULL_SEED "
               "COUNT SEED YYYY-MM-DD\n");
  return 2;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "loader_scale_gen: %s\n", message.c_str());
  return 1;
}

bool LoadPlan(const char* path, const char* count, const char* seed,
              model::Plan* plan, std::string* error) {
  std::vector<model::Exchange> exchanges;
  return model::ReadExchanges(path, &exchanges, error) &&
         model::MakePlan(std::move(exchanges),
                         std::strtoull(count, nullptr, 10),
                         std::strtoull(seed, nullptr, 10), plan, error);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
  std::string error;
  if (mode == "full" && argc == 5) {
    model::Plan plan;
    if (!LoadPlan(argv[2], argv[3], argv[4], &plan, &error)) {
      return Fail(error);
    }
    model::ForEachNumber(plan, [](uint64_t national) {
      PrintNumber(national, stdout);
      std::fputc('\n', stdout);
    });
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (mode == "change" && argc == 8) {
    model::Plan plan;
    if (!LoadPlan(argv[2], argv[3], argv[4], &plan, &error)) {
      return Fail(error);
    }
    std::vector<model::Change> changes;
    if (!model::MakeChanges(plan, std::strtoull(argv[5], nullptr, 10),
                            std::strtoull(argv[6], nullptr, 10), &changes,
                            &error)) {
      return Fail(error);
    }
    const std::string date = argv[7];
    for (const model::Change& change : changes) {
      PrintChange(change.national, change.add, date);
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (mode == "full-uniform" && argc == 4) {
    const uint64_t count = std::strtoull(argv[2], nullptr, 10);
    std::mt19937_64 rng(std::strtoull(argv[3], nullptr, 10));
    for (uint64_t i = 0; i < count; ++i) {
      PrintNumber(NextUniformNumber(rng), stdout);
      std::fputc('\n', stdout);
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (mode == "change-uniform" && argc == 7) {
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
      const uint64_t number = NextUniformNumber(full_rng);
      // Pick with probability deletes / full_count (integer arithmetic).
      if (rng() % full_count < deletes) records.emplace_back(number, false);
    }
    while (records.size() < count) {
      records.emplace_back(NextUniformNumber(rng), true);
    }
    for (size_t i = records.size(); i > 1; --i) {  // Fisher-Yates.
      std::swap(records[i - 1], records[rng() % i]);
    }
    for (const auto& [number, add] : records) PrintChange(number, add, date);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  return Usage();
}
