#include "ledger/domain/ranked_wte.h"

#include <algorithm>
#include <utility>

namespace arrs::domain {

bool RankedAhead(const StaffModel& a, const StaffModel& b) {
  if (a.FirstDayInPost() != b.FirstDayInPost()) return a.FirstDayInPost() < b.FirstDayInPost();
  return a.hired_position < b.hired_position;
}

RankedWte::RankedWte(std::vector<const StaffModel*> members) : ranked_(std::move(members)) {
  std::stable_sort(ranked_.begin(), ranked_.end(),
                   [](const StaffModel* a, const StaffModel* b) { return RankedAhead(*a, *b); });
}

const std::map<v1::Role, RankedWte::RoleSums>& RankedWte::SumsOn(absl::CivilDay day) {
  auto [it, added] = days_.try_emplace(day);
  if (!added) return it->second;
  for (const StaffModel* member : ranked_) {
    const int32_t wte = member->ContractedWteOn(day);
    if (wte <= 0) continue;
    RoleSums& sums = it->second[member->role];
    sums.through.push_back((sums.through.empty() ? 0 : sums.through.back()) + wte);
    sums.ranked.push_back(member);
  }
  return it->second;
}

int64_t RankedWte::Ahead(const StaffModel& staff, v1::Role role, absl::CivilDay day) {
  const std::map<v1::Role, RoleSums>& on_day = SumsOn(day);
  auto sums = on_day.find(role);
  if (sums == on_day.end()) return 0;
  const std::vector<const StaffModel*>& ranked = sums->second.ranked;
  // The members of the role ranked ahead of `staff` are a prefix of the rank order.
  const size_t ahead = static_cast<size_t>(
      std::partition_point(ranked.begin(), ranked.end(),
                           [&staff](const StaffModel* m) { return RankedAhead(*m, staff); }) -
      ranked.begin());
  return ahead == 0 ? 0 : sums->second.through[ahead - 1];
}

}  // namespace arrs::domain
