#include "ledger/rules/rule_validate.h"

#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "ledger/rules/rule_checker.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules {
namespace internal {

using Path = std::vector<PathStep>;

std::string PathText(const Path& path) {
  std::string out;
  for (const PathStep& step : path) {
    if (!out.empty()) out += ".";
    out += step.field;
    if (step.index >= 0) absl::StrAppend(&out, "[", step.index, "]");
  }
  return out;
}

Path Join(Path base, std::string field, int index) {
  base.push_back(PathStep{std::move(field), index});
  return base;
}

std::string DateText(const v1::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

std::string RoleText(int role) {
  const std::string& name = v1::Role_Name(static_cast<v1::Role>(role));
  return name.empty() ? absl::StrCat(role) : name;
}

std::vector<RuleIssue> RuleChecker::Run() {
  CheckHeader();
  if (fy_ok_) {
    std::set<std::string> bands;
    for (int i = 0; i < rules_.band_rows_size(); ++i) CheckBandRow(i, &bands);
    std::set<int> seen;
    for (int i = 0; i < rules_.roles_size(); ++i) CheckRole(i, &seen);
    for (int i = 0; i < rules_.caps_size(); ++i) CheckCap(i);
    for (int i = 0; i < rules_.training_size(); ++i) CheckTraining(i);
  }
  CheckEntitlement();
  CheckBaseline();
  return std::move(issues_);
}

void RuleChecker::Add(const Path& path, const std::string& value, const std::string& problem) {
  if (issues_.size() >= max_issues_) return;
  std::string label = PathText(path);
  // Name the role in role paths so the message reads on its own.
  if (!path.empty() && path[0].field == "roles" && path[0].index >= 0 &&
      path[0].index < rules_.roles_size()) {
    const std::string head = absl::StrCat("roles[", path[0].index, "]");
    label.insert(head.size(),
                 absl::StrCat(" (", RoleText(rules_.roles(path[0].index).role()), ")"));
  }
  if (!path.empty() && path[0].field == "band_rows" && path[0].index >= 0 &&
      path[0].index < rules_.band_rows_size()) {
    const std::string head = absl::StrCat("band_rows[", path[0].index, "]");
    label.insert(head.size(), absl::StrCat(" (band ", rules_.band_rows(path[0].index).band(), ")"));
  }
  issues_.push_back(RuleIssue{path, absl::StrCat(label, " = ", value, ": ", problem)});
}

// A required date inside the financial year.
std::optional<absl::CivilDay> RuleChecker::InYear(const v1::Date& date, const Path& path) {
  if (IsUnset(date)) {
    Add(path, "unset", "is required");
    return std::nullopt;
  }
  absl::StatusOr<absl::CivilDay> day = ToCivilDay(date, PathText(path));
  if (!day.ok()) {
    Add(path, DateText(date), "is not a real date");
    return std::nullopt;
  }
  if (*day < year_start_ || *day > year_end_) {
    Add(path, FormatCivilDay(*day),
        absl::StrCat("is outside the financial year ", FormatFinancialYear(fy_), " (",
                     FormatCivilDay(year_start_), " to ", FormatCivilDay(year_end_), ")"));
    return std::nullopt;
  }
  return *day;
}

void RuleChecker::CheckHeader() {
  if (rules_.version().empty()) Add({{"version"}}, "\"\"", "is required (a version name)");
  const int fy = rules_.financial_year();
  if (fy < kFirstRuleFinancialYear || fy > kLastFinancialYear) {
    Add({{"financial_year"}}, absl::StrCat(fy),
        fy == 0 ? "is required (first calendar year, 2023 = 2023/24)"
                : absl::StrCat("must be ", kFirstRuleFinancialYear, "..", kLastFinancialYear,
                               " (first calendar year, 2023 = 2023/24)"));
  } else {
    fy_ok_ = true;
    fy_ = fy;
    year_start_ = FinancialYearStart(fy);
    year_end_ = FinancialYearEnd(fy);
  }
  if (!IsUnset(rules_.published()) && !ToCivilDay(rules_.published(), "published").ok()) {
    Add({{"published"}}, DateText(rules_.published()), "is not a real date");
  }
}

void RuleChecker::CheckCap(int i) {
  const v1::CapRule& c = rules_.caps(i);
  const Path base{{"caps", i}};
  if (c.roles_size() == 0) Add(Join(base, "roles"), "none", "a cap must name its roles");
  for (int j = 0; j < c.roles_size(); ++j) {
    if (!KnownRole(c.roles(j))) {
      Add(Join(base, "roles", j), RoleText(c.roles(j)), "unknown or unspecified role");
    }
  }
  std::optional<absl::CivilDay> from = InYear(c.effective_from(), Join(base, "effective_from"));
  std::optional<absl::CivilDay> to = InYear(c.effective_to(), Join(base, "effective_to"));
  if (from && to && *from > *to) {
    Add(Join(base, "effective_to"), FormatCivilDay(*to),
        absl::StrCat("is before effective_from ", FormatCivilDay(*from)));
  }
  if (c.list_size_threshold() < 0) {
    Add(Join(base, "list_size_threshold"), absl::StrCat(c.list_size_threshold()),
        "must not be negative");
  }
  const std::pair<const char*, int32_t> values[] = {
      {"cap_wte_bp_below", c.cap_wte_bp_below()},
      {"cap_wte_bp_at_or_above", c.cap_wte_bp_at_or_above()}};
  for (const auto& [name, value] : values) {
    if (value < 0) {
      Add(Join(base, name), absl::StrCat(value), "must not be negative");
    } else if (value == 0 && !c.unverified()) {
      Add(Join(base, name), "0",
          "missing cap value (WTE basis points): give it, or mark the cap unverified: true");
    }
  }
}

void RuleChecker::CheckTraining(int i) {
  const v1::TrainingTimeRule& t = rules_.training(i);
  const Path base{{"training", i}};
  if (!KnownRole(t.role())) {
    Add(Join(base, "role"), RoleText(t.role()), "unknown or unspecified role");
  }
  std::optional<absl::CivilDay> from = InYear(t.effective_from(), Join(base, "effective_from"));
  std::optional<absl::CivilDay> to = InYear(t.effective_to(), Join(base, "effective_to"));
  if (from && to && *from > *to) {
    Add(Join(base, "effective_to"), FormatCivilDay(*to),
        absl::StrCat("is before effective_from ", FormatCivilDay(*from)));
  }
  if (t.reimbursed_bp() < 0 || t.reimbursed_bp() > kHundredPercentBp) {
    Add(Join(base, "reimbursed_bp"), absl::StrCat(t.reimbursed_bp()),
        "must be 0..10000 basis points");
  }
}

void RuleChecker::CheckEntitlement() {
  if (!rules_.has_entitlement()) return;
  const v1::EntitlementRule& e = rules_.entitlement();
  const Path base{{"entitlement"}};
  if (e.rate_per_patient_millipence() < 0) {
    Add(Join(base, "rate_per_patient_millipence"), absl::StrCat(e.rate_per_patient_millipence()),
        "must not be negative");
  }
  if (e.national_pot_pence() < 0) {
    Add(Join(base, "national_pot_pence"), absl::StrCat(e.national_pot_pence()),
        "must not be negative");
  }
  if (!IsUnset(e.population_date()) && !ToCivilDay(e.population_date(), "population_date").ok()) {
    Add(Join(base, "population_date"), DateText(e.population_date()), "is not a real date");
  }
}

void RuleChecker::CheckBaseline() {
  std::set<int> seen;
  for (int i = 0; i < rules_.baseline_roles_size(); ++i) {
    const int role = rules_.baseline_roles(i);
    if (!KnownRole(role)) {
      Add({{"baseline_roles", i}}, RoleText(role), "unknown or unspecified role");
    } else if (!seen.insert(role).second) {
      Add({{"baseline_roles", i}}, RoleText(role), "duplicate role");
    }
  }
}

}  // namespace internal

std::vector<RuleIssue> FindRuleIssues(const v1::FinancialYearRules& rules, size_t max_issues) {
  return internal::RuleChecker(rules, max_issues).Run();
}

absl::Status ValidateRules(const v1::FinancialYearRules& rules) {
  std::vector<RuleIssue> issues = FindRuleIssues(rules);
  if (issues.empty()) return absl::OkStatus();
  std::vector<std::string> lines;
  for (const RuleIssue& issue : issues) lines.push_back(issue.message);
  return absl::InvalidArgumentError(absl::StrCat("rule version \"", rules.version(), "\" (",
                                                 rules.financial_year(), ") is invalid:\n",
                                                 absl::StrJoin(lines, "\n")));
}

}  // namespace arrs::rules
