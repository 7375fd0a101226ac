// Command-line parsing shared by every binary's thin main: absl flags, with
// the exit codes a person and a script expect. absl::ParseCommandLine exits 1
// both for --help and for an unknown flag; here --help (-h, --helpfull, ...)
// prints the usage and this binary's flags to stdout and exits 0, and every
// usage error prints "PROGRAM: problem" plus a hint to stderr and exits 2.
// Thread-safety: call once, from main, before starting threads.
#ifndef DNC_COMMON_COMMAND_LINE_H_
#define DNC_COMMON_COMMAND_LINE_H_

#include <string>
#include <vector>

namespace dnc {

inline constexpr int kExitUsage = 2;

struct CommandLineSpec {
  std::string program;  // e.g. "dnc-load": prefixes every message.
  std::string usage;    // What --help prints first.
  // --help also lists the flags defined in source files whose name ends
  // with this (e.g. "loader_main.cc"); empty: list none (the usage text
  // documents them itself).
  std::string flags_file_suffix;
};

// Parses argv[1..] into the absl flags registered in this binary: --name=value,
// --name value, -name, and --noname / --name for bools; "--" ends flags.
// Returns the positional arguments in order. Exits 0 after printing help;
// exits kExitUsage on an unknown flag, a missing or bad value.
std::vector<std::string> ParseCommandLineOrExit(int argc, char** argv,
                                                const CommandLineSpec& spec);

// Prints "PROGRAM: message" and "Try 'PROGRAM --help'." to stderr and exits
// kExitUsage.
[[noreturn]] void ExitWithUsageError(const CommandLineSpec& spec,
                                     const std::string& message);

}  // namespace dnc

#endif  // DNC_COMMON_COMMAND_LINE_H_
