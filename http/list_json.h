// The JSON the list routes (http/list_routes.h) share: the list options
// their requests name the same way (delimiter, encoding, sheet, column,
// header), and the format and phone column their answers describe.
//
// Internal to http/ (only nlohmann::json's forward declaration here).
// Thread-safety: pure functions.
#ifndef DNC_HTTP_LIST_JSON_H_
#define DNC_HTTP_LIST_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "leadlist/lead_list_input.h"
#include "leadlist/phone_column.h"
#include "nlohmann/json_fwd.hpp"

namespace dnc::http {

// How a list is read, as a request names it.
struct ListReadOptions {
  leadlist::InputOptions input;  // name, delimiter, encoding, sheet.
  std::string column;            // Header name or 1-based index; "" = find.
  leadlist::HeaderMode header = leadlist::HeaderMode::kAuto;
};

// Checks `options.input` before any byte is read (the reader's own rules,
// leadlist::CheckInputOptions). Errors: InvalidArgument naming the option
// and the value, listing the accepted ones.
absl::Status CheckReadOptions(const ListReadOptions& options);

// `text` ("" = auto, "yes"/"no", ... as `dnc scrub --header`) into *mode.
// Errors: InvalidArgument naming `field` and the value.
absl::Status ReadHeaderText(std::string_view field, std::string_view text,
                            leadlist::HeaderMode* mode);

// {"kind", "encoding", "delimiter", "sheet"}; the delimiter as a
// one-character string ("," ";" "\t" "|").
void FormatJson(const leadlist::InputFormat& format, nlohmann::json* out);

// {"index": 0-based, "name", "how"}.
void ColumnJson(const leadlist::PhoneColumn& column, nlohmann::json* out);

}  // namespace dnc::http

#endif  // DNC_HTTP_LIST_JSON_H_
