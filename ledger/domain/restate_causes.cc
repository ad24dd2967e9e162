#include "ledger/domain/restate_causes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/domain/field_checks.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::domain {
namespace {

absl::CivilDay DayOf(const v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

std::string FormatWte(int32_t bp) {
  std::string out = absl::StrCat(bp / 10000);
  int32_t frac = bp % 10000;
  if (frac == 0) return out;
  std::string digits = absl::StrCat(10000 + frac).substr(1);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return absl::StrCat(out, ".", digits);
}

// What one event is, in a few words, for a restatement's causes.
std::string Describe(const v1::Event& e, const v1::Event* target) {
  const v1::Payload& p = e.payload();
  const std::string from = FormatCivilDay(DayOf(e.effective_date()));
  switch (p.kind_case()) {
    case v1::Payload::kFteChanged:
      return absl::StrCat("FTE of ", p.fte_changed().staff_id(), " from ", from, ": ",
                          FormatWte(p.fte_changed().wte_bp()), " WTE");
    case v1::Payload::kPayChanged:
      return absl::StrCat("pay of ", p.pay_changed().staff_id(), " from ", from);
    case v1::Payload::kLeaveRecorded:
      return absl::StrCat("leave of ", p.leave_recorded().staff_id(), " from ", from, " to ",
                          FormatCivilDay(DayOf(p.leave_recorded().end_date())), " at ",
                          p.leave_recorded().paid_share_bp() / 100, "% pay");
    case v1::Payload::kStaffLeft:
      return absl::StrCat(p.staff_left().staff_id(), " left on ", from);
    case v1::Payload::kStaffStarted:
      return absl::StrCat(p.staff_started().staff_id(), " started on ", from);
    case v1::Payload::kStaffHired:
      return absl::StrCat(p.staff_hired().staff_id(), " hired on ", from, " at ",
                          FormatWte(p.staff_hired().wte_bp()), " WTE");
    case v1::Payload::kListSizeRecorded:
      return absl::StrCat("list size from ", from, ": ",
                          p.list_size_recorded().registered_list_size(), " patients");
    case v1::Payload::kBaselineRecorded:
      return "the 31 March 2019 baseline";
    case v1::Payload::kEventReversed:
      return target ? absl::StrCat("reversal of position ", target->position(), " (",
                                   Describe(*target, nullptr), ")")
                    : absl::StrCat("reversal of position ", e.corrects());
    default:
      return std::string(p.GetDescriptor()->FindFieldByNumber(p.kind_case())
                             ? p.GetDescriptor()->FindFieldByNumber(p.kind_case())->name()
                             : "event");
  }
}

// The payload an event acts on: its own, or for a reversal its target's.
const v1::Payload& ActsOn(const v1::Event& e, const v1::Event* target) {
  return e.payload().has_event_reversed() && target ? target->payload() : e.payload();
}

}  // namespace

// The events known after `after` (up to known_at) that bear on a line for `staff` (of
// `role`) in the month ending `month_end`: the member's own facts from on or before the
// month's end, list sizes and the baseline, and hires of others in the same role.
void AddFactCauses(const std::vector<const v1::Event*>& events,
                   const std::unordered_map<uint64_t, const v1::Event*>& by_position,
                   uint64_t after, uint64_t known_at, const std::string& staff_id, v1::Role role,
                   absl::CivilDay month_end, v1::LineRestatement* line) {
  // Events are in position order: start at the first recorded after `after`.
  auto first = std::upper_bound(
      events.begin(), events.end(), after,
      [](uint64_t position, const v1::Event* e) { return position < e->position(); });
  for (auto it = first; it != events.end(); ++it) {
    const v1::Event* e = *it;
    if (e->position() > known_at) break;
    const v1::Event* target = nullptr;
    if (e->corrects() != 0) {
      auto it = by_position.find(e->corrects());
      if (it != by_position.end()) target = it->second;
    }
    const v1::Payload& p = ActsOn(*e, target);
    bool bears = false;
    const absl::CivilDay effective = DayOf(e->effective_date());
    switch (p.kind_case()) {
      case v1::Payload::kStaffHired:
        bears = p.staff_hired().staff_id() == staff_id ||
                (p.staff_hired().role() == role && effective <= month_end);
        break;
      case v1::Payload::kStaffStarted:
      case v1::Payload::kFteChanged:
      case v1::Payload::kLeaveRecorded:
      case v1::Payload::kStaffLeft:
        bears = StaffIdOf(p) == staff_id && effective <= month_end;
        break;
      case v1::Payload::kListSizeRecorded:
      case v1::Payload::kBaselineRecorded:
        bears = true;
        break;
      default:
        break;
    }
    if (!bears) continue;
    v1::RestatementCause* cause = line->add_causes();
    cause->set_position(e->position());
    cause->set_what(
        e->corrects() != 0 && !e->payload().has_event_reversed()
            ? absl::StrCat("correction of position ", e->corrects(), ": ", Describe(*e, target))
            : Describe(*e, target));
  }
}

// A rule version for the claim's year published after the one the assessment priced
// with.
void AddRuleCause(const rules::RuleBook& book, int financial_year, uint64_t rules_position,
                  uint64_t known_at, v1::LineRestatement* line) {
  const rules::RulesInForce now = book.InForce(financial_year, known_at);
  const rules::RulesInForce then = book.InForce(financial_year, rules_position);
  if (now.published_at == then.published_at) return;
  v1::RestatementCause* cause = line->add_causes();
  cause->set_position(now.published_at);
  if (!now) {
    cause->set_what(absl::StrCat("rule version ", then.rules->version(), " for ",
                                 FormatFinancialYear(financial_year), " withdrawn"));
  } else {
    cause->set_what(absl::StrCat(
        "rule version ", now.rules->version(), " for ", FormatFinancialYear(financial_year),
        then ? absl::StrCat(" (assessed under ", then.rules->version(), ")") : ""));
  }
}

void AddSumCause(int financial_year, uint64_t sum_position, int64_t sum_pence, int64_t left_pence,
                 v1::LineRestatement* line) {
  v1::RestatementCause* cause = line->add_causes();
  cause->set_position(sum_position);
  if (sum_position == 0) {
    cause->set_what(absl::StrCat("no yearly sum is set for ", FormatFinancialYear(financial_year)));
    return;
  }
  cause->set_what(absl::StrCat("the ", FormatFinancialYear(financial_year), " yearly sum of ",
                               FormatPounds(sum_pence),
                               ", shared again over the year's claims in the order of their "
                               "assessments: ",
                               FormatPounds(left_pence), " left for this line"));
}

}  // namespace arrs::domain
