// Runs generated PCN scripts against a command target: the in-process Ledger or arrsd's
// gRPC CommandService. A target is any type with one overload per request,
//   absl::StatusOr<v1::CommandResult> Call(const v1::XxxRequest&);
// for RegisterPcn, RecordListSize, RecordBaseline, SetEntitlement, HireStaff,
// StaffChange, SubmitClaim, AssessClaim, PayClaim and Correct requests.
#ifndef ARRS_BENCH_NATIONAL_DRIVER_H_
#define ARRS_BENCH_NATIONAL_DRIVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bench/national/history.h"

namespace grpc {
class Channel;
}

namespace arrs::engine {
class Ledger;
}

namespace arrs::bench {

struct RunStats {
  uint64_t commands = 0;  // requests sent
  uint64_t failures = 0;
  std::string first_failure;
};

// Sends every command of `script` in order; a claim cycle is submit, assess and (when
// anything was approved) pay the approved total; a correction replaces the claim's
// submission by position.
template <typename Target>
void RunScript(Target& target, const PcnScript& script, RunStats* stats) {
  std::map<std::string, uint64_t> submitted_at;  // claim id -> position
  auto check = [&](const absl::StatusOr<v1::CommandResult>& r, const std::string& what) {
    ++stats->commands;
    if (r.ok()) return true;
    if (stats->failures++ == 0) {
      stats->first_failure = absl::StrCat(script.pcn_code, " ", what, ": ", r.status().ToString());
    }
    return false;
  };
  for (const Command& command : script.commands) {
    if (const auto* cycle = std::get_if<ClaimCycle>(&command)) {
      const std::string& id = cycle->submit.header().request_id();
      absl::StatusOr<v1::CommandResult> submitted = target.Call(cycle->submit);
      if (!check(submitted, id)) continue;
      submitted_at[cycle->submit.claim_id()] = submitted->first_position();
      v1::AssessClaimRequest assess;
      assess.mutable_header()->set_request_id(absl::StrCat(id, "/assess"));
      assess.set_pcn_code(script.pcn_code);
      assess.set_claim_id(cycle->submit.claim_id());
      absl::StatusOr<v1::CommandResult> assessed = target.Call(assess);
      if (!check(assessed, assess.header().request_id())) continue;
      const int64_t approved = assessed->assessment().total_approved_pence();
      if (approved <= 0) continue;
      v1::PayClaimRequest pay;
      pay.mutable_header()->set_request_id(absl::StrCat(id, "/pay"));
      pay.set_pcn_code(script.pcn_code);
      pay.set_claim_id(cycle->submit.claim_id());
      *pay.mutable_paid_on() = cycle->paid_on;
      pay.set_amount_pence(approved);
      pay.set_payment_reference(absl::StrCat("ICB-", script.icb_code, "-", id.substr(4)));
      check(target.Call(pay), pay.header().request_id());
    } else if (const auto* fix = std::get_if<ClaimCorrection>(&command)) {
      auto at = submitted_at.find(fix->claim_id);
      if (at == submitted_at.end()) continue;
      v1::CorrectRequest correct;
      correct.mutable_header()->set_request_id(fix->request_id);
      correct.mutable_header()->set_reason("payroll figure keyed wrongly; corrected from payslips");
      correct.set_pcn_code(fix->pcn_code);
      correct.set_corrects_position(at->second);
      *correct.mutable_replacement()->mutable_claim_submitted() = fix->replacement;
      check(target.Call(correct), fix->request_id);
    } else {
      std::visit(
          [&](const auto& request) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(request)>, ClaimCycle> &&
                          !std::is_same_v<std::decay_t<decltype(request)>, ClaimCorrection>) {
              check(target.Call(request), request.header().request_id());
            }
          },
          command);
    }
  }
}

// The Call overloads every target declares (see the top of this file).
#define ARRS_BENCH_COMMAND_CALLS                                                       \
  absl::StatusOr<v1::CommandResult> Call(const v1::RegisterPcnRequest& r);        \
  absl::StatusOr<v1::CommandResult> Call(const v1::RecordListSizeRequest& r);     \
  absl::StatusOr<v1::CommandResult> Call(const v1::RecordBaselineRequest& r);     \
  absl::StatusOr<v1::CommandResult> Call(const v1::SetEntitlementRequest& r);     \
  absl::StatusOr<v1::CommandResult> Call(const v1::HireStaffRequest& r);          \
  absl::StatusOr<v1::CommandResult> Call(const v1::StaffChangeRequest& r);        \
  absl::StatusOr<v1::CommandResult> Call(const v1::SubmitClaimRequest& r);        \
  absl::StatusOr<v1::CommandResult> Call(const v1::AssessClaimRequest& r);        \
  absl::StatusOr<v1::CommandResult> Call(const v1::PayClaimRequest& r);           \
  absl::StatusOr<v1::CommandResult> Call(const v1::CorrectRequest& r);

// Calls the Ledger directly, as `actor`.
class LedgerTarget {
 public:
  LedgerTarget(engine::Ledger* ledger, std::string actor);
  ARRS_BENCH_COMMAND_CALLS

 private:
  engine::Ledger* ledger_;
  std::string actor_;
};

// Calls arrsd's CommandService over `channel` with a bearer token.
class GrpcTarget {
 public:
  GrpcTarget(std::shared_ptr<grpc::Channel> channel, std::string token);
  ~GrpcTarget();
  ARRS_BENCH_COMMAND_CALLS

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::string token_;
};

}  // namespace arrs::bench

#endif  // ARRS_BENCH_NATIONAL_DRIVER_H_
