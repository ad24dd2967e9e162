// Checks of a request message as it arrived, before anything is authorised or decided.
//
// Unknown fields: a field number the server's schema does not know is kept by protobuf
// as "unknown" and copied along with the message it sits in, so without this check an
// old or hostile client could smuggle bytes into a stored event (where no field rule
// sees them). Every request is refused when it carries one, at any depth.
//
// Claim months: a claim is for a month that has begun, by the server's clock (UTC); a
// month after the current one is refused.
//
// Errors: INVALID_ARGUMENT naming the message path (e.g. "StaffChangeRequest.started")
// and the field number, or the claim month and the current month. Pure; safe from any
// thread.
#ifndef ARRS_SERVICES_REQUEST_CHECKS_H_
#define ARRS_SERVICES_REQUEST_CHECKS_H_

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "arrs/v1/common.pb.h"

namespace arrs::services {

absl::Status CheckNoUnknownFields(const google::protobuf::Message& request);

// `month` (any day of it) must not be after the month of `today`. An impossible date is
// left to the domain's own checks (OK here).
absl::Status CheckClaimMonthNotAfter(const v1::Date& month, absl::CivilDay today);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_REQUEST_CHECKS_H_
