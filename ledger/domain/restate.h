// Restatement: what each assessed claim line was decided and paid, against what the facts
// and rule versions known at `known_at` allow (docs/RESTATEMENT.md).
//
// Two questions are kept apart. What was decided (the assessment in force, the reviewer's
// reductions, the payments, arrears paid, overpayments recovered) is read from the log as
// it stands at known_at and never recomputed. What is due is the line priced again by the
// calculator against the PCN's facts folded at known_at and the rule book at known_at,
// with the yearly sum judged again:
//
//   restated = the line's approved amount as priced again (0 when refused), against what
//              is left of the year's sum as known at known_at after the claims ranked
//              ahead, and no more than a reviewer's reduction of the line.
//
// A year's assessed claims take their share of its sum in the order their assessments in
// force were recorded (as AssessClaim shares it: after every other claim's approved
// amount), each line in line order; the restated lines of a year never add up to more
// than its sum, and a line refused for want of a sum (NO_SUM_SET) is owed once one is set.
//
// Per line: difference = restated - (paid + arrears paid - recovered). A claim is
// *settled* once it is paid by as_of, or assessed with nothing approved (nothing to pay).
// For a settled claim the sum of its lines' differences is owed to the PCN when above 0
// (arrears due) and owed back when below 0 (an overpayment to recover); for a claim still
// to be paid it is the payment still due. Money events count when their effective date
// (the day paid or recovered) is on or before as_of.
//
// A claim's payments are shared over its lines in line order, each line taking up to its
// approved amount as it stood when the payment was made (events in force, in slot
// order), anything beyond going to the last line. Arrears paid go to lines with a positive
// difference, recoveries to lines with a negative one, in line order, the rest to the last
// line. So, per line and per claim: paid + arrears paid - recovered + difference =
// restated.
//
// Everything here is a pure function of one PCN stream's events (and the rule book), so a
// rebuild, a snapshot start and the live state agree by construction.
//
// Thread safety: pure functions; concurrent calls on const inputs are safe.
#ifndef ARRS_LEDGER_DOMAIN_RESTATE_H_
#define ARRS_LEDGER_DOMAIN_RESTATE_H_

#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/api.pb.h"
#include "arrs/v1/events.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/rules/rule_book.h"

namespace arrs::domain {

// The money recorded against one claim, by as_of (read from the events in force).
struct ClaimMoney {
  int64_t paid_pence = 0;
  std::optional<absl::CivilDay> first_paid_on;
  // line_no -> the part of the payments that went to the line.
  std::map<int32_t, int64_t> paid_by_line;
  int64_t arrears_paid_pence = 0;
  int64_t recovered_pence = 0;
  // Recovered by offset against this claim's payments (deducted from them).
  int64_t offset_against_pence = 0;
};

struct ClaimRestatement {
  std::string claim_id;
  absl::CivilDay month;
  uint64_t assessed_position = 0;
  ClaimMoney money;
  int64_t approved_pence = 0;  // after reductions
  int64_t restated_pence = 0;
  // restated - (paid + arrears paid - recovered).
  int64_t difference_pence = 0;
  // Paid by as_of, or assessed with nothing approved.
  bool settled = false;
  // For a settled claim: max(0, difference) and max(0, -difference); else 0.
  int64_t arrears_due_pence = 0;
  int64_t overpayment_to_recover_pence = 0;
  std::vector<v1::LineRestatement> lines;  // in the assessment's line order
};

struct RestateOptions {
  // Only claims for months of this financial year (0: every year).
  int financial_year = 0;
  // Only this claim ("" : every claim).
  std::string claim_id;
  // Only claims for months on or before as_of.
  bool only_months_to_as_of = false;
  // Fill each line's restated explanation (the calculator's text) when its figures
  // differ from the assessment's.
  bool explain = false;
  // Price every line again even when nothing that prices it changed since its assessment
  // (tests compare the two ways; see RestatePcn).
  bool always_price = false;
};

struct PcnRestatement {
  uint64_t known_at = 0;
  std::map<std::string, ClaimRestatement> claims;  // assessed claims only
  int64_t restated_pence = 0;
  int64_t paid_pence = 0;
  int64_t arrears_paid_pence = 0;
  int64_t recovered_pence = 0;
  int64_t arrears_due_pence = 0;
  int64_t overpayment_to_recover_pence = 0;
};

// The money recorded against each claim of the stream, from its events in force at
// known_at (ResolveCorrections' in_force, slot order), counting those effective on or
// before as_of.
// With `only`, just the claims it names (and what is offset onto them).
std::map<std::string, ClaimMoney> CollectClaimMoney(const std::vector<const v1::Event*>& in_force,
                                                    absl::CivilDay as_of,
                                                    const std::set<std::string>* only = nullptr);

// Restates the assessed claims of `pcn`, the model folded from `stream_events` at
// `known_at` (the caller's fold, so a cached model can be used; its claims must point into
// those events). `book` answers as at known_at.
//
// A claim with no event recorded after its assessment that could change its price (a
// fact effective by the claim's month end, any correction or start date; never claim or
// money events), and whose year's rule version at known_at is the one it was assessed
// under, is *quiet*: its lines keep their decided prices without running the calculator,
// unless the sum decided them (PARTIALLY_APPROVED, SUM_EXHAUSTED, NO_SUM_SET) or what is
// left of it no longer covers them; those are priced again. Every assessed claim of the
// years asked for is restated (their order decides the sum's shares); `options` chooses
// which are returned.
PcnRestatement RestatePcn(const PcnModel& pcn, const std::vector<const v1::Event*>& stream_events,
                          const rules::RuleBook& book, uint64_t known_at, absl::CivilDay as_of,
                          const RestateOptions& options = {});

// The same, folding the model itself.
PcnRestatement RestatePcn(const std::vector<const v1::Event*>& stream_events,
                          const rules::RuleBook& book, uint64_t known_at, absl::CivilDay as_of,
                          const RestateOptions& options = {});

// True when a line's outcome means the yearly sum limited it (PARTIALLY_APPROVED,
// SUM_EXHAUSTED, or NO_SUM_SET: no sum was set).
bool SumLimited(v1::LineOutcome outcome);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_RESTATE_H_
