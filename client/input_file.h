// Opens a file named on the command line ("-" = stdin) as a binary
// std::istream, for leadlist::LeadListInput (which reads it forward only).
// Thread-safety: thread-compatible.
#ifndef DNC_CLIENT_INPUT_FILE_H_
#define DNC_CLIENT_INPUT_FILE_H_

#include <istream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace dnc::client {

// Errors: NotFound "cannot open input PATH: <why>".
absl::StatusOr<std::unique_ptr<std::istream>> OpenInputFile(
    const std::string& path);

}  // namespace dnc::client

#endif  // DNC_CLIENT_INPUT_FILE_H_
