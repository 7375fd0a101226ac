// Call-frequency caps ("mini-TCPA" laws): how many calls one person may
// receive on one subject within a rolling window, per jurisdiction, as dated
// rows with their sources (frequency_caps.cc holds the table). The call
// attempts a seller records (tenant/) are counted against these caps by the
// scrub engine; an answer that would exceed one is ATTEMPT_LIMIT.
//
// A number's jurisdictions are those of its area code (common/nanp_regions.h:
// Oklahoma presumes a call to an Oklahoma area code reached an Oklahoma
// resident, and the others are read the same way); where an area code serves
// several subdivisions, the strictest cap of any of them applies. Numbers
// outside +1, and area codes of jurisdictions without a row, have no cap.
//
// Thread-safety: thread-safe (an immutable table and pure functions).
#ifndef DNC_POLICY_FREQUENCY_CAPS_H_
#define DNC_POLICY_FREQUENCY_CAPS_H_

#include <cstdint>

#include "absl/types/span.h"
#include "common/civil_date.h"

namespace dnc::policy {

// One row: from `effective_from` (inclusive) to `effective_until`
// (exclusive; 0 = still in force), at most `max_calls` calls to one person
// on one subject within any `window_seconds`.
struct FrequencyCapRow {
  const char* jurisdiction;     // "US-FL"
  const char* effective_from;   // YYYY-MM-DD
  const char* effective_until;  // YYYY-MM-DD, or "" = in force
  int max_calls;
  int64_t window_seconds;
  const char* source;  // Where the values come from (for people).
};

absl::Span<const FrequencyCapRow> FrequencyCapTable();

// The cap that applies to a call; max_calls == 0 means none does.
struct FrequencyCap {
  int max_calls = 0;
  int64_t window_seconds = 0;
  const char* jurisdiction = "";  // The row's: "US-FL".
  const char* source = "";
};

// The strictest cap in force on `day` (UTC) for a call to `e164`: fewest
// calls, then longest window. No allocation after the first call.
FrequencyCap FrequencyCapOf(uint64_t e164, DayNumber day);

// The longest window of any row: attempts older than this never count.
int64_t LongestCapWindowSeconds();

}  // namespace dnc::policy

#endif  // DNC_POLICY_FREQUENCY_CAPS_H_
