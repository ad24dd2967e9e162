// Restatement in the projections: the balance, explanation, region summary and arrears
// report figures of domain/restate.h.
#include <algorithm>
#include <set>

#include "ledger/domain/restate.h"
#include "ledger/projections/projections.h"
#include "ledger/util/civil_date.h"

namespace arrs::projections {
namespace {

// The causes of a claim's lines, deduplicated, in position order.
std::vector<v1::RestatementCause> CausesOf(const domain::ClaimRestatement& claim) {
  std::map<std::pair<uint64_t, std::string>, v1::RestatementCause> seen;
  for (const v1::LineRestatement& line : claim.lines) {
    for (const v1::RestatementCause& cause : line.causes()) {
      seen.emplace(std::make_pair(cause.position(), cause.what()), cause);
    }
  }
  std::vector<v1::RestatementCause> out;
  for (auto& [key, cause] : seen) out.push_back(std::move(cause));
  return out;
}

}  // namespace

void AddRestatement(const domain::PcnRestatement& restated, v1::Balance* out) {
  int64_t paid = 0;
  for (v1::ClaimSummary& summary : *out->mutable_claims()) {
    auto claim = restated.claims.find(summary.claim_id());
    if (claim == restated.claims.end()) continue;  // not assessed
    const domain::ClaimRestatement& c = claim->second;
    summary.set_paid_pence(c.money.paid_pence);
    summary.set_restated_pence(c.restated_pence);
    summary.set_arrears_paid_pence(c.money.arrears_paid_pence);
    summary.set_recovered_pence(c.money.recovered_pence);
    summary.set_arrears_due_pence(c.arrears_due_pence);
    summary.set_overpayment_to_recover_pence(c.overpayment_to_recover_pence);
    paid += c.money.paid_pence;
    out->set_restated_pence(out->restated_pence() + c.restated_pence);
    out->set_arrears_paid_pence(out->arrears_paid_pence() + c.money.arrears_paid_pence);
    out->set_recovered_pence(out->recovered_pence() + c.money.recovered_pence);
    out->set_arrears_due_pence(out->arrears_due_pence() + c.arrears_due_pence);
    out->set_overpayment_to_recover_pence(out->overpayment_to_recover_pence() +
                                          c.overpayment_to_recover_pence);
  }
  out->set_paid_pence(paid);
  out->set_net_due_pence(out->arrears_due_pence() - out->overpayment_to_recover_pence());
}

void AddRestatement(const domain::ClaimRestatement& claim, int32_t line_no,
                    v1::Explanation* out) {
  for (const v1::LineRestatement& line : claim.lines) {
    if (line_no == 0 || line.line_no() == line_no) *out->add_restated() = line;
  }
  out->set_assessed_position(claim.assessed_position);
}

void AddRestatementToRegion(const std::string& icb_code,
                            const domain::PcnRestatement& restated, v1::RegionSummary* out) {
  for (v1::RegionLine& line : *out->mutable_icbs()) {
    if (line.icb_code() != icb_code) continue;
    for (v1::RegionLine* l : {&line, out->mutable_national()}) {
      l->set_paid_pence(l->paid_pence() + restated.paid_pence);
      l->set_arrears_due_pence(l->arrears_due_pence() + restated.arrears_due_pence);
      l->set_overpayment_to_recover_pence(l->overpayment_to_recover_pence() +
                                          restated.overpayment_to_recover_pence);
    }
  }
}

void AddToArrearsReport(const domain::PcnModel& pcn, const domain::PcnRestatement& restated,
                        v1::ArrearsReport* out) {
  if (restated.arrears_due_pence == 0 && restated.overpayment_to_recover_pence == 0) return;
  v1::PcnArrears* entry = out->add_pcns();
  entry->set_pcn_code(pcn.pcn_code);
  entry->set_icb_code(pcn.icb_code);
  entry->set_arrears_due_pence(restated.arrears_due_pence);
  entry->set_overpayment_to_recover_pence(restated.overpayment_to_recover_pence);
  std::vector<const domain::ClaimRestatement*> claims;
  for (const auto& [id, c] : restated.claims) {
    if (c.arrears_due_pence != 0 || c.overpayment_to_recover_pence != 0) claims.push_back(&c);
  }
  std::sort(claims.begin(), claims.end(), [](const auto* a, const auto* b) {
    return std::tie(a->month, a->claim_id) < std::tie(b->month, b->claim_id);
  });
  for (const domain::ClaimRestatement* c : claims) {
    v1::ClaimArrears* line = entry->add_claims();
    line->set_claim_id(c->claim_id);
    *line->mutable_month() = ToProtoDate(c->month);
    line->set_paid_pence(c->money.paid_pence + c->money.arrears_paid_pence -
                         c->money.recovered_pence);
    line->set_restated_pence(c->restated_pence);
    line->set_arrears_due_pence(c->arrears_due_pence);
    line->set_overpayment_to_recover_pence(c->overpayment_to_recover_pence);
    for (v1::RestatementCause& cause : CausesOf(*c)) *line->add_causes() = std::move(cause);
  }
  out->set_arrears_due_pence(out->arrears_due_pence() + restated.arrears_due_pence);
  out->set_overpayment_to_recover_pence(out->overpayment_to_recover_pence() +
                                        restated.overpayment_to_recover_pence);
}

}  // namespace arrs::projections
