// The summary `dnc scrub` prints after a lead-list scrub (ScrubLeadList,
// client/lead_list_scrubber.h). Pure function. Thread-safety: thread-safe.
#ifndef DNC_CLIENT_LEAD_LIST_SUMMARY_H_
#define DNC_CLIENT_LEAD_LIST_SUMMARY_H_

#include <string>

#include "client/lead_list_scrubber.h"

namespace dnc::client {

// A human-readable summary: rows, time and rate, the phone column, counts and
// percentages by disposition, ragged/blank rows and the snapshots used.
std::string FormatLeadListSummary(const LeadListResult& result);

}  // namespace dnc::client

#endif  // DNC_CLIENT_LEAD_LIST_SUMMARY_H_
