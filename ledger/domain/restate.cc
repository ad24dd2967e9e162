#include "ledger/domain/restate.h"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "ledger/domain/assess.h"
#include "ledger/domain/field_checks.h"
#include "ledger/domain/ranked_wte.h"
#include "ledger/domain/restate_causes.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::domain {
namespace {

absl::CivilDay DayOf(const v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

// Shares `amount` over lines in order, each taking up to room(line), the rest to the
// last line.
template <typename Room>
std::map<int32_t, int64_t> Share(int64_t amount, const std::vector<int32_t>& line_nos, Room room) {
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
      const bool offset_onto_wanted =
          p.has_overpayment_recovered() && only->count(p.overpayment_recovered().offset_claim_id());
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
        if (counts)
          money[p.arrears_paid().claim_id()].arrears_paid_pence += p.arrears_paid().amount_pence();
        break;
      case v1::Payload::kOverpaymentRecovered: {
        if (!counts) break;
        const v1::OverpaymentRecovered& r = p.overpayment_recovered();
        money[r.claim_id()].recovered_pence += r.amount_pence();
        if (r.method() == v1::OFFSET)
          money[r.offset_claim_id()].offset_against_pence += r.amount_pence();
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
                              e->payload().has_list_size_recorded(), ClaimIdOf(e->payload())});
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

// True for outcomes the calculator reaches only after pricing the line in full, at its
// last step, the yearly sum (calculator.h): the line's reimbursable amount is then known
// whatever the sum.
bool ReachedSumCheck(v1::LineOutcome outcome) {
  return outcome == v1::APPROVED || outcome == v1::PARTIALLY_WITHIN_CAP || SumLimited(outcome);
}

// A financial year's sum as known at known_at, and what is left of it as the year's
// claims are restated in turn.
struct YearSum {
  uint64_t position = 0;  // the event that set it in force; 0: no sum set
  int64_t sum_pence = 0;
  int64_t left_pence = -1;  // -1: no sum set (the calculator's NO_SUM_SET)
};

std::map<int, YearSum> YearSums(const PcnModel& pcn,
                                const std::vector<const v1::Event*>& in_force) {
  std::map<int, YearSum> out;
  for (const auto& [year, set] : pcn.entitlements) {
    out[year] = YearSum{0, set.sum_pence(), set.sum_pence()};
  }
  for (const v1::Event* e : in_force) {
    if (!e->payload().has_entitlement_set()) continue;
    auto it = out.find(e->payload().entitlement_set().financial_year());
    if (it != out.end()) it->second.position = e->position();
  }
  return out;
}

// What restating one line needs besides the line itself.
struct LineContext {
  const PcnModel& pcn;
  const rules::RuleBook& book;
  const ClaimModel& claim;
  uint64_t known_at;
  // Nothing that prices the claim changed since its assessment (RestatePcn).
  bool quiet;
  bool explain;
  // The members in post on some day of the claim's month, the only ones who can rank
  // ahead of a line's member (BuildLineInput), with their running sums; made when a
  // line is first priced.
  std::optional<RankedWte> in_month = std::nullopt;

  RankedWte& InMonth() {
    if (!in_month) {
      std::vector<const StaffModel*> members;
      const absl::CivilDay first = FirstDayOfMonth(claim.month);
      const absl::CivilDay last = LastDayOfMonth(claim.month);
      for (const auto& [id, member] : pcn.staff) {
        if (member.InPostDuring(first, last)) members.push_back(&member);
      }
      in_month.emplace(std::move(members));
    }
    return *in_month;
  }
};

// Restates one decided line against what is left of the year's sum (`sum`, updated):
// fills the line's restated figures and explanation, and its role.
void RestateLine(LineContext& ctx, const v1::AssessedLine& decided, YearSum& sum,
                 v1::LineRestatement& line, v1::Role& role) {
  line.set_line_no(decided.line_no());
  line.set_staff_id(decided.staff_id());
  line.set_decided_outcome(decided.outcome());
  line.set_decided_reimbursable_pence(decided.reimbursable_pence());
  line.set_approved_pence(ctx.claim.ApprovedLinePence(decided.line_no()));

  auto staff = ctx.pcn.staff.find(decided.staff_id());
  if (staff != ctx.pcn.staff.end()) role = staff->second.role;
  rules::LinePrice price;
  // As decided when nothing that prices the line changed and the sum still leaves room
  // for its reimbursable amount (or the calculator refused it before the sum).
  const bool as_decided = ctx.quiet && (!ReachedSumCheck(decided.outcome()) ||
                                        (!SumLimited(decided.outcome()) && sum.left_pence > 0 &&
                                         sum.left_pence >= decided.reimbursable_pence()));
  if (as_decided) {
    price.outcome = decided.outcome();
    price.maximum_pence = decided.maximum_pence();
    price.reimbursable_pence = decided.reimbursable_pence();
    price.approved_pence = decided.approved_pence();
  } else if (staff == ctx.pcn.staff.end()) {
    price.outcome = v1::UNKNOWN_STAFF;
    price.explanation =
        absl::StrCat("staff member ", decided.staff_id(), " is not on the PCN's records");
  } else {
    int64_t claimed = decided.claimed_pence();
    for (const v1::ClaimLine& submitted : ctx.claim.lines()) {
      if (submitted.line_no() == decided.line_no()) claimed = submitted.actual_cost_pence();
    }
    rules::LineInput in =
        BuildLineInput(ctx.pcn, ctx.book, staff->second, ctx.claim.month, claimed, ctx.known_at,
                       ctx.InMonth());
    in.context.sum_remaining_pence = sum.left_pence;
    in.explain = false;
    price = rules::PriceLine(ctx.book, in, ctx.known_at);
    const bool same = price.outcome == decided.outcome() &&
                      price.reimbursable_pence == decided.reimbursable_pence() &&
                      price.maximum_pence == decided.maximum_pence();
    if (ctx.explain && !same) {
      in.explain = true;
      price.explanation = rules::PriceLine(ctx.book, in, ctx.known_at).explanation;
    }
  }
  int64_t restated = price.approved_pence;
  if (auto reduced = ctx.claim.reduced_pence.find(decided.line_no());
      reduced != ctx.claim.reduced_pence.end()) {
    restated = std::min(restated, reduced->second);
  }
  if (sum.left_pence >= 0) sum.left_pence = std::max<int64_t>(0, sum.left_pence - restated);
  line.set_restated_outcome(price.outcome);
  line.set_restated_maximum_pence(price.maximum_pence);
  line.set_restated_reimbursable_pence(price.reimbursable_pence);
  line.set_restated_pence(restated);
  line.set_explanation(std::move(price.explanation));
}

// The year's assessed claims in the order their assessments in force were recorded: the
// order in which they take their share of the year's sum, as AssessClaim shares it (each
// assessment after every other claim's approved amount).
std::vector<const ClaimModel*> InSumOrder(const PcnModel& pcn, const std::set<int>& years) {
  std::vector<const ClaimModel*> out;
  for (const auto& [id, claim] : pcn.claims) {
    if (claim.assessment != nullptr && years.count(FinancialYearOf(claim.month))) {
      out.push_back(&claim);
    }
  }
  std::sort(out.begin(), out.end(), [](const ClaimModel* a, const ClaimModel* b) {
    return a->assessed_position < b->assessed_position;
  });
  return out;
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
  std::set<int> years;             // their years: each year's claims share its sum
  for (const auto& [id, claim] : pcn.claims) {
    if (!InScope(claim, options, as_of)) continue;
    in_scope.insert(id);
    years.insert(FinancialYearOf(claim.month));
  }
  std::map<std::string, ClaimMoney> money = CollectClaimMoney(view.in_force, as_of, &in_scope);
  std::map<int, YearSum> sums = YearSums(pcn, view.in_force);
  std::unordered_map<uint64_t, const v1::Event*> by_position;
  bool positions_indexed = false;

  // Every assessed claim of those years is restated, in the order it takes its share of
  // the sum; only those in scope are kept.
  for (const ClaimModel* claim_ptr : InSumOrder(pcn, years)) {
    const ClaimModel& claim = *claim_ptr;
    const std::string& id = claim.claim_id;
    const bool wanted = in_scope.count(id) > 0;
    ClaimRestatement c;
    c.claim_id = id;
    c.month = claim.month;
    c.assessed_position = claim.assessed_position;
    if (auto m = money.find(id); m != money.end()) c.money = m->second;
    const int year = FinancialYearOf(claim.month);
    YearSum& sum = sums[year];
    const absl::CivilDay month_end = LastDayOfMonth(claim.month);
    const bool list_size_by_month =
        !pcn.list_sizes.empty() && pcn.list_sizes.begin()->first <= month_end;
    LineContext ctx{
        pcn,
        book,
        claim,
        known_at,
        /*quiet=*/!options.always_price &&
            !PricingFactSince(pricing_facts, id, claim.assessed_position, month_end,
                              list_size_by_month) &&
            book.InForce(year, known_at).published_at ==
                book.InForce(year, claim.assessment->rules_position()).published_at,
        /*explain=*/wanted && options.explain};

    std::vector<int32_t> line_nos;
    for (const v1::AssessedLine& decided : claim.assessment->lines()) {
      v1::LineRestatement& line = c.lines.emplace_back();
      line_nos.push_back(decided.line_no());
      const int64_t left_before = sum.left_pence;
      v1::Role role = v1::ROLE_UNSPECIFIED;
      RestateLine(ctx, decided, sum, line, role);
      auto paid = c.money.paid_by_line.find(decided.line_no());
      line.set_paid_pence(paid == c.money.paid_by_line.end() ? 0 : paid->second);
      c.approved_pence += line.approved_pence();
      c.restated_pence += line.restated_pence();
      if (!wanted) continue;
      if (line.restated_pence() == line.approved_pence() &&
          line.restated_outcome() == decided.outcome()) {
        continue;
      }
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
      if (SumLimited(decided.outcome()) || SumLimited(line.restated_outcome())) {
        AddSumCause(year, sum.position, sum.sum_pence, left_before, &line);
      }
    }
    if (!wanted) continue;

    // Settlements over the lines: arrears to lines owed money, recoveries to lines
    // overpaid.
    auto gross = [&](int32_t no) {
      for (const v1::LineRestatement& l : c.lines) {
        if (l.line_no() == no) return l.restated_pence() - l.paid_pence();
      }
      return int64_t{0};
    };
    const std::map<int32_t, int64_t> arrears = Share(c.money.arrears_paid_pence, line_nos, gross);
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
