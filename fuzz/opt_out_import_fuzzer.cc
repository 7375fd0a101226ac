// Fuzz target: client/opt_out_import.h (`dnc optout import`). The first
// input byte picks the options (header mode, chunk size, detection rows,
// column); the rest is the file. AddOptOuts is a fake server that answers
// every entry as the real one would for a fresh list: VALID numbers are
// ADDED the first time and ALREADY_LISTED after, anything else REJECTED.
// Invariants:
//   - the import fails only with InvalidArgument (no phone column, bad CSV);
//   - every call carries 1..chunk_rows entries, packed numbers that read as
//     numbers and raw text only for cells that do not;
//   - rows = added + already_listed + rejected = the entries sent, and
//     matches the fake's own count of what it added;
//   - every rejected row is reported once, in file order, as
//     "fuzz.csv:LINE: why: 'value'";
//   - rows + blank lines + the header row = the records in the file.
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/opt_out_import.h"
#include "common/phone_number.h"
#include "dnc/v1/tenant.pb.h"
#include "fuzz/fuzz_check.h"
#include "leadlist/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dnc::leadlist::HeaderMode;
  if (size == 0) return 0;
  const uint8_t control = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

  dnc::client::OptOutImportOptions options;
  static constexpr HeaderMode kModes[] = {HeaderMode::kAuto, HeaderMode::kAuto,
                                          HeaderMode::kPresent,
                                          HeaderMode::kAbsent};
  options.header = kModes[control & 3];
  options.chunk_rows = 1 + ((control >> 2) & 7);
  options.detect_rows = (control & 0x20) != 0 ? 2 : 100;
  static const char* const kColumns[] = {"", "", "phone", "2"};
  options.column = kColumns[(control >> 6) & 3];
  std::vector<std::string> rejects;
  options.on_reject = [&rejects](const std::string& line) {
    rejects.push_back(line);
  };

  std::set<uint64_t> list;
  uint64_t sent = 0, fake_added = 0, fake_rejected = 0, calls = 0;
  const auto add = [&](const dnc::v1::OptOutRequest& request)
      -> absl::StatusOr<dnc::v1::OptOutResponse> {
    ++calls;
    const size_t entries =
        static_cast<size_t>(request.e164_size() + request.raw_size());
    DNC_FUZZ_CHECK(entries >= 1 && entries <= options.chunk_rows,
                   "a call with %zu entries (chunk_rows %zu)", entries,
                   options.chunk_rows);
    sent += entries;
    dnc::v1::OptOutResponse response;
    const auto answer = [&](const dnc::ParsedNumber& parsed) {
      if (parsed.valid()) {
        const bool fresh = list.insert(parsed.e164).second;
        fake_added += fresh ? 1 : 0;
        response.add_states(fresh ? dnc::v1::ADDED : dnc::v1::ALREADY_LISTED);
        response.add_detail("");
      } else {
        ++fake_rejected;
        response.add_states(dnc::v1::REJECTED);
        response.add_detail(parsed.problem);
      }
      response.add_e164(parsed.valid() ? parsed.e164 : 0);
    };
    for (uint64_t e164 : request.e164()) {
      const dnc::ParsedNumber parsed = dnc::ClassifyE164(e164);
      DNC_FUZZ_CHECK(e164 != 0, "packed 0");
      answer(parsed);
    }
    for (const std::string& raw : request.raw()) {
      const dnc::ParsedNumber parsed = dnc::ParsePhoneNumber(raw);
      DNC_FUZZ_CHECK(parsed.number_class == dnc::NumberClass::kMalformed,
                     "'%s' reads as a number but was sent as text",
                     raw.c_str());
      answer(parsed);
    }
    response.set_list_size(list.size());
    return response;
  };

  std::istringstream in(text);
  dnc::leadlist::CsvReader reader(&in);
  absl::StatusOr<dnc::client::OptOutImportResult> result =
      dnc::client::ImportOptOuts(&reader, "fuzz.csv", add, options);
  if (!result.ok()) {
    DNC_FUZZ_CHECK(result.status().code() == absl::StatusCode::kInvalidArgument,
                   "ImportOptOuts: %s", result.status().ToString().c_str());
    return 0;
  }
  DNC_FUZZ_CHECK(result->calls == calls, "calls %llu, made %llu",
                 static_cast<unsigned long long>(result->calls),
                 static_cast<unsigned long long>(calls));
  DNC_FUZZ_CHECK(result->rows == sent &&
                     result->rows == result->added + result->already_listed +
                                         result->rejected,
                 "rows %llu, sent %llu, added %llu + already %llu + "
                 "rejected %llu",
                 static_cast<unsigned long long>(result->rows),
                 static_cast<unsigned long long>(sent),
                 static_cast<unsigned long long>(result->added),
                 static_cast<unsigned long long>(result->already_listed),
                 static_cast<unsigned long long>(result->rejected));
  DNC_FUZZ_CHECK(
      result->added == fake_added && result->rejected == fake_rejected,
      "counted %llu added / %llu rejected, the server %llu / %llu",
      static_cast<unsigned long long>(result->added),
      static_cast<unsigned long long>(result->rejected),
      static_cast<unsigned long long>(fake_added),
      static_cast<unsigned long long>(fake_rejected));
  DNC_FUZZ_CHECK(result->list_size == (calls == 0 ? 0 : list.size()),
                 "list size %llu",
                 static_cast<unsigned long long>(result->list_size));
  DNC_FUZZ_CHECK(rejects.size() == result->rejected,
                 "%zu rejects reported, %llu counted", rejects.size(),
                 static_cast<unsigned long long>(result->rejected));
  uint64_t last_line = 0;
  for (const std::string& reject : rejects) {
    DNC_FUZZ_CHECK(absl::StartsWith(reject, "fuzz.csv:"), "reject '%s'",
                   reject.c_str());
    const std::string_view rest = std::string_view(reject).substr(9);
    const size_t colon = rest.find(": ");
    uint64_t line = 0;
    DNC_FUZZ_CHECK(
        colon != std::string_view::npos &&
            absl::SimpleAtoi(std::string(rest.substr(0, colon)), &line) &&
            line >= 1 && line > last_line,
        "reject '%s' after line %llu", reject.c_str(),
        static_cast<unsigned long long>(last_line));
    last_line = line;
  }

  // Every record of the file is a row, a blank line or the header.
  std::istringstream again(text);
  dnc::leadlist::CsvReader recount(&again);
  dnc::leadlist::CsvRow row;
  uint64_t records = 0;
  while (true) {
    absl::StatusOr<bool> got = recount.ReadRow(&row);
    DNC_FUZZ_CHECK(got.ok(), "the import read a file CsvReader rejects: %s",
                   got.status().ToString().c_str());
    if (!*got) break;
    ++records;
  }
  DNC_FUZZ_CHECK(records == result->rows + result->blank_lines +
                                (result->had_header ? 1 : 0),
                 "%llu records; rows %llu, blank %llu, header %d",
                 static_cast<unsigned long long>(records),
                 static_cast<unsigned long long>(result->rows),
                 static_cast<unsigned long long>(result->blank_lines),
                 result->had_header ? 1 : 0);
  return 0;
}
