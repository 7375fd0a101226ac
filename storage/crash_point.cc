#include "storage/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace dnc::storage {
namespace {

// The armed point, read once; empty when the hook is off.
const std::string& ArmedName() {
  static const std::string* const kArmed = [] {
    const char* value = std::getenv(kCrashPointEnv);
    return new std::string(value != nullptr ? value : "");
  }();
  return *kArmed;
}

}  // namespace

bool CrashPointArmed(std::string_view name) {
  const std::string& armed = ArmedName();
  return !armed.empty() && armed == name;
}

void CrashPoint(std::string_view name) {
  if (!CrashPointArmed(name)) return;
  // One line so a test can tell the point was reached (stderr is unbuffered).
  std::fprintf(stderr, "%s=%s: killing this process (SIGKILL)\n",
               kCrashPointEnv, ArmedName().c_str());
  ::raise(SIGKILL);
  ::_exit(137);  // Not reached.
}

}  // namespace dnc::storage
