#include "policy/emergencies.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/nanp_regions.h"

namespace dnc::policy {
namespace {

constexpr const char* kColumns[] = {
    "id",    "jurisdiction", "area_codes", "zip_prefixes",
    "start", "end",          "source"};
constexpr size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);
enum Column {
  kId,
  kJurisdiction,
  kAreaCodes,
  kZipPrefixes,
  kStart,
  kEnd,
  kSource
};
constexpr size_t kMaxLineBytes = 4096;
constexpr size_t kMaxIdBytes = 64;
constexpr size_t kMaxSourceBytes = 1000;
constexpr size_t kMaxShownValue = 80;

absl::string_view View(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// The value as shown in a message: control bytes replaced, cut at
// kMaxShownValue bytes.
std::string Shown(std::string_view value) {
  std::string out;
  for (const char c : value.substr(0, kMaxShownValue)) {
    const unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  if (value.size() > kMaxShownValue) out.append("...");
  return out;
}

// Splits one CSV line into fields (RFC 4180 quoting, within one line).
// False with `*problem` set if a quote is not closed or text follows one.
bool SplitCsv(std::string_view line, std::vector<std::string>* fields,
              std::string* problem) {
  fields->clear();
  std::string field;
  size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (!closed) {
        *problem = "a quoted field is not closed";
        return false;
      }
      if (i < line.size() && line[i] != ',') {
        *problem = "text after a closing quote";
        return false;
      }
    } else {
      while (i < line.size() && line[i] != ',') field.push_back(line[i++]);
    }
    fields->push_back(std::string(absl::StripAsciiWhitespace(field)));
    if (i >= line.size()) return true;
    ++i;  // The ','.
  }
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view part :
       absl::StrSplit(View(text), absl::ByAnyChar(" ;\t"), absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

bool ValidJurisdiction(std::string_view j) {
  auto letter = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  };
  if (j.size() < 2 || !letter(j[0]) || !letter(j[1])) return false;
  if (j.size() == 2) return true;
  if (j[2] != '-' || j.size() < 4 || j.size() > 6) return false;
  for (size_t i = 3; i < j.size(); ++i) {
    if (!letter(j[i]) && !(j[i] >= '0' && j[i] <= '9')) return false;
  }
  return true;
}

bool ParseBound(std::string_view text, EmergencyBound* bound) {
  if (text.size() == 10) {
    auto day = ParseIsoDate(text);
    if (!day.ok()) return false;
    bound->set = true;
    bound->is_date = true;
    bound->day = *day;
    return true;
  }
  std::string error;
  absl::Time time;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) {
    return false;
  }
  bound->set = true;
  bound->is_date = false;
  bound->time = time;
  return true;
}

DayNumber UtcDay(absl::Time now) {
  const absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone());
  return DaysFromCivil(day.year(), day.month(), day.day());
}

// Collects row errors: at most kMaxEmergencyErrors messages, every one
// counted.
class Errors {
 public:
  Errors(std::string_view file, EmergencyTable* table)
      : file_(file), table_(table) {}
  void Row(int line, std::string_view field, std::string_view value,
           std::string_view problem) {
    ++table_->rejected;
    if (table_->errors.size() >= kMaxEmergencyErrors) return;
    table_->errors.push_back(
        absl::StrCat(file_, ":", line, ": field ", View(field), " value '",
                     Shown(value), "': ", View(problem), " (row rejected)"));
  }

 private:
  std::string file_;
  EmergencyTable* table_;
};

}  // namespace

bool Emergency::InForce(absl::Time now, DayNumber local_day) const {
  if (!start.set) return false;
  const bool started =
      start.is_date ? local_day >= start.day : now >= start.time;
  if (!started) return false;
  if (!end.set) return true;
  return end.is_date ? local_day <= end.day : now < end.time;
}

bool Emergency::MayBeInForce(absl::Time now) const {
  const DayNumber utc = UtcDay(now);
  for (DayNumber day = utc - 1; day <= utc + 1; ++day) {
    if (InForce(now, day)) return true;
  }
  return false;
}

std::string Emergency::Describe() const {
  std::string text =
      absl::StrCat("emergency ", id, " declared for ", jurisdiction, " ",
                   start_text, "..", end_text.empty() ? "(no end)" : end_text);
  if (!area_codes.empty()) {
    absl::StrAppend(&text, " in area codes ", absl::StrJoin(area_codes, " "));
  } else if (!zip_prefixes.empty()) {
    absl::StrAppend(&text, " for ZIP prefixes ",
                    absl::StrJoin(zip_prefixes, " "),
                    ": numbers carry no postal code, so every area code of ",
                    jurisdiction, " is closed");
  }
  absl::StrAppend(&text, " (", source, ")");
  return text;
}

absl::StatusOr<EmergencyTable> ParseEmergencies(std::string_view file,
                                                std::string_view text) {
  EmergencyTable table;
  table.file = std::string(file);
  Errors errors(file, &table);
  absl::flat_hash_set<std::string> ids;
  std::vector<std::string> fields;
  std::string problem;
  bool header = false;
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const absl::string_view trimmed = absl::StripAsciiWhitespace(View(line));
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (line.size() > kMaxLineBytes) {
      errors.Row(line_number, "(line)", line,
                 absl::StrCat("longer than ", kMaxLineBytes, " bytes"));
      continue;
    }
    if (!SplitCsv(line, &fields, &problem)) {
      if (!header) {
        return absl::InvalidArgumentError(
            absl::StrCat(View(file), ":", line_number, ": header: ", problem));
      }
      errors.Row(line_number, "(line)", line, problem);
      continue;
    }
    if (!header) {
      bool ok = fields.size() == kColumnCount;
      for (size_t i = 0; ok && i < kColumnCount; ++i) {
        ok = absl::AsciiStrToLower(fields[i]) == kColumns[i];
      }
      if (!ok) {
        return absl::InvalidArgumentError(absl::StrCat(
            View(file), ":", line_number, ": header '", Shown(line),
            "' is not '", absl::StrJoin(kColumns, ","), "'"));
      }
      header = true;
      continue;
    }
    if (fields.size() != kColumnCount) {
      errors.Row(line_number, "(line)", line,
                 absl::StrCat(fields.size(), " fields, want ", kColumnCount));
      continue;
    }
    if (table.rows.size() >= kMaxEmergencyRows) {
      errors.Row(line_number, "id", fields[kId],
                 absl::StrCat("more than ", kMaxEmergencyRows, " rows"));
      continue;
    }
    Emergency row;
    row.line = line_number;
    // id
    const std::string& id = fields[kId];
    const bool id_ok =
        !id.empty() && id.size() <= kMaxIdBytes &&
        std::all_of(id.begin(), id.end(), [](char c) {
          return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                 c == '-' || c == '_' || c == '.';
        });
    if (!id_ok) {
      errors.Row(line_number, "id", id,
                 "want 1-64 letters, digits, '-', '_' or '.'");
      continue;
    }
    if (ids.contains(id)) {
      errors.Row(line_number, "id", id, "repeats an earlier row's id");
      continue;
    }
    row.id = id;
    // jurisdiction
    const std::string& jurisdiction = fields[kJurisdiction];
    if (!ValidJurisdiction(jurisdiction)) {
      errors.Row(line_number, "jurisdiction", jurisdiction,
                 "want a country or country-subdivision code such as US-FL");
      continue;
    }
    row.jurisdiction = absl::AsciiStrToUpper(jurisdiction);
    std::vector<int> npas;
    for (int npa = 0; npa < 1000; ++npa) {
      if (NpaInJurisdiction(LookupNpa(npa), row.jurisdiction)) {
        npas.push_back(npa);
      }
    }
    if (npas.empty()) {
      errors.Row(line_number, "jurisdiction", jurisdiction,
                 "no NANP area code is in this jurisdiction");
      continue;
    }
    // area_codes
    bool bad = false;
    for (const std::string& code : SplitList(fields[kAreaCodes])) {
      if (code.size() != 3 || !AllDigits(code)) {
        errors.Row(line_number, "area_codes", code, "not a 3-digit area code");
        bad = true;
        break;
      }
      const int npa = std::stoi(code);
      if (!std::binary_search(npas.begin(), npas.end(), npa)) {
        errors.Row(line_number, "area_codes", code,
                   absl::StrCat("not an area code of ", row.jurisdiction));
        bad = true;
        break;
      }
      row.area_codes.push_back(npa);
    }
    if (bad) continue;
    std::sort(row.area_codes.begin(), row.area_codes.end());
    row.area_codes.erase(
        std::unique(row.area_codes.begin(), row.area_codes.end()),
        row.area_codes.end());
    // zip_prefixes
    for (const std::string& zip : SplitList(fields[kZipPrefixes])) {
      if (zip.size() > 5 || !AllDigits(zip)) {
        errors.Row(line_number, "zip_prefixes", zip,
                   "not a ZIP prefix of 1-5 digits");
        bad = true;
        break;
      }
      row.zip_prefixes.push_back(zip);
    }
    if (bad) continue;
    // start, end
    row.start_text = fields[kStart];
    if (!ParseBound(row.start_text, &row.start)) {
      errors.Row(line_number, "start", row.start_text,
                 "not an RFC 3339 time or a YYYY-MM-DD date");
      continue;
    }
    row.end_text = fields[kEnd];
    if (!row.end_text.empty() && !ParseBound(row.end_text, &row.end)) {
      errors.Row(line_number, "end", row.end_text,
                 "not an RFC 3339 time or a YYYY-MM-DD date (or empty)");
      continue;
    }
    if (row.end.set && row.start.is_date == row.end.is_date &&
        (row.start.is_date ? row.end.day < row.start.day
                           : row.end.time <= row.start.time)) {
      errors.Row(line_number, "end", row.end_text,
                 absl::StrCat("not after start ", row.start_text));
      continue;
    }
    // source
    row.source = fields[kSource];
    if (row.source.empty() || row.source.size() > kMaxSourceBytes) {
      errors.Row(line_number, "source", row.source,
                 absl::StrCat("want 1-", kMaxSourceBytes,
                              " bytes saying who declared it"));
      continue;
    }
    ids.insert(row.id);
    const uint16_t index = static_cast<uint16_t>(table.rows.size());
    for (int npa : row.area_codes.empty() ? npas : row.area_codes) {
      table.by_npa[static_cast<size_t>(npa)].push_back(index);
    }
    table.rows.push_back(std::move(row));
  }
  if (!header) {
    return absl::InvalidArgumentError(absl::StrCat(
        View(file), ": no header line '", absl::StrJoin(kColumns, ","), "'"));
  }
  return table;
}

absl::StatusOr<std::shared_ptr<const EmergencyTable>> LoadEmergencies(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    if (error == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("emergencies file ", path, ": no such file"));
    }
    return absl::InternalError(
        absl::StrCat("emergencies file ", path, ": ", std::strerror(error)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InternalError(
        absl::StrCat("emergencies file ", path, ": read failed"));
  }
  absl::StatusOr<EmergencyTable> table = ParseEmergencies(path, text.str());
  if (!table.ok()) return table.status();
  return std::make_shared<const EmergencyTable>(*std::move(table));
}

std::string DescribeEmergencies(const EmergencyTable& table, absl::Time now) {
  std::vector<std::string> in_force;
  for (const Emergency& row : table.rows) {
    if (row.MayBeInForce(now)) in_force.push_back(row.id);
  }
  std::string text =
      absl::StrCat("emergencies ", table.file, ": ", table.rows.size(),
                   table.rows.size() == 1 ? " declaration" : " declarations");
  absl::StrAppend(&text, " (", in_force.size(), " in force now",
                  in_force.empty() ? "" : ": ", absl::StrJoin(in_force, " "),
                  ")");
  if (table.rejected > 0) {
    absl::StrAppend(&text, ", ", table.rejected,
                    table.rejected == 1 ? " row rejected" : " rows rejected");
  }
  return text;
}

}  // namespace dnc::policy
