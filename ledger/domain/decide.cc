#include "ledger/domain/decide.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/assess.h"
#include "ledger/domain/decided_event.h"
#include "ledger/domain/field_checks.h"
#include "ledger/domain/mhp_hire.h"
#include "ledger/domain/validate.h"
#include "ledger/rules/calculator.h"
#include "ledger/rules/entitlement.h"
#include "ledger/rules/rule_validate.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"
#include "ledger/util/status_macros.h"

namespace arrs::domain {
namespace {

absl::Status CheckHeader(const v1::CommandHeader& header, bool reason_required) {
  return CheckText("header.reason", header.reason(), reason_required);
}

absl::Status RequireRegistered(const PcnModel& pcn, absl::string_view pcn_code) {
  RETURN_IF_ERROR(CheckCode("pcn_code", pcn_code));
  if (!pcn.registered) {
    return absl::NotFoundError(absl::StrCat("PCN ", pcn_code, " is not registered"));
  }
  return absl::OkStatus();
}

absl::StatusOr<const StaffModel*> FindStaff(const PcnModel& pcn, absl::string_view staff_id) {
  RETURN_IF_ERROR(CheckId("staff_id", staff_id));
  auto it = pcn.staff.find(std::string(staff_id));
  if (it == pcn.staff.end()) {
    return absl::NotFoundError(
        absl::StrCat("staff member ", staff_id, " is not on PCN ", pcn.pcn_code, "'s records"));
  }
  return &it->second;
}

absl::StatusOr<const ClaimModel*> FindClaim(const PcnModel& pcn, absl::string_view claim_id) {
  RETURN_IF_ERROR(CheckId("claim_id", claim_id));
  auto it = pcn.claims.find(std::string(claim_id));
  if (it == pcn.claims.end()) {
    return absl::NotFoundError(
        absl::StrCat("claim ", claim_id, " was not submitted by PCN ", pcn.pcn_code));
  }
  return &it->second;
}

// A fact about a registered PCN that holds from a date the request gives (`date_field`
// names it in errors): checks the header, the PCN and the date, in that order, then the
// payload, and makes the one event dated that day.
template <typename Request>
absl::StatusOr<Events> RecordDatedFact(const PcnModel& pcn, const Request& r,
                                       absl::string_view date_field, const v1::Date& date,
                                       v1::Payload payload) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  ASSIGN_OR_RETURN(day, CheckDate(date_field, date));
  RETURN_IF_ERROR(ValidatePayload(payload, ""));
  return OneEvent(MakeEvent(day, r.header(), std::move(payload)));
}

}  // namespace


absl::StatusOr<Events> DecideRegisterPcn(const PcnModel& pcn, const v1::RegisterPcnRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  v1::Payload payload;
  v1::PcnRegistered* reg = payload.mutable_pcn_registered();
  reg->set_pcn_code(r.pcn_code());
  reg->set_name(r.name());
  reg->set_icb_code(r.icb_code());
  *reg->mutable_member_practices() = r.member_practices();
  RETURN_IF_ERROR(ValidatePayload(payload, ""));
  ASSIGN_OR_RETURN(day, CheckDate("effective_date", r.effective_date()));
  if (pcn.registered) {
    return absl::AlreadyExistsError(absl::StrCat("PCN ", r.pcn_code(), " is already registered"));
  }
  return OneEvent(MakeEvent(day, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideRecordListSize(const PcnModel& pcn,
                                            const v1::RecordListSizeRequest& r) {
  v1::Payload payload;
  payload.mutable_list_size_recorded()->set_registered_list_size(r.registered_list_size());
  payload.mutable_list_size_recorded()->set_weighted_population_milli(
      r.weighted_population_milli());
  return RecordDatedFact(pcn, r, "reference_date", r.reference_date(), std::move(payload));
}

absl::StatusOr<Events> DecideRecordLondonZone(const PcnModel& pcn,
                                              const v1::RecordLondonZoneRequest& r) {
  v1::Payload payload;
  payload.mutable_london_zone_recorded()->set_zone(r.zone());
  payload.mutable_london_zone_recorded()->set_source(r.source());
  return RecordDatedFact(pcn, r, "effective_from", r.effective_from(), std::move(payload));
}

absl::StatusOr<Events> DecideRecordBaseline(const PcnModel& pcn,
                                            const v1::RecordBaselineRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  v1::Payload payload;
  *payload.mutable_baseline_recorded()->mutable_roles() = r.roles();
  RETURN_IF_ERROR(ValidatePayload(payload, ""));
  return OneEvent(MakeEvent(absl::CivilDay(2019, 3, 31), r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideSetEntitlement(const PcnModel& pcn, const rules::RuleBook& book,
                                            const v1::SetEntitlementRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  v1::Payload payload;
  v1::EntitlementSet* set = payload.mutable_entitlement_set();
  set->set_financial_year(r.financial_year());
  switch (r.source_case()) {
    case v1::SetEntitlementRequest::kSumPence:
      set->set_sum_pence(r.sum_pence());
      break;
    case v1::SetEntitlementRequest::kDeriveFromWeightedPopulation: {
      if (!r.derive_from_weighted_population()) {
        return absl::InvalidArgumentError(
            "derive_from_weighted_population must be true when given");
      }
      RETURN_IF_ERROR(ValidatePayload(payload, ""));
      const v1::FinancialYearRules* year = book.ForYear(r.financial_year());
      if (year == nullptr) {
        return absl::FailedPreconditionError(absl::StrCat(
            "no rule version is published for ", FormatFinancialYear(r.financial_year())));
      }
      absl::CivilDay population_date = FinancialYearStart(r.financial_year());
      if (!IsUnset(year->entitlement().population_date())) {
        ASSIGN_OR_RETURN(d, ToCivilDay(year->entitlement().population_date(),
                                       "entitlement.population_date"));
        population_date = d;
      }
      if (pcn.list_sizes.empty() || pcn.list_sizes.begin()->first > population_date) {
        return absl::FailedPreconditionError(absl::StrCat(
            "PCN ", pcn.pcn_code, " has no weighted population recorded on or before ",
            FormatCivilDay(population_date), ", the population date of ",
            FormatFinancialYear(r.financial_year()), "; record the list size first"));
      }
      const int64_t weighted = pcn.ListSizeOn(population_date).weighted_population_milli;
      ASSIGN_OR_RETURN(derived, rules::DeriveSum(book, r.financial_year(), weighted));
      set->set_sum_pence(derived.sum_pence);
      set->set_derived(true);
      set->set_weighted_population_milli(weighted);
      set->set_rate_per_patient_millipence(derived.rate_per_patient_millipence);
      set->set_rule_version(derived.rule_version);
      break;
    }
    case v1::SetEntitlementRequest::SOURCE_NOT_SET:
      return absl::InvalidArgumentError(
          "one of sum_pence or derive_from_weighted_population must be given");
  }
  RETURN_IF_ERROR(ValidatePayload(payload, ""));
  return OneEvent(
      MakeEvent(FinancialYearStart(r.financial_year()), r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideHireStaff(const PcnModel& pcn, const rules::RuleBook& book,
                                       const v1::HireStaffRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  v1::Payload payload;
  v1::StaffHired* h = payload.mutable_staff_hired();
  h->set_staff_id(r.staff_id());
  h->set_role(r.role());
  h->set_band(r.band());
  h->set_employment_model(r.employment_model());
  h->set_employer_name(r.employer_name());
  h->set_wte_bp(r.wte_bp());
  h->set_annual_salary_pence(r.annual_salary_pence());
  h->set_annual_on_costs_pence(r.annual_on_costs_pence());
  h->set_display_name(r.display_name());
  h->set_mhp_funding(r.mhp_funding());
  RETURN_IF_ERROR(ValidatePayload(payload, ""));
  ASSIGN_OR_RETURN(day, CheckDate("hire_date", r.hire_date()));
  RETURN_IF_ERROR(CheckMhpHire(book, *h, day));
  if (pcn.staff.count(r.staff_id())) {
    return absl::AlreadyExistsError(absl::StrCat("staff member ", r.staff_id(),
                                                 " is already on PCN ", r.pcn_code(),
                                                 "'s records"));
  }
  return OneEvent(MakeEvent(day, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideChangeStaff(const PcnModel& pcn, const v1::StaffChangeRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  ASSIGN_OR_RETURN(staff, FindStaff(pcn, r.staff_id()));
  ASSIGN_OR_RETURN(day, CheckDate("effective_date", r.effective_date()));
  v1::Payload payload;
  switch (r.change_case()) {
    case v1::StaffChangeRequest::kStarted:
      *payload.mutable_staff_started() = r.started();
      payload.mutable_staff_started()->set_staff_id(r.staff_id());
      if (day < staff->hired) {
        return absl::FailedPreconditionError(absl::StrCat(
            "staff member ", r.staff_id(), " cannot start on ", FormatCivilDay(day),
            ", before the hire date ", FormatCivilDay(staff->hired)));
      }
      break;
    case v1::StaffChangeRequest::kFteChanged:
      *payload.mutable_fte_changed() = r.fte_changed();
      payload.mutable_fte_changed()->set_staff_id(r.staff_id());
      break;
    case v1::StaffChangeRequest::kPayChanged:
      *payload.mutable_pay_changed() = r.pay_changed();
      payload.mutable_pay_changed()->set_staff_id(r.staff_id());
      break;
    case v1::StaffChangeRequest::kLeave: {
      *payload.mutable_leave_recorded() = r.leave();
      payload.mutable_leave_recorded()->set_staff_id(r.staff_id());
      RETURN_IF_ERROR(ValidatePayload(payload, "leave."));
      ASSIGN_OR_RETURN(end, ToCivilDay(r.leave().end_date(), "leave.end_date"));
      if (end < day) {
        return absl::InvalidArgumentError(absl::StrCat(
            "leave.end_date ", FormatCivilDay(end), " is before effective_date ",
            FormatCivilDay(day)));
      }
      break;
    }
    case v1::StaffChangeRequest::kLeft:
      *payload.mutable_staff_left() = r.left();
      payload.mutable_staff_left()->set_staff_id(r.staff_id());
      if (staff->left) {
        return absl::FailedPreconditionError(
            absl::StrCat("staff member ", r.staff_id(), " already left on ",
                         FormatCivilDay(*staff->left)));
      }
      if (day < staff->hired) {
        return absl::FailedPreconditionError(absl::StrCat(
            "staff member ", r.staff_id(), " cannot leave on ", FormatCivilDay(day),
            ", before the hire date ", FormatCivilDay(staff->hired)));
      }
      break;
    case v1::StaffChangeRequest::CHANGE_NOT_SET:
      return absl::InvalidArgumentError(
          "change must be one of started, fte_changed, pay_changed, leave, left");
  }
  RETURN_IF_ERROR(ValidatePayload(payload, ""));
  return OneEvent(MakeEvent(day, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideSubmitClaim(const PcnModel& pcn, const v1::SubmitClaimRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  ASSIGN_OR_RETURN(day, CheckDate("month", r.month()));
  const absl::CivilDay month = FirstDayOfMonth(day);
  v1::Payload payload;
  v1::ClaimSubmitted* c = payload.mutable_claim_submitted();
  c->set_claim_id(r.claim_id());
  *c->mutable_month() = ToProtoDate(month);
  *c->mutable_lines() = r.lines();
  RETURN_IF_ERROR(ValidatePayload(payload, ""));
  if (pcn.claims.count(r.claim_id())) {
    return absl::AlreadyExistsError(absl::StrCat("claim ", r.claim_id(),
                                                 " was already submitted by PCN ", r.pcn_code()));
  }
  for (const v1::ClaimLine& line : r.lines()) {
    if (!pcn.staff.count(line.staff_id())) {
      return absl::NotFoundError(absl::StrCat("line ", line.line_no(), ": staff member ",
                                              line.staff_id(), " is not on PCN ", r.pcn_code(),
                                              "'s records"));
    }
    for (const auto& [id, other] : pcn.claims) {
      if (other.month != month) continue;
      for (const v1::ClaimLine& claimed : other.lines()) {
        if (claimed.staff_id() == line.staff_id()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "line ", line.line_no(), ": staff member ", line.staff_id(), " was already claimed for ",
              FormatCivilDay(month).substr(0, 7), " in claim ", id));
        }
      }
    }
  }
  return OneEvent(MakeEvent(month, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideAssessClaim(const PcnModel& pcn, const rules::RuleBook& book,
                                         const v1::AssessClaimRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  ASSIGN_OR_RETURN(claim, FindClaim(pcn, r.claim_id()));
  // A claim may be assessed again at any time, paid or not: the new assessment
  // supersedes the one in force (and says which); what it does to money already paid
  // shows as arrears or an overpayment (domain/restate.h).
  v1::Payload payload;
  *payload.mutable_claim_assessed() = AssessClaim(pcn, book, *claim, UINT64_MAX);
  payload.mutable_claim_assessed()->set_supersedes_position(claim->assessed_position);
  return OneEvent(MakeEvent(claim->month, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideReduceClaimLine(const PcnModel& pcn,
                                             const v1::ReduceClaimLineRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), true));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  ASSIGN_OR_RETURN(claim, FindClaim(pcn, r.claim_id()));
  RETURN_IF_ERROR(CheckPence("approved_pence", r.approved_pence(), false));
  if (!claim->assessment) {
    return absl::FailedPreconditionError(
        absl::StrCat("claim ", r.claim_id(), " has not been assessed yet"));
  }
  // A paid line may be reduced too: the reduction is the reviewer's decision, and what
  // was paid beyond it shows as an overpayment to recover (domain/restate.h).
  bool found = false;
  for (const v1::AssessedLine& line : claim->assessment->lines()) found |= line.line_no() == r.line_no();
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("claim ", r.claim_id(), " has no line ", r.line_no()));
  }
  const int64_t current = claim->ApprovedLinePence(r.line_no());
  if (r.approved_pence() >= current) {
    return absl::FailedPreconditionError(absl::StrCat(
        "approved_pence ", r.approved_pence(), " is not a reduction: line ", r.line_no(),
        " of claim ", r.claim_id(), " is approved at ", current, " pence"));
  }
  v1::Payload payload;
  payload.mutable_claim_line_reduced()->set_claim_id(r.claim_id());
  payload.mutable_claim_line_reduced()->set_line_no(r.line_no());
  payload.mutable_claim_line_reduced()->set_approved_pence(r.approved_pence());
  return OneEvent(MakeEvent(claim->month, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecidePayClaim(const PcnModel& pcn, const v1::PayClaimRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  ASSIGN_OR_RETURN(claim, FindClaim(pcn, r.claim_id()));
  ASSIGN_OR_RETURN(day, CheckDate("paid_on", r.paid_on()));
  RETURN_IF_ERROR(CheckPence("amount_pence", r.amount_pence(), false));
  RETURN_IF_ERROR(CheckText("payment_reference", r.payment_reference(), false));
  if (!claim->assessment) {
    return absl::FailedPreconditionError(
        absl::StrCat("claim ", r.claim_id(), " has not been assessed yet"));
  }
  const int64_t due = claim->ApprovedPence() - claim->paid_pence;
  if (due <= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("claim ", r.claim_id(), " has nothing left to pay (approved ",
                     FormatPounds(claim->ApprovedPence()), ", paid ",
                     FormatPounds(claim->paid_pence), ")"));
  }
  if (r.amount_pence() != due) {
    return absl::FailedPreconditionError(absl::StrCat(
        "amount_pence ", r.amount_pence(), " does not match the approved amount due on claim ",
        r.claim_id(), ": ", due, " pence (", FormatPounds(due), ")"));
  }
  if (day < claim->month) {
    return absl::FailedPreconditionError(absl::StrCat(
        "paid_on ", FormatCivilDay(day), " is before the claimed month ",
        FormatCivilDay(claim->month)));
  }
  v1::Payload payload;
  payload.mutable_claim_paid()->set_claim_id(r.claim_id());
  payload.mutable_claim_paid()->set_amount_pence(r.amount_pence());
  payload.mutable_claim_paid()->set_payment_reference(r.payment_reference());
  return OneEvent(MakeEvent(day, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecidePublishRules(const rules::RuleBook& book,
                                          const v1::PublishRulesRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), false));
  RETURN_IF_ERROR(rules::ValidateRules(r.rules()));
  // Published versions are history: a version name is published once per year (to undo a
  // later version, reverse its publication; to change figures, publish a new version).
  const v1::FinancialYearRules* current = book.ForYear(r.rules().financial_year());
  if (current != nullptr && current->version() == r.rules().version()) {
    return absl::AlreadyExistsError(absl::StrCat("rule version \"", r.rules().version(),
                                                 "\" is already in force for ",
                                                 FormatFinancialYear(r.rules().financial_year())));
  }
  if (book.Published(r.rules().financial_year(), r.rules().version())) {
    return absl::AlreadyExistsError(absl::StrCat(
        "rule version \"", r.rules().version(), "\" was already published for ",
        FormatFinancialYear(r.rules().financial_year()), " and a later version (\"",
        current == nullptr ? "" : current->version(),
        "\") is in force; publish a new version name instead"));
  }
  v1::Payload payload;
  *payload.mutable_rule_version_published()->mutable_rules() = r.rules();
  return OneEvent(MakeEvent(FinancialYearStart(r.rules().financial_year()), r.header(),
                            std::move(payload)));
}

absl::StatusOr<Events> DecideCorrect(const PcnModel& pcn, const v1::Event& target,
                                     uint64_t superseded_by, const v1::CorrectRequest& r) {
  RETURN_IF_ERROR(CheckHeader(r.header(), true));
  RETURN_IF_ERROR(RequireRegistered(pcn, r.pcn_code()));
  if (target.stream() != PcnStream(r.pcn_code())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "position ", target.position(), " belongs to stream ", target.stream(), ", not ",
        PcnStream(r.pcn_code())));
  }
  if (superseded_by != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the event at position ", target.position(), " was already corrected by position ",
        superseded_by, "; correct that event instead"));
  }
  if (target.payload().kind_case() == v1::Payload::kPcnRegistered && r.has_reverse()) {
    return absl::FailedPreconditionError(
        "a PCN's registration cannot be reversed, only replaced");
  }
  absl::CivilDay day(target.effective_date().year(), target.effective_date().month(),
                     target.effective_date().day());
  if (!IsUnset(r.effective_date())) {
    ASSIGN_OR_RETURN(d, CheckDate("effective_date", r.effective_date()));
    day = d;
  }
  v1::Payload payload;
  switch (r.action_case()) {
    case v1::CorrectRequest::kReverse:
      if (!r.reverse()) return absl::InvalidArgumentError("reverse must be true when given");
      payload.mutable_event_reversed();
      break;
    case v1::CorrectRequest::kReplacement:
      if (r.replacement().kind_case() != target.payload().kind_case()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "replacement must be the same kind of event as position ", target.position(),
            " (field ", target.payload().GetDescriptor()
                            ->FindFieldByNumber(target.payload().kind_case())->name(),
            ")"));
      }
      RETURN_IF_ERROR(ValidatePayload(r.replacement(), "replacement."));
      if (StaffIdOf(r.replacement()) != StaffIdOf(target.payload()) ||
          ClaimIdOf(r.replacement()) != ClaimIdOf(target.payload())) {
        return absl::InvalidArgumentError(
            "a replacement must keep the staff_id and claim_id of the event it replaces");
      }
      payload = r.replacement();
      break;
    case v1::CorrectRequest::ACTION_NOT_SET:
      return absl::InvalidArgumentError("one of reverse or replacement must be given");
  }
  v1::Event event = MakeEvent(day, r.header(), std::move(payload));
  event.set_corrects(target.position());
  return OneEvent(std::move(event));
}

}  // namespace arrs::domain
