// Settlement of restated claims by commissioners (docs/RESTATEMENT.md): paying arrears
// and recording the recovery of an overpayment, each an event on the PCN's stream.
//
// Both are pure decisions in the manner of decide.h: the request's fields are checked
// (INVALID_ARGUMENT naming the field and the value), then the claim's restatement at the
// head (RestatePcn at the head, every payment and settlement counted) must owe what is
// asked: FAILED_PRECONDITION when the claim is not settled yet (paid, or assessed with
// nothing approved), owes nothing that way, or less than the amount. NOT_FOUND for an
// unknown PCN or claim. The events come back with effective_date, reason and payload set.
//
// Thread safety: pure functions.
#ifndef ARRS_LEDGER_DOMAIN_SETTLE_H_
#define ARRS_LEDGER_DOMAIN_SETTLE_H_

#include "absl/status/statusor.h"
#include "arrs/v1/api.pb.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/domain/restate.h"

namespace arrs::domain {

// The day far enough ahead that every money event counts ("as the ledger stands").
inline constexpr absl::CivilDay kEndOfTime = absl::CivilDay(2100, 12, 31);

// `restated` is the PCN's restatement at the head as of kEndOfTime (at least the claim
// named by the request).
absl::StatusOr<Events> DecidePayArrears(const PcnModel& pcn, const PcnRestatement& restated,
                                        const v1::PayArrearsRequest& r);
absl::StatusOr<Events> DecideRecoverOverpayment(const PcnModel& pcn,
                                                const PcnRestatement& restated,
                                                const v1::RecoverOverpaymentRequest& r);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_SETTLE_H_
