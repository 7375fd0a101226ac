// dnc-load: loads registry dumps (full lists, or change lists with --mode
// change) as a new published generation of a source. A thin main over
// loader::BulkLoad(): flags in, a summary out.
// Exit codes: 0 loaded (even with rejected lines), 1 the load failed,
// 2 usage error, 3 nothing to do (a change list was already applied).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/civil_date.h"
#include "common/command_line.h"
#include "loader/bulk_loader.h"
#include "loader/coverage_report.h"
#include "loader/record_format.h"
#include "loader/source_catalogue.h"

ABSL_FLAG(std::string, mode, "full",
          "full: the files are full lists and the new generation holds "
          "exactly their numbers. change: the files are change lists (add and "
          "delete records) applied, in the order given, to the published "
          "generation; the last record for a number wins.");
ABSL_FLAG(int32_t, keep_generations, 2,
          "After publishing, keep this many generations (the new one and the "
          "newest before it) and remove older ones. At least 1; 2 keeps the "
          "previous generation for servers that have not reloaded yet.");
ABSL_FLAG(std::string, catalogue, "",
          "Source catalogue file: per source its kind, jurisdiction, country "
          "and area codes, legal window and record formats, and declared "
          "formats (config/sources.catalogue documents the syntax). Default: "
          "config/sources.catalogue of the checkout dnc-load was built from, "
          "or the copy built into dnc-load when that file is gone. "
          "--format, --jurisdiction, --country_codes and --max_age_days "
          "override an entry.");
ABSL_FLAG(std::string, data, "",
          "Data directory (required); generations go to DIR/sources/SOURCE/.");
ABSL_FLAG(std::string, source, "",
          "Source id (required), e.g. us-ftc, ca-dncl, uk-tps, or any id of "
          "a-z, 0-9 and '-' given with --jurisdiction, --country_codes and "
          "--max_age_days.");
ABSL_FLAG(std::string, as_of, "",
          "Date of the registry copy, YYYY-MM-DD (required). Not in the "
          "future, not older than the published generation's.");
ABSL_FLAG(std::string, format, "",
          "Record format: a preset (ftc-flat, ftc-change, crtc-flat, "
          "crtc-xml, uk-tps, lines, csv:COLUMN) or a [format] declared in "
          "the catalogue. Default: the source's catalogue entry's format "
          "(lines for sources not in it); with --mode change, its "
          "change_format, else the one that goes with the published "
          "generation's (ftc-flat -> ftc-change).");
ABSL_FLAG(int64_t, max_rejects, -1,
          "Fail, publishing nothing, when more lines than this are rejected. "
          "-1: no limit (load every good line, report every bad one).");
ABSL_FLAG(bool, reject_out_of_coverage, false,
          "Reject lines whose number the source is never consulted for (an "
          "area code of another region, e.g. Canada's 416 or Jamaica's 876 "
          "in us-ftc, another state's in a state list, or one not in the "
          "numbering table), like any other bad line (they count toward "
          "--max_rejects). Default: load them, count them and warn, with the "
          "first 10 in the summary and a warning section in rejects.txt.");
ABSL_FLAG(bool, filter, false,
          "Also write filter.bin, the generation's xxHash filter (about 10 "
          "bits a number). dnc-server then probes it before index.bin, the "
          "exact index, which it asks only about the filter's maybes: "
          "batched lookups of mostly unlisted numbers cost about half as "
          "much, for 10 more bits a number of memory and a filter built in "
          "full on every load, change lists included (about 10 s at 250M "
          "numbers). Pass it on every load of the source to keep it.");
ABSL_FLAG(
    std::string, jurisdiction, "",
    "Jurisdiction code, e.g. US. Default: the source's catalogue entry's.");
ABSL_FLAG(std::string, country_codes, "",
          "Calling codes the source covers, comma-separated, e.g. 1 or 1,44. "
          "Default: the source's catalogue entry's.");
ABSL_FLAG(int32_t, max_age_days, 0,
          "Legal window: a copy older than this many days is stale. "
          "Default: the source's catalogue entry's.");

namespace dnc::loader {
namespace {

constexpr int kExitAlreadyApplied = 3;
constexpr size_t kRejectsShown = 20;
constexpr size_t kOutOfCoverageShown = 10;
constexpr size_t kOutOfCoverageRegionsShown = 8;  // In the summary.
constexpr size_t kWarnedRegions = 3;              // In the stderr warning.

// The default catalogue (LoadCatalogue("")), read once: the usage text lists
// its sources and a load without --catalogue uses it.
const absl::StatusOr<SourceCatalogue>& DefaultCatalogue() {
  static const absl::StatusOr<SourceCatalogue>* const catalogue =
      new absl::StatusOr<SourceCatalogue>(LoadCatalogue(""));
  return *catalogue;
}

std::string UsageText() {
  std::string presets;
  const absl::StatusOr<SourceCatalogue>& catalogue = DefaultCatalogue();
  if (!catalogue.ok()) {
    presets = absl::StrCat("  (", catalogue.status().message(), ")\n");
  }
  for (const CatalogueSource& source :
       catalogue.ok() ? catalogue->sources() : std::vector<CatalogueSource>()) {
    absl::StrAppend(
        &presets, "  ", source.id, "  ", source.description, ": ",
        SourceKindName(source.kind), ", ", source.jurisdiction, ", +",
        absl::StrJoin(source.country_codes, ",+"), ", ", source.max_age_days,
        " days, ", source.format,
        source.change_format.empty()
            ? ""
            : absl::StrCat(" (changes: ", source.change_format, ")"),
        "\n");
  }
  return absl::StrCat(
      "Loads registry dumps (plain text, .gz or .zip) as a new generation of a "
      "source and publishes it atomically.\n\n"
      "Usage: dnc-load --data DIR --source ID --as_of YYYY-MM-DD [flags] "
      "FILE...\n\n"
      "Example:\n"
      "  dnc-load --data /var/lib/dnc --source us-ftc --as_of 2026-11-20 "
      "ftc-full.zip\n"
      "  dnc-load --data /var/lib/dnc --source us-ftc --as_of 2026-11-21 "
      "--mode change ftc-changes-2026-11-21.txt\n"
      "  dnc-load --data /var/lib/dnc --source us-tx --as_of 2026-10-01 "
      "tx-2026q4.txt\n"
      "  dnc-load --data /var/lib/dnc --source ca-dncl --format crtc-xml "
      "--as_of 2026-11-20 dncl-xml.zip\n"
      "  dnc-load --data /var/lib/dnc --source acme-optouts --jurisdiction US "
      "--country_codes 1 --max_age_days 30 --format csv:phone optouts.csv\n\n"
      "Sources in the default catalogue (",
      catalogue.ok() ? catalogue->origin() : DefaultCataloguePath(), "):\n",
      presets,
      "\nEvery good line is loaded; every rejected line is listed with file, "
      "line and reason in <generation>/rejects.txt.\n\n"
      "Coverage: dnc-server consults a source only for the numbers it covers "
      "(its country codes; for +1, the area codes of its jurisdiction in the "
      "numbering table, plus any area_codes of its catalogue entry). Lines "
      "outside that (say Canadian or Caribbean area codes in an FTC file "
      "loaded as us-ftc, or an unassigned area code) would never be "
      "answered from the source: they are counted as out of coverage, the "
      "first 10 shown with file, line and reason (\"area code 416 is in "
      "CA-ON, not covered by us-ftc (US)\"), summarised in a warning section "
      "of rejects.txt and still loaded; --reject_out_of_coverage rejects "
      "them instead. A country code the source does not list is always a "
      "reject.\n\n"
      "Change lists (--mode change): new generation = published generation + "
      "adds - deletes, made without rewriting the registry (a RocksDB "
      "checkpoint plus the changes, keys merged in one pass). Records apply "
      "in the order given; the last record for a number wins. Adding a "
      "listed number or deleting an absent one is counted, not an error. "
      "Refused, publishing nothing: a source with no full list loaded yet, "
      "a change list older (--as_of) than the published generation, and a "
      "change list already applied (same XXH3-128; exit status 3, naming "
      "the generation that applied it).\n\n"
      "Crash safety: killing dnc-load at any moment leaves the published "
      "generation serving; the next run removes the leftovers. After "
      "publishing, generations older than the newest --keep_generations are "
      "removed (a server that re-reads CURRENT never needs them).\n\n"
      "Exit status: 0 loaded (even with rejects), 1 load failed, 2 usage "
      "error, 3 nothing to do (change list already applied).");
}

const CommandLine& Cli() {
  static const CommandLine* const cli =
      new CommandLine({"dnc-load", UsageText(), "loader_main.cc"});
  return *cli;
}

[[noreturn]] void UsageError(const std::string& message) {
  Cli().UsageError(message);
}

std::string WithCommas(uint64_t value) {
  std::string digits = absl::StrCat(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

LoadOptions OptionsFromFlags(const std::vector<std::string>& files) {
  std::vector<std::string> missing;
  LoadOptions options;
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "full") {
    options.mode = LoadMode::kFull;
  } else if (mode == "change") {
    options.mode = LoadMode::kChange;
  } else {
    UsageError(absl::StrCat("--mode: '", mode, "' is not full or change"));
  }
  options.keep_generations = absl::GetFlag(FLAGS_keep_generations);
  if (options.keep_generations < 1) {
    UsageError("--keep_generations must be at least 1");
  }
  options.data_dir = absl::GetFlag(FLAGS_data);
  options.source = absl::GetFlag(FLAGS_source);
  const std::string as_of = absl::GetFlag(FLAGS_as_of);
  if (options.data_dir.empty()) missing.push_back("--data DIR");
  if (options.source.empty()) missing.push_back("--source ID");
  if (as_of.empty()) missing.push_back("--as_of YYYY-MM-DD");
  if (files.empty()) missing.push_back("input FILE...");
  if (!missing.empty()) {
    UsageError(absl::StrCat("missing ", absl::StrJoin(missing, ", ")));
  }
  absl::StatusOr<DayNumber> day = ParseIsoDate(as_of);
  if (!day.ok()) UsageError(absl::StrCat("--as_of: ", day.status().message()));
  options.as_of = *day;
  options.inputs = files;
  options.format = absl::GetFlag(FLAGS_format);
  options.catalogue = absl::GetFlag(FLAGS_catalogue);
  options.jurisdiction = absl::GetFlag(FLAGS_jurisdiction);
  for (absl::string_view part : absl::StrSplit(
           absl::GetFlag(FLAGS_country_codes), ',', absl::SkipWhitespace())) {
    uint32_t code = 0;
    if (!absl::SimpleAtoi(part, &code) || code == 0 || code > 999) {
      UsageError(absl::StrCat("--country_codes: '", std::string(part),
                              "' is not a calling code (1 to 999)"));
    }
    options.country_codes.push_back(code);
  }
  options.max_age_days = absl::GetFlag(FLAGS_max_age_days);
  if (options.max_age_days < 0) UsageError("--max_age_days must be positive");
  const int64_t max_rejects = absl::GetFlag(FLAGS_max_rejects);
  if (max_rejects < -1)
    UsageError("--max_rejects must be -1 (no limit) or more");
  if (max_rejects >= 0)
    options.max_rejects = static_cast<uint64_t>(max_rejects);
  options.max_reject_samples = kRejectsShown;
  options.reject_out_of_coverage = absl::GetFlag(FLAGS_reject_out_of_coverage);
  options.build_filter = absl::GetFlag(FLAGS_filter);
  options.max_out_of_coverage_samples = kOutOfCoverageShown;
  return options;
}

// Progress on a terminal: one line rewritten in place about twice a second.
class ProgressLine {
 public:
  void Update(const LoadProgress& progress) {
    const auto now = std::chrono::steady_clock::now();
    if (progress.phase == last_phase_ &&
        now - last_ < std::chrono::milliseconds(500)) {
      return;
    }
    last_ = now;
    last_phase_ = progress.phase;
    std::string text;
    if (progress.phase == LoadPhase::kReading) {
      const double rate = progress.elapsed_seconds > 0
                              ? progress.lines_read / progress.elapsed_seconds
                              : 0;
      text = absl::StrCat("reading ", progress.file_index + 1, "/",
                          progress.file_count, " ", progress.location, ": ",
                          WithCommas(progress.lines_read), " lines, ",
                          WithCommas(static_cast<uint64_t>(rate)), " lines/s");
    } else {
      text = absl::StrCat(LoadPhaseName(progress.phase), "...");
    }
    if (text.size() > 100) text = text.substr(0, 97) + "...";
    std::fprintf(stderr, "\r%-100s", text.c_str());
    std::fflush(stderr);
    shown_ = true;
  }
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r%-100s\r", "");
    shown_ = false;
  }

 private:
  std::chrono::steady_clock::time_point last_;
  LoadPhase last_phase_ = LoadPhase::kPublishing;
  bool shown_ = false;
};

void PrintSummary(const LoadOptions& options, const LoadStats& stats) {
  const bool change = stats.mode == LoadMode::kChange;
  std::printf("Published %s generation %s (as of %s%s%s): %s\n",
              options.source.c_str(), stats.generation.c_str(),
              FormatIsoDate(options.as_of).c_str(),
              change ? ", changes applied to " : "",
              change ? stats.previous_generation.c_str() : "",
              stats.generation_dir.c_str());
  std::printf("  files:       %s (streams read: %s)\n",
              WithCommas(stats.files).c_str(),
              WithCommas(stats.members).c_str());
  std::printf("  lines read:  %s\n", WithCommas(stats.lines_read).c_str());
  if (change) {
    std::printf("  records:     %s add/delete records\n",
                WithCommas(stats.change_records).c_str());
    std::printf("  added:       %s (already listed, unchanged: %s)\n",
                WithCommas(stats.added).c_str(),
                WithCommas(stats.adds_already_listed).c_str());
    std::printf("  deleted:     %s (not listed, unchanged: %s)\n",
                WithCommas(stats.deleted).c_str(),
                WithCommas(stats.deletes_not_listed).c_str());
    std::printf("  superseded:  %s (a later record for the number won)\n",
                WithCommas(stats.superseded).c_str());
    std::printf("  listed now:  %s distinct numbers\n",
                WithCommas(stats.loaded).c_str());
  } else {
    std::printf("  loaded:      %s distinct numbers\n",
                WithCommas(stats.loaded).c_str());
    std::printf("  duplicate:   %s\n", WithCommas(stats.duplicates).c_str());
  }
  std::printf("  rejected:    %s\n", WithCommas(stats.rejected).c_str());
  if (stats.out_of_coverage > 0) {
    std::printf("  out of coverage: %s (%s)\n",
                WithCommas(stats.out_of_coverage).c_str(),
                stats.out_of_coverage_rejected
                    ? "rejected: --reject_out_of_coverage"
                    : "loaded, but never answered from this source");
    std::printf("    by region: %s\n",
                DescribeCoverageGaps(stats.out_of_coverage_by_region,
                                     kOutOfCoverageRegionsShown)
                    .c_str());
  }
  std::printf("  blank:       %s\n", WithCommas(stats.blank).c_str());
  std::printf(
      "  elapsed:     %.2f s, %s lines/s (read %.2f s, %s %.2f s, db %.2f s, "
      "index %.2f s, filter %.2f s)\n",
      stats.elapsed_seconds,
      WithCommas(static_cast<uint64_t>(stats.lines_per_second)).c_str(),
      stats.read_seconds, change ? "merge" : "sort", stats.sort_seconds,
      stats.db_seconds, stats.keys_seconds, stats.filter_seconds);
  if (!stats.removed_generations.empty()) {
    std::printf("  removed old generations: %s\n",
                absl::StrJoin(stats.removed_generations, ", ").c_str());
  }
  if (!stats.gc_error.empty()) {
    std::printf("  warning: removing old generations stopped: %s\n",
                stats.gc_error.c_str());
  }
  if (stats.rejected > 0) {
    std::printf("Rejected lines (first %zu of %s; all in %s):\n",
                stats.reject_samples.size(), WithCommas(stats.rejected).c_str(),
                stats.rejects_path.c_str());
    for (const RejectSample& sample : stats.reject_samples) {
      std::printf("  %s\n", FormatReject(sample).c_str());
    }
  }
  if (stats.out_of_coverage > 0 && !stats.out_of_coverage_rejected) {
    std::printf(
        "Out-of-coverage lines, loaded (first %zu of %s; also in %s):\n",
        stats.out_of_coverage_samples.size(),
        WithCommas(stats.out_of_coverage).c_str(), stats.rejects_path.c_str());
    for (const RejectSample& sample : stats.out_of_coverage_samples) {
      std::printf("  %s\n", FormatReject(sample).c_str());
    }
  }
}

// One warning on stderr when lines fell outside the source's coverage.
void WarnOutOfCoverage(const LoadOptions& options, const LoadStats& stats) {
  if (stats.out_of_coverage == 0) return;
  std::cerr << "dnc-load: warning: " << WithCommas(stats.out_of_coverage)
            << " of " << WithCommas(stats.lines_read) << " lines are out of "
            << options.source << "'s coverage ("
            << DescribeCoverageGaps(stats.out_of_coverage_by_region,
                                    kWarnedRegions)
            << "): dnc-server never "
            << "consults " << options.source << " for them; "
            << (stats.out_of_coverage_rejected
                    ? "rejected (--reject_out_of_coverage)"
                    : "loaded anyway (--reject_out_of_coverage rejects them)")
            << "\n";
}

int Main(int argc, char** argv) {
  const std::vector<std::string> files = Cli().Parse(argc, argv);
  LoadOptions options = OptionsFromFlags(files);
  ProgressLine progress_line;
  if (isatty(STDERR_FILENO)) {
    options.progress = [&progress_line](const LoadProgress& progress) {
      progress_line.Update(progress);
    };
  }
  // The catalogue is parsed once per run: without --catalogue, the load uses
  // the default one the usage text was made from (a broken one is read
  // again by BulkLoad(), which reports it).
  const absl::StatusOr<SourceCatalogue>& catalogue = DefaultCatalogue();
  absl::StatusOr<LoadStats> stats = options.catalogue.empty() && catalogue.ok()
                                        ? BulkLoad(options, *catalogue)
                                        : BulkLoad(options);
  progress_line.Clear();
  if (absl::IsAlreadyExists(stats.status())) {
    Cli().PrintError(absl::StrCat("nothing to do for '", options.source,
                                  "': ", stats.status().message()));
    return kExitAlreadyApplied;
  }
  if (!stats.ok()) {
    return Cli().Fail(absl::StrCat(
        "load of '", options.source, "' failed: ", stats.status().message(),
        " [", absl::StatusCodeToString(stats.status().code()), "]"));
  }
  PrintSummary(options, *stats);
  WarnOutOfCoverage(options, *stats);
  return kExitOk;
}

}  // namespace
}  // namespace dnc::loader

int main(int argc, char** argv) { return dnc::loader::Main(argc, argv); }
