#include "service/calling_windows.h"

#include <array>
#include <utility>

#include "common/nanp_regions.h"

namespace dnc::service {
namespace {

// Groups the area codes by the declarations that may be in force at `now`
// (policy::Emergency::MayBeInForce: EvaluateWindow then checks each zone's
// local day). False when none may be: every area code is in group 0.
bool GroupEmergencies(const policy::EmergencyTable& emergencies, absl::Time now,
                      WindowTable* table) {
  std::vector<bool> live(emergencies.rows.size());
  bool any = false;
  for (size_t i = 0; i < emergencies.rows.size(); ++i) {
    live[i] = emergencies.rows[i].MayBeInForce(now);
    any = any || live[i];
  }
  if (!any) return false;
  table->emergency_groups.emplace_back();  // [0]: none.
  std::vector<const policy::Emergency*> rows;
  for (int npa = 0; npa < 1000; ++npa) {
    rows.clear();
    for (uint16_t i : emergencies.RowsOfNpa(npa)) {
      if (live[i]) rows.push_back(&emergencies.rows[i]);
    }
    uint16_t group = 0;
    if (!rows.empty()) {
      size_t g = 1;
      while (g < table->emergency_groups.size() &&
             table->emergency_groups[g] != rows) {
        ++g;
      }
      if (g == table->emergency_groups.size()) {
        table->emergency_groups.push_back(rows);
      }
      group = static_cast<uint16_t>(g);
    }
    table->npa_group[npa] = group;
  }
  return true;
}

}  // namespace

void WindowTable::Clear() {
  index.clear();
  windows.clear();
  positions.clear();
  emergency_groups.clear();
}

void AssignWindows(absl::Span<const uint64_t> e164, absl::Time now,
                   const policy::EmergencyTable* emergencies,
                   WindowTable* table) {
  table->Clear();
  table->windows.emplace_back();  // [0]: unknown, never open.
  table->index.resize(e164.size(), 0);
  const bool grouped =
      emergencies != nullptr && GroupEmergencies(*emergencies, now, table);
  // A batch has a few hundred distinct keys at most: a small direct-mapped
  // cache in front of the hash map keeps the per-number cost to one array
  // read (key 0 is never cached, so zeroed slots never match).
  struct CacheSlot {
    uint64_t key = 0;
    uint32_t position = 0;
  };
  std::array<CacheSlot, 256> cache{};
  for (size_t i = 0; i < e164.size(); ++i) {
    if (e164[i] == 0) continue;
    const policy::WindowKey window_key = policy::WindowKeyOf(e164[i]);
    if (window_key == 0) continue;
    uint64_t key = window_key;
    uint16_t group = 0;
    if (grouped) {
      const int npa = NanpAreaCode(e164[i]);
      if (npa >= 0) group = table->npa_group[npa];
      key |= static_cast<uint64_t>(group) << 32;
    }
    CacheSlot& slot = cache[(key * 0x9E3779B97F4A7C15ULL) >> 56];
    if (slot.key != key) {
      auto [it, inserted] = table->positions.try_emplace(key, 0);
      if (inserted) {
        policy::CallingWindow window =
            group == 0 ? policy::EvaluateWindow(window_key, now)
                       : policy::EvaluateWindow(window_key, now,
                                                table->emergency_groups[group]);
        if (window.known) {
          it->second = static_cast<uint32_t>(table->windows.size());
          table->windows.push_back(std::move(window));
        }
      }
      slot = CacheSlot{key, it->second};
    }
    table->index[i] = slot.position;
  }
}

}  // namespace dnc::service
