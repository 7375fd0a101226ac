// Command-line parsing shared by every binary's thin main: absl flags, read
// from the command line and from flagfiles (--flagfile), with the exit codes
// a person and a script expect. absl::ParseCommandLine exits 1
// both for --help and for an unknown flag; here --help (-h, --helpfull, ...)
// prints the usage and this binary's flags to stdout and exits 0, and every
// usage error prints "PROGRAM: problem" plus a hint to stderr and exits 2.
// CommandLine binds a binary's spec once, so its helpers can report usage
// errors and failures in the program's name from anywhere in the main file.
// Thread-safety: parse once, from main, before starting threads; the error
// reporters are thread-compatible.
#ifndef DNC_COMMON_COMMAND_LINE_H_
#define DNC_COMMON_COMMAND_LINE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dnc {

// The exit codes every binary shares; a binary may add its own from 3 up
// (dnc: some number not callable; dnc-load: nothing to do).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // The work failed; stderr says why.
inline constexpr int kExitUsage = 2;  // Unknown flag, bad value, missing arg.

struct CommandLineSpec {
  std::string program;  // e.g. "dnc-load": prefixes every message.
  std::string usage;    // What --help prints first.
  // --help also lists the flags defined in source files whose name ends
  // with this (e.g. "loader_main.cc"); empty: list none (the usage text
  // documents them itself).
  std::string flags_file_suffix;
};

// What ParseCommandLine found.
struct ParsedCommandLine {
  std::vector<std::string> positional;  // In order.
  bool help = false;  // --help, -h, --helpfull, ...: print usage, exit 0.
};

// Parses `args` (argv[1..]) into the absl flags registered in this binary:
// --name=value, --name value, -name, and --noname / --name for bools; "--"
// ends flags. Flags are applied in order, so a later one wins.
//
// --flagfile FILE (or --flagfile=FILE, any number of times) reads flags from
// FILE where it stands, as absl's flagfiles do: one flag per line, written
// --name=value (or --name / --noname for a bool), leading and trailing
// blanks dropped, the value taken as is (no quotes); blank lines and lines
// starting with '#' ignored; no positional arguments. A flagfile may name
// another (a path relative to the working directory), up to 8 deep, but not
// one it is being read from. Files larger than 1 MiB are refused.
//
// --log_format text|json (defined here, so every binary has it) takes effect
// as soon as it is parsed: SetLogFormat (common/logging.h).
//
// Errors: InvalidArgument whose message names the flag and value, and for a
// flagfile's line, "FILE:LINE: " first.
absl::StatusOr<ParsedCommandLine> ParseCommandLine(
    const std::vector<std::string>& args);

// ParseCommandLine(argv[1..]), then: prints the help (spec.usage and the
// flags) to stdout and exits 0 when asked; exits kExitUsage with
// ExitWithUsageError on an error. Returns the positional arguments. A
// --log_format on the command line applies to errors in flags before it too.
std::vector<std::string> ParseCommandLineOrExit(int argc, char** argv,
                                                const CommandLineSpec& spec);

// Prints "PROGRAM: message" and "Try 'PROGRAM --help'." to stderr and exits
// kExitUsage. With --log_format json, one JSON line instead (event
// "usage_error", the hint in field "hint").
[[noreturn]] void ExitWithUsageError(const CommandLineSpec& spec,
                                     const std::string& message);

// Prints "WHO: message" on stderr (with --log_format json, one JSON line:
// event "error", field "program").
void PrintError(absl::string_view who, absl::string_view message);

// PrintError, then kExitError, so that a failed step reads
// `return FailWith("dnc-load", status.message());`.
int FailWith(absl::string_view who, absl::string_view message);

// One binary's command line: its spec, parsing, and its error reports.
//   const CommandLine& Cli() {
//     static const CommandLine* cli = new CommandLine({"dnc-tenant", ...});
//     return *cli;
//   }
//   int Main(int argc, char** argv) {
//     const std::vector<std::string> args = Cli().Parse(argc, argv);
//     if (args.empty()) Cli().UsageError("missing command");
//     absl::Status done = DoTheWork(args);
//     return done.ok() ? kExitOk : Cli().Fail(done);
//   }
class CommandLine {
 public:
  explicit CommandLine(CommandLineSpec spec) : spec_(std::move(spec)) {}

  const CommandLineSpec& spec() const { return spec_; }

  // ParseCommandLineOrExit with this spec.
  std::vector<std::string> Parse(int argc, char** argv) const {
    return ParseCommandLineOrExit(argc, argv, spec_);
  }
  // ExitWithUsageError with this spec.
  [[noreturn]] void UsageError(const std::string& message) const {
    ExitWithUsageError(spec_, message);
  }
  // "PROGRAM: message" on stderr.
  void PrintError(absl::string_view message) const {
    dnc::PrintError(spec_.program, message);
  }
  // PrintError, then kExitError.
  int Fail(absl::string_view message) const {
    return FailWith(spec_.program, message);
  }
  int Fail(const absl::Status& status) const { return Fail(status.message()); }

 private:
  const CommandLineSpec spec_;
};

}  // namespace dnc

#endif  // DNC_COMMON_COMMAND_LINE_H_
