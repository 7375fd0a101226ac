#include "leadlist/scrub_mapping.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/phone_number.h"

namespace dnc::leadlist {
namespace {

absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

void BuildScrubRequest(absl::Span<const std::string_view> cells,
                       uint64_t first_id, v1::ScrubRequest* request,
                       std::vector<uint32_t>* entry_of_cell) {
  request->Clear();
  entry_of_cell->assign(cells.size(), 0);
  // First pass: packed numbers, in cell order; remember which cells are raw.
  std::vector<uint32_t> raw_cells;
  request->mutable_e164()->Reserve(static_cast<int>(cells.size()));
  for (size_t i = 0; i < cells.size(); ++i) {
    const ParsedNumber parsed = ParsePhoneNumber(cells[i]);
    if (parsed.number_class != NumberClass::kMalformed && parsed.e164 != 0) {
      (*entry_of_cell)[i] = static_cast<uint32_t>(request->e164_size());
      request->add_e164(parsed.e164);
      request->add_ids(first_id + i);
    } else {
      raw_cells.push_back(static_cast<uint32_t>(i));
    }
  }
  // Second pass: text entries follow every packed one.
  for (const uint32_t i : raw_cells) {
    (*entry_of_cell)[i] =
        static_cast<uint32_t>(request->e164_size() + request->raw_size());
    request->add_raw(std::string(cells[i]));
    request->add_ids(first_id + i);
  }
}

SnapshotInfo ToSnapshotInfo(const v1::SnapshotRef& ref) {
  return SnapshotInfo{ref.source(), ref.jurisdiction(), ref.generation(),
                      ref.as_of()};
}

void CollectSnapshots(
    const google::protobuf::RepeatedPtrField<v1::SnapshotRef>& snapshots,
    std::set<SnapshotInfo>* seen) {
  for (const v1::SnapshotRef& ref : snapshots)
    seen->insert(ToSnapshotInfo(ref));
}

std::string FormatWindow(const v1::CallingWindow& window) {
  if (!window.known()) return "unknown";
  std::string text =
      absl::StrCat(window.local_start(), "-", window.local_end());
  if (window.time_zones_size() > 0) {
    absl::StrAppend(&text, " ", absl::StrJoin(window.time_zones(), " or "));
  }
  return text;
}

std::string FormatReason(
    const v1::Reason& reason,
    const google::protobuf::RepeatedPtrField<v1::SnapshotRef>& snapshots) {
  const std::string& detail = reason.detail();
  const v1::SnapshotRef* snapshot = nullptr;
  const bool names_snapshot =
      reason.code() == v1::LISTED || reason.code() == v1::SOURCE_STALE ||
      reason.code() == v1::EBR_PURCHASE || reason.code() == v1::EBR_INQUIRY ||
      reason.code() == v1::WRITTEN_CONSENT ||
      reason.code() == v1::PURPOSE_EXEMPT ||
      reason.code() == v1::EXEMPTION_EXPIRED;
  if (names_snapshot &&
      reason.snapshot() < static_cast<uint32_t>(snapshots.size())) {
    snapshot = &snapshots.Get(static_cast<int>(reason.snapshot()));
  }
  std::string text;
  switch (reason.code()) {
    case v1::LISTED:
      // The snapshot says it all; the detail only stands in for a missing one.
      if (snapshot != nullptr) {
        text = ToSnapshotInfo(*snapshot).ToString();
      } else {
        text = detail.empty() ? std::string("listed") : detail;
      }
      if (!reason.added_date().empty()) {
        absl::StrAppend(&text, " (added ", reason.added_date(), ")");
      }
      return text;
    case v1::SOURCE_STALE:
      if (!detail.empty()) return detail;
      return snapshot != nullptr
                 ? absl::StrCat(ToSnapshotInfo(*snapshot).ToString(),
                                " is stale")
                 : std::string("source is stale");
    case v1::NO_SOURCE:
      return detail.empty() ? "no loaded source covers this number" : detail;
    case v1::INVALID_NUMBER:
      return detail.empty() ? "invalid number" : detail;
    case v1::MALFORMED_NUMBER:
      return detail.empty() ? "malformed number" : detail;
    case v1::INTERNAL_LIST:
      text = "internal do-not-call list";
      // The date says it all; the server's detail only repeats it.
      if (!reason.added_date().empty()) {
        absl::StrAppend(&text, " (added ", reason.added_date(), ")");
      } else if (!detail.empty()) {
        absl::StrAppend(&text, ": ", detail);
      }
      return text;
    case v1::NOT_ENTITLED:
      return detail.empty() ? std::string("not entitled to this area code")
                            : absl::StrCat("not entitled: ", detail);
    case v1::EBR_PURCHASE:
    case v1::EBR_INQUIRY:
    case v1::WRITTEN_CONSENT:
    case v1::PURPOSE_EXEMPT:
    case v1::EXEMPTION_EXPIRED: {
      const char* name =
          reason.code() == v1::EBR_PURCHASE      ? "EBR purchase"
          : reason.code() == v1::EBR_INQUIRY     ? "EBR inquiry"
          : reason.code() == v1::WRITTEN_CONSENT ? "written consent"
          : reason.code() == v1::PURPOSE_EXEMPT  ? "purpose exempt"
                                                 : "exemption expired";
      text = name;
      if (snapshot != nullptr) {
        absl::StrAppend(&text, " (", snapshot->source(), ")");
      }
      if (!detail.empty()) absl::StrAppend(&text, ": ", detail);
      return text;
    }
    default:
      text = absl::StrCat("reason ", static_cast<int>(reason.code()));
      if (!detail.empty()) absl::StrAppend(&text, ": ", detail);
      return text;
  }
}

absl::Status ApplyScrubResponse(const v1::ScrubResponse& response,
                                absl::Span<const uint32_t> entry_of_cell,
                                uint64_t first_id,
                                std::vector<CellVerdict>* verdicts) {
  const size_t entries = entry_of_cell.size();
  const auto mismatch = [&](std::string_view what) {
    return absl::InternalError(
        absl::StrCat("scrub response (sequence ", response.sequence(),
                     ") does not match its request of ", entries,
                     " entries: ", AsAbsl(what)));
  };
  if (static_cast<size_t>(response.dispositions_size()) != entries) {
    return mismatch(
        absl::StrCat(response.dispositions_size(), " dispositions"));
  }
  const bool have_e164 = response.e164_size() != 0;
  if (have_e164 && static_cast<size_t>(response.e164_size()) != entries) {
    return mismatch(absl::StrCat(response.e164_size(), " e164 numbers"));
  }
  const bool have_ids = response.ids_size() != 0;
  if (have_ids && static_cast<size_t>(response.ids_size()) != entries) {
    return mismatch(absl::StrCat(response.ids_size(), " ids"));
  }
  const bool have_windows = response.window_size() != 0;
  if (have_windows && static_cast<size_t>(response.window_size()) != entries) {
    return mismatch(absl::StrCat(response.window_size(), " window indexes"));
  }
  // Formatted once per response: many entries share a window.
  std::vector<std::string> window_text;
  window_text.reserve(static_cast<size_t>(response.windows_size()));
  for (const v1::CallingWindow& window : response.windows()) {
    window_text.push_back(FormatWindow(window));
  }
  const std::string unknown_window = FormatWindow(v1::CallingWindow());
  // Reasons per entry (they are sorted by entry, but do not rely on it).
  std::vector<std::vector<std::string>> reasons_of_entry;
  if (response.reasons_size() > 0) reasons_of_entry.resize(entries);
  for (const v1::Reason& reason : response.reasons()) {
    if (reason.entry() >= entries) {
      return mismatch(absl::StrCat("a reason names entry ", reason.entry()));
    }
    reasons_of_entry[reason.entry()].push_back(
        FormatReason(reason, response.snapshots()));
  }
  verdicts->resize(entries);
  for (size_t cell = 0; cell < entries; ++cell) {
    const uint32_t entry = entry_of_cell[cell];
    if (entry >= entries) return mismatch("bad entry plan");
    if (have_ids && response.ids(static_cast<int>(entry)) != first_id + cell) {
      return mismatch(absl::StrCat("entry ", entry, " echoes id ",
                                   response.ids(static_cast<int>(entry)),
                                   ", expected ", first_id + cell));
    }
    CellVerdict& verdict = (*verdicts)[cell];
    verdict.disposition = response.dispositions(static_cast<int>(entry));
    verdict.callable = IsCallableDisposition(verdict.disposition);
    verdict.e164 = have_e164 ? response.e164(static_cast<int>(entry)) : 0;
    verdict.window_known = false;
    verdict.open_now = false;
    if (have_windows) {
      const uint32_t w = response.window(static_cast<int>(entry));
      if (w >= window_text.size()) {
        return mismatch(absl::StrCat("entry ", entry, " names window ", w,
                                     " of ", window_text.size()));
      }
      const v1::CallingWindow& window = response.windows(static_cast<int>(w));
      verdict.window = window_text[w];
      verdict.window_known = window.known();
      verdict.open_now = window.known() && window.open_now();
    } else {
      verdict.window = unknown_window;
    }
    verdict.callable_now = verdict.callable && verdict.open_now;
    verdict.reasons.clear();
    if (!reasons_of_entry.empty()) {
      verdict.reasons = std::move(reasons_of_entry[entry]);
    }
  }
  return absl::OkStatus();
}

}  // namespace dnc::leadlist
