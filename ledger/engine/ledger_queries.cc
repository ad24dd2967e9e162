// Ledger's queries: each resolves known_at to a log position, finds the PCN's model as
// known then (LedgerState::ModelAt) under the state's reader lock, and hands it to a pure
// projection (ledger/projections/).
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/field_checks.h"
#include "ledger/domain/restate.h"
#include "ledger/domain/settle.h"
#include "ledger/domain/stream_names.h"
#include "ledger/engine/ledger.h"
#include "ledger/rules/coverage.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/projections/explanation.h"
#include "ledger/projections/projections.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/status_macros.h"

namespace arrs::engine {
namespace {

absl::StatusOr<absl::CivilDay> AsOfOr(const v1::Date& as_of, absl::CivilDay fallback) {
  if (IsUnset(as_of)) return fallback;
  return ToCivilDay(as_of, "as_of");
}

// Runs `query(const StreamRead&)` on the PCN's model as known at r.known_at (with the
// stream's events when `with_events`), under the state's reader lock. NOT_FOUND when the
// PCN is not registered then.
template <typename Result, typename Request, typename Query>
absl::StatusOr<Result> PcnQuery(LedgerState& state, const Request& r, bool with_events,
                                Query query) {
  RETURN_IF_ERROR(domain::CheckCode("pcn_code", r.pcn_code()));
  ASSIGN_OR_RETURN(known_at, state.ResolveKnownAt(r.known_at()));
  return state.template ReadPcnAt<Result>(
      domain::PcnStream(r.pcn_code()), known_at, with_events,
      [&](const StreamRead& pcn) -> absl::StatusOr<Result> {
        if (!pcn.known || !pcn.model.registered) {
          return absl::NotFoundError(absl::StrCat(
              "PCN ", r.pcn_code(), " is not registered",
              known_at < pcn.head_position ? absl::StrCat(" as known at position ", known_at)
                                           : ""));
        }
        return query(pcn, known_at);
      });
}

// The filters a claim list may ask for: an ICB code, each status at most once, a year or 0,
// and at most 10,000 claims.
absl::Status CheckListClaimsRequest(const v1::ListClaimsRequest& r) {
  static constexpr const char* kStatuses[] = {"submitted", "assessed", "paid", "overpaid"};
  if (!r.icb_code().empty()) RETURN_IF_ERROR(domain::CheckCode("icb_code", r.icb_code()));
  if (r.statuses_size() > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("statuses: at most 4 (one of each), got ", r.statuses_size()));
  }
  for (const std::string& status : r.statuses()) {
    if (std::find(std::begin(kStatuses), std::end(kStatuses), status) == std::end(kStatuses)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "statuses: '", status, "' is not a claim status (submitted, assessed, paid, overpaid)"));
    }
  }
  RETURN_IF_ERROR(domain::CheckFinancialYear("financial_year", r.financial_year(),
                                             /*zero_is_every_year=*/true));
  if (r.max_claims() > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_claims must be at most 10000, got ", r.max_claims()));
  }
  return absl::OkStatus();
}

}  // namespace

std::string Ledger::IcbOf(const std::string& pcn_code) const {
  return state_->IcbOf(domain::PcnStream(pcn_code));
}

absl::StatusOr<uint64_t> Ledger::ResolveKnownAt(const v1::KnownAt& known_at) const {
  return state_->ResolveKnownAt(known_at);
}

absl::StatusOr<v1::Balance> Ledger::GetBalance(const v1::BalanceRequest& r) const {
  RETURN_IF_ERROR(domain::CheckFinancialYear("financial_year", r.financial_year(),
                                             /*zero_is_every_year=*/false));
  ASSIGN_OR_RETURN(as_of, AsOfOr(r.as_of(), FinancialYearEnd(r.financial_year())));
  return PcnQuery<v1::Balance>(*state_, r, true, [&](const StreamRead& v, uint64_t known_at) {
    v1::Balance out =
        projections::ComputeBalance(v.model, v.rules, r.financial_year(), as_of, known_at);
    domain::RestateOptions options;
    options.financial_year = r.financial_year();
    options.only_months_to_as_of = true;
    projections::AddRestatement(
        domain::RestatePcn(v.model, v.events, v.rules, known_at, as_of, options), &out);
    out.set_computed_at_position(known_at);
    return out;
  });
}

absl::StatusOr<v1::CapUsage> Ledger::GetCapUsage(const v1::CapUsageRequest& r) const {
  ASSIGN_OR_RETURN(as_of, ToCivilDay(r.as_of(), "as_of"));
  return PcnQuery<v1::CapUsage>(*state_, r, false, [&](const StreamRead& v, uint64_t known_at) {
    v1::CapUsage out = projections::ComputeCapUsage(v.model, v.rules, as_of, known_at);
    out.set_computed_at_position(known_at);
    return out;
  });
}

absl::StatusOr<v1::Workforce> Ledger::GetWorkforce(const v1::WorkforceRequest& r) const {
  ASSIGN_OR_RETURN(as_of, ToCivilDay(r.as_of(), "as_of"));
  return PcnQuery<v1::Workforce>(*state_, r, false, [&](const StreamRead& v, uint64_t known_at) {
    v1::Workforce out = projections::ComputeWorkforce(v.model, as_of, known_at);
    out.set_computed_at_position(known_at);
    return out;
  });
}

absl::StatusOr<v1::AuditTrail> Ledger::GetAuditTrail(const v1::AuditRequest& r) const {
  if (!r.staff_id().empty()) RETURN_IF_ERROR(domain::CheckId("staff_id", r.staff_id()));
  if (!r.claim_id().empty()) RETURN_IF_ERROR(domain::CheckId("claim_id", r.claim_id()));
  return PcnQuery<v1::AuditTrail>(
      *state_, r, true, [&](const StreamRead& v, uint64_t known_at) {
        v1::AuditTrail out =
            projections::ComputeAuditTrail(v.events, known_at, r.staff_id(), r.claim_id());
        out.set_computed_at_position(known_at);
        return out;
      });
}

absl::StatusOr<v1::Explanation> Ledger::ExplainClaim(const v1::ExplainRequest& r) const {
  RETURN_IF_ERROR(domain::CheckId("claim_id", r.claim_id()));
  return PcnQuery<v1::Explanation>(
      *state_, r, true, [&](const StreamRead& v, uint64_t known_at) -> absl::StatusOr<v1::Explanation> {
        ASSIGN_OR_RETURN(out, projections::ExplainClaim(v.events, v.model, v.rules, r, known_at));
        domain::RestateOptions options;
        options.claim_id = r.claim_id();
        options.explain = true;
        const domain::PcnRestatement restated =
            domain::RestatePcn(v.model, v.events, v.rules, known_at, domain::kEndOfTime, options);
        if (auto c = restated.claims.find(r.claim_id()); c != restated.claims.end()) {
          projections::AddRestatement(c->second, r.line_no(), &out);
        }
        return out;
      });
}

absl::StatusOr<v1::RegionSummary> Ledger::GetRegionSummary(const v1::RegionRequest& r) const {
  if (!r.icb_code().empty()) RETURN_IF_ERROR(domain::CheckCode("icb_code", r.icb_code()));
  ASSIGN_OR_RETURN(as_of, ToCivilDay(r.as_of(), "as_of"));
  ASSIGN_OR_RETURN(known_at, ResolveKnownAt(r.known_at()));
  v1::RegionSummary out;
  *out.mutable_as_of() = r.as_of();
  out.set_computed_at_position(known_at);
  // Restatement reads every PCN's events; each PCN is read under its own hold of the
  // state's reader lock (ForEachPcnWithEvents), so commits go on between them.
  RETURN_IF_ERROR(ForEachPcnWithEvents(known_at, [&](const StreamRead& v) {
    if (!r.icb_code().empty() && v.model.icb_code != r.icb_code()) return;
    projections::AddToRegion(v.model, as_of, &out);
    domain::RestateOptions options;  // the claims AddToRegion counts
    options.financial_year = FinancialYearOf(as_of);
    options.only_months_to_as_of = true;
    projections::AddRestatementToRegion(
        v.model.icb_code, domain::RestatePcn(v.model, v.events, v.rules, known_at, as_of, options),
        &out);
  }));
  return out;
}

absl::StatusOr<v1::ClaimList> Ledger::ListClaims(const v1::ListClaimsRequest& r) const {
  RETURN_IF_ERROR(CheckListClaimsRequest(r));
  const size_t max_claims = r.max_claims() == 0 ? 1000 : r.max_claims();
  ASSIGN_OR_RETURN(as_of, AsOfOr(r.as_of(), absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())));
  ASSIGN_OR_RETURN(known_at, ResolveKnownAt(r.known_at()));
  v1::ClaimList out;
  out.set_computed_at_position(known_at);
  std::vector<std::string> pcns;  // in name order, so in PCN code order
  state_->ForEachStream([&pcns](const std::string& name, const StreamState&) {
    if (domain::IsPcnStream(name)) pcns.push_back(name);
  });
  for (const std::string& name : pcns) {
    ASSIGN_OR_RETURN(more, state_->ReadPcnAt<bool>(name, known_at, /*with_events=*/false,
                                                   [&](const StreamRead& v) {
      const domain::PcnModel& pcn = v.model;
      if (!v.known || !pcn.registered) return true;
      if (!r.icb_code().empty() && pcn.icb_code != r.icb_code()) return true;
      std::vector<v1::ListedClaim> listed;
      for (const auto& [id, claim] : pcn.claims) {
        if (r.financial_year() != 0 && FinancialYearOf(claim.month) != r.financial_year()) continue;
        if (claim.month > as_of) continue;
        v1::ClaimSummary summary = projections::SummarizeClaim(id, claim, as_of);
        if (r.statuses_size() > 0 &&
            std::find(r.statuses().begin(), r.statuses().end(), summary.status()) ==
                r.statuses().end()) {
          continue;
        }
        v1::ListedClaim& entry = listed.emplace_back();
        entry.set_pcn_code(pcn.pcn_code);
        entry.set_pcn_name(pcn.name);
        entry.set_icb_code(pcn.icb_code);
        *entry.mutable_claim() = std::move(summary);
      }
      std::sort(listed.begin(), listed.end(), [](const v1::ListedClaim& a, const v1::ListedClaim& b) {
        return std::make_tuple(a.claim().month().year(), a.claim().month().month(),
                               a.claim().claim_id()) <
               std::make_tuple(b.claim().month().year(), b.claim().month().month(),
                               b.claim().claim_id());
      });
      for (v1::ListedClaim& entry : listed) {
        if (static_cast<size_t>(out.claims_size()) == max_claims) {
          out.set_truncated(true);
          return false;
        }
        *out.add_claims() = std::move(entry);
      }
      return true;
    }));
    if (!more) break;
  }
  return out;
}

absl::Status Ledger::ForEachPcnWithEvents(
    uint64_t known_at, absl::FunctionRef<void(const StreamRead&)> visit) const {
  std::vector<std::string> pcns;
  state_->ForEachStream([&pcns](const std::string& name, const StreamState&) {
    if (domain::IsPcnStream(name)) pcns.push_back(name);
  });
  for (const std::string& name : pcns) {
    RETURN_IF_ERROR(state_->ReadPcnAt<bool>(name, known_at, /*with_events=*/true,
                                            [&](const StreamRead& v) {
                                              if (v.known && v.model.registered) visit(v);
                                              return true;
                                            })
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ArrearsReport> Ledger::GetArrears(const v1::ArrearsRequest& r) const {
  if (!r.icb_code().empty()) RETURN_IF_ERROR(domain::CheckCode("icb_code", r.icb_code()));
  RETURN_IF_ERROR(domain::CheckFinancialYear("financial_year", r.financial_year(),
                                             /*zero_is_every_year=*/true));
  ASSIGN_OR_RETURN(known_at, ResolveKnownAt(r.known_at()));
  v1::ArrearsReport out;
  out.set_computed_at_position(known_at);
  RETURN_IF_ERROR(ForEachPcnWithEvents(known_at, [&](const StreamRead& v) {
    if (!r.icb_code().empty() && v.model.icb_code != r.icb_code()) return;
    domain::RestateOptions options;
    options.financial_year = r.financial_year();
    projections::AddToArrearsReport(
        v.model,
        domain::RestatePcn(v.model, v.events, v.rules, known_at, domain::kEndOfTime, options),
        &out);
  }));
  return out;
}

absl::StatusOr<v1::RulesResponse> Ledger::GetRules(const v1::RulesRequest& r) const {
  ASSIGN_OR_RETURN(known_at, ResolveKnownAt(r.known_at()));
  const auto found = state_->RulesInForce(r.financial_year(), known_at);
  if (!found.has_value()) {
    return absl::NotFoundError(absl::StrCat("no rule version is published for ",
                                            FormatFinancialYear(r.financial_year())));
  }
  v1::RulesResponse out;
  *out.mutable_rules() = found->first;
  out.set_published_at_position(found->second);
  return out;
}

absl::StatusOr<v1::RulesCoverageResponse> Ledger::GetRulesCoverage(
    const v1::RulesCoverageRequest& r) const {
  ASSIGN_OR_RETURN(known_at, ResolveKnownAt(r.known_at()));
  v1::RulesCoverageResponse out;
  out.set_computed_at_position(known_at);
  const int first = r.financial_year() != 0 ? r.financial_year() : kFirstRuleFinancialYear;
  const int last = r.financial_year() != 0 ? r.financial_year() : kLastFinancialYear;
  // 64-bit, so that a year of INT32_MAX ends the loop instead of overflowing `++fy`.
  for (int64_t fy = first; fy <= last; ++fy) {
    const auto found = state_->RulesInForce(static_cast<int>(fy), known_at);
    if (!found.has_value()) continue;
    v1::YearCoverage* year = out.add_years();
    *year = rules::CoverageOf(found->first);
    year->set_published_at_position(found->second);
  }
  if (r.financial_year() != 0 && out.years_size() == 0) {
    return absl::NotFoundError(absl::StrCat("no rule version is published for ",
                                            FormatFinancialYear(r.financial_year())));
  }
  return out;
}

absl::StatusOr<v1::ListPcnsResponse> Ledger::ListPcns(const v1::ListPcnsRequest& r) const {
  ASSIGN_OR_RETURN(known_at, ResolveKnownAt(r.known_at()));
  v1::ListPcnsResponse out;
  out.set_computed_at_position(known_at);
  LoadColdStreams(known_at);
  RETURN_IF_ERROR(state_->ForEachPcnAt(known_at, [&out](const domain::PcnModel& pcn) {
    v1::PcnSummary* summary = out.add_pcns();
    summary->set_pcn_code(pcn.pcn_code);
    summary->set_name(pcn.name);
    summary->set_icb_code(pcn.icb_code);
    summary->set_stream_version(pcn.stream_version);
    summary->set_staff_count(static_cast<int32_t>(pcn.staff.size()));
    summary->set_claim_count(static_cast<int32_t>(pcn.claims.size()));
  }));
  return out;
}

}  // namespace arrs::engine
