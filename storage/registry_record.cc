#include "storage/registry_record.h"

#include <cstdint>

namespace dnc::storage {

std::string EncodeRecord(const RegistryRecord& record) {
  if (record.added == 0) return std::string();
  const uint32_t added = static_cast<uint32_t>(record.added);
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<char>((added >> (8 * i)) & 0xff);
  }
  return out;
}

RegistryRecord DecodeRecord(std::string_view value) {
  RegistryRecord record;
  if (value.size() >= 4) {
    uint32_t added = 0;
    for (int i = 0; i < 4; ++i) {
      added |= static_cast<uint32_t>(static_cast<unsigned char>(value[i]))
               << (8 * i);
    }
    record.added = static_cast<DayNumber>(added);
  }
  return record;
}

}  // namespace dnc::storage
