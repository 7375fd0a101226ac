#include "leadlist/transcoding_streambuf.h"

#include <utility>

namespace dnc::leadlist {
namespace {
constexpr size_t kReadBytes = 1 << 16;
}  // namespace

TranscodingStreamBuf::TranscodingStreamBuf(std::string head, std::istream* raw,
                                           TextEncoding encoding)
    : head_(std::move(head)),
      raw_(raw),
      transcoder_(encoding),
      raw_done_(raw == nullptr) {
  in_.resize(kReadBytes);
  out_.reserve(kReadBytes * 3);
}

TranscodingStreamBuf::int_type TranscodingStreamBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  out_.clear();
  while (out_.empty() && !flushed_) {
    if (!head_done_) {
      head_done_ = true;
      transcoder_.Decode(head_, raw_done_, &out_);
      if (raw_done_) flushed_ = true;
      std::string().swap(head_);  // Not needed again.
      continue;
    }
    if (!raw_done_) {
      // istream::read blocks until the buffer is full or the input ends,
      // so a short read is the end (or a failure).
      raw_->read(in_.data(), static_cast<std::streamsize>(in_.size()));
      const size_t got = static_cast<size_t>(raw_->gcount());
      if (got < in_.size()) raw_done_ = true;
      if (raw_->bad()) {
        if (owner_ != nullptr) owner_->setstate(std::ios::badbit);
        flushed_ = true;
        return traits_type::eof();
      }
      transcoder_.Decode(std::string_view(in_.data(), got), raw_done_, &out_);
      if (raw_done_) flushed_ = true;
      continue;
    }
    transcoder_.Decode({}, true, &out_);
    flushed_ = true;
  }
  if (out_.empty()) return traits_type::eof();
  setg(out_.data(), out_.data(), out_.data() + out_.size());
  return traits_type::to_int_type(*gptr());
}

}  // namespace dnc::leadlist
