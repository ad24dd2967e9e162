// arrsctl demo's history of each PCN: registration, staff, monthly claims (demo_loader.h).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/demo_data.h"
#include "cli/demo_loader.h"
#include "cli/demo_rules.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {

using absl::CivilDay;
using demo::DemoChange;
using demo::DemoPcn;
using demo::DemoStaff;

bool DemoLoader::LoadPcn(size_t index, const DemoPcn& pcn) {
  v1::RegisterPcnRequest reg;
  reg.set_pcn_code(pcn.code);
  reg.set_name(pcn.name);
  reg.set_icb_code(pcn.icb);
  *reg.mutable_effective_date() = ToProtoDate(CivilDay(2019, 7, 1));
  for (const auto& [ods, name] : pcn.practices) {
    v1::Practice* p = reg.add_member_practices();
    p->set_ods_code(ods);
    p->set_name(name);
  }
  if (!Send(&v1::CommandService::Stub::RegisterPcn, pcn.icb_token, pcn.code + ":register", reg)) {
    return false;
  }
  // List sizes on 1 January of each year, growing about 1.2% a year.
  int64_t list = pcn.list_size_2019;
  std::map<int, int64_t> lists;
  auto list_at = [&lists](int year) {
    return lists.count(year) ? lists[year] : lists.rbegin()->second;
  };
  for (int year = 2019; year <= 2025; ++year) {
    lists[year] = list;
    v1::RecordListSizeRequest ls;
    ls.set_pcn_code(pcn.code);
    *ls.mutable_reference_date() = ToProtoDate(CivilDay(year, 1, 1));
    ls.set_registered_list_size(list);
    ls.set_weighted_population_milli(list * pcn.weighted_ratio_milli + 137 * (year - 2018));
    if (!Send(&v1::CommandService::Stub::RecordListSize, pcn.icb_token,
              absl::StrCat(pcn.code, ":list-size:", year), ls)) {
      return false;
    }
    list += list * 12 / 1000;
  }
  v1::RecordBaselineRequest bl;
  bl.set_pcn_code(pcn.code);
  for (const auto& [role, headcount, wte] : pcn.baseline) {
    v1::RoleBaseline* b = bl.add_roles();
    b->set_role(role);
    b->set_headcount(headcount);
    b->set_wte_bp(wte);
  }
  if (!Send(&v1::CommandService::Stub::RecordBaseline, pcn.icb_token, pcn.code + ":baseline", bl)) {
    return false;
  }
  // Derived from the weighted population where the rule book has a rate per patient
  // (2020/21 on); otherwise (2019/20) the commissioner gives the sum: £2.05 a patient,
  // about the first year's 70% pharmacist + 100% link worker funding.
  for (int year = 2019; year <= 2025; ++year) {
    v1::SetEntitlementRequest en;
    en.set_pcn_code(pcn.code);
    en.set_financial_year(year);
    if (HasRate(year)) {
      en.set_derive_from_weighted_population(true);
    } else {
      en.set_sum_pence(list_at(year) * 205);
    }
    if (!Send(&v1::CommandService::Stub::SetEntitlement, pcn.icb_token,
              absl::StrCat(pcn.code, ":entitlement:", year), en)) {
      return false;
    }
  }
  (void)index;
  return true;
}

bool DemoLoader::HasRate(int financial_year) {
  v1::RulesRequest req;
  req.set_financial_year(financial_year);
  v1::RulesResponse rules;
  auto call = ctx_.NewCall(demo::kAuditorToken);
  if (!queries_->GetRules(call.get(), req, &rules).ok()) return false;
  return rules.rules().entitlement().rate_per_patient_millipence() > 0;
}

bool DemoLoader::LoadStaff(const DemoPcn& pcn, const std::vector<DemoStaff>& staff,
                           const std::vector<DemoChange>& changes) {
  for (const DemoStaff& s : staff) {
    v1::HireStaffRequest h;
    h.set_pcn_code(pcn.code);
    h.set_staff_id(s.id);
    h.set_role(s.role);
    h.set_band(s.band);
    h.set_employment_model(s.employment);
    h.set_employer_name(s.employer);
    *h.mutable_hire_date() = ToProtoDate(s.hired);
    h.set_wte_bp(s.wte_bp);
    h.set_annual_salary_pence(s.salary_pence);
    h.set_annual_on_costs_pence(demo::OnCosts(s.salary_pence));
    h.set_display_name(s.name);
    h.set_mhp_funding(s.mhp_funding);
    if (!Send(&v1::CommandService::Stub::HireStaff, pcn.pcn_token,
              absl::StrCat(pcn.code, ":hire:", s.id), h)) {
      return false;
    }
    ++staff_;
    roles_.insert(s.role);
  }
  for (const DemoChange& c : changes) {
    v1::StaffChangeRequest r;
    r.set_pcn_code(pcn.code);
    r.set_staff_id(c.staff_id);
    *r.mutable_effective_date() = ToProtoDate(c.date);
    switch (c.kind) {
      case DemoChange::kStart:
        r.mutable_started();
        break;
      case DemoChange::kFte:
        r.mutable_fte_changed()->set_wte_bp(c.wte_bp);
        break;
      case DemoChange::kPay:
        r.mutable_pay_changed()->set_annual_salary_pence(c.salary_pence);
        r.mutable_pay_changed()->set_annual_on_costs_pence(demo::OnCosts(c.salary_pence));
        break;
      case DemoChange::kLeave: {
        v1::LeaveKind kind = v1::OTHER;
        v1::LeaveKind_Parse(c.text, &kind);
        r.mutable_leave()->set_kind(kind);
        *r.mutable_leave()->mutable_end_date() = ToProtoDate(c.leave_end);
        r.mutable_leave()->set_paid_share_bp(c.paid_share_bp);
        break;
      }
      case DemoChange::kLeft:
        r.mutable_left()->set_leaving_reason(c.text);
        break;
    }
    v1::CommandResult result;
    const std::string step = absl::StrCat(pcn.code, ":", c.step);
    if (!Send(&v1::CommandService::Stub::ChangeStaff, pcn.pcn_token, step, r, &result)) {
      return false;
    }
    positions_[step] = result.last_position();
  }
  return true;
}

namespace {

// What the PCN actually paid a member of staff for `month` (salary + on-costs over 12),
// from the hire and the changes in force mid-month; 0 when not in post.
int64_t MonthlyCost(const DemoStaff& s, const std::vector<DemoChange>& changes, CivilDay month) {
  const CivilDay last = LastDayOfMonth(month);
  if (s.hired > last) return 0;
  const CivilDay mid = month + 14;
  int32_t wte = s.wte_bp;
  int64_t salary = s.salary_pence;
  int32_t paid_share = 10000;
  for (const DemoChange& c : changes) {
    if (c.staff_id != s.id) continue;
    if (c.kind == DemoChange::kLeft && c.date < month) return 0;
    if (c.kind == DemoChange::kStart && c.date > last) return 0;
    if (c.date > mid) continue;
    if (c.kind == DemoChange::kFte) wte = c.wte_bp;
    if (c.kind == DemoChange::kPay) {
      salary = c.step == "pay-rise-cp-01" ? kTruePayRisePence : c.salary_pence;
    }
    if (c.kind == DemoChange::kLeave && mid <= c.leave_end) paid_share = c.paid_share_bp;
  }
  (void)wte;  // salary is recorded at the member's WTE
  const int64_t annual = salary + demo::OnCosts(salary);
  return annual * paid_share / 10000 / 12;
}

}  // namespace

bool DemoLoader::ApprovedTotal(const DemoPcn& pcn, const std::string& claim,
                               const v1::CommandResult& assessed, int64_t* total) {
  v1::ExplainRequest req;
  req.set_pcn_code(pcn.code);
  req.set_claim_id(claim);
  v1::Explanation e;
  auto call = ctx_.NewCall(pcn.icb_token);
  grpc::Status s = queries_->ExplainClaim(call.get(), req, &e);
  if (!s.ok()) {
    ReportRpcError(s, "demo: explain " + pcn.code + " " + claim);
    return false;
  }
  (void)assessed;
  std::map<int, int64_t> approved;
  for (const v1::AssessedLine& l : e.lines()) {
    approved[l.line_no()] = l.approved_pence();
    ++outcomes_[OutcomeName(l.outcome())];
    ++lines_;
  }
  for (const v1::ClaimLineReduced& r : e.reductions()) approved[r.line_no()] = r.approved_pence();
  *total = 0;
  for (const auto& [line, pence] : approved) *total += pence;
  return true;
}

bool DemoLoader::LoadClaims(size_t index, const DemoPcn& pcn, const std::vector<DemoStaff>& staff,
                            const std::vector<DemoChange>& changes) {
  for (CivilDay month : demo::ClaimMonths()) {
    const std::string claim = Month(month);
    v1::SubmitClaimRequest sub;
    sub.set_pcn_code(pcn.code);
    sub.set_claim_id(claim);
    *sub.mutable_month() = ToProtoDate(month);
    int line_no = 0;
    for (const DemoStaff& s : staff) {
      const int64_t cost = MonthlyCost(s, changes, month);
      if (cost <= 0) continue;
      v1::ClaimLine* line = sub.add_lines();
      line->set_line_no(++line_no);
      line->set_staff_id(s.id);
      line->set_actual_cost_pence(cost);
    }
    if (line_no == 0) continue;
    const std::string step = absl::StrCat(pcn.code, ":claim:", claim);
    if (!Send(&v1::CommandService::Stub::SubmitClaim, pcn.pcn_token, step + ":submit", sub)) {
      return false;
    }
    ++claims_;
    v1::AssessClaimRequest as;
    as.set_pcn_code(pcn.code);
    as.set_claim_id(claim);
    v1::CommandResult assessed;
    if (!Send(&v1::CommandService::Stub::AssessClaim, pcn.icb_token, step + ":assess", as,
              &assessed)) {
      return false;
    }
    // Meadows, November 2023: the reviewer reduces the pharmacist's line by £450.
    if (index == 1 && claim == "2023-11") {
      int64_t line1 = 0;
      v1::ExplainRequest ex;
      ex.set_pcn_code(pcn.code);
      ex.set_claim_id(claim);
      ex.set_line_no(1);
      v1::Explanation e;
      auto call = ctx_.NewCall(pcn.icb_token);
      if (queries_->ExplainClaim(call.get(), ex, &e).ok() && e.lines_size() > 0) {
        line1 = e.lines(0).approved_pence();
      }
      if (line1 > 45000) {
        v1::ReduceClaimLineRequest rd;
        rd.set_pcn_code(pcn.code);
        rd.set_claim_id(claim);
        rd.set_line_no(1);
        rd.set_approved_pence(line1 - 45000);
        if (!Send(&v1::CommandService::Stub::ReduceClaimLine, pcn.icb_token, step + ":reduce", rd,
                  nullptr,
                  "Timesheets show 3 unpaid days of leave in November not deducted from the "
                  "claim")) {
          return false;
        }
      }
    }
    int64_t total = 0;
    if (!ApprovedTotal(pcn, claim, assessed, &total)) return false;
    if (total <= 0) continue;
    v1::PayClaimRequest pay;
    pay.set_pcn_code(pcn.code);
    pay.set_claim_id(claim);
    CivilDay next = LastDayOfMonth(month) + 1;
    *pay.mutable_paid_on() = ToProtoDate(CivilDay(next.year(), next.month(), 20));
    pay.set_amount_pence(total);
    pay.set_payment_reference(absl::StrCat(pcn.icb, "-", pcn.code, "-", claim));
    if (!Send(&v1::CommandService::Stub::PayClaim, pcn.icb_token, step + ":pay", pay)) {
      return false;
    }
    ++paid_claims_;
    paid_pence_ += total;
  }
  return true;
}

}  // namespace arrs::cli
