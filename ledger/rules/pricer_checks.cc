// The pricer's checks against the PCN: caps, additionality, the yearly sum (pricer.h).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/rules/caps.h"
#include "ledger/rules/pricer.h"
#include "ledger/util/money.h"

namespace arrs::rules::internal {

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
    const std::pair<absl::CivilDay, absl::CivilDay> span(cap->effective_from, cap->effective_to);
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
    const std::string what =
        absl::StrCat("cap of ", FormatWte(cap->cap_wte_bp), " WTE on ", absl::StrJoin(names, "+"),
                     " (", key, ", list size ", c.registered_list_size, " is ",
                     c.registered_list_size < cap->list_size_threshold ? "below" : "at or above",
                     " the threshold ", cap->list_size_threshold, ", rule version \"",
                     cap->rule_version, "\" published at log position ", cap->published_at, ")");
    const std::string usage =
        absl::StrCat(FormatWte(c.cap_wte_ahead_bp), " WTE ranked ahead + this member's ",
                     FormatWte(own_wte_bp_), " WTE = ", FormatWte(used), " WTE");
    if (cap->unverified) {
      ARRS_SAY("Check cap: unverified ", what, "; ", usage, " — not enforced.");
    } else if (used > cap->cap_wte_bp) {
      const int64_t room = static_cast<int64_t>(cap->cap_wte_bp) - c.cap_wte_ahead_bp;
      if (room <= 0) {
        return absl::StrCat("CAP EXCEEDED: ", what, "; ", usage, " exceeds the cap of ",
                            FormatWte(cap->cap_wte_bp), " WTE, with no room left.");
      }
      ARRS_SAY("Check cap: ", what, "; ", usage, " exceeds the cap of ", FormatWte(cap->cap_wte_bp),
               " WTE: ", FormatWte(static_cast<int32_t>(room)),
               " WTE of room is left, so that part of the member's WTE is reimbursed and the "
               "other ",
               FormatWte(own_wte_bp_ - static_cast<int32_t>(room)), " WTE is over the cap.");
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
      " WTE against the PCN's 31 March 2019 baseline of ", FormatWte(c.baseline_wte_bp), " WTE");
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
                                              FormatPounds(want), ": approved up to what is left.")
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
}  // namespace arrs::rules::internal
