// The per-number details RocksDB stores as the value of each registry key.
// Encoding: empty (nothing known) or 4 bytes little-endian `added` day.
// Later fields append; a reader ignores bytes it does not know.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_STORAGE_REGISTRY_RECORD_H_
#define DNC_STORAGE_REGISTRY_RECORD_H_

#include <string>
#include <string_view>

#include "common/civil_date.h"

namespace dnc::storage {

struct RegistryRecord {
  DayNumber added = 0;  // The day the number was listed; 0 = not known.
};

std::string EncodeRecord(const RegistryRecord& record);
// Never fails: short or empty values decode as "nothing known".
RegistryRecord DecodeRecord(std::string_view value);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_REGISTRY_RECORD_H_
