// The load generators' shared pieces: the data they send (exact hit shares,
// valid and distinct numbers, deterministic files), the batches and their
// expected answers, the percentile arithmetic, and the report's ratios.
#include "bench/load_gen.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "bench/load_gen_report.h"
#include "bench/open_loop.h"
#include "common/phone_number.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::bench {
namespace {

using ::testing::HasSubstr;

TEST(LoadGenTest, RegistryIsExactSortedDistinctAndValid) {
  const std::vector<uint64_t> registry = GenerateRegistry(50'000, 11);
  ASSERT_EQ(registry.size(), 50'000u);
  EXPECT_TRUE(std::is_sorted(registry.begin(), registry.end()));
  EXPECT_EQ(std::adjacent_find(registry.begin(), registry.end()),
            registry.end());
  for (uint64_t key : registry) {
    ASSERT_TRUE(ClassifyE164(key).valid()) << key;
  }
  EXPECT_EQ(GenerateRegistry(50'000, 11), registry);
  EXPECT_NE(GenerateRegistry(50'000, 12), registry);
}

TEST(LoadGenTest, QueriesHaveTheExactHitShareAndTruthfulFlags) {
  const std::vector<uint64_t> registry = GenerateRegistry(100'000, 5);
  for (double share : {0.0, 0.05, 0.5, 1.0}) {
    const QueryList list = GenerateQueries(registry, 20'000, share, 9);
    ASSERT_EQ(list.keys.size(), 20'000u);
    ASSERT_EQ(list.hit.size(), 20'000u);
    EXPECT_EQ(list.hits, static_cast<uint64_t>(20'000 * share + 0.5));
    uint64_t flagged = 0;
    for (size_t i = 0; i < list.keys.size(); ++i) {
      const bool listed =
          std::binary_search(registry.begin(), registry.end(), list.keys[i]);
      ASSERT_EQ(listed, list.hit[i] == 1) << list.keys[i];
      ASSERT_TRUE(ClassifyE164(list.keys[i]).valid());
      flagged += list.hit[i];
    }
    EXPECT_EQ(flagged, list.hits);
    EXPECT_EQ(std::set<uint64_t>(list.keys.begin(), list.keys.end()).size(),
              list.keys.size());
  }
}

TEST(LoadGenTest, KeyFilesRoundTripAndRejectDamage) {
  test::ScratchDir dir;
  const std::vector<uint64_t> registry = GenerateRegistry(1000, 3);
  const QueryList list = GenerateQueries(registry, 500, 0.5, 4);
  ASSERT_TRUE(
      WriteKeyFile(dir.Path("q.keys"), list.keys, list.hit, list.hits, 4).ok());
  absl::StatusOr<QueryList> read = ReadKeyFile(dir.Path("q.keys"));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->keys, list.keys);
  EXPECT_EQ(read->hit, list.hit);
  EXPECT_EQ(read->hits, list.hits);

  ASSERT_TRUE(
      WriteKeyFile(dir.Path("r.keys"), registry, {}, registry.size(), 3).ok());
  absl::StatusOr<QueryList> all = ReadKeyFile(dir.Path("r.keys"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->hit, std::vector<uint8_t>(registry.size(), 1));

  EXPECT_EQ(ReadKeyFile(dir.Path("missing.keys")).status().code(),
            absl::StatusCode::kNotFound);
  std::filesystem::resize_file(dir.Path("q.keys"), 100);
  EXPECT_EQ(ReadKeyFile(dir.Path("q.keys")).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(LoadGenTest, FtcFlatTextHasOneLinePerNumber) {
  test::ScratchDir dir;
  const std::vector<uint64_t> keys = {12025550100ULL, 19175551234ULL};
  ASSERT_TRUE(WriteFtcFlatText(dir.Path("r.txt"), keys).ok());
  std::ifstream in(dir.Path("r.txt"));
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "202,5550100\n917,5551234\n");
}

TEST(LoadGenTest, BatchesWrapAroundAndCountTheirHits) {
  QueryList list;
  list.keys = {1, 2, 3, 4, 5};
  list.hit = {1, 0, 1, 0, 0};
  list.hits = 2;
  const Batches batches = MakeBatches(list, 3);
  ASSERT_EQ(batches.keys.size(), 1u);  // 5 / 3 batches cover the list once.
  EXPECT_EQ(batches.keys[0], (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(batches.expected_hits[0], 2u);

  const Batches wrapped = MakeBatches(list, 7);
  ASSERT_EQ(wrapped.keys.size(), 1u);
  EXPECT_EQ(wrapped.keys[0], (std::vector<uint64_t>{1, 2, 3, 4, 5, 1, 2}));
  EXPECT_EQ(wrapped.expected_hits[0], 3u);
  EXPECT_EQ(wrapped.expected_distinct_hits[0], 2u);
}

TEST(LoadGenTest, PercentilesAreNearestRank) {
  std::vector<int64_t> nanos;
  for (int i = 1000; i >= 1; --i) nanos.push_back(i * 1000);  // 1..1000 us.
  const LatencySummary s = Summarize(&nanos);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_DOUBLE_EQ(s.p50_us, 500);
  EXPECT_DOUBLE_EQ(s.p99_us, 990);
  EXPECT_DOUBLE_EQ(s.p999_us, 999);
  EXPECT_DOUBLE_EQ(s.max_us, 1000);
  std::vector<int64_t> none;
  EXPECT_EQ(Summarize(&none).count, 0u);
}

TEST(OpenLoopTest, ScheduleSpacesCallsEvenlyAndCountsTheDueOnes) {
  // 1,000/s: one call per ms; 0.5 s warm-up (500 calls), 2 s measured.
  const OpenLoopSchedule schedule(1000, 0.5, 2, /*t0_ns=*/1'000'000'000);
  EXPECT_EQ(schedule.first_measured(), 500u);
  EXPECT_EQ(schedule.measured(), 2000u);
  EXPECT_EQ(schedule.total(), 2500u);
  EXPECT_EQ(schedule.Due(0), 1'000'000'000);
  EXPECT_EQ(schedule.Due(3), 1'003'000'000);
  EXPECT_EQ(schedule.window_start(), 1'500'000'000);
  EXPECT_EQ(schedule.window_end(), 3'500'000'000);
  EXPECT_DOUBLE_EQ(schedule.window_seconds(), 2.0);
  EXPECT_EQ(schedule.DueBy(999'999'999), 0u);
  EXPECT_EQ(schedule.DueBy(1'000'000'000), 1u);
  EXPECT_EQ(schedule.DueBy(1'002'999'999), 3u);
  EXPECT_EQ(schedule.DueBy(1'003'000'000), 4u);
  EXPECT_EQ(schedule.DueBy(9'000'000'000), 2500u);
  EXPECT_EQ(schedule.Slot(499), -1);
  EXPECT_EQ(schedule.Slot(500), 0);
  EXPECT_EQ(schedule.Slot(2500), -1);
}

TEST(OpenLoopTest, OnlyCallsAnsweredInsideTheWindowAreAchieved) {
  // 10 measured calls at 1,000/s from t0 = 0 (no warm-up): the window is
  // [0, 10 ms].
  const OpenLoopSchedule schedule(1000, 0, 0.01, 0);
  OpenLoopTally tally(schedule);
  const int64_t ms = 1'000'000;
  for (uint64_t i = 0; i < 6; ++i) {  // Answered 1 ms after due: achieved.
    tally.Sent(i, schedule.Due(i));
    tally.Answered(i, schedule.Due(i) + ms, true);
  }
  tally.Sent(6, schedule.Due(6) + 2 * ms);  // Sent late, answered after.
  tally.Answered(6, 30 * ms, true);         // the window: late.
  tally.Sent(7, schedule.Due(7));
  tally.Answered(7, schedule.Due(7) + ms, false);  // An error: failed.
  tally.Skipped(8);                                // Never sent.
  tally.Sent(9, schedule.Due(9));                  // Never answered.
  const OpenLoopSummary s = tally.Summarize();
  EXPECT_EQ(s.measured, 10u);
  EXPECT_EQ(s.achieved, 6u);
  EXPECT_EQ(s.late, 1u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.unanswered, 1u);
  EXPECT_EQ(s.answered_in_window, 7u);  // Six achieved and the failed one.
  // Latency from the due time (the late call's 24 ms, not 22 ms); the
  // failed, skipped and unanswered ones count as 10 s.
  EXPECT_DOUBLE_EQ(s.latency.p50_us, 1000);
  EXPECT_DOUBLE_EQ(s.latency.p90_us, 1e7);
  EXPECT_DOUBLE_EQ(s.latency.max_us, 1e7);
  EXPECT_EQ(s.send_lag.count, 9u);  // Every call sent, warm-up none.
  EXPECT_DOUBLE_EQ(s.send_lag.max_us, 2000);
  EXPECT_TRUE(Overloaded(s));

  ResultLine line;
  SetOpenLoopFields(s, schedule.window_seconds(), /*client_cpu_seconds=*/0.007,
                    /*server_cpu_seconds=*/0.0035, &line);
  const auto fields = ParseResultLine(line.ToString());
  EXPECT_EQ(fields.at("achieved_per_s"), "600");
  EXPECT_EQ(fields.at("late"), "1");
  EXPECT_EQ(fields.at("overloaded"), "1");
  EXPECT_EQ(fields.at("client_us_per_call"), "1000");
  EXPECT_EQ(fields.at("server_us_per_call"), "500");
  EXPECT_EQ(fields.at("calls_per_server_cpu_s"), "2000");
}

TEST(OpenLoopTest, AServerThatKeepsUpIsNotOverloaded) {
  const OpenLoopSchedule schedule(1000, 0.1, 1, 0);
  OpenLoopTally tally(schedule);
  for (uint64_t i = 0; i < schedule.total(); ++i) {
    tally.Sent(i, schedule.Due(i));
    tally.Answered(i, schedule.Due(i) + 200'000, true);
  }
  const OpenLoopSummary s = tally.Summarize();
  EXPECT_EQ(s.achieved, 1000u);
  EXPECT_EQ(s.late, 0u);
  EXPECT_DOUBLE_EQ(s.latency.p99_us, 200);
  EXPECT_FALSE(Overloaded(s));
}

TEST(LoadGenTest, CountsParseWithSuffixes) {
  EXPECT_EQ(*ParseCount("10M"), 10'000'000u);
  EXPECT_EQ(*ParseCount("250k"), 250'000u);
  EXPECT_EQ(*ParseCount("1.5m"), 1'500'000u);
  EXPECT_EQ(*ParseCount("1000"), 1000u);
  EXPECT_FALSE(ParseCount("ten").ok());
  EXPECT_FALSE(ParseCount("").ok());
}

TEST(LoadGenTest, ResultLinesRoundTrip) {
  ResultLine line;
  line.Set("scenario", "scrub").Set("numbers_per_s", 1.5e6).Set("note", "a b");
  const std::string text = line.ToString();
  EXPECT_EQ(text.rfind("RESULT ", 0), 0u);
  const auto fields = ParseResultLine(text);
  EXPECT_EQ(fields.at("scenario"), "scrub");
  EXPECT_DOUBLE_EQ(std::stod(fields.at("numbers_per_s")), 1.5e6);
  EXPECT_EQ(fields.at("note"), "a~b");
  EXPECT_TRUE(ParseResultLine("something else").empty());
}

ResultFields Scrub(const std::string& system, const std::string& hits,
                   double rate) {
  return {{"scenario", "scrub"}, {"system", system},
          {"hits", hits},        {"batch", "10000"},
          {"concurrency", "8"},  {"numbers_per_s", std::to_string(rate)}};
}

TEST(LoadGenTest, ReportGivesMediansRangesAndRatiosToEachPeer) {
  std::vector<ResultFields> results = {
      Scrub("dnc", "5", 14e6),       Scrub("dnc", "5", 10e6),
      Scrub("dnc", "5", 12e6),       Scrub("redis", "5", 1.2e6),
      Scrub("postgres", "5", 0.6e6), Scrub("dnc", "50", 5e6),
      Scrub("redis", "50", 1e6),     Scrub("postgres", "50", 0.5e6)};
  const std::string report = RenderReport(results, ReportOptions());
  EXPECT_THAT(report, HasSubstr("#### Batched Scrub: 10000 numbers per "
                                "request, 8 concurrent"));
  // Median of 10M, 12M, 14M is 12M; 12M / 1.2M = 10x; range 10/1.2 .. 14/1.2.
  EXPECT_THAT(report, HasSubstr("| 5% | dnc-server | **12.00M** | 10.00M – "
                                "14.00M (3 runs) | — |"));
  EXPECT_THAT(report, HasSubstr("**10x** (8.3x – 12x)"));
  EXPECT_THAT(report, HasSubstr("10x Redis (SMISMEMBER) (target 10x: met)"));
  EXPECT_THAT(report,
              HasSubstr("20x PostgreSQL (`= ANY($1)`) (target 20x: met)"));
  EXPECT_THAT(report,
              HasSubstr("5.0x Redis (SMISMEMBER) (target 10x: **not met**)"));
  EXPECT_EQ(RenderReport({}, ReportOptions()), "_No results were recorded._\n");
}

TEST(LoadGenTest, ReportFindsTheHighestRateUnderTheLatencyLimit) {
  auto step = [](const std::string& system, int rate, double p99) {
    return ResultFields{{"scenario", "check_sweep"},
                        {"system", system},
                        {"hits", "5"},
                        {"rate", std::to_string(rate)},
                        {"p99_us", std::to_string(p99)},
                        {"p999_us", std::to_string(p99 * 2)},
                        {"overloaded", "0"}};
  };
  const std::string report =
      RenderReport({step("dnc", 10000, 300), step("dnc", 20000, 600),
                    step("dnc", 40000, 1500), step("redis", 10000, 1200)},
                   ReportOptions());
  EXPECT_THAT(report, HasSubstr("dnc-server **20k/s**"));
  EXPECT_THAT(report, HasSubstr("Redis (SISMEMBER) **none of the steps**"));
  EXPECT_THAT(report, HasSubstr("~~1.50 ms / 3.00 ms~~"));
}

TEST(LoadGenTest, ReportHasASectionPerPlacementWithCpuPerCall) {
  auto check = [](const std::string& placement, const std::string& system,
                  const std::string& server_us) {
    return ResultFields{{"scenario", "check"},
                        {"placement", placement},
                        {"system", system},
                        {"hits", "5"},
                        {"rate", "20000"},
                        {"achieved_per_s", "20000"},
                        {"late", "3"},
                        {"failed", "0"},
                        {"p50_us", "100"},
                        {"p99_us", "400"},
                        {"p999_us", "900"},
                        {"server_cpu", "0.5"},
                        {"server_us_per_call", server_us},
                        {"client_us_per_call", "8"},
                        {"overloaded", "0"}};
  };
  const ResultFields http = {{"scenario", "http"},
                             {"placement", "pinned"},
                             {"system", "dnc"},
                             {"request", "GET~/v1/check"},
                             {"tool", "wrk"},
                             {"connections", "8"},
                             {"requests_per_s", "30000"},
                             {"numbers_per_s", "30000"},
                             {"p50_us", "200"},
                             {"p99_us", "900"},
                             {"server_cpu", "0.75"},
                             {"client_cpu", "0.4"},
                             {"errors", "0"}};
  const ResultFields memory = {{"scenario", "memory"},
                               {"system", "dnc"},
                               {"numbers", "1000"},
                               {"rss_bytes", "1048576"},
                               {"bytes_per_number", "1048.6"}};
  const std::string report = RenderReport(
      {check("pinned", "dnc", "25"), check("pinned", "redis", "10"),
       check("unpinned", "dnc", "40"), http, memory},
      ReportOptions());
  const size_t pinned = report.find("### Pinned: each server on core 0");
  const size_t unpinned = report.find("### Unpinned:");
  const size_t memory_table = report.find("#### Memory");
  ASSERT_NE(pinned, std::string::npos);
  ASSERT_NE(unpinned, std::string::npos);
  ASSERT_NE(memory_table, std::string::npos);
  EXPECT_LT(pinned, unpinned);
  EXPECT_LT(unpinned, memory_table);
  // server us per call, calls per server CPU-second, client us per call.
  const std::string pinned_part = report.substr(pinned, unpinned - pinned);
  EXPECT_THAT(pinned_part, HasSubstr("| 5% | dnc-server | 20k | 3 | 100 us |"));
  EXPECT_THAT(pinned_part, HasSubstr("| 0.50 | 25 | 40k | 8.0 |"));
  EXPECT_THAT(pinned_part, HasSubstr("| 0.50 | 10 | 100k | 8.0 |"));
  EXPECT_THAT(pinned_part, HasSubstr("| GET /v1/check | wrk | 8 | **30k** |"));
  EXPECT_THAT(pinned_part, HasSubstr("| 0.75 | 40k | 0.40 | 0 |"));
  EXPECT_THAT(report.substr(unpinned), HasSubstr("| 0.50 | 40 | 25k | 8.0 |"));
}

}  // namespace
}  // namespace dnc::bench
