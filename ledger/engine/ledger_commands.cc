// Ledger's commands: each one a visible definition that names the domain decision it
// runs (ledger/domain/decide.h, correct.h) and hands it to the CommandRunner, which
// decides it on the state as it stands and appends the events.
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/correct.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/restate.h"
#include "ledger/domain/settle.h"
#include "ledger/domain/stream_names.h"
#include "ledger/engine/command_runner.h"
#include "ledger/engine/ledger.h"

#include <map>
#include <optional>
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/rules/rule_file.h"
#include "ledger/store/event_hash.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/status_macros.h"

namespace arrs::engine {
namespace {

// A PCN command decided on the stream's head model by `decision`, one of domain's
// Decide* functions (with the rule book or without). Captures the request by reference:
// it outlives the command, blocking or not.
template <typename Request, typename Decision>
DecideFn OnHeadModel(const Request& r, Decision decision) {
  return [&r, decision](const DecideInput& in) -> absl::StatusOr<domain::Events> {
    if constexpr (std::is_invocable_v<Decision, const domain::PcnModel&,
                                      const rules::RuleBook&, const Request&>) {
      return decision(in.head, in.rules, r);
    } else {
      return decision(in.head, r);
    }
  };
}

// What a request is, recorded with its request id (command_runner.h): the command's name
// ("HireStaff" for a HireStaffRequest) and a SHA-256 over the actor, that name and the
// request serialized deterministically without its request id. The same request sent again
// by the same principal has the same key; anything else reusing the id does not.
template <typename Request>
RequestKey KeyOf(const std::string& actor, const Request& r) {
  Request unkeyed = r;
  unkeyed.mutable_header()->clear_request_id();
  std::string kind = Request::descriptor()->name();
  if (absl::EndsWith(kind, "Request")) kind.resize(kind.size() - 7);
  std::string bytes = absl::StrCat(actor, std::string(1, '\0'), kind, std::string(1, '\0'));
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    unkeyed.SerializeToCodedStream(&coded);
  }
  return RequestKey{std::move(kind), store::Sha256(bytes)};
}

// Runs `decide` on the request's PCN stream and waits for the result.
template <typename Request>
absl::StatusOr<v1::CommandResult> RunOnPcn(CommandRunner& runner, const std::string& actor,
                                           const Request& r, DecideFn decide) {
  return runner.RunAndWait(domain::PcnStream(r.pcn_code()), r.header(), KeyOf(actor, r),
                           actor, std::move(decide));
}

// The same without waiting: `done` is told the result.
template <typename Request>
void RunOnPcnAsync(CommandRunner& runner, const std::string& actor, const Request& r,
                   DecideFn decide, Ledger::CommandDone done) {
  runner.Run(domain::PcnStream(r.pcn_code()), r.header(), KeyOf(actor, r), actor,
             std::move(decide), std::move(done));
}

// A correction: the target event is read from the log, and the decision (domain/correct.h)
// taken on the PCN's whole stream.
DecideFn CorrectionOn(const store::EventLog& log, const v1::CorrectRequest& r) {
  return [&log, &r](const DecideInput& in) -> absl::StatusOr<domain::Events> {
    if (r.corrects_position() > in.head_position) {
      return absl::NotFoundError(absl::StrCat("corrects_position ", r.corrects_position(),
                                              " is beyond the log's head ", in.head_position));
    }
    ASSIGN_OR_RETURN(target, log.Get(r.corrects_position()));
    return domain::DecideCorrection(in.events, in.head, target, in.rules, r,
                                    in.head_position + 1);
  };
}

// The claims a settlement's decision reads: the claim settled, and for a recovery offset
// against another claim's payment, every claim (the offset claim's payments too).
domain::RestateOptions ClaimsRead(const v1::PayArrearsRequest& r) {
  domain::RestateOptions options;
  options.claim_id = r.claim_id();
  return options;
}
domain::RestateOptions ClaimsRead(const v1::RecoverOverpaymentRequest& r) {
  domain::RestateOptions options;
  if (r.method() != v1::OFFSET) options.claim_id = r.claim_id();
  return options;
}

// A settlement (domain/settle.h): decided on the claim's restatement at the head, as of
// kEndOfTime so that every payment and settlement already recorded counts.
template <typename Request, typename Decision>
DecideFn OnRestatement(const Request& r, Decision decision) {
  return [&r, decision](const DecideInput& in) -> absl::StatusOr<domain::Events> {
    const domain::RestateOptions options = ClaimsRead(r);
    const domain::PcnRestatement restated = domain::RestatePcn(
        in.head, in.events, in.rules, in.head_position, domain::kEndOfTime, options);
    return decision(in.head, restated, r);
  };
}

absl::Status CheckCorrectsPosition(const v1::CorrectRequest& r) {
  if (r.corrects_position() == 0) {
    return absl::InvalidArgumentError("corrects_position must name a log position (1 or more)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::CommandResult> Ledger::RegisterPcn(const std::string& actor,
                                                      const v1::RegisterPcnRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideRegisterPcn));
}
void Ledger::CommandAsync(const std::string& actor, const v1::RegisterPcnRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideRegisterPcn),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::RecordListSize(const std::string& actor,
                                                         const v1::RecordListSizeRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideRecordListSize));
}
void Ledger::CommandAsync(const std::string& actor, const v1::RecordListSizeRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideRecordListSize),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::RecordLondonZone(
    const std::string& actor, const v1::RecordLondonZoneRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideRecordLondonZone));
}
void Ledger::CommandAsync(const std::string& actor, const v1::RecordLondonZoneRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideRecordLondonZone),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::RecordBaseline(const std::string& actor,
                                                         const v1::RecordBaselineRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideRecordBaseline));
}
void Ledger::CommandAsync(const std::string& actor, const v1::RecordBaselineRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideRecordBaseline),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::SetEntitlement(const std::string& actor,
                                                         const v1::SetEntitlementRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideSetEntitlement));
}
void Ledger::CommandAsync(const std::string& actor, const v1::SetEntitlementRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideSetEntitlement),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::HireStaff(const std::string& actor,
                                                    const v1::HireStaffRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideHireStaff));
}
void Ledger::CommandAsync(const std::string& actor, const v1::HireStaffRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideHireStaff),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::ChangeStaff(const std::string& actor,
                                                      const v1::StaffChangeRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideChangeStaff));
}
void Ledger::CommandAsync(const std::string& actor, const v1::StaffChangeRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideChangeStaff),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::SubmitClaim(const std::string& actor,
                                                      const v1::SubmitClaimRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideSubmitClaim));
}
void Ledger::CommandAsync(const std::string& actor, const v1::SubmitClaimRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideSubmitClaim),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::AssessClaim(const std::string& actor,
                                                      const v1::AssessClaimRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideAssessClaim));
}
void Ledger::CommandAsync(const std::string& actor, const v1::AssessClaimRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideAssessClaim),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::ReduceClaimLine(const std::string& actor,
                                                          const v1::ReduceClaimLineRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecideReduceClaimLine));
}
void Ledger::CommandAsync(const std::string& actor, const v1::ReduceClaimLineRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecideReduceClaimLine),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::PayClaim(const std::string& actor,
                                                   const v1::PayClaimRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnHeadModel(r, &domain::DecidePayClaim));
}
void Ledger::CommandAsync(const std::string& actor, const v1::PayClaimRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnHeadModel(r, &domain::DecidePayClaim),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::Correct(const std::string& actor,
                                                  const v1::CorrectRequest& r) {
  RETURN_IF_ERROR(CheckCorrectsPosition(r));
  return RunOnPcn(*commands_, actor, r, CorrectionOn(*log_, r));
}
void Ledger::CommandAsync(const std::string& actor, const v1::CorrectRequest& r,
                          CommandDone done) {
  if (absl::Status s = CheckCorrectsPosition(r); !s.ok()) {
    done(std::move(s));
    return;
  }
  RunOnPcnAsync(*commands_, actor, r, CorrectionOn(*log_, r), std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::PayArrears(const std::string& actor,
                                                     const v1::PayArrearsRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnRestatement(r, &domain::DecidePayArrears));
}
void Ledger::CommandAsync(const std::string& actor, const v1::PayArrearsRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnRestatement(r, &domain::DecidePayArrears),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::RecoverOverpayment(
    const std::string& actor, const v1::RecoverOverpaymentRequest& r) {
  return RunOnPcn(*commands_, actor, r, OnRestatement(r, &domain::DecideRecoverOverpayment));
}
void Ledger::CommandAsync(const std::string& actor, const v1::RecoverOverpaymentRequest& r,
                          CommandDone done) {
  RunOnPcnAsync(*commands_, actor, r, OnRestatement(r, &domain::DecideRecoverOverpayment),
                std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::PublishRules(const std::string& actor,
                                                       const v1::PublishRulesRequest& r) {
  return commands_->RunAndWait(domain::kRulesStream, r.header(), KeyOf(actor, r), actor,
                               [&r](const DecideInput& in) {
                                 return domain::DecidePublishRules(in.rules, r);
                               });
}

absl::StatusOr<int> Ledger::PublishRulesDir(const std::string& dir, const std::string& actor) {
  ASSIGN_OR_RETURN(files, rules::LoadRulesDir(dir));
  // Each version once, in order: a year's versions up to the one in force are already
  // published (earlier ones stay history), the later ones are published now.
  std::map<int, size_t> first_new;  // financial year -> index of its first unpublished file
  for (size_t i = 0; i < files.size(); ++i) {
    const std::optional<std::string> in_force =
        state_->RulesVersionInForce(files[i].financial_year());
    if (in_force.has_value() && *in_force == files[i].version()) {
      first_new[files[i].financial_year()] = i + 1;
    }
  }
  int published = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const v1::FinancialYearRules& year = files[i];
    auto done = first_new.find(year.financial_year());
    if (done != first_new.end() && i < done->second) continue;
    v1::PublishRulesRequest request;
    request.mutable_header()->set_request_id(absl::StrCat("rules-file:", year.version()));
    request.mutable_header()->set_reason(
        absl::StrCat("shipped rule file for ", FormatFinancialYear(year.financial_year())));
    *request.mutable_rules() = year;
    ASSIGN_OR_RETURN(result, PublishRules(actor, request));
    if (!result.deduplicated()) ++published;
  }
  return published;
}

}  // namespace arrs::engine
