#include "storage/manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "storage/durable_file.h"

namespace dnc::storage {
namespace {

// Layout (one field per line, "key: value"; order is not significant when
// reading, repeated keys build lists, unknown keys are skipped so later
// versions can add fields):
//
//   dnc-manifest 1
//   source: us-ftc
//   jurisdiction: US
//   country_code: 1                      (repeated)
//   kind: national                       (optional)
//   area_code: 512                       (optional, repeated)
//   generation: g000012
//   generation_number: 12
//   as_of: 2026-11-01
//   max_age_days: 31
//   format: ftc-flat
//   created_at: 2026-11-22T10:00:00Z
//   lines_read: 123
//   numbers_loaded: 120
//   duplicates: 2
//   rejected: 1
//   filter_checksum: 0123456789abcdef    (16 hex digits)
//   filter_bytes: 4096
//   input: <bytes> <xxh3_128> <path>     (repeated; path last, may hold spaces)
//   keys_checksum: 0123456789abcdef      (16 hex digits; optional)
//   index_checksum: 0123456789abcdef     (16 hex digits; optional)
//   index_bytes: 4096                    (optional)
//   details_checksum: 0123456789abcdef   (16 hex digits; optional, with the
//   details_bytes: 4096                   two below: details.bin)
//   details_keys: 12
//   load_mode: full                      (optional; full or change)
//   previous_generation: g000011         (optional)
//   numbers_added: 5                     (optional, and the three below)
//   numbers_deleted: 3
//   adds_already_listed: 0
//   deletes_not_listed: 1
//   applied_change_list: <xxh3_128> <generation> <as_of> <path>  (repeated)
constexpr char kHeader[] = "dnc-manifest 1";
constexpr char kHeaderPrefix[] = "dnc-manifest ";

bool ParseUint64(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

bool ParseInt32(std::string_view text, int32_t* out) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  if (!ParseUint64(text, &magnitude) ||
      magnitude > (negative ? 2147483648ULL : 2147483647ULL)) {
    return false;
  }
  *out = negative ? static_cast<int32_t>(-static_cast<int64_t>(magnitude))
                  : static_cast<int32_t>(magnitude);
  return true;
}

bool ParseHex64(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 16) return false;
  uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    value = (value << 4) | static_cast<uint64_t>(digit);
  }
  *out = value;
  return true;
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool HasLineBreak(std::string_view value) {
  return value.find_first_of("\r\n") != std::string_view::npos;
}

// 32 hex digits (an XXH3-128 as the manifest writes it).
bool IsHex128(std::string_view text) {
  uint64_t ignored;
  return text.size() == 32 && ParseHex64(text.substr(0, 16), &ignored) &&
         ParseHex64(text.substr(16), &ignored);
}

// The fields held as an unsigned integer or as text, by name; the others
// (checked values, lists) are parsed one by one in Parser::ParseOther().
struct Uint64Field {
  const char* key;
  uint64_t Manifest::*member;
};
constexpr Uint64Field kUint64Fields[] = {
    {"generation_number", &Manifest::generation_number},
    {"lines_read", &Manifest::lines_read},
    {"numbers_loaded", &Manifest::numbers_loaded},
    {"duplicates", &Manifest::duplicates},
    {"rejected", &Manifest::rejected},
    {"filter_bytes", &Manifest::filter_bytes},
    {"index_bytes", &Manifest::index_bytes},
    {"details_bytes", &Manifest::details_bytes},
    {"details_keys", &Manifest::details_keys},
    {"numbers_added", &Manifest::numbers_added},
    {"numbers_deleted", &Manifest::numbers_deleted},
    {"adds_already_listed", &Manifest::adds_already_listed},
    {"deletes_not_listed", &Manifest::deletes_not_listed}};

struct TextField {
  const char* key;
  std::string Manifest::*member;
};
constexpr TextField kTextFields[] = {
    {"jurisdiction", &Manifest::jurisdiction},
    {"format", &Manifest::format},
    {"created_at", &Manifest::created_at},
    {"previous_generation", &Manifest::previous_generation}};

// Fields that may appear at most once: those above and these. (Lists:
// country_code, area_code, input, applied_change_list.)
constexpr const char* kOtherScalarFields[] = {
    "source",        "kind",           "generation",
    "as_of",         "max_age_days",   "filter_checksum",
    "keys_checksum", "index_checksum", "details_checksum",
    "load_mode"};

bool IsScalarField(std::string_view key) {
  for (const Uint64Field& field : kUint64Fields) {
    if (key == field.key) return true;
  }
  for (const TextField& field : kTextFields) {
    if (key == field.key) return true;
  }
  for (const char* field : kOtherScalarFields) {
    if (key == field) return true;
  }
  return false;
}

// Splits `value` at its first n - 1 spaces into `parts` (the last part is the
// rest, spaces included). False when it has fewer.
template <size_t n>
bool SplitAtSpaces(std::string_view value, std::string_view (&parts)[n]) {
  for (size_t i = 0; i + 1 < n; ++i) {
    const size_t space = value.find(' ');
    if (space == std::string_view::npos) return false;
    parts[i] = value.substr(0, space);
    value.remove_prefix(space + 1);
  }
  parts[n - 1] = value;
  return true;
}

// "<xxh3_128> <generation> <as_of> <path>". False when malformed.
bool ParseAppliedChangeList(std::string_view value, AppliedChangeList* out) {
  std::string_view parts[4];
  if (!SplitAtSpaces(value, parts) || !IsHex128(parts[0]) || parts[1].empty() ||
      parts[3].empty()) {
    return false;
  }
  absl::StatusOr<DayNumber> day = ParseIsoDate(parts[2]);
  if (!day.ok()) return false;
  out->xxh3_128 = std::string(parts[0]);
  out->generation = std::string(parts[1]);
  out->as_of = *day;
  out->path = std::string(parts[3]);
  return true;
}

// "<bytes> <xxh3_128> <path>". False when malformed.
bool ParseInput(std::string_view value, ManifestInput* out) {
  std::string_view parts[3];
  if (!SplitAtSpaces(value, parts) || !ParseUint64(parts[0], &out->bytes) ||
      !IsHex128(parts[1]) || parts[2].empty()) {
    return false;
  }
  out->xxh3_128 = std::string(parts[1]);
  out->path = std::string(parts[2]);
  return true;
}

// Reads a whole file. NotFound when it does not exist.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int error = errno;
    return absl::ErrnoToStatus(error,
                               absl::StrCat("read manifest ", path, ": open"));
  }
  std::string contents;
  char buffer[16384];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    contents.append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    return absl::ErrnoToStatus(error,
                               absl::StrCat("read manifest ", path, ": read"));
  }
  return contents;
}

class Parser {
 public:
  explicit Parser(const std::string& path) : path_(path) {}

  absl::Status Error(int line, std::string_view field,
                     std::string_view problem) const {
    if (field.empty()) {
      return absl::DataLossError(absl::StrCat(
          "manifest ", path_, " line ", line, ": ", std::string(problem)));
    }
    return absl::DataLossError(absl::StrCat("manifest ", path_, " line ", line,
                                            ", field '", std::string(field),
                                            "': ", std::string(problem)));
  }

  absl::StatusOr<Manifest> Parse(std::string_view text) {
    Manifest manifest;
    int line_number = 0;
    size_t pos = 0;
    bool saw_header = false;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!saw_header) {
        const std::string_view prefix(kHeaderPrefix);
        if (line.substr(0, prefix.size()) != prefix) {
          return Error(line_number, "",
                       absl::StrCat("expected '", kHeader,
                                    "' as the first line, found '",
                                    std::string(line.substr(0, 64)), "'"));
        }
        if (line != std::string_view(kHeader)) {
          return Error(line_number, "",
                       absl::StrCat("unsupported manifest version '",
                                    std::string(line.substr(prefix.size(), 32)),
                                    "' (this build reads version 1)"));
        }
        saw_header = true;
        continue;
      }
      if (line.empty()) continue;
      DNC_RETURN_IF_ERROR(ParseLine(line_number, line, &manifest));
    }
    if (!saw_header) {
      return Error(1, "", absl::StrCat("empty file; expected '", kHeader, "'"));
    }
    for (const char* required :
         {"source", "generation", "generation_number", "as_of",
          "numbers_loaded", "filter_checksum"}) {
      if (seen_.count(required) == 0) {
        return absl::DataLossError(
            absl::StrCat("manifest ", path_, ": required field '", required,
                         "' is missing (read ", line_number, " lines)"));
      }
    }
    return manifest;
  }

 private:
  absl::Status ParseLine(int line_number, std::string_view line, Manifest* m) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Error(line_number, "",
                   absl::StrCat("expected 'key: value', found '",
                                std::string(line.substr(0, 64)), "'"));
    }
    const std::string_view key = line.substr(0, colon);
    for (char c : key) {
      if (!IsKeyChar(c)) {
        return Error(line_number, "",
                     absl::StrCat("bad field name '",
                                  std::string(key.substr(0, 64)), "'"));
      }
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    if (IsScalarField(key) && !seen_.insert(std::string(key)).second) {
      return Error(line_number, key, "appears more than once");
    }
    const Field field{line_number, key, value};
    for (const Uint64Field& u64 : kUint64Fields) {
      if (key != u64.key) continue;
      if (!ParseUint64(value, &(m->*u64.member))) {
        return Bad(field, "an unsigned integer");
      }
      return absl::OkStatus();
    }
    for (const TextField& text : kTextFields) {
      if (key != text.key) continue;
      m->*text.member = std::string(value);
      return absl::OkStatus();
    }
    return ParseOther(field, m);
  }

  // One "key: value" line being parsed, for error messages.
  struct Field {
    int line_number;
    std::string_view key;
    std::string_view value;
  };

  absl::Status Bad(const Field& field, std::string_view expected) const {
    return Error(field.line_number, field.key,
                 absl::StrCat("expected ", std::string(expected), ", found '",
                              std::string(field.value.substr(0, 64)), "'"));
  }

  // The fields outside kUint64Fields and kTextFields. Unknown keys are
  // ignored (written by a newer loader).
  absl::Status ParseOther(const Field& field, Manifest* m) {
    const std::string_view key = field.key;
    const std::string_view value = field.value;
    uint64_t code = 0;
    if (key == "source") {
      if (value.empty()) return Bad(field, "a source id");
      m->source = std::string(value);
    } else if (key == "country_code") {
      if (!ParseUint64(value, &code) || code == 0 || code > 999) {
        return Bad(field, "a calling code of 1-3 digits");
      }
      m->country_codes.push_back(static_cast<uint32_t>(code));
    } else if (key == "kind") {
      if (value.empty() || value.find(' ') != std::string_view::npos) {
        return Bad(field, "one word such as national or state");
      }
      m->kind = std::string(value);
    } else if (key == "area_code") {
      if (value.size() > 6 || !ParseUint64(value, &code)) {
        return Bad(field, "an area code of 1-6 digits");
      }
      m->area_codes.push_back(static_cast<uint32_t>(code));
    } else if (key == "generation") {
      if (value.empty()) return Bad(field, "a generation name");
      m->generation = std::string(value);
    } else if (key == "as_of") {
      absl::StatusOr<DayNumber> day = ParseIsoDate(value);
      if (!day.ok()) return Bad(field, "a date YYYY-MM-DD");
      m->as_of = *day;
    } else if (key == "max_age_days") {
      if (!ParseInt32(value, &m->max_age_days)) return Bad(field, "an integer");
    } else if (key == "filter_checksum" || key == "keys_checksum" ||
               key == "index_checksum" || key == "details_checksum") {
      uint64_t* out = key == "filter_checksum"  ? &m->filter_checksum
                      : key == "keys_checksum"  ? &m->keys_checksum
                      : key == "index_checksum" ? &m->index_checksum
                                                : &m->details_checksum;
      if (!ParseHex64(value, out)) return Bad(field, "1-16 hex digits");
    } else if (key == "load_mode") {
      if (value != "full" && value != "change") {
        return Bad(field, "full or change");
      }
      m->load_mode = std::string(value);
    } else if (key == "applied_change_list") {
      AppliedChangeList applied;
      if (!ParseAppliedChangeList(value, &applied)) {
        return Bad(field, "'<32 hex digits> <generation> <YYYY-MM-DD> <path>'");
      }
      m->applied_change_lists.push_back(std::move(applied));
    } else if (key == "input") {
      ManifestInput input;
      if (!ParseInput(value, &input)) {
        return Bad(field, "'<bytes> <32 hex digits> <path>'");
      }
      m->inputs.push_back(std::move(input));
    }
    return absl::OkStatus();
  }

  const std::string& path_;
  std::set<std::string> seen_;
};

// Values are single lines; a line break would change the meaning of the
// file, so refuse rather than write something that reads back differently.
absl::Status CheckWritable(const Manifest& manifest, const std::string& path) {
  auto refuse = [&](const std::string& problem) {
    return absl::InvalidArgumentError(
        absl::StrCat("write manifest ", path, ": ", problem));
  };
  for (const std::string* value :
       {&manifest.source, &manifest.jurisdiction, &manifest.kind,
        &manifest.generation, &manifest.format, &manifest.created_at}) {
    if (HasLineBreak(*value)) {
      return refuse(
          absl::StrCat("a field contains a line break: '", *value, "'"));
    }
  }
  for (const ManifestInput& input : manifest.inputs) {
    if (HasLineBreak(input.path) || input.path.empty()) {
      return refuse(absl::StrCat("input path '", input.path,
                                 "' is empty or contains a line break"));
    }
    if (!IsHex128(input.xxh3_128)) {
      return refuse(absl::StrCat("input '", input.path, "' has xxh3_128 '",
                                 input.xxh3_128, "', expected 32 hex digits"));
    }
  }
  if (manifest.load_mode != "full" && manifest.load_mode != "change") {
    return refuse(absl::StrCat("load_mode '", manifest.load_mode,
                               "' is not full or change"));
  }
  for (const AppliedChangeList& applied : manifest.applied_change_lists) {
    const bool generation_ok =
        !applied.generation.empty() &&
        applied.generation.find_first_of(" \r\n") == std::string::npos;
    if (!IsHex128(applied.xxh3_128) || !generation_ok || applied.path.empty() ||
        HasLineBreak(applied.path)) {
      return refuse(absl::StrCat(
          "applied change list '", applied.path, "' (", applied.xxh3_128,
          ", generation '", applied.generation,
          "') needs 32 hex digits, a generation name and a one-line path"));
    }
  }
  if (HasLineBreak(manifest.previous_generation)) {
    return refuse("previous_generation has a line break");
  }
  return absl::OkStatus();
}

// The file's text, in the order of the layout above.
std::string FormatManifest(const Manifest& m) {
  std::string text = absl::StrCat(kHeader, "\n");
  auto put = [&text](std::string_view key, const absl::AlphaNum& value) {
    absl::StrAppend(&text, absl::string_view(key.data(), key.size()), ": ",
                    value, "\n");
  };
  auto put_hex = [&put](std::string_view key, uint64_t value) {
    put(key, absl::StrFormat("%016x", value));
  };
  // Fields of kUint64Fields, in the order given.
  auto put_uint64s = [&](std::initializer_list<std::string_view> keys) {
    for (const std::string_view key : keys) {
      for (const Uint64Field& field : kUint64Fields) {
        if (key == field.key) put(key, m.*field.member);
      }
    }
  };
  put("source", m.source);
  put("jurisdiction", m.jurisdiction);
  for (uint32_t code : m.country_codes) put("country_code", code);
  if (!m.kind.empty()) put("kind", m.kind);
  for (uint32_t code : m.area_codes) put("area_code", code);
  put("generation", m.generation);
  put("generation_number", m.generation_number);
  put("as_of", FormatIsoDate(m.as_of));
  put("max_age_days", m.max_age_days);
  put("format", m.format);
  put("created_at", m.created_at);
  put_uint64s({"lines_read", "numbers_loaded", "duplicates", "rejected"});
  put_hex("filter_checksum", m.filter_checksum);
  put("filter_bytes", m.filter_bytes);
  for (const ManifestInput& input : m.inputs) {
    put("input",
        absl::StrCat(input.bytes, " ", input.xxh3_128, " ", input.path));
  }
  put_hex("keys_checksum", m.keys_checksum);
  if (m.index_checksum != 0) {
    put_hex("index_checksum", m.index_checksum);
    put("index_bytes", m.index_bytes);
  }
  if (m.details_checksum != 0) {
    put_hex("details_checksum", m.details_checksum);
    put("details_bytes", m.details_bytes);
    put("details_keys", m.details_keys);
  }
  put("load_mode", m.load_mode);
  if (!m.previous_generation.empty()) {
    put("previous_generation", m.previous_generation);
  }
  if (m.load_mode == "change") {
    put_uint64s({"numbers_added", "numbers_deleted", "adds_already_listed",
                 "deletes_not_listed"});
  }
  for (const AppliedChangeList& applied : m.applied_change_lists) {
    put("applied_change_list",
        absl::StrCat(applied.xxh3_128, " ", applied.generation, " ",
                     FormatIsoDate(applied.as_of), " ", applied.path));
  }
  return text;
}

}  // namespace

absl::Status WriteManifest(const Manifest& manifest, const std::string& path) {
  DNC_RETURN_IF_ERROR(CheckWritable(manifest, path));
  const absl::Status written = WriteFileDurably(path, FormatManifest(manifest));
  if (!written.ok()) {
    return absl::Status(written.code(), absl::StrCat("write manifest ", path,
                                                     ": ", written.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Manifest> ReadManifest(const std::string& path) {
  DNC_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Parser parser(path);
  return parser.Parse(text);
}

}  // namespace dnc::storage
