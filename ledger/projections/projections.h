// Bitemporal projections of a PCN: pure functions of a PcnModel folded as known at some
// log position (the known_at dimension) and a valid date `as_of`. The engine chooses the
// fold; these functions only read it. Every result reports `known_at` as the position it
// was computed at, so it can be reproduced.
#ifndef ARRS_LEDGER_PROJECTIONS_PROJECTIONS_H_
#define ARRS_LEDGER_PROJECTIONS_PROJECTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/api.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/domain/restate.h"
#include "ledger/rules/rule_book.h"

namespace arrs::projections {

// One claim as Balance.claims shows it on `as_of` (claimed, approved, paid by as_of,
// status), without the restatement fields.
v1::ClaimSummary SummarizeClaim(const std::string& claim_id, const domain::ClaimModel& claim,
                                absl::CivilDay as_of);

// Balance of the PCN's Additional Roles Reimbursement Sum for `financial_year`, counting
// claims for months up to `as_of`; the forecast prices the months after as_of's month to
// 31 March for staff as they stand (actual monthly cost, capped by the rules), and the
// full-year effect is 12 times March's reimbursable amount for staff in post on 31 March.
//
// Shortcuts, exact: a month with no verified maximum for the role prices 0 without the
// calculator, and a month in which a member is in post every day, at one WTE, cost,
// maximum, cap and place in the ranking, prices as the month before did; the WTE ranked
// ahead of each member comes from running sums (domain/ranked_wte.h), not a pass over
// the members for each line. `reuse_equal_months` = false prices every month with the
// calculator, ranking member by member (tests compare).
v1::Balance ComputeBalance(const domain::PcnModel& pcn, const rules::RuleBook& book,
                           int financial_year, absl::CivilDay as_of, uint64_t known_at,
                           bool reuse_equal_months = true);

// For every cap in force on `as_of`: the cap at the PCN's list size, the WTE counted
// against it and the staff who count, in rank order.
v1::CapUsage ComputeCapUsage(const domain::PcnModel& pcn, const rules::RuleBook& book,
                             absl::CivilDay as_of, uint64_t known_at);

// Headcount and WTE in post on `as_of` per role, against the 31 March 2019 baseline and
// by employment model, with the staff in post.
v1::Workforce ComputeWorkforce(const domain::PcnModel& pcn, absl::CivilDay as_of,
                               uint64_t known_at);

// Every event of one PCN stream up to known_at (optionally only those about one staff
// member or claim, with the corrections of those), with corrections linked both ways.
v1::AuditTrail ComputeAuditTrail(const std::vector<const v1::Event*>& stream_events,
                                 uint64_t known_at, const std::string& staff_id,
                                 const std::string& claim_id);

// Adds one PCN's figures on `as_of` to the region summary (by ICB and national).
void AddToRegion(const domain::PcnModel& pcn, absl::CivilDay as_of, v1::RegionSummary* out);

// The claim's assessed lines (one line or all when line_no == 0) and reductions.
v1::Explanation ComputeExplanation(const domain::ClaimModel& claim, int32_t line_no,
                                   uint64_t known_at);

// Restatement (domain/restate.h, docs/RESTATEMENT.md), added to what the functions above
// computed from the model.
//
// The balance's claims (ComputeBalance's, same PCN, as_of and known_at): paid by as_of
// (every payment, not only the last), restated, arrears paid, recovered, arrears due and
// overpayments to recover per claim and in total, and the net due. `restated` must cover
// the balance's claims (RestateOptions: its financial year, months to as_of).
void AddRestatement(const domain::PcnRestatement& restated, v1::Balance* out);
// One claim's lines (one line or all when line_no == 0) priced again.
void AddRestatement(const domain::ClaimRestatement& claim, int32_t line_no,
                    v1::Explanation* out);
// One PCN's paid, arrears due and overpayments to recover, to its ICB's line (which
// AddToRegion must have made) and the national line.
void AddRestatementToRegion(const std::string& icb_code, const domain::PcnRestatement& restated,
                            v1::RegionSummary* out);
// One PCN's claims with arrears due or an overpayment to recover, with their causes
// (nothing when it has none).
void AddToArrearsReport(const domain::PcnModel& pcn, const domain::PcnRestatement& restated,
                        v1::ArrearsReport* out);

}  // namespace arrs::projections

#endif  // ARRS_LEDGER_PROJECTIONS_PROJECTIONS_H_
