// Field validation of event payloads: every field of a payload as it would be appended
// checked on its own (shape, range, text rules, list bounds), before any decision about
// the PCN as it stands. Decide* runs it on the payload it builds; corrections run it on
// the replacement.
//
// Errors: INVALID_ARGUMENT naming the field (with `prefix` prepended) and the value.
// Pure functions of their arguments; safe from any thread.
#ifndef ARRS_LEDGER_DOMAIN_VALIDATE_H_
#define ARRS_LEDGER_DOMAIN_VALIDATE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "arrs/v1/api.pb.h"

namespace arrs::domain {

// Bounds on every repeated field of a command (named in proto/arrs/v1/api.proto). A list
// above its bound is INVALID_ARGUMENT naming the field, its length and the bound.
inline constexpr int kMaxMemberPractices = 100;  // RegisterPcn.member_practices
inline constexpr int kMaxBaselineRoles = 64;     // RecordBaseline.roles
inline constexpr int kMaxClaimLines = 500;       // SubmitClaim.lines

// Field checks of a payload as it would be appended (used for replacements);
// `prefix` is prepended to field names in messages.
absl::Status ValidatePayload(const v1::Payload& payload, absl::string_view prefix);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_VALIDATE_H_
