// Test helpers: write .zip and .gz files with libarchive's writer, and plain
// files, so loader tests make their own inputs.
// Thread-safety: thread-safe (no shared state).
#ifndef DNC_TESTS_LOADER_ARCHIVE_WRITER_H_
#define DNC_TESTS_LOADER_ARCHIVE_WRITER_H_

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace dnc::test {

// Writes `content` to `path` as is. Returns false on failure.
inline bool WritePlainFile(const std::string& path,
                           const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return static_cast<bool>(out);
}

namespace internal {
inline bool WriteArchive(
    const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& members,
    bool gzip_raw) {
  archive* writer = archive_write_new();
  bool ok = true;
  if (gzip_raw) {
    ok = archive_write_add_filter_gzip(writer) == ARCHIVE_OK &&
         archive_write_set_format_raw(writer) == ARCHIVE_OK;
  } else {
    ok = archive_write_set_format_zip(writer) == ARCHIVE_OK;
  }
  ok = ok && archive_write_open_filename(writer, path.c_str()) == ARCHIVE_OK;
  for (const auto& [name, content] : members) {
    if (!ok) break;
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    ok = archive_write_header(writer, entry) == ARCHIVE_OK &&
         archive_write_data(writer, content.data(), content.size()) ==
             static_cast<la_ssize_t>(content.size());
    archive_entry_free(entry);
  }
  ok = archive_write_close(writer) == ARCHIVE_OK && ok;
  archive_write_free(writer);
  return ok;
}
}  // namespace internal

// A zip with one member per (name, content), deflated. Returns false on
// failure.
inline bool WriteZip(
    const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& members) {
  return internal::WriteArchive(path, members, /*gzip_raw=*/false);
}

// A bare gzip stream of `content`. Returns false on failure.
inline bool WriteGzip(const std::string& path, const std::string& content) {
  return internal::WriteArchive(path, {{"data", content}}, /*gzip_raw=*/true);
}

}  // namespace dnc::test

#endif  // DNC_TESTS_LOADER_ARCHIVE_WRITER_H_
