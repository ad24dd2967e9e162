// The pricer's arithmetic: the maximum in force on each day, the exact maximum and the
// reimbursable amount, rounded once (pricer.h; the formula is in calculator.h).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/rules/pricer.h"
#include "ledger/util/assert.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules::internal {

std::optional<std::string> Pricer::FindAmounts() {
  std::vector<std::string> unknown;
  int run_start = -1;
  for (int i = 0; i <= dim_; ++i) {
    bool missing = false;
    if (i < dim_ && days_[i].eligible && days_[i].wte_bp > 0) {
      days_[i].figure = FigureOn(i);
      missing = days_[i].figure < 0;
    }
    if (missing && run_start < 0) run_start = i;
    if (!missing && run_start >= 0) {
      if (!Explaining()) return std::string();
      unknown.push_back(Range(Day(run_start), Day(i - 1)));
      run_start = -1;
    }
  }
  if (unknown.empty()) return std::nullopt;
  std::string detail;
  for (const v1::MaxAmount& m : role_->max_amounts()) {
    if (m.unverified() && m.annual_max_pence() > 0) {
      absl::StrAppend(&detail, " A figure of ", FormatPounds(m.annual_max_pence()),
                      " is recorded but marked unverified (", m.source(), ").");
    }
  }
  if (const std::string row = RowNameFor(*role_, in_.band); !row.empty()) {
    absl::StrAppend(&detail, " ", RoleName(in_.role), " is on the band ", row,
                    " row, which has no known figure for those days either.");
  }
  return absl::StrCat(
      "MAXIMUM UNKNOWN: ", RoleName(in_.role), " is eligible but rule version \"",
      in_force_.rules->version(), "\" (", FormatFinancialYear(in_force_.rules->financial_year()),
      ", published at log position ", in_force_.published_at,
      ") has no verified annual maximum for ", absl::StrJoin(unknown, ", "), ".", detail,
      " A rule version with the published figure must be published before this line can "
      "be priced.");
}

// The PCN's London zone on day index `i`.
v1::LondonZone Pricer::ZoneOn(int i) const {
  const absl::CivilDay day = Day(i);
  for (const ZoneSpan& z : in_.zones) {
    if (z.from <= day && day <= z.to) return z.zone;
  }
  return v1::LONDON_ZONE_NONE;
}

// Index into figures_ of the figure pricing day index `i` (-1 = none known). Equal
// figures share an index, so the month splits only where the figure changes.
// Days are asked in order; a figure looked up holds until a maximum or the zone
// changes (FigureHoldsThrough), so a month takes one lookup per span, not per day.
int Pricer::FigureOn(int i) {
  if (i <= figure_through_) return figure_held_;
  const absl::CivilDay day = Day(i);
  absl::CivilDay through =
      FigureHoldsThrough(*in_force_.rules, *role_, day, Day(dim_ - 1), in_.band);
  for (const ZoneSpan& z : in_.zones) {
    if (z.from > day) through = std::min(through, z.from - 1);
    if (z.to >= day) through = std::min(through, z.to);
  }
  figure_through_ = IndexOf(through);
  ARRS_ASSERT(figure_through_ >= i && figure_through_ < dim_, "a figure holds from its own day");
  figure_held_ = IndexOfFigure(FigureFor(*in_force_.rules, *role_, day, ZoneOn(i), in_.band));
  return figure_held_;
}

int Pricer::IndexOfFigure(const Figure& f) {
  if (!f.known()) return -1;
  for (size_t j = 0; j < figures_.size(); ++j) {
    if (figures_[j] == f) return static_cast<int>(j);
  }
  figures_.push_back(f);
  return static_cast<int>(figures_.size()) - 1;
}

// Adds up the month's days into the exact maximum, numerator_ / den_, saying how.
void Pricer::SumDays() {
  Say("Days in post, split where the WTE, the maximum or eligibility changes:");
  int i = 0;
  while (i < dim_) {
    const DayInMonth& d = days_[i];
    int j = i;
    while (j + 1 < dim_ && days_[j + 1].wte_bp == d.wte_bp && days_[j + 1].eligible == d.eligible &&
           days_[j + 1].figure == d.figure) {
      ++j;
    }
    const int n = j - i + 1;
    const std::string when = in_.explain ? Range(Day(i), Day(j)) : std::string();
    if (d.wte_bp == 0) {
      ARRS_SAY("  ", when, ": ", n, " days not in post (0 WTE paid) = 0");
    } else if (!d.eligible) {
      ARRS_SAY("  ", when, ": ", n, " days in post but the role is not eligible = 0");
    } else {
      const Figure& f = figures_[d.figure];
      const v1::MaxAmount& m = *f.amount;
      const i128 part = static_cast<i128>(f.annual_pence) * d.wte_bp * n;
      numerator_ += part;
      ARRS_SAY("  ", when, ": ", n, " days x ", FormatWte(d.wte_bp), " WTE x ",
               FormatPounds(f.annual_pence), " a year (maximum in force ",
               Range(*ToCivilDay(m.effective_from(), "f"), *ToCivilDay(m.effective_to(), "t")),
               ") = ", I128ToString(f.annual_pence), " p x ", d.wte_bp, " bp x ", n,
               " d = ", I128ToString(part));
    }
    i = j + 1;
  }
  if (in_.explain) SayWhereFiguresComeFrom();
  den_ = static_cast<i128>(12) * kWholeTimeBp * dim_;
  const i128 den = den_;
  if (cap_fit_bp_ == 0) {
    ARRS_SAY("Maximum = ", I128ToString(numerator_), " / (12 months x 10,000 bp x ", dim_,
             " days = ", I128ToString(den), ") = ", ExactPence(numerator_, den),
             " (reported rounded down: ", FormatPounds(static_cast<int64_t>(numerator_ / den)),
             ").");
  } else {
    ARRS_SAY("Maximum = ", I128ToString(numerator_), " / (12 months x 10,000 bp x ", dim_,
             " days = ", I128ToString(den), ") = ", ExactPence(numerator_, den), ".");
  }
}

void Pricer::SayWhereFiguresComeFrom() {
  Say("Where each maximum comes from:");
  for (size_t k = 0; k < figures_.size(); ++k) {
    bool used = false;
    for (int i = 0; i < dim_; ++i) used = used || days_[i].figure == static_cast<int>(k);
    if (!used) continue;
    const Figure& f = figures_[k];
    Say(absl::StrCat("  ", FormatPounds(f.annual_pence), " a year from ",
                     FormatCivilDay(*ToCivilDay(f.amount->effective_from(), "f")), ": ",
                     DescribeFigure(*in_force_.rules, *role_, f), "."));
  }
}

// From the exact maximum and the claim: the part within a cap, then the reimbursed
// percentage (or an MHP arrangement's share), rounded once, down, to whole pence.
void Pricer::Reimburse() {
  i128 den = den_;
  i128 claimed = in_.claimed_pence;
  if (cap_fit_bp_ > 0) {
    // Only cap_fit_bp_ of the member's own_wte_bp_ fits under the cap: the line's cost and
    // maximum are both taken in that proportion (kept exact: scaled numerators).
    ARRS_SAY("Within the cap: ", FormatWte(cap_fit_bp_), " of the member's ",
             FormatWte(own_wte_bp_), " WTE fits, so the line counts ", cap_fit_bp_, "/",
             own_wte_bp_, " of its maximum and of its claimed cost:");
    ARRS_SAY("  maximum within the cap = ", ExactPence(numerator_, den), " x ", cap_fit_bp_, "/",
             own_wte_bp_, " = ", ExactPence(numerator_ * cap_fit_bp_, den * own_wte_bp_));
    ARRS_SAY("  claimed within the cap = ", in_.claimed_pence, " p x ", cap_fit_bp_, "/",
             own_wte_bp_, " = ", ExactPence(claimed * cap_fit_bp_, own_wte_bp_));
    numerator_ *= cap_fit_bp_;
    den *= own_wte_bp_;
    claimed *= cap_fit_bp_;
    claimed_den_ = own_wte_bp_;
  }
  out_.maximum_pence = static_cast<int64_t>(numerator_ / den);
  if (cap_fit_bp_ > 0) {
    ARRS_SAY("  (maximum within the cap reported rounded down: ", FormatPounds(out_.maximum_pence),
             ").");
  }
  const int32_t pct = role_->reimbursed_bp();
  i128 reimb = 0;
  if (arrangement_ != nullptr) {
    reimb = ReimburseShare(claimed, den);
  } else if (role_->maximum_after_percentage()) {
    // claimed / claimed_den_ x pct against the maximum numerator_ / den, on one scale.
    const i128 share = claimed * pct * den;  // scaled by den x kHundredPercentBp x claimed_den_
    const i128 cap = numerator_ * kHundredPercentBp * claimed_den_;
    reimb = std::min(share, cap) / (den * kHundredPercentBp * claimed_den_);
    ARRS_SAY("Reimbursable = min(claimed ",
             claimed_den_ == 1 ? (claimed == 0 ? "0" : I128ToString(claimed))
                               : ExactPence(claimed, claimed_den_),
             claimed_den_ == 1 ? " p" : "", " x ", FormatPercentBp(pct), " = ",
             ExactPence(claimed * pct, kHundredPercentBp * claimed_den_), ", maximum ",
             ExactPence(numerator_, den),
             ") = ", ExactPence(std::min(share, cap), den * kHundredPercentBp * claimed_den_));
  } else {
    // Scaled by den x claimed_den_.
    const i128 capped = std::min(claimed * den, numerator_ * claimed_den_);
    const i128 scale = den * claimed_den_;
    reimb = capped * pct / (scale * kHundredPercentBp);
    ARRS_SAY("Capped cost = min(claimed ",
             claimed_den_ == 1 ? absl::StrCat(I128ToString(claimed), " p")
                               : ExactPence(claimed, claimed_den_),
             ", maximum ", ExactPence(numerator_, den), ") = ", ExactPence(capped, scale), ".");
    ARRS_SAY("Reimbursable = ", ExactPence(capped, scale), " x ", FormatPercentBp(pct), " = ",
             ExactPence(capped * pct, scale * kHundredPercentBp));
  }
  out_.reimbursable_pence = static_cast<int64_t>(reimb);
  ARRS_SAY("  rounded once, down to whole pence = ", out_.reimbursable_pence,
           " p = ", FormatPounds(out_.reimbursable_pence), ".");
}

// Mental health practitioners: the claimed amount is what the PCN pays for the post (its
// share under MHP_SHARED_50); it is reimbursed in full up to the PCN's maximum, which is the
// DES maximum x the share when the maximum is of the whole post's cost, or the DES maximum
// itself when it is already of the share. claimed / claimed_den_ and numerator_ / den are
// put on one scale, den x 10000 x claimed_den_.
i128 Pricer::ReimburseShare(i128 claimed, i128 den) {
  const int32_t share = arrangement_->reimbursed_bp();
  const bool of_whole = arrangement_->maximum_basis() == v1::MAXIMUM_OF_WHOLE_COST;
  const i128 scale = den * kHundredPercentBp * claimed_den_;
  const i128 pcn_max = numerator_ * (of_whole ? share : kHundredPercentBp) * claimed_den_;
  const i128 claim = claimed * den * kHundredPercentBp;
  if (of_whole) {
    ARRS_SAY("The PCN's maximum = maximum ", ExactPence(numerator_, den), " x ",
             FormatPercentBp(share), " = ", ExactPence(pcn_max, scale), ".");
  } else {
    ARRS_SAY("The PCN's maximum = maximum ", ExactPence(numerator_, den),
             " (the DES maximum is already of the ", FormatPercentBp(share), " share).");
  }
  ARRS_SAY("Reimbursable = min(claimed ",
           claimed_den_ == 1 ? absl::StrCat(I128ToString(claimed), " p")
                             : ExactPence(claimed, claimed_den_),
           " (what the PCN pays), the PCN's maximum ", ExactPence(pcn_max, scale),
           ") = ", ExactPence(std::min(claim, pcn_max), scale));
  return std::min(claim, pcn_max) / scale;
}
}  // namespace arrs::rules::internal
