// Fuzz target: storage/manifest.h. The input is a MANIFEST file read with
// ReadManifest. Invariants:
//   - a rejected file is DataLoss naming the path;
//   - an accepted manifest has every required field (source, generation)
//     and a load_mode of full or change;
//   - an accepted manifest that WriteManifest takes (it refuses values with
//     line breaks) reads back equal, field for field (the change counters
//     only for load_mode change: a full load does not write them);
//   - writing the manifest read back gives the same bytes (a fixed point).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "fuzz/fuzz_check.h"
#include "storage/manifest.h"

namespace dnc::fuzz {
namespace {

using storage::Manifest;

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The first field that differs, or "".
std::string Difference(const Manifest& a, const Manifest& b) {
#define DNC_FUZZ_SAME(field) \
  if (!(a.field == b.field)) return #field
  DNC_FUZZ_SAME(source);
  DNC_FUZZ_SAME(jurisdiction);
  DNC_FUZZ_SAME(country_codes);
  DNC_FUZZ_SAME(kind);
  DNC_FUZZ_SAME(area_codes);
  DNC_FUZZ_SAME(generation);
  DNC_FUZZ_SAME(generation_number);
  DNC_FUZZ_SAME(as_of);
  DNC_FUZZ_SAME(max_age_days);
  DNC_FUZZ_SAME(format);
  DNC_FUZZ_SAME(created_at);
  DNC_FUZZ_SAME(lines_read);
  DNC_FUZZ_SAME(numbers_loaded);
  DNC_FUZZ_SAME(duplicates);
  DNC_FUZZ_SAME(rejected);
  DNC_FUZZ_SAME(filter_checksum);
  DNC_FUZZ_SAME(filter_bytes);
  DNC_FUZZ_SAME(keys_checksum);
  DNC_FUZZ_SAME(load_mode);
  DNC_FUZZ_SAME(previous_generation);
  if (a.load_mode == "change") {
    DNC_FUZZ_SAME(numbers_added);
    DNC_FUZZ_SAME(numbers_deleted);
    DNC_FUZZ_SAME(adds_already_listed);
    DNC_FUZZ_SAME(deletes_not_listed);
  }
  DNC_FUZZ_SAME(inputs.size());
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    DNC_FUZZ_SAME(inputs[i].path);
    DNC_FUZZ_SAME(inputs[i].bytes);
    DNC_FUZZ_SAME(inputs[i].xxh3_128);
  }
  DNC_FUZZ_SAME(applied_change_lists.size());
  for (size_t i = 0; i < a.applied_change_lists.size(); ++i) {
    DNC_FUZZ_SAME(applied_change_lists[i].xxh3_128);
    DNC_FUZZ_SAME(applied_change_lists[i].generation);
    DNC_FUZZ_SAME(applied_change_lists[i].as_of);
    DNC_FUZZ_SAME(applied_change_lists[i].path);
  }
#undef DNC_FUZZ_SAME
  return "";
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnc::fuzz;  // NOLINT(build/namespaces): a harness.
  const std::string path = ProcessScratchDir().Path("MANIFEST");
  WriteFileOrDie(path,
                 std::string_view(reinterpret_cast<const char*>(data), size));
  absl::StatusOr<dnc::storage::Manifest> read =
      dnc::storage::ReadManifest(path);
  if (!read.ok()) {
    DNC_FUZZ_CHECK(read.status().code() == absl::StatusCode::kDataLoss &&
                       absl::StrContains(read.status().message(), path),
                   "ReadManifest: %s", read.status().ToString().c_str());
    return 0;
  }
  DNC_FUZZ_CHECK(!read->source.empty() && !read->generation.empty(),
                 "accepted without source or generation");
  DNC_FUZZ_CHECK(read->load_mode == "full" || read->load_mode == "change",
                 "load_mode '%s'", read->load_mode.c_str());

  const std::string copy = ProcessScratchDir().Path("MANIFEST.copy");
  const absl::Status wrote = dnc::storage::WriteManifest(*read, copy);
  if (!wrote.ok()) {
    // Lines split at LF, so a value read can hold only a CR, which the
    // writer refuses.
    DNC_FUZZ_CHECK(
        wrote.code() == absl::StatusCode::kInvalidArgument &&
            std::string_view(reinterpret_cast<const char*>(data), size)
                    .find('\r') != std::string_view::npos,
        "WriteManifest of a manifest read: %s", wrote.ToString().c_str());
    return 0;
  }
  absl::StatusOr<dnc::storage::Manifest> reread =
      dnc::storage::ReadManifest(copy);
  DNC_FUZZ_CHECK(reread.ok(), "the manifest written does not read back: %s",
                 reread.status().ToString().c_str());
  const std::string differs = Difference(*read, *reread);
  DNC_FUZZ_CHECK(differs.empty(), "field %s differs after a round trip",
                 differs.c_str());
  const std::string bytes = ReadBytes(copy);
  const std::string copy2 = ProcessScratchDir().Path("MANIFEST.copy2");
  DNC_FUZZ_CHECK(dnc::storage::WriteManifest(*reread, copy2).ok(),
                 "second write");
  DNC_FUZZ_CHECK(ReadBytes(copy2) == bytes, "writing is not a fixed point");
  return 0;
}
