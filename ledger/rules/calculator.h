// The ARRS reimbursement calculator: prices one claim line (one member of staff, one
// month) under the rule book in force, and says why.
//
// Formula (all integer arithmetic, 128-bit intermediates):
//
//   maximum      = sum over each day d of the month on which the member is in post and the
//                  role is eligible of  annual_max(d) x wte(d)  / (12 x days_in_month)
//   reimbursable = min(claimed, maximum) x reimbursed percentage
//                  (roles with maximum_after_percentage, e.g. 2019/20 clinical pharmacists:
//                   min(claimed x percentage, maximum))
//   Mental health practitioners (RoleRule.mhp_arrangements set): the claimed amount is what
//   the PCN pays for the post (its share under MHP_SHARED_50), reimbursed in full up to the
//   PCN's maximum under the hire's arrangement:
//                  reimbursable = min(claimed, maximum x share)   (MAXIMUM_OF_WHOLE_COST)
//                  reimbursable = min(claimed, maximum)           (MAXIMUM_OF_SHARE)
//   and the band row is the one named by the hire band (RoleRule.hire_bands). The
//   explanation states the arrangement, its share and its source.
//
// annual_max(d) is the figure in force on day d (figure.h: the role's own figure, else its
// band row's; the PCN's London zone figure where the rule book has one), so the month is
// split by days at in-post segment boundaries, at mid-month rule changes, at zone changes
// and at the role's eligibility start/end. WTE is in basis points (10000 = 1.0). The
// explanation says where every figure used comes from (own figure or band row, confidence,
// source) and, for a London PCN priced at the national figure, that the zone figure is not
// in the rule book.
//
// ROUNDING RULE (the only one): each line is computed exactly as a fraction and rounded
// ONCE, at the end, DOWN to whole pence. maximum_pence is reported rounded down too, but
// reimbursable_pence is computed from the exact maximum, not from the rounded one.
//
// Checks, in this order; a failing check returns its outcome with approved_pence = 0 and
// a reason naming the figures:
//   NOT_IN_POST         no day of the month with paid WTE > 0
//   ROLE_NOT_ELIGIBLE   no rule version for the year, the role is not in it, or no in-post
//                       day falls in the role's eligibility window
//   CAP_EXCEEDED        a verified cap in force on an eligible in-post day: ranked-ahead
//                       WTE >= cap, no room left (unverified caps are noted, not enforced).
//                       When ranked-ahead WTE + this member's highest WTE exceeds the cap
//                       but room is left, the part that fits is reimbursed: the line's
//                       maximum and claimed cost are both taken at room / own WTE (exact,
//                       rounded once at the end) and, if the sum allows, the outcome is
//                       PARTIALLY_WITHIN_CAP; the explanation shows the split.
//   (mental health practitioners, roles with RoleRule.mhp_arrangements: a hire whose
//   arrangement a source says does not exist in the year, e.g. MHP_FULL_100 before 2024/25,
//   is ROLE_NOT_ELIGIBLE, checked with the eligibility window)
//   NOT_ADDITIONAL      role is a baseline role and role_wte_ahead + own WTE <= the PCN's
//                       31 March 2019 baseline WTE for it (the member fills a baseline post)
//   MAXIMUM_UNKNOWN     an eligible in-post day has no maximum or an unverified one; a rule
//                       version with the figure must be published. (Checked after the cap
//                       and baseline, which are definitive; maximum_pence is then 0.)
//                       Also, for a role tabled per hire band (RoleRule.hire_bands), a
//                       member whose band the year does not list; and for a role with
//                       mhp_arrangements, a hire with no arrangement recorded, one the year
//                       does not list (not sourced), or one whose maximum basis is not
//                       established. Each says which of these it is.
//   NO_SUM_SET          no sum set for the year (sum_remaining_pence = -1)
//   SUM_EXHAUSTED       nothing left of the sum (0)
//   PARTIALLY_APPROVED  approved = sum_remaining_pence < reimbursable
//   APPROVED            approved = reimbursable (PARTIALLY_WITHIN_CAP when a cap let
//                       only part of the WTE through)
// Inputs that make no sense (negative claim, segment ending before it starts, overlapping
// segments, WTE outside 0..1.0) give LINE_OUTCOME_UNSPECIFIED and a message.
//
// The explanation is multi-line text an auditor can redo by hand: rule version and the log
// position that published it, each day range with its annual maximum, WTE and days, the
// arithmetic, the percentage, the rounding, and each check.
//
// Thread-safe: pure functions over a const RuleBook.
#ifndef ARRS_LEDGER_RULES_CALCULATOR_H_
#define ARRS_LEDGER_RULES_CALCULATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/common.pb.h"
#include "arrs/v1/events.pb.h"
#include "ledger/rules/caps.h"
#include "ledger/rules/entitlement.h"
#include "ledger/rules/rule_book.h"

namespace arrs::rules {

// Paid WTE on each day of [from, to] (inclusive). Segments of one line must not overlap;
// days outside every segment are days not in post (or unpaid).
struct PostSegment {
  absl::CivilDay from, to;
  int32_t wte_bp = 0;
};

// What the calculator needs to know about the PCN and the member's place in it.
struct LineContext {
  int64_t registered_list_size = 0;  // for cap thresholds
  int32_t cap_wte_ahead_bp = 0;      // WTE of other staff in the same cap group ranked ahead
  int32_t baseline_wte_bp = 0;       // the PCN's 31 March 2019 baseline WTE for this role
  int32_t role_wte_ahead_bp = 0;     // WTE of same-role staff ranked ahead (hired earlier)
  int64_t sum_remaining_pence = -1;  // left of the PCN's yearly sum before this line; -1 = none
};

// The PCN's London weighting zone over [from, to]; days outside every span are outside
// London (national figures).
struct ZoneSpan {
  absl::CivilDay from, to;
  v1::LondonZone zone = v1::LONDON_ZONE_NONE;
};

struct LineInput {
  v1::Role role = v1::ROLE_UNSPECIFIED;
  absl::CivilDay month;  // any day of the claimed month
  std::vector<PostSegment> in_post;
  int64_t claimed_pence = 0;  // actual salary + employer on-costs paid for the month
  LineContext context;
  // The member's Agenda for Change band (StaffHired.band): prices roles tabled per band.
  std::string band;
  // The member's MHP funding arrangement (StaffHired.mhp_funding).
  v1::MhpFunding mhp_funding = v1::MHP_FUNDING_UNSPECIFIED;
  // The PCN's London zone (HCAS) timeline; empty = outside London.
  std::vector<ZoneSpan> zones;
  // False: figures only, LinePrice::explanation left empty (forecasts price many lines
  // nobody reads).
  bool explain = true;
};

struct LinePrice {
  v1::LineOutcome outcome = v1::LINE_OUTCOME_UNSPECIFIED;
  int64_t maximum_pence = 0;       // before the percentage, rounded down
  int64_t reimbursable_pence = 0;  // min(claimed, maximum) x percentage, rounded down once
  int64_t approved_pence = 0;      // after the checks
  std::string explanation;
  std::vector<std::string> rule_versions;
};

LinePrice PriceLine(const RuleBook& book, const LineInput& in, uint64_t known_at = kLatest);

// Copies a priced line into the AssessedLine of a ClaimAssessed event.
void FillAssessedLine(const LinePrice& price, int64_t claimed_pence, v1::AssessedLine* out);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_CALCULATOR_H_
