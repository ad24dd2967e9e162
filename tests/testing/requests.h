// Request builders for tests: valid requests with every required field set, so that a
// test changes only the field it is about. Request ids are left empty unless given.
#ifndef ARRS_TESTS_TESTING_REQUESTS_H_
#define ARRS_TESTS_TESTING_REQUESTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/api.pb.h"
#include "ledger/util/civil_date.h"
#include "tests/testing/hire_request.h"

namespace arrs::testing_support {

inline v1::Date D(int y, int m, int d) { return ToProtoDate(absl::CivilDay(y, m, d)); }

// A command request about `pcn` with only its PCN and its header's request id set.
template <typename Request>
Request PcnRequest(const std::string& pcn, const std::string& request_id = "") {
  Request r;
  r.mutable_header()->set_request_id(request_id);
  r.set_pcn_code(pcn);
  return r;
}

// A whole-time clinical pharmacist hired on 1 April 2023 (band 7, lead practice,
// £50,000 salary, £12,000 on-costs).
inline v1::HireStaffRequest ValidHire(const std::string& pcn, const std::string& staff,
                                      const std::string& request_id = "") {
  v1::HireStaffRequest r = WholeTimeHire(request_id, pcn, staff, v1::CLINICAL_PHARMACIST,
                                         v1::LEAD_PRACTICE, D(2023, 4, 1), 5000000);
  r.set_band("7");
  r.set_annual_on_costs_pence(1200000);
  return r;
}

// A whole-time care coordinator hired on 1 April 2021 (lead practice, £25,000 salary): the
// smallest valid hire, for tests that only need events.
inline v1::HireStaffRequest CareCoordinatorHire(const std::string& pcn, const std::string& staff,
                                                const std::string& request_id) {
  return WholeTimeHire(request_id, pcn, staff, v1::CARE_COORDINATOR, v1::LEAD_PRACTICE,
                       D(2021, 4, 1), 2500000);
}

// A claim of `pcn` for `month`, one line per (staff id, actual cost in pence), numbered
// from 1.
inline v1::SubmitClaimRequest ValidClaim(
    const std::string& pcn, const std::string& claim, const v1::Date& month,
    const std::vector<std::pair<std::string, int64_t>>& lines,
    const std::string& request_id = "") {
  auto r = PcnRequest<v1::SubmitClaimRequest>(pcn, request_id);
  r.set_claim_id(claim);
  *r.mutable_month() = month;
  int n = 0;
  for (const auto& [staff, cost] : lines) {
    v1::ClaimLine* line = r.add_lines();
    line->set_line_no(++n);
    line->set_staff_id(staff);
    line->set_actual_cost_pence(cost);
  }
  return r;
}

// Assessment of `claim` of `pcn`.
inline v1::AssessClaimRequest ValidAssess(const std::string& pcn, const std::string& claim,
                                          const std::string& request_id = "") {
  auto r = PcnRequest<v1::AssessClaimRequest>(pcn, request_id);
  r.set_claim_id(claim);
  return r;
}

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_TESTING_REQUESTS_H_
