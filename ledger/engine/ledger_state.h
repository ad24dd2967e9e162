// LedgerState: the in-memory side of the Ledger (internal to ledger/engine).
//
// Holds every committed event once, each stream's events in position order, each PCN's
// model folded at the head, the rule book, and the recorded time of every position (for
// known_at given as a time). Fed in position order by Apply.
//
// A state restored from a snapshot (ledger/engine/snapshot.h) starts with each PCN's head
// model but not its events: they are read from the event source the first time something
// needs them (an older view, a command, the audit trail), and folded again then to rebuild
// the stream's checkpoints and the claim models' pointers into the events.
//
// The events are owned one way: by the state's EventPages (event_pages.h), in pages kept
// for the state's life; `StreamState::events` and the claim models only point at them.
//
// Locks: mu (private) guards everything but a stream's events-loaded flag. Every method
// takes it itself, as its comment says: Apply exclusively; reads shared. A restored
// stream's events are installed under mu *shared* (so queries and decisions can load a
// cold stream without stopping commits) and under the stream's own load_mu, which
// serialises the loading of that one stream; its readers see events_loaded (acquire)
// before touching its events. Lock order: mu, then a stream's load_mu, then the event
// pages' own (leaf) lock.
// Callbacks given to Read*/ForEach* run under mu shared: they must not call back into
// the state or append to the log.
//
// Thread safety: all methods may be called concurrently.
#ifndef ARRS_LEDGER_ENGINE_LEDGER_STATE_H_
#define ARRS_LEDGER_ENGINE_LEDGER_STATE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "arrs/v1/api.pb.h"
#include "arrs/v1/events.pb.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/engine/event_pages.h"
#include "ledger/rules/rule_book.h"

namespace arrs::store {
class EventLog;
}

namespace arrs::engine {

struct EncodedSnapshot;

// A PCN's model as known at `position` (the head model copied then), when the stream
// held `events` events.
struct Checkpoint {
  uint64_t position = 0;
  size_t events = 0;
  std::shared_ptr<const domain::PcnModel> model;
};

struct StreamState {
  // Always valid.
  uint64_t version = 0;  // events in the stream
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  domain::PcnModel head;  // PCN streams only
  // Valid once events_loaded (see LedgerState::LoadStream).
  std::vector<const v1::Event*> events;  // position order
  // Taken so that a model as known at an older position is a checkpoint plus the events
  // after it, each costing no more to copy than twice the events folded since the one
  // before: the next is taken once the stream has grown by max(kCheckpointEvery, half
  // the head's CopyWeight) events. So a stream's checkpoints together hold at most twice
  // as many entries as it has events (not one head's worth every kCheckpointEvery
  // events, which grows with the square of its length: 3.2 GB for three streams of
  // 15,600 hires), and an old view costs one copy and a fold of no more events than
  // the copy's entries. Position order.
  std::vector<Checkpoint> checkpoints;

  // False only for a stream restored from a snapshot whose events have not been read.
  std::atomic<bool> events_loaded{true};
  absl::Mutex load_mu;  // serialises reading the events
};

// What a read of one stream sees: valid only during the callback.
struct StreamRead {
  // The stream's model: at the head (ReadStreamAtHead), or as known at known_at
  // (ReadPcnAt); an empty model for an unknown stream.
  const domain::PcnModel& model;
  // The stream's events (position order) when asked for, else empty.
  const std::vector<const v1::Event*>& events;
  uint64_t version;  // the stream's version (events in it) at the head
  const rules::RuleBook& rules;
  uint64_t head_position;  // the log position folded last
  bool known;              // the stream exists (as known at known_at for ReadPcnAt)
};

// A restored stream whose events have not been read yet.
struct ColdStream {
  std::string name;
  uint64_t version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
};

class LedgerState {
 public:
  // The fewest events between two checkpoints of a stream (see StreamState::checkpoints).
  static constexpr size_t kCheckpointEvery = 64;
  // What copying `model` costs, counted in the entries it holds (staff and claims).
  static size_t CopyWeight(const domain::PcnModel& model);

  // Folds committed events (position order, contiguous with what came before; positions
  // already folded are skipped). Takes mu exclusively.
  void Apply(const std::vector<v1::Event>& committed) ABSL_LOCKS_EXCLUDED(mu_);
  // The same, taking the events over instead of copying them.
  void Apply(std::vector<v1::Event>&& committed) ABSL_LOCKS_EXCLUDED(mu_);
  // The same for events parsed into `arena` (loading the log), keeping the arena.
  void Apply(std::unique_ptr<google::protobuf::Arena> arena,
             const std::vector<v1::Event*>& loaded) ABSL_LOCKS_EXCLUDED(mu_);

  // Where a restored state reads the events of its streams. Not owned.
  void SetEventSource(const store::EventLog* source) { source_ = source; }

  // OK, or why the state stopped following the log: an event could not be folded because
  // its restored stream's earlier events could not be read (the read's own code, the
  // position and the stream named). Only the fold at open can meet that (commands read
  // their stream first), and every read of the state answers it from then on: a Ledger
  // whose open meets it does not open. Takes mu shared.
  absl::Status Health() const ABSL_LOCKS_EXCLUDED(mu_);
  // The log position folded last (0 before any). Takes mu shared.
  uint64_t HeadPosition() const ABSL_LOCKS_EXCLUDED(mu_);
  // The log position a KnownAt names: the head when unset, the last position recorded at
  // or before a time; INVALID_ARGUMENT for a position outside 1..head. Takes mu shared.
  absl::StatusOr<uint64_t> ResolveKnownAt(const v1::KnownAt& known_at) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // The ICB of the PCN whose stream this is, at the head ("" when unknown).
  std::string IcbOf(const std::string& stream) const ABSL_LOCKS_EXCLUDED(mu_);
  // The version of the rules for `financial_year` at the head (nullopt when none is
  // published). Takes mu shared.
  std::optional<std::string> RulesVersionInForce(int financial_year) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // The rule version in force for `financial_year` as known at `known_at`, with the
  // position it was published at (nullopt when none). Takes mu shared.
  std::optional<std::pair<v1::FinancialYearRules, uint64_t>> RulesInForce(
      int financial_year, uint64_t known_at) const ABSL_LOCKS_EXCLUDED(mu_);

  // Calls read(const StreamRead&) under mu shared with the stream at the head, its events
  // loaded (read from the event source if not yet), and returns what it returns. Errors
  // (returned instead): the source's read errors; DATA_LOSS when the events read
  // disagree with the snapshot, or the state stopped following the log.
  template <typename Result, typename Read>
  absl::StatusOr<Result> ReadStreamAtHead(const std::string& stream, Read read)
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock lock(&mu_);
    absl::StatusOr<StreamState*> found = FindLoaded(stream);
    if (!found.ok()) return found.status();
    const StreamState* s = *found;
    return read(StreamRead{s ? s->head : EmptyModel(), s ? s->events : NoEvents(),
                           s ? s->version : 0, rules_, head_position_, s != nullptr});
  }
  // Calls read(const StreamRead&) under mu shared with the PCN's model as known at
  // `known_at` (see ModelAt) and, if `with_events`, the stream's events (loaded first),
  // and returns what it returns. Errors as ReadStreamAtHead.
  template <typename Result, typename Read>
  absl::StatusOr<Result> ReadPcnAt(const std::string& stream, uint64_t known_at,
                                   bool with_events, Read read) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock lock(&mu_);
    domain::PcnModel scratch;
    absl::StatusOr<const domain::PcnModel*> model = ModelAt(stream, known_at, &scratch);
    if (!model.ok()) return model.status();
    const std::vector<const v1::Event*>* events = &NoEvents();
    uint64_t version = 0;
    if (with_events && *model != nullptr) {
      absl::StatusOr<StreamState*> found = FindLoaded(stream);
      if (!found.ok()) return found.status();
      events = &(*found)->events;
      version = (*found)->version;
    }
    return read(StreamRead{*model ? **model : EmptyModel(), *events, version, rules_,
                           head_position_, *model != nullptr});
  }
  // Calls visit(const domain::PcnModel&) for each PCN registered as known at `known_at`,
  // in stream-name order, under mu shared. Errors as ReadStreamAtHead (visiting stops).
  template <typename Visit>
  absl::Status ForEachPcnAt(uint64_t known_at, Visit visit) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, stream] : streams_) {
      domain::PcnModel scratch;
      absl::StatusOr<const domain::PcnModel*> pcn = ModelAt(name, known_at, &scratch);
      if (!pcn.ok()) return pcn.status();
      if (*pcn != nullptr && (*pcn)->registered) visit(**pcn);
    }
    return absl::OkStatus();
  }
  // Calls visit(const std::string& name, const StreamState&) for every stream, in name
  // order, under mu shared (a stream's events only if its events_loaded is true).
  template <typename Visit>
  void ForEachStream(Visit visit) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, stream] : streams_) visit(name, stream);
  }

  // The restored streams whose events have not been read yet, in name order.
  std::vector<ColdStream> ColdStreams() const ABSL_LOCKS_EXCLUDED(mu_);
  // Reads and folds a restored stream's events if they are not loaded yet (nothing for an
  // unknown or loaded stream). Takes mu shared and the stream's load_mu (see the class
  // comment). Errors as ReadStreamAtHead.
  absl::Status LoadStream(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // The same with the events given (all of the stream's, in order, as read from the log
  // by the caller, in an arena handed over by KeepArena first).
  absl::Status GiveEvents(const std::string& name, std::vector<const v1::Event*> events)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Keeps `arena` (events read for GiveEvents) as long as the state. Takes the pages'
  // leaf lock only.
  void KeepArena(std::unique_ptr<google::protobuf::Arena> arena) {
    pages_.KeepArena(std::move(arena));
  }

  // True once a restored stream's events were found to fold to another model than the
  // snapshot's: the snapshots must not be trusted (the Ledger deletes them).
  bool snapshot_disagreed() const { return snapshot_disagreed_.load(); }

 private:
  // The snapshot's encoder and decoder read and install the state's private parts.
  friend absl::StatusOr<EncodedSnapshot> EncodeSnapshot(LedgerState& state,
                                                        const store::EventLog& log);
  friend absl::StatusOr<uint64_t> RestoreSnapshot(const std::string& bytes,
                                                  const store::EventLog& log,
                                                  LedgerState& state);

  static const domain::PcnModel& EmptyModel();
  static const std::vector<const v1::Event*>& NoEvents();

  // Folds `e`, the event at head_position_ + 1, which this state owns.
  void Fold(const v1::Event* e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  StreamState* Find(const std::string& stream) ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The stream with its events loaded (nullptr if unknown). Errors as ReadStreamAtHead.
  absl::StatusOr<StreamState*> FindLoaded(const std::string& stream)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Reads and folds `stream`'s events if it was restored without them.
  absl::Status LoadEvents(const std::string& name, StreamState& stream)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The PCN's model as known at `known_at`: the cached head model when known_at >= its
  // last position (no events read), else the latest checkpoint at or before known_at that
  // no correction known then reaches into, with the stream's later events up to known_at
  // folded on top (FoldFromCheckpoint in the .cc), else a fold of its own stream. nullptr
  // if the stream is unknown then. `scratch` holds a fold when one is needed.
  absl::StatusOr<const domain::PcnModel*> ModelAt(const std::string& stream, uint64_t known_at,
                                                  domain::PcnModel* scratch)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The last position recorded at or before `micros` (0 if none).
  uint64_t PositionAtTime(int64_t micros) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // A stream's events as read: `events` in order, each owned by `owned` (kept in the
  // pages once installed) or by an arena already kept.
  struct ReadEvents {
    std::vector<v1::Event> owned;
    std::vector<const v1::Event*> events;
  };
  // Unless `stream`'s events are loaded (checked before and after taking its load_mu),
  // installs those `read` gives (called under load_mu, so once per stream).
  absl::Status InstallOnce(const std::string& name, StreamState& stream,
                           absl::FunctionRef<absl::StatusOr<ReadEvents>()> read)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Installs a restored stream's events (caller holds stream.load_mu), checking the model
  // they fold to against the snapshot's, field for field, and keeping the fold's
  // checkpoints and claim pointers.
  absl::Status InstallEvents(const std::string& name, StreamState& stream, ReadEvents read)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Restoring from a snapshot, into an empty state (RestoreSnapshot): the positions'
  // recorded times, then each stream (PCN streams with their head model and no events),
  // then the events of the other streams (the rule book's), folded as they are given.
  void RestoreRecordedAt(std::vector<int64_t> recorded_at) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  StreamState& RestoreStream(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RestoreEvents(const std::string& name, std::vector<v1::Event> events)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  uint64_t head_position_ ABSL_GUARDED_BY(mu_) = 0;
  rules::RuleBook rules_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, StreamState> streams_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> recorded_at_ ABSL_GUARDED_BY(mu_);  // index = position - 1
  // Set when an event could not be folded because its stream's earlier events could not
  // be read: the state is then wrong, and every read of it returns this error.
  absl::Status broken_ ABSL_GUARDED_BY(mu_);

  const store::EventLog* source_ = nullptr;
  std::atomic<bool> snapshot_disagreed_{false};

  // The owner of every event the state points at (see the class comment).
  EventPages pages_;
};

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_LEDGER_STATE_H_
