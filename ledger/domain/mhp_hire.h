// Hire checks for mental health practitioners, as the DES tables them.
//
// CheckMhpHire(book, h, hired) returns INVALID_ARGUMENT naming the field and the value when:
//   - the role is MENTAL_HEALTH_PRACTITIONER and mhp_funding is unspecified or not a known
//     arrangement, or band is empty;
//   - the role is any other and mhp_funding is set;
//   - the rule version in force on the hire day tables the role per band
//     (RoleRule.hire_bands) and `band` is not one of them;
//   - that version says the hire's arrangement does not exist in the year
//     (MhpArrangement.available false, e.g. MHP_FULL_100 before 2024/25).
// A year with no rule version, or whose MHP rule lists no hire bands or arrangements, checks
// only the first two. Pricing checks the month's own year again (calculator.h).
#ifndef ARRS_LEDGER_DOMAIN_MHP_HIRE_H_
#define ARRS_LEDGER_DOMAIN_MHP_HIRE_H_

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "arrs/v1/events.pb.h"
#include "ledger/rules/rule_book.h"

namespace arrs::domain {

absl::Status CheckMhpHire(const rules::RuleBook& book, const v1::StaffHired& h,
                          absl::CivilDay hired);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_MHP_HIRE_H_
