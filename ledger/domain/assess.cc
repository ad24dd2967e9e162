#include "ledger/domain/assess.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/domain/ranked_wte.h"
#include "ledger/util/civil_date.h"

namespace arrs::domain {
namespace {

// BuildLineInput with the WTE ranked ahead of `staff` filled in by
// `add_ahead(cap, reference, context)`.
template <typename AddAhead>
rules::LineInput BuildLineInputWith(const PcnModel& pcn, const rules::RuleBook& book,
                                    const StaffModel& staff, absl::CivilDay month,
                                    int64_t claimed_pence, uint64_t rules_known_at,
                                    const AddAhead& add_ahead) {
  rules::LineInput in;
  in.role = staff.role;
  in.band = staff.band;
  in.mhp_funding = staff.mhp_funding;
  in.month = FirstDayOfMonth(month);
  in.claimed_pence = claimed_pence;
  in.in_post = staff.Segments(FirstDayOfMonth(month), LastDayOfMonth(month));
  in.zones = pcn.ZonesIn(FirstDayOfMonth(month), LastDayOfMonth(month));
  const absl::CivilDay reference = in.in_post.empty() ? in.month : in.in_post.front().from;
  in.context.registered_list_size = pcn.ListSizeOn(reference).registered_list_size;
  in.context.baseline_wte_bp = pcn.BaselineWte(staff.role);
  const std::optional<rules::CapInForce> cap =
      rules::CapFor(book, staff.role, reference, in.context.registered_list_size,
                    rules_known_at);
  add_ahead(cap, reference, in.context);
  return in;
}

}  // namespace

rules::LineInput BuildLineInput(const PcnModel& pcn, const rules::RuleBook& book,
                                const StaffModel& staff, absl::CivilDay month,
                                int64_t claimed_pence, uint64_t rules_known_at) {
  // Member by member: the WTE on `reference` of the PCN's members ranked ahead of
  // `staff`, in its role and in its cap group.
  auto each_ahead = [&pcn, &staff](const std::optional<rules::CapInForce>& cap,
                                   absl::CivilDay reference, rules::LineContext& context) {
    for (const auto& [id, other] : pcn.staff) {
      const bool same_role = other.role == staff.role;
      const bool same_cap = cap && std::find(cap->roles.begin(), cap->roles.end(),
                                             other.role) != cap->roles.end();
      if (!same_role && !same_cap) continue;
      if (other.staff_id == staff.staff_id || !RankedAhead(other, staff)) continue;
      const int32_t wte = other.ContractedWteOn(reference);
      if (wte <= 0) continue;
      if (same_role) context.role_wte_ahead_bp += wte;
      if (same_cap) context.cap_wte_ahead_bp += wte;
    }
  };
  return BuildLineInputWith(pcn, book, staff, month, claimed_pence, rules_known_at, each_ahead);
}

rules::LineInput BuildLineInput(const PcnModel& pcn, const rules::RuleBook& book,
                                const StaffModel& staff, absl::CivilDay month,
                                int64_t claimed_pence, uint64_t rules_known_at,
                                RankedWte& ranked) {
  auto from_sums = [&staff, &ranked](const std::optional<rules::CapInForce>& cap,
                                     absl::CivilDay reference, rules::LineContext& context) {
    context.role_wte_ahead_bp =
        static_cast<int32_t>(ranked.Ahead(staff, staff.role, reference));
    if (!cap) return;
    std::vector<v1::Role> roles = cap->roles;  // each role counted once, as above
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    int64_t ahead = 0;
    for (const v1::Role role : roles) ahead += ranked.Ahead(staff, role, reference);
    context.cap_wte_ahead_bp = static_cast<int32_t>(ahead);
  };
  return BuildLineInputWith(pcn, book, staff, month, claimed_pence, rules_known_at, from_sums);
}

v1::ClaimAssessed AssessClaim(const PcnModel& pcn, const rules::RuleBook& book,
                              const ClaimModel& claim, uint64_t rules_known_at) {
  v1::ClaimAssessed out;
  out.set_claim_id(claim.claim_id);
  out.set_rules_position(std::min(rules_known_at, book.position()));
  const int year = FinancialYearOf(claim.month);
  int64_t remaining = -1;
  if (auto it = pcn.entitlements.find(year); it != pcn.entitlements.end()) {
    remaining = std::max<int64_t>(0, it->second.sum_pence() -
                                         pcn.ApprovedInYear(year, claim.claim_id));
  }
  int64_t total = 0;
  for (const v1::ClaimLine& line : claim.lines()) {
    v1::AssessedLine* assessed = out.add_lines();
    assessed->set_line_no(line.line_no());
    assessed->set_staff_id(line.staff_id());
    assessed->set_claimed_pence(line.actual_cost_pence());
    auto staff = pcn.staff.find(line.staff_id());
    if (staff == pcn.staff.end()) {
      assessed->set_outcome(v1::UNKNOWN_STAFF);
      assessed->set_explanation(absl::StrCat("staff member ", line.staff_id(),
                                             " is not on the PCN's records"));
      continue;
    }
    rules::LineInput in = BuildLineInput(pcn, book, staff->second, claim.month,
                                         line.actual_cost_pence(), rules_known_at);
    in.context.sum_remaining_pence = remaining;
    const rules::LinePrice price = rules::PriceLine(book, in, rules_known_at);
    assessed->set_maximum_pence(price.maximum_pence);
    assessed->set_reimbursable_pence(price.reimbursable_pence);
    assessed->set_approved_pence(price.approved_pence);
    assessed->set_outcome(price.outcome);
    assessed->set_explanation(price.explanation);
    for (const std::string& version : price.rule_versions) assessed->add_rule_versions(version);
    if (remaining >= 0) remaining = std::max<int64_t>(0, remaining - price.approved_pence);
    total += price.approved_pence;
  }
  out.set_total_approved_pence(total);
  return out;
}

void StripExplanations(v1::ClaimAssessed* assessment) {
  for (v1::AssessedLine& line : *assessment->mutable_lines()) {
    // Swapped with an empty string, not cleared: clearing keeps the text's buffer, and
    // an assessment kept in memory would hold it for as long as the ledger is open.
    std::string().swap(*line.mutable_explanation());
  }
}

void AttachExplanations(const v1::ClaimAssessed& derived,
                        google::protobuf::RepeatedPtrField<v1::AssessedLine>* lines) {
  for (v1::AssessedLine& line : *lines) {
    const v1::AssessedLine* match = nullptr;
    for (const v1::AssessedLine& d : derived.lines()) {
      if (d.line_no() == line.line_no()) match = &d;
    }
    if (match == nullptr) continue;
    const bool same = match->staff_id() == line.staff_id() &&
                      match->claimed_pence() == line.claimed_pence() &&
                      match->maximum_pence() == line.maximum_pence() &&
                      match->reimbursable_pence() == line.reimbursable_pence() &&
                      match->approved_pence() == line.approved_pence() &&
                      match->outcome() == line.outcome();
    line.set_explanation(same ? match->explanation()
                              : absl::StrCat("the stored figures of this line differ from "
                                             "those derived again from the log (approved ",
                                             match->approved_pence(), " pence); ",
                                             match->explanation()));
  }
}

}  // namespace arrs::domain
