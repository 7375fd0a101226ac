#include "dnccom/result_rows.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "common/nanp_regions.h"
#include "dnccom/result_codes.h"
#include "dnccom/string_views.h"
#include "policy/policy.h"
#include "storage/manifest.h"
#include "storage/source_coverage.h"

namespace dnc::dnccom {

const std::array<const char*, kFieldCount> kFieldNames = {
    "Phone",
    "ResultCode",
    "Reserved",
    "Reason",
    "RegionAbbrev",
    "Country",
    "Locale",
    "CarrierInfo",
    "NewReassignedAreaCode",
    "TZCode",
    "CallingWindow",
    "UTCOffset",
    "DoNotCallToday",
    "CallingTimeRestrictions",
    "EBRType",
    "IsWirelessOrVoIP",
    "LineType"};

namespace {

// Field positions.
enum Field {
  kPhone = 0,
  kResultCode = 1,
  kReserved = 2,
  kReason = 3,
  kRegionAbbrev = 4,
  kCountry = 5,
  kCallingWindow = 10,
  kDoNotCallToday = 12,
  kCallingTimeRestrictions = 13,
  kEbrType = 14,
};

// Reason parts.
enum Part { kNational = 0, kState = 1, kTps = 2 };

constexpr char kLetters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr char kNoReason[] = ";;;";

// Appends `text` with every byte a client's unquoted split could trip on
// (',', ';', '"', control characters) replaced by a space.
void AppendClean(std::string_view text, std::string* out) {
  for (const char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    out->push_back(
        u < 0x20 || u == 0x7f || c == ',' || c == ';' || c == '"' ? ' ' : c);
  }
}

// " YYYY-MM-DD" for a known day.
void AppendDate(DayNumber day, std::string* out) {
  if (day == 0) return;
  const CivilDate date = CivilFromDays(day);
  char buf[16];
  const int n =
      std::snprintf(buf, sizeof(buf), " %04d-%02d-%02d",
                    static_cast<int>(date.year), date.month, date.day);
  out->append(buf, static_cast<size_t>(n));
}

std::string* StartPart(RowScratch* scratch, int part) {
  std::string* text = &scratch->reason_parts[part];
  if (!text->empty()) text->push_back(' ');
  return text;
}

// Where a source's listings go in Reason, and what they are called there.
void LabelSource(const storage::Manifest& manifest, int* part,
                 std::string* label) {
  label->clear();
  const std::string& j = manifest.jurisdiction;
  if (manifest.kind == "litigator") {
    *part = kNational;
    *label = "Litigator";
  } else if (storage::IsNationalRegistry(manifest)) {
    *part = j == "GB" ? kTps : kNational;
    if (j == "US") {
      *label = "National (USA)";
    } else if (j == "CA") {
      *label = "National (CAN)";
    } else if (j == "GB") {
      *label = "TPS";
    } else {
      label->append("National (");
      AppendClean(j, label);
      label->append(")");
    }
  } else if (const size_t dash = j.find('-'); dash != std::string::npos) {
    *part = kState;
    label->append("State (");
    AppendClean(std::string_view(j).substr(dash + 1), label);
    label->append(")");
  } else {
    *part = kNational;
    label->append("List (");
    AppendClean(manifest.source, label);
    label->append(")");
  }
}

const char* EbrTypeOf(ReasonCode code) {
  switch (code) {
    case ReasonCode::kEbrPurchase:
      return "Purchase";
    case ReasonCode::kEbrInquiry:
      return "Inquiry";
    case ReasonCode::kWrittenConsent:
      return "Consent";
    default:
      return "";
  }
}

// Adds one reason of an entry to the Reason parts.
void AddReason(const service::ScrubResult& result, const Reason& reason,
               uint64_t e164, RowScratch* scratch) {
  const bool has_snapshot = reason.snapshot < result.snapshots.size();
  const storage::Manifest* manifest =
      has_snapshot ? &result.snapshots[reason.snapshot]->manifest() : nullptr;
  std::string* text = nullptr;
  switch (reason.code) {
    case ReasonCode::kListed:
      if (!has_snapshot) return;
      text = StartPart(scratch, scratch->part[reason.snapshot]);
      text->append(scratch->label[reason.snapshot]);
      AppendDate(reason.date, text);
      return;
    case ReasonCode::kInternalList:
      text = StartPart(scratch, kNational);
      text->append("Project DNC");
      AppendDate(reason.date, text);
      return;
    case ReasonCode::kNotEntitled:
      text = StartPart(scratch, kNational);
      text->append("Not subscribed (");
      if (manifest != nullptr) AppendClean(manifest->source, text);
      if (const int npa = NanpAreaCode(e164); npa >= 0) {
        absl::StrAppend(text, " ", npa);
      }
      text->append(")");
      return;
    case ReasonCode::kSourceStale:
      text = StartPart(scratch, kNational);
      text->append("Stale (");
      if (manifest != nullptr) {
        AppendClean(manifest->source, text);
        text->append(" as of");
        AppendDate(manifest->as_of, text);
      }
      text->append(")");
      return;
    case ReasonCode::kNoSource:
      StartPart(scratch, kNational)->append("No national registry loaded");
      return;
    case ReasonCode::kFrequencyCap:
      text = StartPart(scratch, kNational);
      text->append("Attempt limit (callable ");
      text->append(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                                    absl::FromUnixSeconds(reason.callable_at),
                                    absl::UTCTimeZone()));
      text->append(")");
      return;
    case ReasonCode::kInvalidNumber:
      text = StartPart(scratch, kNational);
      text->append("Invalid (");
      AppendClean(Std(reason.detail), text);
      text->append(")");
      return;
    case ReasonCode::kMalformedNumber:
      text = StartPart(scratch, kNational);
      text->append("Malformed (");
      if (e164 == 0) {
        text->append("not 10 digits");
      } else {
        AppendClean(Std(reason.detail), text);
      }
      text->append(")");
      return;
    default:  // Excuses and failed excuses: EBRType, not Reason.
      return;
  }
}

void LabelSnapshots(const service::ScrubResult& result, RowScratch* scratch) {
  const size_t n = result.snapshots.size();
  scratch->part.resize(n);
  if (scratch->label.size() < n) scratch->label.resize(n);
  for (size_t i = 0; i < n; ++i) {
    LabelSource(result.snapshots[i]->manifest(), &scratch->part[i],
                &scratch->label[i]);
  }
}

// RegionAbbrev and Country by area code, worked out once from the numbering
// table (whose strings are static).
struct Region {
  std::string_view abbrev;
  std::string_view country;
};

const std::array<Region, 1000>& RegionTable() {
  static const std::array<Region, 1000>* const kTable = [] {
    auto* table = new std::array<Region, 1000>();
    for (int npa = 0; npa < 1000; ++npa) {
      const NpaInfo& info = LookupNpa(npa);
      if (!info.assigned()) continue;
      Region& region = (*table)[npa];
      region.country = std::string_view(info.country, strnlen(info.country, 2));
      const std::string_view territory(info.region, strnlen(info.region, 2));
      if (info.subdivisions[0][0] != '\0') {
        region.abbrev = std::string_view(info.subdivisions[0],
                                         strnlen(info.subdivisions[0], 2));
      } else if (territory != region.country) {
        region.abbrev = territory;
      }
    }
    return table;
  }();
  return *kTable;
}

// "HH:MM".
void AppendMinute(int minute, std::string* out) {
  char buf[8];
  const int n =
      std::snprintf(buf, sizeof(buf), "%02d:%02d", minute / 60, minute % 60);
  out->append(buf, static_cast<size_t>(n));
}

// The three window fields of every window of the chunk, worked out once per
// window rather than per entry.
void DescribeWindows(const service::WindowTable& windows, RowScratch* scratch) {
  const size_t n = windows.windows.size();
  if (scratch->window_hours.size() < n) scratch->window_hours.resize(n);
  if (scratch->window_restrictions.size() < n) {
    scratch->window_restrictions.resize(n);
  }
  for (size_t i = 0; i < n; ++i) {
    const policy::CallingWindow& window = windows.windows[i];
    std::string& hours = scratch->window_hours[i];
    std::string& restrictions = scratch->window_restrictions[i];
    hours.clear();
    restrictions.clear();
    if (!window.known) continue;
    if (!window.barred_today) {
      AppendMinute(window.start_minute, &hours);
      hours.push_back('-');
      AppendMinute(window.end_minute, &hours);
    }
    for (const std::string& text : window.restrictions) {
      if (!restrictions.empty()) restrictions.append(" | ");
      AppendClean(text, &restrictions);
    }
  }
}

}  // namespace

void ForEachRow(const service::ScrubAnswer& answer, const PhoneList& list,
                size_t offset, RowScratch* scratch,
                absl::FunctionRef<void(const DncRow&)> emit) {
  const service::ScrubResult& result = answer.result;
  LabelSnapshots(result, scratch);
  DescribeWindows(answer.windows, scratch);
  const service::WindowTable& windows = answer.windows;
  const std::vector<Reason>& reasons = result.reasons;
  size_t r = 0;
  const size_t n = result.dispositions.size();
  const std::array<Region, 1000>& regions = RegionTable();
  DncRow row;  // Fields we never fill stay empty from here on.
  for (size_t i = 0; i < n; ++i) {
    const size_t begin = r;
    while (r < reasons.size() && reasons[r].entry == i) ++r;
    const absl::Span<const Reason> own(reasons.data() + begin, r - begin);
    const uint64_t e164 = result.e164[i];
    row.fields[kPhone] = list.phone[offset + i];
    if (!list.ids.empty()) row.fields[kReserved] = list.ids[offset + i];
    row.fields[kEbrType] = std::string_view();
    const char code = ResultCodeOf(result.dispositions[i], own);
    row.fields[kResultCode] = std::string_view(kLetters + (code - 'A'), 1);
    if (own.empty()) {
      row.fields[kReason] = kNoReason;
    } else {
      for (std::string& part : scratch->reason_parts) part.clear();
      for (const Reason& reason : own) AddReason(result, reason, e164, scratch);
      std::string& text = scratch->reason;
      text.clear();
      for (size_t p = 0; p < scratch->reason_parts.size(); ++p) {
        if (p > 0) text.push_back(';');
        text.append(scratch->reason_parts[p]);
      }
      row.fields[kReason] = text;
      if (code == 'O') {
        for (const Reason& reason : own) {
          if (IsRecordExcuse(reason.code)) {
            row.fields[kEbrType] = EbrTypeOf(reason.code);
            break;
          }
        }
      }
    }
    const int npa = NanpAreaCode(e164);
    const Region region = npa >= 0 ? regions[npa] : Region();
    row.fields[kRegionAbbrev] = region.abbrev;
    row.fields[kCountry] = region.country;
    // The calling window today: its hours, "Y" when calls are barred all day
    // or the window is unknown (never open), and why.
    const size_t w = i < windows.index.size() ? windows.index[i] : 0;
    const bool known = w < windows.windows.size() && windows.windows[w].known;
    if (known) {
      row.fields[kCallingWindow] = scratch->window_hours[w];
      row.fields[kDoNotCallToday] = windows.windows[w].barred_today ? "Y" : "N";
      row.fields[kCallingTimeRestrictions] = scratch->window_restrictions[w];
    } else {
      row.fields[kCallingWindow] = std::string_view();
      row.fields[kDoNotCallToday] = "Y";
      row.fields[kCallingTimeRestrictions] = std::string_view();
    }
    emit(row);
  }
}

}  // namespace dnc::dnccom
