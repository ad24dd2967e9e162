#include <algorithm>
#include <vector>

#include "ledger/domain/ranked_wte.h"
#include "ledger/projections/projections.h"
#include "ledger/util/civil_date.h"

namespace arrs::projections {

v1::CapUsage ComputeCapUsage(const domain::PcnModel& pcn, const rules::RuleBook& book,
                             absl::CivilDay as_of, uint64_t known_at) {
  v1::CapUsage out;
  out.set_pcn_code(pcn.pcn_code);
  *out.mutable_as_of() = ToProtoDate(as_of);
  out.set_computed_at_position(pcn.position);
  const int64_t list_size = pcn.ListSizeOn(as_of).registered_list_size;
  out.set_registered_list_size(list_size);
  const v1::FinancialYearRules* year = book.ForDate(as_of, known_at);
  if (year == nullptr) return out;

  // Staff in post on as_of, in cap rank order (first day in post, then hire position).
  std::vector<const domain::StaffModel*> ranked;
  for (const auto& [id, staff] : pcn.staff) {
    if (staff.InPost(as_of)) ranked.push_back(&staff);
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const auto* a, const auto* b) { return domain::RankedAhead(*a, *b); });

  for (const v1::CapRule& cap : year->caps()) {
    const absl::CivilDay from(cap.effective_from().year(), cap.effective_from().month(),
                              cap.effective_from().day());
    absl::CivilDay to = FinancialYearEnd(year->financial_year());
    if (!IsUnset(cap.effective_to())) {
      to = absl::CivilDay(cap.effective_to().year(), cap.effective_to().month(),
                          cap.effective_to().day());
    }
    if (!IsUnset(cap.effective_from()) && as_of < from) continue;
    if (as_of > to) continue;
    v1::CapLine* line = out.add_caps();
    *line->mutable_roles() = cap.roles();
    line->set_cap_wte_bp(list_size < cap.list_size_threshold() ? cap.cap_wte_bp_below()
                                                               : cap.cap_wte_bp_at_or_above());
    line->set_rule_version(year->version());
    line->set_unverified(cap.unverified());
    int32_t used = 0;
    for (const domain::StaffModel* staff : ranked) {
      if (std::find(cap.roles().begin(), cap.roles().end(), staff->role) == cap.roles().end()) {
        continue;
      }
      used += staff->ContractedWteOn(as_of);
      line->add_staff_ids(staff->staff_id);
    }
    line->set_used_wte_bp(used);
  }
  return out;
}

}  // namespace arrs::projections
