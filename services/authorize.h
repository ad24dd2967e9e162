// Who may call what. Each RPC names one Access class; Authorize checks the principal's
// role and scope against it. PERMISSION_DENIED names the principal, the role and what
// was refused.
#ifndef ARRS_SERVICES_AUTHORIZE_H_
#define ARRS_SERVICES_AUTHORIZE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/auth.h"

namespace arrs::services {

enum class Access {
  kPcnWrite,           // staff and claims: the PCN's own service, admins
  kCommissionerWrite,  // registration, baseline, entitlement, assessment, payment:
                       // commissioners of the PCN's ICB, admins
  kAdminWrite,         // rules, corrections: admins
  kPcnRead,            // a PCN's projections: the PCN, its ICB's commissioners, admins,
                       // auditors
  kLogRead,            // verify, stats, subscribe: admins, auditors
  kBackup,             // admins
  kAnyAuthenticated,   // rules, PCN list (filtered to scope)
};

// `pcn_code` / `icb_code` describe the target ("" when not applicable or unknown).
absl::Status Authorize(const Principal& who, Access access, absl::string_view method,
                       absl::string_view pcn_code, absl::string_view icb_code);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_AUTHORIZE_H_
