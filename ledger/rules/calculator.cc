#include "ledger/rules/calculator.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/rules/figure.h"
#include "ledger/rules/fixed_point.h"
#include "ledger/util/assert.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules {

// Adds a line of explanation; the arguments are not even formatted when the caller
// asked for figures only (LineInput::explain = false).
#define ARRS_SAY(...)                                        \
  do {                                                       \
    if (in_.explain) lines_.push_back(absl::StrCat(__VA_ARGS__)); \
  } while (0)
namespace {

using internal::ExactPence;
using internal::i128;
using internal::I128ToString;

constexpr int kMaxDays = 31;

std::string RoleName(v1::Role role) { return v1::Role_Name(role); }
std::string Range(absl::CivilDay a, absl::CivilDay b) {
  return a == b ? FormatCivilDay(a) : absl::StrCat(FormatCivilDay(a), "..", FormatCivilDay(b));
}

// What one day of the month contributes.
struct Day {
  int32_t wte_bp = 0;     // paid WTE (0 = not in post)
  bool eligible = false;  // inside the role's eligibility window
  int figure = -1;        // index into Pricer::figures_, -1 = none known
};

class Pricer {
 public:
  Pricer(const RuleBook& book, const LineInput& in, uint64_t known_at)
      : book_(book), in_(in), known_at_(known_at) {}

  LinePrice Run() {
    first_ = FirstDayOfMonth(in_.month);
    dim_ = DaysInMonth(first_);
    ARRS_SAY("Claim line: ", RoleName(in_.role), ", month ",
                     FormatCivilDay(first_).substr(0, 7), " (", dim_, " days), claimed ",
                     FormatPounds(in_.claimed_pence), ".");
    if (std::optional<std::string> bad = ReadSegments()) {
      return Finish(v1::LINE_OUTCOME_UNSPECIFIED, *bad);
    }
    if (!AnyInPost()) {
      return Finish(v1::NOT_IN_POST,
                    Explaining() ? absl::StrCat("NOT IN POST: no day of ",
                                                Range(first_, Day(dim_ - 1)),
                                                " has paid WTE above 0 in the in-post "
                                                "segments given.")
                                 : std::string());
    }
    if (std::optional<std::string> why = FindRole()) {
      return Finish(v1::ROLE_NOT_ELIGIBLE, *why);
    }
    // Definitive refusals (cap, baseline) come before "maximum unknown", which a later
    // rule version can cure.
    if (std::optional<std::string> why = CheckCaps()) return Finish(v1::CAP_EXCEEDED, *why);
    if (std::optional<std::string> why = CheckAdditional()) {
      return Finish(v1::NOT_ADDITIONAL, *why);
    }
    if (std::optional<std::string> why = CheckPerHire()) {
      return Finish(v1::MAXIMUM_UNKNOWN, *why);
    }
    if (std::optional<std::string> why = FindAmounts()) {
      return Finish(v1::MAXIMUM_UNKNOWN, *why);
    }
    ComputeAmounts();
    return CheckSum();
  }

 private:
  absl::CivilDay Day(int i) const { return first_ + i; }
  // False when asked for figures only: refusal reasons are then left empty (only the
  // outcome counts), so no text is built.
  bool Explaining() const { return in_.explain; }
  void Say(std::string line) {
    if (in_.explain) lines_.push_back(std::move(line));
  }

  LinePrice Finish(v1::LineOutcome outcome, const std::string& reason) {
    out_.outcome = outcome;
    if (outcome != v1::APPROVED && outcome != v1::PARTIALLY_APPROVED &&
        outcome != v1::PARTIALLY_WITHIN_CAP) {
      out_.approved_pence = 0;
    }
    Say(reason);
    ARRS_SAY("Outcome: ", v1::LineOutcome_Name(outcome), ", approved ",
                     FormatPounds(out_.approved_pence), ".");
    out_.explanation = absl::StrJoin(lines_, "\n");
    return std::move(out_);
  }

  // Fills days_[].wte_bp from the segments; a message when the input makes no sense.
  std::optional<std::string> ReadSegments() {
    if (in_.claimed_pence < 0) {
      return absl::StrCat("INVALID INPUT: claimed amount ", in_.claimed_pence,
                          " pence is negative.");
    }
    if (in_.role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(in_.role)) {
      return absl::StrCat("INVALID INPUT: role ", static_cast<int>(in_.role),
                          " is unknown or unspecified.");
    }
    std::vector<bool> covered(dim_, false);
    for (const PostSegment& s : in_.in_post) {
      if (s.to < s.from || s.wte_bp < 0 || s.wte_bp > kWholeTimeBp) {
        return absl::StrCat("INVALID INPUT: in-post segment ", Range(s.from, s.to), " at ",
                            s.wte_bp, " WTE basis points (needs from <= to, WTE 0..1.0).");
      }
      for (int i = std::max(0, IndexOf(s.from)); i <= std::min(dim_ - 1, IndexOf(s.to)); ++i) {
        if (covered[i]) {
          return absl::StrCat("INVALID INPUT: in-post segments overlap on ",
                              FormatCivilDay(Day(i)), ".");
        }
        covered[i] = true;
        days_[i].wte_bp = s.wte_bp;
      }
    }
    return std::nullopt;
  }

  bool AnyInPost() const {
    for (int i = 0; i < dim_; ++i) {
      if (days_[i].wte_bp > 0) return true;
    }
    return false;
  }

  // The first and last in-post day, for messages.
  std::string InPostText() const {
    int a = -1, b = -1;
    for (int i = 0; i < dim_; ++i) {
      if (days_[i].wte_bp > 0) {
        if (a < 0) a = i;
        b = i;
      }
    }
    return Range(Day(a), Day(b));
  }

  std::optional<std::string> FindRole() {
    const int fy = FinancialYearOf(first_);
    in_force_ = book_.InForce(fy, known_at_);
    if (!in_force_) {
      if (!Explaining()) return std::string();
      return absl::StrCat("ROLE NOT ELIGIBLE: no rule version for ", FormatFinancialYear(fy),
                          " is published (as known at log position ", KnownAtText(),
                          "), so ", RoleName(in_.role), " is not reimbursable on ",
                          InPostText(), ".");
    }
    const v1::FinancialYearRules& rules = *in_force_.rules;
    out_.rule_versions.push_back(rules.version());
    ARRS_SAY("Rules: version \"", rules.version(), "\" for ", FormatFinancialYear(fy),
                     ", published at log position ", in_force_.published_at,
                     " (as known at log position ", KnownAtText(), ").");
    for (const v1::RoleRule& r : rules.roles()) {
      if (r.role() == in_.role) role_ = &r;
    }
    if (role_ == nullptr) {
      if (!Explaining()) return std::string();
      return absl::StrCat("ROLE NOT ELIGIBLE: ", RoleName(in_.role),
                          " is not a reimbursable role in ", FormatFinancialYear(fy),
                          " under rule version \"", rules.version(),
                          "\"; in post ", InPostText(), ".");
    }
    elig_from_ = *ToCivilDay(role_->eligible_from(), "eligible_from");
    elig_to_ = *ToCivilDay(role_->eligible_to(), "eligible_to");
    bool any = false;
    const int eligible_first = IndexOf(elig_from_), eligible_last = IndexOf(elig_to_);
    for (int i = 0; i < dim_; ++i) {
      days_[i].eligible = i >= eligible_first && i <= eligible_last;
      if (days_[i].eligible && days_[i].wte_bp > 0) {
        any = true;
        own_wte_bp_ = std::max(own_wte_bp_, days_[i].wte_bp);
      }
    }
    if (role_->mhp_arrangements().empty()) {
      ARRS_SAY("Role rule: ", RoleName(in_.role), " reimbursable ", Range(elig_from_, elig_to_),
               ", ", FormatPercentBp(role_->reimbursed_bp()),
               role_->maximum_after_percentage() ? " (the maximum caps the reimbursement)"
                                                 : " of the capped cost",
               role_->band().empty() ? "" : absl::StrCat(", band ", role_->band()), ".");
    } else {
      ARRS_SAY("Role rule: ", RoleName(in_.role), " reimbursable ", Range(elig_from_, elig_to_),
               ", the share of the hire's funding arrangement",
               role_->band().empty() ? "" : absl::StrCat(", band ", role_->band()), ".");
    }
    if (!role_->hire_bands().empty()) {
      ARRS_SAY("Hire band: ", in_.band.empty() ? "none recorded" : in_.band, "; ",
               RoleName(in_.role), " is tabled per band in ", FormatFinancialYear(fy), " (bands ",
               absl::StrJoin(role_->hire_bands(), ", "), ").");
    }
    if (std::optional<std::string> why = FindArrangement()) return *why;
    if (!any) {
      if (!Explaining()) return std::string();
      return absl::StrCat("ROLE NOT ELIGIBLE: ", RoleName(in_.role), " is reimbursable only ",
                          Range(elig_from_, elig_to_), " in ", FormatFinancialYear(fy),
                          "; the member is in post ", InPostText(), ", outside that window.");
    }
    return std::nullopt;
  }

  std::string KnownAtText() const {
    // The rule book's position when asked for the latest, so the text is the same
    // whether it was priced "now" or again later as known at that position.
    return absl::StrCat(std::min<uint64_t>(known_at_, book_.position()));
  }

  std::optional<std::string> FindAmounts() {
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
  v1::LondonZone ZoneOn(int i) const {
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
  int FigureOn(int i) {
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
  int IndexOfFigure(const Figure& f) {
    if (!f.known()) return -1;
    for (size_t j = 0; j < figures_.size(); ++j) {
      if (figures_[j] == f) return static_cast<int>(j);
    }
    figures_.push_back(f);
    return static_cast<int>(figures_.size()) - 1;
  }

  // Day index of `day` within the claimed month: -1 before it, dim_ after it.
  int IndexOf(absl::CivilDay day) const {
    if (day < first_) return -1;
    if (day.year() != first_.year() || day.month() != first_.month()) return dim_;
    return day.day() - 1;
  }

  std::vector<Figure> figures_;
  int figure_through_ = -1;  // FigureOn: days up to this index take figure_held_
  int figure_held_ = -1;

  void ComputeAmounts();
  i128 ReimburseShare(i128 claimed, i128 den);
  std::optional<std::string> FindArrangement();
  std::optional<std::string> CheckPerHire();
  std::optional<std::string> CheckCaps();
  std::optional<std::string> CheckAdditional();
  LinePrice CheckSum();

  const RuleBook& book_;
  const LineInput& in_;
  const uint64_t known_at_;
  absl::CivilDay first_;
  int dim_ = 0;
  ::arrs::rules::internal::i128 numerator_ = 0;  // sum of annual pence x wte bp x days
  int32_t own_wte_bp_ = 0;                       // highest WTE on an eligible day
  int32_t cap_fit_bp_ = 0;  // > 0: only this much of own_wte_bp_ fits under a cap
  int64_t claimed_den_ = 1;  // the scaled claim is claimed / claimed_den_ pence
  struct Day days_[kMaxDays];
  RulesInForce in_force_;
  const v1::RoleRule* role_ = nullptr;
  // The hire's MHP funding arrangement, when the role has mhp_arrangements and lists it.
  const v1::MhpArrangement* arrangement_ = nullptr;
  absl::CivilDay elig_from_, elig_to_;
  std::vector<std::string> lines_;
  LinePrice out_;
};

void Pricer::ComputeAmounts() {
  Say("Days in post, split where the WTE, the maximum or eligibility changes:");
  int i = 0;
  while (i < dim_) {
    const struct Day& d = days_[i];
    int j = i;
    while (j + 1 < dim_ && days_[j + 1].wte_bp == d.wte_bp &&
           days_[j + 1].eligible == d.eligible && days_[j + 1].figure == d.figure) {
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
                       Range(*ToCivilDay(m.effective_from(), "f"),
                             *ToCivilDay(m.effective_to(), "t")),
                       ") = ", I128ToString(f.annual_pence), " p x ", d.wte_bp,
                       " bp x ", n, " d = ", I128ToString(part));
    }
    i = j + 1;
  }
  if (in_.explain) {
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
  i128 den = static_cast<i128>(12) * kWholeTimeBp * dim_;
  if (cap_fit_bp_ == 0) {
    ARRS_SAY("Maximum = ", I128ToString(numerator_), " / (12 months x 10,000 bp x ", dim_,
             " days = ", I128ToString(den), ") = ", ExactPence(numerator_, den),
             " (reported rounded down: ", FormatPounds(static_cast<int64_t>(numerator_ / den)),
             ").");
  } else {
    ARRS_SAY("Maximum = ", I128ToString(numerator_), " / (12 months x 10,000 bp x ", dim_,
             " days = ", I128ToString(den), ") = ", ExactPence(numerator_, den), ".");
  }
  i128 claimed = in_.claimed_pence;
  if (cap_fit_bp_ > 0) {
    // Only cap_fit_bp_ of the member's own_wte_bp_ fits under the cap: the line's cost and
    // maximum are both taken in that proportion (kept exact: scaled numerators).
    ARRS_SAY("Within the cap: ", FormatWte(cap_fit_bp_), " of the member's ",
             FormatWte(own_wte_bp_), " WTE fits, so the line counts ", cap_fit_bp_, "/",
             own_wte_bp_, " of its maximum and of its claimed cost:");
    ARRS_SAY("  maximum within the cap = ", ExactPence(numerator_, den), " x ", cap_fit_bp_,
             "/", own_wte_bp_, " = ", ExactPence(numerator_ * cap_fit_bp_, den * own_wte_bp_));
    ARRS_SAY("  claimed within the cap = ", in_.claimed_pence, " p x ", cap_fit_bp_, "/",
             own_wte_bp_, " = ", ExactPence(claimed * cap_fit_bp_, own_wte_bp_));
    numerator_ *= cap_fit_bp_;
    den *= own_wte_bp_;
    claimed *= cap_fit_bp_;
    claimed_den_ = own_wte_bp_;
  }
  out_.maximum_pence = static_cast<int64_t>(numerator_ / den);
  if (cap_fit_bp_ > 0) {
    ARRS_SAY("  (maximum within the cap reported rounded down: ",
             FormatPounds(out_.maximum_pence), ").");
  }
  const int32_t pct = role_->reimbursed_bp();
  i128 reimb = 0;
  if (arrangement_ != nullptr) {
    reimb = ReimburseShare(claimed, den);
  } else if (role_->maximum_after_percentage()) {
    // claimed / claimed_den_ x pct against the maximum numerator_ / den, on one scale.
    const i128 share = claimed * pct * den;  // scaled by den x 10000 x claimed_den_
    const i128 cap = numerator_ * kHundredPercentBp * claimed_den_;
    reimb = std::min(share, cap) / (den * kHundredPercentBp * claimed_den_);
    ARRS_SAY("Reimbursable = min(claimed ",
                     claimed_den_ == 1 ? (claimed == 0 ? "0" : I128ToString(claimed))
                                       : ExactPence(claimed, claimed_den_),
                     claimed_den_ == 1 ? " p" : "", " x ", FormatPercentBp(pct), " = ",
                     ExactPence(claimed * pct, kHundredPercentBp * claimed_den_), ", maximum ",
                     ExactPence(numerator_, den), ") = ",
                     ExactPence(std::min(share, cap), den * kHundredPercentBp * claimed_den_));
  } else {
    // Scaled by den x claimed_den_.
    const i128 capped = std::min(claimed * den, numerator_ * claimed_den_);
    const i128 scale = den * claimed_den_;
    reimb = capped * pct / (scale * kHundredPercentBp);
    ARRS_SAY("Capped cost = min(claimed ",
                     claimed_den_ == 1 ? absl::StrCat(I128ToString(claimed), " p")
                                       : ExactPence(claimed, claimed_den_),
                     ", maximum ", ExactPence(numerator_, den), ") = ",
                     ExactPence(capped, scale), ".");
    ARRS_SAY("Reimbursable = ", ExactPence(capped, scale), " x ",
                     FormatPercentBp(pct), " = ", ExactPence(capped * pct, scale * 10000));
  }
  out_.reimbursable_pence = static_cast<int64_t>(reimb);
  ARRS_SAY("  rounded once, down to whole pence = ", out_.reimbursable_pence, " p = ",
                   FormatPounds(out_.reimbursable_pence), ".");
}

// Mental health practitioners: the claimed amount is what the PCN pays for the post (its
// share under MHP_SHARED_50); it is reimbursed in full up to the PCN's maximum, which is the
// DES maximum x the share when the maximum is of the whole post's cost, or the DES maximum
// itself when it is already of the share. claimed / claimed_den_ and numerator_ / den are
// put on one scale, den x 10000 x claimed_den_.
::arrs::rules::internal::i128 Pricer::ReimburseShare(i128 claimed, i128 den) {
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
           " (what the PCN pays), the PCN's maximum ", ExactPence(pcn_max, scale), ") = ",
           ExactPence(std::min(claim, pcn_max), scale));
  return std::min(claim, pcn_max) / scale;
}

// The funding sentence of an arrangement, e.g. "MHP_SHARED_50: the PCN claims its 50% share
// under the agreement with the mental health trust".
std::string ArrangementText(const v1::MhpArrangement& a) {
  const std::string pct = FormatPercentBp(a.reimbursed_bp());
  const std::string what =
      a.funding() == v1::MHP_SHARED_50
          ? absl::StrCat("the PCN claims its ", pct,
                         " share under the agreement with the mental health trust")
          : absl::StrCat(pct,
                         " of the post reimbursed under a written agreement with the "
                         "mental health trust");
  return absl::StrCat(v1::MhpFunding_Name(a.funding()), ": ", what);
}

std::optional<std::string> Pricer::FindArrangement() {
  if (role_->mhp_arrangements().empty()) return std::nullopt;
  for (const v1::MhpArrangement& a : role_->mhp_arrangements()) {
    if (a.funding() == in_.mhp_funding) arrangement_ = &a;
  }
  if (arrangement_ == nullptr || arrangement_->available()) return std::nullopt;
  const v1::MhpArrangement& a = *arrangement_;
  arrangement_ = nullptr;
  if (!Explaining()) return std::string();
  return absl::StrCat("ROLE NOT ELIGIBLE: the hire's funding arrangement ",
                      v1::MhpFunding_Name(a.funding()), " does not exist in ",
                      FormatFinancialYear(in_force_.rules->financial_year()),
                      " under rule version \"", in_force_.rules->version(), "\" (",
                      a.source().empty() ? "no source recorded" : a.source(), ")",
                      a.note().empty() ? "" : absl::StrCat(": ", a.note()),
                      "; a line under it cannot be reimbursed.");
}

std::optional<std::string> Pricer::CheckPerHire() {
  const v1::FinancialYearRules& rules = *in_force_.rules;
  // Built only when explaining (forecasts price many lines nobody reads).
  auto where = [&] {
    return absl::StrCat("rule version \"", rules.version(), "\" (",
                        FormatFinancialYear(rules.financial_year()),
                        ", published at log position ", in_force_.published_at, ")");
  };
  if (!role_->hire_bands().empty() && !HireBandListed(*role_, in_.band)) {
    if (!Explaining()) return std::string();
    return absl::StrCat(
        "MAXIMUM UNKNOWN: ", RoleName(in_.role), " is tabled per band and ", where(), " lists bands ",
        absl::StrJoin(role_->hire_bands(), ", "), "; the member's hire band ",
        in_.band.empty() ? "is not recorded"
                         : absl::StrCat("\"", in_.band, "\" is not one of them"),
        ", so no band row prices the line. A rule version listing the band, or a corrected "
        "hire band, is needed.");
  }
  if (role_->mhp_arrangements().empty()) return std::nullopt;
  if (arrangement_ == nullptr) {
    if (!Explaining()) return std::string();
    if (in_.mhp_funding == v1::MHP_FUNDING_UNSPECIFIED) {
      return absl::StrCat(
          "MAXIMUM UNKNOWN: the hire records no MHP funding arrangement "
          "(mhp_funding), and ",
          where(), " prices ", RoleName(in_.role),
          " by arrangement; the arrangement must be recorded on the hire.");
    }
    return absl::StrCat("MAXIMUM UNKNOWN: ", where(), " lists no ",
                        v1::MhpFunding_Name(in_.mhp_funding), " arrangement for ",
                        RoleName(in_.role),
                        ": its share is not sourced for the year. A rule version with the "
                        "sourced arrangement must be published before this line can be priced.");
  }
  const v1::MhpArrangement& a = *arrangement_;
  const std::string source = a.source().empty() ? "no source recorded" : a.source();
  if (a.maximum_basis() == v1::MAXIMUM_BASIS_UNKNOWN) {
    if (!Explaining()) return std::string();
    return absl::StrCat("MAXIMUM UNKNOWN: MHP funding ", ArrangementText(a), " (", source,
                        "); but ", where(),
                        " does not establish whether the DES maximum is of the whole post's "
                        "cost or already of the ",
                        FormatPercentBp(a.reimbursed_bp()),
                        " share, so the share cannot be applied. A rule version saying which "
                        "must be published before this line can be priced.");
  }
  ARRS_SAY("MHP funding: ", ArrangementText(a), " (", source, "); ",
           a.maximum_basis() == v1::MAXIMUM_OF_SHARE
               ? "the DES maximum is already of the share"
               : absl::StrCat("the DES maximum is of the whole post's cost, so the PCN's "
                              "maximum is ",
                              FormatPercentBp(a.reimbursed_bp()), " of it"),
           a.note().empty() ? "" : absl::StrCat(" (", a.note(), ")"), ".");
  return std::nullopt;
}

std::optional<std::string> Pricer::CheckCaps() {
  const LineContext& c = in_.context;
  std::vector<std::pair<absl::CivilDay, absl::CivilDay>> seen;  // caps checked
  std::optional<CapInForce> cap;
  int same_through = -1;  // the last day index `cap` is known to hold for
  for (int i = 0; i < dim_; ++i) {
    if (days_[i].wte_bp == 0 || !days_[i].eligible) continue;
    if (i > same_through) {
      absl::CivilDay through;
      cap = CapFor(book_, in_.role, Day(i), c.registered_list_size, known_at_, &through);
      same_through = IndexOf(through);
    }
    if (!cap) continue;
    const std::pair<absl::CivilDay, absl::CivilDay> span(cap->effective_from,
                                                         cap->effective_to);
    if (std::find(seen.begin(), seen.end(), span) != seen.end()) continue;
    seen.push_back(span);
    const int64_t used = static_cast<int64_t>(c.cap_wte_ahead_bp) + own_wte_bp_;
    if (!cap->unverified && used > cap->cap_wte_bp) {
      const int64_t room = static_cast<int64_t>(cap->cap_wte_bp) - c.cap_wte_ahead_bp;
      if (room > 0 && (cap_fit_bp_ == 0 || room < cap_fit_bp_)) {
        cap_fit_bp_ = static_cast<int32_t>(room);
      }
      if (room <= 0 && !Explaining()) return std::string();
    }
    if (!Explaining()) continue;
    const std::string key = Range(cap->effective_from, cap->effective_to);
    std::vector<std::string> names;
    for (v1::Role r : cap->roles) names.push_back(RoleName(r));
    const std::string what = absl::StrCat(
        "cap of ", FormatWte(cap->cap_wte_bp), " WTE on ", absl::StrJoin(names, "+"), " (", key,
        ", list size ", c.registered_list_size, " is ",
        c.registered_list_size < cap->list_size_threshold ? "below" : "at or above",
        " the threshold ", cap->list_size_threshold, ", rule version \"", cap->rule_version,
        "\" published at log position ", cap->published_at, ")");
    const std::string usage = absl::StrCat(FormatWte(c.cap_wte_ahead_bp),
                                           " WTE ranked ahead + this member's ",
                                           FormatWte(own_wte_bp_), " WTE = ", FormatWte(used),
                                           " WTE");
    if (cap->unverified) {
      ARRS_SAY("Check cap: unverified ", what, "; ", usage, " — not enforced.");
    } else if (used > cap->cap_wte_bp) {
      const int64_t room = static_cast<int64_t>(cap->cap_wte_bp) - c.cap_wte_ahead_bp;
      if (room <= 0) {
        return absl::StrCat("CAP EXCEEDED: ", what, "; ", usage, " exceeds the cap of ",
                            FormatWte(cap->cap_wte_bp), " WTE, with no room left.");
      }
      ARRS_SAY("Check cap: ", what, "; ", usage, " exceeds the cap of ",
               FormatWte(cap->cap_wte_bp), " WTE: ", FormatWte(static_cast<int32_t>(room)),
               " WTE of room is left, so that part of the member's WTE is reimbursed and the "
               "other ", FormatWte(own_wte_bp_ - static_cast<int32_t>(room)),
               " WTE is over the cap.");
    } else {
      ARRS_SAY("Check cap: ", what, "; ", usage, ": within the cap.");
    }
  }
  if (seen.empty()) ARRS_SAY("Check cap: no cap on ", RoleName(in_.role), ".");
  return std::nullopt;
}

std::optional<std::string> Pricer::CheckAdditional() {
  const LineContext& c = in_.context;
  bool baseline_role = false;
  for (int r : in_force_.rules->baseline_roles()) baseline_role = baseline_role || r == in_.role;
  if (!baseline_role) {
    ARRS_SAY("Check additionality: ", RoleName(in_.role),
                     " is not a baseline role in this rule version: not tested.");
    return std::nullopt;
  }
  const int64_t through = static_cast<int64_t>(c.role_wte_ahead_bp) + own_wte_bp_;
  if (!Explaining()) {
    if (c.baseline_wte_bp > 0 && through <= c.baseline_wte_bp) return std::string();
    return std::nullopt;
  }
  const std::string sums = absl::StrCat(
      FormatWte(c.role_wte_ahead_bp), " WTE of ", RoleName(in_.role),
      " ranked ahead + this member's ", FormatWte(own_wte_bp_), " WTE = ", FormatWte(through),
      " WTE against the PCN's 31 March 2019 baseline of ", FormatWte(c.baseline_wte_bp),
      " WTE");
  if (c.baseline_wte_bp > 0 && through <= c.baseline_wte_bp) {
    return absl::StrCat("NOT ADDITIONAL: ", sums,
                        ": the member fills a baseline post, which ARRS does not reimburse.");
  }
  ARRS_SAY("Check additionality: ", sums, ": additional.");
  return std::nullopt;
}

LinePrice Pricer::CheckSum() {
  const int64_t left = in_.context.sum_remaining_pence;
  const int64_t want = out_.reimbursable_pence;
  if (left < 0) {
    return Finish(v1::NO_SUM_SET,
                  "NO SUM SET: no Additional Roles Reimbursement Sum is set for the PCN "
                  "for this financial year, so nothing can be approved until one is set.");
  }
  if (left == 0) {
    return Finish(v1::SUM_EXHAUSTED,
                  "SUM EXHAUSTED: nothing is left of the PCN's Additional Roles "
                  "Reimbursement Sum for this financial year (£0.00 remaining).");
  }
  if (left < want) {
    out_.approved_pence = left;
    return Finish(v1::PARTIALLY_APPROVED,
                  Explaining() ? absl::StrCat("Check sum: ", FormatPounds(left),
                                              " remains of the PCN's sum, less than the "
                                              "reimbursable ",
                                              FormatPounds(want),
                                              ": approved up to what is left.")
                               : std::string());
  }
  out_.approved_pence = want;
  if (cap_fit_bp_ > 0) {
    return Finish(v1::PARTIALLY_WITHIN_CAP,
                  Explaining() ? absl::StrCat("Check sum: ", FormatPounds(left),
                                              " remains of the PCN's sum: enough for the "
                                              "part within the cap.")
                               : std::string());
  }
  return Finish(v1::APPROVED, Explaining() ? absl::StrCat("Check sum: ", FormatPounds(left),
                                                          " remains of the PCN's sum: enough.")
                                           : std::string());
}

}  // namespace

LinePrice PriceLine(const RuleBook& book, const LineInput& in, uint64_t known_at) {
  return Pricer(book, in, known_at).Run();
}

void FillAssessedLine(const LinePrice& price, int64_t claimed_pence, v1::AssessedLine* out) {
  out->set_claimed_pence(claimed_pence);
  out->set_maximum_pence(price.maximum_pence);
  out->set_reimbursable_pence(price.reimbursable_pence);
  out->set_approved_pence(price.approved_pence);
  out->set_outcome(price.outcome);
  out->set_explanation(price.explanation);
  out->clear_rule_versions();
  for (const std::string& v : price.rule_versions) out->add_rule_versions(v);
}

#undef ARRS_SAY

}  // namespace arrs::rules
