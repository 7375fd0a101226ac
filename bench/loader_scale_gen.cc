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
//   loader_scale_gen queries EXCHANGES FULL_COUNT FULL_SEED COUNT HIT_PERCENT
//                    SEED [CHANGE_FILE...]  >FILE.keys
//       A dnc-bench query list (key file: COUNT distinct E.164 keys in random
//       order with per-key hit flags) for that full list: HIT_PERCENT% of the
//       keys listed, drawn uniformly, the rest unlisted lines of listed
//       numbers' exchanges. No number any CHANGE_FILE (ftc-change, as written
//       above) names is drawn, so the answers hold before and after those
//       change lists are applied: dnc-bench's answer checks pass while a
//       change list is swapped in. Holds the whole registry (8 bytes a
//       number).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_set>
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
               "COUNT SEED YYYY-MM-DD\n"
               "       loader_scale_gen queries EXCHANGES FULL_COUNT FULL_SEED "
               "COUNT HIT_PERCENT SEED [CHANGE_FILE...] >FILE.keys\n");
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

// Adds the numbers an ftc-change file ("NPA,NXXXXXX,DATE TIME,A|D" lines)
// names to `numbers`.
bool ReadChangedNumbers(const char* path, std::unordered_set<uint64_t>* numbers,
                        std::string* error) {
  std::FILE* in = std::fopen(path, "r");
  if (in == nullptr) {
    *error = std::string("cannot open ") + path;
    return false;
  }
  char line[128];
  uint64_t line_number = 0;
  bool ok = true;
  while (ok && std::fgets(line, sizeof(line), in) != nullptr) {
    ++line_number;
    uint64_t national = 0;
    int digits = 0;
    for (const char* p = line; *p != '\0' && *p != '\n' && digits < 10; ++p) {
      if (*p >= '0' && *p <= '9') {
        national = national * 10 + static_cast<uint64_t>(*p - '0');
        ++digits;
      } else if (*p != ',') {
        break;
      }
    }
    ok = digits == 10;
    if (ok) numbers->insert(national);
  }
  std::fclose(in);
  if (!ok) {
    *error = std::string(path) + " line " + std::to_string(line_number) +
             ": not an ftc-change record";
  }
  return ok;
}

// The queries mode (see the top of the file).
int WriteQueries(int argc, char** argv) {
  model::Plan plan;
  std::string error;
  if (!LoadPlan(argv[2], argv[3], argv[4], &plan, &error)) return Fail(error);
  const uint64_t count = std::strtoull(argv[5], nullptr, 10);
  const uint64_t hit_percent = std::strtoull(argv[6], nullptr, 10);
  const uint64_t seed = std::strtoull(argv[7], nullptr, 10);
  std::vector<uint64_t> listed;
  model::ForEachNumber(plan,
                       [&](uint64_t national) { listed.push_back(national); });
  std::sort(listed.begin(), listed.end());
  std::unordered_set<uint64_t> changed;
  for (int i = 8; i < argc; ++i) {
    if (!ReadChangedNumbers(argv[i], &changed, &error)) return Fail(error);
  }
  if (listed.empty() || hit_percent > 100 || count > listed.size() / 4) {
    return Fail(
        "COUNT must be at most a quarter of the registry, "
        "HIT_PERCENT at most 100");
  }
  const uint64_t hits = (count * hit_percent + 50) / 100;
  std::mt19937_64 rng(seed);
  std::unordered_set<uint64_t> chosen;
  std::vector<std::pair<uint64_t, uint8_t>> queries;
  queries.reserve(count);
  while (queries.size() < hits) {
    const uint64_t national = listed[rng() % listed.size()];
    if (changed.count(national) == 0 && chosen.insert(national).second) {
      queries.emplace_back(national, 1);
    }
  }
  while (queries.size() < count) {
    const uint64_t exchange = listed[rng() % listed.size()] / 10000 * 10000;
    const uint64_t national = exchange + rng() % 10000;
    if (ValidNanp(national) && changed.count(national) == 0 &&
        !std::binary_search(listed.begin(), listed.end(), national) &&
        chosen.insert(national).second) {
      queries.emplace_back(national, 0);
    }
  }
  for (size_t i = queries.size(); i > 1; --i) {  // Fisher-Yates.
    std::swap(queries[i - 1], queries[rng() % i]);
  }
  // bench/load_gen.h's key file: magic, count, hits, seed, has_flags, the
  // E.164 keys (country code 1 in front), one flag byte per key.
  const uint64_t header[4] = {count, hits, seed, 1};
  bool ok = std::fwrite("DNCBKEY1", 1, 8, stdout) == 8 &&
            std::fwrite(header, sizeof(header), 1, stdout) == 1;
  for (const auto& [national, hit] : queries) {
    const uint64_t key = 10'000'000'000ULL + national;
    ok = ok && std::fwrite(&key, sizeof(key), 1, stdout) == 1;
  }
  for (const auto& [national, hit] : queries) {
    ok = ok && std::fputc(hit, stdout) != EOF;
  }
  return ok && std::fflush(stdout) == 0 ? 0 : 1;
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
  if (mode == "queries" && argc >= 8) return WriteQueries(argc, argv);
  return Usage();
}
