// The demo's rule book. With `arrsctl demo --rules-dir DIR` the demo publishes the shipped
// rule versions itself, through the API, in two parts: every version of the folder in
// order, except the later versions of one year (kLateRulesYear), before the data; those
// after the year's claims are assessed and paid. So the demo shows a rule version that
// is published late and supplies figures missing until then: lines assessed
// MAXIMUM_UNKNOWN are priced again and owed as arrears (docs/RESTATEMENT.md).
#ifndef ARRS_CLI_DEMO_RULES_H_
#define ARRS_CLI_DEMO_RULES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::cli::demo {

// 2024/25: its r2 (band rows) prices roles r1 had no figure for.
inline constexpr int kLateRulesYear = 2024;

struct RulesPlan {
  std::vector<v1::FinancialYearRules> before_data;
  std::vector<v1::FinancialYearRules> late;  // kLateRulesYear's versions after its first
};

// Reads and validates the rule files of `dir` (rules::LoadRulesDir) and splits them.
absl::StatusOr<RulesPlan> PlanRules(const std::string& dir);

}  // namespace arrs::cli::demo

#endif  // ARRS_CLI_DEMO_RULES_H_
