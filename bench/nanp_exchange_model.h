// A synthetic Do Not Call registry shaped like the US one: numbers only in
// listed US exchanges (NPA-NXX, from tools/gen_nanp_exchanges.py), with the
// density skew of a real registry. The one definition behind
// bench/loader_scale_gen.cc (dnc-load at scale) and dnc-bench gen
// (bench/load_gen.cc), header-only and standard C++ only so the former still
// builds with one g++ command.
//
// The model, all from one seed (std::mt19937_64 raw output, no std::
// distribution, so a seed gives the same registry on every platform):
//
//  1. Profile. Each exchange, in file order, draws a class and a density:
//       45% mature residential   40-70% of its numbers listed
//       30% mixed                10-40%
//       25% business / wireless / new   1-5%
//     (uniform within each range; mean ~33%, as ~250M listed of the US's
//     ~400-450M assigned, and ~750M-line capacity, suggests). Its "real"
//     count is density x its valid lines (10,000; 9,900 for NXX 555, whose
//     555-01XX are not dialable).
//  2. Order. Area codes are shuffled, and the exchanges within each one, so
//     a registry smaller than the national one is whole area codes at real
//     densities (like a few states' share of the registry), not a thin
//     sprinkle over all of them.
//  3. Size. The shortest prefix of that area-code order whose real counts
//     reach COUNT is chosen (all of them if none does), and every chosen
//     exchange's count is scaled by one factor s so the total is exactly
//     COUNT: floor(real x s), capped at the exchange's lines, remainders one
//     each in order. With the 35k exchanges listed by phonenumbers 8.12
//     (~116M real numbers), COUNT above that scales every exchange up (s >
//     1) keeping their ranking; COUNT must not exceed the lines of all
//     exchanges (~350M).
//  4. Lines. Each chosen exchange picks its listed lines by selection
//     sampling over its valid lines with its own generator (seeded from the
//     seed and the exchange), then shuffles them. Numbers come out
//     exchange by exchange in plan order: no repeats, not sorted.
//
// Thread-safety: thread-compatible (plain data and functions).
#ifndef DNC_BENCH_NANP_EXCHANGE_MODEL_H_
#define DNC_BENCH_NANP_EXCHANGE_MODEL_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace dnc::bench::nanp_model {

struct Exchange {
  int npa = 0;
  int nxx = 0;
  char state[3] = {'-', '-', '\0'};
  uint32_t real = 0;    // Listed numbers at the profile's density.
  uint32_t listed = 0;  // Listed numbers in this registry (step 3).
};

struct Plan {
  std::vector<Exchange> exchanges;  // In output order (step 2).
  uint64_t count = 0;               // Sum of listed.
  uint64_t seed = 0;
};

// Valid lines of an exchange (0-9999 but 555's 0100-0199).
inline bool ValidLine(int nxx, int line) {
  return !(nxx == 555 && line >= 100 && line <= 199);
}
inline uint32_t ValidLines(int nxx) { return nxx == 555 ? 9900 : 10000; }

// National (10-digit) number of a line of an exchange.
inline uint64_t National(const Exchange& e, int line) {
  return static_cast<uint64_t>(e.npa) * 10'000'000ULL +
         static_cast<uint64_t>(e.nxx) * 10'000ULL + line;
}

// Reads "NPA,NXX[,ST]" lines (tools/gen_nanp_exchanges.py). False (with
// `error` set) if the file cannot be read, a line is malformed or repeats,
// or there is none.
inline bool ReadExchanges(const std::string& path, std::vector<Exchange>* out,
                          std::string* error) {
  std::FILE* in = std::fopen(path.c_str(), "r");
  if (in == nullptr) {
    *error = "cannot open exchange list " + path;
    return false;
  }
  out->clear();
  char line[64];
  int number = 0;
  while (std::fgets(line, sizeof(line), in) != nullptr) {
    ++number;
    Exchange e;
    char state[3] = {0};
    const int fields =
        std::sscanf(line, "%3d,%3d,%2[A-Z-]", &e.npa, &e.nxx, state);
    if (fields < 2 || e.npa < 200 || e.npa > 999 || e.nxx < 200 ||
        e.nxx > 999 || e.nxx % 100 == 11) {
      std::fclose(in);
      *error = path + ":" + std::to_string(number) + ": not NPA,NXX[,ST]";
      return false;
    }
    if (fields == 3 && state[1] != '\0') {
      e.state[0] = state[0];
      e.state[1] = state[1];
    }
    out->push_back(e);
  }
  std::fclose(in);
  std::vector<int> codes;
  codes.reserve(out->size());
  for (const Exchange& e : *out) codes.push_back(e.npa * 1000 + e.nxx);
  std::sort(codes.begin(), codes.end());
  if (std::adjacent_find(codes.begin(), codes.end()) != codes.end()) {
    *error = path + ": an exchange is listed twice";
    return false;
  }
  if (out->empty()) {
    *error = path + ": no exchanges";
    return false;
  }
  return true;
}

// Steps 1-3. False (with `error`) if COUNT exceeds every exchange's lines.
inline bool MakePlan(std::vector<Exchange> exchanges, uint64_t count,
                     uint64_t seed, Plan* plan, std::string* error) {
  std::mt19937_64 rng(seed);
  uint64_t all_lines = 0;
  for (Exchange& e : exchanges) {  // 1. Profile.
    const uint64_t cls = rng() % 100;
    uint64_t per_10k;  // Density in 1/10,000.
    if (cls < 45) {
      per_10k = 4000 + rng() % 3001;
    } else if (cls < 75) {
      per_10k = 1000 + rng() % 3001;
    } else {
      per_10k = 100 + rng() % 401;
    }
    e.real = static_cast<uint32_t>(ValidLines(e.nxx) * per_10k / 10000);
    e.listed = 0;
    all_lines += ValidLines(e.nxx);
  }
  if (count > all_lines) {
    *error = "COUNT " + std::to_string(count) + " exceeds the " +
             std::to_string(all_lines) + " lines of the listed exchanges";
    return false;
  }
  // 2. Order: area codes shuffled, then exchanges within each.
  std::vector<int> npas;
  for (const Exchange& e : exchanges) npas.push_back(e.npa);
  std::sort(npas.begin(), npas.end());
  npas.erase(std::unique(npas.begin(), npas.end()), npas.end());
  for (size_t i = npas.size(); i > 1; --i) {
    std::swap(npas[i - 1], npas[rng() % i]);
  }
  std::vector<int> rank(1000, 0);
  for (size_t i = 0; i < npas.size(); ++i) rank[npas[i]] = static_cast<int>(i);
  std::stable_sort(exchanges.begin(), exchanges.end(),
                   [&](const Exchange& a, const Exchange& b) {
                     return rank[a.npa] < rank[b.npa];
                   });
  for (size_t start = 0; start < exchanges.size();) {
    size_t end = start;
    while (end < exchanges.size() &&
           exchanges[end].npa == exchanges[start].npa) {
      ++end;
    }
    for (size_t i = end - start; i > 1; --i) {
      std::swap(exchanges[start + i - 1], exchanges[start + rng() % i]);
    }
    start = end;
  }
  // 3. Size: the shortest prefix of area codes whose real counts reach
  // COUNT, then one scale factor for all its exchanges.
  size_t chosen = 0;
  uint64_t real = 0;
  while (chosen < exchanges.size() && real < count) {
    const int npa = exchanges[chosen].npa;
    while (chosen < exchanges.size() && exchanges[chosen].npa == npa) {
      real += exchanges[chosen++].real;
    }
  }
  auto total_at = [&](double s) {
    uint64_t total = 0;
    for (size_t i = 0; i < chosen; ++i) {
      const double n = static_cast<double>(exchanges[i].real) * s;
      total += std::min<uint64_t>(ValidLines(exchanges[i].nxx),
                                  static_cast<uint64_t>(n));
    }
    return total;
  };
  double lo = 0, hi = 1;
  while (total_at(hi) < count && hi < 1e9) hi *= 2;
  for (int i = 0; i < 100; ++i) {  // Largest s with total_at(s) <= count.
    const double mid = (lo + hi) / 2;
    (total_at(mid) <= count ? lo : hi) = mid;
  }
  uint64_t total = 0;
  for (size_t i = 0; i < chosen; ++i) {
    Exchange& e = exchanges[i];
    e.listed = static_cast<uint32_t>(std::min<uint64_t>(
        ValidLines(e.nxx),
        static_cast<uint64_t>(static_cast<double>(e.real) * lo)));
    total += e.listed;
  }
  while (total < count) {  // Remainders, one each, in plan order.
    for (size_t i = 0; i < exchanges.size() && total < count; ++i) {
      Exchange& e = exchanges[i];
      if (i < chosen && e.listed < ValidLines(e.nxx)) {
        ++e.listed;
        ++total;
      }
    }
    chosen = exchanges.size();  // Reached only if the chosen ones are full.
  }
  plan->exchanges = std::move(exchanges);
  plan->count = count;
  plan->seed = seed;
  return true;
}

// Step 4 for one exchange: its listed lines in output order, and (when
// `mask` is not null) a 10,000-entry map line -> listed.
inline void ListedLines(const Plan& plan, const Exchange& e,
                        std::vector<int>* lines, std::vector<bool>* mask) {
  lines->clear();
  if (mask != nullptr) mask->assign(10000, false);
  if (e.listed == 0) return;
  std::mt19937_64 rng(plan.seed * 0x9E3779B97F4A7C15ULL ^
                      static_cast<uint64_t>(e.npa * 1000 + e.nxx));
  uint64_t needed = e.listed, remaining = ValidLines(e.nxx);
  for (int line = 0; line < 10000 && needed > 0; ++line) {
    if (!ValidLine(e.nxx, line)) continue;
    if (rng() % remaining < needed) {
      lines->push_back(line);
      if (mask != nullptr) (*mask)[line] = true;
      --needed;
    }
    --remaining;
  }
  for (size_t i = lines->size(); i > 1; --i) {
    std::swap((*lines)[i - 1], (*lines)[rng() % i]);
  }
}

// Calls emit(national) for every number of the registry, in output order.
template <typename Emit>
void ForEachNumber(const Plan& plan, Emit emit) {
  std::vector<int> lines;
  for (const Exchange& e : plan.exchanges) {
    ListedLines(plan, e, &lines, nullptr);
    for (int line : lines) emit(National(e, line));
  }
}

struct Change {
  uint64_t national = 0;
  bool add = false;
};

// A change list of `count` records for the registry of `plan`: count / 2
// deletes of listed numbers (selection sampling along the output order) and
// the rest adds of unlisted lines of exchanges that have listed numbers (new
// registrations land where people already register), shuffled. From `seed`,
// independent of the plan's. False (with `error`) if there are too few
// listed or unlisted numbers.
inline bool MakeChanges(const Plan& plan, uint64_t count, uint64_t seed,
                        std::vector<Change>* changes, std::string* error) {
  const uint64_t deletes = count / 2, adds = count - deletes;
  uint64_t free_lines = 0;
  for (const Exchange& e : plan.exchanges) {
    if (e.listed > 0) free_lines += ValidLines(e.nxx) - e.listed;
  }
  if (deletes > plan.count || adds > free_lines) {
    *error = "a change list of " + std::to_string(count) +
             " needs more listed or free numbers than the registry has";
    return false;
  }
  std::mt19937_64 rng(seed);
  changes->clear();
  changes->reserve(count);
  uint64_t listed_left = plan.count, deletes_left = deletes;
  uint64_t free_left = free_lines, adds_left = adds;
  std::vector<int> lines;
  std::vector<bool> mask;
  for (const Exchange& e : plan.exchanges) {
    if (e.listed == 0) continue;
    ListedLines(plan, e, &lines, &mask);
    for (int line : lines) {
      if (rng() % listed_left < deletes_left) {
        changes->push_back({National(e, line), false});
        --deletes_left;
      }
      --listed_left;
    }
    for (int line = 0; line < 10000; ++line) {
      if (!ValidLine(e.nxx, line) || mask[line]) continue;
      if (rng() % free_left < adds_left) {
        changes->push_back({National(e, line), true});
        --adds_left;
      }
      --free_left;
    }
  }
  for (size_t i = changes->size(); i > 1; --i) {  // Fisher-Yates.
    std::swap((*changes)[i - 1], (*changes)[rng() % i]);
  }
  return true;
}

}  // namespace dnc::bench::nanp_model

#endif  // DNC_BENCH_NANP_EXCHANGE_MODEL_H_
