// RankedWte: the contracted WTE of a PCN's members ranked ahead of one of them, by role,
// on a day, for a fixed set of members. It is what BuildLineInput adds up member by
// member for caps and the 2019 baseline (ranked by first day in post, then by hire
// position), answered instead from running sums built once for each day asked about: a
// forecast that prices every member of a PCN of n members each month takes n log n, not
// n squared (a PCN of 17,800 members took 11.6 s for one balance).
//
// Thread safety: not thread-safe (it keeps the sums of the days asked about). The members
// must outlive it and not change.
#ifndef ARRS_LEDGER_DOMAIN_RANKED_WTE_H_
#define ARRS_LEDGER_DOMAIN_RANKED_WTE_H_

#include <cstdint>
#include <map>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/common.pb.h"
#include "ledger/domain/pcn_model.h"

namespace arrs::domain {

// True when `a` is ranked ahead of `b` for caps and the baseline.
bool RankedAhead(const StaffModel& a, const StaffModel& b);

class RankedWte {
 public:
  explicit RankedWte(std::vector<const StaffModel*> members);

  // The sum of ContractedWteOn(day) over the members of `role` ranked ahead of `staff`
  // (RankedAhead; `staff` itself never is), members with none that day left out.
  int64_t Ahead(const StaffModel& staff, v1::Role role, absl::CivilDay day);

 private:
  // One role's members with some WTE on the day, in rank order, and the running sum of
  // their WTE: through[i] is the sum over ranked[0..i].
  struct RoleSums {
    std::vector<const StaffModel*> ranked;
    std::vector<int64_t> through;
  };
  const std::map<v1::Role, RoleSums>& SumsOn(absl::CivilDay day);

  std::vector<const StaffModel*> ranked_;  // every member, in rank order
  std::map<absl::CivilDay, std::map<v1::Role, RoleSums>> days_;
};

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_RANKED_WTE_H_
