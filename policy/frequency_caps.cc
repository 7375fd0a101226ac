#include "policy/frequency_caps.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "common/nanp_regions.h"

namespace dnc::policy {
namespace {

constexpr int64_t kDay = 24 * 60 * 60;

// Summaries of the laws (vendor and law-firm notes gathered 2026-12), not
// statute text: check each row against the statute before relying on it.
// docs/rules.md describes the table.
constexpr FrequencyCapRow kRows[] = {
    // Florida Telephone Solicitation Act as amended by SB 1120 (2021): no
    // more than 3 commercial telephone sales calls to a person on the same
    // subject matter or issue in 24 hours, from any number.
    {"US-FL", "2021-07-01", "", 3, kDay,
     "Fla. Stat. 501.616(6)(b) (FTSA, SB 1120 of 2021)"},
    // Oklahoma Telephone Solicitation Act of 2022 (HB 3168): the same cap.
    {"US-OK", "2022-11-01", "", 3, kDay,
     "15 O.S. 775C.4 (Oklahoma Telephone Solicitation Act of 2022)"},
    // Maryland Stop the Spam Calls Act of 2023 (SB 90): the same cap, in
    // force from 2024-01-01.
    {"US-MD", "2024-01-01", "", 3, kDay,
     "Md. Code, Com. Law 14-4503 (Stop the Spam Calls Act of 2023)"},
};
constexpr size_t kRowCount = sizeof(kRows) / sizeof(kRows[0]);

// A row with its dates parsed once. A date that does not parse makes the
// row apply always (fail closed: a typo never switches a cap off).
struct ParsedRow {
  DayNumber from = 0;
  DayNumber until = 0;  // 0 = in force.
};

DayNumber ParseOr(const char* text, DayNumber fallback) {
  if (text == nullptr || text[0] == '\0') return fallback;
  auto day = ParseIsoDate(text);
  return day.ok() ? *day : fallback;
}

const std::array<ParsedRow, kRowCount>& ParsedRows() {
  static const std::array<ParsedRow, kRowCount> rows = [] {
    std::array<ParsedRow, kRowCount> out{};
    for (size_t i = 0; i < kRowCount; ++i) {
      out[i].from = ParseOr(kRows[i].effective_from, INT32_MIN);
      out[i].until = ParseOr(kRows[i].effective_until, 0);
    }
    return out;
  }();
  return rows;
}

// Per area code, the rows of the jurisdictions it serves (at most a few).
const std::vector<std::vector<uint8_t>>& RowsByNpa() {
  static const std::vector<std::vector<uint8_t>> rows = [] {
    std::vector<std::vector<uint8_t>> out(1000);
    for (int npa = 0; npa < 1000; ++npa) {
      const NpaInfo& info = LookupNpa(npa);
      if (!info.assigned()) continue;
      for (size_t i = 0; i < kRowCount; ++i) {
        if (NpaInJurisdiction(info, kRows[i].jurisdiction)) {
          out[npa].push_back(static_cast<uint8_t>(i));
        }
      }
    }
    return out;
  }();
  return rows;
}

bool Stricter(const FrequencyCapRow& a, const FrequencyCap& b) {
  if (b.max_calls == 0) return true;
  if (a.max_calls != b.max_calls) return a.max_calls < b.max_calls;
  return a.window_seconds > b.window_seconds;
}

}  // namespace

absl::Span<const FrequencyCapRow> FrequencyCapTable() { return kRows; }

FrequencyCap FrequencyCapOf(uint64_t e164, DayNumber day) {
  FrequencyCap cap;
  const int npa = NanpAreaCode(e164);
  if (npa < 0) return cap;
  for (uint8_t i : RowsByNpa()[npa]) {
    const ParsedRow& dates = ParsedRows()[i];
    if (day < dates.from || (dates.until != 0 && day >= dates.until)) continue;
    const FrequencyCapRow& row = kRows[i];
    if (row.max_calls <= 0 || row.window_seconds <= 0) continue;
    if (Stricter(row, cap)) {
      cap.max_calls = row.max_calls;
      cap.window_seconds = row.window_seconds;
      cap.jurisdiction = row.jurisdiction;
      cap.source = row.source;
    }
  }
  return cap;
}

int64_t LongestCapWindowSeconds() {
  int64_t longest = 0;
  for (const FrequencyCapRow& row : kRows) {
    longest = std::max(longest, row.window_seconds);
  }
  return longest;
}

}  // namespace dnc::policy
