// HashFilter is a generation's memory-mapped Bloom filter: cache-line
// blocked, over XXH3-64 of the E.164 key. It answers MayContain: "false" is
// always right (no false negatives for any key it was built from); "true"
// means "maybe" and must be confirmed exactly. Every generation carries one,
// but lookups consult it only in generations made before keys.bin existed,
// in front of their RocksDB; keys.bin answers the others exactly without it
// (storage/source_snapshot.h).
//
// File format (native little-endian only; see filter_format.h): a 64-byte
// header (magic "DNCBLOOM", format version, endianness tag, key count, seed,
// block count, probes per key, stated false-positive bound, generation
// number, XXH3-64 checksum of the block array, checksum of the header)
// followed by 64-byte blocks. Open() validates all of it and returns DataLoss
// on any mismatch; reading every block for the checksum also faults the whole
// filter in, so lookups after Open() do not wait on the disk.
//
// Ownership: the object owns the mapping and unmaps it in its destructor.
// Thread-safety: immutable after Open(); all const methods are thread-safe.
#ifndef DNC_STORAGE_HASH_FILTER_H_
#define DNC_STORAGE_HASH_FILTER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace dnc::storage {

class MappedFile;

class HashFilter {
 public:
  // Maps `path` read-only and validates header, size and checksum.
  // Errors: NotFound (no file), DataLoss (truncated, bad magic, version,
  // endianness, size or checksum; the message names the path and the field),
  // or the errno-derived status of open/mmap.
  static absl::StatusOr<std::unique_ptr<HashFilter>> Open(
      const std::string& path);

  HashFilter(const HashFilter&) = delete;
  HashFilter& operator=(const HashFilter&) = delete;
  ~HashFilter();

  // False only if `e164` was certainly not among the keys built in.
  bool MayContain(uint64_t e164) const;

  // The same for a batch, with prefetching so lookups overlap (several
  // times faster per key than MayContain on a filter larger than the cache).
  // Allocates nothing. REQUIRES: maybe.size() == keys.size().
  // Writes 1 (maybe) or 0 (no).
  void MayContainBatch(absl::Span<const uint64_t> keys,
                       absl::Span<uint8_t> maybe) const;

  uint64_t key_count() const;
  uint64_t generation_number() const;
  // The false-positive probability the builder computed for this size and
  // load (a Poisson model of block loads), rounded up to 1e-9. It is the
  // model's expected rate: a rate measured over many absent keys stays
  // within a few standard deviations of it (about 1.05% at 10 bits/key).
  double false_positive_bound() const;
  // Size of the mapped file in bytes.
  uint64_t file_bytes() const;
  // XXH3-64 of the block array as stored in the header (and returned by
  // WriteHashFilter in HashFilterInfo::checksum; the MANIFEST records it).
  uint64_t checksum() const;

 private:
  explicit HashFilter(std::unique_ptr<MappedFile> file);
  std::unique_ptr<MappedFile> file_;
  const uint64_t* blocks_ = nullptr;  // Points into file_; 64-byte aligned.
  uint64_t block_count_ = 0;
  uint64_t seed_ = 0;
  uint64_t key_count_ = 0;
  uint64_t generation_number_ = 0;
  uint64_t checksum_ = 0;
  double false_positive_bound_ = 0;
};

}  // namespace dnc::storage

#endif  // DNC_STORAGE_HASH_FILTER_H_
