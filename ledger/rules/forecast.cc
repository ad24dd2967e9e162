#include "ledger/rules/forecast.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "ledger/rules/figure.h"
#include "ledger/rules/fixed_point.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules {
namespace {

using internal::i128;

LineInput Month(v1::Role role, absl::CivilDay month, std::vector<PostSegment> in_post,
                int64_t cost) {
  LineInput in;
  in.role = role;
  in.month = month;
  in.in_post = std::move(in_post);
  in.claimed_pence = cost;
  in.context.sum_remaining_pence = std::numeric_limits<int64_t>::max();
  return in;
}

int32_t WteOn(const std::vector<PostSegment>& in_post, absl::CivilDay day) {
  for (const PostSegment& s : in_post) {
    if (day >= s.from && day <= s.to) return s.wte_bp;
  }
  return 0;
}

// 12 months of `fy + 1` priced under this year's figures as they stand on 31 March.
void CarryForward(const RuleBook& book, v1::Role role, int fy, int32_t wte, int64_t cost,
                  uint64_t known_at, StaffForecast* out) {
  const RulesInForce now = book.InForce(fy, known_at);
  const absl::CivilDay end = FinancialYearEnd(fy);
  const v1::RoleRule* rule = nullptr;
  if (now) {
    for (const v1::RoleRule& r : now.rules->roles()) {
      if (r.role() == role) rule = &r;
    }
  }
  Figure figure;
  if (rule != nullptr) figure = FigureFor(*now.rules, *rule, end);
  if (!figure.known()) {
    out->full_year_known = false;
    out->full_year_basis = absl::StrCat(
        "No rule version for ", FormatFinancialYear(fy + 1), "; this year's maximum for ",
        v1::Role_Name(role), " on ", FormatCivilDay(end), " is not known: full-year effect unknown.");
    return;
  }
  const i128 den = static_cast<i128>(12) * kWholeTimeBp;  // one full month: annual x wte / 12
  const int64_t annual = figure.annual_pence;
  const i128 max_scaled = static_cast<i128>(annual) * wte;
  const int32_t pct = rule->reimbursed_bp();
  i128 monthly = 0;
  if (rule->maximum_after_percentage()) {
    monthly = std::min(static_cast<i128>(cost) * pct * den, max_scaled * kHundredPercentBp) /
              (den * kHundredPercentBp);
  } else {
    monthly = std::min(static_cast<i128>(cost) * den, max_scaled) * pct /
              (den * kHundredPercentBp);
  }
  out->full_year_effect_pence = static_cast<int64_t>(monthly) * 12;
  out->full_year_basis = absl::StrCat(
      "No rule version for ", FormatFinancialYear(fy + 1), " is published; at this year's "
      "figure on ", FormatCivilDay(end), " (", FormatPounds(annual),
      " a year, rule version \"", now.rules->version(), "\"): 12 x min(",
      FormatPounds(cost), ", ", FormatPounds(annual), " x ",
      FormatWte(wte), " WTE / 12) x ", FormatPercentBp(pct), " = 12 x ",
      FormatPounds(static_cast<int64_t>(monthly)), " = ",
      FormatPounds(out->full_year_effect_pence), ".");
}

// 12 months of `fy + 1` priced under its own published rules.
void NextYear(const RuleBook& book, v1::Role role, int fy, int32_t wte, int64_t cost,
              uint64_t known_at, StaffForecast* out) {
  const RulesInForce next = book.InForce(fy + 1, known_at);
  int unknown = 0;
  for (int m = 0; m < 12; ++m) {
    const absl::CivilDay first = absl::CivilDay(absl::CivilMonth(FinancialYearStart(fy + 1)) + m);
    LinePrice p = PriceLine(
        book, Month(role, first, {{first, LastDayOfMonth(first), wte}}, cost), known_at);
    if (p.outcome == v1::APPROVED || p.outcome == v1::PARTIALLY_WITHIN_CAP) {
      out->full_year_effect_pence += p.reimbursable_pence;
    }
    if (p.outcome == v1::MAXIMUM_UNKNOWN) ++unknown;
  }
  out->full_year_known = unknown == 0;
  out->full_year_basis = absl::StrCat(
      "Under rule version \"", next.rules->version(), "\" (published at log position ",
      next.published_at, "): 12 months of ", FormatFinancialYear(fy + 1), " at ",
      FormatWte(wte), " WTE and ", FormatPounds(cost), " a month = ",
      FormatPounds(out->full_year_effect_pence),
      unknown == 0 ? "." : absl::StrCat("; ", unknown, " month(s) have no known maximum."));
}

}  // namespace

absl::StatusOr<StaffForecast> ForecastStaff(const RuleBook& book, v1::Role role,
                                            const std::vector<PostSegment>& in_post,
                                            int64_t monthly_actual_cost_pence,
                                            uint64_t known_at) {
  if (in_post.empty()) return absl::InvalidArgumentError("in_post: at least one segment needed");
  if (monthly_actual_cost_pence < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "monthly_actual_cost_pence = ", monthly_actual_cost_pence, ": must not be negative"));
  }
  absl::CivilDay start = in_post.front().from;
  for (const PostSegment& s : in_post) start = std::min(start, s.from);
  StaffForecast out;
  out.financial_year = FinancialYearOf(start);
  const absl::CivilDay end = FinancialYearEnd(out.financial_year);
  for (absl::CivilDay m = FirstDayOfMonth(start); m <= end; m = LastDayOfMonth(m) + 1) {
    LinePrice p =
        PriceLine(book, Month(role, m, in_post, monthly_actual_cost_pence), known_at);
    MonthForecast f{m, p.outcome, p.maximum_pence,
                    p.outcome == v1::APPROVED || p.outcome == v1::PARTIALLY_WITHIN_CAP
                        ? p.reimbursable_pence
                        : 0};
    out.total_reimbursable_pence += f.reimbursable_pence;
    out.months.push_back(f);
  }
  const int32_t wte = WteOn(in_post, end);
  if (wte == 0) {
    out.full_year_basis = absl::StrCat("Not in post on ", FormatCivilDay(end),
                                       ": no full-year effect.");
  } else if (book.InForce(out.financial_year + 1, known_at)) {
    NextYear(book, role, out.financial_year, wte, monthly_actual_cost_pence, known_at, &out);
  } else {
    CarryForward(book, role, out.financial_year, wte, monthly_actual_cost_pence, known_at,
                 &out);
  }
  return out;
}

}  // namespace arrs::rules
