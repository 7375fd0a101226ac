#include "policy/jurisdiction_rules.h"

#include <cstddef>

namespace dnc::policy {
namespace {

constexpr int64_t kCharityPoliticalSurvey = PurposeBit(Purpose::kCharity) |
                                            PurposeBit(Purpose::kPolitical) |
                                            PurposeBit(Purpose::kSurvey);

// One row per jurisdiction; country rows first and complete. Each row names
// its legal basis; docs/rules.md describes the table. Nothing here is legal
// advice.
constexpr JurisdictionRow kRows[] = {
    // US federal: TSR 16 CFR 310.4(b)(1)(iii)(B) and TCPA 47 CFR 64.1200.
    // EBR 18 months after a purchase or transaction, 3 months after an
    // inquiry or application; prior express written consent until revoked.
    // Charities, political organisations and surveys are not limited by the
    // national registry (a charity still honours its own donors' opt-outs:
    // the internal list beats every purpose). Calling hours and holidays:
    // policy/calling_rules.cc.
    {"US", 18, 3, 1, kCharityPoliticalSurvey,
     "TSR 16 CFR 310.4(b)(1)(iii); TCPA 47 CFR 64.1200(c)"},
    // Canada's National DNCL (CRTC Unsolicited Telecommunications Rules):
    // EBR 18 months after a purchase, 6 months after an inquiry; express
    // consent until withdrawn. Registered charities, political parties and
    // candidates, and surveys/polls are exempt (so are newspapers of general
    // circulation, which have no Purpose here).
    {"CA", 18, 6, 1, kCharityPoliticalSurvey,
     "CRTC Unsolicited Telecommunications Rules, Part II"},
    // UK TPS/CTPS (PECR reg. 21): no EBR window in law; a subscriber may
    // consent to calls from a named caller (recorded here as written
    // consent) until withdrawn. ICO guidance treats charities' and political
    // parties' marketing calls as direct marketing, so those purposes are not
    // exempt; genuine market research is not marketing, but the TPS has no
    // "survey" exemption as such, so a "survey" label excuses nothing here
    // (fail closed).
    {"GB", 0, 0, 1, 0, "PECR 2003 reg. 21"},
    // Pennsylvania (Telemarketer Registration Act, 73 P.S. 2242): an EBR of
    // "12 months", read as the purchase/transaction window. The Act's
    // EBR definition adds that after an inquiry the seller "shall obtain the
    // consent ... to continue the business relationship beyond the initial
    // inquiry", so an inquiry alone is not recognised as an EBR for the PA
    // list (0); record the consumer's consent as written consent instead.
    // Everything else as US.
    {"US-PA", 12, 0, kInherit, kInherit, "73 P.S. 2242 (EBR definition)"},
};

char Upper(char c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Upper(a[i]) != Upper(b[i])) return false;
  }
  return true;
}

int FindRow(std::string_view jurisdiction) {
  for (size_t i = 0; i < sizeof(kRows) / sizeof(kRows[0]); ++i) {
    if (EqualsIgnoreCase(kRows[i].jurisdiction, jurisdiction)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Applies the fields `row` sets over `rules`.
void Apply(const JurisdictionRow& row, JurisdictionRules* rules) {
  rules->known = true;
  if (row.ebr_purchase_months != kInherit) {
    rules->ebr_purchase_months = row.ebr_purchase_months;
  }
  if (row.ebr_inquiry_months != kInherit) {
    rules->ebr_inquiry_months = row.ebr_inquiry_months;
  }
  if (row.written_consent != kInherit) {
    rules->written_consent = row.written_consent != 0;
  }
  if (row.exempt_purposes != kInherit) {
    rules->exempt_purposes = static_cast<uint32_t>(row.exempt_purposes);
  }
}

}  // namespace

absl::Span<const JurisdictionRow> JurisdictionTable() { return kRows; }

JurisdictionRules RulesFor(std::string_view jurisdiction) {
  JurisdictionRules rules;
  const size_t dash = jurisdiction.find('-');
  if (dash != std::string_view::npos) {
    const int country = FindRow(jurisdiction.substr(0, dash));
    if (country >= 0) Apply(kRows[country], &rules);
  }
  const int own = FindRow(jurisdiction);
  if (own >= 0) Apply(kRows[own], &rules);
  return rules;
}

}  // namespace dnc::policy
