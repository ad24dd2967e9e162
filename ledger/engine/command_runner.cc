#include "ledger/engine/command_runner.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "ledger/domain/assess.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/store/append_validation.h"
#include "ledger/projections/explanation.h"
#include "ledger/util/status_macros.h"

namespace arrs::engine {
namespace {

v1::CommandResult ToResult(const store::AppendResult& appended) {
  v1::CommandResult out;
  out.set_first_position(appended.first_position);
  out.set_last_position(appended.last_position);
  out.set_stream_version(appended.stream_version);
  out.set_deduplicated(appended.deduplicated);
  return out;
}

// A decided command: the append to make, and the assessment to tell the caller.
struct Decided {
  store::AppendRequest request;
  std::optional<v1::ClaimAssessed> assessment;
};

// A request id served before on the stream: its first result, whatever the state is now;
// ALREADY_EXISTS when it was first used for a different request (digests differ). When
// that request's events end with an assessment, the result tells it again as the first
// answer did: its figures from the log, its explanations derived again (projections::
// ExplainAssessment).
absl::StatusOr<std::optional<v1::CommandResult>> ServedBefore(const store::EventLog& log,
                                                              LedgerState& state,
                                                              const std::string& stream,
                                                              const v1::CommandHeader& header,
                                                              const RequestKey& key) {
  // A stream no request can be on (a malformed PCN code): deciding refuses the command,
  // naming the field it came from.
  if (!store::ValidateStreamId(stream, "stream").ok()) return std::nullopt;
  ASSIGN_OR_RETURN(seen, log.FindRequest(stream, header.request_id()));
  if (!seen.has_value()) return std::nullopt;
  if (store::RequestDigestsDiffer(seen->request_digest, key.digest)) {
    return store::RequestIdReusedError(stream, header.request_id(), seen->request_kind);
  }
  v1::CommandResult result = ToResult(*seen);
  ASSIGN_OR_RETURN(last, log.Get(seen->last_position));
  if (!last.payload().has_claim_assessed()) return result;
  ASSIGN_OR_RETURN(assessment, state.ReadStreamAtHead<v1::ClaimAssessed>(
                                   last.stream(), [&last](const StreamRead& stream) {
                                     return projections::ExplainAssessment(
                                         stream.events, stream.rules, last);
                                   }));
  *result.mutable_assessment() = std::move(assessment);
  return result;
}

absl::StatusOr<Decided> Decide(LedgerState& state, const std::string& stream,
                               const v1::CommandHeader& header, const RequestKey& key,
                               const std::string& actor, const DecideFn& decide) {
  Decided out;
  out.request.stream = stream;
  out.request.request_id = header.request_id();
  out.request.request_kind = key.kind;
  out.request.request_digest = key.digest;
  // Deciding may need the stream's events (a state restored from a snapshot reads them
  // now).
  absl::StatusOr<uint64_t> decided_on = state.ReadStreamAtHead<uint64_t>(
      stream, [&](const StreamRead& at_head) -> absl::StatusOr<uint64_t> {
        const DecideInput input{stream, at_head.events, at_head.model, at_head.rules,
                                at_head.head_position};
        ASSIGN_OR_RETURN(events, decide(input));
        out.request.events = std::move(events);
        return at_head.version;
      });
  if (!decided_on.ok()) return decided_on.status();
  if (header.has_expected_version() && header.expected_version() != *decided_on) {
    return absl::AbortedError(absl::StrCat(
        "stream ", stream, " is at version ", *decided_on, ", not the expected version ",
        header.expected_version(), "; re-read and retry"));
  }
  out.request.expected_version = *decided_on;
  // The caller is told the assessment with its explanations; the log keeps the figures
  // only (ExplainClaim derives the text again from the same facts and rules).
  for (v1::Event& e : out.request.events) {
    e.set_actor(actor);
    if (!e.payload().has_claim_assessed()) continue;
    out.assessment = e.payload().claim_assessed();
    domain::StripExplanations(e.mutable_payload()->mutable_claim_assessed());
  }
  const bool ends_with_assessment = !out.request.events.empty() &&
                                    out.request.events.back().payload().has_claim_assessed();
  if (!ends_with_assessment) out.assessment.reset();
  return out;
}

v1::CommandResult Acknowledge(const store::AppendResult& appended,
                              std::optional<v1::ClaimAssessed> assessment) {
  v1::CommandResult result = ToResult(appended);
  if (assessment) *result.mutable_assessment() = *std::move(assessment);
  return result;
}

}  // namespace

struct CommandRunner::Command {
  std::string stream;
  const v1::CommandHeader* header;
  RequestKey key;
  std::string actor;
  DecideFn decide;
  CommandDone done;
};

CommandRunner::CommandRunner(store::EventLog& log, LedgerState& state,
                             size_t max_queued_per_stream)
    : log_(log), state_(state), max_queued_per_stream_(max_queued_per_stream) {}

CommandRunner::~CommandRunner() = default;

void CommandRunner::Run(std::string stream, const v1::CommandHeader& header, RequestKey key,
                        std::string actor, DecideFn decide, CommandDone done) {
  auto command = std::make_unique<Command>(Command{std::move(stream), &header, std::move(key),
                                                   std::move(actor), std::move(decide),
                                                   std::move(done)});
  bool full = false;
  {
    absl::MutexLock lock(&mu_);
    auto [it, first] = queued_.try_emplace(command->stream);
    if (!first) {  // one of the stream's commands runs: wait for it, if there is room
      full = it->second.size() >= max_queued_per_stream_;
      if (!full) {
        it->second.push_back(std::move(command));
        return;
      }
    }
  }
  if (full) {
    const std::string refusal = absl::StrCat(
        "stream ", command->stream, " already has ", max_queued_per_stream_,
        " commands waiting, the most allowed (max_queued_per_stream); retry later");
    CommandDone done = std::move(command->done);
    command.reset();
    done(absl::ResourceExhaustedError(refusal));
    return;
  }
  Drive(std::move(command));
}

absl::StatusOr<v1::CommandResult> CommandRunner::RunAndWait(std::string stream,
                                                           const v1::CommandHeader& header,
                                                           RequestKey key, std::string actor,
                                                           DecideFn decide) {
  absl::StatusOr<v1::CommandResult> out;
  absl::Notification told;
  Run(std::move(stream), header, std::move(key), std::move(actor), std::move(decide),
      [&](absl::StatusOr<v1::CommandResult> result) {
        out = std::move(result);
        told.Notify();
      });
  told.WaitForNotification();
  return out;
}

void CommandRunner::Drive(std::unique_ptr<Command> command) {
  while (command != nullptr) {
    std::optional<absl::StatusOr<v1::CommandResult>> finished = Attempt(command);
    if (!finished.has_value()) return;  // appending: its callback carries on
    command = FinishAndTakeNext(std::move(command), *std::move(finished));
  }
}

std::optional<absl::StatusOr<v1::CommandResult>> CommandRunner::Attempt(
    std::unique_ptr<Command>& command) {
  absl::StatusOr<std::optional<v1::CommandResult>> served =
      ServedBefore(log_, state_, command->stream, *command->header, command->key);
  if (!served.ok()) return std::move(served).status();
  if (served->has_value()) return **std::move(served);
  absl::StatusOr<Decided> decided =
      Decide(state_, command->stream, *command->header, command->key, command->actor,
             command->decide);
  if (!decided.ok()) return std::move(decided).status();
  log_.AppendAsync(
      std::move(decided->request),
      [this, command = std::move(command), assessment = std::move(decided->assessment)](
          absl::StatusOr<store::AppendResult> appended) mutable {
        // The state already holds every earlier command on the stream (the log folds a
        // batch into it before calling back), so the version decided on is the stream's:
        // a failure here is the write's, not a race to be decided again. (The status is
        // moved, not copied: see docs/RELIABILITY.md on ThreadSanitizer and Debian's
        // abseil.)
        if (!appended.ok()) {
          Drive(FinishAndTakeNext(std::move(command), std::move(appended).status()));
          return;
        }
        Drive(FinishAndTakeNext(std::move(command),
                                Acknowledge(*appended, std::move(assessment))));
      });
  return std::nullopt;
}

std::unique_ptr<CommandRunner::Command> CommandRunner::FinishAndTakeNext(
    std::unique_ptr<Command> command, absl::StatusOr<v1::CommandResult> result) {
  const std::string stream = command->stream;
  {
    CommandDone done = std::move(command->done);
    command.reset();
    done(std::move(result));
  }
  absl::MutexLock lock(&mu_);
  auto it = queued_.find(stream);
  if (it->second.empty()) {
    queued_.erase(it);
    return nullptr;
  }
  std::unique_ptr<Command> next = std::move(it->second.front());
  it->second.pop_front();
  return next;
}

}  // namespace arrs::engine
