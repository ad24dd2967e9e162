// How a command becomes events in the log: decided on the state as it stands, appended
// with the stream version it was decided on. Used by Ledger's commands; internal to
// ledger/engine.
#ifndef ARRS_LEDGER_ENGINE_COMMAND_RUNNER_H_
#define ARRS_LEDGER_ENGINE_COMMAND_RUNNER_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "arrs/v1/api.pb.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/rules/rule_book.h"
#include "ledger/store/event_log.h"

namespace arrs::engine {

class LedgerState;

// What a command is decided on: the state as it stands, read under the state's reader
// lock, which is held while the decision runs (the references are valid only then).
struct DecideInput {
  const std::string& stream;
  // The stream's events in position order (loaded if the state was restored without
  // them); empty for a stream with no events yet.
  const std::vector<const v1::Event*>& events;
  // The stream's model at the head (an empty model for a new or non-PCN stream).
  const domain::PcnModel& head;
  const rules::RuleBook& rules;  // at the head
  uint64_t head_position;        // the log's head
};
// Decides the events of a command from the state as it stands (a pure function of its
// input and of what it captured).
using DecideFn = std::function<absl::StatusOr<domain::Events>(const DecideInput&)>;
using CommandDone = absl::AnyInvocable<void(absl::StatusOr<v1::CommandResult>)>;

// What a command's request is, recorded with its request id so that a different command
// reusing the id is refused rather than answered (store::AppendRequest::request_kind and
// request_digest): the command's name, e.g. "HireStaff", and a digest of the request.
// An empty digest is not compared.
struct RequestKey {
  std::string kind;
  std::string digest;
};

// Runs the ledger's commands: the command's events appended to its stream, each recorded
// as done by `actor`. A request id served before on the stream returns that first result
// (deduplicated) and decides nothing, unless its recorded digest and `key.digest` are both
// set and differ: then the command fails with ALREADY_EXISTS (store::RequestIdReusedError)
// and decides nothing. Commands on one stream run one after another in the order they
// came, each decided once the previous one's append is synced (on the thread that
// completed it), so they never race each other to a stream version; commands on
// different streams share group commits.
//
// Thread safety: Run and RunAndWait may be called from any thread at once. Decisions and
// `done` run on the calling thread or on the log's committing thread.
class CommandRunner {
 public:
  // At most `max_queued_per_stream` commands wait behind the one running on a stream; one
  // more is refused at once (RESOURCE_EXHAUSTED naming the stream and the limit).
  CommandRunner(store::EventLog& log, LedgerState& state, size_t max_queued_per_stream);
  // Commands still queued when destroyed are never run: close the log first (which runs
  // every callback of an append in flight, and so starts and fails the queued commands).
  ~CommandRunner();

  // Without blocking: `done` is called exactly once with the result, after the append is
  // synced (on the log's committing thread), or at once on this thread when nothing is
  // appended. The request behind `header` must stay valid until then; `done` must be
  // quick and must not block on the log.
  void Run(std::string stream, const v1::CommandHeader& header, RequestKey key,
           std::string actor, DecideFn decide, CommandDone done);
  // The same, blocking until the result is known.
  absl::StatusOr<v1::CommandResult> RunAndWait(std::string stream,
                                               const v1::CommandHeader& header,
                                               RequestKey key, std::string actor,
                                               DecideFn decide);

 private:
  struct Command;
  // Runs `command`, then each next command of its stream that finishes at once (refused,
  // or served before), in a loop; returns when one is appending (its append's callback
  // drives the stream on) or the stream's queue is empty. (A log that fails appends at
  // once, as a closed one does, calls back inside Attempt: the nesting is then at most
  // the stream's queue, which is bounded.)
  void Drive(std::unique_ptr<Command> command);
  // Serves or decides `command`: its result when nothing is appended; else nullopt, the
  // command moved into the append's callback.
  std::optional<absl::StatusOr<v1::CommandResult>> Attempt(std::unique_ptr<Command>& command);
  // Tells the caller `result`, then takes the stream's next queued command (nullptr when
  // there is none: the stream is then idle).
  std::unique_ptr<Command> FinishAndTakeNext(std::unique_ptr<Command> command,
                                             absl::StatusOr<v1::CommandResult> result);

  store::EventLog& log_;
  LedgerState& state_;
  const size_t max_queued_per_stream_;
  absl::Mutex mu_;
  // A stream is present while one of its commands runs; the rest wait here in order.
  std::unordered_map<std::string, std::deque<std::unique_ptr<Command>>> queued_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_COMMAND_RUNNER_H_
