#include "ledger/domain/correct.h"

#include <optional>
#include <utility>

#include "ledger/domain/assess.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/status_macros.h"

namespace arrs::domain {
namespace {

// When `correction` replaces a claim submission that had been assessed, the assessment of
// the corrected claim, replacing the old assessment.
std::optional<v1::Event> ReassessCorrectedClaim(const PcnModel& before,
                                                const PcnModel& corrected,
                                                const rules::RuleBook& book,
                                                const v1::Event& correction) {
  if (!correction.payload().has_claim_submitted()) return std::nullopt;
  const std::string& claim_id = correction.payload().claim_submitted().claim_id();
  auto old_claim = before.claims.find(claim_id);
  auto new_claim = corrected.claims.find(claim_id);
  if (old_claim == before.claims.end() || new_claim == corrected.claims.end() ||
      !old_claim->second.assessment) {
    return std::nullopt;
  }
  v1::Event event;
  *event.mutable_effective_date() = ToProtoDate(new_claim->second.month);
  event.set_reason(correction.reason());
  event.set_corrects(old_claim->second.assessed_position);
  *event.mutable_payload()->mutable_claim_assessed() =
      AssessClaim(corrected, book, new_claim->second, UINT64_MAX);
  return event;
}

}  // namespace

absl::StatusOr<Events> DecideCorrection(const std::vector<const v1::Event*>& stream_events,
                                        const PcnModel& head, const v1::Event& target,
                                        const rules::RuleBook& book,
                                        const v1::CorrectRequest& r, uint64_t next_position) {
  std::vector<const v1::Event*> events = stream_events;
  const CorrectionView view = ResolveCorrections(events, UINT64_MAX);
  auto superseded = view.superseded_by.find(target.position());
  ASSIGN_OR_RETURN(decided,
                   DecideCorrect(head, target,
                                 superseded == view.superseded_by.end() ? 0 : superseded->second,
                                 r));
  // Fold the stream as it would be with the correction. What the correction does to money
  // already paid is never a reason to refuse it: it shows as arrears or an overpayment
  // (domain/restate.h).
  v1::Event tentative = decided.front();
  tentative.set_position(next_position);
  tentative.set_stream_version(events.size() + 1);
  events.push_back(&tentative);
  PcnModel corrected = FoldPcn(events, UINT64_MAX);
  // A corrected claim is assessed again, in the same atomic append: the new assessment
  // replaces the old one. (Declared here: `corrected` points into these events.)
  std::optional<v1::Event> reassessed = ReassessCorrectedClaim(head, corrected, book, tentative);
  if (reassessed) {
    decided.push_back(*reassessed);
    reassessed->set_position(next_position + 1);
    reassessed->set_stream_version(events.size() + 1);
    events.push_back(&*reassessed);
    corrected = FoldPcn(events, UINT64_MAX);
  }
  return decided;
}

}  // namespace arrs::domain
