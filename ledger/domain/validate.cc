#include "ledger/domain/validate.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/field_checks.h"
#include "ledger/rules/rule_validate.h"
#include "ledger/util/money.h"
#include "ledger/util/status_macros.h"

namespace arrs::domain {
namespace {

absl::Status CheckListSize(absl::string_view field, int size, int limit) {
  if (size <= limit) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " has ", size, " entries; the limit is ", limit));
}

absl::Status ValidateStaffHired(const v1::StaffHired& h, absl::string_view prefix) {
  RETURN_IF_ERROR(CheckId(absl::StrCat(prefix, "staff_id"), h.staff_id()));
  RETURN_IF_ERROR(CheckRole(absl::StrCat(prefix, "role"), h.role()));
  RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "band"), h.band(), false));
  RETURN_IF_ERROR(
      CheckEmploymentModel(absl::StrCat(prefix, "employment_model"), h.employment_model()));
  RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "employer_name"), h.employer_name(),
                            h.employment_model() == v1::THIRD_PARTY));
  RETURN_IF_ERROR(CheckWte(absl::StrCat(prefix, "wte_bp"), h.wte_bp()));
  RETURN_IF_ERROR(
      CheckPence(absl::StrCat(prefix, "annual_salary_pence"), h.annual_salary_pence(), true));
  RETURN_IF_ERROR(CheckPence(absl::StrCat(prefix, "annual_on_costs_pence"),
                             h.annual_on_costs_pence(), false));
  return CheckText(absl::StrCat(prefix, "display_name"), h.display_name(), false);
}

absl::Status ValidateClaimLines(const google::protobuf::RepeatedPtrField<v1::ClaimLine>& lines,
                                absl::string_view prefix) {
  if (lines.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "lines must not be empty"));
  }
  RETURN_IF_ERROR(CheckListSize(absl::StrCat(prefix, "lines"), lines.size(), kMaxClaimLines));
  std::set<int32_t> numbers;
  std::set<std::string> staff;
  for (int i = 0; i < lines.size(); ++i) {
    const v1::ClaimLine& line = lines[i];
    const std::string field = absl::StrCat(prefix, "lines[", i, "]");
    if (line.line_no() <= 0 || !numbers.insert(line.line_no()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".line_no must be a positive number unique within the claim, got ",
          line.line_no()));
    }
    RETURN_IF_ERROR(CheckId(absl::StrCat(field, ".staff_id"), line.staff_id()));
    if (!staff.insert(line.staff_id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".staff_id ", line.staff_id(), " appears on more than one line of the claim"));
    }
    RETURN_IF_ERROR(
        CheckPence(absl::StrCat(field, ".actual_cost_pence"), line.actual_cost_pence(), false));
  }
  return absl::OkStatus();
}

}  // namespace

// One case per event kind, in the payload's field order. Long on purpose: adding an event
// kind changes one visible place here (docs/ARCHITECTURE.md, "Adding a new event kind").
absl::Status ValidatePayload(const v1::Payload& p, absl::string_view prefix) {
  const std::string pre(prefix);
  switch (p.kind_case()) {
    case v1::Payload::kPcnRegistered: {
      const v1::PcnRegistered& r = p.pcn_registered();
      RETURN_IF_ERROR(CheckCode(pre + "pcn_code", r.pcn_code()));
      RETURN_IF_ERROR(CheckText(pre + "name", r.name(), true));
      RETURN_IF_ERROR(CheckCode(pre + "icb_code", r.icb_code()));
      RETURN_IF_ERROR(CheckListSize(pre + "member_practices", r.member_practices_size(),
                                    kMaxMemberPractices));
      std::set<std::string> seen;
      for (int i = 0; i < r.member_practices_size(); ++i) {
        const std::string field = absl::StrCat(pre, "member_practices[", i, "]");
        RETURN_IF_ERROR(CheckCode(field + ".ods_code", r.member_practices(i).ods_code()));
        RETURN_IF_ERROR(CheckText(field + ".name", r.member_practices(i).name(), false));
        if (!seen.insert(r.member_practices(i).ods_code()).second) {
          return absl::InvalidArgumentError(absl::StrCat(
              field, ".ods_code ", r.member_practices(i).ods_code(), " is listed twice"));
        }
      }
      return absl::OkStatus();
    }
    case v1::Payload::kListSizeRecorded: {
      const v1::ListSizeRecorded& l = p.list_size_recorded();
      if (l.registered_list_size() <= 0 || l.registered_list_size() > 2'000'000) {
        return absl::InvalidArgumentError(absl::StrCat(
            pre, "registered_list_size must be 1 to 2,000,000 patients, got ",
            l.registered_list_size()));
      }
      if (l.weighted_population_milli() <= 0 ||
          l.weighted_population_milli() > 4'000'000'000LL) {
        return absl::InvalidArgumentError(absl::StrCat(
            pre, "weighted_population_milli must be 1 to 4,000,000,000 (thousandths of a "
                 "patient), got ",
            l.weighted_population_milli()));
      }
      return absl::OkStatus();
    }
    case v1::Payload::kBaselineRecorded: {
      std::set<int> roles;
      const auto& list = p.baseline_recorded().roles();
      RETURN_IF_ERROR(CheckListSize(pre + "roles", list.size(), kMaxBaselineRoles));
      for (int i = 0; i < list.size(); ++i) {
        const std::string field = absl::StrCat(pre, "roles[", i, "]");
        RETURN_IF_ERROR(CheckRole(field + ".role", list[i].role()));
        if (!roles.insert(list[i].role()).second) {
          return absl::InvalidArgumentError(
              absl::StrCat(field, ".role ", RoleName(list[i].role()), " is listed twice"));
        }
        if (list[i].headcount() < 0 || list[i].headcount() > 1000 || list[i].wte_bp() < 0 ||
            list[i].wte_bp() > 1000 * kWholeTimeBp) {
          return absl::InvalidArgumentError(
              absl::StrCat(field, " headcount and wte_bp must be 0 or more, got ",
                           list[i].headcount(), " and ", list[i].wte_bp()));
        }
      }
      return absl::OkStatus();
    }
    case v1::Payload::kEntitlementSet: {
      const v1::EntitlementSet& e = p.entitlement_set();
      RETURN_IF_ERROR(CheckFinancialYear(absl::StrCat(pre, "financial_year"),
                                         e.financial_year(), /*zero_is_every_year=*/false));
      return CheckPence(pre + "sum_pence", e.sum_pence(), false);
    }
    case v1::Payload::kStaffHired:
      return ValidateStaffHired(p.staff_hired(), pre);
    case v1::Payload::kStaffStarted:
      return CheckId(pre + "staff_id", p.staff_started().staff_id());
    case v1::Payload::kFteChanged:
      RETURN_IF_ERROR(CheckId(pre + "staff_id", p.fte_changed().staff_id()));
      return CheckWte(pre + "wte_bp", p.fte_changed().wte_bp());
    case v1::Payload::kPayChanged:
      RETURN_IF_ERROR(CheckId(pre + "staff_id", p.pay_changed().staff_id()));
      RETURN_IF_ERROR(CheckPence(pre + "annual_salary_pence",
                                 p.pay_changed().annual_salary_pence(), true));
      return CheckPence(pre + "annual_on_costs_pence", p.pay_changed().annual_on_costs_pence(),
                        false);
    case v1::Payload::kLeaveRecorded: {
      const v1::LeaveRecorded& l = p.leave_recorded();
      RETURN_IF_ERROR(CheckId(pre + "staff_id", l.staff_id()));
      if (l.kind() == v1::LEAVE_KIND_UNSPECIFIED || !v1::LeaveKind_IsValid(l.kind())) {
        return absl::InvalidArgumentError(absl::StrCat(
            pre, "kind must be SICKNESS, PARENTAL, UNPAID or OTHER, got ", l.kind()));
      }
      RETURN_IF_ERROR(CheckDate(pre + "end_date", l.end_date()).status());
      return CheckShareBp(pre + "paid_share_bp", l.paid_share_bp());
    }
    case v1::Payload::kStaffLeft:
      RETURN_IF_ERROR(CheckId(pre + "staff_id", p.staff_left().staff_id()));
      return CheckText(pre + "leaving_reason", p.staff_left().leaving_reason(), false);
    case v1::Payload::kClaimSubmitted:
      RETURN_IF_ERROR(CheckId(pre + "claim_id", p.claim_submitted().claim_id()));
      RETURN_IF_ERROR(CheckDate(pre + "month", p.claim_submitted().month()).status());
      return ValidateClaimLines(p.claim_submitted().lines(), pre);
    case v1::Payload::kClaimLineReduced:
      RETURN_IF_ERROR(CheckId(pre + "claim_id", p.claim_line_reduced().claim_id()));
      return CheckPence(pre + "approved_pence", p.claim_line_reduced().approved_pence(), false);
    case v1::Payload::kClaimPaid:
      RETURN_IF_ERROR(CheckId(pre + "claim_id", p.claim_paid().claim_id()));
      RETURN_IF_ERROR(CheckPence(pre + "amount_pence", p.claim_paid().amount_pence(), false));
      return CheckText(pre + "payment_reference", p.claim_paid().payment_reference(), false);
    case v1::Payload::kClaimAssessed:
      return absl::InvalidArgumentError(absl::StrCat(
          pre, "claim_assessed cannot be written directly; assess the claim again"));
    case v1::Payload::kRuleVersionPublished:
      return rules::ValidateRules(p.rule_version_published().rules());
    case v1::Payload::kEventReversed:
      return absl::OkStatus();
    // Settlements (replaced by an admin's correction; decided by domain/settle.h).
    case v1::Payload::kArrearsPaid:
      RETURN_IF_ERROR(CheckId(pre + "claim_id", p.arrears_paid().claim_id()));
      RETURN_IF_ERROR(CheckPence(pre + "amount_pence", p.arrears_paid().amount_pence(), true));
      return CheckText(pre + "payment_reference", p.arrears_paid().payment_reference(), false);
    case v1::Payload::kOverpaymentRecovered: {
      const v1::OverpaymentRecovered& o = p.overpayment_recovered();
      RETURN_IF_ERROR(CheckId(pre + "claim_id", o.claim_id()));
      RETURN_IF_ERROR(CheckPence(pre + "amount_pence", o.amount_pence(), true));
      if (o.method() != v1::REPAID && o.method() != v1::OFFSET) {
        return absl::InvalidArgumentError(
            absl::StrCat(pre, "method must be REPAID or OFFSET, got ", o.method()));
      }
      if (o.method() == v1::OFFSET) {
        RETURN_IF_ERROR(CheckId(pre + "offset_claim_id", o.offset_claim_id()));
      }
      return CheckText(pre + "payment_reference", o.payment_reference(), false);
    }
    case v1::Payload::kLondonZoneRecorded: {
      const v1::LondonZone zone = p.london_zone_recorded().zone();
      if (zone != v1::INNER_LONDON && zone != v1::OUTER_LONDON && zone != v1::LONDON_ZONE_NONE) {
        return absl::InvalidArgumentError(absl::StrCat(
            pre, "zone must be INNER_LONDON, OUTER_LONDON or LONDON_ZONE_NONE, got ",
            v1::LondonZone_IsValid(zone) ? v1::LondonZone_Name(zone)
                                         : absl::StrCat(static_cast<int>(zone))));
      }
      return CheckText(pre + "source", p.london_zone_recorded().source(), false);
    }
    case v1::Payload::KIND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(pre, "payload must be set"));
}

}  // namespace arrs::domain
