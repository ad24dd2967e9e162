// Runs generated PCN scripts against a command target: the in-process Ledger or arrsd's
// gRPC CommandService. A target is any type with
//   absl::StatusOr<v1::CommandResult> Call(const Request&);
// that sends one request of a script (see Request below) and returns its result.
#ifndef ARRS_BENCH_NATIONAL_DRIVER_H_
#define ARRS_BENCH_NATIONAL_DRIVER_H_

#include <cstdint>
#include <map>
#include <optional>
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

// One request of a script.
using Request = std::variant<v1::RegisterPcnRequest, v1::RecordListSizeRequest,
                             v1::RecordBaselineRequest, v1::SetEntitlementRequest,
                             v1::HireStaffRequest, v1::StaffChangeRequest,
                             v1::SubmitClaimRequest, v1::AssessClaimRequest,
                             v1::PayClaimRequest, v1::CorrectRequest>;

// Walks a script request by request: a claim cycle is submit, assess and (when anything
// was approved) pay the approved total; a correction replaces the claim's submission by
// position. A refused request is counted in `stats` and its claim cycle abandoned.
class ScriptCursor {
 public:
  ScriptCursor(const PcnScript* script, RunStats* stats) : script_(script), stats_(stats) {}

  // The next request to send, given the result of the one Next returned before (ignored
  // on the first call); nullopt when the script is done.
  std::optional<Request> Next(const absl::StatusOr<v1::CommandResult>& last);

 private:
  enum class Sent { kNothing, kSubmit, kAssess, kOther };

  const PcnScript* script_;
  RunStats* stats_;
  size_t index_ = 0;  // the command being sent
  Sent sent_ = Sent::kNothing;
  std::string sent_id_;
  std::map<std::string, uint64_t> submitted_at_;  // claim id -> position
};

// Sends every request of `script` to `target`, in order, each after the one before.
template <typename Target>
void RunScript(Target& target, const PcnScript& script, RunStats* stats) {
  ScriptCursor cursor(&script, stats);
  absl::StatusOr<v1::CommandResult> last = v1::CommandResult();
  while (std::optional<Request> request = cursor.Next(last)) {
    last = target.Call(*request);
  }
}

// Runs every PCN script of `history` against arrsd at `address` with `in_flight` PCNs in
// progress at once (each its own sequence of calls), all driven by one thread through
// gRPC's asynchronous API over `channels` connections: the clients' share of the CPU
// stays small when they run on the server's machine.
RunStats RunScriptsAsync(const NationalHistory& history, const std::string& address,
                         const std::string& token, int in_flight, int channels);

// Calls the Ledger directly, as `actor`.
class LedgerTarget {
 public:
  LedgerTarget(engine::Ledger* ledger, std::string actor);
  absl::StatusOr<v1::CommandResult> Call(const Request& request);

 private:
  engine::Ledger* ledger_;
  std::string actor_;
};

// Calls arrsd's CommandService over `channel` with a bearer token.
class GrpcTarget {
 public:
  GrpcTarget(std::shared_ptr<grpc::Channel> channel, std::string token);
  ~GrpcTarget();
  absl::StatusOr<v1::CommandResult> Call(const Request& request);

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::string token_;
};

}  // namespace arrs::bench

#endif  // ARRS_BENCH_NATIONAL_DRIVER_H_
