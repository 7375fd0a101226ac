#include "storage/manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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
//   load_mode: full                      (optional; full or change)
//   previous_generation: g000011         (optional)
//   numbers_added: 5                     (optional, and the three below)
//   numbers_deleted: 3
//   adds_already_listed: 0
//   deletes_not_listed: 1
//   applied_change_list: <xxh3_128> <generation> <as_of> <path>  (repeated)
constexpr char kHeader[] = "dnc-manifest 1";
constexpr char kHeaderPrefix[] = "dnc-manifest ";

// Fields that may appear at most once. (Lists: country_code, area_code,
// input, applied_change_list.)
constexpr const char* kScalarFields[] = {"source",
                                         "jurisdiction",
                                         "generation",
                                         "generation_number",
                                         "as_of",
                                         "max_age_days",
                                         "format",
                                         "created_at",
                                         "lines_read",
                                         "numbers_loaded",
                                         "duplicates",
                                         "rejected",
                                         "filter_checksum",
                                         "filter_bytes",
                                         "keys_checksum",
                                         "load_mode",
                                         "previous_generation",
                                         "kind",
                                         "numbers_added",
                                         "numbers_deleted",
                                         "adds_already_listed",
                                         "deletes_not_listed"};

bool IsScalarField(std::string_view key) {
  for (const char* field : kScalarFields) {
    if (key == field) return true;
  }
  return false;
}

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
    auto bad = [&](std::string_view expected) {
      return Error(line_number, key,
                   absl::StrCat("expected ", std::string(expected), ", found '",
                                std::string(value.substr(0, 64)), "'"));
    };
    auto u64 = [&](uint64_t* out) -> absl::Status {
      if (!ParseUint64(value, out)) return bad("an unsigned integer");
      return absl::OkStatus();
    };
    if (key == "source") {
      if (value.empty()) return bad("a source id");
      m->source = std::string(value);
    } else if (key == "jurisdiction") {
      m->jurisdiction = std::string(value);
    } else if (key == "country_code") {
      uint64_t code = 0;
      if (!ParseUint64(value, &code) || code == 0 || code > 999) {
        return bad("a calling code of 1-3 digits");
      }
      m->country_codes.push_back(static_cast<uint32_t>(code));
    } else if (key == "kind") {
      if (value.empty() || value.find(' ') != std::string_view::npos) {
        return bad("one word such as national or state");
      }
      m->kind = std::string(value);
    } else if (key == "area_code") {
      uint64_t code = 0;
      if (value.size() > 6 || !ParseUint64(value, &code)) {
        return bad("an area code of 1-6 digits");
      }
      m->area_codes.push_back(static_cast<uint32_t>(code));
    } else if (key == "generation") {
      if (value.empty()) return bad("a generation name");
      m->generation = std::string(value);
    } else if (key == "generation_number") {
      return u64(&m->generation_number);
    } else if (key == "as_of") {
      absl::StatusOr<DayNumber> day = ParseIsoDate(value);
      if (!day.ok()) return bad("a date YYYY-MM-DD");
      m->as_of = *day;
    } else if (key == "max_age_days") {
      if (!ParseInt32(value, &m->max_age_days)) return bad("an integer");
    } else if (key == "format") {
      m->format = std::string(value);
    } else if (key == "created_at") {
      m->created_at = std::string(value);
    } else if (key == "lines_read") {
      return u64(&m->lines_read);
    } else if (key == "numbers_loaded") {
      return u64(&m->numbers_loaded);
    } else if (key == "duplicates") {
      return u64(&m->duplicates);
    } else if (key == "rejected") {
      return u64(&m->rejected);
    } else if (key == "filter_checksum") {
      if (!ParseHex64(value, &m->filter_checksum)) {
        return bad("1-16 hex digits");
      }
    } else if (key == "filter_bytes") {
      return u64(&m->filter_bytes);
    } else if (key == "keys_checksum") {
      if (!ParseHex64(value, &m->keys_checksum)) {
        return bad("1-16 hex digits");
      }
    } else if (key == "load_mode") {
      if (value != "full" && value != "change") return bad("full or change");
      m->load_mode = std::string(value);
    } else if (key == "previous_generation") {
      m->previous_generation = std::string(value);
    } else if (key == "numbers_added") {
      return u64(&m->numbers_added);
    } else if (key == "numbers_deleted") {
      return u64(&m->numbers_deleted);
    } else if (key == "adds_already_listed") {
      return u64(&m->adds_already_listed);
    } else if (key == "deletes_not_listed") {
      return u64(&m->deletes_not_listed);
    } else if (key == "applied_change_list") {
      // "<xxh3_128> <generation> <as_of> <path>"
      const size_t first = value.find(' ');
      const size_t second = first == std::string_view::npos
                                ? std::string_view::npos
                                : value.find(' ', first + 1);
      const size_t third = second == std::string_view::npos
                               ? std::string_view::npos
                               : value.find(' ', second + 1);
      AppliedChangeList applied;
      absl::StatusOr<DayNumber> day =
          third == std::string_view::npos
              ? absl::StatusOr<DayNumber>(absl::InvalidArgumentError(""))
              : ParseIsoDate(value.substr(second + 1, third - second - 1));
      if (third == std::string_view::npos || first != 32 ||
          !ParseHex64(value.substr(0, 16), &unused_) ||
          !ParseHex64(value.substr(16, 16), &unused_) || second == first + 1 ||
          !day.ok() || third + 1 >= value.size()) {
        return bad("'<32 hex digits> <generation> <YYYY-MM-DD> <path>'");
      }
      applied.xxh3_128 = std::string(value.substr(0, 32));
      applied.generation =
          std::string(value.substr(first + 1, second - first - 1));
      applied.as_of = *day;
      applied.path = std::string(value.substr(third + 1));
      m->applied_change_lists.push_back(std::move(applied));
    } else if (key == "input") {
      // "<bytes> <xxh3_128> <path>"
      const size_t first = value.find(' ');
      const size_t second = first == std::string_view::npos
                                ? std::string_view::npos
                                : value.find(' ', first + 1);
      ManifestInput input;
      if (second == std::string_view::npos ||
          !ParseUint64(value.substr(0, first), &input.bytes) ||
          second - first - 1 != 32 ||
          !ParseHex64(value.substr(first + 1, 16), &unused_) ||
          !ParseHex64(value.substr(first + 17, 16), &unused_) ||
          second + 1 >= value.size()) {
        return bad("'<bytes> <32 hex digits> <path>'");
      }
      input.xxh3_128 = std::string(value.substr(first + 1, 32));
      input.path = std::string(value.substr(second + 1));
      m->inputs.push_back(std::move(input));
    }
    // Unknown keys: ignored (written by a newer loader).
    return absl::OkStatus();
  }

  const std::string& path_;
  std::set<std::string> seen_;
  uint64_t unused_ = 0;
};

}  // namespace

absl::Status WriteManifest(const Manifest& manifest, const std::string& path) {
  // Values are single lines; a line break would change the meaning of the
  // file, so refuse rather than write something that reads back differently.
  for (const std::string* value :
       {&manifest.source, &manifest.jurisdiction, &manifest.kind,
        &manifest.generation, &manifest.format, &manifest.created_at}) {
    if (HasLineBreak(*value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("write manifest ", path,
                       ": a field contains a line break: '", *value, "'"));
    }
  }
  for (const ManifestInput& input : manifest.inputs) {
    if (HasLineBreak(input.path) || input.path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("write manifest ", path, ": input path '", input.path,
                       "' is empty or contains a line break"));
    }
    uint64_t ignored;
    if (input.xxh3_128.size() != 32 ||
        !ParseHex64(std::string_view(input.xxh3_128).substr(0, 16), &ignored) ||
        !ParseHex64(std::string_view(input.xxh3_128).substr(16), &ignored)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "write manifest ", path, ": input '", input.path, "' has xxh3_128 '",
          input.xxh3_128, "', expected 32 hex digits"));
    }
  }

  if (manifest.load_mode != "full" && manifest.load_mode != "change") {
    return absl::InvalidArgumentError(
        absl::StrCat("write manifest ", path, ": load_mode '",
                     manifest.load_mode, "' is not full or change"));
  }
  for (const AppliedChangeList& applied : manifest.applied_change_lists) {
    uint64_t ignored;
    const bool hex_ok =
        applied.xxh3_128.size() == 32 &&
        ParseHex64(std::string_view(applied.xxh3_128).substr(0, 16),
                   &ignored) &&
        ParseHex64(std::string_view(applied.xxh3_128).substr(16), &ignored);
    const bool generation_ok =
        !applied.generation.empty() &&
        applied.generation.find_first_of(" \r\n") == std::string::npos;
    if (!hex_ok || !generation_ok || applied.path.empty() ||
        HasLineBreak(applied.path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "write manifest ", path, ": applied change list '", applied.path,
          "' (", applied.xxh3_128, ", generation '", applied.generation,
          "') needs 32 hex digits, a generation name and a one-line path"));
    }
  }
  if (HasLineBreak(manifest.previous_generation)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "write manifest ", path, ": previous_generation has a line break"));
  }

  std::string text = absl::StrCat(kHeader, "\n");
  absl::StrAppend(&text, "source: ", manifest.source, "\n");
  absl::StrAppend(&text, "jurisdiction: ", manifest.jurisdiction, "\n");
  for (uint32_t code : manifest.country_codes) {
    absl::StrAppend(&text, "country_code: ", code, "\n");
  }
  if (!manifest.kind.empty()) {
    absl::StrAppend(&text, "kind: ", manifest.kind, "\n");
  }
  for (uint32_t code : manifest.area_codes) {
    absl::StrAppend(&text, "area_code: ", code, "\n");
  }
  absl::StrAppend(&text, "generation: ", manifest.generation, "\n");
  absl::StrAppend(&text, "generation_number: ", manifest.generation_number,
                  "\n");
  absl::StrAppend(&text, "as_of: ", FormatIsoDate(manifest.as_of), "\n");
  absl::StrAppend(&text, "max_age_days: ", manifest.max_age_days, "\n");
  absl::StrAppend(&text, "format: ", manifest.format, "\n");
  absl::StrAppend(&text, "created_at: ", manifest.created_at, "\n");
  absl::StrAppend(&text, "lines_read: ", manifest.lines_read, "\n");
  absl::StrAppend(&text, "numbers_loaded: ", manifest.numbers_loaded, "\n");
  absl::StrAppend(&text, "duplicates: ", manifest.duplicates, "\n");
  absl::StrAppend(&text, "rejected: ", manifest.rejected, "\n");
  absl::StrAppend(&text, "filter_checksum: ",
                  absl::StrFormat("%016x", manifest.filter_checksum), "\n");
  absl::StrAppend(&text, "filter_bytes: ", manifest.filter_bytes, "\n");
  for (const ManifestInput& input : manifest.inputs) {
    absl::StrAppend(&text, "input: ", input.bytes, " ", input.xxh3_128, " ",
                    input.path, "\n");
  }
  absl::StrAppend(&text, "keys_checksum: ",
                  absl::StrFormat("%016x", manifest.keys_checksum), "\n");
  absl::StrAppend(&text, "load_mode: ", manifest.load_mode, "\n");
  if (!manifest.previous_generation.empty()) {
    absl::StrAppend(
        &text, "previous_generation: ", manifest.previous_generation, "\n");
  }
  if (manifest.load_mode == "change") {
    absl::StrAppend(&text, "numbers_added: ", manifest.numbers_added, "\n");
    absl::StrAppend(&text, "numbers_deleted: ", manifest.numbers_deleted, "\n");
    absl::StrAppend(
        &text, "adds_already_listed: ", manifest.adds_already_listed, "\n");
    absl::StrAppend(&text, "deletes_not_listed: ", manifest.deletes_not_listed,
                    "\n");
  }
  for (const AppliedChangeList& applied : manifest.applied_change_lists) {
    absl::StrAppend(&text, "applied_change_list: ", applied.xxh3_128, " ",
                    applied.generation, " ", FormatIsoDate(applied.as_of), " ",
                    applied.path, "\n");
  }

  const absl::Status written = WriteFileDurably(path, text);
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
