// The causes a restated claim line lists: what, known after its assessment, made its
// restated figures differ from the decision (docs/RESTATEMENT.md). Used by restate.cc.
//
// Thread safety: pure functions over const inputs.
#ifndef ARRS_LEDGER_DOMAIN_RESTATE_CAUSES_H_
#define ARRS_LEDGER_DOMAIN_RESTATE_CAUSES_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/api.pb.h"
#include "arrs/v1/events.pb.h"
#include "ledger/rules/rule_book.h"

namespace arrs::domain {

// Adds to `line` the events recorded after position `after` (up to known_at) that bear on
// a line for `staff_id` (of `role`) in the month ending `month_end`: the member's own facts
// dated on or before the month's end, corrections and reversals of them, list sizes, the
// baseline, and hires of others in the same role. `by_position` indexes `events`.
void AddFactCauses(const std::vector<const v1::Event*>& events,
                   const std::unordered_map<uint64_t, const v1::Event*>& by_position,
                   uint64_t after, uint64_t known_at, const std::string& staff_id, v1::Role role,
                   absl::CivilDay month_end, v1::LineRestatement* line);

// Adds the rule version of `financial_year` in force at known_at when it is not the one
// in force at `rules_position` (the version the assessment priced with).
void AddRuleCause(const rules::RuleBook& book, int financial_year, uint64_t rules_position,
                  uint64_t known_at, v1::LineRestatement* line);

// Adds the yearly sum as the cause of a line it limits now or limited when decided:
// `sum_position` is the event that set the sum in force (0: none is set), `sum_pence` the
// sum and `left_pence` what the claims ranked ahead left of it for the line.
void AddSumCause(int financial_year, uint64_t sum_position, int64_t sum_pence, int64_t left_pence,
                 v1::LineRestatement* line);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_RESTATE_CAUSES_H_
