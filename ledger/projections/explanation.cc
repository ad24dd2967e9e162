#include "ledger/projections/explanation.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/assess.h"
#include "ledger/projections/projections.h"

namespace arrs::projections {
namespace {

// Attaches to `lines` (an assessment's stored lines) the explanations of claim
// `claim_id` priced again as it stood at `before_position` with the rules known at
// `rules_position`.
void AttachDerivedExplanations(const std::vector<const v1::Event*>& stream_events,
                               const rules::RuleBook& book, const std::string& claim_id,
                               uint64_t before_position, uint64_t rules_position,
                               google::protobuf::RepeatedPtrField<v1::AssessedLine>* lines) {
  const domain::PcnModel before = domain::FoldPcn(stream_events, before_position);
  if (auto then = before.claims.find(claim_id); then != before.claims.end()) {
    domain::AttachExplanations(domain::AssessClaim(before, book, then->second, rules_position),
                               lines);
  }
}

}  // namespace

absl::StatusOr<v1::Explanation> ExplainClaim(const std::vector<const v1::Event*>& stream_events,
                                             const domain::PcnModel& pcn,
                                             const rules::RuleBook& book,
                                             const v1::ExplainRequest& r, uint64_t known_at) {
  auto claim = pcn.claims.find(r.claim_id());
  if (claim == pcn.claims.end()) {
    return absl::NotFoundError(
        absl::StrCat("claim ", r.claim_id(), " was not submitted by PCN ", r.pcn_code()));
  }
  if (!claim->second.assessed()) {
    return absl::FailedPreconditionError(
        absl::StrCat("claim ", r.claim_id(), " has not been assessed yet"));
  }
  v1::Explanation out = ComputeExplanation(claim->second, r.line_no(), known_at);
  // The log keeps an assessment's figures; its explanations are derived again from the
  // facts as they stood just before it and the rule book it priced with.
  AttachDerivedExplanations(stream_events, book, r.claim_id(),
                            claim->second.assessed_position - 1,
                            claim->second.assessment->rules_position(), out.mutable_lines());
  if (r.line_no() != 0 && out.lines().empty()) {
    return absl::NotFoundError(
        absl::StrCat("claim ", r.claim_id(), " has no line ", r.line_no()));
  }
  return out;
}

v1::ClaimAssessed ExplainAssessment(const std::vector<const v1::Event*>& stream_events,
                                    const rules::RuleBook& book, const v1::Event& assessed) {
  v1::ClaimAssessed out = assessed.payload().claim_assessed();
  AttachDerivedExplanations(stream_events, book, out.claim_id(), assessed.position() - 1,
                            out.rules_position(), out.mutable_lines());
  return out;
}

}  // namespace arrs::projections
