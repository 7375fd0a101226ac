// The tests' own XXH3-128 of some bytes, in one plain pass, written as the
// MANIFEST writes it (32 lowercase hex digits, canonical big-endian): the
// oracle that loader/file_digest.h's streamed digest is checked against.
#ifndef DNC_TESTS_LOADER_XXH3_ORACLE_H_
#define DNC_TESTS_LOADER_XXH3_ORACLE_H_

#include <xxhash.h>

#include <cstdio>
#include <string>

namespace dnc::loader {

inline std::string Xxh3Hex(const std::string& bytes) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical,
                           XXH3_128bits(bytes.data(), bytes.size()));
  std::string hex;
  char digit[3];
  for (unsigned char byte : canonical.digest) {
    std::snprintf(digit, sizeof(digit), "%02x", byte);
    hex += digit;
  }
  return hex;
}

}  // namespace dnc::loader

#endif  // DNC_TESTS_LOADER_XXH3_ORACLE_H_
