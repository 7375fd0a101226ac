#include "common/grpc_target.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace dnc {
namespace {

// "1.2.3.4:50051": four decimal parts and a port.
bool IsIpv4HostPort(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return false;
  }
  for (char c : text.substr(colon + 1)) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  const std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(text.data(), colon), '.');
  if (parts.size() != 4) return false;
  for (absl::string_view part : parts) {
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (!absl::ascii_isdigit(c)) return false;
    }
  }
  return true;
}

// "[::1]:50051".
bool IsIpv6HostPort(std::string_view text) {
  const size_t close = text.find("]:");
  return !text.empty() && text[0] == '[' && close != std::string_view::npos &&
         close + 2 < text.size();
}

}  // namespace

absl::StatusOr<std::string> ChannelTarget(std::string_view server) {
  const std::string text(absl::StripAsciiWhitespace(
      absl::string_view(server.data(), server.size())));
  if (text.empty()) {
    return absl::InvalidArgumentError(
        "no server address (expected HOST:PORT, dns:///NAME:PORT or "
        "IP:PORT,IP:PORT,...)");
  }
  if (text.find(',') == std::string::npos) return text;
  std::vector<std::string> entries =
      absl::StrSplit(text, ',', absl::SkipWhitespace());
  bool all_v4 = true, all_v6 = true;
  for (std::string& entry : entries) {
    entry = std::string(absl::StripAsciiWhitespace(entry));
    all_v4 = all_v4 && IsIpv4HostPort(entry);
    all_v6 = all_v6 && IsIpv6HostPort(entry);
    if (!IsIpv4HostPort(entry) && !IsIpv6HostPort(entry)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "server list '", text, "': '", entry,
          "' is not IP:PORT (a list takes IP literals of one family; for "
          "names use one HOST:PORT or dns:///NAME:PORT, whose DNS answer "
          "lists the replicas)"));
    }
  }
  if (!all_v4 && !all_v6) {
    return absl::InvalidArgumentError(
        absl::StrCat("server list '", text, "' mixes IPv4 and IPv6 addresses"));
  }
  return absl::StrCat(all_v4 ? "ipv4:" : "ipv6:", absl::StrJoin(entries, ","));
}

const std::string& ClientServiceConfig() {
  static const std::string kConfig = R"json({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [
      {"service": "dnc.v1.ScrubService"},
      {"service": "dnc.v1.TenantService", "method": "AddOptOuts"},
      {"service": "dnc.v1.TenantService", "method": "RemoveOptOuts"},
      {"service": "dnc.v1.TenantService", "method": "CheckOptOuts"},
      {"service": "dnc.v1.TenantService", "method": "RevokeConsents"},
      {"service": "dnc.v1.TenantService", "method": "ListConsents"},
      {"service": "dnc.v1.TenantService", "method": "WhoAmI"},
      {"service": "dnc.v1.TenantService", "method": "RecordJobFiles"},
      {"service": "dnc.v1.TenantService", "method": "GetReport"}
    ],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.05s",
      "maxBackoff": "0.5s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})json";
  return kConfig;
}

}  // namespace dnc
