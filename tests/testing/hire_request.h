// WholeTimeHire: the smallest valid HireStaffRequest, for tests that choose who is hired,
// into which PCN, as what, from when and at what salary (requests.h has fuller builders).
#ifndef ARRS_TESTS_TESTING_HIRE_REQUEST_H_
#define ARRS_TESTS_TESTING_HIRE_REQUEST_H_

#include <cstdint>
#include <string>

#include "arrs/v1/api.pb.h"
#include "ledger/util/money.h"

namespace arrs::testing_support {

// A hire of `staff` into `pcn` as `role`, employed under `employment`, at 1.0 WTE from
// `hired`, paid `salary_pence` a year: no band, on-costs or display name. The header
// carries only `request_id`.
inline v1::HireStaffRequest WholeTimeHire(const std::string& request_id, const std::string& pcn,
                                          const std::string& staff, v1::Role role,
                                          v1::EmploymentModel employment, const v1::Date& hired,
                                          int64_t salary_pence) {
  v1::HireStaffRequest r;
  r.mutable_header()->set_request_id(request_id);
  r.set_pcn_code(pcn);
  r.set_staff_id(staff);
  r.set_role(role);
  r.set_employment_model(employment);
  *r.mutable_hire_date() = hired;
  r.set_wte_bp(kWholeTimeBp);
  r.set_annual_salary_pence(salary_pence);
  return r;
}

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_TESTING_HIRE_REQUEST_H_
