// The summary `dnc scrub` prints after a lead-list scrub (ScrubLeadList,
// leadlist/lead_list_scrubber.h). Pure function. Thread-safety: thread-safe.
#ifndef DNC_LEADLIST_LEAD_LIST_SUMMARY_H_
#define DNC_LEADLIST_LEAD_LIST_SUMMARY_H_

#include <string>

#include "leadlist/lead_list_scrubber.h"

namespace dnc::leadlist {

// A human-readable summary: rows, time and rate, the phone column, counts and
// percentages by disposition, ragged/blank rows and the snapshots used.
std::string FormatLeadListSummary(const LeadListResult& result);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_LEAD_LIST_SUMMARY_H_
