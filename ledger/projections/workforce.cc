#include <map>

#include "ledger/projections/projections.h"
#include "ledger/util/civil_date.h"

namespace arrs::projections {

v1::Workforce ComputeWorkforce(const domain::PcnModel& pcn, absl::CivilDay as_of,
                               uint64_t known_at) {
  v1::Workforce out;
  out.set_pcn_code(pcn.pcn_code);
  *out.mutable_as_of() = ToProtoDate(as_of);
  out.set_computed_at_position(pcn.position);
  std::map<int, v1::WorkforceLine> by_role;
  for (const auto& [role, baseline] : pcn.baseline) {
    v1::WorkforceLine& line = by_role[role];
    line.set_role(role);
    line.set_baseline_headcount(baseline.headcount());
    line.set_baseline_wte_bp(baseline.wte_bp());
  }
  for (const auto& [id, staff] : pcn.staff) {
    if (!staff.InPost(as_of)) continue;
    const int32_t wte = staff.ContractedWteOn(as_of);
    v1::WorkforceLine& line = by_role[staff.role];
    line.set_role(staff.role);
    line.set_headcount(line.headcount() + 1);
    line.set_wte_bp(line.wte_bp() + wte);
    switch (staff.employment_model) {
      case v1::MEMBER_PRACTICES_JOINTLY:
        line.set_headcount_member_practices(line.headcount_member_practices() + 1);
        break;
      case v1::LEAD_PRACTICE:
        line.set_headcount_lead_practice(line.headcount_lead_practice() + 1);
        break;
      case v1::THIRD_PARTY:
        line.set_headcount_third_party(line.headcount_third_party() + 1);
        break;
      default:
        break;
    }
    v1::StaffInPost* in_post = out.add_staff();
    in_post->set_staff_id(id);
    in_post->set_role(staff.role);
    in_post->set_wte_bp(wte);
    in_post->set_employment_model(staff.employment_model);
    in_post->set_employer_name(staff.employer_name);
    *in_post->mutable_start_date() = ToProtoDate(staff.FirstDayInPost());
    in_post->set_annual_cost_pence(staff.MonthlyCostPenceOn(as_of) * 12);
  }
  for (auto& [role, line] : by_role) {
    line.set_additional_wte_bp(line.wte_bp() - line.baseline_wte_bp());
    *out.add_roles() = line;
  }
  return out;
}

void AddToRegion(const domain::PcnModel& pcn, absl::CivilDay as_of, v1::RegionSummary* out) {
  v1::RegionLine* icb = nullptr;
  for (v1::RegionLine& line : *out->mutable_icbs()) {
    if (line.icb_code() == pcn.icb_code) icb = &line;
  }
  if (icb == nullptr) {
    icb = out->add_icbs();
    icb->set_icb_code(pcn.icb_code);
  }
  v1::RegionLine* national = out->mutable_national();
  national->set_icb_code("ENGLAND");
  int32_t headcount = 0, wte = 0;
  for (const auto& [id, staff] : pcn.staff) {
    if (!staff.InPost(as_of)) continue;
    ++headcount;
    wte += staff.ContractedWteOn(as_of);
  }
  const int year = FinancialYearOf(as_of);
  int64_t approved = 0;
  for (const auto& [id, claim] : pcn.claims) {
    if (FinancialYearOf(claim.month) == year && claim.month <= as_of) {
      approved += claim.ApprovedPence();
    }
  }
  int64_t sum = 0;
  if (auto it = pcn.entitlements.find(year); it != pcn.entitlements.end()) {
    sum = it->second.sum_pence();
  }
  for (v1::RegionLine* line : {icb, national}) {
    line->set_pcn_count(line->pcn_count() + 1);
    line->set_headcount(line->headcount() + headcount);
    line->set_wte_bp(line->wte_bp() + wte);
    line->set_approved_pence(line->approved_pence() + approved);
    line->set_sum_pence(line->sum_pence() + sum);
  }
}

}  // namespace arrs::projections
