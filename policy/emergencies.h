// Declared states of emergency, loaded like a source: a declaration halts
// telemarketing in its area while it is in force, and a number's calling
// window (policy::EvaluateWindow) is then barred for the day, citing the
// declaration's id and source.
//
// The file is CSV (docs/rules.md has the format): a header line
//   id,jurisdiction,area_codes,zip_prefixes,start,end,source
// then one declaration a line; blank lines and lines starting with '#' are
// skipped; a field may be double-quoted ("" inside for a quote). Lists
// (area_codes, zip_prefixes) are separated by spaces or ';'. start and end
// are RFC 3339 times (2026-09-28T12:00:00-04:00) or dates (2026-09-28): a
// start date is in force from the start of that local day of the number, an
// end date through the end of that local day; an end time is exclusive; an
// empty end means until the row is removed.
//
// The area: the listed area codes (each must be in the jurisdiction), else
// every area code of the jurisdiction. ZIP prefixes cannot be matched to a
// number (numbers carry no postal code), so a row with ZIP prefixes and no
// area codes closes every area code of its jurisdiction (fail closed), and
// its restriction text says so.
//
// ParseEmergencies is pure: a bad row is rejected with a message naming the
// file, line, field and value (at most kMaxEmergencyErrors messages are kept,
// all are counted) and the valid rows are kept. LoadEmergencies reads a file;
// a caller that fails to read one keeps serving its previous table.
//
// Thread-safety: an EmergencyTable is immutable once built (share it as
// std::shared_ptr<const EmergencyTable>); the functions are thread-safe.
#ifndef DNC_POLICY_EMERGENCIES_H_
#define DNC_POLICY_EMERGENCIES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/civil_date.h"

namespace dnc::policy {

inline constexpr size_t kMaxEmergencyErrors = 20;
inline constexpr size_t kMaxEmergencyRows = 10000;

// One end of a declaration: an instant, or a local date of the number.
struct EmergencyBound {
  bool set = false;      // False: none (an end only: no end yet).
  bool is_date = false;  // A YYYY-MM-DD date rather than a time.
  absl::Time time;       // !is_date
  DayNumber day = 0;     // is_date
};

struct Emergency {
  std::string id;            // "fl-2026-ian"
  std::string jurisdiction;  // "US-FL" (upper case)
  std::vector<int> area_codes;
  std::vector<std::string> zip_prefixes;
  EmergencyBound start;
  EmergencyBound end;
  std::string start_text;  // As written.
  std::string end_text;
  std::string source;
  int line = 0;  // In its file.

  // In force at `now` for a number whose local date (in one of its zones) is
  // `local_day`.
  bool InForce(absl::Time now, DayNumber local_day) const;
  // In force at `now` for some local date within a day of UTC's (so for any
  // zone): the cheap test a batch makes before looking at numbers.
  bool MayBeInForce(absl::Time now) const;
  // The restriction text: "emergency fl-2026-ian declared for US-FL
  // 2026-09-28..2026-10-12 (source)", with its area codes, or the ZIP note.
  std::string Describe() const;
};

struct EmergencyTable {
  std::string file;  // Where it was read from.
  std::vector<Emergency> rows;
  std::vector<std::string> errors;  // At most kMaxEmergencyErrors.
  size_t rejected = 0;              // Rows rejected (errors may be fewer).
  // Per area code 0-999: indices into `rows` of the declarations covering it.
  std::array<std::vector<uint16_t>, 1000> by_npa;

  absl::Span<const uint16_t> RowsOfNpa(int npa) const {
    if (npa < 0 || npa >= 1000) return {};
    return by_npa[static_cast<size_t>(npa)];
  }
};

// Parses `text`, the content of `file` (named in messages). Errors:
// InvalidArgument when the header line is missing or not the one above
// (nothing in the file can be read then). Row errors are in the table.
absl::StatusOr<EmergencyTable> ParseEmergencies(std::string_view file,
                                                std::string_view text);

// Reads and parses `path`. Errors: NotFound (no such file), InvalidArgument
// (a bad header), Internal (any other read failure), each naming the path.
absl::StatusOr<std::shared_ptr<const EmergencyTable>> LoadEmergencies(
    const std::string& path);

// One line for logs and status: "emergencies FILE: 3 declarations (1 in
// force now: fl-2026-ian), 1 row rejected".
std::string DescribeEmergencies(const EmergencyTable& table, absl::Time now);

}  // namespace dnc::policy

#endif  // DNC_POLICY_EMERGENCIES_H_
