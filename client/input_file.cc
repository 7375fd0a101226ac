#include "client/input_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <streambuf>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dnc::client {
namespace {

// stdin through a streambuf of its own, so nothing depends on std::cin's
// synchronisation with stdio.
class StdinBuf : public std::streambuf {
 public:
  StdinBuf() : buffer_(1 << 16) {}
  void set_owner(std::istream* owner) { owner_ = owner; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const size_t got = std::fread(buffer_.data(), 1, buffer_.size(), stdin);
    if (got == 0) {
      // A failed read must not look like the end of the list.
      if (std::ferror(stdin) && owner_ != nullptr) {
        owner_->setstate(std::ios::badbit);
      }
      return traits_type::eof();
    }
    setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::vector<char> buffer_;
  std::istream* owner_ = nullptr;
};

class StdinStream : public std::istream {
 public:
  StdinStream() : std::istream(nullptr) {
    rdbuf(&buf_);
    buf_.set_owner(this);
  }

 private:
  StdinBuf buf_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<std::istream>> OpenInputFile(
    const std::string& path) {
  if (path == "-") return std::make_unique<StdinStream>();
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) {
    return absl::NotFoundError(
        absl::StrCat("cannot open input ", path, ": ", std::strerror(errno)));
  }
  return file;
}

}  // namespace dnc::client
