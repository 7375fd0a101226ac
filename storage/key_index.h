// KeyIndex is a generation's exact key set in a compact, memory-mappable
// form (index.bin): every E.164 key of the generation, answering membership
// exactly, built once by dnc-load and read by the server at open, so a
// server starts and swaps generations without rebuilding anything.
//
// Encoding: keys are cut into blocks of 10,000 consecutive numbers (key /
// 10000: for NANP numbers one exchange, NPA-NXX, the unit in which numbers
// are assigned); a directory with one 64-bit entry per block in the key
// range gives the block's offset, key count and encoding. Each block takes
// the smallest of three encodings of its keys' suffixes (key % 10000): a
// sorted array of 16-bit suffixes (up to 88 keys; high and low bytes
// stored apart), 40 buckets of 256
// numbers with a byte per key (89 to 1,168 keys; 8 bits a key plus 88
// bytes), or a bitmap of the 10,000 numbers (denser exchanges; 8.5 bits a
// key and fewer). 1.5-7.3 bits a key on the benchmark registries
// (BENCHMARKS.md), against 64 for a sorted array. Key sets too spread out
// for blocks to pay (a few keys over many countries) are stored as a sorted
// array and binary-searched.
//
// A lookup reads the directory entry, then one or two lines of the block,
// and compares 32 bytes at a time (SSE2) with no branch on the encoding:
// ContainsBatch() pipelines those reads over many keys. (Elias-Fano, which
// format version 1 used, is ~25% smaller, but its select and bucket scans
// made lookups 10-25% slower.)
//
// File format (native little-endian only): a 128-byte header (magic
// "DNCKIDX1", format version, endianness tag, key count, generation number,
// block bits, first block, block count, sizes, XXH3-64 of the body, header
// checksum), then the data (blocks, 8-byte aligned) and the directory.
// Open() reads the file into memory advised for huge pages (random lookups
// over hundreds of MB miss the TLB on 4 KiB pages), validates the header,
// the body's checksum and the directory (every block's size must match its
// entry, bucket counts must rise to the block's count, counts must add up),
// and returns DataLoss on any mismatch, naming the file.
//
// Ownership: owns its copy of the data.
// Thread-safety: immutable after construction; const methods are
// thread-safe.
#ifndef DNC_STORAGE_KEY_INDEX_H_
#define DNC_STORAGE_KEY_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "storage/huge_buffer.h"

namespace dnc::storage {

// Numbers per block (see above); the format uses only this.
inline constexpr uint64_t kKeyIndexBlockSize = 10000;

inline constexpr char kIndexFileName[] = "index.bin";
// The same format over the keys that may have details (RegistryStore::
// KeysWithDetails), written by dnc-load so that a server opening the
// generation need not scan RocksDB for them.
inline constexpr char kDetailsFileName[] = "details.bin";

struct KeyIndexInfo {
  uint64_t key_count = 0;
  uint64_t file_bytes = 0;
  uint64_t checksum = 0;  // As in the header; recorded in the MANIFEST.
};

// The parsed geometry and arrays of an index (file or memory).
struct KeyIndexLayout {
  uint32_t block_size = 0;   // kKeyIndexBlockSize, or 0: a sorted array.
  uint64_t first_block = 0;  // key / block_size of the first entry.
  uint64_t block_count = 0;
  const uint64_t* directory = nullptr;  // block_count entries.
  const uint64_t* data = nullptr;       // Blocks, or the sorted keys.
  uint64_t data_words = 0;
  uint64_t key_count = 0;
};

class KeyIndex {
 public:
  // Errors: NotFound (no file), DataLoss (truncated, bad magic, version,
  // endianness, checksum, inconsistent directory; the message names the
  // file and what is wrong), errno-derived status.
  static absl::StatusOr<std::unique_ptr<KeyIndex>> Open(
      const std::string& path);

  // The same index built in memory from `keys` (strictly ascending, else
  // InvalidArgument). generation_number() and file_bytes() are 0.
  static absl::StatusOr<std::unique_ptr<KeyIndex>> FromKeys(
      absl::Span<const uint64_t> keys);

  KeyIndex(const KeyIndex&) = delete;
  KeyIndex& operator=(const KeyIndex&) = delete;
  ~KeyIndex();

  // Exact: true iff `key` is in the set.
  bool Contains(uint64_t key) const;
  // Contains() for a batch, the memory reads of many keys overlapped. Any
  // order and size; allocates nothing. REQUIRES: found.size() == keys.size().
  void ContainsBatch(absl::Span<const uint64_t> keys,
                     absl::Span<uint8_t> found) const;

  uint64_t key_count() const { return layout_.key_count; }
  uint64_t generation_number() const { return generation_number_; }
  uint64_t checksum() const { return checksum_; }
  uint64_t file_bytes() const { return file_bytes_; }
  // Bytes of the encoded set (directory and data), in memory when mapped.
  uint64_t encoded_bytes() const;
  double bits_per_key() const;
  const KeyIndexLayout& layout() const { return layout_; }

  // Appends every key, ascending, to `out`.
  void AppendKeys(std::vector<uint64_t>* out) const;
  // Appends the keys of block `block` (key / block_size), ascending.
  void AppendBlockKeys(uint64_t block, std::vector<uint64_t>* out) const;
  // Number of keys in block `block` (0 outside the directory).
  uint32_t BlockKeyCount(uint64_t block) const;

 private:
  friend class KeyIndexBuilder;
  KeyIndex() = default;
  HugeBuffer words_;         // The data, then the directory.
  uint64_t file_bytes_ = 0;  // 0 when built in memory.
  KeyIndexLayout layout_;
  uint64_t generation_number_ = 0;
  uint64_t checksum_ = 0;
};

// Builds an index block by block, in ascending block order (a full load
// adds every block's keys; a change list copies the blocks it does not touch
// from the published index and re-encodes the others).
class KeyIndexBuilder {
 public:
  // The block size for `key_count` keys spanning [min_key, max_key]:
  // kKeyIndexBlockSize, or 0 when they are so spread out (many countries)
  // that a sorted array is better.
  static uint32_t ChooseBlockSize(uint64_t key_count, uint64_t min_key,
                                  uint64_t max_key);

  explicit KeyIndexBuilder(uint32_t block_size);
  ~KeyIndexBuilder();

  uint32_t block_size() const { return block_size_; }

  // Adds keys, strictly ascending across all calls. With blocks, every key
  // of one call must be in one block (key / block_size). Errors:
  // FailedPrecondition naming the key.
  absl::Status AddBlock(absl::Span<const uint64_t> keys);
  // Adds all of `keys` (ascending), cutting them into blocks.
  absl::Status AddKeys(absl::Span<const uint64_t> keys);
  // Copies block `block` of `from` as encoded (both with blocks; above
  // every key added so far). Errors: FailedPrecondition.
  absl::Status CopyBlock(const KeyIndex& from, uint64_t block);

  uint64_t key_count() const { return key_count_; }

  // Writes the index durably (storage/durable_file.h) to `path`.
  absl::StatusOr<KeyIndexInfo> WriteFile(uint64_t generation_number,
                                         const std::string& path);
  // The index, in memory.
  absl::StatusOr<std::unique_ptr<KeyIndex>> Finish();

 private:
  absl::Status AppendEntry(uint64_t block, uint64_t entry);
  void Seal();

  uint32_t block_size_;
  bool have_block_ = false;
  uint64_t first_block_ = 0;
  uint64_t next_block_ = 0;  // Directory covers [first_block_, next_block_).
  bool have_key_ = false;
  uint64_t last_key_ = 0;
  uint64_t key_count_ = 0;
  std::vector<uint64_t> directory_;
  std::vector<uint64_t> data_;
  std::vector<uint64_t> scratch_;
};

// Writes the index of `keys` (strictly ascending) to `path` durably.
absl::StatusOr<KeyIndexInfo> WriteKeyIndex(absl::Span<const uint64_t> keys,
                                           uint64_t generation_number,
                                           const std::string& path);

}  // namespace dnc::storage

#endif  // DNC_STORAGE_KEY_INDEX_H_
