// Where the `dnc` CLI finds the tenant's API key: the --api_key flag, else
// the first line of the --api_key_file file, else the environment variable
// DNC_API_KEY. Keys are made by `dnc-tenant create` / `key-create` and sent
// as gRPC metadata `x-api-key` (see client/scrub_client.h).
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_CLIENT_API_KEY_H_
#define DNC_CLIENT_API_KEY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dnc::client {

inline constexpr char kApiKeyEnv[] = "DNC_API_KEY";

// The key to send, surrounding whitespace trimmed; "" when none is given
// (a server run with --auth=none needs none). `env_value` is the
// environment's DNC_API_KEY, nullptr when unset. Errors: InvalidArgument
// (both --api_key and --api_key_file given; a key with characters other
// than printable ASCII, which gRPC metadata cannot carry; an empty key
// file), NotFound (the key file cannot be read, naming it).
absl::StatusOr<std::string> ResolveApiKey(std::string_view flag_value,
                                          std::string_view file_flag,
                                          const char* env_value);

}  // namespace dnc::client

#endif  // DNC_CLIENT_API_KEY_H_
