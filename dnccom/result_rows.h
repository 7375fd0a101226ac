// One DNC.com result row per answered entry: the 17 fields in DNC.com's
// order, as views (into the request, static text or the scratch), so the
// writers (dnccom/result_output.h) copy each byte once and nothing is
// allocated per entry once the scratch has grown.
//
// What we fill (docs/dnccom-compatibility.md has the details):
//   Phone         the number text as sent (trimmed)
//   ResultCode    dnccom/result_codes.h
//   Reserved      the entry's ID ("NUMBER|ID"), else empty
//   Reason        always four ';'-separated parts, as DNC.com's:
//                 national;state;TPS;wireless, e.g.
//                 "National (USA) 2003-06-01;;;" or ";State (CO) 2019-04-01;;"
//                 (the list and the day the number was added, where known);
//                 other answers say why in the first part ("Project DNC
//                 2026-01-05", "Not subscribed (us-ftc 212)", "Stale
//                 (us-ftc as of 2025-11-01)", "Invalid (...)"). Never a
//                 ',' or '"' (clients split lines on ',' unquoted).
//   RegionAbbrev  the area code's state or province ("TX"), or territory
//   Country       the area code's country ("US", "CA")
//   CallingWindow today's calling window in the number's presumed local
//                 time, "08:00-21:00" (policy::EvaluateWindow); empty when
//                 unknown or barred all day
//   DoNotCallToday "Y" when calls are barred for the whole local day (a
//                 holiday, a Louisiana Sunday, a declared emergency) or the
//                 window is unknown; "N" otherwise
//   CallingTimeRestrictions  why the day is barred, each text citing its
//                 rule, " | "-joined (',', ';' and '"' become spaces)
//   EBRType       O only: Purchase, Inquiry or Consent (the excusing record)
// and leave empty what we have no data for: Locale, CarrierInfo,
// NewReassignedAreaCode, TZCode, UTCOffset, IsWirelessOrVoIP, LineType.
//
// Thread-safety: thread-compatible (a RowScratch per thread).
#ifndef DNC_DNCCOM_RESULT_ROWS_H_
#define DNC_DNCCOM_RESULT_ROWS_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "dnccom/phone_list.h"
#include "service/scrub_call.h"

namespace dnc::dnccom {

inline constexpr size_t kFieldCount = 17;

// DNC.com's field names, in their order.
extern const std::array<const char*, kFieldCount> kFieldNames;

struct DncRow {
  std::array<std::string_view, kFieldCount> fields;
};

// Buffers reused from chunk to chunk.
struct RowScratch {
  // Per snapshot of the chunk: which Reason part its listings go in, and
  // the list's name there ("National (USA)", "State (CO)", "TPS", ...).
  std::vector<int> part;
  std::vector<std::string> label;
  std::array<std::string, 4> reason_parts;
  std::string reason;
  // Per window of the chunk: CallingWindow and CallingTimeRestrictions.
  std::vector<std::string> window_hours;
  std::vector<std::string> window_restrictions;
};

// Calls `emit` with the row of every entry of `answer` (one answered chunk:
// entries [offset, offset + answer.result.dispositions.size()) of `list`),
// in order. A row's views stay valid only during its `emit`.
void ForEachRow(const service::ScrubAnswer& answer, const PhoneList& list,
                size_t offset, RowScratch* scratch,
                absl::FunctionRef<void(const DncRow&)> emit);

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_RESULT_ROWS_H_
