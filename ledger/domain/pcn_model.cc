#include "ledger/domain/pcn_model.h"

#include <algorithm>

#include "ledger/domain/staff_identity.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::domain {
namespace {

absl::CivilDay EffectiveDay(const v1::Event& event) {
  const v1::Date& d = event.effective_date();
  return absl::CivilDay(d.year(), d.month(), d.day());
}

absl::CivilDay Day(const v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

}  // namespace

bool StaffModel::InPost(absl::CivilDay day) const {
  if (day < FirstDayInPost()) return false;
  return !left || day <= *left;
}

bool StaffModel::InPostDuring(absl::CivilDay first, absl::CivilDay last) const {
  return FirstDayInPost() <= last && !(left && *left < first);
}

int32_t StaffModel::ContractedWteOn(absl::CivilDay day) const {
  if (!InPost(day)) return 0;
  const int32_t* wte = ValueOn(wte_bp, day);
  if (wte == nullptr && !wte_bp.empty()) wte = &wte_bp.begin()->second;
  return wte ? *wte : 0;
}

int32_t StaffModel::PaidWteOn(absl::CivilDay day) const {
  int32_t wte = ContractedWteOn(day);
  for (const Leave& leave : leaves) {
    if (day >= leave.from && day <= leave.to) {
      wte = static_cast<int32_t>(int64_t{wte} * leave.paid_share_bp / kHundredPercentBp);
    }
  }
  return wte;
}

std::vector<rules::PostSegment> StaffModel::Segments(absl::CivilDay first,
                                                     absl::CivilDay last) const {
  // Paid WTE can only change where the member starts or leaves, at a WTE change, or where
  // a leave begins or ends: cut [first, last] there and price each piece by its first day.
  std::vector<absl::CivilDay> cuts = {first};
  auto cut = [&](absl::CivilDay day) {
    if (day > first && day <= last) cuts.push_back(day);
  };
  cut(FirstDayInPost());
  if (left) cut(*left + 1);
  for (const auto& [day, wte] : wte_bp) cut(day);
  for (const Leave& leave : leaves) {
    cut(leave.from);
    cut(leave.to + 1);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<rules::PostSegment> out;
  for (size_t i = 0; i < cuts.size(); ++i) {
    const absl::CivilDay from = cuts[i];
    const absl::CivilDay to = i + 1 < cuts.size() ? cuts[i + 1] - 1 : last;
    const int32_t wte = PaidWteOn(from);
    if (wte <= 0 && !InPost(from)) continue;
    if (!out.empty() && out.back().to == from - 1 && out.back().wte_bp == wte) {
      out.back().to = to;
    } else {
      out.push_back(rules::PostSegment{from, to, wte});
    }
  }
  return out;
}

int64_t StaffModel::MonthlyCostPenceOn(absl::CivilDay day) const {
  const Pay* p = ValueOn(pay, day);
  if (p == nullptr && !pay.empty()) p = &pay.begin()->second;
  return p ? p->annual_total_pence() / 12 : 0;
}

const google::protobuf::RepeatedPtrField<v1::ClaimLine>& ClaimModel::lines() const {
  static const auto* const kNone = new google::protobuf::RepeatedPtrField<v1::ClaimLine>();
  return submitted ? submitted->lines() : *kNone;
}

int64_t ClaimModel::ApprovedLinePence(int32_t line_no) const {
  if (!assessment) return 0;
  for (const v1::AssessedLine& line : assessment->lines()) {
    if (line.line_no() != line_no) continue;
    // A reduction lowers the assessed amount; it never raises a later re-assessment.
    auto reduced = reduced_pence.find(line_no);
    return reduced == reduced_pence.end() ? line.approved_pence()
                                          : std::min(reduced->second, line.approved_pence());
  }
  return 0;
}

void ClaimModel::RecomputeClaimed() {
  claimed_total_pence = 0;
  for (const v1::ClaimLine& line : lines()) claimed_total_pence += line.actual_cost_pence();
}

void ClaimModel::RecomputeApproved() {
  approved_total_pence = 0;
  if (!assessment) return;
  for (const v1::AssessedLine& line : assessment->lines()) {
    approved_total_pence += ApprovedLinePence(line.line_no());
  }
}

const char* ClaimModel::Status(absl::CivilDay as_of) const {
  const bool paid = paid_on && *paid_on <= as_of;
  if (paid && paid_pence > ApprovedPence()) return "overpaid";
  if (paid) return "paid";
  if (assessed()) return "assessed";
  return "submitted";
}

// One case per event kind, in the payload's field order. Long on purpose: adding an event
// kind changes one visible place here (docs/ARCHITECTURE.md, "Adding a new event kind").
void PcnModel::Apply(const v1::Event& event) {
  stream_version = event.stream_version();
  position = event.position();
  const v1::Payload& p = event.payload();
  const absl::CivilDay day = EffectiveDay(event);
  switch (p.kind_case()) {
    case v1::Payload::kPcnRegistered: {
      registered = true;
      pcn_code = p.pcn_registered().pcn_code();
      name = p.pcn_registered().name();
      icb_code = p.pcn_registered().icb_code();
      member_practices.assign(p.pcn_registered().member_practices().begin(),
                              p.pcn_registered().member_practices().end());
      established = day;
      break;
    }
    case v1::Payload::kListSizeRecorded:
      list_sizes[day] = ListSize{p.list_size_recorded().registered_list_size(),
                                 p.list_size_recorded().weighted_population_milli()};
      break;
    case v1::Payload::kLondonZoneRecorded:
      london_zones[day] = p.london_zone_recorded().zone();
      break;
    case v1::Payload::kBaselineRecorded:
      baseline.clear();
      for (const v1::RoleBaseline& role : p.baseline_recorded().roles()) {
        baseline[role.role()] = role;
      }
      break;
    case v1::Payload::kEntitlementSet:
      entitlements[p.entitlement_set().financial_year()] = p.entitlement_set();
      break;
    case v1::Payload::kStaffHired: {
      const v1::StaffHired& h = p.staff_hired();
      StaffModel& s = staff[h.staff_id()];
      s = StaffModel{};
      CopyStaffIdentity(h, &s);
      s.hired = day;
      s.wte_bp[day] = h.wte_bp();
      s.pay[day] = Pay{h.annual_salary_pence(), h.annual_on_costs_pence()};
      s.hired_position = event.position();
      break;
    }
    case v1::Payload::kStaffStarted:
      if (auto it = staff.find(p.staff_started().staff_id()); it != staff.end()) {
        it->second.started = day;
      }
      break;
    case v1::Payload::kFteChanged:
      if (auto it = staff.find(p.fte_changed().staff_id()); it != staff.end()) {
        it->second.wte_bp[day] = p.fte_changed().wte_bp();
      }
      break;
    case v1::Payload::kPayChanged:
      if (auto it = staff.find(p.pay_changed().staff_id()); it != staff.end()) {
        it->second.pay[day] = Pay{p.pay_changed().annual_salary_pence(),
                                  p.pay_changed().annual_on_costs_pence()};
      }
      break;
    case v1::Payload::kLeaveRecorded:
      if (auto it = staff.find(p.leave_recorded().staff_id()); it != staff.end()) {
        it->second.leaves.push_back(Leave{day, Day(p.leave_recorded().end_date()),
                                          p.leave_recorded().paid_share_bp(),
                                          p.leave_recorded().kind()});
      }
      break;
    case v1::Payload::kStaffLeft:
      if (auto it = staff.find(p.staff_left().staff_id()); it != staff.end()) {
        it->second.left = day;
      }
      break;
    case v1::Payload::kClaimSubmitted: {
      const v1::ClaimSubmitted& c = p.claim_submitted();
      ClaimModel& claim = claims[c.claim_id()];
      claim = ClaimModel{};
      claim.claim_id = c.claim_id();
      claim.month = Day(c.month());
      claim.submitted = &c;
      claim.submitted_position = event.position();
      claim.RecomputeClaimed();
      break;
    }
    case v1::Payload::kClaimAssessed:
      if (auto it = claims.find(p.claim_assessed().claim_id()); it != claims.end()) {
        it->second.assessment = &p.claim_assessed();
        it->second.assessed_position = event.position();
        it->second.reduced_pence.clear();
        it->second.reductions.clear();
        it->second.RecomputeApproved();
      }
      break;
    case v1::Payload::kClaimLineReduced:
      if (auto it = claims.find(p.claim_line_reduced().claim_id()); it != claims.end()) {
        it->second.reduced_pence[p.claim_line_reduced().line_no()] =
            p.claim_line_reduced().approved_pence();
        it->second.reductions.push_back(p.claim_line_reduced());
        it->second.RecomputeApproved();
      }
      break;
    case v1::Payload::kClaimPaid:
      if (auto it = claims.find(p.claim_paid().claim_id()); it != claims.end()) {
        it->second.paid_pence += p.claim_paid().amount_pence();
        it->second.paid_on = day;
      }
      break;
    case v1::Payload::kRuleVersionPublished:
    case v1::Payload::kEventReversed:
    // Settlements: read from the events by domain/restate.h, not kept in the model.
    case v1::Payload::kArrearsPaid:
    case v1::Payload::kOverpaymentRecovered:
    case v1::Payload::KIND_NOT_SET:
      break;
  }
}

ListSize PcnModel::ListSizeOn(absl::CivilDay day) const {
  if (const ListSize* size = ValueOn(list_sizes, day)) return *size;
  if (!list_sizes.empty()) return list_sizes.begin()->second;
  return ListSize{};
}

std::vector<rules::ZoneSpan> PcnModel::ZonesIn(absl::CivilDay first,
                                               absl::CivilDay last) const {
  std::vector<rules::ZoneSpan> out;
  for (auto it = london_zones.begin(); it != london_zones.end(); ++it) {
    const absl::CivilDay from = std::max(first, it->first);
    auto next = std::next(it);
    const absl::CivilDay to = next == london_zones.end() ? last : std::min(last, next->first - 1);
    if (from > to || it->second == v1::LONDON_ZONE_NONE) continue;
    out.push_back(rules::ZoneSpan{from, to, it->second});
  }
  return out;
}

int32_t PcnModel::BaselineWte(v1::Role role) const {
  auto it = baseline.find(role);
  return it == baseline.end() ? 0 : it->second.wte_bp();
}

int64_t PcnModel::ApprovedInYear(int financial_year, const std::string& except_claim) const {
  int64_t total = 0;
  for (const auto& [id, claim] : claims) {
    if (id == except_claim || FinancialYearOf(claim.month) != financial_year) continue;
    total += claim.ApprovedPence();
  }
  return total;
}

CorrectionView ResolveCorrections(const std::vector<const v1::Event*>& events,
                                  uint64_t known_at) {
  struct Slot {
    const v1::Event* content = nullptr;
    uint64_t last_touch = 0;
  };
  std::map<uint64_t, Slot> slots;                           // by original position
  std::unordered_map<uint64_t, uint64_t> slot_of;           // event -> its slot
  std::unordered_map<uint64_t, const v1::Event*> displaced;  // correction -> prior content
  std::unordered_map<uint64_t, const v1::Event*> by_position;
  CorrectionView view;
  for (const v1::Event* e : events) {
    if (e->position() > known_at) break;
    view.stream_version = e->stream_version();
    view.position = e->position();
    by_position[e->position()] = e;
    if (e->corrects() == 0) {
      slots[e->position()] = Slot{e, e->position()};
      slot_of[e->position()] = e->position();
      continue;
    }
    auto target_slot = slot_of.find(e->corrects());
    if (target_slot == slot_of.end()) continue;  // not of this stream: ignored
    Slot& slot = slots[target_slot->second];
    displaced[e->position()] = slot.content;
    if (e->payload().has_event_reversed()) {
      const v1::Event* target = by_position[e->corrects()];
      auto undone = displaced.find(target->position());
      slot.content = target->corrects() == 0 ? nullptr
                     : undone != displaced.end() ? undone->second
                                                 : nullptr;
    } else {
      slot.content = e;
    }
    slot.last_touch = e->position();
    slot_of[e->position()] = target_slot->second;
  }
  for (const auto& [origin, slot] : slots) {
    if (slot.content != nullptr) view.in_force.push_back(slot.content);
    view.correctable.insert(slot.last_touch);
  }
  for (const auto& [position, origin] : slot_of) {
    const uint64_t last = slots[origin].last_touch;
    if (last != position) view.superseded_by[position] = last;
  }
  return view;
}

PcnModel FoldPcn(const std::vector<const v1::Event*>& events, uint64_t known_at) {
  const CorrectionView view = ResolveCorrections(events, known_at);
  PcnModel model;
  for (const v1::Event* e : view.in_force) model.Apply(*e);
  model.stream_version = view.stream_version;
  model.position = view.position;
  return model;
}

std::string StaffIdOf(const v1::Payload& p) {
  switch (p.kind_case()) {
    case v1::Payload::kStaffHired: return p.staff_hired().staff_id();
    case v1::Payload::kStaffStarted: return p.staff_started().staff_id();
    case v1::Payload::kFteChanged: return p.fte_changed().staff_id();
    case v1::Payload::kPayChanged: return p.pay_changed().staff_id();
    case v1::Payload::kLeaveRecorded: return p.leave_recorded().staff_id();
    case v1::Payload::kStaffLeft: return p.staff_left().staff_id();
    default: return "";
  }
}

const std::string* ClaimIdIn(const v1::Payload& p) {
  switch (p.kind_case()) {
    case v1::Payload::kClaimSubmitted: return &p.claim_submitted().claim_id();
    case v1::Payload::kClaimAssessed: return &p.claim_assessed().claim_id();
    case v1::Payload::kClaimLineReduced: return &p.claim_line_reduced().claim_id();
    case v1::Payload::kClaimPaid: return &p.claim_paid().claim_id();
    case v1::Payload::kArrearsPaid: return &p.arrears_paid().claim_id();
    case v1::Payload::kOverpaymentRecovered: return &p.overpayment_recovered().claim_id();
    default: return nullptr;
  }
}

const std::string& ClaimIdOf(const v1::Payload& p) {
  static const std::string* const kNone = new std::string();
  const std::string* id = ClaimIdIn(p);
  return id != nullptr ? *id : *kNone;
}

}  // namespace arrs::domain
