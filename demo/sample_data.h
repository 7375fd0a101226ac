// Deterministic sample data in the official formats, for the demo and for the
// integration tests' oracle: a national registry (FTC flat layout
// "NPA,NXXXXXX", one zip member per area code, with a few bad lines an operator
// would meet) and a lead list as telemarketers have them (CSV with names, messy
// number formats and bad rows). Every lead carries its ground truth, generated
// independently of the production parser, so tests can check every row.
// Thread-safety: thread-safe (pure functions of their options).
#ifndef DNC_DEMO_SAMPLE_DATA_H_
#define DNC_DEMO_SAMPLE_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dnc::demo {

struct SampleOptions {
  uint64_t seed = 20261122;
  size_t registry_numbers = 1'000'000;
  size_t leads = 100'000;
  double listed_share = 0.30;   // Leads whose number is on the registry.
  double invalid_share = 0.02;  // Numbering-plan violations (area code 911...).
  double malformed_share = 0.02;  // Not phone numbers at all ("N/A", "555-12").
  double foreign_share = 0.005;  // +44 numbers: no loaded registry covers them.
};

// What the service must answer for a lead.
enum class LeadTruth { kListed, kNotListed, kInvalid, kMalformed, kNoSource };

struct Lead {
  std::string id;  // "L000001"
  std::string first_name;
  std::string last_name;
  std::string phone;  // As written in the CSV cell (messy).
  std::string email;
  std::string city;
  LeadTruth truth = LeadTruth::kMalformed;
  uint64_t e164 = 0;  // The number the phone cell denotes; 0 if malformed.
};

struct SampleRegistry {
  std::vector<uint64_t> numbers;  // Sorted, distinct, all valid NANP.
  std::vector<std::string>
      bad_lines;  // Lines planted in the dump; never loaded.
};

SampleRegistry GenerateRegistry(const SampleOptions& options);

// REQUIRES: registry from GenerateRegistry with the same options.
std::vector<Lead> GenerateLeads(const SampleRegistry& registry,
                                const SampleOptions& options);

// Writes the registry as a zip in the FTC flat layout: one member per area
// code ("202.txt"), lines "202,5551234\n"; the bad lines go into a member of
// their own ("bad-lines.txt") after a valid line. Errors: libarchive's, naming
// the path.
absl::Status WriteFtcFlatZip(const SampleRegistry& registry,
                             const std::string& path);

// Writes the leads as CSV with a header:
// id,first_name,last_name,phone,email,city.
absl::Status WriteLeadsCsv(const std::vector<Lead>& leads,
                           const std::string& path);

const char* LeadTruthName(LeadTruth truth);

}  // namespace dnc::demo

#endif  // DNC_DEMO_SAMPLE_DATA_H_
