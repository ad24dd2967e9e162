// Ledger's life: opening (restore a snapshot, fold the rest of the log), the background
// threads (warming restored streams, periodic snapshots), and closing. Commands are in
// ledger_commands.cc, queries in ledger_queries.cc, the log's administration in
// ledger_admin.cc.
#include "ledger/engine/ledger.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/engine/command_runner.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/engine/log_loader.h"
#include "ledger/engine/snapshot.h"

namespace arrs::engine {

Ledger::Ledger(std::unique_ptr<store::EventLog> log, std::unique_ptr<LedgerState> state)
    : log_(std::move(log)), state_(std::move(state)) {}

Ledger::~Ledger() {
  if (!opened_) {  // Open failed: nothing to snapshot, and no threads were started
    if (listener_id_ >= 0) log_->RemoveListener(listener_id_);
    return;
  }
  stopping_.store(true);
  WaitForWarmUp();
  if (snapshotter_.joinable()) {
    stop_snapshots_.Notify();
    snapshotter_.join();
  }
  if (listener_id_ >= 0) log_->RemoveListener(listener_id_);
  if (options_.snapshot_on_close) {
    // A failure here loses nothing (the log is the record): the next start folds more.
    (void)WriteSnapshot();
  }
  // Closing the log runs the callbacks of appends still in flight, which start (and fail)
  // commands queued behind them; those use the state and commands_, so the log goes first.
  log_.reset();
}

absl::StatusOr<uint64_t> Ledger::WriteSnapshot() {
  absl::MutexLock serialised(&snapshot_mu_);
  const uint64_t head = state_->HeadPosition();
  if (state_->snapshot_disagreed()) {
    // A restored stream's events folded to another model than its snapshot's: no
    // snapshot is trusted any more, so the next start folds the whole log.
    if (absl::Status deleted = log_->DeleteSnapshotsBefore(kLedgerSnapshot, UINT64_MAX);
        !deleted.ok()) {
      return deleted;
    }
    return absl::FailedPreconditionError(
        "a snapshot disagreed with the log: snapshots deleted, none written");
  }
  if (head == 0 || head == last_snapshot_) return head;
  absl::StatusOr<EncodedSnapshot> encoded = EncodeSnapshot(*state_, *log_);
  if (!encoded.ok()) return encoded.status();
  const uint64_t position = encoded->position;
  if (absl::Status put = log_->PutSnapshot(kLedgerSnapshot, position, encoded->bytes);
      !put.ok()) {
    return put;
  }
  last_snapshot_ = position;
  NoteSnapshot(position);
  if (absl::Status pruned = log_->DeleteSnapshotsBefore(kLedgerSnapshot, position);
      !pruned.ok()) {
    return pruned;
  }
  return position;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir,
                                                     LedgerOptions options) {
  if (options.log.create_if_missing) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create the data folder ", dir, ": ", error.message()));
    }
  }
  absl::StatusOr<std::unique_ptr<store::EventLog>> log = store::EventLog::Open(dir, options.log);
  if (!log.ok()) return log.status();
  std::unique_ptr<Ledger> ledger(
      new Ledger(*std::move(log), std::make_unique<LedgerState>()));
  ledger->options_ = options;
  if (options.restore_snapshot) ledger->RestoreLatestSnapshot();
  LedgerState* state = ledger->state_.get();
  // Listen first, then load: Apply skips positions already folded, so an append racing
  // with the load is folded exactly once.
  absl::StatusOr<int> sink = ledger->log_->SetSink(
      [state](std::vector<v1::Event>&& c) { state->Apply(std::move(c)); });
  if (!sink.ok()) return sink.status();
  ledger->listener_id_ = *sink;
  ledger->startup_.events_folded = ledger->log_->head().position - state->HeadPosition();
  if (absl::Status loaded = LoadLog(*ledger->log_, *state); !loaded.ok()) return loaded;
  // A restored stream whose events could not be read for the fold: refuse to open rather
  // than serve a state that answers every query with that error (try again once the
  // storage answers).
  if (absl::Status health = state->Health(); !health.ok()) return health;
  if (ledger->startup_.snapshot_position > 0 && options.warm_after_restore) {
    ledger->startup_.streams_to_warm = ledger->ColdStreams();
    Ledger* self = ledger.get();
    ledger->warmer_ = std::thread([self] { self->WarmStreams(); });
  }
  if (options.snapshot_every_events > 0) {
    Ledger* self = ledger.get();
    ledger->snapshotter_ = std::thread([self] { self->SnapshotPeriodically(); });
  }
  ledger->commands_ = std::make_unique<CommandRunner>(*ledger->log_, *ledger->state_,
                                                      options.max_queued_per_stream);
  ledger->opened_ = true;
  return ledger;
}

void Ledger::SnapshotPeriodically() {
  while (!stop_snapshots_.WaitForNotificationWithTimeout(absl::Seconds(1))) {
    const uint64_t head = state_->HeadPosition();
    uint64_t last = 0;
    {
      absl::MutexLock lock(&snapshot_mu_);
      last = last_snapshot_;
    }
    // A failure loses nothing (the log is the record); the next round tries again.
    if (head >= last + options_.snapshot_every_events) (void)WriteSnapshot();
  }
}

void Ledger::WarmStreams() {
  // One pass over the log in position order (sequential reads, each event decoded once,
  // into arena pages as the full fold reads them), keeping the cold streams' events; a
  // stream is handed to the state as soon as the pass is beyond its last event. Reading
  // each stream by itself instead takes point reads that decode a whole block per event
  // (about twice the time at national scale).
  std::unordered_map<std::string, std::vector<const v1::Event*>> pending;
  std::multimap<uint64_t, std::string> due;  // last position -> stream
  for (const ColdStream& stream : state_->ColdStreams()) {
    due.emplace(stream.last_position, stream.name);
    pending[stream.name].reserve(stream.version);
  }
  constexpr uint64_t kPage = 4096;
  for (uint64_t next = 1; !due.empty();) {
    if (stopping_.load(std::memory_order_relaxed)) return;
    const uint64_t last = due.rbegin()->first;
    std::unique_ptr<google::protobuf::Arena> arena = NewEventPageArena();
    absl::StatusOr<std::vector<v1::Event*>> page = log_->ReadFromArena(
        next, static_cast<size_t>(std::min(kPage, last - next + 1)), arena.get());
    // An error is left for the query or command that needs the stream to report.
    if (!page.ok() || page->empty()) return;
    next = page->back()->position() + 1;
    bool kept = false;  // a page none of whose events is wanted is freed with its arena
    for (const v1::Event* e : *page) {
      auto it = pending.find(e->stream());
      if (it == pending.end()) continue;
      it->second.push_back(e);
      kept = true;
    }
    if (kept) state_->KeepArena(std::move(arena));  // before any of its events is given
    while (!due.empty() && due.begin()->first < next) {
      auto it = pending.find(due.begin()->second);
      (void)state_->GiveEvents(it->first, std::move(it->second));
      pending.erase(it);
      due.erase(due.begin());
    }
  }
}

void Ledger::LoadColdStreams(uint64_t known_at) const {
  for (const ColdStream& stream : state_->ColdStreams()) {
    if (stream.first_position <= known_at && known_at < stream.last_position) {
      // One stream per hold of the state's lock, so commits go on between; an error is
      // reported by the caller's query.
      (void)state_->LoadStream(stream.name);
    }
  }
}

size_t Ledger::ColdStreams() const {
  return state_->ColdStreams().size();
}

void Ledger::WaitForWarmUp() {
  absl::MutexLock lock(&warmer_mu_);
  if (warmer_.joinable()) warmer_.join();
}

void Ledger::RestoreLatestSnapshot() {
  absl::StatusOr<store::EventLog::Snapshot> latest =
      log_->LatestSnapshot(kLedgerSnapshot, log_->head().position);
  if (!latest.ok()) {
    if (!absl::IsNotFound(latest.status())) {
      startup_.snapshot_refused = std::string(latest.status().message());
    }
    return;
  }
  absl::StatusOr<uint64_t> restored = RestoreSnapshot(latest->state, *log_, *state_);
  if (!restored.ok()) {
    startup_.snapshot_refused = absl::StrCat("snapshot at position ", latest->position, ": ",
                                             restored.status().message());
    state_ = std::make_unique<LedgerState>();  // fold the whole log instead
    return;
  }
  startup_.snapshot_position = *restored;
  absl::MutexLock lock(&snapshot_mu_);
  last_snapshot_ = *restored;
  NoteSnapshot(*restored);
}

void Ledger::NoteSnapshot(uint64_t position) {
  snapshot_taken_micros_.store(absl::ToUnixMicros(absl::Now()));
  snapshot_position_.store(position);
}

Ledger::SnapshotStatus Ledger::LatestSnapshot() const {
  SnapshotStatus status;
  status.position = snapshot_position_.load();
  if (status.position > 0) status.taken = absl::FromUnixMicros(snapshot_taken_micros_.load());
  return status;
}

}  // namespace arrs::engine
