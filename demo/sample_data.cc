#include "demo/sample_data.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dnc::demo {
namespace {

// splitmix64: tiny, fast and identical on every platform, unlike the
// distributions of <random>, so a seed means the same data everywhere.
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
  double Unit() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  uint64_t state_;
};

// Real, assigned US area codes (the registry is a national list, per area
// code).
constexpr int kAreaCodes[] = {201, 202, 203, 206, 212, 213, 214, 303,
                              305, 312, 404, 415, 503, 512, 602, 617,
                              702, 713, 718, 801, 808, 917, 919, 972};
constexpr size_t kAreaCodeCount = sizeof(kAreaCodes) / sizeof(kAreaCodes[0]);

bool IsN11(int code) { return code % 100 == 11; }

// A random assignable exchange + line for a valid area code: NXX 200-999 and
// not N11; 555-0100..0199 are fictional.
uint64_t RandomValidNumber(Rng& rng) {
  const int npa = kAreaCodes[rng.Below(kAreaCodeCount)];
  int nxx, line;
  do {
    nxx = 200 + static_cast<int>(rng.Below(800));
    line = static_cast<int>(rng.Below(10000));
  } while (IsN11(nxx) || (nxx == 555 && line >= 100 && line <= 199));
  return 10'000'000'000ULL + npa * 10'000'000ULL + nxx * 10'000ULL + line;
}

// A number that reads fine but breaks one NANP rule (docs/numbers.md).
uint64_t RandomInvalidNumber(Rng& rng) {
  static constexpr int kBadAreaCodes[] = {123, 23, 911, 411, 296, 375, 963};
  int npa = kAreaCodes[rng.Below(kAreaCodeCount)];
  int nxx = 200 + static_cast<int>(rng.Below(700));
  if (IsN11(nxx)) nxx = 234;
  int line = static_cast<int>(rng.Below(10000));
  switch (rng.Below(4)) {
    case 0:  // Area code breaks a rule.
      npa = kBadAreaCodes[rng.Below(sizeof(kBadAreaCodes) / sizeof(int))];
      break;
    case 1:  // Exchange starts with 0 or 1.
      nxx = static_cast<int>(rng.Below(200));
      break;
    case 2:  // Exchange is an N11 service code.
      nxx = 211 + 100 * static_cast<int>(rng.Below(8));
      break;
    default:  // Fictional 555-01XX.
      nxx = 555;
      line = 100 + static_cast<int>(rng.Below(100));
      break;
  }
  return 10'000'000'000ULL + npa * 10'000'000ULL + nxx * 10'000ULL + line;
}

// Writes a NANP number the way lead lists actually contain them.
std::string MessyFormat(uint64_t e164, Rng& rng) {
  const uint64_t national = e164 - 10'000'000'000ULL;
  const int npa = static_cast<int>(national / 10'000'000);
  const int nxx = static_cast<int>(national / 10'000 % 1000);
  const int line = static_cast<int>(national % 10'000);
  switch (rng.Below(11)) {
    case 0:
      return absl::StrFormat("(%03d) %03d-%04d", npa, nxx, line);
    case 1:
      return absl::StrFormat("%03d.%03d.%04d", npa, nxx, line);
    case 2:
      return absl::StrFormat("+1 %03d %03d %04d", npa, nxx, line);
    case 3:
      return absl::StrFormat("1-%03d-%03d-%04d", npa, nxx, line);
    case 4:
      return absl::StrFormat("%03d%03d%04d", npa, nxx, line);
    case 5:
      return absl::StrFormat("%03d-%03d-%04d x%d", npa, nxx, line,
                             static_cast<int>(rng.Below(999)) + 1);
    case 6:
      return absl::StrFormat(" %03d %03d %04d ", npa, nxx, line);
    case 7:
      return absl::StrFormat("+1 (%03d) %03d-%04d", npa, nxx, line);
    case 8:
      return absl::StrFormat("%03d-%03d-%04d ext. %d", npa, nxx, line,
                             static_cast<int>(rng.Below(99)) + 1);
    case 9:
      return absl::StrFormat("+1%03d%03d%04d", npa, nxx, line);
    default:
      return absl::StrFormat("'%03d-%03d-%04d'", npa, nxx, line);
  }
}

// Cells that are not phone numbers at all, as found in real CRM exports.
constexpr const char* kMalformedCells[] = {"",
                                           "N/A",
                                           "unknown",
                                           "555-1234",
                                           "12345",
                                           "call after 5pm",
                                           "(202) 555-CALL",
                                           "202-555-123",
                                           "#REF!",
                                           "0",
                                           "202 555 1234 5678 9",
                                           "--"};

constexpr const char* kFirstNames[] = {"James", "Mary",   "Robert",  "Patricia",
                                       "José",  "Linda",  "Michael", "Aoife",
                                       "Wei",   "Fatima", "Chloé",   "Dmitri"};
constexpr const char* kLastNames[] = {
    "Smith",  "Johnson", "O'Brien",         "García",   "Smith, Jr.",
    "Nguyen", "Brown",   "\"Skip\" Miller", "Kowalski", "Davis"};
constexpr const char* kCities[] = {"Washington", "New York", "Austin",
                                   "Miami",      "Seattle",  "Honolulu",
                                   "Chicago",    "Boston"};

template <typename T, size_t N>
const T& Pick(const T (&items)[N], Rng& rng) {
  return items[rng.Below(N)];
}

std::string EmailLocalPart(const std::string& first, const std::string& last) {
  std::string out;
  for (char c : first + "." + last) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.') {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    }
  }
  return out;
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

struct ArchiveWriterDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};

absl::Status ArchiveError(archive* a, const std::string& path,
                          const char* what) {
  return absl::InternalError(absl::StrCat("writing ", path, ": ", what, ": ",
                                          archive_error_string(a)
                                              ? archive_error_string(a)
                                              : "unknown libarchive error"));
}

absl::Status AddZipMember(archive* zip, const std::string& path,
                          const std::string& name, const std::string& body) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(
      archive_entry_new(), &archive_entry_free);
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(body.size()));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  if (archive_write_header(zip, entry.get()) != ARCHIVE_OK) {
    return ArchiveError(zip, path, "zip member header");
  }
  if (archive_write_data(zip, body.data(), body.size()) !=
      static_cast<la_ssize_t>(body.size())) {
    return ArchiveError(zip, path, "zip member data");
  }
  return absl::OkStatus();
}

}  // namespace

const char* LeadTruthName(LeadTruth truth) {
  switch (truth) {
    case LeadTruth::kListed:
      return "listed";
    case LeadTruth::kNotListed:
      return "not-listed";
    case LeadTruth::kInvalid:
      return "invalid";
    case LeadTruth::kMalformed:
      return "malformed";
    case LeadTruth::kNoSource:
      return "no-source";
  }
  return "?";
}

SampleRegistry GenerateRegistry(const SampleOptions& options) {
  Rng rng(options.seed);
  SampleRegistry registry;
  std::vector<uint64_t>& numbers = registry.numbers;
  numbers.reserve(options.registry_numbers + options.registry_numbers / 64);
  while (numbers.size() < options.registry_numbers) {
    while (numbers.size() < options.registry_numbers + 16) {
      numbers.push_back(RandomValidNumber(rng));
    }
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  }
  // Drop a random surplus so the count is exact (keeps the distribution).
  while (numbers.size() > options.registry_numbers) {
    numbers.erase(numbers.begin() + rng.Below(numbers.size()));
  }
  registry.bad_lines = {
      "202,555012",   // Too few digits.
      "2O2,5551234",  // Letter O for zero.
      "911,5551234",  // N11 service code as area code.
      "202,0551234",  // Exchange starts with 0.
      "202;5551234",  // Wrong delimiter.
  };
  return registry;
}

std::vector<Lead> GenerateLeads(const SampleRegistry& registry,
                                const SampleOptions& options) {
  Rng rng(options.seed ^ 0x1EAD5ULL);
  std::vector<Lead> leads;
  leads.reserve(options.leads);
  const std::vector<uint64_t>& listed = registry.numbers;
  for (size_t i = 0; i < options.leads; ++i) {
    Lead lead;
    lead.id = absl::StrFormat("L%07d", static_cast<int>(i + 1));
    lead.first_name = Pick(kFirstNames, rng);
    lead.last_name = Pick(kLastNames, rng);
    lead.email =
        EmailLocalPart(lead.first_name, lead.last_name) + "@example.com";
    lead.city = Pick(kCities, rng);
    double r = rng.Unit();
    if ((r -= options.malformed_share) < 0) {
      lead.truth = LeadTruth::kMalformed;
      lead.phone = Pick(kMalformedCells, rng);
    } else if ((r -= options.invalid_share) < 0) {
      lead.truth = LeadTruth::kInvalid;
      lead.e164 = RandomInvalidNumber(rng);
      lead.phone = MessyFormat(lead.e164, rng);
    } else if ((r -= options.foreign_share) < 0) {
      lead.truth = LeadTruth::kNoSource;
      const int tail = static_cast<int>(rng.Below(1000));
      lead.e164 = 442079460000ULL + tail;  // Ofcom's drama range, London.
      lead.phone = absl::StrFormat("+44 20 7946 0%03d", tail);
    } else if ((r -= options.listed_share) < 0 && !listed.empty()) {
      lead.truth = LeadTruth::kListed;
      lead.e164 = listed[rng.Below(listed.size())];
      lead.phone = MessyFormat(lead.e164, rng);
    } else {
      lead.truth = LeadTruth::kNotListed;
      do {
        lead.e164 = RandomValidNumber(rng);
      } while (std::binary_search(listed.begin(), listed.end(), lead.e164));
      lead.phone = MessyFormat(lead.e164, rng);
    }
    leads.push_back(std::move(lead));
  }
  return leads;
}

absl::Status WriteFtcFlatZip(const SampleRegistry& registry,
                             const std::string& path) {
  std::unique_ptr<archive, ArchiveWriterDeleter> zip(archive_write_new());
  if (archive_write_set_format_zip(zip.get()) != ARCHIVE_OK ||
      archive_write_open_filename(zip.get(), path.c_str()) != ARCHIVE_OK) {
    return ArchiveError(zip.get(), path, "open");
  }
  const std::vector<uint64_t>& numbers = registry.numbers;
  size_t begin = 0;
  while (begin < numbers.size()) {
    const uint64_t npa = numbers[begin] / 10'000'000 % 1000;
    std::string body;
    size_t end = begin;
    char line[16];
    for (; end < numbers.size() && numbers[end] / 10'000'000 % 1000 == npa;
         ++end) {
      const int n = std::snprintf(line, sizeof(line), "%03d,%07d\n",
                                  static_cast<int>(npa),
                                  static_cast<int>(numbers[end] % 10'000'000));
      body.append(line, static_cast<size_t>(n));
    }
    auto status =
        AddZipMember(zip.get(), path, absl::StrCat(npa, ".txt"), body);
    if (!status.ok()) return status;
    begin = end;
  }
  if (!registry.bad_lines.empty()) {
    std::string body;
    for (const std::string& bad : registry.bad_lines) body += bad + "\n";
    auto status = AddZipMember(zip.get(), path, "bad-lines.txt", body);
    if (!status.ok()) return status;
  }
  if (archive_write_close(zip.get()) != ARCHIVE_OK) {
    return ArchiveError(zip.get(), path, "close");
  }
  return absl::OkStatus();
}

absl::Status WriteLeadsCsv(const std::vector<Lead>& leads,
                           const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> out(
      std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!out) {
    return absl::InternalError(absl::StrCat("cannot create ", path));
  }
  std::string text = "id,first_name,last_name,phone,email,city\n";
  for (const Lead& lead : leads) {
    absl::StrAppend(&text, CsvField(lead.id), ",", CsvField(lead.first_name),
                    ",", CsvField(lead.last_name), ",", CsvField(lead.phone),
                    ",", CsvField(lead.email), ",", CsvField(lead.city), "\n");
    if (text.size() > (1 << 20)) {
      if (std::fwrite(text.data(), 1, text.size(), out.get()) != text.size()) {
        return absl::InternalError(absl::StrCat("writing ", path, " failed"));
      }
      text.clear();
    }
  }
  if (std::fwrite(text.data(), 1, text.size(), out.get()) != text.size() ||
      std::fflush(out.get()) != 0) {
    return absl::InternalError(absl::StrCat("writing ", path, " failed"));
  }
  return absl::OkStatus();
}

}  // namespace dnc::demo
