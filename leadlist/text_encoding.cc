#include "leadlist/text_encoding.h"

#include <algorithm>

namespace dnc::leadlist {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

// WHATWG windows-1252 for 0x80-0x9F.
constexpr uint16_t kC1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

// Length of the valid UTF-8 sequence at the start of `s`: 1-4; 0 when it
// is invalid; -1 when it is a valid beginning cut short by the end of `s`.
int Utf8SequenceLength(std::string_view s) {
  const auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  int n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // Overlong.
    if (c == 0xED) hi = 0x9F;  // Surrogates.
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // Overlong.
    if (c == 0xF4) hi = 0x8F;  // Past U+10FFFF.
  } else {
    return 0;
  }
  for (int i = 1; i < n; ++i) {
    if (static_cast<size_t>(i) >= s.size()) return -1;
    const unsigned char t = b(static_cast<size_t>(i));
    const unsigned char min = i == 1 ? lo : 0x80;
    const unsigned char max = i == 1 ? hi : 0xBF;
    if (t < min || t > max) return 0;
  }
  return n;
}

}  // namespace

uint32_t Windows1252CodePoint(unsigned char b) {
  if (b >= 0x80 && b <= 0x9F) return kC1[b - 0x80];
  return b;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view text, bool complete) {
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const int n = Utf8SequenceLength(text.substr(i));
    if (n == 0) return false;
    if (n < 0) return !complete;
    i += static_cast<size_t>(n);
  }
  return true;
}

TextEncoding DetectUtf16WithoutBom(std::string_view head) {
  const size_t pairs = std::min<size_t>(head.size(), 8192) / 2;
  if (pairs < 2) return TextEncoding::kUtf8;
  size_t nul_even = 0;  // NUL as the first byte of a pair: big-endian ASCII.
  size_t nul_odd = 0;   // NUL as the second byte: little-endian ASCII.
  for (size_t p = 0; p < pairs; ++p) {
    if (head[2 * p] == '\0') ++nul_even;
    if (head[2 * p + 1] == '\0') ++nul_odd;
  }
  // Lead lists are mostly digits and separators: nearly every character of
  // UTF-16 text has a NUL high byte; no text in an 8-bit encoding has many.
  if (nul_odd * 10 >= pairs * 3 && nul_even * 20 <= pairs) {
    return TextEncoding::kUtf16Le;
  }
  if (nul_even * 10 >= pairs * 3 && nul_odd * 20 <= pairs) {
    return TextEncoding::kUtf16Be;
  }
  return TextEncoding::kUtf8;
}

DetectedEncoding DetectTextEncoding(std::string_view head, bool complete) {
  if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF") {
    return {TextEncoding::kUtf8, 3};
  }
  if (head.size() >= 2 && head.substr(0, 2) == "\xFF\xFE") {
    return {TextEncoding::kUtf16Le, 2};
  }
  if (head.size() >= 2 && head.substr(0, 2) == "\xFE\xFF") {
    return {TextEncoding::kUtf16Be, 2};
  }
  const TextEncoding utf16 = DetectUtf16WithoutBom(head);
  if (utf16 != TextEncoding::kUtf8) return {utf16, 0};
  if (IsValidUtf8(head, complete)) return {TextEncoding::kUtf8, 0};
  return {TextEncoding::kWindows1252, 0};
}

void Utf8Transcoder::Decode(std::string_view in, bool last, std::string* out) {
  switch (encoding_) {
    case TextEncoding::kUtf8:
      DecodeUtf8(in, last, out);
      return;
    case TextEncoding::kUtf16Le:
    case TextEncoding::kUtf16Be:
      DecodeUtf16(in, last, out);
      return;
    case TextEncoding::kWindows1252:
      DecodeWindows1252(in, out);
      return;
  }
}

void Utf8Transcoder::DecodeWindows1252(std::string_view in, std::string* out) {
  for (const char c : in) {
    const unsigned char b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out->push_back(c);
    } else {
      AppendUtf8(Windows1252CodePoint(b), out);
    }
  }
}

void Utf8Transcoder::DecodeUtf8(std::string_view in, bool last,
                                std::string* out) {
  // A sequence cut at the previous piece's end: complete it first, one
  // byte at a time (at most 3 bytes are ever held).
  while (!carry_.empty() && !in.empty()) {
    carry_.push_back(in.front());
    in.remove_prefix(1);
    const int n = Utf8SequenceLength(carry_);
    if (n < 0) continue;
    if (n > 0) {
      out->append(carry_, 0, static_cast<size_t>(n));
      // n == carry_.size(): a valid sequence uses every byte fed so far.
    } else {
      // Invalid: its first byte is a Windows-1252 character, and the rest
      // are read again from the start.
      AppendUtf8(Windows1252CodePoint(static_cast<unsigned char>(carry_[0])),
                 out);
      std::string rest = carry_.substr(1);
      carry_.clear();
      DecodeUtf8(rest, false, out);
      continue;
    }
    carry_.clear();
  }
  size_t i = 0;
  while (i < in.size()) {
    // The common case: a run of ASCII is copied as is.
    size_t j = i;
    while (j < in.size() && static_cast<unsigned char>(in[j]) < 0x80) ++j;
    out->append(in.data() + i, j - i);
    i = j;
    if (i >= in.size()) break;
    const int n = Utf8SequenceLength(in.substr(i));
    if (n > 0) {
      out->append(in.data() + i, static_cast<size_t>(n));
      i += static_cast<size_t>(n);
    } else if (n < 0) {
      carry_.assign(in.data() + i, in.size() - i);
      break;
    } else {
      AppendUtf8(Windows1252CodePoint(static_cast<unsigned char>(in[i])), out);
      ++i;
    }
  }
  if (last && !carry_.empty()) {
    // Cut off by the end of input: each byte as Windows-1252.
    for (const char c : carry_) {
      AppendUtf8(Windows1252CodePoint(static_cast<unsigned char>(c)), out);
    }
    carry_.clear();
  }
}

void Utf8Transcoder::DecodeUtf16(std::string_view in, bool last,
                                 std::string* out) {
  const bool little = encoding_ == TextEncoding::kUtf16Le;
  const auto unit = [little](unsigned char a, unsigned char b) -> uint32_t {
    return little ? (static_cast<uint32_t>(b) << 8) | a
                  : (static_cast<uint32_t>(a) << 8) | b;
  };
  const auto take = [&](uint32_t u) {
    if (high_surrogate_ != 0) {
      if (u >= 0xDC00 && u <= 0xDFFF) {
        AppendUtf8(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (u - 0xDC00),
                   out);
        high_surrogate_ = 0;
        return;
      }
      AppendUtf8(kReplacement, out);  // A high surrogate left unpaired.
      high_surrogate_ = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      high_surrogate_ = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      AppendUtf8(kReplacement, out);  // A low surrogate alone.
    } else {
      AppendUtf8(u, out);
    }
  };
  size_t i = 0;
  if (!carry_.empty() && !in.empty()) {
    take(unit(static_cast<unsigned char>(carry_[0]),
              static_cast<unsigned char>(in[0])));
    carry_.clear();
    i = 1;
  }
  for (; i + 1 < in.size(); i += 2) {
    const unsigned char a = static_cast<unsigned char>(in[i]);
    const unsigned char b = static_cast<unsigned char>(in[i + 1]);
    const uint32_t u = unit(a, b);
    if (u < 0x80 && high_surrogate_ == 0) {
      out->push_back(static_cast<char>(u));
    } else {
      take(u);
    }
  }
  if (i < in.size()) carry_.assign(1, in[i]);
  if (last) {
    if (high_surrogate_ != 0) AppendUtf8(kReplacement, out);
    high_surrogate_ = 0;
    if (!carry_.empty()) AppendUtf8(kReplacement, out);  // An odd last byte.
    carry_.clear();
  }
}

}  // namespace dnc::leadlist
