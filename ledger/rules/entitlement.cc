#include "ledger/rules/entitlement.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ledger/rules/fixed_point.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules {

using internal::i128;
using internal::I128ToString;

namespace {
// 2663100 millipence -> "£26.631" (at least two decimals, trailing zeros trimmed).
std::string RatePounds(int64_t millipence) {
  std::string frac = absl::StrFormat("%05d", static_cast<int>(millipence % 100000));
  while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
  return absl::StrCat("£", millipence / 100000, ".", frac);
}
}  // namespace

absl::StatusOr<DerivedSum> DeriveSum(const RuleBook& book, int financial_year,
                                     int64_t weighted_population_milli, uint64_t known_at) {
  if (weighted_population_milli < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "weighted_population_milli = ", weighted_population_milli, ": must not be negative"));
  }
  const RulesInForce in_force = book.InForce(financial_year, known_at);
  if (!in_force) {
    return absl::FailedPreconditionError(
        absl::StrCat("no rule version for ", FormatFinancialYear(financial_year),
                     " is published (as known at position ",
                     known_at == kLatest ? book.position() : known_at, ")"));
  }
  const v1::EntitlementRule& e = in_force.rules->entitlement();
  if (e.rate_per_patient_millipence() <= 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rule version \"", in_force.rules->version(), "\" gives no per-patient rate for ",
        FormatFinancialYear(financial_year),
        ": the Additional Roles Reimbursement Sum cannot be derived; set the sum directly"));
  }
  const i128 millionths = static_cast<i128>(e.rate_per_patient_millipence()) *
                          static_cast<i128>(weighted_population_milli);
  DerivedSum out;
  out.sum_pence = static_cast<int64_t>(millionths / 1000000);
  out.rate_per_patient_millipence = e.rate_per_patient_millipence();
  out.rule_version = in_force.rules->version();
  out.published_at = in_force.published_at;
  out.unverified = e.rate_unverified();
  const std::string population = I128ToString(weighted_population_milli / 1000) + "." +
      absl::StrFormat("%03d", static_cast<int>(weighted_population_milli % 1000));
  out.explanation = absl::StrCat(
      "Additional Roles Reimbursement Sum ", FormatFinancialYear(financial_year),
      ", rule version \"", out.rule_version, "\" (published at log position ",
      out.published_at, ").\n",
      "Rate: ", RatePounds(e.rate_per_patient_millipence()), " per weighted patient (", e.rate_per_patient_millipence(), " millipence)",
      e.rate_unverified() ? " — UNVERIFIED: a rounded or unconfirmed figure" : "", ".\n",
      "Weighted population: ", population, " (", weighted_population_milli,
      " thousandths of a patient)",
      IsUnset(e.population_date()) ? ""
                                   : absl::StrCat(" as at ", e.population_date().year(), "-",
                                                  absl::StrFormat("%02d-%02d",
                                                                  e.population_date().month(),
                                                                  e.population_date().day())),
      ".\n",
      "Sum = ", e.rate_per_patient_millipence(), " x ", weighted_population_milli,
      " / 1,000,000 = ", internal::ExactPence(millionths, 1000000),
      ", rounded down to whole pence = ", out.sum_pence, " pence = ",
      FormatPounds(out.sum_pence), ".");
  return out;
}

}  // namespace arrs::rules
