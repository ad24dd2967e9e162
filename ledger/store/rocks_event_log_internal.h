// RocksEventLog: EventLog on RocksDB (the contract is event_log.h's). Internal to
// ledger/store: included only by the files that implement it, each with one job:
//   rocks_event_log.cc   construction and closing, reads, listeners, snapshots, stats
//   rocks_open.cc        opening the folder: options, column families, format check
//                        and the migration of a format-1 folder
//   rocks_commit.cc      CommitGroup: staging a group of requests, writing it, publishing
//   rocks_syncer.cc      the syncer thread, the undo after a failed sync, WhenSettled
//   rocks_maintenance.cc flushing and compacting on request (FlushLog, CompactLog)
// and, with no RocksEventLog around it, index_repair.cc (arrsctl repair-index) opens the
// folder through OpenForRepair.
//
// Writers. Appends are group-committed by their callers or, for asynchronous appends, by
// the committer's thread (GroupCommitter). CommitGroup, run by one leading thread at a time
// under write_mu_, is the only writer of the events, streams, requests and meta column
// families. It stages a group of requests on top of the last batch written (tip_) plus
// what the group itself staged, and writes one WriteBatch.
//
// Readers take the published head (head_) first and never return anything beyond it, so
// a batch written but not yet published (or failed) is invisible to them.
//
// Pipelined sync. A lone request, with nothing in flight, is written with sync = true and
// published on the spot. Otherwise the batch is written without a sync and handed to the
// syncer thread, and the lead passes on at once, so that the next group is written while
// the disk syncs this one. The syncer calls SyncWAL() for every batch written so far, then
// publishes those batches in order and finishes their groups: nothing is acknowledged or
// visible before a sync that began after it was written has succeeded. When a sync fails,
// every batch not known to be synced fails, and the syncer undoes them (deletes their
// keys, puts back the published head) in one synced batch before the next group is
// staged; until that undo is written, appends fail.
//
// The pipeline's states (each a condition on the fields below):
//
//   state            | encoded by                                  | appends
//   -----------------+---------------------------------------------+-----------------------
//   idle             | unsynced_ empty, !syncing_, !pending_undo_; | a lone request is
//                    | tip_ == head_, tip_versions_ unused         | written synced and
//                    |                                             | published by its caller
//   written unsynced | unsynced_ not empty (batches written with   | each group stages on
//                    | sync = false); tip_ ahead of head_,         | tip_, is written and
//                    | tip_versions_ holds the streams they moved  | queued behind them
//   syncing          | syncing_ (the syncer took unsynced_ and     | as above (unsynced_
//                    | runs SyncWAL); unsynced_ may fill again     | fills again)
//   undo pending     | pending_undo_ set (the undo of failed       | every group retries the
//                    | batches could not be written); tip_ ==      | undo first and fails
//                    | head_, tip_versions_ empty, unsynced_ empty | while it fails
//
//   Transitions (who makes them):
//   idle -> idle                   lone request written synced (CommitGroup)
//   any but undo -> written        group written unsynced, HandToSyncer (CommitGroup)
//   (syncing and written stay)     a write failed: FailUnsynced marks every batch in
//                                  unsynced_ (CommitGroup); a SyncWAL already begun goes on
//   written -> syncing             SyncLoop takes unsynced_ (syncing_ = true)
//   syncing -> idle | written      SyncWAL succeeded: Publish, Finished, syncing_ = false
//                                  (written when more batches were handed over meanwhile)
//   syncing -> idle | undo pending SyncWAL failed: Undo fails those batches and every
//                                  later one, and writes their undo (pending if it fails)
//   written -> idle | undo pending a write failed while batches waited for their sync
//                                  (FailUnsynced marks them): SyncLoop takes them and,
//                                  without calling SyncWAL, Undoes them as above
//   undo pending -> idle           WritePendingUndo succeeds (CommitGroup, WhenSettled,
//                                  the destructor)
//   While Undo waits for write_mu_, undo_waiting_ is set so that WhenSettled (which holds
//   write_mu_ waiting for the pipeline to drain) steps aside.
//
// Lock order: write_mu_ before sync_mu_ before state_mu_. listeners_mu_ is taken after
// state_mu_ is released (Publish), possibly under write_mu_, never with sync_mu_ or
// state_mu_ held. GroupCommitter's own lock is never held while CommitGroup runs.
#ifndef ARRS_LEDGER_STORE_ROCKS_EVENT_LOG_INTERNAL_H_
#define ARRS_LEDGER_STORE_ROCKS_EVENT_LOG_INTERNAL_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "ledger/store/event_log.h"
#include "ledger/store/group_committer.h"
#include "ledger/store/log_format.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace arrs::store::internal {

inline rocksdb::Slice ToSlice(const std::string& s) { return rocksdb::Slice(s.data(), s.size()); }
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// The log's column families by name (see event_log.h for what each holds). Not owned.
struct Families {
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* requests = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
};

// Owns an open DB and all its column family handles (ours and any others the folder
// holds) until closed.
struct OpenDb {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  OpenDb() = default;
  OpenDb(const OpenDb&) = delete;
  OpenDb& operator=(const OpenDb&) = delete;
  ~OpenDb() { Close(); }

  void Close();
};

// Opens `dir`, which must hold an event log of the current format with all its column
// families, read-write with the log's options but no EventLog around it (for an offline
// admin job: index_repair.cc), and reads its head. Errors: FAILED_PRECONDITION when
// another process (a running arrsd) holds the folder's lock, or the folder is not an
// event log of the current format; NOT_FOUND when there is no folder; RocksDB's errors.
// The derived families (streams, requests) may be missing: they are created empty.
absl::Status OpenForRepair(const std::string& dir, OpenDb* open, Families* families, Head* head);
// Drops the derived column family `name` (streams or requests) of a folder opened by
// OpenForRepair, files and all, and creates it again empty with the log's options;
// `*handle` is its handle, replaced (in `open` too).
absl::Status RecreateFamily(OpenDb* open, const std::string& name,
                            rocksdb::ColumnFamilyHandle** handle);

// A batch written without a sync (or a group with nothing to write, queued behind one):
// the syncer publishes and finishes it after the next successful sync.
struct UnsyncedBatch {
  std::vector<PendingAppend*> group;
  std::vector<PendingAppend*> writers;                 // the members whose events the batch holds
  Head head;                                           // the log's head once the batch is published
  std::unordered_map<std::string, uint64_t> versions;  // stream versions it leaves
  // Not OK once a write after this batch failed before the syncer took it: the batch is
  // then never synced (SyncWAL would meet the WAL writer's error, and Debian's RocksDB
  // asserts) but failed and undone, with this error, as after a failed sync.
  absl::Status later_write_failed;
};

// A group being staged by CommitGroup: the batch and what it moves on.
struct StagedGroup {
  rocksdb::WriteBatch batch;
  uint64_t position = 0;  // the last position staged (tip_ before the first request)
  std::string prev_hash;  // the hash at `position`
  int64_t now = 0;        // recorded_at of every event of the group
  std::unordered_map<std::string, uint64_t> versions;      // streams the group moved on
  std::unordered_map<std::string, PendingAppend*> staged;  // RequestKey -> its request
  std::vector<PendingAppend*> writers;
  std::vector<std::pair<PendingAppend*, PendingAppend*>> duplicates;  // (retry, original)
};

class RocksEventLog final : public EventLog {
 public:
  RocksEventLog(std::string dir, LogOptions options, std::unique_ptr<OpenDb> open,
                Families families, Head head);
  // Stops the committer (everything queued is committed and synced), stops the syncer,
  // tries a pending undo once more and closes the DB.
  ~RocksEventLog() override;

  absl::StatusOr<AppendResult> Append(AppendRequest request) override;
  void AppendAsync(AppendRequest request, AppendCallback done) override;
  absl::StatusOr<std::vector<v1::Event>> ReadFrom(uint64_t from_position,
                                                  size_t max_events) const override;
  absl::StatusOr<std::vector<v1::Event*>> ReadFromArena(
      uint64_t from_position, size_t max_events, google::protobuf::Arena* arena) const override;
  absl::StatusOr<std::vector<v1::Event>> ReadStream(const std::string& stream,
                                                    uint64_t from_version,
                                                    size_t max_events) const override;
  absl::StatusOr<v1::Event> Get(uint64_t position) const override;
  absl::StatusOr<std::optional<AppendResult>> FindRequest(
      const std::string& stream, const std::string& request_id) const override;
  Head head() const override;
  absl::StatusOr<uint64_t> StreamVersion(const std::string& stream) const override;
  VerifyReport Verify() const override;
  int AddListener(AppendListener listener) override;
  absl::StatusOr<int> SetSink(AppendSink sink) override;
  void RemoveListener(int id) override;
  absl::Status PutSnapshot(const std::string& projection, uint64_t position,
                           const std::string& state) override;
  absl::Status DeleteSnapshotsBefore(const std::string& projection, uint64_t position) override;
  absl::StatusOr<Snapshot> LatestSnapshot(const std::string& projection,
                                          uint64_t at_or_before) const override;
  absl::Status Checkpoint(const std::string& target_dir) const override;
  LogStats Stats() const override;
  WriteProgress Progress() const override;
  absl::Status WritingStopped() const override;

  // rocks_maintenance.cc: FlushLog and CompactLog (rocks_event_log.h).
  absl::Status Flush();
  absl::Status Compact();

 private:
  // --- Reads (rocks_event_log.cc) ---
  // Parses up to `max_events` events from `from_position` on (never beyond the published
  // head) into the events `next_event()` hands out, after telling `reserve` how many.
  absl::Status ScanFrom(uint64_t from_position, size_t max_events,
                        const std::function<void(size_t)>& reserve,
                        const std::function<v1::Event*()>& next_event) const;
  absl::StatusOr<v1::Event> ReadEvent(uint64_t position, std::string* value) const;
  uint64_t PublishedPosition() const ABSL_LOCKS_EXCLUDED(state_mu_);
  // The published version of `stream`, from the cache or else from the streams column
  // family (last key of the stream's prefix at or below the published head).
  absl::StatusOr<uint64_t> LoadVersionLocked(const std::string& stream, bool cache_unknown) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_);
  // Snapshot writes never wait behind a write stall (see docs/RELIABILITY.md, "RocksDB
  // and ThreadSanitizer").
  rocksdb::WriteOptions SnapshotWrite() const;
  absl::Status CheckpointNow(const std::string& target_dir) const;
  int64_t NowMicros() const;
  // FAILED_PRECONDITION naming `what` when the log was opened read-only.
  absl::Status WritableOrError(const char* what) const;
  // Checks the request and hashes its payloads, on the caller's thread: that parallelises
  // the costliest part of an append.
  absl::Status Prepare(AppendRequest& request) const;

  // --- Commit (rocks_commit.cc) ---
  // Runs on the leading thread, one group at a time, in queue order. Returns true when the
  // group is finished, false when the syncer thread will finish it.
  bool CommitGroup(const std::vector<PendingAppend*>& group, bool more_queued)
      ABSL_LOCKS_EXCLUDED(write_mu_);
  // Writes a pending undo and clears a failed write's error state; not OK (the group
  // fails with it) while the undo cannot be written, or for good once stopped_.
  absl::Status ReadyToWrite() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // When `s` (a write's or Resume()'s status) carries RocksDB's fatal severity or worse,
  // sets stopped_ (once, logged on stderr) and returns true.
  // (const: WritePendingUndo, which Verify and Checkpoint call, may stop the log.)
  bool StopIfFatal(const rocksdb::Status& s) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Answers `pending` when its request id was used on its stream before (by the group
  // itself, a batch in flight or the log): a retry gets the first result (or, within the
  // group, is resolved after the write), a different request ALREADY_EXISTS. Returns
  // false when the id is new.
  bool ResolveDuplicate(PendingAppend* pending, const std::string& request_key, StagedGroup& staged)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The version `stream` is at for the group: staged by it, written by a batch in flight,
  // or published.
  absl::StatusOr<uint64_t> StagedVersion(const std::string& stream, const StagedGroup& staged) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stamps the request's events (positions, versions, hash chain) and adds them, their
  // stream-index entries and the request record to the batch.
  void StageRequest(PendingAppend* pending, std::string request_key, uint64_t version,
                    StagedGroup& staged) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Writes the staged batch: synced and published at once when nothing else is in flight,
  // else unsynced and handed to the syncer (returns false then, as CommitGroup does).
  bool WriteBatchOrPipeline(const std::vector<PendingAppend*>& group, StagedGroup& staged,
                            bool in_flight, bool more_queued)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Makes a written batch visible: the new head and stream versions, then the listeners.
  void Publish(UnsyncedBatch& batch, bool synced) ABSL_LOCKS_EXCLUDED(state_mu_);
  // Moves the tip (the last batch written) and the position Stats() reports with it.
  void SetTip(Head tip) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // What a retry of the recorded request gets: its first result, deduplicated.
  static AppendResult ServedResult(RequestRecord record);
  // Gives every member a status of its own (see docs/RELIABILITY.md, "RocksDB and
  // ThreadSanitizer": no shared reference-counted message).
  template <typename Members>
  static void FailAll(const Members& members, const absl::Status& error) {
    for (PendingAppend* pending : members) {
      pending->result = absl::Status(error.code(), error.message());
    }
  }
  // A write or sync failure as the callers see it: UNAVAILABLE when RocksDB says it may
  // pass, INTERNAL otherwise, naming what failed.
  static absl::Status WriteError(const rocksdb::Status& s, const char* what);

  // --- Sync and undo (rocks_syncer.cc) ---
  // Whether any written batch awaits its sync or publication. Only CommitGroup (under
  // write_mu_) adds batches, so the answer holds while it runs.
  bool InFlight() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  bool InFlightLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_);
  // Hands a batch to the syncer thread, starting it on first use.
  void HandToSyncer(UnsyncedBatch batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // After a failed write: marks every batch waiting for the syncer (not yet taken by it)
  // with `error`, so that the syncer fails and undoes them instead of calling SyncWAL.
  // RocksDB's WAL writer keeps the failed append's error until RocksDB recovers, and
  // SyncWAL on it asserts in an assert-enabled librocksdb (Debian's). A SyncWAL the
  // syncer has already begun is not affected: it reaches the disk, or fails as usual.
  // Not covered: a write failing between the syncer taking its batches and RocksDB's
  // check inside SyncWAL (microseconds; excluding writes there would undo the pipelining).
  void FailUnsynced(const absl::Status& error) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The syncer thread: syncs every batch written so far, then publishes and finishes them.
  void SyncLoop();
  // After a failed sync: fails `batches` and every batch written after them, deletes what
  // they wrote and puts back the published head (synced; kept pending and retried before
  // the next group while that fails), and stages the next group on the published head.
  void Undo(std::deque<UnsyncedBatch>& batches, const absl::Status& error)
      ABSL_LOCKS_EXCLUDED(write_mu_, sync_mu_);
  // The undo of `batches`' keys, and the published head put back.
  std::unique_ptr<rocksdb::WriteBatch> UndoBatch(const std::deque<UnsyncedBatch>& batches)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Writes the undo of failed batches left over from a failed sync, synced. Until it is
  // written, nothing else may be.
  absl::Status WritePendingUndo() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Runs `f(undone)` while nothing is written and no written batch awaits its sync, so
  // that what RocksDB holds is what is published: Verify and Checkpoint never see a batch
  // whose sync may yet fail. Holding write_mu_ stops new batches, so this waits at most
  // for the syncs in flight; it steps aside while an undo needs write_mu_. `undone` is
  // not OK when failed batches are still in RocksDB because their undo cannot be written.
  void WhenSettled(absl::FunctionRef<void(absl::Status undone)> f) const
      ABSL_LOCKS_EXCLUDED(write_mu_, sync_mu_);

  const std::string dir_;
  const LogOptions options_;
  std::unique_ptr<OpenDb> open_;
  rocksdb::DB* const db_;
  const Families cf_;

  // state_mu_: what readers see, the last batch published (synced).
  mutable absl::Mutex state_mu_;
  Head head_ ABSL_GUARDED_BY(state_mu_);
  mutable std::unordered_map<std::string, uint64_t> versions_ ABSL_GUARDED_BY(state_mu_);
  uint64_t group_commits_ ABSL_GUARDED_BY(state_mu_) = 0;
  uint64_t syncs_ ABSL_GUARDED_BY(state_mu_) = 0;
  LatencyHistogram append_latency_;  // lock-free
  uint64_t appended_requests_ ABSL_GUARDED_BY(state_mu_) = 0;

  // write_mu_: what the writer stages on, the last batch written, synced or not; held by
  // CommitGroup, by Undo while it rewinds the tip, and by WhenSettled.
  mutable absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(sync_mu_) ABSL_ACQUIRED_BEFORE(state_mu_);
  Head tip_ ABSL_GUARDED_BY(write_mu_);
  std::atomic<uint64_t> written_position_;  // tip_.position, for Stats() (no lock)
  // Versions of the streams that written, unpublished batches moved on.
  std::unordered_map<std::string, uint64_t> tip_versions_ ABSL_GUARDED_BY(write_mu_);
  int64_t last_recorded_at_ ABSL_GUARDED_BY(write_mu_) = 0;
  bool last_write_failed_ ABSL_GUARDED_BY(write_mu_) = false;
  // Not OK once RocksDB reported a background error it cannot resume from (kFatalError:
  // a non-retryable I/O error under a write, flush, compaction or MANIFEST write). Every
  // append then fails with it (UNAVAILABLE naming the cause; reopening the folder is the
  // only recovery); reads are unaffected.
  mutable absl::Status stopped_ ABSL_GUARDED_BY(write_mu_);
  // A copy of stopped_ for WritingStopped (a leaf lock, taken after write_mu_).
  mutable absl::Mutex stopped_copy_mu_;
  mutable absl::Status stopped_copy_ ABSL_GUARDED_BY(stopped_copy_mu_);
  // The undo of batches whose sync failed, while it could not be written.
  // (mutable: Verify and Checkpoint write it when they can, before they look.)
  mutable std::unique_ptr<rocksdb::WriteBatch> pending_undo_ ABSL_GUARDED_BY(write_mu_);

  // sync_mu_: the hand-over between the writer and the syncer thread.
  mutable absl::Mutex sync_mu_ ABSL_ACQUIRED_BEFORE(state_mu_);
  std::deque<UnsyncedBatch> unsynced_ ABSL_GUARDED_BY(sync_mu_);  // in the order written
  bool syncing_ ABSL_GUARDED_BY(sync_mu_) = false;                // the syncer holds batches
  bool syncer_exits_ ABSL_GUARDED_BY(sync_mu_) = false;
  bool undo_waiting_ ABSL_GUARDED_BY(sync_mu_) = false;  // Undo waits for write_mu_
  std::thread syncer_ ABSL_GUARDED_BY(sync_mu_);

  // listeners_mu_: held while listeners run, so that RemoveListener returning means no
  // further calls.
  absl::Mutex listeners_mu_;
  std::map<int, AppendListener> listeners_ ABSL_GUARDED_BY(listeners_mu_);
  AppendSink sink_ ABSL_GUARDED_BY(listeners_mu_);
  int sink_id_ ABSL_GUARDED_BY(listeners_mu_) = 0;
  int next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 1;

  std::unique_ptr<GroupCommitter> committer_;  // created by the constructor; never null
};

}  // namespace arrs::store::internal

#endif  // ARRS_LEDGER_STORE_ROCKS_EVENT_LOG_INTERNAL_H_
