#include "policy/policy.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/nanp_regions.h"
#include "policy/jurisdiction_rules.h"
#include "policy/nanp_time_zones.h"

namespace dnc::policy {
namespace {

// ---- Names ----------------------------------------------------------------

char Lower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

bool EqualsIgnoreCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (Lower(text[i]) != lower[i]) return false;
  }
  return true;
}

absl::string_view Sv(std::string_view sv) { return {sv.data(), sv.size()}; }

// ---- Decide ---------------------------------------------------------------

// Buckets of records that do not excuse: purchase, inquiry, written
// consent, any other type.
constexpr int kFailedKinds = 4;

int FailedKind(ConsentType type) {
  switch (type) {
    case ConsentType::kPurchase:
      return 0;
    case ConsentType::kInquiry:
      return 1;
    case ConsentType::kWritten:
      return 2;
    default:
      return 3;
  }
}

// What a seller's records do for one listing.
struct RecordVerdict {
  const ConsentRecord* excusing = nullptr;  // The newest record that excuses.
  DayNumber excusing_until = 0;  // Its expiry (exclusive); 0 = until revoked.
  // Per kind, the newest record that does not excuse.
  const ConsentRecord* failed[kFailedKinds] = {};
};

// The window of `type` in `rules` in months; 0 = not recognised; -1 = until
// revoked (written consent).
int WindowMonths(const JurisdictionRules& rules, ConsentType type) {
  switch (type) {
    case ConsentType::kPurchase:
      return rules.ebr_purchase_months;
    case ConsentType::kInquiry:
      return rules.ebr_inquiry_months;
    case ConsentType::kWritten:
      return rules.written_consent ? -1 : 0;
    default:
      return 0;
  }
}

// Whether `record` excuses a listing under `rules` on `today`; if it does
// and expires, the first day it no longer does.
bool Excuses(const JurisdictionRules& rules, const ConsentRecord& record,
             DayNumber today, DayNumber* until) {
  *until = 0;
  if (!rules.known || record.date > today) return false;  // Fail closed.
  const int months = WindowMonths(rules, record.type);
  if (months == 0) return false;
  if (months < 0) return true;
  *until = AddMonths(record.date, months);
  return today < *until;
}

RecordVerdict JudgeRecords(const JurisdictionRules& rules,
                           absl::Span<const ConsentRecord> records,
                           DayNumber today) {
  RecordVerdict verdict;
  for (const ConsentRecord& record : records) {
    DayNumber until = 0;
    if (Excuses(rules, record, today, &until)) {
      // Newest wins; on a tie, the one that lasts longer (written consent).
      const bool better =
          verdict.excusing == nullptr || record.date > verdict.excusing->date ||
          (record.date == verdict.excusing->date &&
           (until == 0 ||
            (verdict.excusing_until != 0 && until > verdict.excusing_until)));
      if (better) {
        verdict.excusing = &record;
        verdict.excusing_until = until;
      }
    } else {
      const ConsentRecord*& failed = verdict.failed[FailedKind(record.type)];
      if (failed == nullptr || record.date > failed->date) failed = &record;
    }
  }
  return verdict;
}

Why ExcuseWhy(ConsentType type) {
  switch (type) {
    case ConsentType::kPurchase:
      return Why::kEbrPurchase;
    case ConsentType::kInquiry:
      return Why::kEbrInquiry;
    default:
      return Why::kWrittenConsent;
  }
}

std::string RecordName(const ConsentRecord& record) {
  switch (record.type) {
    case ConsentType::kPurchase:
    case ConsentType::kInquiry:
    case ConsentType::kWritten:
      return ConsentTypeName(record.type);
    default:
      return absl::StrCat("record of unknown type ",
                          static_cast<int>(record.type));
  }
}

std::string MonthsText(int months) {
  return absl::StrCat(months, months == 1 ? " month" : " months");
}

// "purchase 2025-09-01; US allows 18 months: valid through 2027-02-28".
std::string ExcuseDetail(std::string_view jurisdiction,
                         const JurisdictionRules& rules,
                         const ConsentRecord& record, DayNumber until) {
  if (until == 0) {
    return absl::StrCat(RecordName(record), " ", FormatIsoDate(record.date),
                        "; ", Sv(jurisdiction), " honours it until revoked");
  }
  return absl::StrCat(RecordName(record), " ", FormatIsoDate(record.date), "; ",
                      Sv(jurisdiction), " allows ",
                      MonthsText(WindowMonths(rules, record.type)),
                      ": valid through ", FormatIsoDate(until - 1));
}

// Why `record` does not excuse: "inquiry 2026-06-01; US allows 3 months:
// expired 2026-09-01".
std::string FailedDetail(std::string_view jurisdiction,
                         const JurisdictionRules& rules,
                         const ConsentRecord& record, DayNumber today) {
  const std::string head =
      absl::StrCat(RecordName(record), " ", FormatIsoDate(record.date));
  if (!rules.known) {
    return absl::StrCat(head, "; no rules are known for ", Sv(jurisdiction),
                        ", so no EBR or consent excuses its listing");
  }
  if (record.date > today) {
    return absl::StrCat(head, " is after today (", FormatIsoDate(today),
                        "): a future-dated record excuses nothing");
  }
  const int months = WindowMonths(rules, record.type);
  if (months == 0) {
    if (record.type == ConsentType::kPurchase ||
        record.type == ConsentType::kInquiry ||
        record.type == ConsentType::kWritten) {
      return absl::StrCat(head, "; ", Sv(jurisdiction), " does not recognise ",
                          RecordName(record), " as an exemption");
    }
    return absl::StrCat(head, " excuses nothing");
  }
  return absl::StrCat(head, "; ", Sv(jurisdiction), " allows ",
                      MonthsText(months), ": expired ",
                      FormatIsoDate(AddMonths(record.date, months)));
}

std::string SourceName(const SourceFinding& finding) {
  return absl::StrCat(Sv(finding.source), " (", Sv(finding.jurisdiction), ")");
}

DecisionReason ListedReason(const SourceFinding& finding) {
  DecisionReason reason;
  reason.why = Why::kListed;
  reason.snapshot = finding.snapshot;
  reason.date = finding.added;
  reason.detail = finding.added != 0
                      ? absl::StrCat("listed on ", SourceName(finding),
                                     " since ", FormatIsoDate(finding.added))
                      : absl::StrCat("listed on ", SourceName(finding),
                                     "; date added unknown");
  return reason;
}

DecisionReason StaleReason(const SourceFinding& finding) {
  DecisionReason reason;
  reason.why = Why::kSourceStale;
  reason.snapshot = finding.snapshot;
  reason.detail = absl::StrCat("the loaded copy of ", SourceName(finding),
                               " is past its legal window: load a fresh copy");
  return reason;
}

// Sets `excuse` to what excuses a listing on `finding` and returns true;
// else returns false and appends to `failed` one EXEMPTION_EXPIRED saying
// why per kind of record (purchase, inquiry, written consent, other) the
// seller holds: the newest of that kind.
bool ExcuseListing(const NumberFacts& facts, const SourceFinding& finding,
                   DecisionReason* excuse,
                   std::vector<DecisionReason>* failed) {
  const JurisdictionRules rules = RulesFor(finding.jurisdiction);
  if (rules.known && PurposeExempt(rules, facts.purpose)) {
    DecisionReason reason;
    reason.why = Why::kPurposeExempt;
    reason.snapshot = finding.snapshot;
    reason.detail =
        absl::StrCat(PurposeName(facts.purpose), " calls are exempt from ",
                     SourceName(finding), " in ", Sv(finding.jurisdiction));
    *excuse = std::move(reason);
    return true;
  }
  const RecordVerdict verdict =
      JudgeRecords(rules, facts.consents, facts.today);
  if (verdict.excusing != nullptr) {
    DecisionReason reason;
    reason.why = ExcuseWhy(verdict.excusing->type);
    reason.snapshot = finding.snapshot;
    reason.date = verdict.excusing->date;
    reason.detail = ExcuseDetail(finding.jurisdiction, rules, *verdict.excusing,
                                 verdict.excusing_until);
    *excuse = std::move(reason);
    return true;
  }
  for (const ConsentRecord* record : verdict.failed) {
    if (record == nullptr) continue;
    DecisionReason reason;
    reason.why = Why::kExemptionExpired;
    reason.snapshot = finding.snapshot;
    reason.date = record->date;
    reason.detail =
        FailedDetail(finding.jurisdiction, rules, *record, facts.today);
    failed->push_back(std::move(reason));
  }
  return false;
}

std::string AreaText(uint64_t e164) {
  const int npa = NanpAreaCode(e164);
  if (npa >= 0) return absl::StrCat("area code ", npa);
  return "this number's country code";
}

// ---- Calling windows ------------------------------------------------------

// WindowKey = zone set << 8 | (row of the hours rule + 1).
constexpr int kRuleBits = 8;

WindowKey MakeKey(ZoneSetId zones, int hours_row) {
  if (zones == 0 || hours_row < 0) return 0;
  return (static_cast<uint32_t>(zones) << kRuleBits) |
         static_cast<uint32_t>(hours_row + 1);
}

int WeeklyMinutes(const CallingHours& h) {
  return 5 * std::max(0, h.weekday_end - h.weekday_start) +
         2 * std::max(0, h.weekend_end - h.weekend_start);
}

// The row whose hours apply to an area code: its subdivision's if it has
// one, else its country's; when the area code serves several subdivisions
// with different hours, the narrowest (fewest minutes a week). -1 if none.
int HoursRowOfNpa(const NpaInfo& info) {
  if (!info.assigned()) return -1;
  int best = -1;
  int best_minutes = 0;
  bool any_subdivision = false;
  for (const auto& sub : info.subdivisions) {
    if (sub[0] == '\0') continue;
    any_subdivision = true;
    char name[8];
    name[0] = info.country[0];
    name[1] = info.country[1];
    name[2] = '-';
    name[3] = sub[0];
    name[4] = sub[1];
    name[5] = '\0';
    const JurisdictionRules rules =
        RulesFor(std::string_view(name, sub[1] == '\0' ? 4 : 5));
    if (!rules.has_hours) return -1;  // Some part has no known hours.
    const int minutes = WeeklyMinutes(rules.hours);
    if (best < 0 || minutes < best_minutes) {
      best = rules.hours_row;
      best_minutes = minutes;
    }
  }
  if (any_subdivision) return best;
  const JurisdictionRules rules =
      RulesFor(std::string_view(info.country, info.country[1] ? 2 : 1));
  return rules.has_hours ? rules.hours_row : -1;
}

const std::array<int8_t, 1000>& NpaHoursRows() {
  static const std::array<int8_t, 1000> rows = [] {
    std::array<int8_t, 1000> out{};
    for (int npa = 0; npa < 1000; ++npa) {
      out[npa] = static_cast<int8_t>(HoursRowOfNpa(LookupNpa(npa)));
    }
    return out;
  }();
  return rows;
}

int GbHoursRow() {
  static const int row = RulesFor("GB").hours_row;
  return row;
}

// Loaded zones by index into the table's zone names; loaded once.
class ZoneCache {
 public:
  // The zone, or nullptr if it cannot be loaded.
  const absl::TimeZone* Get(int index, const char* name) {
    if (index < 0 || index >= kMaxZones) return nullptr;
    uint8_t state = state_[index].load(std::memory_order_acquire);
    if (state == kUnloaded) {
      absl::MutexLock lock(&mu_);
      state = state_[index].load(std::memory_order_relaxed);
      if (state == kUnloaded) {
        state = absl::LoadTimeZone(name, &zones_[index]) ? kLoaded : kFailed;
        state_[index].store(state, std::memory_order_release);
      }
    }
    return state == kLoaded ? &zones_[index] : nullptr;
  }

 private:
  static constexpr int kMaxZones = 256;
  static constexpr uint8_t kUnloaded = 0, kLoaded = 1, kFailed = 2;
  absl::Mutex mu_;
  std::array<std::atomic<uint8_t>, kMaxZones> state_{};
  std::array<absl::TimeZone, kMaxZones> zones_;
};

ZoneCache& Zones() {
  static ZoneCache* cache = new ZoneCache();
  return *cache;
}

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

}  // namespace

const char* PurposeName(Purpose purpose) {
  switch (purpose) {
    case Purpose::kCommercial:
      return "commercial";
    case Purpose::kCharity:
      return "charity";
    case Purpose::kPolitical:
      return "political";
    case Purpose::kSurvey:
      return "survey";
    default:
      return "unspecified";
  }
}

const char* ConsentTypeName(ConsentType type) {
  switch (type) {
    case ConsentType::kPurchase:
      return "purchase";
    case ConsentType::kInquiry:
      return "inquiry";
    case ConsentType::kWritten:
      return "written-consent";
    default:
      return "unspecified";
  }
}

bool ParsePurpose(std::string_view text, Purpose* purpose) {
  for (Purpose p : {Purpose::kCommercial, Purpose::kCharity,
                    Purpose::kPolitical, Purpose::kSurvey}) {
    if (EqualsIgnoreCase(text, PurposeName(p))) {
      *purpose = p;
      return true;
    }
  }
  return false;
}

bool ParseConsentType(std::string_view text, ConsentType* type) {
  for (ConsentType t :
       {ConsentType::kPurchase, ConsentType::kInquiry, ConsentType::kWritten}) {
    if (EqualsIgnoreCase(text, ConsentTypeName(t))) {
      *type = t;
      return true;
    }
  }
  return false;
}

Decision Decide(const NumberFacts& facts) {
  Decision decision;
  std::vector<DecisionReason>& reasons = decision.reasons;

  // 1. The seller's own list beats everything.
  if (facts.opted_out) {
    DecisionReason reason;
    reason.why = Why::kInternalList;
    reason.date = facts.opted_out_on;
    reason.detail = absl::StrCat(
        "on the seller's do-not-call list",
        facts.opted_out_on != 0
            ? absl::StrCat(" since ", FormatIsoDate(facts.opted_out_on))
            : std::string(),
        "; it overrides every purpose, EBR and consent");
    reasons.push_back(std::move(reason));
    decision.outcome = Outcome::kInternal;
    return decision;
  }

  // 2. No entitlement: say nothing about the registries.
  for (const SourceFinding& finding : facts.findings) {
    if (finding.entitled) continue;
    DecisionReason reason;
    reason.why = Why::kNotEntitled;
    reason.snapshot = finding.snapshot;
    reason.detail =
        absl::StrCat("the seller has no subscription to ", SourceName(finding),
                     " data for ", AreaText(facts.e164));
    reasons.push_back(std::move(reason));
  }
  if (!reasons.empty()) {
    decision.outcome = Outcome::kNotSubscribed;
    return decision;
  }

  // 3. Listings: each excused by the purpose or a record, or it blocks.
  std::vector<DecisionReason> excused;  // LISTED + excuse, per source.
  bool any_listed = false;
  for (const SourceFinding& finding : facts.findings) {
    if (!finding.listed) continue;
    any_listed = true;
    const size_t mark = reasons.size();
    DecisionReason excuse;
    if (ExcuseListing(facts, finding, &excuse, &reasons)) {
      excused.push_back(ListedReason(finding));
      excused.push_back(std::move(excuse));
    } else {
      // Blocked by this source: LISTED, then any EXEMPTION_EXPIRED.
      reasons.insert(reasons.begin() + mark, ListedReason(finding));
    }
  }
  if (!reasons.empty()) {
    decision.outcome = Outcome::kBlocked;
    return decision;
  }

  // 4. Unknown: a stale source that does not list the number, or no source
  // at all. An excused listing elsewhere does not make up for it.
  for (const SourceFinding& finding : facts.findings) {
    if (finding.stale && !finding.listed) {
      reasons.push_back(StaleReason(finding));
    }
  }
  if (facts.no_source) {
    DecisionReason reason;
    reason.why = Why::kNoSource;
    reason.detail = "no loaded national registry covers this number";
    reasons.push_back(std::move(reason));
  }
  if (!reasons.empty()) {
    for (DecisionReason& reason : excused) reasons.push_back(std::move(reason));
    decision.outcome = Outcome::kStale;
    return decision;
  }

  if (any_listed) {
    reasons = std::move(excused);
    decision.outcome = Outcome::kExempt;
    return decision;
  }
  // 5. On no applicable list.
  decision.outcome = Outcome::kCallable;
  return decision;
}

WindowKey WindowKeyOf(uint64_t e164) {
  const int npa = NanpAreaCode(e164);
  if (npa >= 0) return MakeKey(NanpZoneSetOf(e164), NpaHoursRows()[npa]);
  // +44: the leading two digits of an 11- or 12-digit key.
  if (e164 >= 44'000'000'000ULL && e164 < 45'000'000'000ULL) {
    return MakeKey(tz_internal::kGbZoneSet, GbHoursRow());
  }
  if (e164 >= 440'000'000'000ULL && e164 < 450'000'000'000ULL) {
    return MakeKey(tz_internal::kGbZoneSet, GbHoursRow());
  }
  return 0;
}

CallingWindow EvaluateWindow(WindowKey key, absl::Time now) {
  CallingWindow window;
  const ZoneSetId zones = static_cast<ZoneSetId>(key >> kRuleBits);
  const int row = static_cast<int>(key & ((1u << kRuleBits) - 1)) - 1;
  const absl::Span<const JurisdictionRow> table = JurisdictionTable();
  const int zone_count = ZoneSetSize(zones);
  if (key == 0 || zone_count == 0 || row < 0 ||
      row >= static_cast<int>(table.size()) ||
      table[row].hours.weekday_start == kInherit) {
    return window;
  }
  const CallingHours& hours = table[row].hours;

  const absl::TimeZone* first = nullptr;
  int first_offset = 0;
  int start = 0, end = 24 * 60;
  bool open = true;
  for (int i = 0; i < zone_count; ++i) {
    const absl::TimeZone* tz =
        Zones().Get(ZoneSetZoneIndex(zones, i), ZoneSetZone(zones, i));
    if (tz == nullptr) return CallingWindow();  // Fail closed.
    const absl::TimeZone::CivilInfo local = tz->At(now);
    const bool weekend = IsWeekend(absl::CivilDay(local.cs));
    const int zone_start = weekend ? hours.weekend_start : hours.weekday_start;
    const int zone_end = weekend ? hours.weekend_end : hours.weekday_end;
    const int minute = local.cs.hour() * 60 + local.cs.minute();
    open = open && minute >= zone_start && minute < zone_end;
    if (i == 0) {
      first = tz;
      first_offset = local.offset;
    }
    // This zone's hours in the first zone's local minutes.
    const int shift = (first_offset - local.offset) / 60;
    start = std::max(start, zone_start + shift);
    end = std::min(end, zone_end + shift);
  }
  window.known = true;
  window.time_zones.reserve(zone_count);
  for (int i = 0; i < zone_count; ++i) {
    window.time_zones.emplace_back(ZoneSetZone(zones, i));
  }
  window.rule = table[row].jurisdiction;
  window.start_minute = std::max(0, start);
  window.end_minute = std::max(window.start_minute, end);
  window.local_now = absl::FormatTime("%Y-%m-%d %H:%M %a", now, *first);
  window.open_now = open;
  return window;
}

const char* TimeZoneDataSource() { return tz_internal::kDataSource; }

}  // namespace dnc::policy
