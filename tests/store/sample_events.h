// Sample events for the store tests and the event log benchmark (no GoogleTest here, so
// that the benchmark can include it).
#ifndef ARRS_TESTS_STORE_SAMPLE_EVENTS_H_
#define ARRS_TESTS_STORE_SAMPLE_EVENTS_H_

#include <string>

#include "arrs/v1/events.pb.h"

namespace arrs::store::testing_util {

// A StaffStarted event on 2024-04-01 with the given staff id.
inline v1::Event MakeEvent(const std::string& staff_id, const std::string& actor = "tester") {
  v1::Event event;
  event.mutable_effective_date()->set_year(2024);
  event.mutable_effective_date()->set_month(4);
  event.mutable_effective_date()->set_day(1);
  event.set_actor(actor);
  event.set_reason("test");
  event.mutable_payload()->mutable_staff_started()->set_staff_id(staff_id);
  return event;
}

// A StaffHired event of realistic size (about 300 bytes serialized).
inline v1::Event MakeHiredEvent(const std::string& staff_id,
                                const std::string& actor = "icb-reviewer@example.nhs.uk") {
  v1::Event event = MakeEvent(staff_id, actor);
  event.set_reason("New clinical pharmacist recruited under the ARRS for 2024/25");
  v1::StaffHired* hired = event.mutable_payload()->mutable_staff_hired();
  hired->set_staff_id(staff_id);
  hired->set_role(v1::CLINICAL_PHARMACIST);
  hired->set_band("7");
  hired->set_employer_name("Example Health Federation Community Interest Company");
  hired->set_wte_bp(10000);
  hired->set_annual_salary_pence(4353800);
  hired->set_annual_on_costs_pence(1102500);
  hired->set_display_name("A. N. Example-Pharmacist");
  return event;
}

}  // namespace arrs::store::testing_util

#endif  // ARRS_TESTS_STORE_SAMPLE_EVENTS_H_
