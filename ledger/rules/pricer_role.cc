// The pricer's steps that read the input and find the role's rule (pricer.h).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/rules/pricer.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules::internal {

// Fills days_[].wte_bp from the segments; a message when the input makes no sense.
std::optional<std::string> Pricer::ReadSegments() {
  if (in_.claimed_pence < 0) {
    return absl::StrCat("INVALID INPUT: claimed amount ", in_.claimed_pence, " pence is negative.");
  }
  if (in_.role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(in_.role)) {
    return absl::StrCat("INVALID INPUT: role ", static_cast<int>(in_.role),
                        " is unknown or unspecified.");
  }
  std::vector<bool> covered(dim_, false);
  for (const PostSegment& s : in_.in_post) {
    if (s.to < s.from || s.wte_bp < 0 || s.wte_bp > kWholeTimeBp) {
      return absl::StrCat("INVALID INPUT: in-post segment ", Range(s.from, s.to), " at ", s.wte_bp,
                          " WTE basis points (needs from <= to, WTE 0..1.0).");
    }
    for (int i = std::max(0, IndexOf(s.from)); i <= std::min(dim_ - 1, IndexOf(s.to)); ++i) {
      if (covered[i]) {
        return absl::StrCat("INVALID INPUT: in-post segments overlap on ", FormatCivilDay(Day(i)),
                            ".");
      }
      covered[i] = true;
      days_[i].wte_bp = s.wte_bp;
    }
  }
  return std::nullopt;
}

bool Pricer::AnyInPost() const {
  for (int i = 0; i < dim_; ++i) {
    if (days_[i].wte_bp > 0) return true;
  }
  return false;
}

// The first and last in-post day, for messages.
std::string Pricer::InPostText() const {
  int a = -1, b = -1;
  for (int i = 0; i < dim_; ++i) {
    if (days_[i].wte_bp > 0) {
      if (a < 0) a = i;
      b = i;
    }
  }
  return Range(Day(a), Day(b));
}

std::optional<std::string> Pricer::FindRole() {
  const int fy = FinancialYearOf(first_);
  in_force_ = book_.InForce(fy, known_at_);
  if (!in_force_) {
    if (!Explaining()) return std::string();
    return absl::StrCat("ROLE NOT ELIGIBLE: no rule version for ", FormatFinancialYear(fy),
                        " is published (as known at log position ", KnownAtText(), "), so ",
                        RoleName(in_.role), " is not reimbursable on ", InPostText(), ".");
  }
  const v1::FinancialYearRules& rules = *in_force_.rules;
  out_.rule_versions.push_back(rules.version());
  ARRS_SAY("Rules: version \"", rules.version(), "\" for ", FormatFinancialYear(fy),
           ", published at log position ", in_force_.published_at, " (as known at log position ",
           KnownAtText(), ").");
  for (const v1::RoleRule& r : rules.roles()) {
    if (r.role() == in_.role) role_ = &r;
  }
  if (role_ == nullptr) {
    if (!Explaining()) return std::string();
    return absl::StrCat("ROLE NOT ELIGIBLE: ", RoleName(in_.role),
                        " is not a reimbursable role in ", FormatFinancialYear(fy),
                        " under rule version \"", rules.version(), "\"; in post ", InPostText(),
                        ".");
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
    ARRS_SAY("Role rule: ", RoleName(in_.role), " reimbursable ", Range(elig_from_, elig_to_), ", ",
             FormatPercentBp(role_->reimbursed_bp()),
             role_->maximum_after_percentage() ? " (the maximum caps the reimbursement)"
                                               : " of the capped cost",
             role_->band().empty() ? "" : absl::StrCat(", band ", role_->band()), ".");
  } else {
    ARRS_SAY("Role rule: ", RoleName(in_.role), " reimbursable ", Range(elig_from_, elig_to_),
             ", the share of the hire's funding arrangement",
             role_->band().empty() ? "" : absl::StrCat(", band ", role_->band()), ".");
  }
  if (!role_->hire_bands().empty()) {
    ARRS_SAY("Hire band: ", in_.band.empty() ? "none recorded" : in_.band, "; ", RoleName(in_.role),
             " is tabled per band in ", FormatFinancialYear(fy), " (bands ",
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

std::string Pricer::KnownAtText() const {
  // The rule book's position when asked for the latest, so the text is the same
  // whether it was priced "now" or again later as known at that position.
  return absl::StrCat(std::min<uint64_t>(known_at_, book_.position()));
}

// The funding sentence of an arrangement, e.g. "MHP_SHARED_50: the PCN claims its 50% share
// under the agreement with the mental health trust".
namespace {

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

}  // namespace

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
                        FormatFinancialYear(rules.financial_year()), ", published at log position ",
                        in_force_.published_at, ")");
  };
  if (!role_->hire_bands().empty() && !HireBandListed(*role_, in_.band)) {
    if (!Explaining()) return std::string();
    return absl::StrCat(
        "MAXIMUM UNKNOWN: ", RoleName(in_.role), " is tabled per band and ", where(),
        " lists bands ", absl::StrJoin(role_->hire_bands(), ", "), "; the member's hire band ",
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
}  // namespace arrs::rules::internal
