#include "metrics/process_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace dnc::metrics {
namespace {

std::string ReadSmallFile(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Fields 3 onwards of /proc/self/stat (after the parenthesised command,
// which may hold spaces): fields[0] is field 3, the state. See proc(5).
std::vector<std::string> StatFields() {
  const std::string stat = ReadSmallFile("/proc/self/stat");
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return {};
  return absl::StrSplit(stat.substr(paren + 1), ' ', absl::SkipEmpty());
}

bool FieldAt(const std::vector<std::string>& fields, size_t field,
             uint64_t* value) {
  return field >= 3 && field - 3 < fields.size() &&
         absl::SimpleAtoi(fields[field - 3], value);
}

// The system's boot time (unix seconds), "btime" in /proc/stat.
bool BootTime(uint64_t* seconds) {
  std::istringstream in(ReadSmallFile("/proc/stat"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) {
      return absl::SimpleAtoi(line.substr(6), seconds);
    }
  }
  return false;
}

int64_t OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // The directory's own descriptor.
}

}  // namespace

void WriteProcessMetrics(ExpositionWriter* writer) {
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  // /proc/self/statm: size resident shared text lib data dt, in pages.
  const std::vector<std::string> statm =
      absl::StrSplit(ReadSmallFile("/proc/self/statm"), ' ', absl::SkipEmpty());
  uint64_t pages = 0;
  if (statm.size() >= 2 && absl::SimpleAtoi(statm[1], &pages)) {
    writer->Family("process_resident_memory_bytes",
                   "Resident memory size in bytes.", MetricType::kGauge);
    writer->Sample("process_resident_memory_bytes", "",
                   static_cast<double>(pages) * page);
  }
  if (!statm.empty() && absl::SimpleAtoi(statm[0], &pages)) {
    writer->Family("process_virtual_memory_bytes",
                   "Virtual memory size in bytes.", MetricType::kGauge);
    writer->Sample("process_virtual_memory_bytes", "",
                   static_cast<double>(pages) * page);
  }
  const std::vector<std::string> stat = StatFields();
  uint64_t utime = 0, stime = 0, threads = 0, start_ticks = 0, boot = 0;
  if (FieldAt(stat, 14, &utime) && FieldAt(stat, 15, &stime)) {
    writer->Family("process_cpu_seconds_total",
                   "Total user and system CPU time spent in seconds.",
                   MetricType::kCounter);
    writer->Sample("process_cpu_seconds_total", "",
                   static_cast<double>(utime + stime) / ticks);
  }
  if (FieldAt(stat, 20, &threads)) {
    writer->Family("process_threads", "Number of OS threads in the process.",
                   MetricType::kGauge);
    writer->Sample("process_threads", "", threads);
  }
  if (FieldAt(stat, 22, &start_ticks) && BootTime(&boot)) {
    writer->Family("process_start_time_seconds",
                   "Start time of the process since unix epoch in seconds.",
                   MetricType::kGauge);
    writer->Sample(
        "process_start_time_seconds", "",
        static_cast<double>(boot) + static_cast<double>(start_ticks) / ticks);
  }
  const int64_t fds = OpenFds();
  if (fds >= 0) {
    writer->Family("process_open_fds", "Number of open file descriptors.",
                   MetricType::kGauge);
    writer->Sample("process_open_fds", "", fds);
  }
}

}  // namespace dnc::metrics
