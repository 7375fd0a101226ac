#include "bench/load_gen.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/nanp_exchange_model.h"
#include "common/phone_number.h"

namespace dnc::bench {
namespace {

// splitmix64: identical on every platform, so a seed means the same data
// everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

// Real, assigned US geographic area codes, in an order that mixes regions so
// a small registry is not all one state.
constexpr int kAreaCodes[] = {
    212, 213, 312, 415, 202, 305, 404, 617, 713, 206, 303, 602, 214, 702, 503,
    512, 801, 808, 917, 919, 201, 718, 972, 816, 314, 412, 216, 513, 614, 317,
    414, 612, 504, 615, 901, 502, 804, 757, 704, 843, 803, 864, 912, 904, 813,
    727, 407, 561, 954, 786, 850, 251, 205, 256, 334, 601, 662, 318, 337, 225,
    501, 479, 870, 405, 918, 580, 316, 785, 620, 913, 402, 308, 605, 701, 406,
    307, 208, 509, 360, 253, 425, 541, 458, 971, 775, 435, 385, 505, 575, 520,
    928, 480, 623, 909, 951, 760, 619, 858, 949, 714, 562, 310, 323, 818, 626,
    661, 805, 831, 408, 650, 510, 925, 209, 559, 916, 530, 707, 907, 719, 720,
    970, 432, 915, 806, 817, 940, 903, 430, 936, 409, 281, 832, 346, 979, 361,
    956, 830, 210, 726, 254, 325, 469, 682, 737, 219, 260, 574, 765, 812, 930,
    217, 309, 618, 630, 708, 773, 815, 847, 872, 224, 331, 779, 262, 608, 715,
    920, 218, 320, 507, 651, 763, 952, 319, 515, 563, 641, 712, 660, 417, 573,
    636, 231, 248, 269, 313, 517, 586, 616, 734, 810, 906, 947, 989, 234, 330,
    380, 419, 440, 567, 740, 937, 270, 364, 606, 859, 423, 731, 865, 931, 229,
    478, 678, 706, 762, 770, 239, 321, 352, 386, 561, 772, 863, 941, 252, 336,
    828, 910, 980, 984, 276, 434, 540, 571, 703, 304, 681, 240, 301, 410, 443,
    667, 302, 215, 267, 272, 484, 570, 610, 717, 724, 814, 878, 609, 732, 848,
    856, 862, 908, 973, 315, 347, 516, 518, 585, 607, 631, 646, 716, 845, 914,
    929, 203, 475, 860, 959, 401, 413, 508, 774, 781, 339, 351, 978, 603, 207,
    802};

constexpr uint64_t kNumbersPerAreaCode = 1'000'000;

std::vector<int> UsableAreaCodes() {
  std::vector<int> codes;
  for (int code : kAreaCodes) {
    // Guard against a typo in the list: the server must find these valid.
    const uint64_t probe = 10'000'000'000ULL + code * 10'000'000ULL + 2'345'678;
    if (!ClassifyE164(probe).valid()) continue;
    if (std::find(codes.begin(), codes.end(), code) != codes.end()) continue;
    codes.push_back(code);
  }
  return codes;
}

// A valid number in one of the first `area_codes` codes.
uint64_t RandomNumber(Rng& rng, const std::vector<int>& codes,
                      size_t area_codes) {
  const int npa = codes[rng.Below(area_codes)];
  int nxx, line;
  do {
    nxx = 200 + static_cast<int>(rng.Below(800));
    line = static_cast<int>(rng.Below(10000));
  } while (nxx % 100 == 11 || (nxx == 555 && line >= 100 && line <= 199));
  return 10'000'000'000ULL + npa * 10'000'000ULL + nxx * 10'000ULL + line;
}

size_t AreaCodesFor(uint64_t count, size_t available) {
  const uint64_t wanted = std::max<uint64_t>(
      1, (count + kNumbersPerAreaCode - 1) / kNumbersPerAreaCode);
  return static_cast<size_t>(std::min<uint64_t>(wanted, available));
}

constexpr char kKeyFileMagic[8] = {'D', 'N', 'C', 'B', 'K', 'E', 'Y', '1'};
struct KeyFileHeader {
  char magic[8];
  uint64_t count;
  uint64_t hits;
  uint64_t seed;
  uint64_t has_flags;
};

absl::Status ErrnoStatus(const std::string& what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

std::vector<uint64_t> GenerateRegistry(uint64_t count, uint64_t seed) {
  const std::vector<int> codes = UsableAreaCodes();
  const size_t area_codes = AreaCodesFor(count, codes.size());
  Rng rng(seed);
  std::vector<uint64_t> numbers;
  numbers.reserve(count + count / 32 + 64);
  while (numbers.size() < count) {
    const uint64_t missing = count - numbers.size();
    for (uint64_t i = 0; i < missing + missing / 50 + 16; ++i) {
      numbers.push_back(RandomNumber(rng, codes, area_codes));
    }
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  }
  // Drop a random surplus so the count is exact (keeps the distribution).
  uint64_t surplus = numbers.size() - count;
  while (surplus > 0) {
    uint64_t& victim = numbers[rng.Below(numbers.size())];
    if (victim != 0) {
      victim = 0;
      --surplus;
    }
  }
  numbers.erase(std::remove(numbers.begin(), numbers.end(), 0ULL),
                numbers.end());
  return numbers;
}

absl::StatusOr<std::vector<uint64_t>> GenerateExchangeRegistry(
    const std::string& exchanges_path, uint64_t count, uint64_t seed,
    std::vector<int>* exchanges) {
  namespace model = nanp_model;
  std::vector<model::Exchange> listed;
  model::Plan plan;
  std::string error;
  if (!model::ReadExchanges(exchanges_path, &listed, &error) ||
      !model::MakePlan(std::move(listed), count, seed, &plan, &error)) {
    return absl::InvalidArgumentError(error);
  }
  std::vector<uint64_t> numbers;
  numbers.reserve(count);
  model::ForEachNumber(plan, [&numbers](uint64_t national) {
    numbers.push_back(10'000'000'000ULL + national);
  });
  std::sort(numbers.begin(), numbers.end());
  if (exchanges != nullptr) {
    exchanges->clear();
    for (const model::Exchange& e : plan.exchanges) {
      if (e.listed > 0) exchanges->push_back(e.npa * 1000 + e.nxx);
    }
  }
  return numbers;
}

QueryList GenerateQueries(absl::Span<const uint64_t> registry, uint64_t count,
                          double hit_share, uint64_t seed,
                          absl::Span<const int> miss_exchanges) {
  const std::vector<int> codes = UsableAreaCodes();
  const size_t area_codes = AreaCodesFor(registry.size(), codes.size());
  Rng rng(seed);
  QueryList list;
  list.keys.reserve(count);
  list.hit.reserve(count);
  const uint64_t hits = static_cast<uint64_t>(
      std::llround(static_cast<double>(count) * hit_share));
  // Distinct numbers (a lead list is deduplicated), unless the registry is
  // too small to give that many distinct hits.
  const bool distinct = hits <= registry.size() / 2;
  std::unordered_set<uint64_t> used;
  if (distinct) used.reserve(count * 2);
  while (list.keys.size() < hits) {
    const uint64_t number = registry[rng.Below(registry.size())];
    if (distinct && !used.insert(number).second) continue;
    list.keys.push_back(number);
    list.hit.push_back(1);
  }
  while (list.keys.size() < count) {
    uint64_t number;
    if (miss_exchanges.empty()) {
      number = RandomNumber(rng, codes, area_codes);
    } else {
      const uint64_t exchange = static_cast<uint64_t>(
          miss_exchanges[rng.Below(miss_exchanges.size())]);
      const int line = static_cast<int>(rng.Below(10000));
      if (!nanp_model::ValidLine(static_cast<int>(exchange % 1000), line)) {
        continue;
      }
      number = 10'000'000'000ULL + exchange * 10'000ULL + line;
    }
    if (std::binary_search(registry.begin(), registry.end(), number)) continue;
    if (distinct && !used.insert(number).second) continue;
    list.keys.push_back(number);
    list.hit.push_back(0);
  }
  // Fisher-Yates, keys and flags together.
  for (uint64_t i = count; i > 1; --i) {
    const uint64_t j = rng.Below(i);
    std::swap(list.keys[i - 1], list.keys[j]);
    std::swap(list.hit[i - 1], list.hit[j]);
  }
  list.hits = hits;
  return list;
}

absl::Status WriteKeyFile(const std::string& path,
                          absl::Span<const uint64_t> keys,
                          absl::Span<const uint8_t> hit, uint64_t hits,
                          uint64_t seed) {
  const std::string temp = absl::StrCat(path, ".tmp");
  FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr) return ErrnoStatus("cannot create", temp);
  KeyFileHeader header;
  std::memcpy(header.magic, kKeyFileMagic, sizeof(header.magic));
  header.count = keys.size();
  header.hits = hits;
  header.seed = seed;
  header.has_flags = hit.empty() ? 0 : 1;
  bool ok = std::fwrite(&header, sizeof(header), 1, out) == 1;
  ok = ok && std::fwrite(keys.data(), sizeof(uint64_t), keys.size(), out) ==
                 keys.size();
  if (!hit.empty()) {
    ok = ok && std::fwrite(hit.data(), 1, hit.size(), out) == hit.size();
  }
  ok = (std::fclose(out) == 0) && ok;
  if (!ok) return ErrnoStatus("cannot write", temp);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus("cannot rename into", path);
  }
  return absl::OkStatus();
}

absl::StatusOr<QueryList> ReadKeyFile(const std::string& path) {
  FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat(
          "no key file ", path, " (write one with `dnc-bench gen`)"));
    }
    return ErrnoStatus("cannot open", path);
  }
  KeyFileHeader header;
  QueryList list;
  bool ok = std::fread(&header, sizeof(header), 1, in) == 1 &&
            std::memcmp(header.magic, kKeyFileMagic, 8) == 0;
  if (ok) {
    list.keys.resize(header.count);
    list.hits = header.hits;
    ok = std::fread(list.keys.data(), sizeof(uint64_t), header.count, in) ==
         header.count;
  }
  if (ok) {
    if (header.has_flags) {
      list.hit.resize(header.count);
      ok = std::fread(list.hit.data(), 1, header.count, in) == header.count;
    } else {
      list.hit.assign(header.count, 1);
    }
  }
  std::fclose(in);
  if (!ok) {
    return absl::DataLossError(
        absl::StrCat(path,
                     " is not a complete dnc-bench key file (bad magic or "
                     "truncated); regenerate it with `dnc-bench gen`"));
  }
  return list;
}

absl::Status WriteFtcFlatText(const std::string& path,
                              absl::Span<const uint64_t> keys) {
  const std::string temp = absl::StrCat(path, ".tmp");
  FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr) return ErrnoStatus("cannot create", temp);
  std::string buffer;
  buffer.reserve(1 << 20);
  bool ok = true;
  char line[12];
  line[3] = ',';
  line[11] = '\n';
  for (uint64_t key : keys) {
    uint64_t national = key - 10'000'000'000ULL;  // REQUIRES: NANP keys.
    for (int i = 10; i >= 0; --i) {
      if (i == 3) continue;
      line[i] = static_cast<char>('0' + national % 10);
      national /= 10;
    }
    buffer.append(line, sizeof(line));
    if (buffer.size() >= (1 << 20) - 16) {
      ok = ok &&
           std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
      buffer.clear();
    }
  }
  ok = ok && std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
  ok = (std::fclose(out) == 0) && ok;
  if (!ok) return ErrnoStatus("cannot write", temp);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus("cannot rename into", path);
  }
  return absl::OkStatus();
}

Batches MakeBatches(const QueryList& list, size_t batch_size) {
  Batches batches;
  batches.batch_size = batch_size;
  const size_t n = list.keys.size();
  const size_t count = std::max<size_t>(1, n / batch_size);
  batches.keys.resize(count);
  batches.expected_hits.assign(count, 0);
  batches.expected_distinct_hits.assign(count, 0);
  size_t next = 0;
  std::vector<uint64_t> listed;
  for (size_t b = 0; b < count; ++b) {
    std::vector<uint64_t>& keys = batches.keys[b];
    keys.reserve(batch_size);
    listed.clear();
    for (size_t i = 0; i < batch_size; ++i) {
      keys.push_back(list.keys[next]);
      if (list.hit[next]) listed.push_back(list.keys[next]);
      next = (next + 1) % n;
    }
    batches.expected_hits[b] = static_cast<uint32_t>(listed.size());
    std::sort(listed.begin(), listed.end());
    batches.expected_distinct_hits[b] = static_cast<uint32_t>(
        std::unique(listed.begin(), listed.end()) - listed.begin());
  }
  return batches;
}

int64_t NowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void SleepUntilNanos(int64_t deadline_ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) ==
         EINTR) {
  }
}

void UseFineTimerSlack() { prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0); }

LatencySummary Summarize(std::vector<int64_t>* nanos) {
  LatencySummary summary;
  if (nanos->empty()) return summary;
  std::sort(nanos->begin(), nanos->end());
  const size_t n = nanos->size();
  auto rank = [&](double q) {
    size_t index = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
    index = std::min(std::max<size_t>(index, 1), n) - 1;
    return static_cast<double>((*nanos)[index]) / 1000.0;
  };
  summary.count = n;
  summary.p50_us = rank(0.50);
  summary.p90_us = rank(0.90);
  summary.p99_us = rank(0.99);
  summary.p999_us = rank(0.999);
  summary.max_us = static_cast<double>(nanos->back()) / 1000.0;
  return summary;
}

double SelfCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
             1e6;
}

namespace {

// utime + stime (clock ticks) and ppid from /proc/<pid>/stat.
bool ReadProcStat(pid_t pid, uint64_t* ticks, pid_t* ppid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text;
  if (!std::getline(in, text)) return false;
  // The command name is in parentheses and may hold spaces: parse after ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::vector<std::string> fields =
      absl::StrSplit(text.substr(close + 2), ' ', absl::SkipEmpty());
  // fields[0] is state (field 3), so field N is fields[N - 3].
  if (fields.size() < 13) return false;
  uint64_t utime = 0, stime = 0;
  int parent = 0;
  if (!absl::SimpleAtoi(fields[1], &parent) ||
      !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return false;
  }
  *ticks = utime + stime;
  *ppid = parent;
  return true;
}

}  // namespace

double ProcessTreeCpuSeconds(pid_t pid, bool with_children) {
  if (pid <= 0) return 0;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  uint64_t total = 0;
  uint64_t ticks = 0;
  pid_t ppid = 0;
  if (ReadProcStat(pid, &ticks, &ppid)) total += ticks;
  if (with_children) {
    if (DIR* dir = opendir("/proc")) {
      while (dirent* entry = readdir(dir)) {
        int child = 0;
        if (!absl::SimpleAtoi(entry->d_name, &child)) continue;
        if (ReadProcStat(child, &ticks, &ppid) && ppid == pid) total += ticks;
      }
      closedir(dir);
    }
  }
  return static_cast<double>(total) / tick;
}

MemoryUse ProcessMemory(pid_t pid) {
  MemoryUse use;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    uint64_t kb = 0;
    auto value = [&](const char* prefix) {
      if (line.rfind(prefix, 0) != 0) return false;
      std::string rest = line.substr(std::strlen(prefix));
      absl::StripAsciiWhitespace(&rest);
      const size_t space = rest.find(' ');
      return absl::SimpleAtoi(rest.substr(0, space), &kb);
    };
    if (value("VmRSS:")) use.rss_bytes = kb * 1024;
    if (value("VmHWM:")) use.hwm_bytes = kb * 1024;
  }
  return use;
}

namespace {

uint64_t PssBytes(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/smaps_rollup"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Pss:", 0) != 0) continue;
    std::string rest = line.substr(4);
    absl::StripAsciiWhitespace(&rest);
    uint64_t kb = 0;
    if (absl::SimpleAtoi(rest.substr(0, rest.find(' ')), &kb)) return kb * 1024;
  }
  return 0;
}

}  // namespace

uint64_t ProcessTreePssBytes(pid_t pid, bool with_children) {
  if (pid <= 0) return 0;
  uint64_t total = PssBytes(pid);
  if (with_children) {
    if (DIR* dir = opendir("/proc")) {
      while (dirent* entry = readdir(dir)) {
        int child = 0;
        uint64_t ticks = 0;
        pid_t ppid = 0;
        if (!absl::SimpleAtoi(entry->d_name, &child)) continue;
        if (ReadProcStat(child, &ticks, &ppid) && ppid == pid) {
          total += PssBytes(child);
        }
      }
      closedir(dir);
    }
  }
  return total;
}

ResultLine& ResultLine::Set(const std::string& key, const std::string& value) {
  std::string clean = value;
  std::replace(clean.begin(), clean.end(), ' ', '~');
  for (auto& field : fields_) {
    if (field.first == key) {
      field.second = clean;
      return *this;
    }
  }
  fields_.emplace_back(key, clean);
  return *this;
}

ResultLine& ResultLine::Set(const std::string& key, double value) {
  return Set(key, absl::StrFormat("%.6g", value));
}

ResultLine& ResultLine::Set(const std::string& key, uint64_t value) {
  return Set(key, absl::StrCat(value));
}

std::string ResultLine::ToString() const {
  std::string out = "RESULT";
  for (const auto& [key, value] : fields_) {
    absl::StrAppend(&out, " ", key, "=", value);
  }
  return out;
}

std::map<std::string, std::string> ParseResultLine(const std::string& line) {
  std::map<std::string, std::string> fields;
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (words.empty() || words[0] != "RESULT") return fields;
  for (size_t i = 1; i < words.size(); ++i) {
    const size_t eq = words[i].find('=');
    if (eq == std::string::npos) continue;
    fields[words[i].substr(0, eq)] = words[i].substr(eq + 1);
  }
  return fields;
}

absl::StatusOr<uint64_t> ParseCount(const std::string& text) {
  std::string body = text;
  absl::StripAsciiWhitespace(&body);
  double multiplier = 1;
  if (!body.empty()) {
    const char last = absl::ascii_tolower(body.back());
    if (last == 'k') multiplier = 1e3;
    if (last == 'm') multiplier = 1e6;
    if (last == 'g' || last == 'b') multiplier = 1e9;
    if (multiplier != 1) body.pop_back();
  }
  double value = 0;
  if (body.empty() || !absl::SimpleAtod(body, &value) || value < 0 ||
      value * multiplier > 1e12) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is not a count; write e.g. 10M, 250k or 1000000"));
  }
  return static_cast<uint64_t>(std::llround(value * multiplier));
}

}  // namespace dnc::bench
