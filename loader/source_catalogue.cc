#include "loader/source_catalogue.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/enum_names.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "loader/record_text.h"
#include "storage/source_directory.h"

#ifndef DNC_DEFAULT_CATALOGUE
#define DNC_DEFAULT_CATALOGUE "config/sources.catalogue"
#endif

namespace dnc::loader {

// Defined in the generated builtin_catalogue.cc: the text of
// config/sources.catalogue at build time.
extern const char kBuiltInCatalogueText[];

namespace {

constexpr char kBuiltInOrigin[] = "<built-in>";

std::string Str(std::string_view text) { return std::string(text); }

bool ParseUint(std::string_view text, uint64_t max, uint64_t* out) {
  if (text.empty() || text.size() > 10) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

// "1, 44" -> {"1", "44"}; empty items are kept (and then rejected).
std::vector<std::string_view> SplitList(std::string_view text) {
  std::vector<std::string_view> items;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    items.push_back(Trim(text.substr(start, comma == std::string_view::npos
                                                ? std::string_view::npos
                                                : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalogue '", path, "' is a directory"));
  }
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int error = errno;
    if (error == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("catalogue file '", path, "' does not exist"));
    }
    return absl::ErrnoToStatus(error,
                               absl::StrCat("open catalogue '", path, "'"));
  }
  std::string text;
  char buffer[16384];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    text.append(buffer, n);
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    return absl::ErrnoToStatus(error,
                               absl::StrCat("read catalogue '", path, "'"));
  }
  return text;
}

}  // namespace

const char* SourceKindName(SourceKind kind) {
  static constexpr const char* kNames[] = {"national", "state", "litigator",
                                           "other"};
  return NameOf(kind, kNames, "other");
}

std::optional<SourceKind> ParseSourceKind(std::string_view name) {
  for (const SourceKind kind : {SourceKind::kNational, SourceKind::kState,
                                SourceKind::kLitigator, SourceKind::kOther}) {
    if (name == SourceKindName(kind)) return kind;
  }
  return std::nullopt;
}

bool IsValidJurisdictionCode(std::string_view code) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto upper_or_digit = [&](char c) {
    return upper(c) || (c >= '0' && c <= '9');
  };
  if (code.size() < 2 || !upper(code[0]) || !upper(code[1])) return false;
  if (code.size() == 2) return true;
  if (code[2] != '-' || code.size() < 4 || code.size() > 6) return false;
  for (char c : code.substr(3)) {
    if (!upper_or_digit(c)) return false;
  }
  return true;
}

namespace {

// Parses catalogue text section by section.
class CatalogueParser {
 public:
  explicit CatalogueParser(std::string origin) : origin_(std::move(origin)) {}

  template <typename... Parts>
  absl::Status Error(int line, const Parts&... parts) const {
    return absl::InvalidArgumentError(
        absl::StrCat(origin_, ":", line, ": ", parts...));
  }

  absl::Status Parse(std::string_view text) {
    int line_number = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = Trim(text.substr(pos, end - pos));
      pos = end + 1;
      ++line_number;
      if (line.empty() || line[0] == '#') continue;
      if (line[0] == '[') {
        DNC_RETURN_IF_ERROR(FinishSection());
        DNC_RETURN_IF_ERROR(StartSection(line_number, line));
        continue;
      }
      const size_t equals = line.find('=');
      if (equals == std::string_view::npos) {
        return Error(line_number,
                     "expected 'key = value' or a [section], "
                     "found '",
                     Str(line.substr(0, 64)), "'");
      }
      const std::string_view key = Trim(line.substr(0, equals));
      const std::string_view value = Trim(line.substr(equals + 1));
      if (section_ == Section::kNone) {
        return Error(line_number, "'", Str(key),
                     "' before any [source ID] or [format NAME] section");
      }
      for (const std::string& seen : keys_seen_) {
        if (seen == key) {
          return Error(line_number, "'", Str(key), "' given twice in [",
                       section_name_, "]");
        }
      }
      keys_seen_.emplace_back(key);
      if (section_ == Section::kSource) {
        DNC_RETURN_IF_ERROR(SourceKey(line_number, key, value));
      } else {
        DNC_RETURN_IF_ERROR(FormatKey(line_number, key, value));
      }
    }
    DNC_RETURN_IF_ERROR(FinishSection());
    return CheckFormats();
  }

  std::vector<CatalogueSource> TakeSources() { return std::move(sources_); }
  std::vector<std::pair<RecordLayout, int>> TakeFormats() {
    return std::move(formats_);
  }

 private:
  enum class Section { kNone, kSource, kFormat };

  absl::Status StartSection(int line, std::string_view header) {
    if (header.back() != ']') {
      return Error(line, "section header '", Str(header),
                   "' does not end with ']'");
    }
    const std::string_view inside = Trim(header.substr(1, header.size() - 2));
    const size_t space = inside.find_first_of(" \t");
    const std::string_view type = inside.substr(0, space);
    const std::string_view name =
        space == std::string_view::npos ? "" : Trim(inside.substr(space));
    section_line_ = line;
    keys_seen_.clear();
    section_name_ = Str(inside);
    if (type == "source") {
      if (!storage::IsValidSourceId(Str(name))) {
        return Error(line, "source id '", Str(name),
                     "' is not valid: use 1-64 characters of a-z, 0-9 and "
                     "'-', starting with a letter or digit");
      }
      for (const CatalogueSource& source : sources_) {
        if (source.id == name) {
          return Error(line, "source '", Str(name),
                       "' is already declared at line ", source.line);
        }
      }
      section_ = Section::kSource;
      source_ = CatalogueSource();
      source_.id = Str(name);
      source_.line = line;
      source_format_line_ = change_format_line_ = 0;
      return absl::OkStatus();
    }
    if (type == "format") {
      if (name.empty() || name.find_first_of(" \t") != std::string_view::npos ||
          name.substr(0, 4) == "csv:") {
        return Error(line, "format name '", Str(name),
                     "' must be one word, not csv:...");
      }
      if (LayoutForFormat(name).ok()) {
        return Error(
            line, "format '", Str(name),
            "' is a preset; declare a new name with base = ", Str(name));
      }
      for (const auto& [layout, format_line] : formats_) {
        if (layout.name == name) {
          return Error(line, "format '", Str(name),
                       "' is already declared at line ", format_line);
        }
      }
      section_ = Section::kFormat;
      layout_ = RecordLayout();
      layout_.name = Str(name);
      format_has_shape_ = false;
      format_has_base_ = false;
      return absl::OkStatus();
    }
    return Error(line, "unknown section '[", Str(inside),
                 "]'; expected [source ID] or [format NAME]");
  }

  absl::Status SourceKey(int line, std::string_view key,
                         std::string_view value) {
    CatalogueSource& s = source_;
    if (key == "description") {
      s.description = Str(value);
    } else if (key == "kind") {
      const std::optional<SourceKind> kind = ParseSourceKind(value);
      if (!kind.has_value()) {
        return Error(line, "kind '", Str(value),
                     "' is not one of national, state, litigator, other");
      }
      s.kind = *kind;
    } else if (key == "jurisdiction") {
      if (!IsValidJurisdictionCode(value)) {
        return Error(line, "jurisdiction '", Str(value),
                     "' is not a code such as US, US-TX, CA or GB");
      }
      s.jurisdiction = Str(value);
    } else if (key == "country_codes") {
      for (const std::string_view item : SplitList(value)) {
        uint64_t code = 0;
        if (!ParseUint(item, 999, &code) || code == 0) {
          return Error(line, "country code '", Str(item),
                       "' is not a calling code (1 to 999)");
        }
        s.country_codes.push_back(static_cast<uint32_t>(code));
      }
    } else if (key == "area_codes") {
      area_codes_line_ = line;
      for (const std::string_view item : SplitList(value)) {
        uint64_t code = 0;
        if (!ParseUint(item, 999999, &code) || item.size() > 6) {
          return Error(line, "area code '", Str(item),
                       "' is not 1 to 6 digits");
        }
        s.area_codes.push_back(static_cast<uint32_t>(code));
        area_code_digits_.push_back(item.size());
      }
    } else if (key == "max_age_days") {
      uint64_t days = 0;
      if (!ParseUint(value, 3660, &days) || days == 0) {
        return Error(line, "max_age_days '", Str(value),
                     "' is not a number of days (1 to 3660)");
      }
      s.max_age_days = static_cast<int32_t>(days);
    } else if (key == "format") {
      s.format = Str(value);
      source_format_line_ = line;
    } else if (key == "change_format") {
      s.change_format = Str(value);
      change_format_line_ = line;
    } else {
      return Error(line, "unknown key '", Str(key), "' in [source ", s.id,
                   "]; known: description, kind, jurisdiction, "
                   "country_codes, area_codes, max_age_days, format, "
                   "change_format");
    }
    return absl::OkStatus();
  }

  absl::Status FormatKey(int line, std::string_view key,
                         std::string_view value) {
    if (key == "base") {
      if (format_has_shape_ || keys_seen_.size() > 1) {
        return Error(line, "base must come first in [format ", layout_.name,
                     "]");
      }
      absl::StatusOr<RecordLayout> base = LayoutForFormat(value);
      if (!base.ok()) {
        // A base may also be a format declared earlier in this file.
        bool found = false;
        for (const auto& [layout, format_line] : formats_) {
          if (layout.name == value) {
            base = layout;
            found = true;
          }
        }
        if (!found) return Error(line, "base: ", base.status().message());
      }
      const std::string name = layout_.name;
      layout_ = *std::move(base);
      layout_.name = name;
      format_has_base_ = true;
      return absl::OkStatus();
    }
    if (key == "shape") format_has_shape_ = true;
    absl::Status status = ApplyLayoutSetting(key, value, &layout_);
    if (!status.ok()) return Error(line, status.message());
    return absl::OkStatus();
  }

  absl::Status FinishSection() {
    const Section section = section_;
    section_ = Section::kNone;
    if (section == Section::kSource) {
      CatalogueSource& s = source_;
      std::vector<std::string> missing;
      if (std::find(keys_seen_.begin(), keys_seen_.end(), "kind") ==
          keys_seen_.end()) {
        missing.push_back("kind");
      }
      if (s.jurisdiction.empty()) missing.push_back("jurisdiction");
      if (s.country_codes.empty()) missing.push_back("country_codes");
      if (s.max_age_days == 0) missing.push_back("max_age_days");
      if (s.format.empty()) missing.push_back("format");
      if (!missing.empty()) {
        return Error(section_line_, "[source ", s.id, "] lacks ",
                     absl::StrJoin(missing, ", "));
      }
      const bool nanp_only =
          s.country_codes.size() == 1 && s.country_codes[0] == 1;
      for (size_t i = 0; i < s.area_codes.size(); ++i) {
        const uint32_t code = s.area_codes[i];
        if (nanp_only && (area_code_digits_[i] != 3 || code < 200)) {
          return Error(area_codes_line_, "area code ", code,
                       " is not a NANP area code (3 digits, 2-9 first)");
        }
      }
      area_code_digits_.clear();
      format_checks_.push_back({s.format, source_format_line_});
      if (!s.change_format.empty()) {
        format_checks_.push_back({s.change_format, change_format_line_});
      }
      sources_.push_back(std::move(s));
    } else if (section == Section::kFormat) {
      if (!format_has_base_ && !format_has_shape_) {
        return Error(section_line_, "[format ", layout_.name,
                     "] needs base = PRESET or shape = ...");
      }
      absl::StatusOr<RecordParser> parser = RecordParser::Create(layout_);
      if (!parser.ok()) {
        return Error(section_line_, "[format ", layout_.name,
                     "]: ", parser.status().message());
      }
      formats_.emplace_back(std::move(layout_), section_line_);
    }
    return absl::OkStatus();
  }

  // Every source's format names a preset or a declared format (which may
  // come later in the file).
  absl::Status CheckFormats() const {
    for (const auto& [format, line] : format_checks_) {
      bool declared = false;
      for (const auto& [layout, format_line] : formats_) {
        declared |= layout.name == format;
      }
      if (declared) continue;
      absl::StatusOr<RecordLayout> preset = LayoutForFormat(format);
      if (!preset.ok()) {
        std::vector<std::string> names;
        for (const auto& [layout, format_line] : formats_) {
          names.push_back(layout.name);
        }
        return Error(line, "format '", format, "' is neither a preset (",
                     absl::StrJoin(KnownFormats(), ", "),
                     ") nor declared in this catalogue",
                     names.empty()
                         ? ""
                         : absl::StrCat(" (", absl::StrJoin(names, ", "), ")"));
      }
    }
    return absl::OkStatus();
  }

  const std::string origin_;
  Section section_ = Section::kNone;
  std::string section_name_;
  int section_line_ = 0;
  std::vector<std::string> keys_seen_;
  CatalogueSource source_;
  int source_format_line_ = 0;
  int change_format_line_ = 0;
  int area_codes_line_ = 0;
  std::vector<size_t> area_code_digits_;
  RecordLayout layout_;
  bool format_has_shape_ = false;
  bool format_has_base_ = false;
  std::vector<CatalogueSource> sources_;
  std::vector<std::pair<RecordLayout, int>> formats_;
  std::vector<std::pair<std::string, int>> format_checks_;
};

}  // namespace

absl::StatusOr<SourceCatalogue> SourceCatalogue::Parse(std::string_view text,
                                                       std::string origin) {
  CatalogueParser parser(origin);
  DNC_RETURN_IF_ERROR(parser.Parse(text));
  SourceCatalogue catalogue;
  catalogue.origin_ = std::move(origin);
  catalogue.sources_ = parser.TakeSources();
  for (auto& [layout, line] : parser.TakeFormats()) {
    catalogue.formats_.push_back({std::move(layout), line});
  }
  return catalogue;
}

absl::StatusOr<SourceCatalogue> SourceCatalogue::Read(const std::string& path) {
  DNC_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(path));
  return Parse(text, path);
}

const SourceCatalogue& SourceCatalogue::BuiltIn() {
  static const SourceCatalogue* const kBuiltIn = [] {
    absl::StatusOr<SourceCatalogue> catalogue =
        Parse(kBuiltInCatalogueText, kBuiltInOrigin);
    // The text is config/sources.catalogue, which a test reads; a bad copy
    // is a build defect.
    DNC_CHECK(catalogue.ok()) << catalogue.status();
    return new SourceCatalogue(*std::move(catalogue));
  }();
  return *kBuiltIn;
}

const CatalogueSource* SourceCatalogue::FindSource(std::string_view id) const {
  for (const CatalogueSource& source : sources_) {
    if (source.id == id) return &source;
  }
  return nullptr;
}

absl::StatusOr<RecordLayout> SourceCatalogue::Layout(
    std::string_view format) const {
  for (const DeclaredFormat& declared : formats_) {
    if (declared.layout.name == format) return declared.layout;
  }
  absl::StatusOr<RecordLayout> preset = LayoutForFormat(format);
  if (preset.ok() || formats_.empty()) return preset;
  return absl::InvalidArgumentError(
      absl::StrCat(preset.status().message(), "; declared in ", origin_, ": ",
                   absl::StrJoin(declared_formats(), ", ")));
}

std::vector<std::string> SourceCatalogue::declared_formats() const {
  std::vector<std::string> names;
  for (const DeclaredFormat& declared : formats_) {
    names.push_back(declared.layout.name);
  }
  return names;
}

std::string DefaultCataloguePath() { return DNC_DEFAULT_CATALOGUE; }

absl::StatusOr<SourceCatalogue> LoadCatalogue(const std::string& path) {
  if (!path.empty()) return SourceCatalogue::Read(path);
  const std::string default_path = DefaultCataloguePath();
  struct stat info;
  if (stat(default_path.c_str(), &info) == 0) {
    return SourceCatalogue::Read(default_path);
  }
  return SourceCatalogue::BuiltIn();
}

}  // namespace dnc::loader
