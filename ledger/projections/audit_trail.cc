#include <map>
#include <set>

#include "ledger/projections/projections.h"

namespace arrs::projections {
namespace {

bool IsAbout(const v1::Event& e, const std::string& staff_id, const std::string& claim_id) {
  if (!staff_id.empty()) {
    if (domain::StaffIdOf(e.payload()) == staff_id) return true;
    if (e.payload().has_claim_submitted()) {
      for (const v1::ClaimLine& line : e.payload().claim_submitted().lines()) {
        if (line.staff_id() == staff_id) return true;
      }
    }
    if (e.payload().has_claim_assessed()) {
      for (const v1::AssessedLine& line : e.payload().claim_assessed().lines()) {
        if (line.staff_id() == staff_id) return true;
      }
    }
  }
  return !claim_id.empty() && domain::ClaimIdOf(e.payload()) == claim_id;
}

}  // namespace

v1::AuditTrail ComputeAuditTrail(const std::vector<const v1::Event*>& stream_events,
                                 uint64_t known_at, const std::string& staff_id,
                                 const std::string& claim_id) {
  v1::AuditTrail out;
  const domain::CorrectionView view = domain::ResolveCorrections(stream_events, known_at);
  std::set<uint64_t> in_force(view.correctable.begin(), view.correctable.end());
  for (const v1::Event* e : view.in_force) in_force.insert(e->position());
  // One assessment in force per claim: each in-force assessment supersedes the claim's
  // one before it (in the order the model folds them).
  std::map<uint64_t, uint64_t> superseded_by, supersedes;
  std::map<std::string, uint64_t> last_assessment;
  for (const v1::Event* e : view.in_force) {
    if (!e->payload().has_claim_assessed()) continue;
    uint64_t& last = last_assessment[e->payload().claim_assessed().claim_id()];
    if (last != 0) {
      superseded_by[last] = e->position();
      supersedes[e->position()] = last;
      in_force.erase(last);
    }
    last = e->position();
  }
  std::map<uint64_t, std::vector<uint64_t>> corrected_by;
  std::set<uint64_t> included;
  const bool everything = staff_id.empty() && claim_id.empty();
  uint64_t last = 0;
  for (const v1::Event* e : stream_events) {
    if (e->position() > known_at) break;
    last = e->position();
    if (e->corrects() != 0) corrected_by[e->corrects()].push_back(e->position());
    // A correction belongs to the trail of whatever it corrects.
    if (everything || IsAbout(*e, staff_id, claim_id) ||
        (e->corrects() != 0 && included.count(e->corrects()))) {
      included.insert(e->position());
    }
  }
  for (const v1::Event* e : stream_events) {
    if (e->position() > known_at) break;
    if (!included.count(e->position())) continue;
    v1::AuditEntry* entry = out.add_entries();
    *entry->mutable_event() = *e;
    for (uint64_t by : corrected_by[e->position()]) entry->add_corrected_by(by);
    entry->set_cancelled(in_force.count(e->position()) == 0);
    if (auto by = superseded_by.find(e->position()); by != superseded_by.end()) {
      entry->set_superseded_by(by->second);
    }
    if (auto of = supersedes.find(e->position()); of != supersedes.end()) {
      entry->set_supersedes(of->second);
    }
  }
  out.set_computed_at_position(last);
  return out;
}

v1::Explanation ComputeExplanation(const domain::ClaimModel& claim, int32_t line_no,
                                   uint64_t known_at) {
  v1::Explanation out;
  out.set_computed_at_position(known_at);
  if (!claim.assessment) return out;
  for (const v1::AssessedLine& line : claim.assessment->lines()) {
    if (line_no == 0 || line.line_no() == line_no) *out.add_lines() = line;
  }
  for (const v1::ClaimLineReduced& reduction : claim.reductions) {
    if (line_no == 0 || reduction.line_no() == line_no) *out.add_reductions() = reduction;
  }
  return out;
}

}  // namespace arrs::projections
