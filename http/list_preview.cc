// POST /v1/lists/preview (see http/list_routes.h and docs/http-lists.md):
// the first bytes of a list, read by the same reader and the same head
// detection as a scrub (leadlist/lead_list_input.h, leadlist/list_reader.h,
// leadlist/phone_column.h), so what the page shows before scrubbing is
// what the scrub will do.
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/list_json.h"
#include "http/list_routes.h"
#include "http/url_form.h"
#include "leadlist/lead_list_scrubber.h"
#include "leadlist/list_reader.h"
#include "leadlist/scrubbed_columns.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

using Json = nlohmann::json;

// Data rows shown; the column is found from as many as a scrub looks at.
constexpr size_t kSampleRows = 10;
// Times a body cut short inside a record is cut back to an earlier line.
constexpr int kMaxCuts = 8;

absl::StatusOr<ListReadOptions> ReadPreviewQuery(const HttpRequest& request) {
  DNC_ASSIGN_OR_RETURN(const UrlForm form, UrlForm::Parse(request.query));
  ListReadOptions options;
  for (const UrlFormField& field : form.fields()) {
    DNC_ASSIGN_OR_RETURN(const std::string* unique,
                         form.FindUnique(field.name));
    (void)unique;
    if (field.name == "name") {
      options.input.name = field.value;
    } else if (field.name == "delimiter") {
      options.input.delimiter = field.value;
    } else if (field.name == "encoding") {
      options.input.encoding = field.value;
    } else if (field.name == "sheet") {
      options.input.sheet = field.value;
    } else if (field.name == "column") {
      options.column = field.value;
    } else if (field.name == "header") {
      DNC_RETURN_IF_ERROR(
          ReadHeaderText("header", field.value, &options.header));
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown query parameter '", service::EchoValue(field.name),
          "': /v1/lists/preview takes name, delimiter, encoding, sheet, "
          "column and header"));
    }
  }
  if (options.input.name.empty()) {
    return absl::InvalidArgumentError(
        "name is required: the file's name (\"leads.csv\"; .xlsx for a "
        "workbook)");
  }
  DNC_RETURN_IF_ERROR(CheckReadOptions(options));
  return options;
}

// What the preview found in `bytes`; *format is set once the reader opened
// (also when the rows then fail to read).
absl::StatusOr<Json> PreviewOf(std::string_view bytes,
                               const ListReadOptions& options,
                               leadlist::InputFormat* format) {
  std::istringstream in{std::string(bytes)};
  DNC_ASSIGN_OR_RETURN(std::unique_ptr<leadlist::LeadListInput> input,
                       leadlist::LeadListInput::Open(&in, options.input));
  *format = input->format();
  leadlist::ListReader list(input->csv());
  const size_t detect_rows = leadlist::LeadListOptions().detect_rows;
  DNC_ASSIGN_OR_RETURN(const bool any,
                       list.ReadHead(options.header, detect_rows));
  Json answer = Json::object();
  FormatJson(*format, &answer["format"]);
  answer.emplace("had_header", any && list.had_header());
  Json header = Json::array();
  for (const std::string& cell : list.header()) header.push_back(cell);
  answer.emplace("header", std::move(header));
  Json sample = Json::array();
  for (size_t i = 0; i < list.sample().size() && i < kSampleRows; ++i) {
    Json row = Json::array();
    for (const std::string& cell : list.sample()[i]) row.push_back(cell);
    sample.push_back(std::move(row));
  }
  answer.emplace("sample", std::move(sample));
  if (!any) {
    answer["column"] = nullptr;
    answer["column_error"] = "the file holds no rows";
    return answer;
  }
  // As ScrubLeadList: the dnc_* columns of an earlier scrub are no
  // candidates.
  const leadlist::OutputLayout layout = leadlist::LayoutFor(
      list.had_header() ? &list.header() : nullptr, list.width());
  std::vector<std::string> kept;
  if (list.had_header()) {
    kept.assign(list.header().begin(), list.header().begin() + layout.keep);
  }
  const absl::StatusOr<leadlist::PhoneColumn> column =
      leadlist::FindPhoneColumn(list.had_header() ? &kept : nullptr,
                                list.sample(), options.column, layout.keep);
  if (column.ok()) {
    ColumnJson(*column, &answer["column"]);
  } else {
    answer["column"] = nullptr;
    answer["column_error"] = std::string(column.status().message());
  }
  return answer;
}

// Where `bytes` (a CSV in `format`) is cut back to: just after its last
// line break before `end`, or 0 when there is none.
size_t LastLineEnd(std::string_view bytes, size_t end,
                   const leadlist::InputFormat& format) {
  const bool le = format.encoding.rfind("utf-16le", 0) == 0;
  const bool be = format.encoding.rfind("utf-16be", 0) == 0;
  for (size_t i = end; i-- > 0;) {
    if (le || be) {
      // A UTF-16 line feed: 0A 00 (LE) or 00 0A (BE), on a code unit.
      if (i % 2 != 0 || i + 1 >= end) continue;
      if ((le && bytes[i] == '\n' && bytes[i + 1] == '\0') ||
          (be && bytes[i] == '\0' && bytes[i + 1] == '\n')) {
        return i + 2;
      }
    } else if (bytes[i] == '\n') {
      return i + 1;
    }
  }
  return 0;
}

absl::Status AnswerPreview(const ApiContext& api, const HttpRequest& request,
                           HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  (void)tenant;  // Only a caller with a key may preview; nothing is kept.
  DNC_ASSIGN_OR_RETURN(const ListReadOptions options,
                       ReadPreviewQuery(request));
  const std::string_view body = request.body;
  leadlist::InputFormat format;
  absl::StatusOr<Json> answer = PreviewOf(body, options, &format);
  // The body is the file's first bytes: a record cut at its end reads as
  // an unclosed quote (or half a character). Look at whole lines only.
  size_t end = body.size();
  for (int cut = 0; !answer.ok() && format.kind == "csv" && cut < kMaxCuts;
       ++cut) {
    end = LastLineEnd(body, end, format);
    if (end == 0) break;
    answer = PreviewOf(body.substr(0, end), options, &format);
    if (end > 0) --end;  // The next cut looks before this line break.
  }
  if (!answer.ok()) return answer.status();
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(*answer);
  return absl::OkStatus();
}

}  // namespace

void ServeListPreview(const ApiContext& api, const HttpRequest& request,
                      HttpResponse* response) {
  const absl::Status status = AnswerPreview(api, request, response);
  if (!status.ok()) SetError(status, response);
}

}  // namespace dnc::http
