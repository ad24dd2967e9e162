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

// A request id served before: its first result, whatever the state is now.
absl::StatusOr<std::optional<v1::CommandResult>> ServedBefore(const store::EventLog& log,
                                                              const v1::CommandHeader& header) {
  absl::StatusOr<std::optional<store::AppendResult>> seen = log.FindRequest(header.request_id());
  if (!seen.ok()) return seen.status();
  if (!seen->has_value()) return std::nullopt;
  return ToResult(**seen);
}

absl::StatusOr<Decided> Decide(LedgerState& state, const std::string& stream,
                               const v1::CommandHeader& header, const std::string& actor,
                               const DecideFn& decide) {
  Decided out;
  out.request.stream = stream;
  out.request.request_id = header.request_id();
  {
    absl::ReaderMutexLock lock(&state.mu);
    // Deciding may need the stream's events (a state restored from a snapshot reads
    // them now).
    absl::StatusOr<const StreamState*> current = state.FindLoaded(stream);
    if (!current.ok()) return current.status();
    static const std::vector<const v1::Event*>* const kNoEvents =
        new std::vector<const v1::Event*>();
    static const domain::PcnModel* const kNoModel = new domain::PcnModel();
    const DecideInput input{stream, *current ? (*current)->events : *kNoEvents,
                            *current ? (*current)->head : *kNoModel, state.rules,
                            state.head_position};
    absl::StatusOr<domain::Events> events = decide(input);
    if (!events.ok()) return events.status();
    out.request.events = *std::move(events);
    const uint64_t decided_on = *current ? (*current)->version : 0;
    if (header.has_expected_version() && header.expected_version() != decided_on) {
      return absl::AbortedError(absl::StrCat(
          "stream ", stream, " is at version ", decided_on, ", not the expected version ",
          header.expected_version(), "; re-read and retry"));
    }
    out.request.expected_version = decided_on;
  }
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
  std::string actor;
  DecideFn decide;
  CommandDone done;
};

CommandRunner::CommandRunner(store::EventLog& log, LedgerState& state)
    : log_(log), state_(state) {}

CommandRunner::~CommandRunner() = default;

void CommandRunner::Run(std::string stream, const v1::CommandHeader& header, std::string actor,
                        DecideFn decide, CommandDone done) {
  auto command = std::make_unique<Command>(Command{std::move(stream), &header, std::move(actor),
                                                   std::move(decide), std::move(done)});
  {
    absl::MutexLock lock(&mu_);
    auto [it, first] = queued_.try_emplace(command->stream);
    if (!first) {  // one of the stream's commands runs: wait for it
      it->second.push_back(std::move(command));
      return;
    }
  }
  Attempt(std::move(command));
}

absl::StatusOr<v1::CommandResult> CommandRunner::RunAndWait(std::string stream,
                                                           const v1::CommandHeader& header,
                                                           std::string actor,
                                                           DecideFn decide) {
  absl::StatusOr<v1::CommandResult> out;
  absl::Notification told;
  Run(std::move(stream), header, std::move(actor), std::move(decide),
      [&](absl::StatusOr<v1::CommandResult> result) {
        out = std::move(result);
        told.Notify();
      });
  told.WaitForNotification();
  return out;
}

void CommandRunner::Attempt(std::unique_ptr<Command> command) {
  absl::StatusOr<std::optional<v1::CommandResult>> served = ServedBefore(log_, *command->header);
  if (!served.ok()) {
    Finished(std::move(command), std::move(served).status());
    return;
  }
  if (served->has_value()) {
    Finished(std::move(command), **std::move(served));
    return;
  }
  absl::StatusOr<Decided> decided =
      Decide(state_, command->stream, *command->header, command->actor, command->decide);
  if (!decided.ok()) {
    Finished(std::move(command), std::move(decided).status());
    return;
  }
  log_.AppendAsync(
      std::move(decided->request),
      [this, command = std::move(command), assessment = std::move(decided->assessment)](
          absl::StatusOr<store::AppendResult> appended) mutable {
        // The state already holds every earlier command on the stream (the log folds a
        // batch into it before calling back), so the version decided on is the stream's:
        // a failure here is the write's, not a race to be decided again. (The status is
        // moved, not copied: the caller's thread must hold its only reference. Debian's
        // abseil counts references with atomics ThreadSanitizer cannot see.)
        if (!appended.ok()) {
          Finished(std::move(command), std::move(appended).status());
          return;
        }
        Finished(std::move(command), Acknowledge(*appended, std::move(assessment)));
      });
}

void CommandRunner::Finished(std::unique_ptr<Command> command,
                             absl::StatusOr<v1::CommandResult> result) {
  const std::string stream = command->stream;
  {
    CommandDone done = std::move(command->done);
    command.reset();
    done(std::move(result));
  }
  std::unique_ptr<Command> next;
  {
    absl::MutexLock lock(&mu_);
    auto it = queued_.find(stream);
    if (it->second.empty()) {
      queued_.erase(it);
      return;
    }
    next = std::move(it->second.front());
    it->second.pop_front();
  }
  // (A next command refused at once finishes inside this call and starts its successor:
  // the depth is at most the stream's queue.)
  Attempt(std::move(next));
}

}  // namespace arrs::engine
