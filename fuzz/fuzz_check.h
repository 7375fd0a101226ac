// Helpers shared by the libFuzzer harnesses in fuzz/: a release-mode
// invariant check that reports and aborts (so libFuzzer records the input as
// a crash), and a scratch directory for harnesses whose code under test reads
// files by path.
// Thread-safety: thread-compatible (each harness runs one input at a time).
#ifndef DNC_FUZZ_FUZZ_CHECK_H_
#define DNC_FUZZ_FUZZ_CHECK_H_

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// Aborts with the failed condition and `...` (printf-style) when `cond` is
// false. Unlike assert(), it stays on in every build type.
#define DNC_FUZZ_CHECK(cond, ...)                                            \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n  ", __FILE__, \
                   __LINE__, #cond);                                         \
      std::fprintf(stderr, __VA_ARGS__);                                     \
      std::fprintf(stderr, "\n");                                            \
      std::abort();                                                          \
    }                                                                        \
  } while (0)

namespace dnc::fuzz {

// A directory under $TMPDIR (default /dev/shm where it exists, so that the
// fsyncs of the code under test stay in memory; else /tmp), removed when the
// object is destroyed.
class FuzzScratchDir {
 public:
  FuzzScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::error_code ignored;
    const char* fallback = std::filesystem::is_directory("/dev/shm", ignored)
                               ? "/dev/shm"
                               : "/tmp";
    std::string tmpl =
        std::string(base && *base ? base : fallback) + "/dnc-fuzz-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~FuzzScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  FuzzScratchDir(const FuzzScratchDir&) = delete;
  FuzzScratchDir& operator=(const FuzzScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The process's scratch directory, made on first use and removed when the
// process exits normally (libFuzzer exits so at the end of -runs or
// -max_total_time; a crash leaves it behind).
inline const FuzzScratchDir& ProcessScratchDir() {
  static const FuzzScratchDir dir;  // Destroyed, so removed, at exit().
  return dir;
}

// Writes `data` to `path` (truncating). Aborts when the write fails: that is
// the machine, not the input.
inline void WriteFileOrDie(const std::string& path, std::string_view data) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  DNC_FUZZ_CHECK(file != nullptr, "cannot create %s", path.c_str());
  const bool ok = std::fwrite(data.data(), 1, data.size(), file) == data.size();
  DNC_FUZZ_CHECK(std::fclose(file) == 0 && ok, "cannot write %s", path.c_str());
}

// Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so the harnesses split and compare std::string_views
// themselves.

// `text` split at every `delimiter` (an empty text is one empty piece).
inline std::vector<std::string_view> Split(std::string_view text,
                                           char delimiter) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(delimiter, start);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

inline bool HasPrefix(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

inline bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The loader's whitespace (loader/record_format.cc): space, tab, CR, FF, VT.
inline bool IsLoaderSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// `text` without leading and trailing loader whitespace.
inline std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsLoaderSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsLoaderSpace(text.back())) text.remove_suffix(1);
  return text;
}

// The E.164 digit count of a key (0 for 0).
inline int DigitCount(uint64_t value) {
  int digits = 0;
  for (; value != 0; value /= 10) ++digits;
  return digits;
}

}  // namespace dnc::fuzz

#endif  // DNC_FUZZ_FUZZ_CHECK_H_
