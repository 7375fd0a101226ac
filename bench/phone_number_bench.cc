// ParsePhoneNumber / ClassifyE164 micro-benchmarks: ns per number on a mix of
// realistic lead-list formats, and per format.
//
//   ninja -C build phone_number_bench
//   build/bench/phone_number_bench --benchmark_min_time=0.2
//
// ns/number is the "ns_per_number" counter.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "common/phone_number.h"

namespace dnc {
namespace {

constexpr size_t kInputs = 1 << 12;  // Cycled through; fits in L1/L2.

enum Shape {
  kParenthesised,  // (202) 555-1234
  kDotted,         // 202.555.1234
  kPlusOne,        // +1 202 555 1234
  kDashedWithOne,  // 1-202-555-1234
  kBareDigits,     // 2025551234
  kExtension,      // 202-555-1234 ext. 45
  kQuoted,         // "202-555-1234"
  kTelUri,         // tel:+1-202-555-1234
  kInternational,  // +44 20 7946 0958
  kNumShapes,
};

std::string Format(Shape shape, std::mt19937_64& rng) {
  auto digits = [&rng](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  const std::string npa = std::to_string(200 + rng() % 800);
  const std::string nxx = std::to_string(200 + rng() % 800);
  const std::string line = digits(4);
  switch (shape) {
    case kParenthesised:
      return "(" + npa + ") " + nxx + "-" + line;
    case kDotted:
      return npa + "." + nxx + "." + line;
    case kPlusOne:
      return "+1 " + npa + " " + nxx + " " + line;
    case kDashedWithOne:
      return "1-" + npa + "-" + nxx + "-" + line;
    case kBareDigits:
      return npa + nxx + line;
    case kExtension:
      return npa + "-" + nxx + "-" + line + " ext. 45";
    case kQuoted:
      return "\"" + npa + "-" + nxx + "-" + line + "\"";
    case kTelUri:
      return "tel:+1-" + npa + "-" + nxx + "-" + line;
    default:
      return "+44 20 " + digits(4) + " " + digits(4);
  }
}

// Deterministic inputs: one shape, or (shape < 0) a mix weighted like a lead
// list: mostly (xxx) xxx-xxxx, dashed and bare digits.
std::vector<std::string> Inputs(int shape) {
  static const Shape kMix[] = {kParenthesised, kParenthesised, kParenthesised,
                               kDotted,        kPlusOne,       kDashedWithOne,
                               kBareDigits,    kBareDigits,    kExtension,
                               kQuoted,        kTelUri,        kInternational};
  std::mt19937_64 rng(42);
  std::vector<std::string> inputs;
  for (size_t i = 0; i < kInputs; ++i) {
    const Shape s = shape >= 0 ? static_cast<Shape>(shape)
                               : kMix[rng() % (sizeof(kMix) / sizeof(kMix[0]))];
    inputs.push_back(Format(s, rng));
  }
  return inputs;
}

void SetCounters(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_number"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ParsePhoneNumber(benchmark::State& state) {
  const std::vector<std::string> inputs = Inputs(-1);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParsePhoneNumber(inputs[i++ & (kInputs - 1)]));
  }
  SetCounters(state);
}
BENCHMARK(BM_ParsePhoneNumber);

void BM_ParsePhoneNumberByShape(benchmark::State& state) {
  const std::vector<std::string> inputs =
      Inputs(static_cast<int>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParsePhoneNumber(inputs[i++ & (kInputs - 1)]));
  }
  SetCounters(state);
  state.SetLabel(inputs[0]);
}
BENCHMARK(BM_ParsePhoneNumberByShape)->DenseRange(0, kNumShapes - 1);

void BM_ClassifyE164(benchmark::State& state) {
  std::vector<uint64_t> keys;
  std::mt19937_64 rng(7);
  for (size_t i = 0; i < kInputs; ++i) {
    keys.push_back(10'000'000'000ULL + rng() % 10'000'000'000ULL);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ClassifyE164(keys[i++ & (kInputs - 1)]));
  }
  SetCounters(state);
}
BENCHMARK(BM_ClassifyE164);

}  // namespace
}  // namespace dnc

BENCHMARK_MAIN();
