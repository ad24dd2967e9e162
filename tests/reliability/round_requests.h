// The requests the crash and power-loss rounds (crash_under_load_test.cc,
// power_loss_test.cc) send and query with: hires whose staff id is their request id (so
// that each request's event can be found), PCN registrations, and the workforce and
// balance requests whose answers are compared with a full rebuild's.
#ifndef ARRS_TESTS_RELIABILITY_ROUND_REQUESTS_H_
#define ARRS_TESTS_RELIABILITY_ROUND_REQUESTS_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "arrs/v1/api.pb.h"
#include "tests/testing/requests.h"

namespace arrs::testing_support {

// A care coordinator (0.2 WTE) hired at `pcn_code` on 2021-04-01; `id` is the request id
// and the staff id.
inline v1::HireStaffRequest CoordinatorHire(const std::string& id, const std::string& pcn_code) {
  v1::HireStaffRequest r = CareCoordinatorHire(pcn_code, id, id);
  r.set_wte_bp(2000);
  return r;
}

// PCN number `p` (`pcn_code`) registered from 2020-04-01, as request "register-<p>".
inline v1::RegisterPcnRequest PcnRegistration(int p, const std::string& pcn_code,
                                              const std::string& name,
                                              const std::string& icb_code) {
  v1::RegisterPcnRequest r;
  r.mutable_header()->set_request_id(absl::StrCat("register-", p));
  r.set_pcn_code(pcn_code);
  r.set_name(name);
  r.set_icb_code(icb_code);
  *r.mutable_effective_date() = D(2020, 4, 1);
  return r;
}

// What is compared per PCN: its workforce on 2021-06-01 and its 2021/22 balance.
struct ProjectionRequests {
  v1::WorkforceRequest workforce;
  v1::BalanceRequest balance;
};

// The projection requests for `pcn_code` as known at `position`.
inline ProjectionRequests ProjectionRequestsAt(const std::string& pcn_code, uint64_t position) {
  ProjectionRequests r;
  r.workforce.set_pcn_code(pcn_code);
  *r.workforce.mutable_as_of() = D(2021, 6, 1);
  r.workforce.mutable_known_at()->set_position(position);
  r.balance.set_pcn_code(pcn_code);
  r.balance.set_financial_year(2021);
  r.balance.mutable_known_at()->set_position(position);
  return r;
}

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_RELIABILITY_ROUND_REQUESTS_H_
