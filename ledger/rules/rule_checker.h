// RuleChecker: the checks behind rule_validate.h, one method per part of a rule version.
// Internal to ledger/rules (rule_validate.cc, rule_validate_roles.cc).
//
// Run() checks the header (version, financial year), then, when the year is usable, the
// band rows, the roles (each role's eligibility, its MaxAmount chain, its band row or hire
// bands and its MHP arrangements, the provenance of every figure), the caps and the
// training rules; then the entitlement and the baseline roles. Each problem is added once,
// named by its field path and value (Add), up to max_issues.
#ifndef ARRS_LEDGER_RULES_RULE_CHECKER_H_
#define ARRS_LEDGER_RULES_RULE_CHECKER_H_

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/rules.pb.h"
#include "ledger/rules/rule_validate.h"

namespace arrs::rules::internal {

using Path = std::vector<PathStep>;

// "roles[3].max_amounts[1].annual_max_pence".
std::string PathText(const Path& path);
Path Join(Path base, std::string field, int index = -1);
std::string DateText(const v1::Date& d);
// The role's name, or its number when it has none.
std::string RoleText(int role);

class RuleChecker {
 public:
  RuleChecker(const v1::FinancialYearRules& rules, size_t max_issues)
      : rules_(rules), max_issues_(max_issues) {}

  // Every problem found, in field order; call once.
  std::vector<RuleIssue> Run();

 private:
  // rule_validate.cc
  void Add(const Path& path, const std::string& value, const std::string& problem);
  // A required date inside the financial year.
  std::optional<absl::CivilDay> InYear(const v1::Date& date, const Path& path);
  static bool KnownRole(int role) { return role != v1::ROLE_UNSPECIFIED && v1::Role_IsValid(role); }
  void CheckHeader();
  void CheckCap(int i);
  void CheckTraining(int i);
  void CheckEntitlement();
  void CheckBaseline();

  // rule_validate_roles.cc
  void CheckRole(int i, std::set<int>* seen);
  void CheckAmounts(int i, std::optional<absl::CivilDay> elig_from,
                    std::optional<absl::CivilDay> elig_to);
  // The role's MaxAmounts in order: each valid, inside the eligibility window, contiguous
  // with the one before. The span they cover when they chain without a fault.
  std::optional<std::pair<absl::CivilDay, absl::CivilDay>> CheckAmountChain(
      int i, std::optional<absl::CivilDay> elig_from, std::optional<absl::CivilDay> elig_to);
  // A role on a band row: the row exists, its source is given, and (unless the role is
  // unverified) every eligible day has a known figure, the role's own or the row's.
  void CheckBandRowCover(const v1::RoleRule& r, const Path& base,
                         std::optional<absl::CivilDay> elig_from,
                         std::optional<absl::CivilDay> elig_to);
  const v1::BandRow* RowNamed(const std::string& band) const;
  void CheckHireBands(const v1::RoleRule& r, const Path& base,
                      std::optional<absl::CivilDay> elig_from,
                      std::optional<absl::CivilDay> elig_to);
  void CheckArrangements(const v1::RoleRule& r, const Path& base);
  static bool KnownOn(const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts,
                      absl::CivilDay day);
  static bool IsUrlList(const std::string& text);
  // One figure, a role's own or a band row's: its amount (not negative; zero only when
  // unverified), its source URL(s), its confidence, the roles it is published for, its
  // London figures and its dates. Returns the days it runs, or nothing when a date is
  // missing or outside the year (the order of the two is the caller's to check).
  using DayRange = std::pair<absl::CivilDay, absl::CivilDay>;
  std::optional<DayRange> CheckFigure(const v1::MaxAmount& m, const Path& at, bool on_band_row);
  void CheckBandRow(int i, std::set<std::string>* seen);

  const v1::FinancialYearRules& rules_;
  const size_t max_issues_;
  std::vector<RuleIssue> issues_;
  bool fy_ok_ = false;
  int fy_ = 0;
  absl::CivilDay year_start_, year_end_;
};

}  // namespace arrs::rules::internal

#endif  // ARRS_LEDGER_RULES_RULE_CHECKER_H_
