#include "service/scrub_engine.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/registry_record.h"

namespace dnc::service {
namespace {

constexpr char kMalformedDefault[] = "cannot be read as a phone number";
constexpr char kInvalidDefault[] = "not an assignable phone number";

struct Pow10Table {
  uint64_t value[20];
  constexpr Pow10Table() : value() {
    value[0] = 1;
    for (int i = 1; i < 20; ++i) value[i] = value[i - 1] * 10;
  }
};
constexpr Pow10Table kPow10Table;
constexpr const uint64_t* kPow10 = kPow10Table.value;  // 10^0 .. 10^19

// Decimal digits of `value` (1 for 0).
int DigitCount(uint64_t value) {
  if (value == 0) return 1;
  // floor(log10(2) * bit_length) is the count or one less.
  const int bits = 64 - __builtin_clzll(value);
  int digits = (bits * 1233) >> 12;
  if (digits < 20 && value >= kPow10[digits]) ++digits;
  return digits;
}

// Which numbers a source covers, as the same test HasCountryCode makes, but
// by range: a number of d digits starts with code c (k digits) iff
// c * 10^(d-k) <= number < (c + 1) * 10^(d-k). No division per number.
class Coverage {
 public:
  explicit Coverage(const std::vector<uint32_t>& codes) {
    for (uint32_t code : codes) {
      Range range;
      const int k = DigitCount(code);
      for (int d = k; d < 20; ++d) {
        const uint64_t scale = kPow10[d - k];
        // (code + 1) * 10^(d-k) <= 10^d <= 10^19: no overflow.
        range.lo[d] = code * scale;
        range.hi[d] = (code + 1ULL) * scale;
      }
      ranges_.push_back(range);
    }
  }

  // REQUIRES: digits == DigitCount(e164).
  bool Covers(uint64_t e164, int digits) const {
    for (const Range& range : ranges_) {
      if (e164 >= range.lo[digits] && e164 < range.hi[digits]) return true;
    }
    return false;
  }

 private:
  struct Range {
    // Indexed by digit count (up to 20); lo == hi == 0 (empty) for counts
    // shorter than the code or longer than 19.
    uint64_t lo[21] = {};
    uint64_t hi[21] = {};
  };
  std::vector<Range> ranges_;
};

// Per-source work for one batch: the keys that apply to the source (in entry
// order), which entries they came from, and the lookup's answers.
struct SourceWork {
  const ServedSource* served = nullptr;
  std::optional<Coverage> coverage;
  Freshness freshness;
  std::vector<uint64_t> keys;
  std::vector<uint32_t> entries;
  std::vector<uint8_t> listed;
  std::vector<storage::RegistryRecord> records;
  uint32_t snapshot = kNoSnapshot;
  size_t cursor = 0;  // Merge position in `entries` during the answer pass.
  absl::string_view stale_detail;
};

absl::string_view Keep(std::deque<std::string>* storage, std::string text) {
  storage->push_back(std::move(text));
  return storage->back();
}

// Two-digit ITU-T E.164 country codes; every other code not starting with
// 1 or 7 has three digits.
bool IsTwoDigitCountryCode(uint32_t code) {
  switch (code) {
    case 20:
    case 27:
    case 30:
    case 31:
    case 32:
    case 33:
    case 34:
    case 36:
    case 39:
    case 40:
    case 41:
    case 43:
    case 44:
    case 45:
    case 46:
    case 47:
    case 48:
    case 49:
    case 51:
    case 52:
    case 53:
    case 54:
    case 55:
    case 56:
    case 57:
    case 58:
    case 60:
    case 61:
    case 62:
    case 63:
    case 64:
    case 65:
    case 66:
    case 81:
    case 82:
    case 84:
    case 86:
    case 90:
    case 91:
    case 92:
    case 93:
    case 94:
    case 95:
    case 98:
      return true;
    default:
      return false;
  }
}

}  // namespace

const char* DispositionName(Disposition disposition) {
  switch (disposition) {
    case Disposition::kUnspecified:
      return "DISPOSITION_UNSPECIFIED";
    case Disposition::kCallable:
      return "CALLABLE";
    case Disposition::kBlocked:
      return "BLOCKED";
    case Disposition::kExempt:
      return "EXEMPT";
    case Disposition::kInternal:
      return "INTERNAL";
    case Disposition::kNotSubscribed:
      return "NOT_SUBSCRIBED";
    case Disposition::kStale:
      return "STALE";
    case Disposition::kInvalid:
      return "INVALID";
    case Disposition::kMalformed:
      return "MALFORMED";
  }
  return "DISPOSITION_UNKNOWN";
}

const char* ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kUnspecified:
      return "REASON_UNSPECIFIED";
    case ReasonCode::kListed:
      return "LISTED";
    case ReasonCode::kSourceStale:
      return "SOURCE_STALE";
    case ReasonCode::kNoSource:
      return "NO_SOURCE";
    case ReasonCode::kInvalidNumber:
      return "INVALID_NUMBER";
    case ReasonCode::kMalformedNumber:
      return "MALFORMED_NUMBER";
  }
  return "REASON_UNKNOWN";
}

uint32_t CountryCodeOf(uint64_t e164) {
  if (e164 == 0) return 0;
  // Reduce to the leading three digits (or fewer for very short numbers).
  uint64_t lead = e164;
  while (lead >= 1000) lead /= 10;
  uint64_t first = lead;
  while (first >= 10) first /= 10;
  if (first == 1 || first == 7) return static_cast<uint32_t>(first);
  if (lead < 10) return static_cast<uint32_t>(lead);
  const uint32_t two = static_cast<uint32_t>(lead >= 100 ? lead / 10 : lead);
  if (IsTwoDigitCountryCode(two) || lead < 100) return two;
  return static_cast<uint32_t>(lead);
}

void ScrubResult::Clear() {
  dispositions.clear();
  e164.clear();
  reasons.clear();
  snapshots.clear();
  detail_storage.clear();
}

absl::Status Scrub(const SourceSet& sources,
                   absl::Span<const ParsedNumber> numbers, DayNumber today,
                   ScrubResult* result) {
  result->Clear();
  const size_t n = numbers.size();
  result->dispositions.resize(n, Disposition::kUnspecified);
  result->e164.resize(n, 0);

  // Pass 1: group the valid numbers' keys by applicable source.
  std::vector<SourceWork> work(sources.size());
  for (size_t j = 0; j < work.size(); ++j) {
    work[j].served = &sources.sources()[j];
    work[j].freshness = ComputeFreshness(work[j].served->manifest(), today);
    work[j].coverage.emplace(work[j].served->manifest().country_codes);
  }
  for (size_t i = 0; i < n; ++i) {
    const ParsedNumber& number = numbers[i];
    result->e164[i] =
        number.number_class == NumberClass::kMalformed ? 0 : number.e164;
    if (!number.valid()) continue;
    const int digits = DigitCount(number.e164);
    for (SourceWork& w : work) {
      if (!w.coverage->Covers(number.e164, digits)) continue;
      if (w.keys.empty()) {
        w.keys.reserve(n - i);
        w.entries.reserve(n - i);
      }
      w.keys.push_back(number.e164);
      w.entries.push_back(static_cast<uint32_t>(i));
    }
  }

  // Pass 2: one lookup per consulted source; name it in the evidence table.
  for (SourceWork& w : work) {
    if (w.keys.empty()) continue;
    const storage::Manifest& manifest = w.served->manifest();
    w.listed.assign(w.keys.size(), 0);
    w.records.assign(w.keys.size(), storage::RegistryRecord{});
    const absl::Status status = w.served->snapshot->Lookup(
        w.keys, absl::MakeSpan(w.listed), absl::MakeSpan(w.records));
    if (!status.ok()) {
      return absl::Status(
          status.code(),
          absl::StrCat("looking up ", w.keys.size(), " numbers in source ",
                       manifest.source, " generation ", manifest.generation,
                       ": ", std::string(status.message())));
    }
    w.snapshot = static_cast<uint32_t>(result->snapshots.size());
    result->snapshots.push_back(w.served);
    if (w.freshness.stale) {
      w.stale_detail =
          Keep(&result->detail_storage,
               absl::StrCat(manifest.source, " copy as of ",
                            FormatIsoDate(manifest.as_of), " is ",
                            w.freshness.age_days, " days old, past its ",
                            manifest.max_age_days, "-day window (deadline ",
                            FormatIsoDate(w.freshness.deadline), ")"));
    }
  }

  // Pass 3: decide each entry in order, merging the per-source answers, so
  // reasons come out sorted by entry.
  std::vector<std::pair<SourceWork*, size_t>> matched;  // (source, position)
  matched.reserve(work.size());
  std::vector<std::pair<uint32_t, absl::string_view>> no_source_details;
  for (size_t i = 0; i < n; ++i) {
    const ParsedNumber& number = numbers[i];
    const uint32_t entry = static_cast<uint32_t>(i);
    Disposition& disposition = result->dispositions[i];
    if (number.number_class == NumberClass::kMalformed) {
      disposition = Disposition::kMalformed;
      result->reasons.push_back(
          {entry, ReasonCode::kMalformedNumber, kNoSnapshot,
           number.problem != nullptr ? number.problem : kMalformedDefault, 0});
      continue;
    }
    if (number.number_class != NumberClass::kValid) {
      disposition = Disposition::kInvalid;
      result->reasons.push_back(
          {entry, ReasonCode::kInvalidNumber, kNoSnapshot,
           number.problem != nullptr ? number.problem : kInvalidDefault, 0});
      continue;
    }
    matched.clear();
    bool listed = false;
    bool stale = false;
    for (SourceWork& w : work) {
      if (w.cursor < w.entries.size() && w.entries[w.cursor] == entry) {
        listed |= w.listed[w.cursor] != 0;
        stale |= w.freshness.stale;
        matched.emplace_back(&w, w.cursor++);
      }
    }
    if (listed) {
      disposition = Disposition::kBlocked;
      for (const auto& [w, pos] : matched) {
        if (w->listed[pos] == 0) continue;
        result->reasons.push_back({entry,
                                   ReasonCode::kListed,
                                   w->snapshot,
                                   {},
                                   w->records[pos].added});
      }
    } else if (matched.empty()) {
      disposition = Disposition::kStale;
      const uint32_t code = CountryCodeOf(number.e164);
      absl::string_view detail;
      for (const auto& [cached_code, text] : no_source_details) {
        if (cached_code == code) detail = text;
      }
      if (detail.empty()) {
        detail = Keep(&result->detail_storage,
                      absl::StrCat("no loaded registry covers +", code));
        no_source_details.emplace_back(code, detail);
      }
      result->reasons.push_back(
          {entry, ReasonCode::kNoSource, kNoSnapshot, detail, 0});
    } else if (stale) {
      disposition = Disposition::kStale;
      for (const auto& [w, pos] : matched) {
        if (!w->freshness.stale) continue;
        result->reasons.push_back(
            {entry, ReasonCode::kSourceStale, w->snapshot, w->stale_detail, 0});
      }
    } else {
      disposition = Disposition::kCallable;
    }
  }
  return absl::OkStatus();
}

}  // namespace dnc::service
