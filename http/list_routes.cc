// POST /v1/lists, /v1/lists/chunk, /v1/lists/cancel and GET
// /v1/lists/state (see http/list_routes.h and docs/http-lists.md).
#include "http/list_routes.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "http/api_params.h"
#include "http/error_response.h"
#include "http/json_answer.h"
#include "http/list_json.h"
#include "http/list_upload.h"
#include "http/list_uploads.h"
#include "http/tenant_request.h"
#include "http/url_form.h"
#include "leadlist/job_names.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

using Json = nlohmann::json;

// The rows per batch of `dnc scrub` (LeadListOptions' default), lowered to
// the server's max_batch_entries as ScrubLeadListFile lowers it: the same
// batches, so the same job hashes.
size_t ChunkRows(const ApiContext& api) {
  return std::min<size_t>(leadlist::LeadListOptions().chunk_rows,
                          api.calls->max_batch_entries());
}

absl::StatusOr<ListUploads*> Uploads(const ApiContext& api) {
  if (api.uploads == nullptr) {
    return absl::UnavailableError(
        "this HTTP front end serves no list uploads; scrub the list with "
        "`dnc scrub` or POST /v1/scrub");
  }
  return api.uploads;
}

// The query of the routes that name an upload: upload_id, and for a chunk
// offset and final. Anything else is refused.
struct UploadQuery {
  std::string upload_id;
  uint64_t offset = 0;
  bool final = false;
};

absl::StatusOr<UploadQuery> ReadUploadQuery(const HttpRequest& request,
                                            bool chunk) {
  DNC_ASSIGN_OR_RETURN(const UrlForm form, UrlForm::Parse(request.query));
  UploadQuery query;
  bool has_id = false;
  bool has_offset = false;
  for (const UrlFormField& field : form.fields()) {
    DNC_ASSIGN_OR_RETURN(const std::string* unique,
                         form.FindUnique(field.name));
    (void)unique;
    if (field.name == "upload_id") {
      query.upload_id = field.value;
      has_id = true;
    } else if (chunk && field.name == "offset") {
      DNC_ASSIGN_OR_RETURN(query.offset,
                           ParseUnsignedText("offset", field.value));
      has_offset = true;
    } else if (chunk && field.name == "final") {
      if (field.value == "1" || field.value == "true") {
        query.final = true;
      } else if (field.value == "0" || field.value == "false" ||
                 field.value.empty()) {
        query.final = false;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("final '", service::EchoValue(field.value),
                         "' is not 1 or 0: send final=1 with the last chunk"));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown query parameter '", service::EchoValue(field.name), "': ",
          chunk ? "/v1/lists/chunk takes upload_id, offset and final"
                : "this route takes upload_id only"));
    }
  }
  if (!has_id || query.upload_id.empty()) {
    return absl::InvalidArgumentError(
        "upload_id is required: the id POST /v1/lists answered");
  }
  if (chunk && !has_offset) {
    return absl::InvalidArgumentError(
        "offset is required: the bytes of the file sent before this chunk "
        "(0 for the first)");
  }
  return query;
}

// The start request's body into the upload's spec.
absl::StatusOr<ListUploadSpec> ReadStartBody(const ApiContext& api,
                                             const HttpRequest& request) {
  Json body;
  DNC_RETURN_IF_ERROR(
      ParseObjectBody(request.body, 4,
                      {"name", "column", "header", "purpose", "job_id", "now",
                       "delimiter", "encoding", "sheet"},
                      &body));
  ListUploadSpec spec;
  DNC_ASSIGN_OR_RETURN(spec.name, ReadOptionalString(body, "name"));
  if (spec.name.empty()) {
    return absl::InvalidArgumentError(
        "name is required: the file's name as the user picked it "
        "(\"leads.csv\"); it names the job's input on the certificate");
  }
  DNC_RETURN_IF_ERROR(
      service::CheckMaxBytes("name", spec.name, service::kMaxFileNameBytes));
  ListReadOptions read;
  read.input.name = spec.name;
  DNC_ASSIGN_OR_RETURN(read.input.delimiter,
                       ReadOptionalString(body, "delimiter"));
  DNC_ASSIGN_OR_RETURN(read.input.encoding,
                       ReadOptionalString(body, "encoding"));
  DNC_ASSIGN_OR_RETURN(read.input.sheet, ReadOptionalString(body, "sheet"));
  DNC_RETURN_IF_ERROR(CheckReadOptions(read));
  spec.input = read.input;

  leadlist::LeadListOptions& scrub = spec.scrub;
  DNC_ASSIGN_OR_RETURN(scrub.column, ReadOptionalString(body, "column"));
  DNC_ASSIGN_OR_RETURN(const std::string header,
                       ReadOptionalString(body, "header"));
  DNC_RETURN_IF_ERROR(ReadHeaderText("header", header, &scrub.header));
  DNC_ASSIGN_OR_RETURN(const std::string purpose,
                       ReadOptionalString(body, "purpose"));
  DNC_ASSIGN_OR_RETURN(scrub.purpose, ParsePurposeText("purpose", purpose));
  DNC_ASSIGN_OR_RETURN(const std::string now, ReadOptionalString(body, "now"));
  DNC_ASSIGN_OR_RETURN(scrub.now_unix_seconds, ParseNowText("now", now));
  DNC_ASSIGN_OR_RETURN(scrub.job_id, ReadOptionalString(body, "job_id"));
  DNC_RETURN_IF_ERROR(service::CheckJobId("job_id", scrub.job_id, false));
  // As `dnc scrub` without --job: every list is a job of its own.
  if (scrub.job_id.empty()) scrub.job_id = leadlist::GenerateJobId(absl::Now());
  scrub.chunk_rows = ChunkRows(api);
  spec.output_name = leadlist::ScrubbedOutputName(spec.name);
  return spec;
}

absl::Status AnswerStart(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  DNC_ASSIGN_OR_RETURN(ListUploads * uploads, Uploads(api));
  if (!AcceptJsonPost(request, "POST /v1/lists", response)) {
    return absl::OkStatus();
  }
  DNC_ASSIGN_OR_RETURN(ListUploadSpec spec, ReadStartBody(api, request));
  const std::string job_id = spec.scrub.job_id;
  const std::string output_name = spec.output_name;
  DNC_ASSIGN_OR_RETURN(const std::string upload_id,
                       uploads->Start(tenant, std::move(spec)));
  Json answer = Json::object();
  answer.emplace("upload_id", upload_id);
  answer.emplace("job_id", job_id);
  answer.emplace("chunk_bytes", uploads->options().chunk_bytes);
  answer.emplace("max_upload_bytes", uploads->options().max_upload_bytes);
  answer.emplace("output_name", output_name);
  response->status = 201;
  response->content_type = "application/json";
  response->body = DumpJson(answer);
  return absl::OkStatus();
}

Json CountsJson(const std::map<std::string, uint64_t>& counts) {
  Json out = Json::object();
  for (const auto& [name, rows] : counts) out.emplace(name, rows);
  return out;
}

Json SummaryJson(const ListSummary& summary) {
  const leadlist::LeadListResult& result = summary.result;
  Json out = Json::object();
  out.emplace("rows", result.rows);
  out.emplace("ragged_rows", result.ragged_rows);
  out.emplace("blank_lines", result.blank_lines);
  out.emplace("callable", result.callable);
  out.emplace("not_callable", result.not_callable);
  out.emplace("callable_now", result.callable_now);
  out.emplace("window_unknown", result.window_unknown);
  out.emplace("damaged_numbers", result.damaged_numbers);
  out.emplace("job_id", result.job_id);
  out.emplace("input_name", summary.input_name);
  out.emplace("input_sha256", summary.input_sha256);
  out.emplace("input_rows", result.rows);
  out.emplace("output_name", summary.output_name);
  out.emplace("output_sha256", summary.output_sha256);
  out.emplace("files_recorded", summary.files_recorded);
  out.emplace("files_error", summary.files_error);
  out.emplace("text", summary.text);
  return out;
}

// The progress every answer carries; with `output`, the bytes produced
// since the last answer and, when done, the summary.
Json ProgressJson(ListProgress* progress, bool output) {
  Json out = Json::object();
  out.emplace("state", progress->done ? "done" : "scrubbing");
  out.emplace("bytes_received", progress->bytes_received);
  out.emplace("rows_done", progress->rows_done);
  if (output) {
    if (progress->format.has_value()) {
      FormatJson(*progress->format, &out["format"]);
    }
    if (progress->column.has_value()) {
      ColumnJson(*progress->column, &out["column"]);
    }
  }
  out.emplace("counts", CountsJson(progress->counts));
  if (!output) return out;
  out.emplace("cleaned", std::move(progress->output.cleaned));
  out.emplace("callable", std::move(progress->output.callable));
  out.emplace("removed", std::move(progress->output.removed));
  if (progress->summary.has_value()) {
    out.emplace("summary", SummaryJson(*progress->summary));
  }
  return out;
}

// Errors of an upload's call as HTTP answers (see http/list_routes.h).
void SetUploadError(const absl::Status& status, HttpResponse* response) {
  switch (status.code()) {
    case absl::StatusCode::kAborted:
      SetError(409, "ABORTED", std::string(status.message()), response);
      return;
    case absl::StatusCode::kOutOfRange:
      SetError(413, "INVALID_ARGUMENT", std::string(status.message()),
               response);
      return;
    case absl::StatusCode::kCancelled:
      SetError(404, "NOT_FOUND",
               "the upload was cancelled; start the upload again (POST "
               "/v1/lists)",
               response);
      return;
    default:
      SetError(status, response);
  }
}

absl::Status AnswerChunk(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  DNC_ASSIGN_OR_RETURN(ListUploads * uploads, Uploads(api));
  DNC_ASSIGN_OR_RETURN(const UploadQuery query,
                       ReadUploadQuery(request, /*chunk=*/true));
  DNC_ASSIGN_OR_RETURN(const std::shared_ptr<ListUpload> upload,
                       uploads->Find(tenant, query.upload_id));
  absl::StatusOr<ListProgress> progress =
      upload->Chunk(query.offset, request.body, query.final,
                    query.final ? kFinalChunkWait : kChunkWait);
  // A done, failed or too large upload is over: its id goes.
  uploads->DropIfOver(tenant, query.upload_id);
  if (!progress.ok()) {
    SetUploadError(progress.status(), response);
    return absl::OkStatus();
  }
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(ProgressJson(&*progress, /*output=*/true));
  return absl::OkStatus();
}

absl::Status AnswerCancel(const ApiContext& api, const HttpRequest& request,
                          HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  DNC_ASSIGN_OR_RETURN(ListUploads * uploads, Uploads(api));
  DNC_ASSIGN_OR_RETURN(const UploadQuery query,
                       ReadUploadQuery(request, /*chunk=*/false));
  const absl::Status cancelled = uploads->Cancel(tenant, query.upload_id);
  if (!cancelled.ok()) {
    SetUploadError(cancelled, response);
    return absl::OkStatus();
  }
  Json answer = Json::object();
  answer.emplace("state", "cancelled");
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(answer);
  return absl::OkStatus();
}

absl::Status AnswerState(const ApiContext& api, const HttpRequest& request,
                         HttpResponse* response) {
  DNC_ASSIGN_OR_RETURN(const tenant::Tenant* tenant,
                       AuthenticateRequest(api, request));
  DNC_ASSIGN_OR_RETURN(ListUploads * uploads, Uploads(api));
  DNC_ASSIGN_OR_RETURN(const UploadQuery query,
                       ReadUploadQuery(request, /*chunk=*/false));
  DNC_ASSIGN_OR_RETURN(const std::shared_ptr<ListUpload> upload,
                       uploads->Find(tenant, query.upload_id));
  absl::StatusOr<ListProgress> progress = upload->Progress();
  uploads->DropIfOver(tenant, query.upload_id);
  if (!progress.ok()) {
    SetUploadError(progress.status(), response);
    return absl::OkStatus();
  }
  response->status = 200;
  response->content_type = "application/json";
  response->body = DumpJson(ProgressJson(&*progress, /*output=*/false));
  return absl::OkStatus();
}

void Serve(absl::Status (*answer)(const ApiContext&, const HttpRequest&,
                                  HttpResponse*),
           const ApiContext& api, const HttpRequest& request,
           HttpResponse* response) {
  const absl::Status status = answer(api, request, response);
  if (!status.ok()) SetError(status, response);
}

}  // namespace

void ServeListStart(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response) {
  Serve(&AnswerStart, api, request, response);
}

void ServeListChunk(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response) {
  Serve(&AnswerChunk, api, request, response);
}

void ServeListCancel(const ApiContext& api, const HttpRequest& request,
                     HttpResponse* response) {
  Serve(&AnswerCancel, api, request, response);
}

void ServeListState(const ApiContext& api, const HttpRequest& request,
                    HttpResponse* response) {
  Serve(&AnswerState, api, request, response);
}

}  // namespace dnc::http
