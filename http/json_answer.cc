#include "http/json_answer.h"

#include <algorithm>
#include <string>

#include "absl/time/time.h"
#include "common/answer.h"
#include "common/civil_date.h"
#include "nlohmann/json.hpp"
#include "policy/policy.h"
#include "service/source_set.h"
#include "storage/manifest.h"

namespace dnc::http {
namespace {

using Json = nlohmann::json;

// "08:00" for 480; "24:00" for 1440 (the end of the day).
std::string MinuteText(int minute) {
  minute = std::clamp(minute, 0, 24 * 60);
  char text[8] = {static_cast<char>('0' + minute / 600),
                  static_cast<char>('0' + minute / 60 % 10),
                  ':',
                  static_cast<char>('0' + minute % 60 / 10),
                  static_cast<char>('0' + minute % 10),
                  '\0'};
  return text;
}

// The snapshot's four fields, added to *out (a reason or a snapshot).
void AddSnapshotFields(const storage::Manifest& manifest, Json* out) {
  out->emplace("source", manifest.source);
  out->emplace("jurisdiction", manifest.jurisdiction);
  out->emplace("generation", manifest.generation);
  out->emplace("as_of", FormatIsoDate(manifest.as_of));
}

Json ReasonJson(const Reason& reason, const service::ScrubResult& result) {
  Json out = Json::object();
  out.emplace("code", ReasonCodeName(reason.code));
  out.emplace("detail",
              std::string(reason.detail.data(), reason.detail.size()));
  if (reason.snapshot != kNoSnapshot &&
      reason.snapshot < result.snapshots.size()) {
    AddSnapshotFields(result.snapshots[reason.snapshot]->manifest(), &out);
  }
  // As gRPC's added_date: the day a number was listed (or put on the
  // internal list); an excuse's record date is in its detail.
  if (reason.date != 0 && (reason.code == ReasonCode::kListed ||
                           reason.code == ReasonCode::kInternalList)) {
    out.emplace("added_date", FormatIsoDate(reason.date));
  }
  if (reason.callable_at != 0) {
    out.emplace("callable_at",
                absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                                 absl::FromUnixSeconds(reason.callable_at),
                                 absl::UTCTimeZone()));
  }
  return out;
}

Json WindowJson(const policy::CallingWindow& window) {
  Json out = Json::object();
  out.emplace("known", window.known);
  out.emplace("open_now", window.known && window.open_now);
  if (!window.known) return out;
  Json zones = Json::array();
  for (const std::string& zone : window.time_zones) zones.push_back(zone);
  out.emplace("time_zones", std::move(zones));
  out.emplace("rule", window.rule);
  out.emplace("local_start", MinuteText(window.start_minute));
  out.emplace("local_end", MinuteText(window.end_minute));
  out.emplace("local_now", window.local_now);
  out.emplace("source", window.source);
  out.emplace("barred_today", window.barred_today);
  Json restrictions = Json::array();
  for (const std::string& text : window.restrictions) {
    restrictions.push_back(text);
  }
  out.emplace("restrictions", std::move(restrictions));
  return out;
}

Json SnapshotsJson(const service::ScrubResult& result) {
  Json out = Json::array();
  for (const service::ServedSource* served : result.snapshots) {
    Json snapshot = Json::object();
    AddSnapshotFields(served->manifest(), &snapshot);
    out.push_back(std::move(snapshot));
  }
  return out;
}

// Entry `entry`'s disposition, callable, e164, reasons (from *cursor on,
// which moves past them: reasons are sorted by entry) and window.
Json EntryJson(const service::ScrubAnswer& answer, size_t entry,
               size_t* cursor) {
  const service::ScrubResult& result = answer.result;
  const Disposition disposition = result.dispositions[entry];
  Json out = Json::object();
  out.emplace("disposition", DispositionName(disposition));
  out.emplace("callable", IsCallable(disposition));
  out.emplace("e164", result.e164[entry]);
  Json reasons = Json::array();
  while (*cursor < result.reasons.size() &&
         result.reasons[*cursor].entry == entry) {
    reasons.push_back(ReasonJson(result.reasons[*cursor], result));
    ++*cursor;
  }
  out.emplace("reasons", std::move(reasons));
  const service::WindowTable& windows = answer.windows;
  if (entry < windows.index.size() &&
      windows.index[entry] < windows.windows.size()) {
    out.emplace("window", WindowJson(windows.windows[windows.index[entry]]));
  } else {
    out.emplace("window", WindowJson(policy::CallingWindow()));
  }
  return out;
}

}  // namespace

void FillCheckJson(const service::ScrubAnswer& answer, std::string_view id,
                   Json* out) {
  size_t cursor = 0;
  *out = EntryJson(answer, 0, &cursor);
  out->emplace("snapshots", SnapshotsJson(answer.result));
  out->emplace("purpose", policy::PurposeName(answer.purpose));
  out->emplace("id", std::string(id));
}

void FillScrubJson(const service::ScrubAnswer& answer, const ScrubEcho& echo,
                   Json* out) {
  const size_t entries = answer.result.dispositions.size();
  Json results = Json::array();
  size_t cursor = 0;
  for (size_t i = 0; i < entries; ++i) {
    Json entry = EntryJson(answer, i, &cursor);
    if (i < echo.ids.size()) entry.emplace("id", echo.ids[i]);
    if (i < echo.string_ids.size()) {
      entry.emplace("id", std::string(echo.string_ids[i]));
    }
    results.push_back(std::move(entry));
  }
  *out = Json::object();
  out->emplace("results", std::move(results));
  out->emplace("snapshots", SnapshotsJson(answer.result));
  out->emplace("purpose", policy::PurposeName(answer.purpose));
  out->emplace("sequence", echo.sequence);
  out->emplace("request_id", std::string(echo.request_id));
}

std::string DumpJson(const Json& value) {
  std::string body = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  body += '\n';
  return body;
}

}  // namespace dnc::http
