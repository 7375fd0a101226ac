#include "service/scrub_engine.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/registry_record.h"

namespace dnc::service {
namespace {

constexpr char kMalformedDefault[] = "cannot be read as a phone number";
constexpr char kInvalidDefault[] = "not an assignable phone number";

// Per-source work for one batch: the keys that apply to the source, in entry
// order, and the lookup's answers for them.
struct SourceWork {
  const ServedSource* served = nullptr;
  Freshness freshness;
  std::vector<uint64_t> keys;
  std::vector<uint8_t> listed;
  std::vector<storage::RegistryRecord> records;
  uint32_t snapshot = kNoSnapshot;
  // Position in `keys` during the answer pass: entries visit their sources
  // in entry order, so each source's next answer is the next entry's.
  size_t cursor = 0;
  absl::string_view stale_detail;
};

absl::string_view Keep(std::deque<std::string>* storage, std::string text) {
  storage->push_back(std::move(text));
  return storage->back();
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
    case ReasonCode::kInternalList:
      return "INTERNAL_LIST";
    case ReasonCode::kNotEntitled:
      return "NOT_ENTITLED";
    case ReasonCode::kEbrPurchase:
      return "EBR_PURCHASE";
    case ReasonCode::kEbrInquiry:
      return "EBR_INQUIRY";
    case ReasonCode::kWrittenConsent:
      return "WRITTEN_CONSENT";
    case ReasonCode::kPurposeExempt:
      return "PURPOSE_EXEMPT";
    case ReasonCode::kExemptionExpired:
      return "EXEMPTION_EXPIRED";
  }
  return "REASON_UNKNOWN";
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

  // Pass 1: route each valid number (one table lookup) and queue its key for
  // every source of its route.
  std::vector<SourceWork> work(sources.size());
  for (size_t j = 0; j < work.size(); ++j) {
    work[j].served = &sources.sources()[j];
    work[j].freshness = ComputeFreshness(work[j].served->manifest(), today);
  }
  std::vector<uint32_t> routes(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const ParsedNumber& number = numbers[i];
    result->e164[i] =
        number.number_class == NumberClass::kMalformed ? 0 : number.e164;
    if (!number.valid()) continue;
    routes[i] = sources.RouteOf(number.e164);
    for (const uint32_t s : sources.route(routes[i]).sources) {
      SourceWork& w = work[s];
      if (w.keys.empty()) w.keys.reserve(n - i);
      w.keys.push_back(number.e164);
    }
  }

  // Pass 2: one lookup per consulted source; name it in the evidence table.
  for (SourceWork& w : work) {
    if (w.keys.empty()) continue;
    const storage::Manifest& manifest = w.served->manifest();
    w.listed.assign(w.keys.size(), 0);
    // Details (the date added) only from generations that have any: a
    // full list without dates answers from memory alone, RocksDB unread.
    if (w.served->snapshot->may_have_details()) {
      w.records.resize(w.keys.size());
    }
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

  // Pass 3: decide each entry in order from its route's answers, so reasons
  // come out sorted by entry (and, within one, by snapshot: SOURCE_STALE
  // before NO_SOURCE, which names none).
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
    const Route& route = sources.route(routes[i]);
    bool listed = false;
    bool stale = false;
    for (const uint32_t s : route.sources) {
      SourceWork& w = work[s];
      listed |= w.listed[w.cursor++] != 0;
      stale |= w.freshness.stale;
    }
    if (listed) {
      disposition = Disposition::kBlocked;
      for (const uint32_t s : route.sources) {
        const SourceWork& w = work[s];
        const size_t pos = w.cursor - 1;
        if (w.listed[pos] == 0) continue;
        result->reasons.push_back(
            {entry,
             ReasonCode::kListed,
             w.snapshot,
             {},
             w.records.empty() ? 0 : w.records[pos].added});
      }
      continue;
    }
    if (!stale && route.national) {
      disposition = Disposition::kCallable;
      continue;
    }
    disposition = Disposition::kStale;
    for (const uint32_t s : route.sources) {
      const SourceWork& w = work[s];
      if (!w.freshness.stale) continue;
      result->reasons.push_back(
          {entry, ReasonCode::kSourceStale, w.snapshot, w.stale_detail, 0});
    }
    if (!route.national) {
      result->reasons.push_back({entry, ReasonCode::kNoSource, kNoSnapshot,
                                 route.no_source_detail, 0});
    }
  }
  return absl::OkStatus();
}

}  // namespace dnc::service
