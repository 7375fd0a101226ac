#include "bench/load_gen_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dnc::bench {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Field(const ResultFields& r, const std::string& key) {
  auto it = r.find(key);
  return it == r.end() ? "" : it->second;
}

double Num(const ResultFields& r, const std::string& key) {
  double value = 0;
  const std::string text = Field(r, key);
  if (text.empty() || !absl::SimpleAtod(text, &value)) return kNaN;
  return value;
}

uint64_t Int(const ResultFields& r, const std::string& key) {
  const double value = Num(r, key);
  return std::isnan(value) ? 0 : static_cast<uint64_t>(value);
}

struct Stat {
  double median = kNaN, min = kNaN, max = kNaN;
  size_t n = 0;
};

Stat StatOf(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](double v) { return std::isnan(v); }),
               values.end());
  Stat stat;
  stat.n = values.size();
  if (values.empty()) return stat;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  stat.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  stat.min = values.front();
  stat.max = values.back();
  return stat;
}

Stat StatOf(const std::vector<const ResultFields*>& rows,
            const std::string& key) {
  std::vector<double> values;
  for (const ResultFields* r : rows) values.push_back(Num(*r, key));
  return StatOf(values);
}

std::string Rate(double v);

// Per run: numbers/s divided by the server's cores, i.e. numbers per second
// of server CPU. Less sensitive than numbers/s to what else the machine runs.
Stat PerServerCore(const std::vector<const ResultFields*>& rows) {
  std::vector<double> values;
  for (const ResultFields* r : rows) {
    const double cores = Num(*r, "server_cpu");
    values.push_back(cores > 0 ? Num(*r, "numbers_per_s") / cores : kNaN);
  }
  return StatOf(values);
}

// Per run: server (or client) CPU microseconds per call answered; the load
// generators report it (calls answered inside the window), else it is
// derived from the CPU and the achieved rate.
Stat UsPerCall(const std::vector<const ResultFields*>& rows,
               const std::string& side) {
  std::vector<double> values;
  for (const ResultFields* r : rows) {
    double us = Num(*r, side + "_us_per_call");
    if (std::isnan(us)) us = Num(*r, side + "_us_per_check");
    if (std::isnan(us)) {
      const double rate = Num(*r, "achieved_per_s");
      us = rate > 0 ? 1e6 * Num(*r, side + "_cpu") / rate : kNaN;
    }
    values.push_back(us);
  }
  return StatOf(values);
}

std::string UsCell(const Stat& s) {
  if (std::isnan(s.median)) return "n/a";
  return absl::StrFormat(s.median < 10 ? "%.1f" : "%.0f", s.median);
}

std::string Rate(double v) {
  if (std::isnan(v)) return "n/a";
  if (v >= 1e6) return absl::StrFormat("%.2fM", v / 1e6);
  if (v >= 1e4) return absl::StrFormat("%.0fk", v / 1e3);
  if (v >= 1e3) return absl::StrFormat("%.1fk", v / 1e3);
  return absl::StrFormat("%.0f", v);
}

std::string Micros(double us) {
  if (std::isnan(us)) return "n/a";
  // dnc-bench counts a send skipped for overload as a 10 s latency.
  if (us >= 1e7) return "≥ 10 s";
  if (us < 1000) return absl::StrFormat("%.0f us", us);
  if (us < 100'000) return absl::StrFormat("%.2f ms", us / 1000);
  return absl::StrFormat("%.0f ms", us / 1000);
}

std::string Bytes(double b) {
  if (std::isnan(b) || b <= 0) return "n/a";
  if (b >= 1024.0 * 1024 * 1024) {
    return absl::StrFormat("%.2f GiB", b / (1024.0 * 1024 * 1024));
  }
  return absl::StrFormat("%.0f MiB", b / (1024.0 * 1024));
}

std::string Cores(const Stat& s) {
  if (std::isnan(s.median)) return "n/a";
  return absl::StrFormat("%.2f", s.median);
}

std::string RangeOf(const Stat& s, std::string (*format)(double)) {
  if (s.n == 0) return "n/a";
  return absl::StrCat(format(s.min), " – ", format(s.max), " (", s.n,
                      s.n == 1 ? " run)" : " runs)");
}

std::string Ratio(double v) {
  if (std::isnan(v) || std::isinf(v)) return "n/a";
  return absl::StrFormat(v >= 10 ? "%.0fx" : "%.1fx", v);
}

// dnc ÷ peer: the ratio of medians, and the widest ratio range the runs allow.
std::string RatioCell(const Stat& dnc, const Stat& peer) {
  if (dnc.n == 0 || peer.n == 0 || !(peer.median > 0)) return "n/a";
  return absl::StrCat("**", Ratio(dnc.median / peer.median), "** (",
                      Ratio(dnc.min / peer.max), " – ",
                      Ratio(dnc.max / peer.min), ")");
}

std::string SystemName(const std::string& system, const std::string& scenario) {
  const bool single = scenario == "check" || scenario == "check_sweep";
  if (system == "dnc") {
    return scenario == "checkstream" ? "dnc-server (CheckStream)"
                                     : "dnc-server";
  }
  if (system == "redis") {
    return single ? "Redis (SISMEMBER)" : "Redis (SMISMEMBER)";
  }
  if (system == "postgres") {
    return single ? "PostgreSQL (`= $1`)" : "PostgreSQL (`= ANY($1)`)";
  }
  return system;
}

const std::vector<std::string>& SystemOrder() {
  static const std::vector<std::string> order = {"dnc", "redis", "postgres"};
  return order;
}

std::vector<const ResultFields*> Select(
    const std::vector<ResultFields>& results,
    const std::map<std::string, std::string>& match) {
  std::vector<const ResultFields*> rows;
  for (const ResultFields& r : results) {
    bool ok = true;
    for (const auto& [key, value] : match) {
      if (Field(r, key) != value) {
        ok = false;
        break;
      }
    }
    if (ok) rows.push_back(&r);
  }
  return rows;
}

// The distinct values of `key` among rows of `scenario`, numeric order.
std::vector<std::string> Values(const std::vector<ResultFields>& results,
                                const std::string& scenario,
                                const std::string& key) {
  std::set<std::pair<double, std::string>> seen;
  for (const ResultFields& r : results) {
    if (Field(r, "scenario") != scenario) continue;
    seen.emplace(Num(r, key), Field(r, key));
  }
  std::vector<std::string> values;
  for (const auto& v : seen) values.push_back(v.second);
  return values;
}

std::string Percent(const std::string& hits) { return hits + "%"; }

void RenderScrub(const std::vector<ResultFields>& results,
                 const ReportOptions& options, std::string* out) {
  for (const std::string& batch : Values(results, "scrub", "batch")) {
    for (const std::string& conc : Values(results, "scrub", "concurrency")) {
      const auto all = Select(
          results,
          {{"scenario", "scrub"}, {"batch", batch}, {"concurrency", conc}});
      if (all.empty()) continue;
      absl::StrAppend(
          out, "#### Batched Scrub: ", batch, " numbers per request, ", conc,
          " concurrent requests (connections)\n\n",
          "| hits | system | numbers/s (median) | range | dnc-server ÷ this | "
          "request latency p50 / p99 | server CPU (cores) | numbers per "
          "server CPU-second | client CPU (cores) |\n"
          "|---|---|---|---|---|---|---|---|---|\n");
      std::string verdicts;
      for (const std::string& hits : Values(results, "scrub", "hits")) {
        const auto dnc_rows = Select(results, {{"scenario", "scrub"},
                                               {"batch", batch},
                                               {"concurrency", conc},
                                               {"hits", hits},
                                               {"system", "dnc"}});
        const Stat dnc = StatOf(dnc_rows, "numbers_per_s");
        const Stat dnc_per_core = PerServerCore(dnc_rows);
        std::string verdict, per_core;
        for (const std::string& system : SystemOrder()) {
          const auto rows = Select(results, {{"scenario", "scrub"},
                                             {"batch", batch},
                                             {"concurrency", conc},
                                             {"hits", hits},
                                             {"system", system}});
          if (rows.empty()) continue;
          const Stat rate = StatOf(rows, "numbers_per_s");
          const std::string ratio =
              system == "dnc" ? "—" : RatioCell(dnc, rate);
          absl::StrAppend(
              out, "| ", Percent(hits), " | ", SystemName(system, "scrub"),
              " | **", Rate(rate.median), "** | ", RangeOf(rate, &Rate), " | ",
              ratio, " | ", Micros(StatOf(rows, "rpc_p50_us").median), " / ",
              Micros(StatOf(rows, "rpc_p99_us").median), " | ",
              Cores(StatOf(rows, "server_cpu")), " | ",
              Rate(PerServerCore(rows).median), " | ",
              Cores(StatOf(rows, "client_cpu")), " |\n");
          if (system != "dnc" && dnc.n > 0 && rate.median > 0) {
            const double target = system == "redis"
                                      ? options.scrub_target_vs_redis
                                      : options.scrub_target_vs_postgres;
            const double r = dnc.median / rate.median;
            absl::StrAppend(&verdict, verdict.empty() ? "" : "; ", Ratio(r),
                            " ", SystemName(system, "scrub"), " (target ",
                            Ratio(target), ": ",
                            r >= target ? "met" : "**not met**", ")");
            absl::StrAppend(
                &per_core, per_core.empty() ? "" : ", ",
                Ratio(dnc_per_core.median / PerServerCore(rows).median), " ",
                SystemName(system, "scrub"));
          }
        }
        if (!verdict.empty()) {
          absl::StrAppend(&verdicts, "- ", Percent(hits), " hits: dnc-server ",
                          Rate(dnc.median), " numbers/s = ", verdict,
                          ". Per second of server CPU: ", per_core, ".\n");
        }
      }
      absl::StrAppend(out, "\n", verdicts, "\n");
    }
  }
}

void RenderStream(const std::vector<ResultFields>& results, std::string* out) {
  for (const std::string& batch : Values(results, "stream", "batch")) {
    for (const std::string& conc : Values(results, "stream", "concurrency")) {
      const auto all = Select(
          results,
          {{"scenario", "stream"}, {"batch", batch}, {"concurrency", conc}});
      if (all.empty()) continue;
      absl::StrAppend(
          out, "#### ScrubStream bulk: ", batch, " numbers per chunk, ", conc,
          " concurrent streams\n\n",
          "Peers have no streaming call; the ratios compare with their "
          "batched figures at the same batch size and concurrency.\n\n",
          "| hits | numbers/s (median) | range | ÷ Redis batched | "
          "÷ PostgreSQL batched | server CPU (cores) | numbers per server "
          "CPU-second | client CPU (cores) |\n"
          "|---|---|---|---|---|---|---|---|\n");
      for (const std::string& hits : Values(results, "stream", "hits")) {
        const auto rows = Select(results, {{"scenario", "stream"},
                                           {"batch", batch},
                                           {"concurrency", conc},
                                           {"hits", hits},
                                           {"system", "dnc"}});
        if (rows.empty()) continue;
        const Stat rate = StatOf(rows, "numbers_per_s");
        std::string cells;
        for (const char* peer : {"redis", "postgres"}) {
          const Stat peer_rate = StatOf(Select(results, {{"scenario", "scrub"},
                                                         {"batch", batch},
                                                         {"concurrency", conc},
                                                         {"hits", hits},
                                                         {"system", peer}}),
                                        "numbers_per_s");
          absl::StrAppend(&cells, RatioCell(rate, peer_rate), " | ");
        }
        absl::StrAppend(out, "| ", Percent(hits), " | **", Rate(rate.median),
                        "** | ", RangeOf(rate, &Rate), " | ", cells,
                        Cores(StatOf(rows, "server_cpu")), " | ",
                        Rate(PerServerCore(rows).median), " | ",
                        Cores(StatOf(rows, "client_cpu")), " |\n");
      }
      absl::StrAppend(out, "\n");
    }
  }
}

void RenderCheck(const std::vector<ResultFields>& results,
                 const ReportOptions& options, std::string* out) {
  // The rates of unary Check and CheckStream runs, in numeric order.
  std::set<std::pair<double, std::string>> rates;
  for (const char* scenario : {"check", "checkstream"}) {
    for (const std::string& rate : Values(results, scenario, "rate")) {
      rates.emplace(std::stod(rate), rate);
    }
  }
  for (const auto& [unused, rate] : rates) {
    auto all = Select(results, {{"scenario", "check"}, {"rate", rate}});
    if (all.empty()) {
      all = Select(results, {{"scenario", "checkstream"}, {"rate", rate}});
    }
    if (all.empty()) continue;
    absl::StrAppend(
        out, "#### Check, open loop at ", Rate(Num(*all[0], "rate")),
        " checks/s offered (one number per RPC)\n\n",
        "Latency is measured from each request's scheduled send time (no "
        "coordinated omission); achieved counts the calls answered inside "
        "the measured window (late: answered after it).\n\n",
        "| hits | system | achieved/s | late + failed | p50 | p99 (median) | "
        "p99 range | p999 (median) | p999 range | server CPU (cores) | "
        "server us per call | calls per server CPU-second | client us per "
        "call |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::string verdicts;
    std::set<std::pair<double, std::string>> hit_rates;
    for (const ResultFields* r : all) {
      hit_rates.emplace(Num(*r, "hits"), Field(*r, "hits"));
    }
    for (const auto& [unused_hits, hits] : hit_rates) {
      std::vector<std::pair<std::string, std::string>> kinds;
      for (const std::string& system : SystemOrder()) {
        kinds.emplace_back("check", system);
      }
      kinds.emplace_back("checkstream", "dnc");
      for (const auto& [scenario, system] : kinds) {
        const auto rows = Select(results, {{"scenario", scenario},
                                           {"rate", rate},
                                           {"hits", hits},
                                           {"system", system}});
        if (rows.empty()) continue;
        const Stat p99 = StatOf(rows, "p99_us");
        const Stat p999 = StatOf(rows, "p999_us");
        size_t overloaded = 0;
        for (const ResultFields* r : rows) overloaded += Int(*r, "overloaded");
        const Stat server_us = UsPerCall(rows, "server");
        const double per_cpu_s =
            server_us.median > 0 ? 1e6 / server_us.median : kNaN;
        const double lost =
            StatOf(rows, "late").median + StatOf(rows, "failed").median;
        absl::StrAppend(
            out, "| ", Percent(hits), " | ", SystemName(system, scenario),
            overloaded ? " (overloaded in some runs)" : "", " | ",
            Rate(StatOf(rows, "achieved_per_s").median), " | ",
            std::isnan(lost) ? "n/a" : absl::StrFormat("%.0f", lost), " | ",
            Micros(StatOf(rows, "p50_us").median), " | **", Micros(p99.median),
            "** | ", RangeOf(p99, &Micros), " | **", Micros(p999.median),
            "** | ", RangeOf(p999, &Micros), " | ",
            Cores(StatOf(rows, "server_cpu")), " | ", UsCell(server_us), " | ",
            Rate(per_cpu_s), " | ", UsCell(UsPerCall(rows, "client")), " |\n");
        if (system == "dnc" && scenario == "check") {
          const bool met = p99.max < options.check_p99_limit_us &&
                           p999.max < 5 * options.check_p99_limit_us &&
                           overloaded == 0;
          absl::StrAppend(&verdicts, "- ", Percent(hits),
                          " hits: dnc-server p99 ", Micros(p99.median),
                          ", p999 ", Micros(p999.median),
                          " (target p99 < 1 ms and p999 < 5 ms in every run: ",
                          met ? "met" : "**not met**", ").\n");
        }
      }
    }
    absl::StrAppend(out, "\n", verdicts, "\n");
  }
}

void RenderSweep(const std::vector<ResultFields>& results,
                 const ReportOptions& options, std::string* out) {
  for (const std::string& hits : Values(results, "check_sweep", "hits")) {
    const auto all =
        Select(results, {{"scenario", "check_sweep"}, {"hits", hits}});
    if (all.empty()) continue;
    std::vector<std::string> systems;
    for (const std::string& system : SystemOrder()) {
      if (!Select(results, {{"scenario", "check_sweep"},
                            {"hits", hits},
                            {"system", system}})
               .empty()) {
        systems.push_back(system);
      }
    }
    absl::StrAppend(out, "#### Check: offered-rate sweep, ", Percent(hits),
                    " hits (p99 / p999 per step, server CPU us per call in "
                    "brackets; a step "
                    "runs once)\n\n",
                    "| offered/s |");
    for (const std::string& s : systems) {
      absl::StrAppend(out, " ", SystemName(s, "check_sweep"), " |");
    }
    absl::StrAppend(out, "\n|---|");
    for (size_t i = 0; i < systems.size(); ++i) absl::StrAppend(out, "---|");
    absl::StrAppend(out, "\n");
    std::map<std::string, double> best;
    for (const std::string& rate : Values(results, "check_sweep", "rate")) {
      absl::StrAppend(out, "| ", Rate(std::stod(rate)), " |");
      for (const std::string& system : systems) {
        const auto rows = Select(results, {{"scenario", "check_sweep"},
                                           {"hits", hits},
                                           {"rate", rate},
                                           {"system", system}});
        if (rows.empty()) {
          absl::StrAppend(out, " — |");
          continue;
        }
        const Stat p99 = StatOf(rows, "p99_us");
        size_t overloaded = 0;
        for (const ResultFields* r : rows) overloaded += Int(*r, "overloaded");
        const bool under = p99.max < options.check_p99_limit_us && !overloaded;
        if (under) best[system] = std::max(best[system], std::stod(rate));
        absl::StrAppend(out, " ", under ? "" : "~~", Micros(p99.median), " / ",
                        Micros(StatOf(rows, "p999_us").median),
                        under ? "" : "~~", overloaded ? " (overloaded)" : "",
                        " (", UsCell(UsPerCall(rows, "server")), " us) |");
      }
      absl::StrAppend(out, "\n");
    }
    absl::StrAppend(out, "\nHighest offered rate with p99 under ",
                    Micros(options.check_p99_limit_us), ":");
    for (const std::string& system : systems) {
      absl::StrAppend(out, " ", SystemName(system, "check_sweep"), " **",
                      best.count(system) ? Rate(best[system]) + "/s"
                                         : std::string("none of the steps"),
                      "**;");
    }
    out->back() = '.';
    absl::StrAppend(out, " (Struck-through steps missed the limit.)\n\n");
  }
}

void RenderMemory(const std::vector<ResultFields>& results, std::string* out) {
  const auto rows = Select(results, {{"scenario", "memory"}});
  if (rows.empty()) return;
  absl::StrAppend(out,
                  "#### Memory\n\n| system | numbers | RSS | peak RSS | bytes "
                  "per number | notes |\n|---|---|---|---|---|---|\n");
  for (const std::string& system : SystemOrder()) {
    for (const ResultFields* r : rows) {
      if (Field(*r, "system") != system) continue;
      std::string note = Field(*r, "note");
      std::replace(note.begin(), note.end(), '~', ' ');
      absl::StrAppend(out, "| ", SystemName(system, "memory"), " | ",
                      Rate(Num(*r, "numbers")), " | ",
                      Bytes(Num(*r, "rss_bytes")), " | ",
                      Bytes(Num(*r, "hwm_bytes")), " | ",
                      absl::StrFormat("%.1f", Num(*r, "bytes_per_number")),
                      " | ", note, " |\n");
    }
  }
  absl::StrAppend(out, "\n");
}

void RenderLoad(const std::vector<ResultFields>& results, std::string* out) {
  const auto rows = Select(results, {{"scenario", "load"}});
  if (rows.empty()) return;
  absl::StrAppend(out,
                  "#### Loading the registry\n\n| system | numbers | seconds | "
                  "numbers/s | how |\n|---|---|---|---|---|\n");
  for (const std::string& system : SystemOrder()) {
    for (const ResultFields* r : rows) {
      if (Field(*r, "system") != system) continue;
      std::string how = Field(*r, "note");
      std::replace(how.begin(), how.end(), '~', ' ');
      const double seconds = Num(*r, "seconds");
      absl::StrAppend(out, "| ", SystemName(system, "load"), " | ",
                      Rate(Num(*r, "numbers")), " | ",
                      absl::StrFormat("%.1f", seconds), " | ",
                      Rate(Num(*r, "numbers") / seconds), " | ", how, " |\n");
    }
  }
  absl::StrAppend(out, "\n");
}

// HTTP front end, driven by wrk or ab (bench/run_benchmarks.sh turns their
// output into RESULT lines): one row per request kind, tool and connections.
void RenderHttp(const std::vector<ResultFields>& results, std::string* out) {
  if (Select(results, {{"scenario", "http"}}).empty()) return;
  absl::StrAppend(
      out,
      "#### HTTP front end (keep-alive), measured with wrk and ab\n\n"
      "wrk and ab are closed loop (each connection sends its next request "
      "when the last is answered), so their latencies are service times, "
      "not open-loop latencies.\n\n"
      "| request | tool | connections | requests/s (median) | range | "
      "numbers/s | p50 | p99 | server CPU (cores) | requests per server "
      "CPU-second | client CPU (cores) | errors |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const std::string& request : Values(results, "http", "request")) {
    for (const std::string& tool : Values(results, "http", "tool")) {
      for (const std::string& conns : Values(results, "http", "connections")) {
        const auto rows = Select(results, {{"scenario", "http"},
                                           {"request", request},
                                           {"tool", tool},
                                           {"connections", conns}});
        if (rows.empty()) continue;
        const Stat rate = StatOf(rows, "requests_per_s");
        std::vector<double> per_cpu;
        for (const ResultFields* r : rows) {
          const double cores = Num(*r, "server_cpu");
          per_cpu.push_back(cores > 0 ? Num(*r, "requests_per_s") / cores
                                      : kNaN);
        }
        std::string label = request;
        std::replace(label.begin(), label.end(), '~', ' ');
        absl::StrAppend(out, "| ", label, " | ", tool, " | ", conns, " | **",
                        Rate(rate.median), "** | ", RangeOf(rate, &Rate), " | ",
                        Rate(StatOf(rows, "numbers_per_s").median), " | ",
                        Micros(StatOf(rows, "p50_us").median), " | ",
                        Micros(StatOf(rows, "p99_us").median), " | ",
                        Cores(StatOf(rows, "server_cpu")), " | ",
                        Rate(StatOf(per_cpu).median), " | ",
                        Cores(StatOf(rows, "client_cpu")), " | ",
                        absl::StrFormat("%.0f", StatOf(rows, "errors").median),
                        " |\n");
      }
    }
  }
  absl::StrAppend(out, "\n");
}

std::string PlacementHeading(const std::string& placement) {
  if (placement == "pinned") {
    return "### Pinned: each server on core 0, its load generator on core 1 "
           "(taskset)\n\n";
  }
  if (placement == "unpinned") {
    return "### Unpinned: servers and load generators share both cores\n\n";
  }
  return absl::StrCat("### ", placement, "\n\n");
}

}  // namespace

std::string RenderReport(const std::vector<ResultFields>& results,
                         const ReportOptions& options) {
  if (results.empty()) return "_No results were recorded._\n";
  std::string out;
  // Rows with a placement (pinned, unpinned) get a section each; memory and
  // load rows have none and come once at the end.
  std::vector<std::string> placements = {""};
  for (const char* p : {"pinned", "unpinned"}) {
    if (!Select(results, {{"placement", p}}).empty()) placements.push_back(p);
  }
  for (const std::string& placement : placements) {
    std::vector<ResultFields> group;
    for (const ResultFields& r : results) {
      if (Field(r, "placement") == placement) group.push_back(r);
    }
    if (!placement.empty()) absl::StrAppend(&out, PlacementHeading(placement));
    RenderScrub(group, options, &out);
    RenderStream(group, &out);
    RenderCheck(group, options, &out);
    RenderSweep(group, options, &out);
    RenderHttp(group, &out);
  }
  RenderMemory(results, &out);
  RenderLoad(results, &out);
  return out;
}

}  // namespace dnc::bench
