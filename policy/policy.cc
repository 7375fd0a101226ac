#include "policy/policy.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/enum_names.h"
#include "common/logging.h"
#include "common/nanp_regions.h"
#include "policy/calling_rules.h"
#include "policy/emergencies.h"
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

// ---- Calling windows ------------------------------------------------------

// WindowKey = zone set << 8 | rule set id (RuleSets() below; 0 = none).
constexpr int kRuleBits = 8;
constexpr int kMaxRuleSets = (1 << kRuleBits) - 1;

WindowKey MakeKey(ZoneSetId zones, int rule_set) {
  if (zones == 0 || rule_set <= 0) return 0;
  return (static_cast<uint32_t>(zones) << kRuleBits) |
         static_cast<uint32_t>(rule_set);
}

// The calling-rule jurisdictions of an area code, each a subdivision with
// rules of its own or else its country: sorted, without repeats. Few
// distinct sets exist; RuleSets()[0] is the empty (unknown) one.
using RuleSet = std::vector<std::string>;

bool HasHoursRow(std::string_view jurisdiction) {
  for (const CallingHoursRow& row : CallingHoursTable()) {
    const std::string_view name(row.jurisdiction);
    if (name.size() == jurisdiction.size() &&
        std::equal(name.begin(), name.end(), jurisdiction.begin(),
                   [](char a, char b) { return Lower(a) == Lower(b); })) {
      return true;
    }
  }
  return false;
}

// The rule set of an area code; empty when its country has no hours.
RuleSet RuleSetOfNpa(const NpaInfo& info) {
  RuleSet set;
  if (!info.assigned()) return set;
  const std::string country(info.country, strnlen(info.country, 2));
  if (!HasHoursRow(country)) return set;
  for (const auto& sub : info.subdivisions) {
    if (sub[0] == '\0') continue;
    const std::string name = country + "-" + std::string(sub, strnlen(sub, 2));
    set.push_back(HasOwnCallingRules(name) ? name : country);
  }
  if (set.empty()) set.push_back(country);
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  return set;
}

struct RuleSets {
  std::vector<RuleSet> sets{RuleSet()};  // [0]: unknown.
  std::array<uint8_t, 1000> of_npa{};
  uint8_t gb = 0;

  uint8_t Intern(const RuleSet& set) {
    if (set.empty()) return 0;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] == set) return static_cast<uint8_t>(i);
    }
    DNC_CHECK(sets.size() < static_cast<size_t>(kMaxRuleSets));
    sets.push_back(set);
    return static_cast<uint8_t>(sets.size() - 1);
  }
};

const RuleSets& Rules() {
  static const RuleSets* const rules = [] {
    auto* out = new RuleSets();
    for (int npa = 0; npa < 1000; ++npa) {
      out->of_npa[npa] = out->Intern(RuleSetOfNpa(LookupNpa(npa)));
    }
    out->gb = HasHoursRow("GB") ? out->Intern(RuleSet{"GB"}) : 0;
    return out;
  }();
  return *rules;
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

void AddOnce(std::string text, std::vector<std::string>* texts) {
  if (std::find(texts->begin(), texts->end(), text) == texts->end()) {
    texts->push_back(std::move(text));
  }
}

}  // namespace

const char* PurposeName(Purpose purpose) {
  static constexpr const char* kNames[] = {"unspecified", "commercial",
                                           "charity", "political", "survey"};
  return NameOf(purpose, kNames, "unspecified");
}

const char* ConsentTypeName(ConsentType type) {
  static constexpr const char* kNames[] = {"unspecified", "purchase", "inquiry",
                                           "written-consent"};
  return NameOf(type, kNames, "unspecified");
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

// The WindowKey of every number of each area code, or kKeyVariesByExchange
// for the ~2% whose exchanges lie in different zones: one array read for
// most numbers (the calling windows of a 10,000-number batch used to spend
// ~8 ns a number finding their keys).
constexpr WindowKey kKeyVariesByExchange = ~WindowKey{0};

const std::array<WindowKey, 1000>& NpaWindowKeys() {
  static const std::array<WindowKey, 1000> keys = [] {
    std::array<WindowKey, 1000> out{};
    for (int npa = 0; npa < 1000; ++npa) {
      out[npa] =
          NanpZonesVaryByExchange(npa)
              ? kKeyVariesByExchange
              : MakeKey(tz_internal::kNpaDefault[npa], Rules().of_npa[npa]);
    }
    return out;
  }();
  return keys;
}

WindowKey WindowKeyOf(uint64_t e164) {
  const int npa = NanpAreaCode(e164);
  if (npa >= 0) {
    const WindowKey key = NpaWindowKeys()[npa];
    if (key != kKeyVariesByExchange) return key;
    return MakeKey(NanpZoneSetOf(e164), Rules().of_npa[npa]);
  }
  // +44: the leading two digits of an 11- or 12-digit key.
  if (e164 >= 44'000'000'000ULL && e164 < 45'000'000'000ULL) {
    return MakeKey(tz_internal::kGbZoneSet, Rules().gb);
  }
  if (e164 >= 440'000'000'000ULL && e164 < 450'000'000'000ULL) {
    return MakeKey(tz_internal::kGbZoneSet, Rules().gb);
  }
  return 0;
}

CallingWindow EvaluateWindow(WindowKey key, absl::Time now,
                             absl::Span<const Emergency* const> emergencies) {
  CallingWindow window;
  const ZoneSetId zones = static_cast<ZoneSetId>(key >> kRuleBits);
  const size_t set_id = key & ((1u << kRuleBits) - 1);
  const RuleSets& rules = Rules();
  const int zone_count = ZoneSetSize(zones);
  if (key == 0 || zone_count == 0 || set_id == 0 ||
      set_id >= rules.sets.size()) {
    return window;
  }
  const RuleSet& jurisdictions = rules.sets[set_id];

  const absl::TimeZone* first = nullptr;
  int first_offset = 0;
  int start = 0, end = 24 * 60;
  bool open = true;
  std::vector<const CallingHoursRow*> rows;
  for (int i = 0; i < zone_count; ++i) {
    const absl::TimeZone* tz =
        Zones().Get(ZoneSetZoneIndex(zones, i), ZoneSetZone(zones, i));
    if (tz == nullptr) return CallingWindow();  // Fail closed.
    const absl::TimeZone::CivilInfo local = tz->At(now);
    const DayNumber day =
        DaysFromCivil(local.cs.year(), local.cs.month(), local.cs.day());
    // The rules of every jurisdiction on this zone's local day: the
    // intersection of their hours, and every closure of any of them.
    int zone_start = 0, zone_end = 24 * 60;
    bool barred = false;
    for (const std::string& jurisdiction : jurisdictions) {
      const DayRule rule = RuleOnDay(jurisdiction, day);
      if (!rule.known) return CallingWindow();  // No hours that day.
      if (std::find(rows.begin(), rows.end(), rule.hours_row) == rows.end()) {
        rows.push_back(rule.hours_row);
      }
      if (rule.hours.closed()) {
        barred = true;
        AddOnce(ClosureText(rule, day), &window.restrictions);
        continue;
      }
      zone_start = std::max<int>(zone_start, rule.hours.start);
      zone_end = std::min<int>(zone_end, rule.hours.end);
    }
    for (const Emergency* emergency : emergencies) {
      if (emergency != nullptr && emergency->InForce(now, day)) {
        barred = true;
        AddOnce(emergency->Describe(), &window.restrictions);
      }
    }
    if (barred) {
      window.barred_today = true;
      zone_start = zone_end = 0;
    }
    const int minute = local.cs.hour() * 60 + local.cs.minute();
    open = open && !barred && minute >= zone_start && minute < zone_end;
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
  for (const CallingHoursRow* row : rows) {
    if (!window.rule.empty()) {
      window.rule.push_back('+');
      window.source.append("; ");
    }
    window.rule.append(row->jurisdiction);
    window.source.append(row->source);
  }
  if (window.barred_today) {
    window.start_minute = window.end_minute = 0;
  } else {
    window.start_minute = std::max(0, start);
    window.end_minute = std::max(window.start_minute, end);
  }
  window.local_now = absl::FormatTime("%Y-%m-%d %H:%M %a", now, *first);
  window.open_now = open;
  return window;
}

const char* TimeZoneDataSource() { return tz_internal::kDataSource; }

}  // namespace dnc::policy
