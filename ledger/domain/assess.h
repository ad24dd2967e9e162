// Claim assessment: prices every line of a PCN's monthly claim under the rule book in
// force, with the PCN's context (list size, cap group, 2019 baseline, yearly sum).
#ifndef ARRS_LEDGER_DOMAIN_ASSESS_H_
#define ARRS_LEDGER_DOMAIN_ASSESS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/events.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/domain/ranked_wte.h"
#include "ledger/rules/calculator.h"
#include "ledger/rules/caps.h"
#include "ledger/rules/rule_book.h"

namespace arrs::domain {

// The calculator's input for `staff` in the month containing `month`, claiming
// `claimed_pence`, with everything but the yearly-sum context filled from `pcn`.
// Staff are ranked for caps and additionality by first day in post, then by hire
// position: those ranked ahead fill the cap (and the 2019 baseline) first.
rules::LineInput BuildLineInput(const PcnModel& pcn, const rules::RuleBook& book,
                                const StaffModel& staff, absl::CivilDay month,
                                int64_t claimed_pence, uint64_t rules_known_at);
// The same, ranking `staff` only against the members `ranked` holds, from its running
// sums (no pass over the members for each line): every member of `pcn` left out must have
// no contracted WTE on any day of the month (not yet in post, or gone). Lets a forecast
// over many months, or a restatement of a month's lines, rank a large PCN cheaply.
rules::LineInput BuildLineInput(const PcnModel& pcn, const rules::RuleBook& book,
                                const StaffModel& staff, absl::CivilDay month,
                                int64_t claimed_pence, uint64_t rules_known_at,
                                RankedWte& ranked);

// Assesses `claim` line by line. Lines share what remains of the PCN's sum for the
// claim's financial year, in line order, after every other claim's approved amount.
v1::ClaimAssessed AssessClaim(const PcnModel& pcn, const rules::RuleBook& book,
                              const ClaimModel& claim, uint64_t rules_known_at);

// Removes the explanation text of every line, freeing its memory (the log stores an
// assessment's figures, and the ledger keeps appended events in memory).
void StripExplanations(v1::ClaimAssessed* assessment);

// Copies the explanations of `derived` (an assessment priced again from the same facts
// and rules) onto the stored `lines` with the same line numbers. A line whose figures
// differ from the derived ones gets an explanation that says so instead.
void AttachExplanations(const v1::ClaimAssessed& derived,
                        google::protobuf::RepeatedPtrField<v1::AssessedLine>* lines);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_ASSESS_H_
