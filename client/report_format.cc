#include "client/report_format.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/scrub_client.h"
#include "common/phone_number.h"
#include "leadlist/text_format.h"
#include "proto/report_json.h"

namespace dnc::client {

using leadlist::FormatCount;
using leadlist::FormatDispositionShare;

namespace {

std::string Lower(std::string_view text) {
  return absl::AsciiStrToLower(absl::string_view(text.data(), text.size()));
}

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

struct NamedValue {
  int value;
  const char* name;
};

// The purposes a caller may name ("default" is PURPOSE_UNSPECIFIED's name,
// not a purpose one can ask for).
constexpr NamedValue kPurposes[] = {{v1::COMMERCIAL, "commercial"},
                                    {v1::CHARITY, "charity"},
                                    {v1::POLITICAL, "political"},
                                    {v1::SURVEY, "survey"}};

// The first name of a value is the one printed; the others are accepted.
constexpr NamedValue kConsentTypes[] = {
    {v1::CONSENT_PURCHASE, "purchase"},
    {v1::CONSENT_INQUIRY, "inquiry"},
    {v1::CONSENT_WRITTEN, "written-consent"},
    {v1::CONSENT_WRITTEN, "written"},
    {v1::CONSENT_WRITTEN, "written_consent"}};

template <size_t N>
const char* NameOf(const NamedValue (&table)[N], int value) {
  for (const NamedValue& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return nullptr;
}

// ASCII case-insensitive.
template <size_t N>
bool ValueOf(const NamedValue (&table)[N], std::string_view text, int* value) {
  const std::string name = Lower(text);
  for (const NamedValue& entry : table) {
    if (name == entry.name) {
      *value = entry.value;
      return true;
    }
  }
  return false;
}

// "  label            value\n": the value starts at column 19.
void AppendField(std::string* out, std::string_view label,
                 const std::string& value) {
  absl::StrAppendFormat(out, "%-19s%s\n", label, value);
}

}  // namespace

std::string PurposeName(int purpose) {
  if (purpose == v1::PURPOSE_UNSPECIFIED) return "default";
  const char* name = NameOf(kPurposes, purpose);
  return name != nullptr ? name : absl::StrCat(purpose);
}

bool ParsePurposeName(std::string_view text, int* purpose) {
  return ValueOf(kPurposes, text, purpose);
}

std::string ConsentTypeName(int type) {
  const char* name = NameOf(kConsentTypes, type);
  return name != nullptr ? name : absl::StrCat("type ", type);
}

bool ParseConsentTypeName(std::string_view text, int* type) {
  return ValueOf(kConsentTypes, text, type);
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
  std::string out = "Scrub certificate\n";
  AppendField(&out, "  job", report.job_id());
  AppendField(&out, "  tenant", report.tenant());
  AppendField(&out, "  first request", OrDash(report.first_request_at()));
  AppendField(&out, "  last request", OrDash(report.last_request_at()));
  AppendField(&out, "  requests", FormatCount(report.requests()));
  AppendField(&out, "  numbers", FormatCount(report.numbers()));
  AppendField(&out, "  purpose", PurposeName(report.purpose()));
  AppendField(&out, "  entitlements",
              FormatEntitlementList(report.entitlements()));
  absl::StrAppend(&out, "Counts by disposition:\n");
  uint64_t total = 0;
  for (const v1::DispositionCount& count : report.counts()) {
    total += count.count();
  }
  for (const v1::DispositionCount& count : report.counts()) {
    absl::StrAppend(&out, FormatDispositionShare(count.disposition(),
                                                 count.count(), total));
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
  AppendField(&out, "  numbers sha256", OrDash(report.numbers_sha256()));
  AppendField(&out, "  answers sha256", OrDash(report.answers_sha256()));
  AppendField(&out, "Server version", OrDash(report.server_version()));
  return out;
}

absl::StatusOr<std::string> FormatReportJson(const v1::ScrubReport& report) {
  return ScrubReportJson(report);
}

}  // namespace dnc::client
