#include "http/source_json.h"

#include "nlohmann/json.hpp"
#include "storage/manifest.h"

namespace dnc::http {

using Json = nlohmann::json;

Json SourceJson(const service::ServedSource& served, DayNumber today) {
  const storage::Manifest& manifest = served.manifest();
  const storage::Freshness freshness =
      storage::ComputeFreshness(manifest, today);
  return Json{{"source", manifest.source},
              {"jurisdiction", manifest.jurisdiction},
              {"generation", manifest.generation},
              {"as_of", FormatIsoDate(manifest.as_of)},
              {"country_codes", manifest.country_codes},
              {"number_count", manifest.numbers_loaded},
              {"age_days", freshness.age_days},
              {"max_age_days", manifest.max_age_days},
              {"deadline", FormatIsoDate(freshness.deadline)},
              {"stale", freshness.stale},
              {"loaded_at", served.loaded_at}};
}

}  // namespace dnc::http
