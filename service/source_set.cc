#include "service/source_set.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "storage/source_directory.h"

namespace dnc::service {
namespace {

absl::Status Annotate(const absl::Status& status, const std::string& what) {
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", std::string(status.message())));
}

absl::Status CheckDataDir(const std::string& data_dir) {
  std::error_code ec;
  const auto status = std::filesystem::status(data_dir, ec);
  if (ec || !std::filesystem::exists(status)) {
    return absl::NotFoundError(
        absl::StrCat("data directory ", data_dir, " does not exist"));
  }
  if (!std::filesystem::is_directory(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", data_dir, " is not a directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ServedSource> OpenSource(const std::string& generation_dir,
                                        const SourceSetOptions& options) {
  DNC_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::SourceSnapshot> snapshot,
      storage::SourceSnapshot::Open(generation_dir, options.block_cache_bytes));
  ServedSource served;
  served.snapshot = std::move(snapshot);
  served.loaded_at = NowUtcTimestamp();
  return served;
}

// "CA", or "US-PR" for a territory.
std::string RegionLabel(const NpaInfo& info) {
  if (std::string(info.country) == info.region) return info.country;
  return absl::StrCat(info.country, "-", info.region);
}

}  // namespace

absl::StatusOr<std::optional<ServedSource>> ResolveSource(
    const std::string& data_dir, const std::string& id,
    const ServedSource* previous, const SourceSetOptions& options,
    bool* reused) {
  *reused = false;
  absl::Status last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    DNC_ASSIGN_OR_RETURN(std::optional<std::string> dir,
                         storage::CurrentGenerationDir(data_dir, id));
    if (!dir.has_value()) return std::optional<ServedSource>();
    if (previous != nullptr && previous->snapshot->dir() == *dir) {
      *reused = true;
      return std::optional<ServedSource>(*previous);
    }
    absl::StatusOr<ServedSource> served = OpenSource(*dir, options);
    if (served.ok()) return std::optional<ServedSource>(*std::move(served));
    last_error = served.status();
    absl::StatusOr<std::optional<std::string>> again =
        storage::CurrentGenerationDir(data_dir, id);
    if (!again.ok() || again->value_or("") == *dir) break;  // Not a race.
  }
  return last_error;
}

SourceSet::SourceSet() { BuildRoutes(); }

SourceSet::SourceSet(std::vector<ServedSource> sources)
    : sources_(std::move(sources)) {
  std::sort(sources_.begin(), sources_.end(),
            [](const ServedSource& a, const ServedSource& b) {
              return a.manifest().source < b.manifest().source;
            });
  BuildRoutes();
}

uint32_t SourceSet::AddRoute(Route route) {
  routes_.push_back(std::move(route));
  return static_cast<uint32_t>(routes_.size() - 1);
}

void SourceSet::BuildRoutes() {
  routes_.clear();
  nanp_routes_.assign(kCodes, 0);
  country_routes_.assign(kCodes, 0);
  std::vector<bool> national(sources_.size());
  for (size_t i = 0; i < sources_.size(); ++i) {
    national[i] = IsNationalRegistry(sources_[i].manifest());
  }
  // Nationally covered routes carry no text and are shared between codes
  // with the same sources.
  std::map<std::vector<uint32_t>, uint32_t> shared;
  auto add = [&](Route route) {
    if (!route.national) return AddRoute(std::move(route));
    auto [it, inserted] = shared.emplace(route.sources, 0);
    if (inserted) it->second = AddRoute(std::move(route));
    return it->second;
  };

  unroutable_ = AddRoute({{}, false, "no loaded registry covers this number"});
  for (int npa = 0; npa < kCodes; ++npa) {
    const NpaInfo& info = LookupNpa(npa);
    Route route;
    for (size_t i = 0; i < sources_.size(); ++i) {
      const storage::AreaCodeUse use =
          storage::UseForAreaCode(sources_[i].manifest(), npa);
      if (use == storage::AreaCodeUse::kNone) continue;
      route.sources.push_back(static_cast<uint32_t>(i));
      route.national |= use == storage::AreaCodeUse::kNational;
    }
    if (!info.assigned()) {
      route.no_source_detail =
          absl::StrFormat("area code %03d is not in the numbering table", npa);
    } else if (!route.national) {
      route.no_source_detail = absl::StrCat(
          route.sources.empty() ? "no loaded registry covers "
                                : "no loaded national registry covers ",
          RegionLabel(info), absl::StrFormat(" (area code %03d)", npa));
    }
    nanp_routes_[npa] = add(std::move(route));
  }
  for (uint32_t code = 0; code < kCodes; ++code) {
    Route route;
    if (code != 1) {  // +1 numbers route by area code.
      for (size_t i = 0; i < sources_.size(); ++i) {
        if (storage::ListsCountryCode(sources_[i].manifest(), code)) {
          route.sources.push_back(static_cast<uint32_t>(i));
          route.national |= national[i];
        }
      }
    }
    if (!route.national) {
      route.no_source_detail = absl::StrCat(
          route.sources.empty() ? "no loaded registry covers +"
                                : "no loaded national registry covers +",
          code);
    }
    country_routes_[code] = add(std::move(route));
  }
}

SourceSet::Coverage SourceSet::CoverageOf(size_t index) const {
  Coverage coverage;
  coverage.national = IsNationalRegistry(sources_[index].manifest());
  for (int npa = 0; npa < kCodes; ++npa) {
    const Route& r = routes_[nanp_routes_[npa]];
    if (std::binary_search(r.sources.begin(), r.sources.end(),
                           static_cast<uint32_t>(index))) {
      ++coverage.area_codes;
    }
  }
  return coverage;
}

const ServedSource* SourceSet::Find(const std::string& source) const {
  for (const ServedSource& served : sources_) {
    if (served.manifest().source == source) return &served;
  }
  return nullptr;
}

absl::StatusOr<std::shared_ptr<const SourceSet>> SourceSet::Open(
    const std::string& data_dir, const SourceSetOptions& options) {
  DNC_RETURN_IF_ERROR(CheckDataDir(data_dir));
  DNC_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                       storage::ListPublishedSources(data_dir));
  std::vector<ServedSource> sources;
  for (const std::string& id : ids) {
    bool reused = false;
    absl::StatusOr<std::optional<ServedSource>> served =
        ResolveSource(data_dir, id, nullptr, options, &reused);
    if (!served.ok()) return Annotate(served.status(), "opening source " + id);
    if (!served->has_value()) continue;  // Unpublished since it was listed.
    sources.push_back(**std::move(served));
  }
  return std::make_shared<const SourceSet>(std::move(sources));
}

}  // namespace dnc::service
