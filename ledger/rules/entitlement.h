// A PCN's Additional Roles Reimbursement Sum from its weighted population.
//
//   sum_pence = floor(rate_per_patient_millipence x weighted_population_milli / 1,000,000)
//
// (millipence x milli-patients = millionths of a penny), rounded down once to whole pence,
// the same rounding rule as the calculator. Published worked example, 2025/26:
// £26.631 x 30,000 = £798,930.00 (https://managementinpractice.com/news/practice-income-calculator-for-2025-26-released).
//
// Thread-safe: pure function over a const RuleBook.
#ifndef ARRS_LEDGER_RULES_ENTITLEMENT_H_
#define ARRS_LEDGER_RULES_ENTITLEMENT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/rules/rule_book.h"

namespace arrs::rules {

struct DerivedSum {
  int64_t sum_pence = 0;
  int64_t rate_per_patient_millipence = 0;
  std::string rule_version;   // e.g. "2025/26 r1"
  uint64_t published_at = 0;  // log position of that rule version
  std::string explanation;    // the arithmetic, re-checkable by hand
  bool unverified = false;    // the rate is a rounded or unconfirmed figure
};

// Errors: INVALID_ARGUMENT for a negative population; FAILED_PRECONDITION when no rule
// version for the year is in force at `known_at`, or it has no per-patient rate (2019/20).
absl::StatusOr<DerivedSum> DeriveSum(const RuleBook& book, int financial_year,
                                     int64_t weighted_population_milli,
                                     uint64_t known_at = kLatest);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_ENTITLEMENT_H_
