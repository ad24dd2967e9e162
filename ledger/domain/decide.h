// The domain's decisions: decide(state, command) -> events to append, or a precise error.
//
// Each Decide* function is pure: it validates the command's fields (INVALID_ARGUMENT,
// naming the field and the value), then checks it against the PCN as it stands
// (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION with the rule broken) and returns the
// events to append, with effective_date, reason, corrects and payload set. The caller
// (ledger/engine) appends them at the stream version the state was folded at, and sets
// the actor.
#ifndef ARRS_LEDGER_DOMAIN_DECIDE_H_
#define ARRS_LEDGER_DOMAIN_DECIDE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arrs/v1/api.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/domain/stream_names.h"  // PcnStream, kRulesStream (used with these)
#include "ledger/domain/validate.h"  // ValidatePayload, used by callers of DecideCorrect
#include "ledger/rules/rule_book.h"

namespace arrs::domain {

using Events = std::vector<v1::Event>;

absl::StatusOr<Events> DecideRegisterPcn(const PcnModel& pcn, const v1::RegisterPcnRequest& r);
absl::StatusOr<Events> DecideRecordListSize(const PcnModel& pcn,
                                            const v1::RecordListSizeRequest& r);
// The PCN's London weighting zone from r.effective_from on: a known zone (inner, outer or
// none), a real date, the PCN registered. INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<Events> DecideRecordLondonZone(const PcnModel& pcn,
                                              const v1::RecordLondonZoneRequest& r);
absl::StatusOr<Events> DecideRecordBaseline(const PcnModel& pcn,
                                            const v1::RecordBaselineRequest& r);
absl::StatusOr<Events> DecideSetEntitlement(const PcnModel& pcn, const rules::RuleBook& book,
                                            const v1::SetEntitlementRequest& r);
// A hire; mental health practitioners are checked against the rules in force on the hire
// day (mhp_hire.h).
absl::StatusOr<Events> DecideHireStaff(const PcnModel& pcn, const rules::RuleBook& book,
                                       const v1::HireStaffRequest& r);
absl::StatusOr<Events> DecideChangeStaff(const PcnModel& pcn, const v1::StaffChangeRequest& r);
absl::StatusOr<Events> DecideSubmitClaim(const PcnModel& pcn, const v1::SubmitClaimRequest& r);
absl::StatusOr<Events> DecideAssessClaim(const PcnModel& pcn, const rules::RuleBook& book,
                                         const v1::AssessClaimRequest& r);
absl::StatusOr<Events> DecideReduceClaimLine(const PcnModel& pcn,
                                             const v1::ReduceClaimLineRequest& r);
absl::StatusOr<Events> DecidePayClaim(const PcnModel& pcn, const v1::PayClaimRequest& r);
absl::StatusOr<Events> DecidePublishRules(const rules::RuleBook& book,
                                          const v1::PublishRulesRequest& r);

// A correction of `target`, an event of this PCN's stream. `superseded_by` is the position
// of the event that last acted on the target's slot when that is not the target itself
// (0 when the target may be corrected); see CorrectionView.
absl::StatusOr<Events> DecideCorrect(const PcnModel& pcn, const v1::Event& target,
                                     uint64_t superseded_by, const v1::CorrectRequest& r);


}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_DECIDE_H_
