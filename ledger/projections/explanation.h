// A claim's explanation as known at some log position: the assessed lines' figures as the
// log keeps them, with the explanation text derived again (the log stores an assessment's
// figures only) from the facts as they stood just before the assessment and the rule
// versions it priced with.
//
// Thread-safe: a pure function of its arguments.
#ifndef ARRS_LEDGER_PROJECTIONS_EXPLANATION_H_
#define ARRS_LEDGER_PROJECTIONS_EXPLANATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "arrs/v1/api.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/rules/rule_book.h"

namespace arrs::projections {

// The explanation of claim r.claim_id() (one line, or all when r.line_no() is 0) of
// `pcn`, the PCN's model as known at `known_at`, whose stream's events are
// `stream_events` (position order). Errors: NOT_FOUND when the claim was not submitted or
// has no such line; FAILED_PRECONDITION when it has not been assessed.
absl::StatusOr<v1::Explanation> ExplainClaim(const std::vector<const v1::Event*>& stream_events,
                                             const domain::PcnModel& pcn,
                                             const rules::RuleBook& book,
                                             const v1::ExplainRequest& r, uint64_t known_at);

// The assessment `assessed` (a ClaimAssessed event of the PCN stream whose events are
// `stream_events`, position order) as it was told when decided: its stored figures, with
// the explanations derived again from the facts just before it and the rule versions it
// priced with.
v1::ClaimAssessed ExplainAssessment(const std::vector<const v1::Event*>& stream_events,
                                    const rules::RuleBook& book, const v1::Event& assessed);

}  // namespace arrs::projections

#endif  // ARRS_LEDGER_PROJECTIONS_EXPLANATION_H_
