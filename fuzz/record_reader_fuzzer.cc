// Fuzz target: every record format reader of loader/ (record_format.h,
// record_reader.h). The first input byte picks the format (low 3 bits: the
// presets ftc-flat, ftc-change, crtc-flat, crtc-xml, uk-tps, lines,
// csv:phone, and a declared delimited layout with every field role) and, with
// its high bit, puts a line longer than kMaxLineBytes first; the rest is the
// file, read through RecordReader as dnc-load reads it. Invariants:
//   - Next() fails only with DataLoss (an archive) or, for csv, with
//     InvalidArgument naming "<location>:<line>:" (no such column);
//   - every record has a location and a 1-based line; line layouts number
//     records 1, 2, 3, ... per file or member, the others never go back;
//   - a reject carries a non-empty reason ("malformed: ..." / "invalid: ...");
//   - a key is a VALID number (ClassifyE164) of at most 15 digits, of the
//     layout's fixed country code when it has one, with a delete op only in
//     a change layout;
//   - blank lines are exactly the lines of whitespace (space, tab, CR, FF,
//     VT);
//   - per-format oracles: a flat key is the line's NPA,NXXXXXX digits and
//     every exact "NPA,NXXXXXX" line of a valid number is that key; a
//     `lines` key is ParsePhoneNumber's VALID key of the line and every
//     such line is a key; a change key carries its line's flag and date.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "common/phone_number.h"
#include "fuzz/fuzz_check.h"
#include "loader/input_file.h"
#include "loader/record_format.h"
#include "loader/record_reader.h"

namespace dnc::fuzz {
namespace {

using loader::LineKind;
using loader::RecordOp;
using loader::RecordParser;

enum Format {
  kFtcFlat,
  kFtcChange,
  kCrtcFlat,
  kCrtcXml,
  kUkTps,
  kLines,
  kCsv,
  kDeclared,
  kFormatCount
};

const char* const kPresetNames[kFormatCount] = {
    "ftc-flat", "ftc-change", "crtc-flat", "crtc-xml",
    "uk-tps",   "lines",      "csv:phone", "lines"};

struct Parsers {
  std::vector<RecordParser> parsers;
};

const Parsers& AllParsers() {
  static const Parsers* const kParsers = [] {
    auto* out = new Parsers;
    for (int f = 0; f < kFormatCount; ++f) {
      absl::StatusOr<loader::RecordLayout> layout =
          loader::LayoutForFormat(kPresetNames[f]);
      DNC_FUZZ_CHECK(layout.ok(), "%s", layout.status().ToString().c_str());
      if (f == kDeclared) {
        // A catalogue-declared layout using every delimited role.
        const std::pair<const char*, const char*> settings[] = {
            {"shape", "delimited"},
            {"delimiter", "|"},
            {"fields", "src=skip number date flag"},
            {"date_format", "%d/%m/%Y"},
            {"add_flags", "A,I"},
            {"delete_flags", "D,X"},
            {"country_code", "44"},
            {"trunk_prefix", "0"}};
        layout->name = "declared";
        for (const auto& [key, value] : settings) {
          const absl::Status status =
              loader::ApplyLayoutSetting(key, value, &*layout);
          DNC_FUZZ_CHECK(status.ok(), "%s", status.ToString().c_str());
        }
      }
      absl::StatusOr<RecordParser> parser =
          RecordParser::Create(std::move(*layout));
      DNC_FUZZ_CHECK(parser.ok(), "%s", parser.status().ToString().c_str());
      out->parsers.push_back(std::move(*parser));
    }
    return out;
  }();
  return *kParsers;
}

bool IsBlankText(std::string_view text) {
  for (char c : text) {
    if (!IsLoaderSpace(c)) return false;
  }
  return true;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

uint64_t ToNumber(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  return value;
}

std::string Squeeze(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!IsLoaderSpace(c)) out.push_back(c);
  }
  return out;
}

// "NPA,NXXXXXX" with nothing else: the key, or 0.
uint64_t ExactFlatKey(std::string_view text) {
  if (text.size() != 11 || text[3] != ',') return 0;
  const std::string_view npa = text.substr(0, 3), sub = text.substr(4);
  if (!AllDigits(npa) || !AllDigits(sub)) return 0;
  return 10000000000ULL + ToNumber(npa) * 10000000ULL + ToNumber(sub);
}

void CheckFlat(const loader::Record& record) {
  const std::string text(record.text.substr(0, 200));
  if (record.is_key()) {
    const std::string squeezed = Squeeze(record.text);
    const uint64_t key = ExactFlatKey(squeezed);
    DNC_FUZZ_CHECK(key == record.key,
                   "flat line '%s' gave key %llu, its digits say %llu",
                   text.c_str(), static_cast<unsigned long long>(record.key),
                   static_cast<unsigned long long>(key));
  }
  const uint64_t exact = ExactFlatKey(record.text);
  if (exact != 0 && ClassifyE164(exact).valid()) {
    DNC_FUZZ_CHECK(record.is_key() && record.key == exact,
                   "flat line '%s' of a valid number is not key %llu",
                   text.c_str(), static_cast<unsigned long long>(exact));
  }
}

void CheckChange(const loader::Record& record) {
  if (!record.is_key()) return;
  const std::string text(record.text.substr(0, 200));
  const std::vector<std::string_view> fields = Split(record.text, ',');
  DNC_FUZZ_CHECK(fields.size() == 4, "change line '%s' has %zu fields",
                 text.c_str(), fields.size());
  const std::string number =
      Squeeze(std::string(fields[0]) + "," + std::string(fields[1]));
  DNC_FUZZ_CHECK(ExactFlatKey(number) == record.key,
                 "change line '%s' gave key %llu", text.c_str(),
                 static_cast<unsigned long long>(record.key));
  const std::string flag = Squeeze(fields[3]);
  const bool add = flag == "A" || flag == "a";
  const bool del = flag == "D" || flag == "d";
  DNC_FUZZ_CHECK(add || del, "change line '%s': flag '%s' accepted",
                 text.c_str(), flag.c_str());
  DNC_FUZZ_CHECK(record.op == (add ? RecordOp::kAdd : RecordOp::kDelete),
                 "change line '%s': op does not match flag", text.c_str());
  const std::optional<DayNumber> date =
      loader::ParseDateWithFormat(Trim(fields[2]), "%Y-%m-%d %H:%M:%S");
  DNC_FUZZ_CHECK(date.has_value() && *date == record.date,
                 "change line '%s': date %d does not match its field",
                 text.c_str(), static_cast<int>(record.date));
}

void CheckLines(const loader::Record& record) {
  const std::string text(record.text.substr(0, 200));
  const ParsedNumber parsed = ParsePhoneNumber(record.text);
  if (record.is_key()) {
    DNC_FUZZ_CHECK(parsed.valid() && parsed.e164 == record.key,
                   "lines '%s' gave key %llu, ParsePhoneNumber says %llu",
                   text.c_str(), static_cast<unsigned long long>(record.key),
                   static_cast<unsigned long long>(parsed.e164));
  } else if (record.kind == LineKind::kReject &&
             record.detail != loader::kLineTooLongDetail) {
    DNC_FUZZ_CHECK(!parsed.valid(),
                   "lines '%s' is rejected (%s) but parses VALID as %llu",
                   text.c_str(), record.detail,
                   static_cast<unsigned long long>(parsed.e164));
  }
}

void CheckRecord(Format format, const RecordParser& parser,
                 const loader::Record& record) {
  DNC_FUZZ_CHECK(!record.location.empty() && record.line >= 1,
                 "record without a location or line (%llu)",
                 static_cast<unsigned long long>(record.line));
  const std::string text(record.text.substr(0, 200));
  switch (record.kind) {
    case LineKind::kKey: {
      const ParsedNumber classified = ClassifyE164(record.key);
      DNC_FUZZ_CHECK(classified.valid(),
                     "%s: '%s' gave key %llu, which ClassifyE164 calls not "
                     "valid (%s)",
                     parser.layout().name.c_str(), text.c_str(),
                     static_cast<unsigned long long>(record.key),
                     classified.problem ? classified.problem : "");
      DNC_FUZZ_CHECK(DigitCount(record.key) <= 15, "key over 15 digits");
      if (const auto code = parser.fixed_country_code()) {
        DNC_FUZZ_CHECK(HasCountryCode(record.key, *code),
                       "%s: key %llu is not of country %u",
                       parser.layout().name.c_str(),
                       static_cast<unsigned long long>(record.key), *code);
      }
      if (!parser.has_change_flag()) {
        DNC_FUZZ_CHECK(record.op == RecordOp::kAdd, "delete in a full list");
      }
      if (!parser.has_date()) {
        DNC_FUZZ_CHECK(record.date == 0, "date in a layout without one");
      }
      break;
    }
    case LineKind::kBlank:
      if (format != kCrtcXml) {
        DNC_FUZZ_CHECK(IsBlankText(record.text), "blank record '%s'",
                       text.c_str());
      }
      break;
    case LineKind::kReject: {
      DNC_FUZZ_CHECK(record.detail != nullptr && record.detail[0] != '\0',
                     "reject of '%s' without a reason", text.c_str());
      const std::string reason =
          loader::RejectReason(record.reject_class, record.detail);
      DNC_FUZZ_CHECK(absl::StartsWith(reason, "malformed: ") ||
                         absl::StartsWith(reason, "invalid: "),
                     "reject reason '%s'", reason.c_str());
      if (format != kCrtcXml && format != kCsv) {
        DNC_FUZZ_CHECK(!IsBlankText(record.text) ||
                           record.detail == loader::kLineTooLongDetail,
                       "blank line '%s' rejected: %s", text.c_str(),
                       record.detail);
      }
      break;
    }
    default:
      DNC_FUZZ_CHECK(false, "record kind %d", static_cast<int>(record.kind));
  }
  if (record.detail == loader::kLineTooLongDetail) return;
  switch (format) {
    case kFtcFlat:
    case kCrtcFlat:
      CheckFlat(record);
      break;
    case kFtcChange:
      CheckChange(record);
      break;
    case kLines:
      CheckLines(record);
      break;
    default:
      break;
  }
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnc::fuzz;  // NOLINT(build/namespaces): a harness.
  if (size == 0) return 0;
  const Format format = static_cast<Format>(data[0] % kFormatCount);
  const bool long_first_line = (data[0] & 0x80) != 0;
  const dnc::loader::RecordParser& parser = AllParsers().parsers[format];
  std::string contents;
  if (long_first_line) {
    contents.assign(dnc::loader::kMaxLineBytes + 7, '5');
    contents.push_back('\n');
  }
  contents.append(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string path = ProcessScratchDir().Path("input.txt");
  WriteFileOrDie(path, contents);

  absl::StatusOr<std::unique_ptr<dnc::loader::RecordReader>> reader =
      dnc::loader::RecordReader::Open(path, &parser);
  if (!reader.ok()) {
    DNC_FUZZ_CHECK(reader.status().code() == absl::StatusCode::kDataLoss,
                   "Open: %s", reader.status().ToString().c_str());
    return 0;
  }
  const bool line_layout = format != kCsv && format != kCrtcXml;
  // DNC_FUZZ_VERBOSE=1 prints every record (to read a crash).
  static const bool verbose = std::getenv("DNC_FUZZ_VERBOSE") != nullptr;
  std::string last_location;
  uint64_t last_line = 0;
  uint64_t records = 0;
  dnc::loader::Record record;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&record);
    if (!more.ok()) {
      const absl::Status& status = more.status();
      const bool csv_header =
          format == kCsv &&
          status.code() == absl::StatusCode::kInvalidArgument &&
          absl::StrContains(status.message(), "input.txt");
      DNC_FUZZ_CHECK(status.code() == absl::StatusCode::kDataLoss || csv_header,
                     "Next: %s", status.ToString().c_str());
      break;
    }
    if (!*more) break;
    ++records;
    if (verbose) {
      std::fprintf(stderr, "%s:%llu kind %d key %llu detail %s text '%s'\n",
                   std::string(record.location).c_str(),
                   static_cast<unsigned long long>(record.line),
                   static_cast<int>(record.kind),
                   static_cast<unsigned long long>(record.key),
                   record.detail ? record.detail : "-",
                   std::string(record.text.substr(0, 120)).c_str());
    }
    CheckRecord(format, parser, record);
    DNC_FUZZ_CHECK(HasPrefix(record.location, path),
                   "location '%s' does not name the file",
                   std::string(record.location).c_str());
    if (record.location == last_location) {
      if (line_layout) {
        DNC_FUZZ_CHECK(record.line == last_line + 1,
                       "line %llu after line %llu",
                       static_cast<unsigned long long>(record.line),
                       static_cast<unsigned long long>(last_line));
      } else {
        DNC_FUZZ_CHECK(record.line >= last_line, "line %llu after line %llu",
                       static_cast<unsigned long long>(record.line),
                       static_cast<unsigned long long>(last_line));
      }
    } else if (line_layout) {
      DNC_FUZZ_CHECK(record.line == 1, "first line of %s is %llu",
                     std::string(record.location).c_str(),
                     static_cast<unsigned long long>(record.line));
    }
    last_location = std::string(record.location);
    last_line = record.line;
    if (long_first_line && records == 1 && line_layout) {
      DNC_FUZZ_CHECK(record.kind == dnc::loader::LineKind::kReject &&
                         record.detail == dnc::loader::kLineTooLongDetail,
                     "a line of %zu bytes is not rejected as too long",
                     dnc::loader::kMaxLineBytes + 7);
    }
  }
  return 0;
}
