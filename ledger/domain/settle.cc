#include "ledger/domain/settle.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/field_checks.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::domain {
namespace {

// The claim's restatement, after the checks every settlement shares.
absl::StatusOr<const ClaimRestatement*> SettledClaim(const PcnModel& pcn,
                                                     const PcnRestatement& restated,
                                                     const v1::CommandHeader& header,
                                                     const std::string& pcn_code,
                                                     const std::string& claim_id,
                                                     int64_t amount_pence) {
  if (absl::Status s = CheckText("header.reason", header.reason(), true); !s.ok()) return s;
  if (absl::Status s = CheckCode("pcn_code", pcn_code); !s.ok()) return s;
  if (absl::Status s = CheckId("claim_id", claim_id); !s.ok()) return s;
  if (absl::Status s = CheckPence("amount_pence", amount_pence, true); !s.ok()) return s;
  if (!pcn.registered) {
    return absl::NotFoundError(absl::StrCat("PCN ", pcn_code, " is not registered"));
  }
  if (!pcn.claims.count(claim_id)) {
    return absl::NotFoundError(
        absl::StrCat("claim ", claim_id, " was not submitted by PCN ", pcn_code));
  }
  auto found = restated.claims.find(claim_id);
  if (found == restated.claims.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("claim ", claim_id, " has not been assessed yet"));
  }
  if (!found->second.settled) {
    return absl::FailedPreconditionError(absl::StrCat(
        "claim ", claim_id, " is not paid yet: pay its approved amount (",
        FormatPounds(found->second.approved_pence), ") with claim pay, or assess it again"));
  }
  return &found->second;
}

// The day a settlement is dated: a valid date, not before the claim's first payment
// (or its month when nothing was paid).
absl::StatusOr<absl::CivilDay> SettlementDay(const char* field, const v1::Date& date,
                                             const ClaimRestatement& claim) {
  absl::StatusOr<absl::CivilDay> day = CheckDate(field, date);
  if (!day.ok()) return day.status();
  const absl::CivilDay earliest = claim.money.first_paid_on.value_or(claim.month);
  if (*day < earliest) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, " ", FormatCivilDay(*day), " is before ",
        claim.money.first_paid_on ? "the claim's first payment on " : "the claimed month ",
        FormatCivilDay(earliest)));
  }
  return day;
}

v1::Event SettlementEvent(absl::CivilDay day, const v1::CommandHeader& header,
                          v1::Payload payload) {
  v1::Event event;
  *event.mutable_effective_date() = ToProtoDate(day);
  event.set_reason(header.reason());
  *event.mutable_payload() = std::move(payload);
  return event;
}

}  // namespace

absl::StatusOr<Events> DecidePayArrears(const PcnModel& pcn, const PcnRestatement& restated,
                                        const v1::PayArrearsRequest& r) {
  absl::StatusOr<const ClaimRestatement*> claim =
      SettledClaim(pcn, restated, r.header(), r.pcn_code(), r.claim_id(), r.amount_pence());
  if (!claim.ok()) return claim.status();
  if (absl::Status s = CheckText("payment_reference", r.payment_reference(), false); !s.ok()) {
    return s;
  }
  absl::StatusOr<absl::CivilDay> day = SettlementDay("paid_on", r.paid_on(), **claim);
  if (!day.ok()) return day.status();
  const int64_t due = (*claim)->arrears_due_pence;
  if (r.amount_pence() > due) {
    return absl::FailedPreconditionError(absl::StrCat(
        "amount_pence ", r.amount_pence(), " is more than the arrears due on claim ",
        r.claim_id(), ": ", due, " pence (", FormatPounds(due), ")",
        (*claim)->overpayment_to_recover_pence > 0
            ? absl::StrCat("; the claim is overpaid by ",
                           FormatPounds((*claim)->overpayment_to_recover_pence))
            : ""));
  }
  v1::Payload payload;
  v1::ArrearsPaid* paid = payload.mutable_arrears_paid();
  paid->set_claim_id(r.claim_id());
  paid->set_amount_pence(r.amount_pence());
  paid->set_payment_reference(r.payment_reference());
  Events events;
  events.push_back(SettlementEvent(*day, r.header(), std::move(payload)));
  return events;
}

absl::StatusOr<Events> DecideRecoverOverpayment(const PcnModel& pcn,
                                                const PcnRestatement& restated,
                                                const v1::RecoverOverpaymentRequest& r) {
  absl::StatusOr<const ClaimRestatement*> claim =
      SettledClaim(pcn, restated, r.header(), r.pcn_code(), r.claim_id(), r.amount_pence());
  if (!claim.ok()) return claim.status();
  if (absl::Status s = CheckText("payment_reference", r.payment_reference(), false); !s.ok()) {
    return s;
  }
  switch (r.method()) {
    case v1::REPAID:
      if (!r.offset_claim_id().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "offset_claim_id must be empty when method is REPAID, got \"",
            r.offset_claim_id(), "\""));
      }
      break;
    case v1::OFFSET:
      if (absl::Status s = CheckId("offset_claim_id", r.offset_claim_id()); !s.ok()) return s;
      if (r.offset_claim_id() == r.claim_id()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "offset_claim_id ", r.offset_claim_id(),
            " is the overpaid claim itself; name the later claim whose payment was reduced"));
      }
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("method must be REPAID or OFFSET, got ", r.method()));
  }
  absl::StatusOr<absl::CivilDay> day = SettlementDay("recovered_on", r.recovered_on(), **claim);
  if (!day.ok()) return day.status();
  const int64_t owed = (*claim)->overpayment_to_recover_pence;
  if (r.amount_pence() > owed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "amount_pence ", r.amount_pence(), " is more than the overpayment to recover on claim ",
        r.claim_id(), ": ", owed, " pence (", FormatPounds(owed), ")",
        (*claim)->arrears_due_pence > 0
            ? absl::StrCat("; the claim is owed arrears of ",
                           FormatPounds((*claim)->arrears_due_pence))
            : ""));
  }
  if (r.method() == v1::OFFSET) {
    if (!pcn.claims.count(r.offset_claim_id())) {
      return absl::NotFoundError(absl::StrCat("offset_claim_id ", r.offset_claim_id(),
                                              " was not submitted by PCN ", r.pcn_code()));
    }
    auto money = restated.claims.find(r.offset_claim_id());
    const int64_t paid = money == restated.claims.end() ? 0 : money->second.money.paid_pence;
    const int64_t offset =
        money == restated.claims.end() ? 0 : money->second.money.offset_against_pence;
    if (paid <= 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "claim ", r.offset_claim_id(), " has not been paid: an overpayment can be offset "
          "only against a payment made"));
    }
    if (offset + r.amount_pence() > paid) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the payment of claim ", r.offset_claim_id(), " (", FormatPounds(paid),
          ") cannot carry an offset of ", FormatPounds(r.amount_pence()),
          offset > 0 ? absl::StrCat(" on top of ", FormatPounds(offset), " already offset")
                     : ""));
    }
  }
  v1::Payload payload;
  v1::OverpaymentRecovered* rec = payload.mutable_overpayment_recovered();
  rec->set_claim_id(r.claim_id());
  rec->set_amount_pence(r.amount_pence());
  rec->set_method(r.method());
  rec->set_offset_claim_id(r.offset_claim_id());
  rec->set_payment_reference(r.payment_reference());
  Events events;
  events.push_back(SettlementEvent(*day, r.header(), std::move(payload)));
  return events;
}

}  // namespace arrs::domain
