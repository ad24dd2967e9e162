// LedgerState: the in-memory side of the Ledger (internal to ledger/engine).
//
// Holds every committed event once (stable addresses), each stream's events in position
// order, each PCN's model folded at the head, the rule book, and the recorded time of
// every position (for known_at given as a time). Fed in position order by Apply.
//
// A state restored from a snapshot (ledger/engine/snapshot.h) starts with each PCN's head
// model but not its events: they are read from the event source the first time something
// needs them (an older view, a command, the audit trail), and folded again then to rebuild
// the stream's checkpoints and the claim models' pointers into the events.
//
// Thread safety: callers hold mu (exclusive for Apply, shared for reads). Reading a
// stream's events under the shared lock is serialised per stream.
#ifndef ARRS_LEDGER_ENGINE_LEDGER_STATE_H_
#define ARRS_LEDGER_ENGINE_LEDGER_STATE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "arrs/v1/events.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/rules/rule_book.h"

namespace arrs::store {
class EventLog;
}

namespace arrs::engine {

// A PCN's model as known at `position` (the head model copied then).
struct Checkpoint {
  uint64_t position = 0;
  std::shared_ptr<const domain::PcnModel> model;
};

struct StreamState {
  // Always valid.
  uint64_t version = 0;  // events in the stream
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  domain::PcnModel head;  // PCN streams only
  // Valid once events_loaded (see LedgerState::LoadEvents).
  std::vector<const v1::Event*> events;  // position order
  // Taken every kCheckpointEvery events and at every correction, so that a model as
  // known at an older position is a checkpoint plus the few ordinary events after it.
  std::vector<Checkpoint> checkpoints;

  // False only for a stream restored from a snapshot whose events have not been read.
  std::atomic<bool> events_loaded{true};
  absl::Mutex load_mu;                 // serialises reading the events
  // The events read on first use (owned here); those the warm-up read live in arenas the
  // state keeps (KeepArena), and this stays empty.
  std::vector<v1::Event> read_events;
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

  // Where a restored state reads the events of its streams. Not owned.
  void SetEventSource(const store::EventLog* source) { source_ = source; }

  // The stream (nullptr if unknown). Its events and checkpoints may not be loaded: use
  // FindLoaded for those. The head model's figures are always valid, its claims' event
  // pointers only once the events are loaded.
  const StreamState* Find(const std::string& stream) const ABSL_SHARED_LOCKS_REQUIRED(mu);
  // The same, with its events loaded (read from the event source if not yet). Errors:
  // the source's read errors; DATA_LOSS when the events read disagree with the snapshot.
  absl::StatusOr<const StreamState*> FindLoaded(const std::string& stream) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  // Reads and folds `stream`'s events if it was restored without them.
  absl::Status LoadEvents(const std::string& name, const StreamState& stream) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  // The same with the events given (all of the stream's, in order, as read from the log
  // by the caller, in an arena handed over by KeepArena first); nothing is done if the
  // stream is unknown or its events are loaded.
  absl::Status GiveEvents(const std::string& name, std::vector<const v1::Event*> events) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  // Keeps `arena` (events read for GiveEvents) as long as the state. Any lock or none.
  void KeepArena(std::unique_ptr<google::protobuf::Arena> arena) const;
  // The PCN's model as known at `known_at`: the cached head model when known_at >= its
  // last position (no events read), else the latest checkpoint at or before known_at with
  // the stream's later events up to known_at applied (none of them a correction: one
  // would have been checkpointed), else a fold of its own stream. nullptr if the stream
  // is unknown. `scratch` holds a fold when one is needed. Errors as FindLoaded.
  absl::StatusOr<const domain::PcnModel*> ModelAt(const std::string& stream, uint64_t known_at,
                                                  domain::PcnModel* scratch) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  // Calls visit(const domain::PcnModel&) for each PCN registered as known at `known_at`,
  // in stream-name order. Errors as FindLoaded (visiting stops).
  template <typename Visit>
  absl::Status ForEachPcnAt(uint64_t known_at, Visit visit) const
      ABSL_SHARED_LOCKS_REQUIRED(mu) {
    for (const auto& [name, stream] : streams) {
      domain::PcnModel scratch;
      absl::StatusOr<const domain::PcnModel*> pcn = ModelAt(name, known_at, &scratch);
      if (!pcn.ok()) return pcn.status();
      if (*pcn != nullptr && (*pcn)->registered) visit(**pcn);
    }
    return absl::OkStatus();
  }
  // The version of the rule book's rules for `financial_year` at the head (nullopt when
  // none is published). Takes the reader lock.
  std::optional<std::string> RulesVersionInForce(int financial_year) const
      ABSL_LOCKS_EXCLUDED(mu);
  // OK, or why the state stopped following the log (an event that could not be folded).
  absl::Status health() const ABSL_SHARED_LOCKS_REQUIRED(mu) { return broken_; }
  // True once a restored stream's events were found to fold to another model than the
  // snapshot's: the snapshots must not be trusted (the Ledger deletes them).
  bool snapshot_disagreed() const { return snapshot_disagreed_.load(); }

  // The last position recorded at or before `micros` (0 if none).
  uint64_t PositionAtTime(int64_t micros) const ABSL_SHARED_LOCKS_REQUIRED(mu);
  // recorded_at_micros of every position folded (index = position - 1), as folded.
  const std::vector<int64_t>& recorded_at() const ABSL_SHARED_LOCKS_REQUIRED(mu) {
    return recorded_at_;
  }

  // Restoring from a snapshot, into an empty state: the positions' recorded times, then
  // each stream (PCN streams with their head model and no events), then the events of
  // the other streams (the rule book's), which are folded as they are given.
  void RestoreRecordedAt(std::vector<int64_t> recorded_at) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  StreamState& RestoreStream(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  void RestoreEvents(const std::string& name, std::vector<v1::Event> events)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  static constexpr size_t kCheckpointEvery = 64;

  mutable absl::Mutex mu;
  uint64_t head_position ABSL_GUARDED_BY(mu) = 0;
  rules::RuleBook rules ABSL_GUARDED_BY(mu);
  std::map<std::string, StreamState> streams ABSL_GUARDED_BY(mu);

 private:
  // Folds `e`, the event after head_position, which this state owns.
  void Fold(const v1::Event* e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  // A stream's events as read: `events` in order, each owned by `owned` or by an arena
  // the state keeps.
  struct ReadEvents {
    std::vector<v1::Event> owned;
    std::vector<const v1::Event*> events;
  };
  // Unless `restored`'s events are loaded (checked before and after taking its load_mu),
  // installs those `read` gives (called under load_mu, so once per stream).
  absl::Status InstallOnce(const std::string& name, const StreamState& restored,
                           absl::FunctionRef<absl::StatusOr<ReadEvents>()> read) const
      ABSL_SHARED_LOCKS_REQUIRED(mu);
  // Installs a restored stream's events (caller holds stream.load_mu), checking the model
  // they fold to against the snapshot's, field for field, and keeping the fold's
  // checkpoints and claim pointers.
  absl::Status InstallEvents(const std::string& name, StreamState& stream,
                             ReadEvents read) const ABSL_SHARED_LOCKS_REQUIRED(mu);

  const store::EventLog* source_ = nullptr;
  mutable std::atomic<bool> snapshot_disagreed_{false};
  // Set when an event could not be folded because its stream's earlier events could not
  // be read: the state is then wrong, and every read of it returns this error.
  absl::Status broken_ ABSL_GUARDED_BY(mu);

  // Every event folded is owned by one of these (stable addresses).
  std::deque<v1::Event> events_ ABSL_GUARDED_BY(mu);
  std::vector<std::unique_ptr<google::protobuf::Arena>> arenas_ ABSL_GUARDED_BY(mu);
  mutable absl::Mutex kept_mu_;  // KeepArena's, taken with or without mu
  mutable std::vector<std::unique_ptr<google::protobuf::Arena>> kept_arenas_
      ABSL_GUARDED_BY(kept_mu_);
  std::vector<int64_t> recorded_at_ ABSL_GUARDED_BY(mu);  // index = position - 1
};

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_LEDGER_STATE_H_
