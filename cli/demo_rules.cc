#include "cli/demo_rules.h"

#include <set>

#include "ledger/rules/rule_file.h"

namespace arrs::cli::demo {

absl::StatusOr<RulesPlan> PlanRules(const std::string& dir) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> files = rules::LoadRulesDir(dir);
  if (!files.ok()) return files.status();
  RulesPlan plan;
  std::set<int> years_seen;
  for (v1::FinancialYearRules& year : *files) {
    const bool first_of_year = years_seen.insert(year.financial_year()).second;
    if (year.financial_year() == kLateRulesYear && !first_of_year) {
      plan.late.push_back(std::move(year));
    } else {
      plan.before_data.push_back(std::move(year));
    }
  }
  return plan;
}

}  // namespace arrs::cli::demo
