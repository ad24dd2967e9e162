// One-line, human descriptions of events for audit trails and subscriptions.
#ifndef ARRS_CLI_DESCRIBE_H_
#define ARRS_CLI_DESCRIBE_H_

#include <string>

#include "arrs/v1/events.pb.h"

namespace arrs::cli {

// "staff_hired", "claim_paid", ... ("reversal" for EventReversed).
std::string EventKind(const v1::Event& event);
// "CP-001 clinical pharmacist 1.0 WTE £45,000.00 + £11,250.00" etc.
std::string DescribePayload(const v1::Event& event);

}  // namespace arrs::cli

#endif  // ARRS_CLI_DESCRIBE_H_
