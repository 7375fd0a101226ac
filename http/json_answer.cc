#include "http/json_answer.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "common/answer.h"
#include "common/civil_date.h"
#include "nlohmann/json.hpp"
#include "policy/policy.h"
#include "service/source_set.h"
#include "storage/manifest.h"

namespace dnc::http {
namespace {

using nlohmann::json;

// "08:00" for 480; "24:00" for 1440 (the end of the day).
std::string MinuteText(int minute) {
  minute = std::clamp(minute, 0, 24 * 60);
  char text[16];
  std::snprintf(text, sizeof(text), "%02d:%02d", minute / 60, minute % 60);
  return text;
}

json SnapshotJson(const storage::Manifest& manifest) {
  return json{{"source", manifest.source},
              {"jurisdiction", manifest.jurisdiction},
              {"generation", manifest.generation},
              {"as_of", FormatIsoDate(manifest.as_of)}};
}

json ReasonJson(const Reason& reason, const service::ScrubResult& result) {
  json out{{"code", ReasonCodeName(reason.code)},
           {"detail", std::string(reason.detail.data(), reason.detail.size())}};
  if (reason.snapshot != kNoSnapshot &&
      reason.snapshot < result.snapshots.size()) {
    const storage::Manifest& manifest =
        result.snapshots[reason.snapshot]->manifest();
    out["source"] = manifest.source;
    out["jurisdiction"] = manifest.jurisdiction;
    out["generation"] = manifest.generation;
    out["as_of"] = FormatIsoDate(manifest.as_of);
  }
  // As gRPC's added_date: the day a number was listed (or put on the
  // internal list); an excuse's record date is in its detail.
  if (reason.date != 0 && (reason.code == ReasonCode::kListed ||
                           reason.code == ReasonCode::kInternalList)) {
    out["added_date"] = FormatIsoDate(reason.date);
  }
  return out;
}

json WindowJson(const policy::CallingWindow& window) {
  json out{{"known", window.known},
           {"open_now", window.known && window.open_now}};
  if (!window.known) return out;
  out["time_zones"] = window.time_zones;
  out["rule"] = window.rule;
  out["local_start"] = MinuteText(window.start_minute);
  out["local_end"] = MinuteText(window.end_minute);
  out["local_now"] = window.local_now;
  return out;
}

json SnapshotsJson(const service::ScrubResult& result) {
  json out = json::array();
  for (const service::ServedSource* served : result.snapshots) {
    out.push_back(SnapshotJson(served->manifest()));
  }
  return out;
}

// Entry `entry`'s disposition, callable, e164, reasons (from *cursor on,
// which moves past them: reasons are sorted by entry) and window.
json EntryJson(const service::ScrubAnswer& answer, size_t entry,
               size_t* cursor) {
  const service::ScrubResult& result = answer.result;
  const Disposition disposition = result.dispositions[entry];
  json out{{"disposition", DispositionName(disposition)},
           {"callable", IsCallable(disposition)},
           {"e164", result.e164[entry]}};
  json reasons = json::array();
  while (*cursor < result.reasons.size() &&
         result.reasons[*cursor].entry == entry) {
    reasons.push_back(ReasonJson(result.reasons[*cursor], result));
    ++*cursor;
  }
  out["reasons"] = std::move(reasons);
  const service::WindowTable& windows = answer.windows;
  if (entry < windows.index.size() &&
      windows.index[entry] < windows.windows.size()) {
    out["window"] = WindowJson(windows.windows[windows.index[entry]]);
  } else {
    out["window"] = WindowJson(policy::CallingWindow());
  }
  return out;
}

}  // namespace

void FillCheckJson(const service::ScrubAnswer& answer, std::string_view id,
                   json* out) {
  size_t cursor = 0;
  *out = EntryJson(answer, 0, &cursor);
  (*out)["snapshots"] = SnapshotsJson(answer.result);
  (*out)["purpose"] = policy::PurposeName(answer.purpose);
  (*out)["id"] = std::string(id);
}

void FillScrubJson(const service::ScrubAnswer& answer, const ScrubEcho& echo,
                   json* out) {
  const size_t entries = answer.result.dispositions.size();
  json results = json::array();
  size_t cursor = 0;
  for (size_t i = 0; i < entries; ++i) {
    json entry = EntryJson(answer, i, &cursor);
    if (i < echo.ids.size()) entry["id"] = echo.ids[i];
    if (i < echo.string_ids.size()) {
      entry["id"] = std::string(echo.string_ids[i]);
    }
    results.push_back(std::move(entry));
  }
  *out = json{{"results", std::move(results)},
              {"snapshots", SnapshotsJson(answer.result)},
              {"purpose", policy::PurposeName(answer.purpose)},
              {"sequence", echo.sequence},
              {"request_id", std::string(echo.request_id)}};
}

std::string DumpJson(const json& value) {
  std::string body = value.dump(-1, ' ', false, json::error_handler_t::replace);
  body += '\n';
  return body;
}

}  // namespace dnc::http
