#include "client/api_key.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dnc::client {
namespace {

absl::StatusOr<std::string> Checked(std::string key, std::string_view where) {
  for (const char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the API key from ", std::string(where),
          " holds a character that is not printable ASCII (keys look like "
          "dnc_...; copy it again from `dnc-tenant create`)"));
    }
  }
  return key;
}

}  // namespace

absl::StatusOr<std::string> ResolveApiKey(std::string_view flag_value,
                                          std::string_view file_flag,
                                          const char* env_value) {
  if (!flag_value.empty() && !file_flag.empty()) {
    return absl::InvalidArgumentError(
        "give the API key with --api_key or --api_key_file, not both");
  }
  if (!flag_value.empty()) {
    return Checked(std::string(absl::StripAsciiWhitespace(absl::string_view(
                       flag_value.data(), flag_value.size()))),
                   "--api_key");
  }
  if (!file_flag.empty()) {
    const std::string path(file_flag);
    std::ifstream in(path);
    if (!in) {
      return absl::NotFoundError(absl::StrCat(
          "cannot read the API key file ", path, ": ", std::strerror(errno)));
    }
    std::string line;
    std::getline(in, line);
    std::string key(absl::StripAsciiWhitespace(line));
    if (key.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the API key file ", path,
          " has an empty first line (expected the key from `dnc-tenant "
          "create`)"));
    }
    return Checked(std::move(key), path);
  }
  if (env_value != nullptr) {
    return Checked(std::string(absl::StripAsciiWhitespace(env_value)),
                   kApiKeyEnv);
  }
  return std::string();
}

}  // namespace dnc::client
