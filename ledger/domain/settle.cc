#include "ledger/domain/settle.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/decided_event.h"
#include "ledger/domain/field_checks.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::domain {
namespace {

// The restatement of the claim a settlement request `r` (PayArrearsRequest or
// RecoverOverpaymentRequest) settles, after the checks every settlement shares: its header,
// PCN, claim, amount and payment reference.
template <typename SettlementRequest>
absl::StatusOr<const ClaimRestatement*> SettledClaim(const PcnModel& pcn,
                                                     const PcnRestatement& restated,
                                                     const SettlementRequest& r) {
  const std::string& pcn_code = r.pcn_code();
  const std::string& claim_id = r.claim_id();
  if (absl::Status s = CheckText("header.reason", r.header().reason(), true); !s.ok()) return s;
  if (absl::Status s = CheckCode("pcn_code", pcn_code); !s.ok()) return s;
  if (absl::Status s = CheckId("claim_id", claim_id); !s.ok()) return s;
  if (absl::Status s = CheckPence("amount_pence", r.amount_pence(), true); !s.ok()) return s;
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
  if (absl::Status s = CheckText("payment_reference", r.payment_reference(), false); !s.ok()) {
    return s;
  }
  return &found->second;
}

// FailedPrecondition when `amount` is more than `limit`, the claim's `due` (e.g. "the
// arrears due"). The message also names what is owed the other way, "the claim is
// <other_is> <other>", when `other` is above zero.
absl::Status CheckAmountWithin(int64_t amount, int64_t limit, const char* due,
                               const std::string& claim_id, int64_t other, const char* other_is) {
  if (amount <= limit) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "amount_pence ", amount, " is more than ", due, " on claim ", claim_id, ": ", limit,
      " pence (", FormatPounds(limit), ")",
      other > 0 ? absl::StrCat("; the claim is ", other_is, " ", FormatPounds(other)) : ""));
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

}  // namespace

absl::StatusOr<Events> DecidePayArrears(const PcnModel& pcn, const PcnRestatement& restated,
                                        const v1::PayArrearsRequest& r) {
  absl::StatusOr<const ClaimRestatement*> claim = SettledClaim(pcn, restated, r);
  if (!claim.ok()) return claim.status();
  absl::StatusOr<absl::CivilDay> day = SettlementDay("paid_on", r.paid_on(), **claim);
  if (!day.ok()) return day.status();
  if (absl::Status s =
          CheckAmountWithin(r.amount_pence(), (*claim)->arrears_due_pence, "the arrears due",
                            r.claim_id(), (*claim)->overpayment_to_recover_pence, "overpaid by");
      !s.ok()) {
    return s;
  }
  v1::Payload payload;
  v1::ArrearsPaid* paid = payload.mutable_arrears_paid();
  paid->set_claim_id(r.claim_id());
  paid->set_amount_pence(r.amount_pence());
  paid->set_payment_reference(r.payment_reference());
  return OneEvent(MakeEvent(*day, r.header(), std::move(payload)));
}

absl::StatusOr<Events> DecideRecoverOverpayment(const PcnModel& pcn,
                                                const PcnRestatement& restated,
                                                const v1::RecoverOverpaymentRequest& r) {
  absl::StatusOr<const ClaimRestatement*> claim = SettledClaim(pcn, restated, r);
  if (!claim.ok()) return claim.status();
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
  if (absl::Status s = CheckAmountWithin(r.amount_pence(), (*claim)->overpayment_to_recover_pence,
                                         "the overpayment to recover", r.claim_id(),
                                         (*claim)->arrears_due_pence, "owed arrears of");
      !s.ok()) {
    return s;
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
  return OneEvent(MakeEvent(*day, r.header(), std::move(payload)));
}

}  // namespace arrs::domain
