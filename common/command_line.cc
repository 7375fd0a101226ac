#include "common/command_line.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <system_error>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/logging.h"

ABSL_FLAG(std::string, log_format, "text",
          "How log lines on stderr are written: text (for a person: level, "
          "UTC time, file:line, message, then any event and fields) or json "
          "(one JSON object per line: time, level, event, message, caller "
          "and the event's fields; docs/operations.md lists the events).");

namespace dnc {
namespace {

constexpr char kFlagFileFlag[] = "flagfile";
constexpr int kMaxFlagFileDepth = 8;
constexpr size_t kMaxFlagFileBytes = size_t{1} << 20;

bool IsHelpFlag(const std::string& name) {
  return name == "help" || name == "h" || name == "helpshort" ||
         name == "helpfull" || name == "?";
}

void PrintFlag(const absl::CommandLineFlag& flag) {
  std::cout << "  --" << flag.Name() << " (default: '" << flag.DefaultValue()
            << "')\n      " << flag.Help() << "\n";
}

void PrintHelp(const CommandLineSpec& spec) {
  std::cout << spec.usage << "\n";
  if (!spec.flags_file_suffix.empty()) {
    std::vector<absl::CommandLineFlag*> flags;
    for (const auto& [name, flag] : absl::GetAllFlags()) {
      if (absl::EndsWith(flag->Filename(), spec.flags_file_suffix)) {
        flags.push_back(flag);
      }
    }
    std::sort(
        flags.begin(), flags.end(),
        [](const absl::CommandLineFlag* a, const absl::CommandLineFlag* b) {
          return a->Name() < b->Name();
        });
    std::cout << "\nFlags:\n";
    for (const absl::CommandLineFlag* flag : flags) PrintFlag(*flag);
  }
  std::cout << "\nFlags every dnc program takes:\n"
               "  --flagfile FILE (any number of times)\n"
               "      Read flags from FILE where it stands: one --name=value "
               "per line (a bool as\n      --name or --noname), blank lines "
               "and lines starting with # ignored;\n      flags after it "
               "override it.\n";
  if (const absl::CommandLineFlag* log_format =
          absl::FindCommandLineFlag("log_format")) {
    PrintFlag(*log_format);
  }
  std::cout << std::flush;
}

// The arguments of one parse, applied in order.
class FlagParser {
 public:
  absl::StatusOr<ParsedCommandLine> Parse(
      const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg == "--") {
        result_.positional.insert(result_.positional.end(),
                                  args.begin() + i + 1, args.end());
        break;
      }
      if (arg.size() < 2 || arg[0] != '-') {
        result_.positional.push_back(arg);
        continue;
      }
      const auto next = [&]() -> std::optional<std::string> {
        if (i + 1 >= args.size()) return std::nullopt;
        return args[++i];
      };
      absl::Status applied = ApplyFlag(arg, next, /*where=*/"");
      if (!applied.ok()) return applied;
      if (result_.help) break;  // Help is printed whatever follows.
    }
    return std::move(result_);
  }

 private:
  // Applies "--name[=value]" (or "-name..."). `next` takes the following
  // argument as the value ("--name value"); it returns nullopt in a
  // flagfile, where a value must follow '='. `where` prefixes errors.
  absl::Status ApplyFlag(
      const std::string& arg,
      const std::function<std::optional<std::string>()>& next,
      const std::string& where) {
    const std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t equals = body.find('=');
    const std::string name = body.substr(0, equals);
    std::optional<std::string> value;
    if (equals != std::string::npos) value = body.substr(equals + 1);
    if (IsHelpFlag(name)) {
      result_.help = true;
      return absl::OkStatus();
    }
    if (!where.empty() && name.find_first_of(" \t") != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "'", arg, "': write one flag per line as --name=value"));
    }
    if (name == kFlagFileFlag) {
      if (!value) value = next();
      if (!value || value->empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, "flag --flagfile needs a file name"));
      }
      return ReadFlagFile(*value, where);
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
      return absl::InvalidArgumentError(
          absl::StrCat(where, "unknown flag '", arg, "'"));
    }
    if (!value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else {
        value = next();
      }
      if (!value) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, "flag --", name, " needs a value",
            where.empty() ? "" : absl::StrCat(": write --", name, "=VALUE")));
      }
    }
    std::string error;
    if (!flag->ParseFrom(*value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "bad value '", *value, "' for --", name, ": ", error));
    }
    if (flag->Name() == "log_format") {
      LogFormat format;
      if (!ParseLogFormat(*value, &format)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, "bad value '", *value, "' for --log_format: text or json"));
      }
      SetLogFormat(format);
    }
    return absl::OkStatus();
  }

  // Reads `path` and applies its flags, one per line. `where` names the
  // line that named it ("" on the command line).
  absl::Status ReadFlagFile(const std::string& path, const std::string& where) {
    const auto cannot = [&](const std::string& why) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "cannot read --flagfile ", path, ": ", why));
    };
    if (open_files_.size() >= kMaxFlagFileDepth) {
      return cannot(absl::StrCat("flagfiles nest more than ", kMaxFlagFileDepth,
                                 " deep"));
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      return cannot("it is a directory");
    }
    const std::filesystem::path canonical =
        std::filesystem::weakly_canonical(path, ec);
    const std::string identity = ec ? path : canonical.string();
    if (std::find(open_files_.begin(), open_files_.end(), identity) !=
        open_files_.end()) {
      return cannot(
          "it is already being read (a flagfile that includes "
          "itself)");
    }
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return cannot(std::strerror(errno));
    std::string text;
    char buffer[8192];
    size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
      text.append(buffer, got);
      if (text.size() > kMaxFlagFileBytes) break;
    }
    const bool failed = std::ferror(file) != 0;
    const int read_errno = errno;
    std::fclose(file);
    if (failed) return cannot(std::strerror(read_errno));
    if (text.size() > kMaxFlagFileBytes) {
      return cannot(absl::StrCat("larger than ", kMaxFlagFileBytes,
                                 " bytes; a flagfile holds flags"));
    }

    open_files_.push_back(identity);
    int line_number = 0;
    for (absl::string_view raw : absl::StrSplit(text, '\n')) {
      ++line_number;
      const std::string line(absl::StripAsciiWhitespace(raw));
      if (line.empty() || line[0] == '#') continue;
      const std::string here = absl::StrCat(path, ":", line_number, ": ");
      if (line.size() < 2 || line[0] != '-' || line == "--") {
        return absl::InvalidArgumentError(absl::StrCat(
            here, "expected one flag per line, as --name=value, not '", line,
            "'"));
      }
      absl::Status applied = ApplyFlag(
          line, [] { return std::optional<std::string>(); }, here);
      if (!applied.ok()) return applied;
      if (result_.help) break;
    }
    open_files_.pop_back();
    return absl::OkStatus();
  }

  ParsedCommandLine result_;
  // The flagfiles being read, outermost first (canonical paths).
  std::vector<std::string> open_files_;
};

// Sets the log format from a --log_format on the command line before
// anything is parsed, so that an error in a flag before it is reported in the
// format asked for too. (ParseCommandLine sets it again where it stands.)
void PresetLogFormat(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--") && !absl::ConsumePrefix(&arg, "-")) {
      continue;
    }
    if (!absl::ConsumePrefix(&arg, "log_format")) continue;
    std::string value;
    if (absl::ConsumePrefix(&arg, "=")) {
      value = std::string(arg);
    } else if (arg.empty() && i + 1 < args.size()) {
      value = args[i + 1];
    } else {
      continue;
    }
    LogFormat format;
    if (ParseLogFormat(value, &format)) SetLogFormat(format);
  }
}

}  // namespace

void ExitWithUsageError(const CommandLineSpec& spec,
                        const std::string& message) {
  const std::string hint = absl::StrCat("Try '", spec.program, " --help'.");
  if (GetLogFormat() == LogFormat::kJson) {
    DNC_LOG(Error)
            .Event("usage_error")
            .Field("program", spec.program)
            .Field("hint", hint)
        << message;
  } else {
    std::cerr << spec.program << ": " << message << "\n" << hint << "\n";
  }
  std::exit(kExitUsage);
}

void PrintError(absl::string_view who, absl::string_view message) {
  if (GetLogFormat() == LogFormat::kJson) {
    DNC_LOG(Error).Event("error").Field("program", who) << message;
  } else {
    std::cerr << who << ": " << message << std::endl;
  }
}

int FailWith(absl::string_view who, absl::string_view message) {
  PrintError(who, message);
  return kExitError;
}

absl::StatusOr<ParsedCommandLine> ParseCommandLine(
    const std::vector<std::string>& args) {
  return FlagParser().Parse(args);
}

std::vector<std::string> ParseCommandLineOrExit(int argc, char** argv,
                                                const CommandLineSpec& spec) {
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  PresetLogFormat(args);
  absl::StatusOr<ParsedCommandLine> parsed = ParseCommandLine(args);
  if (!parsed.ok()) {
    ExitWithUsageError(spec, std::string(parsed.status().message()));
  }
  if (parsed->help) {
    PrintHelp(spec);
    std::exit(kExitOk);
  }
  return std::move(parsed->positional);
}

}  // namespace dnc
