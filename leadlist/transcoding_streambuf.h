// A read-only std::streambuf that hands out UTF-8: first the bytes already
// sniffed from the input (`head`), then the rest of `raw`, both decoded by a
// Utf8Transcoder. Memory stays bounded (one 64 KiB read buffer and its
// decoded text); `raw` is only ever read forward, never seeked, and may be
// a blocking stream fed chunk by chunk from another thread.
//
// When reading `raw` fails (its badbit), the stream this buffer serves is
// marked bad too (set_owner), so a CsvReader reports a read error instead of
// a silently shortened list.
// Ownership: borrows `raw` (may be null: `head` is the whole input) and the
// owner stream. Thread-safety: thread-compatible.
#ifndef DNC_LEADLIST_TRANSCODING_STREAMBUF_H_
#define DNC_LEADLIST_TRANSCODING_STREAMBUF_H_

#include <istream>
#include <streambuf>
#include <string>
#include <vector>

#include "leadlist/text_encoding.h"

namespace dnc::leadlist {

class TranscodingStreamBuf : public std::streambuf {
 public:
  // `head`: the input's first bytes, without any byte order mark.
  TranscodingStreamBuf(std::string head, std::istream* raw,
                       TextEncoding encoding);
  // The stream reading from this buffer (to be marked bad on a read error).
  void set_owner(std::istream* owner) { owner_ = owner; }

 protected:
  int_type underflow() override;

 private:
  std::string head_;
  std::istream* const raw_;
  std::istream* owner_ = nullptr;
  Utf8Transcoder transcoder_;
  std::vector<char> in_;
  std::string out_;
  bool head_done_ = false;
  bool raw_done_ = false;
  bool flushed_ = false;
};

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_TRANSCODING_STREAMBUF_H_
