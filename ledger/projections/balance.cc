#include <algorithm>
#include <optional>
#include <tuple>

#include "ledger/domain/assess.h"
#include "ledger/domain/field_checks.h"
#include "ledger/projections/projections.h"
#include "ledger/rules/calculator.h"
#include "ledger/util/civil_date.h"

namespace arrs::projections {
namespace {

// Reimbursable amount for `staff` in the month of `month` at their actual monthly cost,
// ignoring the yearly sum (0 when the rules refuse the line).
int64_t ForecastMonth(const domain::PcnModel& pcn, const rules::RuleBook& book,
                      const domain::StaffModel& staff, absl::CivilDay month,
                      uint64_t known_at) {
  const int64_t cost = staff.MonthlyCostPenceOn(LastDayOfMonth(month));
  rules::LineInput in = domain::BuildLineInput(pcn, book, staff, month, cost, known_at);
  if (in.in_post.empty()) return 0;
  in.context.sum_remaining_pence = domain::kMaxPence;
  in.explain = false;
  const rules::LinePrice price = rules::PriceLine(book, in, known_at);
  const bool approvable =
      price.outcome == v1::APPROVED || price.outcome == v1::PARTIALLY_APPROVED;
  return approvable ? price.reimbursable_pence : 0;
}

}  // namespace

v1::Balance ComputeBalance(const domain::PcnModel& pcn, const rules::RuleBook& book,
                           int financial_year, absl::CivilDay as_of, uint64_t known_at) {
  v1::Balance out;
  out.set_pcn_code(pcn.pcn_code);
  out.set_financial_year(financial_year);
  *out.mutable_as_of() = ToProtoDate(as_of);
  out.set_computed_at_position(pcn.position);
  if (auto it = pcn.entitlements.find(financial_year); it != pcn.entitlements.end()) {
    out.set_sum_pence(it->second.sum_pence());
  }
  for (const auto& [id, claim] : pcn.claims) {
    if (FinancialYearOf(claim.month) != financial_year || claim.month > as_of) continue;
    v1::ClaimSummary* summary = out.add_claims();
    summary->set_claim_id(id);
    *summary->mutable_month() = ToProtoDate(claim.month);
    summary->set_claimed_pence(claim.ClaimedPence());
    summary->set_approved_pence(claim.ApprovedPence());
    const bool paid_by_as_of = claim.paid_on && *claim.paid_on <= as_of;
    summary->set_paid_pence(paid_by_as_of ? claim.paid_pence : 0);
    summary->set_status(claim.Status());
    out.set_claimed_pence(out.claimed_pence() + summary->claimed_pence());
    out.set_approved_pence(out.approved_pence() + summary->approved_pence());
    out.set_paid_pence(out.paid_pence() + summary->paid_pence());
  }
  std::sort(out.mutable_claims()->begin(), out.mutable_claims()->end(),
            [](const v1::ClaimSummary& a, const v1::ClaimSummary& b) {
              return std::make_tuple(a.month().year(), a.month().month(), a.claim_id()) <
                     std::make_tuple(b.month().year(), b.month().month(), b.claim_id());
            });
  out.set_remaining_pence(out.sum_pence() - out.approved_pence());

  const absl::CivilDay year_end = FinancialYearEnd(financial_year);
  const absl::CivilMonth first_forecast =
      std::max(absl::CivilMonth(as_of) + 1, absl::CivilMonth(FinancialYearStart(financial_year)));
  int64_t forecast = 0, march = 0;
  for (const auto& [id, staff] : pcn.staff) {
    // Only the months the member is in post can add anything.
    if (staff.FirstDayInPost() > year_end) continue;
    if (staff.left && *staff.left < absl::CivilDay(first_forecast)) {
      continue;
    }
    const absl::CivilMonth from = std::max(first_forecast, absl::CivilMonth(staff.FirstDayInPost()));
    const absl::CivilMonth to =
        staff.left ? std::min(absl::CivilMonth(year_end), absl::CivilMonth(*staff.left))
                   : absl::CivilMonth(year_end);
    std::optional<int64_t> march_price;
    for (absl::CivilMonth m = from; m <= to; ++m) {
      const int64_t price = ForecastMonth(pcn, book, staff, absl::CivilDay(m), known_at);
      forecast += price;
      if (m == absl::CivilMonth(year_end)) march_price = price;
    }
    if (staff.InPost(year_end)) {
      march += march_price ? *march_price
                           : ForecastMonth(pcn, book, staff,
                                           absl::CivilDay(absl::CivilMonth(year_end)), known_at);
    }
  }
  out.set_forecast_to_year_end_pence(forecast);
  out.set_full_year_effect_next_year_pence(march * 12);
  out.set_at_risk_pence(std::max<int64_t>(0, out.remaining_pence() - forecast));
  return out;
}

}  // namespace arrs::projections
