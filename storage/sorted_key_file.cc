#include "storage/sorted_key_file.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "storage/durable_file.h"
#include "storage/line_index.h"
#include "storage/mapped_file.h"
#include "storage/range_index.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dnc::storage {
namespace {

// On-disk layout (native byte order; little-endian hosts only, enforced by
// the endianness tag):
//
//   offset  size  field
//        0     8  magic "DNCKEYS1"
//        8     2  format_version (1)
//       10     2  reserved (0)
//       12     4  endian_tag 0x01020304 as written natively
//       16     8  key_count
//       24     8  generation_number
//       32     8  keys_checksum: XXH3-64 (seed 0) of the key array
//       40    20  reserved (0)
//       60     4  header_checksum: low 32 bits of XXH3-64 of bytes [0, 60)
//       64     .  key_count uint64_t keys, strictly ascending
constexpr char kMagic[8] = {'D', 'N', 'C', 'K', 'E', 'Y', 'S', '1'};
constexpr uint16_t kFormatVersion = 1;
constexpr uint32_t kEndianTag = 0x01020304u;
constexpr size_t kHeaderBytes = 64;

struct KeysHeader {
  char magic[8];
  uint16_t format_version;
  uint16_t reserved0;
  uint32_t endian_tag;
  uint64_t key_count;
  uint64_t generation_number;
  uint64_t keys_checksum;
  uint8_t reserved1[20];
  uint32_t header_checksum;
};
static_assert(sizeof(KeysHeader) == kHeaderBytes, "header is 64 bytes");
static_assert(offsetof(KeysHeader, key_count) == 16, "layout");
static_assert(offsetof(KeysHeader, keys_checksum) == 32, "layout");
static_assert(offsetof(KeysHeader, header_checksum) == 60, "layout");

uint32_t HeaderChecksum(const KeysHeader& header) {
  return static_cast<uint32_t>(
      XXH3_64bits(&header, offsetof(KeysHeader, header_checksum)));
}

uint64_t KeysChecksum(const uint64_t* keys, uint64_t count) {
  return XXH3_64bits(keys, count * sizeof(uint64_t));
}

std::string Hex(uint64_t v) { return absl::StrCat("0x", absl::Hex(v)); }

absl::Status Corrupt(const std::string& path, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("keys file ", path, " ", what));
}

}  // namespace

// The index a SortedKeyFile answers from: the line index where the keys are
// dense enough for one (NANP registries from a few million numbers up),
// else the range index.
struct SortedKeyFile::Index {
  std::unique_ptr<LineIndex> lines;
  std::unique_ptr<RangeIndex> range;

  bool Contains(uint64_t key) const {
    return lines ? lines->Contains(key) : range->Contains(key);
  }
  void ContainsBatch(const uint64_t* in, uint8_t* out, size_t n) const {
    if (lines) {
      lines->ContainsBatch(in, out, n);
    } else {
      range->ContainsBatch(in, out, n);
    }
  }
  uint64_t bytes() const { return lines ? lines->bytes() : range->bytes(); }
};

namespace {

// Builds the index over `keys` (ascending, distinct), or returns nullptr
// when there is nothing to index or the keys are too spread out for an index
// to pay (lookups then binary-search the keys). Errors: the status of a
// failed allocation.
absl::StatusOr<std::unique_ptr<SortedKeyFile::Index>> BuildIndex(
    const uint64_t* keys, uint64_t n, const std::string& path,
    SortedKeyFileIndexKind kind) {
  if (n == 0 || n >= (uint64_t{1} << 32) - 1) return nullptr;
  // E.164 keys span less than 10^15; this also keeps the index arithmetic
  // from overflowing.
  if (keys[n - 1] - keys[0] >= (uint64_t{1} << 62)) return nullptr;
  auto index = std::make_unique<SortedKeyFile::Index>();
  if (kind != SortedKeyFileIndexKind::kRange) {
    DNC_ASSIGN_OR_RETURN(index->lines, BuildLineIndex(keys, n, path));
  }
  if (index->lines == nullptr) {
    DNC_ASSIGN_OR_RETURN(index->range, BuildRangeIndex(keys, n, path));
    if (index->range == nullptr) return nullptr;
  }
  return index;
}

}  // namespace

absl::StatusOr<SortedKeyFileInfo> WriteSortedKeyFile(
    absl::Span<const uint64_t> keys, uint64_t generation_number,
    const std::string& path) {
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] <= keys[i - 1]) {
      return absl::FailedPreconditionError(absl::StrCat(
          "write keys file ", path, ": keys not strictly ascending at index ",
          i, " (", keys[i - 1], " then ", keys[i], ")"));
    }
  }
  KeysHeader header;
  std::memset(&header, 0, sizeof(header));
  std::memcpy(header.magic, kMagic, sizeof(header.magic));
  header.format_version = kFormatVersion;
  header.endian_tag = kEndianTag;
  header.key_count = keys.size();
  header.generation_number = generation_number;
  header.keys_checksum = KeysChecksum(keys.data(), keys.size());
  header.header_checksum = HeaderChecksum(header);

  DNC_RETURN_IF_ERROR(
      WriteFileDurably(path, {{&header, sizeof(header)},
                              {keys.data(), keys.size() * sizeof(uint64_t)}}));
  SortedKeyFileInfo info;
  info.key_count = keys.size();
  info.file_bytes = kHeaderBytes + keys.size() * sizeof(uint64_t);
  info.checksum = header.keys_checksum;
  return info;
}

absl::StatusOr<std::unique_ptr<SortedKeyFile>> SortedKeyFile::Open(
    const std::string& path, const SortedKeyFileOptions& options) {
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file,
                       MappedFile::Open(path));
  const uint64_t size = file->size();
  if (size < kHeaderBytes) {
    return Corrupt(
        path, absl::StrCat("is truncated: ", size, " bytes, smaller than the ",
                           kHeaderBytes, "-byte header"));
  }
  KeysHeader header;
  std::memcpy(&header, file->data(), sizeof(header));
  if (std::memcmp(header.magic, kMagic, sizeof(header.magic)) != 0) {
    return Corrupt(path,
                   absl::StrCat("has bad magic \"",
                                absl::CHexEscape(absl::string_view(
                                    header.magic, sizeof(header.magic))),
                                "\", expected \"DNCKEYS1\": not a keys file"));
  }
  if (header.endian_tag != kEndianTag) {
    return Corrupt(path,
                   absl::StrCat("has endianness tag ", Hex(header.endian_tag),
                                ", expected ", Hex(kEndianTag),
                                ": written with another byte order"));
  }
  if (header.format_version != kFormatVersion) {
    return Corrupt(path,
                   absl::StrCat("has format version ", header.format_version,
                                ", this build reads version ", kFormatVersion));
  }
  const uint32_t header_checksum = HeaderChecksum(header);
  if (header.header_checksum != header_checksum) {
    return Corrupt(path, absl::StrCat("has a corrupt header: header checksum ",
                                      Hex(header.header_checksum),
                                      ", computed ", Hex(header_checksum)));
  }
  if (header.key_count > (size - kHeaderBytes) / sizeof(uint64_t)) {
    return Corrupt(path,
                   absl::StrCat("is truncated: ", size, " bytes, header says ",
                                header.key_count, " keys"));
  }
  const uint64_t expected = kHeaderBytes + header.key_count * sizeof(uint64_t);
  if (size != expected) {
    return Corrupt(path, absl::StrCat("has trailing data: ", size,
                                      " bytes, header says ", expected));
  }
  file->Advise(MappedFile::Access::kHugePage).IgnoreError();
  file->Advise(MappedFile::Access::kSequential).IgnoreError();
  const uint64_t* keys =
      reinterpret_cast<const uint64_t*>(file->data() + kHeaderBytes);
  const uint64_t keys_checksum = KeysChecksum(keys, header.key_count);
  if (keys_checksum != header.keys_checksum) {
    return Corrupt(path, absl::StrCat("fails its checksum: keys hash to ",
                                      Hex(keys_checksum), ", header says ",
                                      Hex(header.keys_checksum)));
  }
  for (uint64_t i = 1; i < header.key_count; ++i) {
    if (keys[i] <= keys[i - 1]) {
      return Corrupt(path, absl::StrCat("has keys out of order at index ", i));
    }
  }
  std::unique_ptr<SortedKeyFile> result(new SortedKeyFile());
  if (options.build_index) {
    DNC_ASSIGN_OR_RETURN(result->index_, BuildIndex(keys, header.key_count,
                                                    path, options.index_kind));
  }
  // Lookups now read the index (or binary-search the keys): no read-ahead.
  // Without an index the caller means to scan keys(): keep read-ahead.
  if (options.build_index) {
    file->Advise(MappedFile::Access::kRandom).IgnoreError();
  }

  result->keys_ = keys;
  result->key_count_ = header.key_count;
  result->generation_number_ = header.generation_number;
  result->checksum_ = header.keys_checksum;
  result->file_ = std::move(file);
  return result;
}

absl::StatusOr<std::unique_ptr<SortedKeyFile>> SortedKeyFile::FromKeys(
    std::vector<uint64_t> keys, const SortedKeyFileOptions& options) {
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] <= keys[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key set in memory: keys not strictly ascending at index ", i, " (",
          keys[i - 1], " then ", keys[i], ")"));
    }
  }
  std::unique_ptr<SortedKeyFile> result(new SortedKeyFile());
  result->owned_keys_ = std::move(keys);
  result->keys_ = result->owned_keys_.data();
  result->key_count_ = result->owned_keys_.size();
  result->checksum_ = KeysChecksum(result->keys_, result->key_count_);
  if (options.build_index) {
    DNC_ASSIGN_OR_RETURN(result->index_,
                         BuildIndex(result->keys_, result->key_count_,
                                    "a key set in memory", options.index_kind));
  }
  return result;
}

SortedKeyFile::~SortedKeyFile() = default;

absl::Span<const uint64_t> SortedKeyFile::keys() const {
  return absl::Span<const uint64_t>(keys_, key_count_);
}

bool SortedKeyFile::Contains(uint64_t e164) const {
  if (index_ != nullptr) return index_->Contains(e164);
  return std::binary_search(keys_, keys_ + key_count_, e164);
}

void SortedKeyFile::ContainsBatch(absl::Span<const uint64_t> keys,
                                  absl::Span<uint8_t> found) const {
  assert(found.size() == keys.size());
  const size_t n = std::min(keys.size(), found.size());
  if (index_ != nullptr) {
    index_->ContainsBatch(keys.data(), found.data(), n);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    found[i] = std::binary_search(keys_, keys_ + key_count_, keys[i]) ? 1 : 0;
  }
}

uint64_t SortedKeyFile::generation_number() const { return generation_number_; }
uint64_t SortedKeyFile::checksum() const { return checksum_; }
uint64_t SortedKeyFile::file_bytes() const {
  return file_ == nullptr ? 0 : file_->size();
}
uint64_t SortedKeyFile::index_bytes() const {
  return index_ == nullptr ? 0 : index_->bytes();
}
int SortedKeyFile::index_shift() const {
  if (index_ == nullptr || index_->range == nullptr) return -1;
  return static_cast<int>(index_->range->shift);
}
bool SortedKeyFile::has_line_index() const {
  return index_ != nullptr && index_->lines != nullptr;
}

}  // namespace dnc::storage
