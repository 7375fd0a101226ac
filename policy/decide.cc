// Decide(): the one rule order (policy/policy.h) that turns a number's
// findings and the seller's records into its disposition and reasons.
#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/nanp_regions.h"
#include "policy/jurisdiction_rules.h"
#include "policy/policy.h"

namespace dnc::policy {
namespace {

// Routes this long or shorter take the plain path (a route has a source per
// jurisdiction that covers it: one to three in practice).
constexpr size_t kMaxPlainSources = 8;

constexpr char kMalformedDefault[] = "cannot be read as a phone number";
constexpr char kInvalidDefault[] = "not an assignable phone number";
constexpr char kNoSourceDefault[] =
    "no loaded national registry covers this number";

absl::string_view Sv(std::string_view sv) { return {sv.data(), sv.size()}; }

// Buckets of records that do not excuse: purchase, inquiry, written
// consent, any other type.
constexpr int kFailedKinds = 4;

int FailedKind(ConsentType type) {
  switch (type) {
    case ConsentType::kPurchase:
      return 0;
    case ConsentType::kInquiry:
      return 1;
    case ConsentType::kWritten:
      return 2;
    default:
      return 3;
  }
}

// What a seller's records do for one listing.
struct RecordVerdict {
  const ConsentRecord* excusing = nullptr;  // The newest record that excuses.
  DayNumber excusing_until = 0;  // Its expiry (exclusive); 0 = until revoked.
  // Per kind, the newest record that does not excuse.
  const ConsentRecord* failed[kFailedKinds] = {};
};

// The window of `type` in `rules` in months; 0 = not recognised; -1 = until
// revoked (written consent).
int WindowMonths(const JurisdictionRules& rules, ConsentType type) {
  switch (type) {
    case ConsentType::kPurchase:
      return rules.ebr_purchase_months;
    case ConsentType::kInquiry:
      return rules.ebr_inquiry_months;
    case ConsentType::kWritten:
      return rules.written_consent ? -1 : 0;
    default:
      return 0;
  }
}

// Whether `record` excuses a listing under `rules` on `today`; if it does
// and expires, the first day it no longer does.
bool Excuses(const JurisdictionRules& rules, const ConsentRecord& record,
             DayNumber today, DayNumber* until) {
  *until = 0;
  if (!rules.known || record.date > today) return false;  // Fail closed.
  const int months = WindowMonths(rules, record.type);
  if (months == 0) return false;
  if (months < 0) return true;
  *until = AddMonths(record.date, months);
  return today < *until;
}

RecordVerdict JudgeRecords(const JurisdictionRules& rules,
                           absl::Span<const ConsentRecord> records,
                           DayNumber today) {
  RecordVerdict verdict;
  for (const ConsentRecord& record : records) {
    DayNumber until = 0;
    if (Excuses(rules, record, today, &until)) {
      // Newest wins; on a tie, the one that lasts longer (written consent).
      const bool better =
          verdict.excusing == nullptr || record.date > verdict.excusing->date ||
          (record.date == verdict.excusing->date &&
           (until == 0 ||
            (verdict.excusing_until != 0 && until > verdict.excusing_until)));
      if (better) {
        verdict.excusing = &record;
        verdict.excusing_until = until;
      }
    } else {
      const ConsentRecord*& failed = verdict.failed[FailedKind(record.type)];
      if (failed == nullptr || record.date > failed->date) failed = &record;
    }
  }
  return verdict;
}

ReasonCode ExcuseCode(ConsentType type) {
  switch (type) {
    case ConsentType::kPurchase:
      return ReasonCode::kEbrPurchase;
    case ConsentType::kInquiry:
      return ReasonCode::kEbrInquiry;
    default:
      return ReasonCode::kWrittenConsent;
  }
}

std::string RecordName(const ConsentRecord& record) {
  switch (record.type) {
    case ConsentType::kPurchase:
    case ConsentType::kInquiry:
    case ConsentType::kWritten:
      return ConsentTypeName(record.type);
    default:
      return absl::StrCat("record of unknown type ",
                          static_cast<int>(record.type));
  }
}

// "24 hours", "90 minutes", "45 seconds".
std::string WindowText(int64_t seconds) {
  if (seconds % 3600 == 0) {
    return absl::StrCat(seconds / 3600, seconds == 3600 ? " hour" : " hours");
  }
  if (seconds % 60 == 0) return absl::StrCat(seconds / 60, " minutes");
  return absl::StrCat(seconds, " seconds");
}

std::string MonthsText(int months) {
  return absl::StrCat(months, months == 1 ? " month" : " months");
}

// "purchase 2025-09-01; US allows 18 months: valid through 2027-02-28".
std::string ExcuseDetail(std::string_view jurisdiction,
                         const JurisdictionRules& rules,
                         const ConsentRecord& record, DayNumber until) {
  if (until == 0) {
    return absl::StrCat(RecordName(record), " ", FormatIsoDate(record.date),
                        "; ", Sv(jurisdiction), " honours it until revoked");
  }
  return absl::StrCat(RecordName(record), " ", FormatIsoDate(record.date), "; ",
                      Sv(jurisdiction), " allows ",
                      MonthsText(WindowMonths(rules, record.type)),
                      ": valid through ", FormatIsoDate(until - 1));
}

// Why `record` does not excuse: "inquiry 2026-06-01; US allows 3 months:
// expired 2026-09-01".
std::string FailedDetail(std::string_view jurisdiction,
                         const JurisdictionRules& rules,
                         const ConsentRecord& record, DayNumber today) {
  const std::string head =
      absl::StrCat(RecordName(record), " ", FormatIsoDate(record.date));
  if (!rules.known) {
    return absl::StrCat(head, "; no rules are known for ", Sv(jurisdiction),
                        ", so no EBR or consent excuses its listing");
  }
  if (record.date > today) {
    return absl::StrCat(head, " is after today (", FormatIsoDate(today),
                        "): a future-dated record excuses nothing");
  }
  const int months = WindowMonths(rules, record.type);
  if (months == 0) {
    if (record.type == ConsentType::kPurchase ||
        record.type == ConsentType::kInquiry ||
        record.type == ConsentType::kWritten) {
      return absl::StrCat(head, "; ", Sv(jurisdiction), " does not recognise ",
                          RecordName(record), " as an exemption");
    }
    return absl::StrCat(head, " excuses nothing");
  }
  return absl::StrCat(head, "; ", Sv(jurisdiction), " allows ",
                      MonthsText(months), ": expired ",
                      FormatIsoDate(AddMonths(record.date, months)));
}

std::string SourceName(const SourceFinding& finding) {
  return absl::StrCat(Sv(finding.source), " (", Sv(finding.jurisdiction), ")");
}

std::string AreaText(uint64_t e164) {
  const int npa = NanpAreaCode(e164);
  if (npa >= 0) return absl::StrCat("area code ", npa);
  return "this number's country code";
}

// The rules of `finding`'s jurisdiction: the caller's, or looked up into
// `*lookup`.
const JurisdictionRules& RulesOf(const SourceFinding& finding,
                                 JurisdictionRules* lookup) {
  if (finding.rules != nullptr) return *finding.rules;
  *lookup = RulesFor(finding.jurisdiction);
  return *lookup;
}

bool Applies(const JurisdictionRules& rules, Purpose purpose) {
  return SourceApplies(rules, purpose);
}

// A listing that does not block: excused by a record (`record`), or on a
// source the purpose is exempt from (`record` == nullptr).
struct Excused {
  const SourceFinding* finding = nullptr;
  JurisdictionRules rules;
  const ConsentRecord* record = nullptr;
  DayNumber until = 0;  // The record's expiry (exclusive); 0 = until revoked.
};

// Appends one number's reasons, making texts only where they are needed.
class ReasonWriter {
 public:
  ReasonWriter(const NumberFacts& facts, uint32_t entry,
               std::vector<Reason>* reasons, std::deque<std::string>* texts)
      : facts_(facts), entry_(entry), reasons_(reasons), texts_(texts) {}

  size_t count() const { return reasons_->size(); }
  uint32_t entry() const { return entry_; }
  std::vector<Reason>* reasons() const { return reasons_; }

  void Add(ReasonCode code, uint32_t snapshot, absl::string_view detail,
           DayNumber date = 0) {
    reasons_->push_back(Reason{entry_, code, snapshot, detail, date});
  }
  absl::string_view Keep(std::string text) {
    texts_->push_back(std::move(text));
    return texts_->back();
  }

  void Listed(const SourceFinding& finding) {
    absl::string_view detail;
    if (!facts_.terse_listings) {
      detail = Keep(finding.added != 0
                        ? absl::StrCat("listed on ", SourceName(finding),
                                       " since ", FormatIsoDate(finding.added))
                        : absl::StrCat("listed on ", SourceName(finding),
                                       "; date added unknown"));
    }
    Add(ReasonCode::kListed, finding.snapshot, detail, finding.added);
  }

  void Excuse(const Excused& excused) {
    const SourceFinding& finding = *excused.finding;
    if (excused.record == nullptr) {
      Add(ReasonCode::kPurposeExempt, finding.snapshot,
          Keep(absl::StrCat(PurposeName(facts_.purpose),
                            " calls are exempt from ", SourceName(finding),
                            " in ", Sv(finding.jurisdiction))));
      return;
    }
    Add(ExcuseCode(excused.record->type), finding.snapshot,
        Keep(ExcuseDetail(finding.jurisdiction, excused.rules, *excused.record,
                          excused.until)),
        excused.record->date);
  }

  // FREQUENCY_CAP: "3 calls on subject 'solar' in the 24 hours before now;
  // US-FL allows 3 per 24 hours (Fla. Stat. ...): callable again at ...".
  void Capped(const AttemptLimit& limit) {
    const std::string subject =
        limit.subject.empty()
            ? std::string("on any subject (none given)")
            : absl::StrCat("on subject '", Sv(limit.subject), "'");
    reasons_->push_back(
        Reason{entry_, ReasonCode::kFrequencyCap, kNoSnapshot,
               Keep(absl::StrCat(
                   limit.attempts, limit.attempts == 1 ? " call " : " calls ",
                   subject, " in the last ", WindowText(limit.window_seconds),
                   "; ", limit.jurisdiction, " allows ", limit.max_calls,
                   " per ", WindowText(limit.window_seconds), " (",
                   limit.source, "): callable again at ",
                   absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                                    absl::FromUnixSeconds(limit.callable_at),
                                    absl::UTCTimeZone()))),
               0, limit.callable_at});
  }

  // One EXEMPTION_EXPIRED per kind of record that does not excuse.
  void Failed(const SourceFinding& finding, const JurisdictionRules& rules,
              const RecordVerdict& verdict) {
    for (const ConsentRecord* record : verdict.failed) {
      if (record == nullptr) continue;
      Add(ReasonCode::kExemptionExpired, finding.snapshot,
          Keep(
              FailedDetail(finding.jurisdiction, rules, *record, facts_.today)),
          record->date);
    }
  }

 private:
  const NumberFacts& facts_;
  const uint32_t entry_;
  std::vector<Reason>* const reasons_;
  std::deque<std::string>* const texts_;
};

// Rules 2-6 for a readable number that is not on the internal list.
Disposition DecideListings(const NumberFacts& facts, ReasonWriter& out) {
  JurisdictionRules lookup;  // For findings that bring no rules.
  // 2. No entitlement to an applicable source: say nothing about the
  // registries.
  const size_t mark = out.count();
  for (const SourceFinding& finding : facts.findings) {
    if (finding.entitled ||
        !Applies(RulesOf(finding, &lookup), facts.purpose)) {
      continue;
    }
    out.Add(ReasonCode::kNotEntitled, finding.snapshot,
            out.Keep(absl::StrCat("the seller has no subscription to ",
                                  SourceName(finding), " data for ",
                                  AreaText(facts.e164))));
  }
  if (out.count() != mark) return Disposition::kNotSubscribed;

  // 3. Listings on applicable sources: each excused by a record, or it
  // blocks. Without records, stale sources or missing coverage, the plain
  // rule says it all (the same one batch callers use).
  if (facts.terse_listings && facts.consents.empty() && !facts.no_source &&
      facts.findings.size() <= kMaxPlainSources) {
    PlainListing plain[kMaxPlainSources];
    size_t count = 0;
    bool stale = false;
    for (const SourceFinding& finding : facts.findings) {
      stale |= finding.stale;
      plain[count++] = {finding.snapshot, finding.added, finding.listed,
                        Applies(RulesOf(finding, &lookup), facts.purpose)};
    }
    if (!stale && DecidePlainListing(absl::MakeConstSpan(plain, count),
                                     out.entry(), out.reasons())) {
      return Disposition::kBlocked;
    }
  }
  absl::InlinedVector<Excused, 4> excused;
  bool blocked = false;
  for (const SourceFinding& finding : facts.findings) {
    if (!finding.listed) continue;
    const JurisdictionRules& rules = RulesOf(finding, &lookup);
    if (!Applies(rules, facts.purpose)) {
      if (finding.entitled) excused.push_back({&finding, rules, nullptr, 0});
      continue;
    }
    const RecordVerdict verdict =
        JudgeRecords(rules, facts.consents, facts.today);
    if (verdict.excusing != nullptr) {
      excused.push_back(
          {&finding, rules, verdict.excusing, verdict.excusing_until});
      continue;
    }
    blocked = true;
    out.Listed(finding);
    out.Failed(finding, rules, verdict);
  }
  if (blocked) return Disposition::kBlocked;

  // 4. Unknown: an applicable source past its window, or no source at all.
  for (const SourceFinding& finding : facts.findings) {
    if (!finding.stale || !Applies(RulesOf(finding, &lookup), facts.purpose)) {
      continue;
    }
    out.Add(ReasonCode::kSourceStale, finding.snapshot,
            !finding.stale_detail.empty()
                ? finding.stale_detail
                : out.Keep(absl::StrCat(
                      "the loaded copy of ", SourceName(finding),
                      " is past its legal window: load a fresh copy")));
  }
  if (facts.no_source) {
    out.Add(ReasonCode::kNoSource, kNoSnapshot,
            !facts.no_source_detail.empty()
                ? facts.no_source_detail
                : absl::string_view(kNoSourceDefault));
  }
  const bool unknown = out.count() != mark;
  // 5. The call-frequency cap (not after STALE: unknown data says more).
  const bool capped = !unknown && facts.attempt_limit != nullptr;
  if (capped) out.Capped(*facts.attempt_limit);
  // 6. The excused listings, as evidence.
  for (const Excused& e : excused) {
    out.Listed(*e.finding);
    out.Excuse(e);
  }
  if (unknown) return Disposition::kStale;
  if (capped) return Disposition::kAttemptLimit;
  return excused.empty() ? Disposition::kCallable : Disposition::kExempt;
}

}  // namespace

bool SourceApplies(const JurisdictionRules& rules, Purpose purpose) {
  return !(rules.known && PurposeExempt(rules, purpose));
}

Disposition Decide(const NumberFacts& facts, uint32_t entry,
                   std::vector<Reason>* reasons,
                   std::deque<std::string>* texts) {
  ReasonWriter out(facts, entry, reasons, texts);
  // 0. Numbers that cannot be judged.
  if (facts.readable == Readable::kMalformed) {
    out.Add(ReasonCode::kMalformedNumber, kNoSnapshot,
            facts.problem != nullptr ? facts.problem : kMalformedDefault);
    return Disposition::kMalformed;
  }
  if (facts.readable == Readable::kInvalid) {
    out.Add(ReasonCode::kInvalidNumber, kNoSnapshot,
            facts.problem != nullptr ? facts.problem : kInvalidDefault);
    return Disposition::kInvalid;
  }
  // 1. The seller's own list beats everything.
  if (facts.opted_out) {
    out.Add(ReasonCode::kInternalList, kNoSnapshot,
            out.Keep(absl::StrCat(
                "on the seller's do-not-call list",
                facts.opted_out_on != 0
                    ? absl::StrCat(" since ", FormatIsoDate(facts.opted_out_on))
                    : std::string(),
                "; it overrides every purpose, EBR and consent")),
            facts.opted_out_on);
    return Disposition::kInternal;
  }
  // Most numbers: on no list, every source fresh and entitled.
  bool listed = false, stale = false, unentitled = false;
  for (const SourceFinding& finding : facts.findings) {
    listed |= finding.listed;
    stale |= finding.stale;
    unentitled |= !finding.entitled;
  }
  if (NothingToDecide(listed, stale, unentitled, facts.no_source, false,
                      facts.attempt_limit != nullptr)) {
    return Disposition::kCallable;
  }
  return DecideListings(facts, out);
}

}  // namespace dnc::policy
