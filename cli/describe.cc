#include "cli/describe.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/parse.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {

std::string EventKind(const v1::Event& event) {
  const v1::Payload& p = event.payload();
  if (p.kind_case() == v1::Payload::KIND_NOT_SET) return event.redacted() ? "redacted" : "none";
  if (p.has_event_reversed()) return "reversal";
  const auto* field = p.GetDescriptor()->FindFieldByNumber(p.kind_case());
  return field ? field->name() : "unknown";
}

// One case per event kind. Long on purpose: adding an event kind changes one visible place
// here (docs/ARCHITECTURE.md, "Adding a new event kind").
std::string DescribePayload(const v1::Event& event) {
  const v1::Payload& p = event.payload();
  switch (p.kind_case()) {
    case v1::Payload::kPcnRegistered:
      return absl::StrCat(p.pcn_registered().pcn_code(), " \"", p.pcn_registered().name(),
                          "\" ICB ", p.pcn_registered().icb_code(), ", ",
                          p.pcn_registered().member_practices_size(), " practices");
    case v1::Payload::kListSizeRecorded:
      return absl::StrCat("list size ", p.list_size_recorded().registered_list_size(),
                          ", weighted ", p.list_size_recorded().weighted_population_milli() / 1000,
                          ".", absl::StrFormat("%03d", static_cast<int>(
                                   p.list_size_recorded().weighted_population_milli() % 1000)));
    case v1::Payload::kBaselineRecorded: {
      std::string out = "baseline";
      for (const auto& r : p.baseline_recorded().roles()) {
        absl::StrAppend(&out, " ", RoleName(r.role()), "=", r.headcount(), "/",
                        FormatWte(r.wte_bp()), "WTE");
      }
      return out;
    }
    case v1::Payload::kEntitlementSet:
      return absl::StrCat(FormatFinancialYear(p.entitlement_set().financial_year()), " sum ",
                          FormatPounds(p.entitlement_set().sum_pence()),
                          p.entitlement_set().derived()
                              ? absl::StrCat(" (derived, ", p.entitlement_set().rule_version(), ")")
                              : " (given)");
    case v1::Payload::kStaffHired: {
      const v1::StaffHired& h = p.staff_hired();
      return absl::StrCat(h.staff_id(), " ", RoleName(h.role()), " ", FormatWte(h.wte_bp()),
                          " WTE, pay ", FormatPounds(h.annual_salary_pence()), " + on-costs ",
                          FormatPounds(h.annual_on_costs_pence()));
    }
    case v1::Payload::kStaffStarted:
      return absl::StrCat(p.staff_started().staff_id(), " started");
    case v1::Payload::kFteChanged:
      return absl::StrCat(p.fte_changed().staff_id(), " WTE -> ",
                          FormatWte(p.fte_changed().wte_bp()));
    case v1::Payload::kPayChanged:
      return absl::StrCat(p.pay_changed().staff_id(), " pay -> ",
                          FormatPounds(p.pay_changed().annual_salary_pence()), " + on-costs ",
                          FormatPounds(p.pay_changed().annual_on_costs_pence()));
    case v1::Payload::kLeaveRecorded:
      return absl::StrCat(p.leave_recorded().staff_id(), " ",
                          absl::AsciiStrToLower(v1::LeaveKind_Name(p.leave_recorded().kind())),
                          " leave to ", DateText(p.leave_recorded().end_date()), ", paid ",
                          FormatPercentBp(p.leave_recorded().paid_share_bp()));
    case v1::Payload::kStaffLeft:
      return absl::StrCat(p.staff_left().staff_id(), " left",
                          p.staff_left().leaving_reason().empty()
                              ? ""
                              : " (" + p.staff_left().leaving_reason() + ")");
    case v1::Payload::kClaimSubmitted: {
      int64_t total = 0;
      for (const auto& l : p.claim_submitted().lines()) total += l.actual_cost_pence();
      return absl::StrCat("claim ", p.claim_submitted().claim_id(), " (month ",
                          DateText(p.claim_submitted().month()).substr(0, 7), "): ",
                          p.claim_submitted().lines_size(), " lines, ", FormatPounds(total));
    }
    case v1::Payload::kClaimAssessed:
      return absl::StrCat("claim ", p.claim_assessed().claim_id(), " assessed: approved ",
                          FormatPounds(p.claim_assessed().total_approved_pence()));
    case v1::Payload::kClaimLineReduced:
      return absl::StrCat("claim ", p.claim_line_reduced().claim_id(), " line ",
                          p.claim_line_reduced().line_no(), " reduced to ",
                          FormatPounds(p.claim_line_reduced().approved_pence()));
    case v1::Payload::kArrearsPaid:
      return absl::StrCat("claim ", p.arrears_paid().claim_id(), " arrears paid ",
                          FormatPounds(p.arrears_paid().amount_pence()));
    case v1::Payload::kOverpaymentRecovered:
      return absl::StrCat(
          "claim ", p.overpayment_recovered().claim_id(), " overpayment recovered ",
          FormatPounds(p.overpayment_recovered().amount_pence()),
          p.overpayment_recovered().method() == v1::OFFSET
              ? " by offset against claim " + p.overpayment_recovered().offset_claim_id()
              : " (repaid)");
    case v1::Payload::kClaimPaid:
      return absl::StrCat("claim ", p.claim_paid().claim_id(), " paid ",
                          FormatPounds(p.claim_paid().amount_pence()),
                          p.claim_paid().payment_reference().empty()
                              ? ""
                              : " ref " + p.claim_paid().payment_reference());
    case v1::Payload::kRuleVersionPublished:
      return absl::StrCat("rules ", p.rule_version_published().rules().version());
    case v1::Payload::kEventReversed:
      return absl::StrCat("reverses position ", event.corrects());
    case v1::Payload::kLondonZoneRecorded:
      return absl::StrCat("London zone ", v1::LondonZone_Name(p.london_zone_recorded().zone()),
                          p.london_zone_recorded().source().empty()
                              ? ""
                              : " (" + p.london_zone_recorded().source() + ")");
    case v1::Payload::KIND_NOT_SET:
      return event.redacted() ? "(payload redacted)" : "";
  }
  return "";
}

}  // namespace arrs::cli
