#include "service/calling_windows.h"

#include <array>
#include <utility>

namespace dnc::service {

void WindowTable::Clear() {
  index.clear();
  windows.clear();
  positions.clear();
}

void AssignWindows(absl::Span<const uint64_t> e164, absl::Time now,
                   WindowTable* table) {
  table->Clear();
  table->windows.emplace_back();  // [0]: unknown, never open.
  table->index.resize(e164.size(), 0);
  // A batch has a few hundred distinct keys at most: a small direct-mapped
  // cache in front of the hash map keeps the per-number cost to one array
  // read (key 0 is never cached, so zeroed slots never match).
  struct CacheSlot {
    policy::WindowKey key = 0;
    uint32_t position = 0;
  };
  std::array<CacheSlot, 256> cache{};
  for (size_t i = 0; i < e164.size(); ++i) {
    if (e164[i] == 0) continue;
    const policy::WindowKey key = policy::WindowKeyOf(e164[i]);
    if (key == 0) continue;
    CacheSlot& slot = cache[(key * 2654435761u) >> 24];
    if (slot.key != key) {
      auto [it, inserted] = table->positions.try_emplace(key, 0);
      if (inserted) {
        policy::CallingWindow window = policy::EvaluateWindow(key, now);
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
