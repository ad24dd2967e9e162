// LedgerState: the in-memory side of the Ledger (internal to ledger/engine).
//
// Holds every committed event once (stable addresses), each stream's events in position
// order, each PCN's model folded at the head, the rule book, and the recorded time of
// every position (for known_at given as a time). Fed in position order by Apply.
//
// Thread safety: callers hold mu (exclusive for Apply, shared for reads).
#ifndef ARRS_LEDGER_ENGINE_LEDGER_STATE_H_
#define ARRS_LEDGER_ENGINE_LEDGER_STATE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "arrs/v1/events.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/rules/rule_book.h"

namespace arrs::engine {

// A PCN's model as known at `position` (the head model copied then).
struct Checkpoint {
  uint64_t position = 0;
  std::shared_ptr<const domain::PcnModel> model;
};

struct StreamState {
  std::vector<const v1::Event*> events;  // position order
  domain::PcnModel head;                 // PCN streams only
  // Taken every kCheckpointEvery events and at every correction, so that a model as
  // known at an older position is a checkpoint plus the few ordinary events after it.
  std::vector<Checkpoint> checkpoints;
};

class LedgerState {
 public:
  // Folds committed events (position order, contiguous with what came before).
  void Apply(const std::vector<v1::Event>& committed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // The same, taking the events over instead of copying them.
  void Apply(std::vector<v1::Event>&& committed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // The same for events parsed into `arena` (loading the log), keeping the arena.
  void Apply(std::unique_ptr<google::protobuf::Arena> arena,
             const std::vector<v1::Event*>& loaded) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  const StreamState* Find(const std::string& stream) const ABSL_SHARED_LOCKS_REQUIRED(mu);
  // The PCN's model as known at `known_at`: the cached head model when known_at >= its
  // last position, else the latest checkpoint at or before known_at with the stream's
  // later events up to known_at applied (none of them a correction: one would have been
  // checkpointed), else a fold of its own stream. nullptr if the stream is unknown.
  // `scratch` holds a fold when one is needed.
  const domain::PcnModel* ModelAt(const std::string& stream, uint64_t known_at,
                                  domain::PcnModel* scratch) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  // Calls visit(const domain::PcnModel&) for each PCN registered as known at `known_at`,
  // in stream-name order.
  template <typename Visit>
  void ForEachPcnAt(uint64_t known_at, Visit visit) const ABSL_SHARED_LOCKS_REQUIRED(mu) {
    for (const auto& [name, stream] : streams) {
      domain::PcnModel scratch;
      const domain::PcnModel* pcn = ModelAt(name, known_at, &scratch);
      if (pcn != nullptr && pcn->registered) visit(*pcn);
    }
  }
  // The last position recorded at or before `micros` (0 if none).
  uint64_t PositionAtTime(int64_t micros) const ABSL_SHARED_LOCKS_REQUIRED(mu);

  // Serialises deciding-and-appending per stream (striped), so concurrent commands on one
  // PCN queue up instead of racing to the same stream version; different streams still
  // share group commits.
  absl::Mutex& StreamWriteLock(const std::string& stream);

  static constexpr size_t kCheckpointEvery = 64;

  mutable absl::Mutex mu;
  uint64_t head_position ABSL_GUARDED_BY(mu) = 0;
  rules::RuleBook rules ABSL_GUARDED_BY(mu);
  std::map<std::string, StreamState> streams ABSL_GUARDED_BY(mu);

 private:
  static constexpr size_t kWriteLockStripes = 256;
  absl::Mutex write_locks_[kWriteLockStripes];
  // Folds `e`, the event after head_position, which this state owns.
  void Fold(const v1::Event* e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Every event folded is owned by one of these (stable addresses).
  std::deque<v1::Event> events_ ABSL_GUARDED_BY(mu);
  std::vector<std::unique_ptr<google::protobuf::Arena>> arenas_ ABSL_GUARDED_BY(mu);
  std::vector<int64_t> recorded_at_ ABSL_GUARDED_BY(mu);  // index = position - 1
};

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_LEDGER_STATE_H_
