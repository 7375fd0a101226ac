#include "http/api_params.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "policy/policy.h"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

absl::string_view View(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string PurposeChoices() {
  return "use commercial, charity, political or survey (or 1-4), or leave it "
         "out for the tenant's default";
}

}  // namespace

absl::StatusOr<int> CheckPurposeNumber(std::string_view field, int64_t value) {
  if (value >= 1 && value <= static_cast<int>(policy::Purpose::kSurvey)) {
    return static_cast<int>(value);
  }
  if (value == 0) return 0;
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), " ", value,
                                                 " is not a known purpose; ",
                                                 PurposeChoices()));
}

absl::StatusOr<int> ParsePurposeText(std::string_view field,
                                     std::string_view text) {
  if (text.empty()) return 0;
  if (AllDigits(text) && text.size() <= 2) {
    int value = 0;
    if (absl::SimpleAtoi(View(text), &value))
      return CheckPurposeNumber(field, value);
  }
  policy::Purpose purpose;
  if (policy::ParsePurpose(text, &purpose)) return static_cast<int>(purpose);
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), " '", service::EchoValue(text),
                   "' is not a known purpose; ", PurposeChoices()));
}

absl::StatusOr<int64_t> CheckNowSeconds(std::string_view field, int64_t value) {
  if (value == 0) return 0;
  if (value >= service::kMinNowUnixSeconds &&
      value < service::kEndNowUnixSeconds) {
    return value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(field), " ", value,
      " is out of range: leave it out (or 0) for the server's clock, or give "
      "unix seconds from ",
      service::kMinNowUnixSeconds,
      " (2000-01-01T00:00:00Z) up to but excluding ",
      service::kEndNowUnixSeconds,
      " (2100-01-01T00:00:00Z), or an RFC 3339 time in that range"));
}

absl::StatusOr<int64_t> ParseNowText(std::string_view field,
                                     std::string_view text) {
  if (text.empty()) return 0;
  const bool negative = text[0] == '-';
  if (AllDigits(negative ? text.substr(1) : text)) {
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(View(text), &seconds)) {
      return CheckNowSeconds(field,
                             negative ? -1 : service::kEndNowUnixSeconds);
    }
    return CheckNowSeconds(field, seconds);
  }
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), " '", service::EchoValue(text),
                     "' is neither unix seconds nor an RFC 3339 time such as "
                     "2026-02-06T15:00:00Z"));
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  // A time that rounds to 0 is still a time, never "the server's clock".
  if (seconds == 0) return CheckNowSeconds(field, -1);
  return CheckNowSeconds(field, seconds);
}

absl::StatusOr<uint64_t> ParseUnsignedText(std::string_view field,
                                           std::string_view text) {
  uint64_t value = 0;
  if (AllDigits(text) && absl::SimpleAtoi(View(text), &value)) return value;
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(field), " '", service::EchoValue(text),
                   "' is not a non-negative integer below 2^64"));
}

absl::StatusOr<const tenant::Tenant*> AuthenticateRequest(
    const ApiContext& api, const HttpRequest& request,
    const std::string* query_key) {
  const std::string* header = request.FindHeader(service::kApiKeyMetadata);
  const std::string* key = header;
  if (query_key != nullptr) {
    if (key == nullptr) {
      key = query_key;
    } else if (*query_key != *header) {
      return absl::UnauthenticatedError(
          "the x-api-key header and the api_key parameter differ; send the "
          "key once");
    }
  }
  if (api.auth->required() && (key == nullptr || key->empty())) {
    return absl::UnauthenticatedError(
        query_key != nullptr ? "missing x-api-key header (or api_key parameter)"
                             : "missing x-api-key header");
  }
  const std::string_view view =
      key == nullptr ? std::string_view() : std::string_view(*key);
  return api.auth->AuthenticateKey(key == nullptr ? nullptr : &view);
}

}  // namespace dnc::http
