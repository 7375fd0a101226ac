// A fresh temporary directory per test, removed (recursively) afterwards.
// Set DNC_KEEP_SCRATCH=1 to keep it for debugging.
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_TESTING_SCRATCH_DIR_H_
#define DNC_TESTS_TESTING_SCRATCH_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dnc::test {

class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/dnc-test-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~ScratchDir() {
    const char* keep = std::getenv("DNC_KEEP_SCRATCH");
    if (keep == nullptr || std::string(keep) != "1") {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace dnc::test

#endif  // DNC_TESTS_TESTING_SCRATCH_DIR_H_
