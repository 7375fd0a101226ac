// Pure mapping between cells of text (one phone number each) and the entries
// of a dnc.v1 ScrubRequest / ScrubResponse. No I/O and no server: this is the
// part of a scrub where rows could silently be joined to the wrong answer,
// so it is kept small and tested on its own.
//
// Request layout (see scrub.proto): entries are the packed `e164` numbers
// first, then the `raw` strings. Each cell is normalised locally with the
// shared ParsePhoneNumber: a cell that reads as a number (valid or invalid)
// goes packed, anything else (garbage, empty) goes as text, so the server
// classifies and records every entry. `ids` carry first_id + cell index and
// are checked when echoed back.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_LEADLIST_SCRUB_MAPPING_H_
#define DNC_LEADLIST_SCRUB_MAPPING_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "dnc/v1/scrub.pb.h"
#include "leadlist/scrub_stream_session.h"

namespace dnc::leadlist {

// Fills *request (cleared first, sequence left 0) from `cells` and sets
// (*entry_of_cell)[i] to the request entry that carries cells[i]. ids[k] is
// first_id + (index of the cell carried by entry k).
void BuildScrubRequest(absl::Span<const std::string_view> cells,
                       uint64_t first_id, v1::ScrubRequest* request,
                       std::vector<uint32_t>* entry_of_cell);

// The answer for one cell.
struct CellVerdict {
  int disposition = 0;  // dnc.v1.Disposition wire value.
  bool callable = false;
  uint64_t e164 = 0;  // 0 when the server could not read a number.
  std::vector<std::string> reasons;
  std::string window;  // FormatWindow of the entry's calling window.
  bool window_known = false;
  bool open_now = false;      // The window is known and open at "now".
  bool callable_now = false;  // callable && open_now.
};

// Reads `response` back onto the cells planned by BuildScrubRequest:
// (*verdicts)[i] is the answer for cell i. Errors: Internal when the response
// does not fit the request (wrong number of dispositions or e164s, echoed ids
// that differ, a reason naming an entry out of range, a window index out of
// range). A response without windows (an older server) reads as every
// window unknown, so nothing is callable now.
absl::Status ApplyScrubResponse(const v1::ScrubResponse& response,
                                absl::Span<const uint32_t> entry_of_cell,
                                uint64_t first_id,
                                std::vector<CellVerdict>* verdicts);

// One reason as text: for LISTED the snapshot, e.g. "us-ftc g000001 as of
// 2026-11-20", plus " (added YYYY-MM-DD)" when known; INTERNAL_LIST
// "internal do-not-call list (added YYYY-MM-DD)"; NOT_ENTITLED "not
// entitled: <detail>"; the exemptions name themselves, their snapshot's
// source and the detail ("EBR purchase (us-ftc): <detail>"); for the other
// codes the server's detail (a fixed text when it sent none).
std::string FormatReason(
    const v1::Reason& reason,
    const google::protobuf::RepeatedPtrField<v1::SnapshotRef>& snapshots);

SnapshotInfo ToSnapshotInfo(const v1::SnapshotRef& ref);

// "08:00-21:00 America/New_York"; several candidate zones joined with " or "
// ("08:00-20:30 America/Chicago or America/Denver"); "unknown" when the
// window is not known.
std::string FormatWindow(const v1::CallingWindow& window);

// Adds every snapshot of `snapshots` to *seen.
void CollectSnapshots(
    const google::protobuf::RepeatedPtrField<v1::SnapshotRef>& snapshots,
    std::set<SnapshotInfo>* seen);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_SCRUB_MAPPING_H_
