// SortedKeyFile is a generation's exact key set: every E.164 key, sorted and
// distinct, as a memory-mapped array (keys.bin) built from the same keys as
// the generation's RocksDB and filter. It serves two purposes:
//  - the answer to every membership lookup of a generation that has it:
//    SourceSnapshot asks its in-memory index for the whole batch and does
//    not consult the filter (a filter probe costs as much as the exact
//    answer); RocksDB stays the store of record and is read only for the
//    per-number details of numbers found;
//  - the base a change list is merged into to make the next generation
//    without reading the whole RocksDB.
//
// File format (native little-endian only): a 64-byte header (magic
// "DNCKEYS1", format version, endianness tag, key count, generation number,
// XXH3-64 checksum of the key array, header checksum) followed by the keys.
// Open() validates it all and returns DataLoss on any mismatch. This file
// owns the format, the writer and Open(); the lookup indexes live beside it.
//
// Lookups: Open() builds an exact in-memory index from the keys in one pass
// (unless told not to); the keys array itself is not read by lookups once
// it exists. Two kinds, chosen by density:
//  - the line index (storage/line_index.h; dense keys: NANP registries from
//    ~3M numbers up): one 64-byte line read per lookup, ~25.6 bits per key;
//  - the range index (storage/range_index.h; sparse or small key sets): two
//    memory reads per lookup; 15-30 bits per key.
// Both sit on 2 MiB pages (storage/huge_buffer.h). Without an index,
// Contains* binary-search the mapped keys. ContainsBatch() overlaps the
// memory reads of many keys with prefetches.
//
// Ownership: owns the mapping and the index. Thread-safety: immutable after
// Open(); const methods are thread-safe.
#ifndef DNC_STORAGE_SORTED_KEY_FILE_H_
#define DNC_STORAGE_SORTED_KEY_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace dnc::storage {

class MappedFile;

inline constexpr char kKeysFileName[] = "keys.bin";

// Which lookup index to build (see above). For tests and benchmarks.
enum class SortedKeyFileIndexKind {
  kAuto,   // The line index where it fits in 43 bits per key, else range.
  kRange,  // Always the range index.
};

struct SortedKeyFileOptions {
  // Build the lookup index at Open() (one pass over the keys; see above). A
  // caller that only reads keys() (e.g. the loader merging a change list)
  // can skip it.
  bool build_index = true;
  SortedKeyFileIndexKind index_kind = SortedKeyFileIndexKind::kAuto;
};

struct SortedKeyFileInfo {
  uint64_t key_count = 0;
  uint64_t file_bytes = 0;
  uint64_t checksum = 0;  // As in the header; recorded in the MANIFEST.
};

// Writes `keys` to `path` durably (storage/durable_file.h).
// REQUIRES: keys strictly ascending (else FailedPrecondition naming the index).
// Errors: errno-derived status of the write.
absl::StatusOr<SortedKeyFileInfo> WriteSortedKeyFile(
    absl::Span<const uint64_t> keys, uint64_t generation_number,
    const std::string& path);

class SortedKeyFile {
 public:
  // Errors: NotFound (no file), DataLoss (truncated, bad magic, version,
  // endianness, checksum, keys not ascending), errno-derived status.
  static absl::StatusOr<std::unique_ptr<SortedKeyFile>> Open(
      const std::string& path, const SortedKeyFileOptions& options = {});

  // The same lookups over keys held in memory instead of a file (e.g. a
  // small derived set); generation_number() and file_bytes() are 0.
  // Errors: InvalidArgument (keys not strictly ascending), or a failed
  // index allocation.
  static absl::StatusOr<std::unique_ptr<SortedKeyFile>> FromKeys(
      std::vector<uint64_t> keys, const SortedKeyFileOptions& options = {});

  SortedKeyFile(const SortedKeyFile&) = delete;
  SortedKeyFile& operator=(const SortedKeyFile&) = delete;
  ~SortedKeyFile();

  // All keys, ascending; valid while this object lives.
  absl::Span<const uint64_t> keys() const;

  // Exact: true iff `e164` is one of keys().
  bool Contains(uint64_t e164) const;
  // Contains() for a batch, with the memory reads of many keys overlapped
  // (several times faster per key than Contains() on a large file). Any
  // order, any size; allocates nothing. REQUIRES: found.size() ==
  // keys.size(). Writes 1 or 0 per key.
  void ContainsBatch(absl::Span<const uint64_t> keys,
                     absl::Span<uint8_t> found) const;

  uint64_t generation_number() const;
  uint64_t checksum() const;
  uint64_t file_bytes() const;
  // Memory held by the lookup index (0 without one).
  uint64_t index_bytes() const;
  // Bits of each key kept in the range index's low array (its bucket shift
  // `s`), or -1 without a range index. For benchmarks and tests.
  int index_shift() const;
  // True if lookups use the line index. For benchmarks and tests.
  bool has_line_index() const;

  // The lookup index: a line or a range index (defined in the .cc file).
  struct Index;

 private:
  SortedKeyFile() = default;
  std::unique_ptr<MappedFile> file_;  // Null for FromKeys().
  std::vector<uint64_t> owned_keys_;  // FromKeys() only.
  const uint64_t* keys_ = nullptr;
  uint64_t key_count_ = 0;
  uint64_t generation_number_ = 0;
  uint64_t checksum_ = 0;
  std::unique_ptr<const Index> index_;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_SORTED_KEY_FILE_H_
