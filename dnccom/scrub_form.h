// The fields of one DNC.com scrub request, from wherever the client put
// them: the query string, and for a POST the body as multipart/form-data
// (what VICIdial's filter script and curl -F send), as
// application/x-www-form-urlencoded (curl -d, most HTTP libraries), or as a
// JSON object of strings (DNC.com's own examples); loginId also as a
// `loginId` header (DNC.com's) or `x-api-key` (this server's other APIs).
//
// The fields: loginId (the tenant's API key), phoneList, version, projId,
// campaignId, output. Others are ignored. A field given more than once
// (twice in one place, or in two places) with different values is refused:
// an ambiguous request is never guessed at.
//
// Ownership: a ScrubForm's views point into the request and into the
// form's own decoded storage, so it is filled in place and never moved; the
// request must outlive it.
// Thread-safety: thread-compatible.
#ifndef DNC_DNCCOM_SCRUB_FORM_H_
#define DNC_DNCCOM_SCRUB_FORM_H_

#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "dnccom/multipart_form.h"
#include "http/http_message.h"
#include "http/url_form.h"

namespace dnc::dnccom {

struct ScrubForm {
  ScrubForm() = default;
  ScrubForm(const ScrubForm&) = delete;
  ScrubForm& operator=(const ScrubForm&) = delete;

  std::optional<std::string_view> login_id;  // nullopt: none sent.
  std::string_view phone_list;
  std::string_view version;
  std::string_view proj_id;
  std::string_view campaign_id;
  std::string_view output;

  // Where the decoded values live.
  http::UrlForm query;
  http::UrlForm url_body;
  MultipartForm multipart;
  std::deque<std::string> json_values;
};

// Reads `request` into *form (which must be fresh). Errors: InvalidArgument
// (a query string or body that does not parse, naming the field or part; a
// field given twice with different values), Unimplemented for a POST body
// of another Content-Type (the handler answers 415).
absl::Status ReadScrubForm(const http::HttpRequest& request, ScrubForm* form);

}  // namespace dnc::dnccom

#endif  // DNC_DNCCOM_SCRUB_FORM_H_
