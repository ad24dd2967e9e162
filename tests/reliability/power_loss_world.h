// What the power-loss rounds (power_loss_test.cc) share: the requests the writers send
// (round_requests.h, on the power-loss PCNs),
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
#include "tests/reliability/round_requests.h"

namespace arrs::testing_support {

inline constexpr int kPowerPcns = 3;
inline constexpr char kPowerActor[] = "power-loss-writer";

inline std::string PowerPcn(int p) { return absl::StrCat("U6100", p); }

// A hire whose staff id is its request id (so that each request's event can be found).
inline v1::HireStaffRequest PowerHire(const std::string& id, int pcn) {
  return CoordinatorHire(id, PowerPcn(pcn));
}

inline v1::RegisterPcnRequest PowerRegistration(int p) {
  return PcnRegistration(p, PowerPcn(p), "Power-loss PCN", "QPL");
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
    const ProjectionRequests requests = ProjectionRequestsAt(PowerPcn(p), position);
    absl::StatusOr<v1::Workforce> workforce = ledger.GetWorkforce(requests.workforce);
    absl::StatusOr<v1::Balance> balance = ledger.GetBalance(requests.balance);
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
