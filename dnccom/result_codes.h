// DNC.com's one-letter result codes and the one mapping from our answer (a
// Disposition and the entry's reasons, common/answer.h) to them. The table
// with the reasons for every choice is docs/dnccom-compatibility.md; in
// short:
//
//   CALLABLE        C  on no applicable list
//   EXEMPT          O  a listing excused by the seller's EBR or written
//                      consent (EBR_PURCHASE, EBR_INQUIRY, WRITTEN_CONSENT)
//                   X  every listing excused by the call's purpose only
//                      (PURPOSE_EXEMPT: an industry exemption)
//   BLOCKED         D  listed (national, state or litigator) and not excused
//   INTERNAL        P  on the seller's own (project) do-not-call list
//   NOT_SUBSCRIBED  B  not covered by the seller's subscription
//   STALE           B  no current data for the number: B ("blocked: not
//                      covered") is DNC.com's one non-callable code that
//                      claims no listing, so an operator's DNC status (D)
//                      never records a number as listed that is not
//   ATTEMPT_LIMIT   B  the call-frequency cap is reached: not callable now,
//                      but not listed either (Reason says until when)
//   INVALID         I
//   MALFORMED       M
//   anything else   B  (never callable: fail closed)
//
// E (valid EBR, not listed) and R (expired EBR, not listed) are never sent:
// a number on no list is CALLABLE without the seller's records being
// weighed (policy::NothingToDecide), so the answer holds no EBR finding to
// report, and both would mean "callable" like C. The wireless and VoIP
// codes (W L F G H V Y) wait for line-type data.
//
// Thread-safety: pure functions over a constant table.
#ifndef DNC_DNCCOM_RESULT_CODES_H_
#define DNC_DNCCOM_RESULT_CODES_H_

#include "absl/types/span.h"
#include "common/answer.h"

namespace dnc::dnccom {

// One of DNC.com's codes (VICIdial's filter script maps these 19).
struct ResultCodeInfo {
  char code;
  const char* name;  // DNC.com's name for it: "Clean", "Do Not Call", ...
  // What DNC.com documents for it: the number may be called (manually, for
  // the wireless codes W G H Y). S and T are undocumented: not callable.
  bool callable;
  bool sent;  // Whether this service ever answers it.
};

// The 19 codes, in VICIdial's order (X C O E R W G H L F V I M B P D S T Y).
absl::Span<const ResultCodeInfo> ResultCodeTable();

// The entry of `code`, or nullptr for a letter that is not one of the 19.
const ResultCodeInfo* FindResultCode(char code);

// The code for one entry answered `disposition` with `reasons` (that
// entry's reasons only).
char ResultCodeOf(Disposition disposition, absl::Span<const Reason> reasons);

// True if `code` is an excuse by the seller's own records (O's reasons).
bool IsRecordExcuse(ReasonCode code);

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_RESULT_CODES_H_
