#include "ledger/domain/mhp_hire.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/rules/figure.h"
#include "ledger/util/civil_date.h"

namespace arrs::domain {
namespace {

const v1::RoleRule* FindRole(const v1::FinancialYearRules& rules, v1::Role role) {
  for (const v1::RoleRule& r : rules.roles()) {
    if (r.role() == role) return &r;
  }
  return nullptr;
}

}  // namespace

absl::Status CheckMhpHire(const rules::RuleBook& book, const v1::StaffHired& h,
                          absl::CivilDay hired) {
  const std::string role = v1::Role_Name(h.role());
  if (h.role() != v1::MENTAL_HEALTH_PRACTITIONER) {
    if (h.mhp_funding() == v1::MHP_FUNDING_UNSPECIFIED) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("mhp_funding is only for MENTAL_HEALTH_PRACTITIONER hires; got ",
                     v1::MhpFunding_IsValid(h.mhp_funding()) ? v1::MhpFunding_Name(h.mhp_funding())
                                                             : absl::StrCat(h.mhp_funding()),
                     " for ", role));
  }
  if (h.mhp_funding() != v1::MHP_SHARED_50 && h.mhp_funding() != v1::MHP_FULL_100) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mhp_funding is required for a MENTAL_HEALTH_PRACTITIONER hire (MHP_SHARED_50 or "
        "MHP_FULL_100); got ",
        v1::MhpFunding_IsValid(h.mhp_funding()) ? v1::MhpFunding_Name(h.mhp_funding())
                                                : absl::StrCat(h.mhp_funding())));
  }
  if (h.band().empty()) {
    return absl::InvalidArgumentError(
        "band is required for a MENTAL_HEALTH_PRACTITIONER hire: the DES tables MHP maxima "
        "per Agenda for Change band");
  }
  const rules::RulesInForce in_force = book.InForceOn(hired);
  if (!in_force) return absl::OkStatus();
  const v1::FinancialYearRules& rules = *in_force.rules;
  const v1::RoleRule* rule = FindRole(rules, h.role());
  if (rule == nullptr) return absl::OkStatus();
  const std::string where = absl::StrCat("rule version \"", rules.version(), "\" (",
                                         FormatFinancialYear(rules.financial_year()), ")");
  if (!rule->hire_bands().empty() && !rules::HireBandListed(*rule, h.band())) {
    return absl::InvalidArgumentError(
        absl::StrCat("band \"", h.band(), "\" is not a band ", role, " is tabled on under ", where,
                     ", which lists bands ", absl::StrJoin(rule->hire_bands(), ", ")));
  }
  for (const v1::MhpArrangement& a : rule->mhp_arrangements()) {
    if (a.funding() == h.mhp_funding() && !a.available()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "mhp_funding ", v1::MhpFunding_Name(h.mhp_funding()), " does not exist under ", where,
          " (", a.source().empty() ? "no source recorded" : a.source(), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace arrs::domain
