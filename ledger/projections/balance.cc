#include <algorithm>
#include <optional>
#include <tuple>
#include <vector>

#include "ledger/domain/assess.h"
#include "ledger/domain/field_checks.h"
#include "ledger/projections/projections.h"
#include "ledger/rules/calculator.h"
#include "ledger/rules/figure.h"
#include "ledger/util/civil_date.h"

namespace arrs::projections {
namespace {

// The calculator's input for `staff` in the month of `month` at their actual monthly
// cost, with the yearly sum left out of the question (in_post empty: not in post).
// `in_window`, when given, holds every member with any contracted WTE in the forecast's
// months (the others are left out of the ranking; see BuildLineInput).
rules::LineInput ForecastInput(const domain::PcnModel& pcn, const rules::RuleBook& book,
                               const domain::StaffModel& staff, absl::CivilDay month,
                               uint64_t known_at, domain::RankedWte* in_window) {
  const int64_t cost = staff.MonthlyCostPenceOn(LastDayOfMonth(month));
  rules::LineInput in =
      in_window != nullptr
          ? domain::BuildLineInput(pcn, book, staff, month, cost, known_at, *in_window)
          : domain::BuildLineInput(pcn, book, staff, month, cost, known_at);
  in.context.sum_remaining_pence = domain::kMaxPence;
  in.explain = false;
  return in;
}

// Reimbursable amount of a forecast line (0 when the rules refuse it).
int64_t PriceForecast(const rules::RuleBook& book, const rules::LineInput& in,
                      uint64_t known_at) {
  if (in.in_post.empty()) return 0;
  const rules::LinePrice price = rules::PriceLine(book, in, known_at);
  const bool approvable =
      price.outcome == v1::APPROVED || price.outcome == v1::PARTIALLY_APPROVED ||
      price.outcome == v1::PARTIALLY_WITHIN_CAP;
  return approvable ? price.reimbursable_pence : 0;
}

// True when [from, to] (proto dates, both set) covers [first, last].
bool Covers(const v1::Date& from, const v1::Date& to, absl::CivilDay first,
            absl::CivilDay last) {
  return !IsUnset(from) && !IsUnset(to) && CompareDate(from, first) <= 0 &&
         CompareDate(to, last) >= 0;
}

// The rule for `role` in `rules`, as the calculator picks it (the last entry naming it).
const v1::RoleRule* RoleRuleOf(const v1::FinancialYearRules& rules, v1::Role role) {
  const v1::RoleRule* found = nullptr;
  for (const v1::RoleRule& r : rules.roles()) {
    if (r.role() == role) found = &r;
  }
  return found;
}

// True when the calculator cannot approve anything for this month whatever else holds:
// no rule version for its year, the role not in it, or no verified maximum above zero on
// any day of the month (every outcome is then a refusal, priced 0).
bool CannotApprove(v1::Role role_claimed, const std::string& band, absl::CivilDay month,
                   const rules::RuleBook& book, uint64_t known_at) {
  const absl::CivilDay first = FirstDayOfMonth(month), last = LastDayOfMonth(month);
  const rules::RulesInForce in_force = book.InForce(FinancialYearOf(first), known_at);
  if (!in_force) return true;
  const v1::RoleRule* role = RoleRuleOf(*in_force.rules, role_claimed);
  if (role == nullptr) return true;
  return !rules::AnyKnownFigure(*in_force.rules, *role, first, last, band);
}

// Everything the price of a whole month depends on. A member in post every day of the
// month at one WTE, under one maximum and one cap, is priced at annual maximum x WTE / 12
// whatever the month's length, so two such months with equal keys have equal prices.
struct FullMonthKey {
  v1::Role role;
  int32_t wte_bp;
  int64_t claimed_pence;
  int64_t registered_list_size;
  int32_t cap_wte_ahead_bp, baseline_wte_bp, role_wte_ahead_bp;
  const v1::MaxAmount* amount;  // identifies the rule version, the role rule and maximum
  bool has_cap;
  int32_t cap_wte_bp;
  bool cap_unverified;
  absl::CivilDay cap_from, cap_to;
  // Mental health practitioners: the hire band picks the row, the arrangement the share.
  std::string band;
  v1::MhpFunding mhp_funding;
  bool operator==(const FullMonthKey&) const = default;
};

std::optional<FullMonthKey> FullMonthKeyOf(const rules::LineInput& in,
                                           const rules::RuleBook& book, uint64_t known_at) {
  if (in.in_post.size() != 1) return std::nullopt;
  const absl::CivilDay first = FirstDayOfMonth(in.month), last = LastDayOfMonth(in.month);
  if (in.in_post.front().from != first || in.in_post.front().to != last) return std::nullopt;
  const rules::RulesInForce in_force = book.InForceOn(first, known_at);
  if (!in_force) return std::nullopt;
  FullMonthKey key{in.role, in.in_post.front().wte_bp, in.claimed_pence,
                   in.context.registered_list_size, in.context.cap_wte_ahead_bp,
                   in.context.baseline_wte_bp, in.context.role_wte_ahead_bp, nullptr, false, 0,
                   false, first, first, in.band, in.mhp_funding};
  const v1::RoleRule* role = RoleRuleOf(*in_force.rules, in.role);
  if (role == nullptr) return std::nullopt;
  if (!Covers(role->eligible_from(), role->eligible_to(), first, last)) return std::nullopt;
  // One figure (own or band row, national) all month; London lines are not cached.
  if (!in.zones.empty()) return std::nullopt;
  const rules::Figure at_first =
      rules::FigureFor(*in_force.rules, *role, first, v1::LONDON_ZONE_NONE, in.band);
  if (!(at_first == rules::FigureFor(*in_force.rules, *role, last, v1::LONDON_ZONE_NONE, in.band))) {
    return std::nullopt;
  }
  const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts =
      at_first.row != nullptr ? at_first.row->amounts() : role->max_amounts();
  for (const v1::MaxAmount& m : amounts) {
    if (&m == at_first.amount && Covers(m.effective_from(), m.effective_to(), first, last)) {
      key.amount = &m;
    }
  }
  if (key.amount == nullptr) {
    // No known figure all month: key on the own amount covering it (the line is refused
    // alike for every month with this key).
    for (const v1::MaxAmount& m : role->max_amounts()) {
      if (Covers(m.effective_from(), m.effective_to(), first, last)) key.amount = &m;
    }
  }
  if (key.amount == nullptr) return std::nullopt;
  if (std::optional<rules::CapInForce> cap =
          rules::CapFor(book, in.role, first, in.context.registered_list_size, known_at)) {
    if (cap->effective_from > first || cap->effective_to < last) return std::nullopt;
    key.has_cap = true;
    key.cap_wte_bp = cap->cap_wte_bp;
    key.cap_unverified = cap->unverified;
    key.cap_from = cap->effective_from;
    key.cap_to = cap->effective_to;
  }
  return key;
}

}  // namespace

v1::ClaimSummary SummarizeClaim(const std::string& claim_id, const domain::ClaimModel& claim,
                                absl::CivilDay as_of) {
  v1::ClaimSummary summary;
  summary.set_claim_id(claim_id);
  *summary.mutable_month() = ToProtoDate(claim.month);
  summary.set_claimed_pence(claim.ClaimedPence());
  summary.set_approved_pence(claim.ApprovedPence());
  const bool paid_by_as_of = claim.paid_on && *claim.paid_on <= as_of;
  summary.set_paid_pence(paid_by_as_of ? claim.paid_pence : 0);
  summary.set_status(claim.Status(as_of));
  return summary;
}

v1::Balance ComputeBalance(const domain::PcnModel& pcn, const rules::RuleBook& book,
                           int financial_year, absl::CivilDay as_of, uint64_t known_at,
                           bool reuse_equal_months) {
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
    *summary = SummarizeClaim(id, claim, as_of);
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
  // Only the months a member is in post can add anything, and only members in post in
  // some forecast month can rank ahead of another (the reference path ranks against all).
  std::vector<const domain::StaffModel*> window;
  for (const auto& [id, staff] : pcn.staff) {
    if (staff.InPostDuring(absl::CivilDay(first_forecast), year_end)) window.push_back(&staff);
  }
  std::optional<domain::RankedWte> in_window;
  if (reuse_equal_months) in_window.emplace(window);
  domain::RankedWte* ranked = in_window ? &*in_window : nullptr;
  int64_t forecast = 0, march = 0;
  for (const domain::StaffModel* member : window) {
    const domain::StaffModel& staff = *member;
    const absl::CivilMonth from = std::max(first_forecast, absl::CivilMonth(staff.FirstDayInPost()));
    const absl::CivilMonth to =
        staff.left ? std::min(absl::CivilMonth(year_end), absl::CivilMonth(*staff.left))
                   : absl::CivilMonth(year_end);
    std::optional<int64_t> march_price;
    std::optional<FullMonthKey> previous_key;
    int64_t previous_price = 0;
    for (absl::CivilMonth m = from; m <= to; ++m) {
      const absl::CivilDay month(m);
      std::optional<FullMonthKey> key;
      int64_t price = 0;
      if (!reuse_equal_months) {
        price = PriceForecast(book, ForecastInput(pcn, book, staff, month, known_at, ranked),
                              known_at);
      } else if (!CannotApprove(staff.role, staff.band, month, book, known_at)) {
        const rules::LineInput in = ForecastInput(pcn, book, staff, month, known_at, ranked);
        if (!in.in_post.empty()) {
          key = FullMonthKeyOf(in, book, known_at);
          price = key && previous_key && *key == *previous_key
                      ? previous_price
                      : PriceForecast(book, in, known_at);
        }
      }
      previous_key = key;
      previous_price = price;
      forecast += price;
      if (m == absl::CivilMonth(year_end)) march_price = price;
    }
    if (staff.InPost(year_end)) {
      const absl::CivilDay march_first = absl::CivilDay(absl::CivilMonth(year_end));
      march += march_price ? *march_price
                           : PriceForecast(book,
                                           ForecastInput(pcn, book, staff, march_first,
                                                         known_at, ranked),
                                           known_at);
    }
  }
  out.set_forecast_to_year_end_pence(forecast);
  out.set_full_year_effect_next_year_pence(march * 12);
  out.set_at_risk_pence(std::max<int64_t>(0, out.remaining_pence() - forecast));
  return out;
}

}  // namespace arrs::projections
