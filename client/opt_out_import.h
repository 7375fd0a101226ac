// Bulk import of a tenant's internal do-not-call list (`dnc optout import`):
// reads a CSV or a plain list of numbers, one a line, finds the phone column
// as a lead-list scrub does (header name, then content; or
// OptOutImportOptions::column), and sends the numbers in chunks of at most
// chunk_rows entries, one AddOptOuts call each. Every row's outcome is
// counted (added, already on the list, rejected); a rejected row is reported
// through on_reject as "FILE:LINE: why: 'value'" so a person can fix it.
// Each acknowledged chunk is durable on the server; an error stops the
// import after the chunks already acknowledged (the result says how many
// rows were sent).
// Thread-safety: thread-safe (functions share no state).
#ifndef DNC_CLIENT_OPT_OUT_IMPORT_H_
#define DNC_CLIENT_OPT_OUT_IMPORT_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/tenant_client.h"
#include "dnc/v1/tenant.pb.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_input.h"
#include "leadlist/phone_column.h"

namespace dnc::client {

struct OptOutImportOptions {
  std::string column;  // As LeadListOptions::column.
  leadlist::HeaderMode header = leadlist::HeaderMode::kAuto;
  // How ImportOptOutsFile reads the file (delimiter, encoding, sheet; ""
  // detects); name defaults to the path.
  leadlist::InputOptions input;
  size_t chunk_rows = 10000;  // Entries per AddOptOuts call.
  std::string note;           // Sent with every chunk.
  std::string date;           // YYYY-MM-DD of the requests; "" = today.
  size_t detect_rows = 100;
  bool progress = false;
  std::FILE* progress_out = stderr;
  absl::Duration progress_interval = absl::Milliseconds(500);
  // Called once per rejected row, in file order; nullptr: not reported.
  std::function<void(const std::string&)> on_reject;
};

struct OptOutImportResult {
  uint64_t rows = 0;  // Data rows sent (not the header, not blank lines).
  uint64_t added = 0;
  uint64_t already_listed = 0;
  uint64_t rejected = 0;
  uint64_t blank_lines = 0;
  uint64_t calls = 0;
  uint64_t list_size = 0;  // The list's size after the last call.
  bool had_header = false;
  leadlist::PhoneColumn column;
};

// The AddOptOuts call the importer makes (TenantClient::AddOptOuts in the
// CLI; a fake in tests).
using AddOptOutsFn =
    std::function<absl::StatusOr<v1::OptOutResponse>(const v1::OptOutRequest&)>;

// Imports the rows of `reader`; `file_name` prefixes rejected rows. Errors:
// InvalidArgument (no phone column; bad CSV; chunk_rows 0), the call's
// status (e.g. Unauthenticated), Internal (an answer whose size does not
// match its request).
absl::StatusOr<OptOutImportResult> ImportOptOuts(
    leadlist::CsvReader* reader, std::string_view file_name,
    const AddOptOutsFn& add, const OptOutImportOptions& options);

// Opens `path` ("-" for stdin) and imports it through `client`. Errors:
// NotFound (cannot open the file), those of ImportOptOuts.
absl::StatusOr<OptOutImportResult> ImportOptOutsFile(
    TenantClient* client, const std::string& path,
    const OptOutImportOptions& options);

// "Imported 12,345 rows from FILE: 12,000 added, 300 already on the list,
// 45 rejected. The list now holds N numbers."
std::string FormatOptOutImportSummary(const OptOutImportResult& result,
                                      std::string_view file_name);

}  // namespace dnc::client

#endif  // DNC_CLIENT_OPT_OUT_IMPORT_H_
