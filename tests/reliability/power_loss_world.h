// What the power-loss rounds (power_loss_test.cc) share: the requests the writers send,
// what the clients know (acknowledged and in-doubt requests), the projections compared
// after a reopen, and the options a Ledger is opened with on the power-loss file system.
#ifndef ARRS_TESTS_RELIABILITY_POWER_LOSS_WORLD_H_
#define ARRS_TESTS_RELIABILITY_POWER_LOSS_WORLD_H_

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/engine/ledger.h"

namespace arrs::testing_support {

inline constexpr int kPowerPcns = 3;
inline constexpr char kPowerActor[] = "power-loss-writer";

inline std::string PowerPcn(int p) { return absl::StrCat("U6100", p); }

inline v1::Date PowerDate(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// A hire whose staff id is its request id (so that each request's event can be found).
inline v1::HireStaffRequest PowerHire(const std::string& id, int pcn) {
  v1::HireStaffRequest r;
  r.mutable_header()->set_request_id(id);
  r.set_pcn_code(PowerPcn(pcn));
  r.set_staff_id(id);
  r.set_role(v1::CARE_COORDINATOR);
  r.set_employment_model(v1::LEAD_PRACTICE);
  *r.mutable_hire_date() = PowerDate(2021, 4, 1);
  r.set_wte_bp(2000);
  r.set_annual_salary_pence(2500000);
  return r;
}

inline v1::RegisterPcnRequest PowerRegistration(int p) {
  v1::RegisterPcnRequest r;
  r.mutable_header()->set_request_id(absl::StrCat("register-", p));
  r.set_pcn_code(PowerPcn(p));
  r.set_name("Power-loss PCN");
  r.set_icb_code("QPL");
  *r.mutable_effective_date() = PowerDate(2020, 4, 1);
  return r;
}

// What the clients know, across rounds: acknowledged request -> position, and the
// requests whose call failed at the cut (outcome unknown until retried).
struct PowerClients {
  std::mutex mu;
  std::map<std::string, uint64_t> acknowledged;
  std::map<std::string, v1::HireStaffRequest> in_doubt;
  uint64_t deduplicated_retries = 0;

  std::set<std::string> InDoubtIds() {
    std::set<std::string> ids;
    for (const auto& [id, r] : in_doubt) ids.insert(id);
    return ids;
  }
};

// Each PCN's workforce and balance at `position`, serialized: what a reopened ledger
// serves is compared byte for byte with a full rebuild's.
inline std::vector<std::string> PowerProjections(engine::Ledger& ledger, uint64_t position) {
  std::vector<std::string> out;
  for (int p = 0; p < kPowerPcns; ++p) {
    v1::WorkforceRequest w;
    w.set_pcn_code(PowerPcn(p));
    *w.mutable_as_of() = PowerDate(2021, 6, 1);
    w.mutable_known_at()->set_position(position);
    v1::BalanceRequest b;
    b.set_pcn_code(PowerPcn(p));
    b.set_financial_year(2021);
    b.mutable_known_at()->set_position(position);
    absl::StatusOr<v1::Workforce> workforce = ledger.GetWorkforce(w);
    absl::StatusOr<v1::Balance> balance = ledger.GetBalance(b);
    out.push_back(absl::StrCat(workforce.ok() ? workforce->SerializeAsString()
                                              : workforce.status().ToString(),
                               "|", balance.ok() ? balance->SerializeAsString()
                                                 : balance.status().ToString()));
  }
  return out;
}

// A number from the environment, or `fallback` when unset.
inline uint64_t PowerEnv(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::strtoull(value, nullptr, 10);
}

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_RELIABILITY_POWER_LOSS_WORLD_H_
