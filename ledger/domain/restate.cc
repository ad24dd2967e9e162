#include "ledger/domain/restate.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "ledger/domain/assess.h"
#include "ledger/domain/field_checks.h"
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

// The events known after `after` (up to known_at) that bear on a line for `staff` (of
// `role`) in the month ending `month_end`: the member's own facts from on or before the
// month's end, list sizes and the baseline, and hires of others in the same role.
void AddFactCauses(const std::vector<const v1::Event*>& events,
                   const std::unordered_map<uint64_t, const v1::Event*>& by_position,
                   uint64_t after, uint64_t known_at, const std::string& staff_id,
                   v1::Role role, absl::CivilDay month_end, v1::LineRestatement* line) {
  for (const v1::Event* e : events) {
    if (e->position() > known_at) break;
    if (e->position() <= after) continue;
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
    cause->set_what(e->corrects() != 0 && !e->payload().has_event_reversed()
                        ? absl::StrCat("correction of position ", e->corrects(), ": ",
                                       Describe(*e, target))
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
    cause->set_what(absl::StrCat("rule version ", now.rules->version(), " for ",
                                 FormatFinancialYear(financial_year),
                                 then ? absl::StrCat(" (assessed under ", then.rules->version(),
                                                     ")")
                                      : ""));
  }
}

// Shares `amount` over lines in order, each taking up to room(line), the rest to the
// last line.
template <typename Room>
std::map<int32_t, int64_t> Share(int64_t amount, const std::vector<int32_t>& line_nos,
                                 Room room) {
  std::map<int32_t, int64_t> out;
  for (int32_t no : line_nos) {
    if (amount <= 0) break;
    const int64_t take = std::min(amount, std::max<int64_t>(0, room(no)));
    if (take > 0) out[no] += take;
    amount -= take;
  }
  if (amount != 0 && !line_nos.empty()) out[line_nos.back()] += amount;
  return out;
}

}  // namespace

bool SumLimited(v1::LineOutcome outcome) {
  // NO_SUM_SET: nothing could be approved without a sum; the sum is not re-judged.
  return outcome == v1::PARTIALLY_APPROVED || outcome == v1::SUM_EXHAUSTED ||
         outcome == v1::NO_SUM_SET;
}

std::map<std::string, ClaimMoney> CollectClaimMoney(const std::vector<const v1::Event*>& in_force,
                                                    absl::CivilDay as_of,
                                                    const std::set<std::string>* only) {
  struct Decided {
    std::map<int32_t, int64_t> assessed;  // line_no -> approved
    std::vector<int32_t> line_nos;
    std::map<int32_t, int64_t> reduced;
    int64_t Approved(int32_t no) const {
      auto a = assessed.find(no);
      if (a == assessed.end()) return 0;
      auto r = reduced.find(no);
      return r == reduced.end() ? a->second : std::min(a->second, r->second);
    }
  };
  std::map<std::string, Decided> decided;
  std::map<std::string, ClaimMoney> money;
  for (const v1::Event* e : in_force) {
    const v1::Payload& p = e->payload();
    if (only != nullptr) {
      const std::string* id = ClaimIdIn(p);
      if (id == nullptr) continue;  // not a claim's event
      const bool offset_onto_wanted = p.has_overpayment_recovered() &&
                                      only->count(p.overpayment_recovered().offset_claim_id());
      if (!only->count(*id) && !offset_onto_wanted) continue;
    }
    const bool counts = CompareDate(e->effective_date(), as_of) <= 0;
    switch (p.kind_case()) {
      case v1::Payload::kClaimSubmitted:
        // A (re)submission starts the claim afresh, as PcnModel::Apply does.
        decided.erase(p.claim_submitted().claim_id());
        money.erase(p.claim_submitted().claim_id());
        break;
      case v1::Payload::kClaimAssessed: {
        Decided& d = decided[p.claim_assessed().claim_id()];
        d = Decided{};
        for (const v1::AssessedLine& line : p.claim_assessed().lines()) {
          d.assessed[line.line_no()] = line.approved_pence();
          d.line_nos.push_back(line.line_no());
        }
        break;
      }
      case v1::Payload::kClaimLineReduced:
        decided[p.claim_line_reduced().claim_id()].reduced[p.claim_line_reduced().line_no()] =
            p.claim_line_reduced().approved_pence();
        break;
      case v1::Payload::kClaimPaid: {
        if (!counts) break;
        ClaimMoney& m = money[p.claim_paid().claim_id()];
        const Decided& d = decided[p.claim_paid().claim_id()];
        m.paid_pence += p.claim_paid().amount_pence();
        const absl::CivilDay day = DayOf(e->effective_date());
        if (!m.first_paid_on || day < *m.first_paid_on) m.first_paid_on = day;
        for (const auto& [no, amount] :
             Share(p.claim_paid().amount_pence(), d.line_nos, [&](int32_t no) {
               auto paid = m.paid_by_line.find(no);
               return d.Approved(no) - (paid == m.paid_by_line.end() ? 0 : paid->second);
             })) {
          m.paid_by_line[no] += amount;
        }
        break;
      }
      case v1::Payload::kArrearsPaid:
        if (counts) money[p.arrears_paid().claim_id()].arrears_paid_pence +=
            p.arrears_paid().amount_pence();
        break;
      case v1::Payload::kOverpaymentRecovered: {
        if (!counts) break;
        const v1::OverpaymentRecovered& r = p.overpayment_recovered();
        money[r.claim_id()].recovered_pence += r.amount_pence();
        if (r.method() == v1::OFFSET) money[r.offset_claim_id()].offset_against_pence +=
            r.amount_pence();
        break;
      }
      default:
        break;
    }
  }
  return money;
}

namespace {

bool IsClaimOrMoney(const v1::Payload& payload) { return ClaimIdIn(payload) != nullptr; }

// True for events that record a claim's decisions or money, which no price depends on.
// A correction whose replacement is one of those counts as a fact of its claim only (see
// PricingFact::claim_id).
bool PricesNothing(const v1::Event& e) {
  if (e.corrects() != 0) return false;
  return IsClaimOrMoney(e.payload());
}

// An event up to known_at that could change a price (PricesNothing is false).
struct PricingFact {
  uint64_t position;
  v1::Date effective;
  // A correction or a start date may change earlier dates: it counts whatever its own.
  bool correction;
  bool list_size;
  // For a correction replacing a claim or money event: that claim, the only one it can
  // change ("" for every other fact).
  std::string claim_id;
};
std::vector<PricingFact> PricingFacts(const std::vector<const v1::Event*>& stream_events,
                                      uint64_t known_at) {
  std::vector<PricingFact> out;
  for (const v1::Event* e : stream_events) {
    if (e->position() > known_at) break;
    if (PricesNothing(*e)) continue;
    // A start date moves the member's first day in post, possibly after months already
    // claimed from the hire date: it counts whatever its date, as a correction does.
    const bool any_date = e->corrects() != 0 || e->payload().has_staff_started();
    out.push_back(PricingFact{e->position(), e->effective_date(), any_date,
                              e->payload().has_list_size_recorded(),
                              ClaimIdOf(e->payload())});
  }
  return out;
}

// True when a fact recorded after `assessed_position` can bear on a claim for the month
// ending `month_end`. Facts hold from their effective date on (staff facts, leave, London
// zones, list sizes), so a later one cannot, except a correction, and a list size when the
// PCN had none by the month (the model then falls back to its first one).
bool PricingFactSince(const std::vector<PricingFact>& facts, const std::string& claim_id,
                      uint64_t assessed_position, absl::CivilDay month_end,
                      bool list_size_by_month) {
  for (auto it = facts.rbegin(); it != facts.rend() && it->position > assessed_position; ++it) {
    if (!it->claim_id.empty() && it->claim_id != claim_id) continue;
    if (it->correction || CompareDate(it->effective, month_end) <= 0) return true;
    if (it->list_size && !list_size_by_month) return true;
  }
  return false;
}

// The assessed claims `options` asks for.
bool InScope(const ClaimModel& claim, const RestateOptions& options, absl::CivilDay as_of) {
  if (!claim.assessment) return false;
  if (!options.claim_id.empty() && claim.claim_id != options.claim_id) return false;
  if (options.financial_year != 0 && FinancialYearOf(claim.month) != options.financial_year) {
    return false;
  }
  return !options.only_months_to_as_of || claim.month <= as_of;
}

bool DecidedBySum(v1::LineOutcome outcome) {
  return SumLimited(outcome);
}

}  // namespace

PcnRestatement RestatePcn(const PcnModel& pcn, const std::vector<const v1::Event*>& stream_events,
                          const rules::RuleBook& book, uint64_t known_at, absl::CivilDay as_of,
                          const RestateOptions& options) {
  PcnRestatement out;
  const std::vector<PricingFact> pricing_facts = PricingFacts(stream_events, known_at);
  out.known_at = known_at;
  const CorrectionView view = ResolveCorrections(stream_events, known_at);
  std::set<std::string> in_scope;  // the claims restated below
  for (const auto& [id, claim] : pcn.claims) {
    if (InScope(claim, options, as_of)) in_scope.insert(id);
  }
  std::map<std::string, ClaimMoney> money = CollectClaimMoney(view.in_force, as_of, &in_scope);
  std::unordered_map<uint64_t, const v1::Event*> by_position;
  bool positions_indexed = false;

  for (const auto& [id, claim] : pcn.claims) {
    if (!in_scope.count(id)) continue;
    ClaimRestatement c;
    c.claim_id = id;
    c.month = claim.month;
    c.assessed_position = claim.assessed_position;
    if (auto m = money.find(id); m != money.end()) c.money = m->second;
    const int year = FinancialYearOf(claim.month);
    const absl::CivilDay month_end = LastDayOfMonth(claim.month);
    const bool list_size_by_month =
        !pcn.list_sizes.empty() && pcn.list_sizes.begin()->first <= month_end;
    const bool quiet =
        !options.always_price &&
        !PricingFactSince(pricing_facts, id, claim.assessed_position, month_end,
                          list_size_by_month) &&
        book.InForce(year, known_at).published_at ==
            book.InForce(year, claim.assessment->rules_position()).published_at;

    std::vector<int32_t> line_nos;
    for (const v1::AssessedLine& decided : claim.assessment->lines()) {
      v1::LineRestatement& line = c.lines.emplace_back();
      line_nos.push_back(decided.line_no());
      line.set_line_no(decided.line_no());
      line.set_staff_id(decided.staff_id());
      line.set_decided_outcome(decided.outcome());
      line.set_decided_reimbursable_pence(decided.reimbursable_pence());
      line.set_approved_pence(claim.ApprovedLinePence(decided.line_no()));
      auto paid = c.money.paid_by_line.find(decided.line_no());
      line.set_paid_pence(paid == c.money.paid_by_line.end() ? 0 : paid->second);

      int64_t claimed = decided.claimed_pence();
      for (const v1::ClaimLine& submitted : claim.lines()) {
        if (submitted.line_no() == decided.line_no()) claimed = submitted.actual_cost_pence();
      }
      auto staff = pcn.staff.find(decided.staff_id());
      rules::LinePrice price;
      v1::Role role = v1::ROLE_UNSPECIFIED;
      if (quiet && !DecidedBySum(decided.outcome())) {
        // Nothing that prices the line changed since it was assessed: as decided.
        price.outcome = decided.outcome();
        price.maximum_pence = decided.maximum_pence();
        price.reimbursable_pence = decided.reimbursable_pence();
        price.approved_pence = decided.approved_pence();
        if (staff != pcn.staff.end()) role = staff->second.role;
      } else if (staff == pcn.staff.end()) {
        price.outcome = v1::UNKNOWN_STAFF;
        price.explanation = absl::StrCat("staff member ", decided.staff_id(),
                                         " is not on the PCN's records");
      } else {
        role = staff->second.role;
        rules::LineInput in =
            BuildLineInput(pcn, book, staff->second, claim.month, claimed, known_at);
        in.context.sum_remaining_pence = kMaxPence;  // the yearly sum is not re-judged
        in.explain = false;
        price = rules::PriceLine(book, in, known_at);
        const bool same = price.outcome == decided.outcome() &&
                          price.reimbursable_pence == decided.reimbursable_pence() &&
                          price.maximum_pence == decided.maximum_pence();
        if (options.explain && !same) {
          in.explain = true;
          price.explanation = rules::PriceLine(book, in, known_at).explanation;
        }
      }
      int64_t restated = price.approved_pence;
      if (claim.reduced_pence.count(decided.line_no())) {
        restated = std::min(restated, claim.reduced_pence.at(decided.line_no()));
      }
      if (SumLimited(decided.outcome())) restated = std::min(restated, line.approved_pence());
      line.set_restated_outcome(price.outcome);
      line.set_restated_maximum_pence(price.maximum_pence);
      line.set_restated_reimbursable_pence(price.reimbursable_pence);
      line.set_restated_pence(restated);
      line.set_explanation(price.explanation);
      if (restated != line.approved_pence() || price.outcome != decided.outcome()) {
        if (!positions_indexed) {
          for (const v1::Event* e : stream_events) {
            if (e->position() > known_at) break;
            by_position[e->position()] = e;
          }
          positions_indexed = true;
        }
        AddFactCauses(stream_events, by_position, claim.assessed_position, known_at,
                      decided.staff_id(), role, month_end, &line);
        AddRuleCause(book, year, claim.assessment->rules_position(), known_at, &line);
      }
      c.approved_pence += line.approved_pence();
      c.restated_pence += restated;
    }

    // Settlements over the lines: arrears to lines owed money, recoveries to lines
    // overpaid.
    auto gross = [&](int32_t no) {
      for (const v1::LineRestatement& l : c.lines) {
        if (l.line_no() == no) return l.restated_pence() - l.paid_pence();
      }
      return int64_t{0};
    };
    const std::map<int32_t, int64_t> arrears =
        Share(c.money.arrears_paid_pence, line_nos, gross);
    const std::map<int32_t, int64_t> recovered =
        Share(c.money.recovered_pence, line_nos, [&](int32_t no) {
          auto a = arrears.find(no);
          return -(gross(no) - (a == arrears.end() ? 0 : a->second));
        });
    for (v1::LineRestatement& l : c.lines) {
      auto a = arrears.find(l.line_no());
      auto r = recovered.find(l.line_no());
      l.set_arrears_paid_pence(a == arrears.end() ? 0 : a->second);
      l.set_recovered_pence(r == recovered.end() ? 0 : r->second);
      l.set_difference_pence(l.restated_pence() - l.paid_pence() - l.arrears_paid_pence() +
                             l.recovered_pence());
      c.difference_pence += l.difference_pence();
    }
    // Payments beyond the assessment's lines (none in practice) still count.
    int64_t paid_to_lines = 0;
    for (const auto& [no, amount] : c.money.paid_by_line) paid_to_lines += amount;
    c.difference_pence -= c.money.paid_pence - paid_to_lines;

    c.settled = c.money.paid_pence > 0 || c.approved_pence == 0;
    if (c.settled) {
      c.arrears_due_pence = std::max<int64_t>(0, c.difference_pence);
      c.overpayment_to_recover_pence = std::max<int64_t>(0, -c.difference_pence);
    }
    out.restated_pence += c.restated_pence;
    out.paid_pence += c.money.paid_pence;
    out.arrears_paid_pence += c.money.arrears_paid_pence;
    out.recovered_pence += c.money.recovered_pence;
    out.arrears_due_pence += c.arrears_due_pence;
    out.overpayment_to_recover_pence += c.overpayment_to_recover_pence;
    out.claims.emplace(id, std::move(c));
  }
  return out;
}

PcnRestatement RestatePcn(const std::vector<const v1::Event*>& stream_events,
                          const rules::RuleBook& book, uint64_t known_at, absl::CivilDay as_of,
                          const RestateOptions& options) {
  const PcnModel pcn = FoldPcn(stream_events, known_at);
  return RestatePcn(pcn, stream_events, book, known_at, as_of, options);
}

}  // namespace arrs::domain
