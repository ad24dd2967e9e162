#include "ledger/rules/calculator.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/rules/pricer.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules {
namespace internal {

std::string RoleName(v1::Role role) { return v1::Role_Name(role); }

std::string Range(absl::CivilDay a, absl::CivilDay b) {
  return a == b ? FormatCivilDay(a) : absl::StrCat(FormatCivilDay(a), "..", FormatCivilDay(b));
}

LinePrice Pricer::Run() {
  first_ = FirstDayOfMonth(in_.month);
  dim_ = DaysInMonth(first_);
  ARRS_SAY("Claim line: ", RoleName(in_.role), ", month ", FormatCivilDay(first_).substr(0, 7),
           " (", dim_, " days), claimed ", FormatPounds(in_.claimed_pence), ".");
  if (std::optional<std::string> bad = ReadSegments()) {
    return Finish(v1::LINE_OUTCOME_UNSPECIFIED, *bad);
  }
  if (!AnyInPost()) {
    return Finish(v1::NOT_IN_POST,
                  Explaining()
                      ? absl::StrCat("NOT IN POST: no day of ", Range(first_, Day(dim_ - 1)),
                                     " has paid WTE above 0 in the in-post "
                                     "segments given.")
                      : std::string());
  }
  if (std::optional<std::string> why = FindRole()) {
    return Finish(v1::ROLE_NOT_ELIGIBLE, *why);
  }
  // Definitive refusals (cap, baseline) come before "maximum unknown", which a later
  // rule version can cure.
  if (std::optional<std::string> why = CheckCaps()) return Finish(v1::CAP_EXCEEDED, *why);
  if (std::optional<std::string> why = CheckAdditional()) {
    return Finish(v1::NOT_ADDITIONAL, *why);
  }
  if (std::optional<std::string> why = CheckPerHire()) {
    return Finish(v1::MAXIMUM_UNKNOWN, *why);
  }
  if (std::optional<std::string> why = FindAmounts()) {
    return Finish(v1::MAXIMUM_UNKNOWN, *why);
  }
  SumDays();
  Reimburse();
  return CheckSum();
}

LinePrice Pricer::Finish(v1::LineOutcome outcome, const std::string& reason) {
  out_.outcome = outcome;
  if (outcome != v1::APPROVED && outcome != v1::PARTIALLY_APPROVED &&
      outcome != v1::PARTIALLY_WITHIN_CAP) {
    out_.approved_pence = 0;
  }
  Say(reason);
  ARRS_SAY("Outcome: ", v1::LineOutcome_Name(outcome), ", approved ",
           FormatPounds(out_.approved_pence), ".");
  out_.explanation = absl::StrJoin(lines_, "\n");
  return std::move(out_);
}

// Day index of `day` within the claimed month: -1 before it, dim_ after it.
int Pricer::IndexOf(absl::CivilDay day) const {
  if (day < first_) return -1;
  if (day.year() != first_.year() || day.month() != first_.month()) return dim_;
  return day.day() - 1;
}

}  // namespace internal

LinePrice PriceLine(const RuleBook& book, const LineInput& in, uint64_t known_at) {
  return internal::Pricer(book, in, known_at).Run();
}

void FillAssessedLine(const LinePrice& price, int64_t claimed_pence, v1::AssessedLine* out) {
  out->set_claimed_pence(claimed_pence);
  out->set_maximum_pence(price.maximum_pence);
  out->set_reimbursable_pence(price.reimbursable_pence);
  out->set_approved_pence(price.approved_pence);
  out->set_outcome(price.outcome);
  out->set_explanation(price.explanation);
  out->clear_rule_versions();
  for (const std::string& v : price.rule_versions) out->add_rule_versions(v);
}

}  // namespace arrs::rules
