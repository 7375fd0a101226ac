#include "policy/policy.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/enum_names.h"
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
              : MakeKey(tz_internal::kNpaDefault[npa], NpaHoursRows()[npa]);
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
    return MakeKey(NanpZoneSetOf(e164), NpaHoursRows()[npa]);
  }
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
