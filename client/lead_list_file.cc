#include "client/lead_list_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/input_file.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_input.h"

namespace dnc::client {

using leadlist::CsvWriter;
using leadlist::InputOptions;
using leadlist::LeadListInput;
using leadlist::LeadListOptions;
using leadlist::LeadListResult;
using leadlist::ScrubLeadList;

namespace {

// NotFound for a missing input; InvalidArgument when the output is the
// input (by name, or by device and inode through another name or a link).
absl::Status CheckPaths(const std::string& input_path,
                        const std::string& output_path) {
  if (input_path.empty() || output_path.empty()) {
    return absl::InvalidArgumentError(
        "scrub: input and output paths are required");
  }
  const bool from_stdin = input_path == "-";
  struct stat in_stat {};
  if (!from_stdin && ::stat(input_path.c_str(), &in_stat) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot open input ", input_path,
                                            ": ", std::strerror(errno)));
  }
  if (from_stdin || output_path == "-") return absl::OkStatus();
  struct stat out_stat {};
  if (output_path == input_path ||
      (::stat(output_path.c_str(), &out_stat) == 0 &&
       out_stat.st_dev == in_stat.st_dev &&
       out_stat.st_ino == in_stat.st_ino)) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to overwrite the input file ", input_path,
                     " with the output: choose another output file (-o)"));
  }
  return absl::OkStatus();
}

// Fails fast before reading anything, and respects the server's batch
// limit (a server without Status is let be).
absl::Status FitToServer(ScrubClient* client, LeadListOptions* options) {
  absl::StatusOr<ServerStatus> server_status = client->GetStatus();
  if (server_status.ok()) {
    if (server_status->max_batch_entries > 0 &&
        options->chunk_rows > server_status->max_batch_entries) {
      options->chunk_rows = server_status->max_batch_entries;
    }
    return absl::OkStatus();
  }
  if (server_status.status().code() == absl::StatusCode::kUnimplemented) {
    return absl::OkStatus();
  }
  return server_status.status();
}

// Closes the temporary output and renames it into place when everything
// went well; removes it otherwise. The first error wins.
absl::Status CommitOutput(std::FILE* out, const std::string& temp_path,
                          const std::string& output_path,
                          const absl::Status& scrubbed) {
  absl::Status closed;
  if (std::fclose(out) != 0) {
    closed = absl::DataLossError(
        absl::StrCat("closing output ", temp_path, ": ", std::strerror(errno)));
  }
  if (scrubbed.ok() && closed.ok() &&
      std::rename(temp_path.c_str(), output_path.c_str()) != 0) {
    closed = absl::DataLossError(absl::StrCat("renaming ", temp_path, " to ",
                                              output_path, ": ",
                                              std::strerror(errno)));
  }
  if (scrubbed.ok() && closed.ok()) return absl::OkStatus();
  std::remove(temp_path.c_str());
  return scrubbed.ok() ? closed : scrubbed;
}

}  // namespace

absl::StatusOr<LeadListResult> ScrubLeadListFile(ScrubClient* client,
                                                 const std::string& input_path,
                                                 const std::string& output_path,
                                                 LeadListOptions options,
                                                 InputOptions input_options) {
  absl::Status checked = CheckPaths(input_path, output_path);
  if (checked.ok()) checked = FitToServer(client, &options);
  if (!checked.ok()) return checked;

  const bool from_stdin = input_path == "-";
  const bool to_stdout = output_path == "-";
  absl::StatusOr<std::unique_ptr<std::istream>> in = OpenInputFile(input_path);
  if (!in.ok()) return in.status();
  if (input_options.name.empty()) {
    input_options.name = from_stdin ? "stdin" : input_path;
  }
  // Sniffed before the output exists: a format error leaves nothing behind.
  absl::StatusOr<std::unique_ptr<LeadListInput>> input =
      LeadListInput::Open(in->get(), input_options);
  if (!input.ok()) return input.status();
  std::FILE* out = stdout;
  std::string temp_path;
  if (!to_stdout) {
    temp_path = absl::StrCat(output_path, ".tmp-", ::getpid());
    out = std::fopen(temp_path.c_str(), "wb");
    if (out == nullptr) {
      const int err = errno;
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot create output ", temp_path, ": ", std::strerror(err)));
    }
  }
  absl::StatusOr<LeadListResult> result;
  absl::Status flushed;
  {
    CsvWriter writer(out);
    result = ScrubLeadList((*input)->csv(), &writer,
                           [client] { return client->OpenStream(); }, options);
    if (result.ok()) result->format = (*input)->format();
    flushed = writer.Flush();
  }
  const absl::Status scrubbed = !result.ok() ? result.status() : flushed;
  if (!to_stdout) {
    const absl::Status committed =
        CommitOutput(out, temp_path, output_path, scrubbed);
    if (!committed.ok()) return committed;
  }
  if (!scrubbed.ok()) return scrubbed;
  return result;
}

}  // namespace dnc::client
