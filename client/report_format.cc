#include "client/report_format.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/scrub_client.h"
#include "client/text_format.h"
#include "common/phone_number.h"

namespace dnc::client {
namespace {

std::string Lower(std::string_view text) {
  return absl::AsciiStrToLower(absl::string_view(text.data(), text.size()));
}

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

}  // namespace

std::string PurposeName(int purpose) {
  switch (purpose) {
    case v1::PURPOSE_UNSPECIFIED:
      return "default";
    case v1::COMMERCIAL:
      return "commercial";
    case v1::CHARITY:
      return "charity";
    case v1::POLITICAL:
      return "political";
    case v1::SURVEY:
      return "survey";
    default:
      return absl::StrCat(purpose);
  }
}

bool ParsePurposeName(std::string_view text, int* purpose) {
  const std::string name = Lower(text);
  for (const int p : {v1::COMMERCIAL, v1::CHARITY, v1::POLITICAL, v1::SURVEY}) {
    if (name == PurposeName(p)) {
      *purpose = p;
      return true;
    }
  }
  return false;
}

std::string ConsentTypeName(int type) {
  switch (type) {
    case v1::CONSENT_PURCHASE:
      return "purchase";
    case v1::CONSENT_INQUIRY:
      return "inquiry";
    case v1::CONSENT_WRITTEN:
      return "written-consent";
    default:
      return absl::StrCat("type ", type);
  }
}

bool ParseConsentTypeName(std::string_view text, int* type) {
  const std::string name = Lower(text);
  if (name == "purchase") {
    *type = v1::CONSENT_PURCHASE;
  } else if (name == "inquiry") {
    *type = v1::CONSENT_INQUIRY;
  } else if (name == "written-consent" || name == "written" ||
             name == "written_consent") {
    *type = v1::CONSENT_WRITTEN;
  } else {
    return false;
  }
  return true;
}

std::string OptOutStateName(int state) {
  if (v1::OptOutState_IsValid(state)) {
    return v1::OptOutState_Name(static_cast<v1::OptOutState>(state));
  }
  return absl::StrCat(state);
}

std::string FormatEntitlementList(
    const google::protobuf::RepeatedPtrField<v1::Entitlement>& entitlements) {
  if (entitlements.empty()) return "none";
  std::vector<std::string> parts;
  for (const v1::Entitlement& e : entitlements) {
    parts.push_back(absl::StrCat(e.source(), ":",
                                 e.all_area_codes()
                                     ? std::string("all")
                                     : absl::StrJoin(e.area_codes(), ",")));
  }
  return absl::StrJoin(parts, "; ");
}

std::string FormatTenantInfo(const v1::TenantInfo& info) {
  return absl::StrFormat(
      "tenant           %s\n"
      "default purpose  %s\n"
      "entitlements     %s\n"
      "opt-outs         %s\n"
      "consent records  %s\n",
      info.tenant(), PurposeName(info.default_purpose()),
      FormatEntitlementList(info.entitlements()),
      FormatCount(info.opt_out_count()), FormatCount(info.consent_count()));
}

std::string FormatConsentRecord(const v1::ConsentRecord& record) {
  std::string line = absl::StrCat(
      record.e164() != 0 ? FormatE164(record.e164()) : OrDash(record.raw()),
      "  ", ConsentTypeName(record.type()), "  ", OrDash(record.date()));
  if (!record.revoked_date().empty()) {
    absl::StrAppend(&line, "  revoked ", record.revoked_date());
  } else {
    absl::StrAppend(&line, "  in force");
  }
  if (!record.note().empty()) absl::StrAppend(&line, "  ", record.note());
  return line;
}

std::string FormatReportText(const v1::ScrubReport& report) {
  std::string out;
  absl::StrAppend(&out, "Scrub certificate\n");
  absl::StrAppendFormat(&out, "  job              %s\n", report.job_id());
  absl::StrAppendFormat(&out, "  tenant           %s\n", report.tenant());
  absl::StrAppendFormat(&out, "  first request    %s\n",
                        OrDash(report.first_request_at()));
  absl::StrAppendFormat(&out, "  last request     %s\n",
                        OrDash(report.last_request_at()));
  absl::StrAppendFormat(&out, "  requests         %s\n",
                        FormatCount(report.requests()));
  absl::StrAppendFormat(&out, "  numbers          %s\n",
                        FormatCount(report.numbers()));
  absl::StrAppendFormat(&out, "  purpose          %s\n",
                        PurposeName(report.purpose()));
  absl::StrAppendFormat(&out, "  entitlements     %s\n",
                        FormatEntitlementList(report.entitlements()));
  absl::StrAppend(&out, "Counts by disposition:\n");
  uint64_t total = 0;
  for (const v1::DispositionCount& count : report.counts()) {
    total += count.count();
  }
  for (const v1::DispositionCount& count : report.counts()) {
    absl::StrAppendFormat(
        &out, "  %-16s %12s  %5.1f%%\n", DispositionName(count.disposition()),
        FormatCount(count.count()),
        total == 0 ? 0.0
                   : 100.0 * static_cast<double>(count.count()) /
                         static_cast<double>(total));
  }
  absl::StrAppend(&out, "Registry snapshots used:\n");
  if (report.snapshots().empty()) absl::StrAppend(&out, "  none\n");
  for (const v1::SnapshotRef& s : report.snapshots()) {
    absl::StrAppendFormat(&out, "  %s (%s) generation %s as of %s\n",
                          s.source(), s.jurisdiction(), s.generation(),
                          s.as_of());
  }
  absl::StrAppend(&out, "Files:\n");
  const v1::JobFilesRequest& files = report.files();
  if (files.input_name().empty() && files.output_name().empty()) {
    absl::StrAppend(&out, "  none recorded\n");
  } else {
    absl::StrAppendFormat(
        &out, "  input   %s  %s rows  sha256 %s\n", OrDash(files.input_name()),
        FormatCount(files.input_rows()), OrDash(files.input_sha256()));
    absl::StrAppendFormat(
        &out, "  output  %s  %s rows  sha256 %s\n", OrDash(files.output_name()),
        FormatCount(files.output_rows()), OrDash(files.output_sha256()));
  }
  absl::StrAppend(&out, "Server audit hashes (over the batches in order):\n");
  absl::StrAppendFormat(&out, "  numbers sha256   %s\n",
                        OrDash(report.numbers_sha256()));
  absl::StrAppendFormat(&out, "  answers sha256   %s\n",
                        OrDash(report.answers_sha256()));
  absl::StrAppendFormat(&out, "Server version     %s\n",
                        OrDash(report.server_version()));
  return out;
}

absl::StatusOr<std::string> FormatReportJson(const v1::ScrubReport& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(report, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot write the report as JSON: ", status.ToString()));
  }
  return json;
}

}  // namespace dnc::client
