// The sources a server answers from at one moment: every published source
// under a data directory, each open at its CURRENT generation, and the
// routing of numbers to the sources that apply to them.
//
// SourceSet is an immutable set of open storage::SourceSnapshots, sorted by
// source id, with every number's applicable sources worked out once when the
// set is built (see Route). service/registry.h serves one set at a time and
// swaps in a new one as generations are published.
//
// Ownership: snapshots are shared (std::shared_ptr<const SourceSnapshot>).
// Thread-safety: SourceSet is immutable.
#ifndef DNC_SERVICE_SOURCE_SET_H_
#define DNC_SERVICE_SOURCE_SET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "common/nanp_regions.h"
#include "storage/source_coverage.h"
#include "storage/source_snapshot.h"

namespace dnc::service {

// IsNationalRegistry() is part of the routing rule, which lives in
// storage/source_coverage.h so that dnc-load checks its inputs against the
// same rule (CountryCodeOf() is the number code's, common/phone_number.h).
using storage::IsNationalRegistry;

// One source as served: its open snapshot and when this process opened it.
struct ServedSource {
  std::shared_ptr<const storage::SourceSnapshot> snapshot;
  std::string loaded_at;  // UTC, "YYYY-MM-DDTHH:MM:SSZ".

  const storage::Manifest& manifest() const { return snapshot->manifest(); }
};

struct SourceSetOptions {
  // RocksDB block cache per source.
  uint64_t block_cache_bytes = 64ULL << 20;
};

// Opens the CURRENT generation of source `id` under `data_dir`, or reuses
// `previous` (setting *reused) when CURRENT still names its directory. A
// loader may publish again and garbage-collect the generation being opened
// in the meantime, so an open that fails while CURRENT moves on is retried
// (a few times) at the new CURRENT. nullopt: the source is no longer
// published. Errors: the open's (DataLoss, NotFound, ...).
absl::StatusOr<std::optional<ServedSource>> ResolveSource(
    const std::string& data_dir, const std::string& id,
    const ServedSource* previous, const SourceSetOptions& options,
    bool* reused);

// Which sources apply to a number, decided per route when a SourceSet is
// built with storage::UseForAreaCode and storage::ListsCountryCode (the rule
// dnc-load also checks its inputs against; fail closed: a number no national
// registry covers is never callable):
//   - A NANP number (+1) routes by its area code (NPA), through the table
//     generated from libphonenumber's numbering data (common/nanp_regions.h).
//     A source covering country code 1 is consulted for the area code if its
//     jurisdiction matches the area code's region ("US" for the US states,
//     DC and territories; "US-TX" for Texas's area codes; "CA", "CA-ON",
//     "JM"; see NpaInJurisdiction) or its manifest lists the area code in
//     `area_codes` (a presumption of where its numbers are, so it widens
//     what the source is consulted for and never narrows it).
//   - Any other number routes by its country code: a source is consulted if
//     it lists that country code (jurisdictions and area codes are not
//     checked there).
//   - A route is `national` when a consulted source is a national registry
//     (IsNationalRegistry) that covers the whole area code: its manifest
//     lists no area codes, or lists this one (a national list bought per
//     area code covers only those). A number on a route that is not national
//     (Canada with only us-ftc loaded, Jamaica, a Texas number with only the
//     Texas list, an area code not in the numbering table) answers STALE
//     with a NO_SOURCE reason unless a consulted source lists it.
struct Route {
  // Indices into SourceSet::sources(), ascending.
  std::vector<uint32_t> sources;
  bool national = false;
  // Why the numbers of this route have no national coverage, e.g. "no loaded
  // registry covers CA (area code 416)" or "area code 222 is not in the
  // numbering table"; empty when `national`.
  std::string no_source_detail;
};

class SourceSet {
 public:
  // An empty set: every valid number answers STALE (no source covers it).
  SourceSet();
  // Takes `sources` (REQUIRES: each snapshot non-null, source ids distinct),
  // sorts them by source id and builds the routes.
  explicit SourceSet(std::vector<ServedSource> sources);

  // Opens the CURRENT generation of every published source under
  // `data_dir`. Errors: NotFound (data_dir does not exist), or the first
  // source that fails to open (its status, with the source id prepended).
  static absl::StatusOr<std::shared_ptr<const SourceSet>> Open(
      const std::string& data_dir, const SourceSetOptions& options = {});

  const std::vector<ServedSource>& sources() const { return sources_; }
  size_t size() const { return sources_.size(); }
  bool empty() const { return sources_.empty(); }

  // The source with this id, or nullptr.
  const ServedSource* Find(const std::string& source) const;

  // The route of a number the parser classified as valid (any key works;
  // keys that are not E.164 numbers get a route with no sources). O(1): one
  // table lookup by area code or country code.
  uint32_t RouteOf(uint64_t e164) const {
    const int npa = NanpAreaCode(e164);
    if (npa >= 0) return nanp_routes_[npa];
    const uint32_t code = CountryCodeOf(e164);
    return code < kCodes ? country_routes_[code] : unroutable_;
  }
  const Route& route(uint32_t id) const { return routes_[id]; }
  size_t route_count() const { return routes_.size(); }

  // How many NANP area codes the source at `index` (into sources()) is
  // consulted for, and whether it is a national registry. For logs and tests.
  struct Coverage {
    int area_codes = 0;
    bool national = false;  // IsNationalRegistry(its manifest).
  };
  Coverage CoverageOf(size_t index) const;

 private:
  static constexpr int kCodes = 1000;  // Area codes and country codes 0-999.
  void BuildRoutes();
  uint32_t AddRoute(Route route);

  std::vector<ServedSource> sources_;
  std::vector<Route> routes_;
  std::vector<uint32_t> nanp_routes_;     // By area code, kCodes entries.
  std::vector<uint32_t> country_routes_;  // By country code, kCodes entries.
  uint32_t unroutable_ = 0;
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_SOURCE_SET_H_
