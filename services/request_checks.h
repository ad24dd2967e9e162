// Checks of a request message as it arrived, before anything is authorised or decided.
//
// Unknown fields: a field number the server's schema does not know is kept by protobuf
// as "unknown" and copied along with the message it sits in, so without this check an
// old or hostile client could smuggle bytes into a stored event (where no field rule
// sees them). Every request is refused when it carries one, at any depth.
//
// Errors: INVALID_ARGUMENT naming the message path (e.g. "StaffChangeRequest.started")
// and the field number. Pure; safe from any thread.
#ifndef ARRS_SERVICES_REQUEST_CHECKS_H_
#define ARRS_SERVICES_REQUEST_CHECKS_H_

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace arrs::services {

absl::Status CheckNoUnknownFields(const google::protobuf::Message& request);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_REQUEST_CHECKS_H_
