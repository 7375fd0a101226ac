// Test fixture: publishes a generation of a source under a data directory
// the way dnc-load does (BeginGeneration -> BuildRegistryDb ->
// WriteHashFilter -> WriteManifest -> PublishGeneration), straight from a
// list of keys, without the loader module. Plus seeded generators of valid
// numbers for tests and benchmarks.
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_SERVICE_REGISTRY_FIXTURE_H_
#define DNC_TESTS_SERVICE_REGISTRY_FIXTURE_H_

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/civil_date.h"
#include "common/nanp_regions.h"
#include "common/phone_number.h"
#include "common/status_macros.h"
#include "storage/key_index.h"
#include "storage/manifest.h"
#include "storage/registry_db_builder.h"
#include "storage/registry_record.h"
#include "storage/source_directory.h"

namespace dnc::test {

struct FixtureSource {
  std::string source = "us-test";
  std::string jurisdiction = "US";
  std::vector<uint32_t> country_codes = {1};
  std::string kind;                  // Manifest kind; empty: not recorded.
  std::vector<uint32_t> area_codes;  // Manifest area codes; empty: none.
  DayNumber as_of = 0;
  int32_t max_age_days = 31;
  // Any order, duplicates allowed.
  std::vector<uint64_t> keys;
  // Empty, or parallel to `keys`: the day each key was added (0 = unknown).
  std::vector<DayNumber> added;
};

// Publishes `spec` as the next generation of spec.source under `data_dir`
// and returns the published generation's directory.
inline absl::StatusOr<std::string> PublishFixtureSource(
    const std::string& data_dir, const FixtureSource& spec) {
  std::vector<std::pair<uint64_t, DayNumber>> rows;
  rows.reserve(spec.keys.size());
  for (size_t i = 0; i < spec.keys.size(); ++i) {
    rows.emplace_back(spec.keys[i], spec.added.empty() ? 0 : spec.added[i]);
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end(),
                         [](const auto& a, const auto& b) {
                           return a.first == b.first;
                         }),
             rows.end());
  std::vector<uint64_t> keys;
  std::vector<storage::RegistryRecord> records;
  keys.reserve(rows.size());
  records.reserve(rows.size());
  for (const auto& [key, added] : rows) {
    keys.push_back(key);
    storage::RegistryRecord record;
    record.added = added;
    records.push_back(record);
  }

  DNC_ASSIGN_OR_RETURN(storage::PendingGeneration pending,
                       storage::BeginGeneration(data_dir, spec.source));
  DNC_RETURN_IF_ERROR(storage::BuildRegistryDb(
      absl::StrCat(pending.dir(), "/", storage::kDbDirName), keys, records));
  // index.bin and no filter, as dnc-load writes a generation.
  DNC_ASSIGN_OR_RETURN(
      storage::KeyIndexInfo index,
      storage::WriteKeyIndex(
          keys, pending.generation_number(),
          absl::StrCat(pending.dir(), "/", storage::kIndexFileName)));
  storage::Manifest manifest;
  manifest.source = spec.source;
  manifest.jurisdiction = spec.jurisdiction;
  manifest.country_codes = spec.country_codes;
  manifest.kind = spec.kind;
  manifest.area_codes = spec.area_codes;
  manifest.generation = pending.generation();
  manifest.generation_number = pending.generation_number();
  manifest.as_of = spec.as_of;
  manifest.max_age_days = spec.max_age_days;
  manifest.format = "test-fixture";
  manifest.created_at = NowUtcTimestamp();
  manifest.lines_read = spec.keys.size();
  manifest.numbers_loaded = keys.size();
  manifest.duplicates = spec.keys.size() - keys.size();
  manifest.index_checksum = index.checksum;
  manifest.index_bytes = index.file_bytes;
  DNC_RETURN_IF_ERROR(storage::WriteManifest(
      manifest, absl::StrCat(pending.dir(), "/", storage::kManifestFileName)));
  const std::string final_dir = absl::StrCat(data_dir, "/sources/", spec.source,
                                             "/", pending.generation());
  DNC_RETURN_IF_ERROR(storage::PublishGeneration(std::move(pending)));
  return final_dir;
}

// A random number in area code `npa` the parser classifies as valid.
// REQUIRES: the parser accepts some numbers in `npa`.
inline uint64_t RandomValidInAreaCode(std::mt19937_64& rng, int npa) {
  std::uniform_int_distribution<uint64_t> nxx(200, 999), line(0, 9999);
  for (;;) {
    const uint64_t e164 = 10000000000ULL +
                          static_cast<uint64_t>(npa) * 10000000ULL +
                          nxx(rng) * 10000ULL + line(rng);
    if (ClassifyE164(e164).valid()) return e164;
  }
}

// The area codes of the numbering table (common/nanp_regions.h) for which
// `keep(info)` is true, ascending.
template <typename Predicate>
std::vector<int> AreaCodesWhere(Predicate keep) {
  std::vector<int> npas;
  for (int npa = 200; npa < 1000; ++npa) {
    const NpaInfo& info = LookupNpa(npa);
    if (info.assigned() && keep(info)) npas.push_back(npa);
  }
  return npas;
}

// The area codes of the 50 US states and DC (not the territories).
inline const std::vector<int>& UsStateAreaCodes() {
  static const std::vector<int>* const kNpas =
      new std::vector<int>(AreaCodesWhere([](const NpaInfo& info) {
        return std::string(info.region) == "US";
      }));
  return *kNpas;
}

// A random valid number in a US state or DC area code: what a national "US"
// source covers with no other source needed.
inline uint64_t RandomValidNanp(std::mt19937_64& rng) {
  const std::vector<int>& npas = UsStateAreaCodes();
  std::uniform_int_distribution<size_t> pick(0, npas.size() - 1);
  return RandomValidInAreaCode(rng, npas[pick(rng)]);
}

// A random number under country code `code` (national part `digits` long)
// the parser classifies as valid.
inline uint64_t RandomValidInternational(std::mt19937_64& rng, uint32_t code,
                                         int digits) {
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::uniform_int_distribution<uint64_t> national(scale / 10 * 2, scale - 1);
  for (;;) {
    const uint64_t e164 = code * scale + national(rng);
    if (ClassifyE164(e164).valid()) return e164;
  }
}

}  // namespace dnc::test

#endif  // DNC_TESTS_SERVICE_REGISTRY_FIXTURE_H_
