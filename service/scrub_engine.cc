#include "service/scrub_engine.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/nanp_regions.h"
#include "storage/registry_record.h"

namespace dnc::service {
namespace {

// Per-source work for one batch: the keys that apply to the source, in entry
// order, and the lookup's answers for them.
struct SourceWork {
  const ServedSource* served = nullptr;
  storage::Freshness freshness;
  std::vector<uint64_t> keys;
  std::vector<uint8_t> listed;
  std::vector<storage::RegistryRecord> records;
  uint32_t snapshot = kNoSnapshot;
  // Position in `keys` during the decision pass: entries visit their sources
  // in entry order, so each source's next answer is the next entry's.
  size_t cursor = 0;
  absl::string_view stale_detail;
};

// Per route and batch: whether every source of the route is fresh
// (kPlainRoute) or not; computed on first use.
constexpr uint8_t kUnknownRoute = 0;
// Longest route taken by the plain rule (policy::DecidePlainListing).
constexpr size_t kMaxPlainSources = 8;
constexpr uint8_t kPlainRoute = 1;
constexpr uint8_t kStaleRoute = 2;

uint8_t PlainRoute(const Route& route, const std::vector<SourceWork>& work) {
  for (const uint32_t s : route.sources) {
    if (work[s].freshness.stale) return kStaleRoute;
  }
  return kPlainRoute;
}

policy::Readable ReadableOf(NumberClass number_class) {
  switch (number_class) {
    case NumberClass::kValid:
      return policy::Readable::kValid;
    case NumberClass::kMalformed:
      return policy::Readable::kMalformed;
    default:
      return policy::Readable::kInvalid;
  }
}

// Pass 1: route each valid number (one table lookup) and queue its key for
// every source of its route.
void QueueKeys(const SourceSet& sources, absl::Span<const ParsedNumber> numbers,
               DayNumber today, std::vector<SourceWork>* work,
               std::vector<uint32_t>* routes, ScrubResult* result) {
  const size_t n = numbers.size();
  work->resize(sources.size());
  for (size_t j = 0; j < work->size(); ++j) {
    (*work)[j].served = &sources.sources()[j];
    (*work)[j].freshness =
        storage::ComputeFreshness((*work)[j].served->manifest(), today);
  }
  routes->assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const ParsedNumber& number = numbers[i];
    result->e164[i] =
        number.number_class == NumberClass::kMalformed ? 0 : number.e164;
    if (!number.valid()) continue;
    (*routes)[i] = sources.RouteOf(number.e164);
    for (const uint32_t s : sources.route((*routes)[i]).sources) {
      SourceWork& w = (*work)[s];
      if (w.keys.empty()) w.keys.reserve(n - i);
      w.keys.push_back(number.e164);
    }
  }
}

// Pass 2: one lookup per consulted source; name it in the evidence table.
absl::Status LookUpKeys(std::vector<SourceWork>* work, ScrubResult* result) {
  for (SourceWork& w : *work) {
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
      result->detail_storage.push_back(absl::StrCat(
          manifest.source, " copy as of ", FormatIsoDate(manifest.as_of),
          " is ", w.freshness.age_days, " days old, past its ",
          manifest.max_age_days, "-day window (deadline ",
          FormatIsoDate(w.freshness.deadline), ")"));
      w.stale_detail = result->detail_storage.back();
    }
  }
  return absl::OkStatus();
}

// Gathers the findings of the number at `entry` (each source of its route
// answered at its cursor - 1) and has policy::Decide() rule on them.
Disposition DecideFromFindings(const ParsedNumber& number, uint32_t entry,
                               const Route& route,
                               const std::vector<SourceWork>& work,
                               const std::optional<DayNumber>& opted_out,
                               bool entitled,
                               absl::Span<const policy::ConsentRecord> consents,
                               const policy::AttemptLimit* capped,
                               const ScrubContext& context,
                               ScrubScratch* scratch, ScrubResult* result) {
  policy::NumberFacts facts;
  facts.e164 = number.e164;
  facts.purpose = context.purpose;
  facts.today = context.today;
  facts.terse_listings = true;
  facts.no_source = !route.national;
  facts.no_source_detail = route.no_source_detail;
  facts.opted_out = opted_out.has_value();
  facts.opted_out_on = opted_out.value_or(0);
  facts.attempt_limit = capped;
  std::vector<policy::SourceFinding>& findings = scratch->findings;
  findings.clear();
  for (const uint32_t s : route.sources) {
    const SourceWork& w = work[s];
    const size_t pos = w.cursor - 1;  // This entry's answer.
    const storage::Manifest& manifest = w.served->manifest();
    policy::SourceFinding& finding = findings.emplace_back();
    finding.source = manifest.source;
    finding.jurisdiction = manifest.jurisdiction;
    finding.rules = &scratch->rules[s];
    finding.snapshot = w.snapshot;
    finding.listed = w.listed[pos] != 0;
    finding.added =
        finding.listed && !w.records.empty() ? w.records[pos].added : 0;
    finding.stale = w.freshness.stale;
    finding.stale_detail = w.stale_detail;
    finding.entitled =
        entitled || scratch->tenant.Entitled(s, NanpAreaCode(number.e164));
  }
  facts.findings = findings;
  facts.consents = consents;
  return policy::Decide(facts, entry, &result->reasons,
                        &result->detail_storage);
}

}  // namespace

void ScrubResult::Clear() {
  dispositions.clear();
  e164.clear();
  reasons.clear();
  snapshots.clear();
  detail_storage.clear();
}

absl::Status Scrub(const SourceSet& sources,
                   absl::Span<const ParsedNumber> numbers,
                   const ScrubContext& context, ScrubResult* result,
                   ScrubScratch* scratch) {
  result->Clear();
  const size_t n = numbers.size();
  result->dispositions.resize(n, Disposition::kUnspecified);
  result->e164.resize(n, 0);
  std::vector<SourceWork> work;
  QueueKeys(sources, numbers, context.today, &work, &scratch->routes, result);
  const absl::Status looked_up = LookUpKeys(&work, result);
  if (!looked_up.ok()) return looked_up;

  // The rules of each source's jurisdiction, once per batch.
  scratch->rules.resize(sources.size());
  scratch->applies.resize(sources.size());
  for (size_t j = 0; j < sources.size(); ++j) {
    if (work[j].keys.empty()) continue;
    scratch->rules[j] =
        policy::RulesFor(sources.sources()[j].manifest().jurisdiction);
    scratch->applies[j] =
        policy::SourceApplies(scratch->rules[j], context.purpose) ? 1 : 0;
  }
  TenantFacts& tenant = scratch->tenant;
  tenant.Start(context.tenant, sources, result->e164, context.today,
               context.now, context.subject);

  // Pass 3: each entry in order, so reasons come out sorted by entry. An
  // entry that policy::NothingToDecide() lets through is CALLABLE at once;
  // the others get their findings gathered and policy::Decide() rules.
  // The loop reads through raw pointers: its stores of one-byte
  // dispositions may alias anything, which would otherwise reload every
  // vector's data pointer per number.
  scratch->route_plain.assign(sources.route_count(), kUnknownRoute);
  uint8_t* const plain_of = scratch->route_plain.data();
  const uint32_t* const routes = scratch->routes.data();
  SourceWork* const works = work.data();
  Disposition* const dispositions = result->dispositions.data();
  for (size_t i = 0; i < n; ++i) {
    const ParsedNumber& number = numbers[i];
    const uint32_t entry = static_cast<uint32_t>(i);
    if (!number.valid()) {
      policy::NumberFacts facts;
      facts.e164 = number.e164;
      facts.readable = ReadableOf(number.number_class);
      facts.problem = number.problem;
      dispositions[i] = policy::Decide(facts, entry, &result->reasons,
                                       &result->detail_storage);
      continue;
    }
    const uint32_t route_id = routes[i];
    const Route& route = sources.route(route_id);
    bool listed = false;
    for (const uint32_t s : route.sources) {
      SourceWork& w = works[s];
      listed |= w.listed[w.cursor++] != 0;
    }
    uint8_t plain = plain_of[route_id];
    if (plain == kUnknownRoute)
      plain = plain_of[route_id] = PlainRoute(route, work);
    const bool entitled = tenant.EntitledToRoute(route_id, number.e164);
    const std::optional<DayNumber>& opted_out = tenant.OptedOut(i);
    const policy::AttemptLimit* capped = tenant.AttemptLimitOf(i);
    if (policy::NothingToDecide(listed, plain != kPlainRoute, !entitled,
                                !route.national, opted_out.has_value(),
                                capped != nullptr)) {
      dispositions[i] = Disposition::kCallable;
      continue;
    }
    // A listed number with nothing else to weigh: the plain rule.
    absl::Span<const policy::ConsentRecord> consents;
    if (listed && !opted_out.has_value()) {
      consents = tenant.ConsentsOf(number.e164);
    }
    if (listed && consents.empty() && !opted_out.has_value() && entitled &&
        plain == kPlainRoute && route.national &&
        route.sources.size() <= kMaxPlainSources) {
      policy::PlainListing listings[kMaxPlainSources];
      size_t count = 0;
      for (const uint32_t s : route.sources) {
        const SourceWork& w = work[s];
        const size_t pos = w.cursor - 1;  // This entry's answer.
        policy::PlainListing& l = listings[count++];
        l.snapshot = w.snapshot;
        l.listed = w.listed[pos] != 0;
        l.added = l.listed && !w.records.empty() ? w.records[pos].added : 0;
        l.applies = scratch->applies[s] != 0;
      }
      if (policy::DecidePlainListing(absl::MakeConstSpan(listings, count),
                                     entry, &result->reasons)) {
        dispositions[i] = Disposition::kBlocked;
        continue;
      }
    }
    dispositions[i] =
        DecideFromFindings(number, entry, route, work, opted_out, entitled,
                           consents, capped, context, scratch, result);
  }
  return absl::OkStatus();
}

absl::Status Scrub(const SourceSet& sources,
                   absl::Span<const ParsedNumber> numbers, DayNumber today,
                   ScrubResult* result) {
  // One per thread: its buffers keep their capacity from batch to batch.
  thread_local ScrubScratch scratch;
  ScrubContext context;
  context.today = today;
  return Scrub(sources, numbers, context, result, &scratch);
}

}  // namespace dnc::service
