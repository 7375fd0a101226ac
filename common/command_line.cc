#include "common/command_line.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dnc {
namespace {

void PrintHelp(const CommandLineSpec& spec) {
  std::cout << spec.usage << "\n";
  if (spec.flags_file_suffix.empty()) return;
  std::vector<absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::EndsWith(flag->Filename(), spec.flags_file_suffix)) {
      flags.push_back(flag);
    }
  }
  std::sort(flags.begin(), flags.end(),
            [](const absl::CommandLineFlag* a, const absl::CommandLineFlag* b) {
              return a->Name() < b->Name();
            });
  std::cout << "\nFlags:\n";
  for (const absl::CommandLineFlag* flag : flags) {
    std::cout << "  --" << flag->Name() << " (default: '"
              << flag->DefaultValue() << "')\n      " << flag->Help() << "\n";
  }
  std::cout << std::flush;
}

}  // namespace

void ExitWithUsageError(const CommandLineSpec& spec,
                        const std::string& message) {
  std::cerr << spec.program << ": " << message << "\nTry '" << spec.program
            << " --help'.\n";
  std::exit(kExitUsage);
}

void PrintError(absl::string_view who, absl::string_view message) {
  std::cerr << who << ": " << message << std::endl;
}

int FailWith(absl::string_view who, absl::string_view message) {
  PrintError(who, message);
  return kExitError;
}

std::vector<std::string> ParseCommandLineOrExit(int argc, char** argv,
                                                const CommandLineSpec& spec) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) positional.push_back(argv[i]);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    const std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t equals = body.find('=');
    const std::string name = body.substr(0, equals);
    std::optional<std::string> value;
    if (equals != std::string::npos) value = body.substr(equals + 1);
    if (name == "help" || name == "h" || name == "helpshort" ||
        name == "helpfull" || name == "?") {
      PrintHelp(spec);
      std::exit(0);
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && absl::StartsWith(name, "no") && !value) {
      absl::CommandLineFlag* negated =
          absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) {
        flag = negated;
        value = "false";
      }
    }
    if (flag == nullptr) {
      ExitWithUsageError(spec, absl::StrCat("unknown flag '", arg, "'"));
    }
    if (!value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        ExitWithUsageError(spec,
                           absl::StrCat("flag --", name, " needs a value"));
      }
    }
    std::string error;
    if (!flag->ParseFrom(*value, &error)) {
      ExitWithUsageError(spec, absl::StrCat("bad value '", *value, "' for --",
                                            name, ": ", error));
    }
  }
  return positional;
}

}  // namespace dnc
