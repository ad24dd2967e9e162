// Who a member of staff is, copied into a StaffModel from a record that names the
// fields alike: a StaffHired event (folding the log) or a snapshot's staff record
// (restoring a snapshot).
#ifndef ARRS_LEDGER_DOMAIN_STAFF_IDENTITY_H_
#define ARRS_LEDGER_DOMAIN_STAFF_IDENTITY_H_

#include "ledger/domain/pcn_model.h"

namespace arrs::domain {

// Sets `to`'s id, role, band, MHP funding, employment model, employer and display name
// from `from`; leaves every other field as it was.
template <typename StaffRecord>
void CopyStaffIdentity(const StaffRecord& from, StaffModel* to) {
  to->staff_id = from.staff_id();
  to->role = from.role();
  to->band = from.band();
  to->mhp_funding = from.mhp_funding();
  to->employment_model = from.employment_model();
  to->employer_name = from.employer_name();
  to->display_name = from.display_name();
}

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_STAFF_IDENTITY_H_
