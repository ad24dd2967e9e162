#include "ledger/rules/caps.h"

#include <algorithm>

#include "ledger/util/civil_date.h"

namespace arrs::rules {

std::optional<CapInForce> CapFor(const RuleBook& book, v1::Role role, absl::CivilDay day,
                                 int64_t registered_list_size, uint64_t known_at,
                                 absl::CivilDay* same_through) {
  // The answer can change only where a cap naming the role starts or ends, or where the
  // financial year (so the rule version in force) ends.
  absl::CivilDay unchanged = FinancialYearEnd(FinancialYearOf(day));
  const RulesInForce in_force = book.InForceOn(day, known_at);
  std::optional<CapInForce> found;
  if (in_force) {
    for (const v1::CapRule& cap : in_force.rules->caps()) {
      bool names_role = false;
      for (int r : cap.roles()) names_role = names_role || r == role;
      if (!names_role) continue;
      // Compare the proto dates as (year, month, day) first: cheap, and most caps do not
      // cover `day`. Converted (and validated) only when needed.
      const bool starts_later = CompareDate(cap.effective_from(), day) > 0;
      if (!starts_later && CompareDate(cap.effective_to(), day) < 0) continue;  // over
      absl::StatusOr<absl::CivilDay> from = ToCivilDay(cap.effective_from(), "effective_from");
      absl::StatusOr<absl::CivilDay> to = ToCivilDay(cap.effective_to(), "effective_to");
      if (!from.ok() || !to.ok()) continue;
      if (starts_later) {
        unchanged = std::min(unchanged, *from - 1);
        continue;
      }
      if (day < *from || day > *to) continue;
      unchanged = std::min(unchanged, *to);
      if (found && (cap.unverified() || !found->unverified)) continue;
      CapInForce out;
      out.cap_wte_bp = registered_list_size < cap.list_size_threshold()
                           ? cap.cap_wte_bp_below()
                           : cap.cap_wte_bp_at_or_above();
      for (int r : cap.roles()) out.roles.push_back(static_cast<v1::Role>(r));
      out.rule_version = in_force.rules->version();
      out.published_at = in_force.published_at;
      out.list_size_threshold = cap.list_size_threshold();
      out.registered_list_size = registered_list_size;
      out.effective_from = *from;
      out.effective_to = *to;
      out.unverified = cap.unverified();
      out.source = cap.source();
      found = std::move(out);
    }
  }
  if (same_through != nullptr) *same_through = unchanged;
  return found;
}

}  // namespace arrs::rules
