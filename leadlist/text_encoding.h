// The text encodings lead lists arrive in, how to tell them apart from the
// first bytes, and a streaming decoder from each to UTF-8.
//
//   UTF-8         with or without a byte order mark (EF BB BF);
//   UTF-16LE/BE   with a byte order mark (FF FE / FE FF), as Excel's
//                 "Unicode Text" writes, or without one, told by where the
//                 NUL bytes of ASCII characters fall;
//   Windows-1252  anything that is not valid UTF-8 (Excel's "CSV" on a
//                 Western-European Windows): every byte maps to one
//                 character by the WHATWG windows-1252 table, so decoding
//                 never fails.
// UTF-8 input is checked as it streams: a byte that does not start a valid
// sequence (a file that is UTF-8 at the top and Windows-1252 further down)
// is read as its Windows-1252 character rather than failing the list.
// Thread-safety: functions thread-safe; a Utf8Transcoder thread-compatible.
#ifndef DNC_LEADLIST_TEXT_ENCODING_H_
#define DNC_LEADLIST_TEXT_ENCODING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dnc::leadlist {

enum class TextEncoding { kUtf8, kUtf16Le, kUtf16Be, kWindows1252 };

// What DetectTextEncoding saw.
struct DetectedEncoding {
  TextEncoding encoding = TextEncoding::kUtf8;
  size_t bom_bytes = 0;  // Bytes of byte order mark at the start (0, 2, 3).
};

// The encoding of input that starts with `head`; `complete` says `head` is
// the whole input (else a sequence cut at its end is not held against it).
DetectedEncoding DetectTextEncoding(std::string_view head, bool complete);

// Where UTF-16 without a byte order mark puts its NUL bytes: kUtf16Le or
// kUtf16Be when the pattern is clear, else kUtf8 (meaning: not UTF-16).
TextEncoding DetectUtf16WithoutBom(std::string_view head);

// True if `text` is valid UTF-8 (no overlong forms, surrogates or code
// points past U+10FFFF); with `complete` false a sequence cut short at the
// end is allowed.
bool IsValidUtf8(std::string_view text, bool complete);

// The Unicode code point of Windows-1252 byte `b` (WHATWG index: 0x80-0x9F
// are the typographic characters, the five unassigned ones map to the C1
// control of the same value; all others are Latin-1).
uint32_t Windows1252CodePoint(unsigned char b);

// Appends the UTF-8 form of code point `cp` (REQUIRES: cp <= 0x10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);

// Streaming decoder to UTF-8: feed the input in pieces of any size (split
// anywhere, even inside a multi-byte sequence or a surrogate pair); what
// each call can complete is appended to *out. Unpaired UTF-16 surrogates and
// a sequence cut off by the end of input become U+FFFD.
class Utf8Transcoder {
 public:
  explicit Utf8Transcoder(TextEncoding encoding) : encoding_(encoding) {}
  // Decodes `in`; `last` says no input follows (flushes what is held).
  void Decode(std::string_view in, bool last, std::string* out);
  TextEncoding encoding() const { return encoding_; }

 private:
  void DecodeUtf8(std::string_view in, bool last, std::string* out);
  void DecodeUtf16(std::string_view in, bool last, std::string* out);
  void DecodeWindows1252(std::string_view in, std::string* out);

  const TextEncoding encoding_;
  std::string carry_;            // Bytes of a sequence not yet complete.
  uint32_t high_surrogate_ = 0;  // UTF-16: a high surrogate awaiting its pair.
};

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_TEXT_ENCODING_H_
