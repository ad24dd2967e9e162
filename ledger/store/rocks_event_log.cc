// RocksEventLog: EventLog on RocksDB, group-committed by its callers or, for asynchronous
// appends, by the committer's thread (GroupCommitter).
//
// Concurrency: CommitGroup, run by one leading thread at a time under write_mu_, is the
// only writer of the events, streams, requests and meta column families. It stages a
// group of requests on top of the last batch written (tip_) plus what the group itself
// staged, and writes one WriteBatch. Readers take the published head (head_) first and
// never return anything beyond it, so a batch written but not yet published (or failed)
// is invisible to them.
//
// Pipelined sync: a lone request, with nothing in flight, is written with sync = true and
// published on the spot. Otherwise the batch is written without a sync and handed to the
// syncer thread, and the lead passes on at once, so that the next group is written while
// the disk syncs this one. The syncer calls SyncWAL() for every batch written so far,
// then publishes those batches in order and finishes their groups: nothing is
// acknowledged or visible before a sync that began after it was written has succeeded.
// When a sync fails, every batch not known to be synced fails, and the syncer undoes them
// (deletes their keys, puts back the published head) in one synced batch before the next
// group is staged; until that undo is written, appends fail.
#include "ledger/store/rocks_event_log.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ledger/store/append_validation.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/group_committer.h"
#include "ledger/store/log_format.h"
#include "ledger/store/log_verifier.h"
#include "ledger/store/rocks_status.h"
#include "ledger/util/assert.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"

namespace arrs::store {
namespace {

rocksdb::Slice ToSlice(const std::string& s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// Owns an open DB and its column family handles until released.
struct OpenDb {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  OpenDb() = default;
  OpenDb(const OpenDb&) = delete;
  OpenDb& operator=(const OpenDb&) = delete;
  ~OpenDb() { Close(); }

  void Close() {
    if (db == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
    handles.clear();
    db->Close().PermitUncheckedError();
    delete db;
    db = nullptr;
  }
};

class RocksEventLog final : public EventLog {
 public:
  RocksEventLog(std::string dir, LogOptions options, std::unique_ptr<OpenDb> open,
                rocksdb::ColumnFamilyHandle* events, rocksdb::ColumnFamilyHandle* streams,
                rocksdb::ColumnFamilyHandle* requests, rocksdb::ColumnFamilyHandle* snapshots,
                rocksdb::ColumnFamilyHandle* meta, Head head)
      : dir_(std::move(dir)),
        options_(std::move(options)),
        open_(std::move(open)),
        db_(open_->db),
        events_(events),
        streams_(streams),
        requests_(requests),
        snapshots_(snapshots),
        meta_(meta),
        head_(std::move(head)) {
    SetTip(head_);
    committer_ = std::make_unique<GroupCommitter>(
        options_.max_requests_per_batch, options_.max_events_per_batch,
        [this](const std::vector<PendingAppend*>& group, bool more_queued) {
          return CommitGroup(group, more_queued);
        });
  }

  ~RocksEventLog() override {
    committer_->Stop();  // waits until everything queued is committed and synced
    std::thread syncer;
    {
      absl::MutexLock lock(&sync_mu_);
      syncer_exits_ = true;
      syncer = std::move(syncer_);
    }
    if (syncer.joinable()) syncer.join();
    {
      // A last try at an undo that could not be written: otherwise the failed batches'
      // unsynced WAL records could replay at the next open. (If the disk still fails, they
      // can, as after a crash: none of them was ever acknowledged.)
      absl::MutexLock lock(&write_mu_);
      WritePendingUndo().IgnoreError();
    }
    committer_.reset();
    open_->Close();
  }

  absl::StatusOr<AppendResult> Append(AppendRequest request) override {
    if (absl::Status s = Prepare(request); !s.ok()) return s;
    return committer_->Submit(std::move(request));
  }

  void AppendAsync(AppendRequest request, AppendCallback done) override {
    if (absl::Status s = Prepare(request); !s.ok()) {
      done(std::move(s));
      return;
    }
    committer_->SubmitAsync(std::move(request), std::move(done));
  }

  absl::StatusOr<std::vector<v1::Event>> ReadFrom(uint64_t from_position,
                                                   size_t max_events) const override {
    std::vector<v1::Event> out;
    absl::Status s = ScanFrom(from_position, max_events,
                              [&out](size_t count) { out.reserve(count); },
                              [&out]() { return &out.emplace_back(); });
    if (!s.ok()) return s;
    return out;
  }

  absl::StatusOr<std::vector<v1::Event*>> ReadFromArena(
      uint64_t from_position, size_t max_events,
      google::protobuf::Arena* arena) const override {
    std::vector<v1::Event*> out;
    absl::Status s = ScanFrom(
        from_position, max_events, [&out](size_t count) { out.reserve(count); },
        [&out, arena]() {
          return out.emplace_back(google::protobuf::Arena::CreateMessage<v1::Event>(arena));
        });
    if (!s.ok()) return s;
    return out;
  }

  absl::StatusOr<std::vector<v1::Event>> ReadStream(const std::string& stream,
                                                     uint64_t from_version,
                                                     size_t max_events) const override {
    if (absl::Status s = ValidateStreamId(stream, "stream"); !s.ok()) return s;
    if (from_version == 0) {
      return absl::InvalidArgumentError("from_version must be >= 1, got 0");
    }
    std::vector<v1::Event> out;
    if (max_events == 0) return out;
    const uint64_t head = PublishedPosition();
    const std::string prefix = StreamPrefix(stream);
    const std::string upper = StreamKey(stream, UINT64_MAX);
    const rocksdb::Slice upper_slice = ToSlice(upper);
    rocksdb::ReadOptions read;
    read.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, streams_));
    std::vector<uint64_t> positions;
    for (it->Seek(StreamKey(stream, from_version)); it->Valid() && positions.size() < max_events;
         it->Next()) {
      const std::optional<uint64_t> position = DecodeU64(ToView(it->value()));
      if (!DecodeStreamKeyVersion(ToView(it->key()), prefix) || !position ||
          it->value().size() != 8) {
        return absl::DataLossError(absl::StrCat("bad index entry of stream ", stream));
      }
      if (*position > head) break;  // written but not yet published
      positions.push_back(*position);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading stream index");
    out.reserve(positions.size());
    std::string value;
    for (uint64_t position : positions) {
      absl::StatusOr<v1::Event> event = ReadEvent(position, &value);
      if (!event.ok()) return event.status();
      out.push_back(*std::move(event));
    }
    return out;
  }

  absl::StatusOr<v1::Event> Get(uint64_t position) const override {
    const uint64_t head = PublishedPosition();
    if (position == 0 || position > head) {
      return absl::NotFoundError(
          absl::StrCat("no event at position ", position, " (head is ", head, ")"));
    }
    std::string value;
    return ReadEvent(position, &value);
  }

  absl::StatusOr<std::optional<AppendResult>> FindRequest(
      const std::string& stream, const std::string& request_id) const override {
    if (absl::Status s = ValidateStreamId(stream, "stream"); !s.ok()) return s;
    if (request_id.empty() || request_id.size() > kMaxIdBytes) {
      return absl::InvalidArgumentError(absl::StrCat("request_id must be 1..", kMaxIdBytes,
                                                     " bytes, got ", request_id.size()));
    }
    const uint64_t head = PublishedPosition();
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), requests_, RequestKey(stream, request_id), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) return FromRocks(s, "reading request ids");
    absl::StatusOr<RequestRecord> record = DecodeRequestRecord(value);
    if (!record.ok()) return record.status();
    if (record->last_position > head) return std::nullopt;  // written, not yet published
    return ServedResult(*std::move(record));
  }

  Head head() const override {
    absl::MutexLock lock(&state_mu_);
    return head_;
  }

  absl::StatusOr<uint64_t> StreamVersion(const std::string& stream) const override {
    if (absl::Status s = ValidateStreamId(stream, "stream"); !s.ok()) return s;
    absl::MutexLock lock(&state_mu_);
    return LoadVersionLocked(stream, /*cache_unknown=*/false);
  }

  VerifyReport Verify() const override {
    absl::Status unsettled;
    const rocksdb::Snapshot* snapshot = WhenSettled([&](absl::Status undone) {
      unsettled = std::move(undone);
      return db_->GetSnapshot();
    });
    VerifyReport report = VerifyLog(db_, events_, meta_, snapshot);
    if (report.ok && !unsettled.ok()) {
      // The snapshot holds batches whose sync failed: report them rather than pass them.
      report.ok = false;
      report.first_bad_position = PublishedPosition() + 1;
      report.problem = absl::StrCat("positions from ", report.first_bad_position,
                                    " were never acknowledged and are not yet undone: ",
                                    unsettled.message());
    }
    db_->ReleaseSnapshot(snapshot);
    return report;
  }

  int AddListener(AppendListener listener) override {
    absl::MutexLock lock(&listeners_mu_);
    const int id = next_listener_id_++;
    listeners_.emplace(id, std::move(listener));
    return id;
  }

  absl::StatusOr<int> SetSink(AppendSink sink) override {
    absl::MutexLock lock(&listeners_mu_);
    if (sink_) {
      return absl::FailedPreconditionError(
          absl::StrCat("the log already has a sink (listener ", sink_id_, ")"));
    }
    sink_ = std::move(sink);
    sink_id_ = next_listener_id_++;
    return sink_id_;
  }

  void RemoveListener(int id) override {
    absl::MutexLock lock(&listeners_mu_);
    listeners_.erase(id);
    if (sink_ && id == sink_id_) sink_ = nullptr;
  }

  absl::Status PutSnapshot(const std::string& projection, uint64_t position,
                           const std::string& state) override {
    if (absl::Status s = ValidateStreamId(projection, "projection"); !s.ok()) return s;
    const uint64_t head = PublishedPosition();
    if (position > head) {
      return absl::InvalidArgumentError(absl::StrCat(
          "snapshot position ", position, " is beyond the head of the log (", head, ")"));
    }
    return FromRocks(
        db_->Put(SnapshotWrite(), snapshots_, SnapshotKey(projection, position), state),
        "writing snapshot");
  }

  // Snapshot writes never wait behind a write stall (a snapshot is a cache: the caller
  // tries again later, and appends go first). This also keeps them out of RocksDB's write
  // groups with the appends (a group's leader copies the others' batches, a handoff
  // ThreadSanitizer cannot see in Debian's uninstrumented RocksDB).
  rocksdb::WriteOptions SnapshotWrite() const {
    rocksdb::WriteOptions write;
    write.sync = options_.sync;
    write.no_slowdown = true;
    return write;
  }

  absl::Status DeleteSnapshotsBefore(const std::string& projection,
                                     uint64_t position) override {
    if (absl::Status s = ValidateStreamId(projection, "projection"); !s.ok()) return s;
    return FromRocks(db_->DeleteRange(SnapshotWrite(), snapshots_, SnapshotKey(projection, 0),
                                      SnapshotKey(projection, position)),
                     "deleting snapshots");
  }

  absl::StatusOr<Snapshot> LatestSnapshot(const std::string& projection,
                                          uint64_t at_or_before) const override {
    if (absl::Status s = ValidateStreamId(projection, "projection"); !s.ok()) return s;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), snapshots_));
    it->SeekForPrev(SnapshotKey(projection, at_or_before));
    if (!it->status().ok()) return FromRocks(it->status(), "reading snapshots");
    if (it->Valid()) {
      if (std::optional<uint64_t> position =
              DecodeStreamKeyVersion(ToView(it->key()), StreamPrefix(projection))) {
        return Snapshot{*position, it->value().ToString()};
      }
    }
    return absl::NotFoundError(absl::StrCat("no snapshot of ", projection, " at or before ",
                                            at_or_before));
  }

  absl::Status Checkpoint(const std::string& target_dir) const override {
    return WhenSettled([&](absl::Status undone) {
      return undone.ok() ? CheckpointNow(target_dir) : undone;
    });
  }

  absl::Status CheckpointNow(const std::string& target_dir) const {
    rocksdb::Checkpoint* raw = nullptr;
    if (absl::Status s = FromRocks(rocksdb::Checkpoint::Create(db_, &raw), "checkpoint");
        !s.ok()) {
      return s;
    }
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    return FromRocks(checkpoint->CreateCheckpoint(target_dir),
                     absl::StrCat("checkpoint into ", target_dir));
  }

  LogStats Stats() const override {
    LogStats stats;
    {
      absl::MutexLock lock(&state_mu_);
      stats.head = head_;
      stats.group_commits = group_commits_;
      stats.syncs = syncs_;
      stats.appended_requests = appended_requests_;
    }
    stats.written_position = written_position_.load(std::memory_order_relaxed);
    // Distinct streams: one seek per stream, jumping past each stream's keys.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_));
    for (it->SeekToFirst(); it->Valid();) {
      std::optional<std::string> stream = DecodeStreamKeyStream(ToView(it->key()));
      if (!stream) break;
      ++stats.stream_count;
      stream->push_back('\x01');
      it->Seek(*stream);
    }
    for (rocksdb::ColumnFamilyHandle* cf : open_->handles) {
      uint64_t bytes = 0;
      if (db_->GetIntProperty(cf, "rocksdb.estimate-live-data-size", &bytes)) {
        stats.live_data_bytes += bytes;
      }
    }
    return stats;
  }

 private:
  // Parses up to `max_events` events from `from_position` on (never beyond the published
  // head) into the events `next_event()` hands out, after telling `reserve` how many.
  absl::Status ScanFrom(uint64_t from_position, size_t max_events,
                        const std::function<void(size_t)>& reserve,
                        const std::function<v1::Event*()>& next_event) const {
    if (from_position == 0) {
      return absl::InvalidArgumentError("from_position must be >= 1, got 0");
    }
    const uint64_t head = PublishedPosition();
    if (from_position > head || max_events == 0) return absl::OkStatus();
    const uint64_t count = std::min<uint64_t>(max_events, head - from_position + 1);
    const uint64_t last = from_position + count - 1;
    const std::string upper = EventKey(last + 1);
    const rocksdb::Slice upper_slice = ToSlice(upper);
    rocksdb::ReadOptions read;
    read.iterate_upper_bound = &upper_slice;
    // A scan reads each block once: keep it out of the block cache, and read ahead.
    read.fill_cache = false;
    read.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, events_));
    reserve(static_cast<size_t>(count));
    uint64_t expected = from_position;
    for (it->Seek(EventKey(from_position)); it->Valid() && expected <= last;
         it->Next(), ++expected) {
      if (DecodeEventKey(ToView(it->key())) != expected) break;
      v1::Event* event = next_event();
      if (!event->ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError(
            absl::StrCat("stored bytes of event ", expected, " do not parse"));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading events");
    if (expected <= last) {
      return absl::DataLossError(absl::StrCat("event ", expected, " is missing below head ",
                                              head));
    }
    return absl::OkStatus();
  }

  uint64_t PublishedPosition() const {
    absl::MutexLock lock(&state_mu_);
    return head_.position;
  }

  int64_t NowMicros() const {
    return options_.now_micros ? options_.now_micros() : absl::ToUnixMicros(absl::Now());
  }

  absl::StatusOr<v1::Event> ReadEvent(uint64_t position, std::string* value) const {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), events_, EventKey(position), value);
    if (s.IsNotFound()) {
      return absl::DataLossError(absl::StrCat("event ", position, " is missing below head"));
    }
    if (!s.ok()) return FromRocks(s, absl::StrCat("reading event ", position));
    v1::Event event;
    if (!event.ParseFromString(*value)) {
      return absl::DataLossError(absl::StrCat("stored bytes of event ", position,
                                              " do not parse"));
    }
    return event;
  }

  // The published version of `stream`, from the cache or else from the streams column
  // family (last key of the stream's prefix at or below the published head).
  absl::StatusOr<uint64_t> LoadVersionLocked(const std::string& stream,
                                             bool cache_unknown) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_) {
    if (auto it = versions_.find(stream); it != versions_.end()) return it->second;
    const std::string prefix = StreamPrefix(stream);
    const rocksdb::Slice lower_slice = ToSlice(prefix);
    rocksdb::ReadOptions read;
    read.iterate_lower_bound = &lower_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, streams_));
    uint64_t version = 0;
    for (it->SeekForPrev(StreamKey(stream, UINT64_MAX)); it->Valid(); it->Prev()) {
      const std::optional<uint64_t> v = DecodeStreamKeyVersion(ToView(it->key()), prefix);
      const std::optional<uint64_t> position = DecodeU64(ToView(it->value()));
      if (!v || !position) break;
      if (*position <= head_.position) {
        version = *v;
        break;
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading stream index");
    if (version > 0 || cache_unknown) versions_[stream] = version;
    return version;
  }

  // Checks the request and hashes its payloads, on the caller's thread: that parallelises
  // the costliest part of an append.
  absl::Status Prepare(AppendRequest& request) const {
    if (absl::Status s = ValidateAppendRequest(request, options_); !s.ok()) return s;
    for (v1::Event& event : request.events) {
      event.set_redacted(false);
      event.set_payload_hash(PayloadHash(event.payload()));
    }
    return absl::OkStatus();
  }

  // A batch written without a sync (or a group with nothing to write, queued behind one):
  // the syncer publishes and finishes it after the next successful sync.
  struct UnsyncedBatch {
    std::vector<PendingAppend*> group;
    std::vector<PendingAppend*> writers;  // the members whose events the batch holds
    Head head;                            // the log's head once the batch is published
    std::unordered_map<std::string, uint64_t> versions;  // stream versions it leaves
  };

  // Whether any written batch awaits its sync or publication. Only CommitGroup (under
  // write_mu_) adds batches, so the answer holds while it runs.
  bool InFlight() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    absl::MutexLock lock(&sync_mu_);
    return InFlightLocked();
  }
  bool InFlightLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_) {
    return !unsynced_.empty() || syncing_;
  }

  // Moves the tip (the last batch written) and the position Stats() reports with it.
  void SetTip(Head tip) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    tip_ = std::move(tip);
    written_position_.store(tip_.position, std::memory_order_relaxed);
  }

  // Runs `f(undone)` while nothing is written and no written batch awaits its sync, so
  // that what RocksDB holds is what is published: Verify and Checkpoint never see a batch
  // whose sync may yet fail. Holding write_mu_ stops new batches, so this waits at most
  // for the syncs in flight; it steps aside while an undo needs write_mu_. `undone` is
  // not OK when failed batches are still in RocksDB because their undo cannot be written.
  template <typename F>
  std::invoke_result_t<F, absl::Status> WhenSettled(F f) const {
    for (;;) {
      {
        absl::MutexLock write_lock(&write_mu_);
        bool settled = false;
        {
          absl::MutexLock lock(&sync_mu_);
          auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_) {
            return !InFlightLocked() || undo_waiting_;
          };
          sync_mu_.Await(absl::Condition(&done));
          settled = !InFlightLocked();
        }
        if (settled) return f(WritePendingUndo());
      }
      absl::MutexLock lock(&sync_mu_);
      auto undone = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_) { return !undo_waiting_; };
      sync_mu_.Await(absl::Condition(&undone));
    }
  }

  // Hands a batch to the syncer thread, starting it on first use.
  void HandToSyncer(UnsyncedBatch batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    absl::MutexLock lock(&sync_mu_);
    unsynced_.push_back(std::move(batch));
    if (!syncer_.joinable()) syncer_ = std::thread([this] { SyncLoop(); });
  }

  // What a retry of the recorded request gets: its first result, deduplicated.
  static AppendResult ServedResult(RequestRecord record) {
    AppendResult result{record.first_position, record.last_position, record.stream_version,
                        /*deduplicated=*/true};
    result.request_kind = std::move(record.kind);
    result.request_digest = std::move(record.digest);
    return result;
  }

  // Gives every member of `group` a status of its own, not a copy sharing one
  // reference-counted message: the members' threads would then drop references to it at
  // once, with atomics that ThreadSanitizer does not see in Debian's uninstrumented
  // abseil (the false report of 06baa19).
  template <typename Members>
  static void FailAll(const Members& members, const absl::Status& error) {
    for (PendingAppend* pending : members) {
      pending->result = absl::Status(error.code(), error.message());
    }
  }

  // A write or sync failure as the callers see it: UNAVAILABLE when RocksDB says it may
  // pass, INTERNAL otherwise, naming what failed.
  static absl::Status WriteError(const rocksdb::Status& s, const char* what) {
    absl::Status error = FromRocks(s, what);
    if (error.code() != absl::StatusCode::kUnavailable) {
      error = absl::InternalError(error.message());
    }
    return error;
  }

  // Writes the undo of failed batches left over from a failed sync, synced. Until it is
  // written, nothing else may be.
  absl::Status WritePendingUndo() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    if (pending_undo_ == nullptr) return absl::OkStatus();
    // A failed write or sync may leave RocksDB in a background-error state.
    db_->Resume().PermitUncheckedError();
    rocksdb::WriteOptions write;
    write.sync = true;
    rocksdb::Status s = db_->Write(write, pending_undo_.get());
    if (!s.ok()) return WriteError(s, "undoing a batch whose sync failed");
    pending_undo_.reset();
    return absl::OkStatus();
  }

  // Runs on the leading thread, one group at a time, in queue order. Returns true when the
  // group is finished, false when the syncer thread will finish it.
  bool CommitGroup(const std::vector<PendingAppend*>& group, bool more_queued) {
    // RocksDB counts every key comparison in a thread-local perf context unless told not
    // to (per thread); the memtable inserts below make dozens per key.
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    absl::MutexLock write_lock(&write_mu_);
    if (absl::Status s = WritePendingUndo(); !s.ok()) {
      FailAll(group, s);
      return true;  // nothing is in flight while an undo is pending
    }
    if (last_write_failed_) {
      // A failed write leaves RocksDB in a background-error state. Retryable I/O errors
      // are also recovered automatically (see bgerror_resume_retry_interval); Resume()
      // returns Busy then, and the write below reports whatever RocksDB still holds.
      db_->Resume().PermitUncheckedError();
    }
    const bool in_flight = InFlight();
    if (!in_flight) tip_versions_.clear();  // every batch written is published
    uint64_t position = tip_.position;
    std::string prev_hash = tip_.hash;
    const int64_t now = std::max(NowMicros(), last_recorded_at_);

    std::unordered_map<std::string, uint64_t> staged_versions;
    std::unordered_map<std::string, PendingAppend*> staged_ids;
    std::vector<PendingAppend*> writers;
    std::vector<std::pair<PendingAppend*, PendingAppend*>> duplicates;  // (retry, original)
    rocksdb::WriteBatch batch;
    std::string bytes;
    std::string record;

    for (PendingAppend* pending : group) {
      AppendRequest& request = pending->request;
      std::string request_key = RequestKey(request.stream, request.request_id);
      if (auto it = staged_ids.find(request_key); it != staged_ids.end()) {
        const AppendRequest& original = it->second->request;
        if (RequestDigestsDiffer(original.request_digest, request.request_digest)) {
          pending->result = RequestIdReusedError(request.stream, request.request_id,
                                                 original.request_kind);
        } else {
          duplicates.emplace_back(pending, it->second);
        }
        continue;
      }
      // Also finds the ids of batches written but not yet synced: the retry is then
      // finished after them, and fails with them if their sync fails.
      rocksdb::Status found = db_->Get(rocksdb::ReadOptions(), requests_, request_key, &record);
      if (found.ok()) {
        absl::StatusOr<RequestRecord> original = DecodeRequestRecord(record);
        if (!original.ok()) {
          pending->result = original.status();
        } else if (RequestDigestsDiffer(original->digest, request.request_digest)) {
          pending->result =
              RequestIdReusedError(request.stream, request.request_id, original->kind);
        } else {
          pending->result = ServedResult(*std::move(original));
        }
        continue;
      }
      if (!found.IsNotFound()) {
        pending->result = FromRocks(found, "reading request ids");
        continue;
      }
      uint64_t version = 0;
      if (auto it = staged_versions.find(request.stream); it != staged_versions.end()) {
        version = it->second;
      } else if (auto tip = tip_versions_.find(request.stream); tip != tip_versions_.end()) {
        version = tip->second;
      } else {
        absl::MutexLock lock(&state_mu_);
        absl::StatusOr<uint64_t> loaded = LoadVersionLocked(request.stream, true);
        if (!loaded.ok()) {
          pending->result = loaded.status();
          continue;
        }
        version = *loaded;
      }
      if (request.expected_version != kAnyVersion && request.expected_version != version) {
        pending->result = absl::AbortedError(absl::StrCat(
            "version conflict on stream ", request.stream, ": expected version ",
            request.expected_version, ", actual version ", version));
        continue;
      }
      AppendResult result;
      result.first_position = position + 1;
      for (v1::Event& event : request.events) {
        ++position;
        ++version;
        event.set_position(position);
        event.set_recorded_at_micros(now);
        event.set_stream(request.stream);
        event.set_stream_version(version);
        event.set_request_id(request.request_id);
        event.set_prev_hash(prev_hash);
        event.set_hash(EventHash(event));
        prev_hash = event.hash();
        bytes.clear();
        event.SerializeToString(&bytes);
        batch.Put(events_, EventKey(position), bytes);
        batch.Put(streams_, StreamKey(request.stream, version), EncodeU64(position));
      }
      result.last_position = position;
      result.stream_version = version;
      batch.Put(requests_, request_key,
                EncodeRequestRecord({result.first_position, result.last_position,
                                     result.stream_version, request.stream,
                                     request.request_kind, request.request_digest}));
      staged_versions[request.stream] = version;
      staged_ids.emplace(std::move(request_key), pending);
      pending->result = result;
      writers.push_back(pending);
    }

    // While batches are in flight, every group waits for them: a retry's answer or a
    // conflict may rest on what they wrote, and groups are finished in order.
    auto queue_behind = [&] {
      HandToSyncer(UnsyncedBatch{group, {}, tip_, {}});
      return false;
    };
    if (writers.empty()) return in_flight ? queue_behind() : true;

    batch.Put(meta_, kMetaHead, EncodeHead(position, prev_hash));
    const bool pipelined =
        options_.sync && (in_flight || more_queued || group.size() > 1);
    rocksdb::WriteOptions write;
    write.sync = options_.sync && !pipelined;
    rocksdb::Status written = db_->Write(write, &batch);
    if (!written.ok()) {
      last_write_failed_ = true;
      const absl::Status error = WriteError(written, "writing events");
      FailAll(writers, error);
      for (auto& duplicate : duplicates) FailAll(std::vector{duplicate.first}, error);
      return in_flight ? queue_behind() : true;
    }
    last_write_failed_ = false;
    last_recorded_at_ = now;
    SetTip(Head{position, prev_hash});
    for (auto& [retry, original] : duplicates) {
      AppendResult result = *original->result;
      result.deduplicated = true;
      result.request_kind = original->request.request_kind;
      result.request_digest = original->request.request_digest;
      retry->result = result;
    }
    UnsyncedBatch written_batch{group, std::move(writers), tip_, std::move(staged_versions)};
    if (!pipelined) {
      Publish(written_batch, /*synced=*/options_.sync);
      return true;
    }
    for (auto& [stream, version] : written_batch.versions) tip_versions_[stream] = version;
    HandToSyncer(std::move(written_batch));
    return false;
  }

  // Makes a written batch visible: the new head and stream versions, then the listeners.
  void Publish(UnsyncedBatch& batch, bool synced) {
    if (batch.writers.empty()) return;
    uint64_t events = 0;
    {
      absl::MutexLock lock(&state_mu_);
      ARRS_ASSERT(batch.head.position > head_.position,
                  "a published batch must move the head forward");
      events = batch.head.position - head_.position;
      head_ = batch.head;
      for (auto& [stream, version] : batch.versions) versions_[stream] = version;
      group_commits_++;
      if (synced) syncs_++;
      appended_requests_ += batch.writers.size();
    }
    absl::MutexLock lock(&listeners_mu_);
    if (listeners_.empty() && !sink_) return;
    std::vector<v1::Event> committed;
    committed.reserve(static_cast<size_t>(events));
    // The callers are told positions only, so their events can be moved to the listeners.
    for (PendingAppend* pending : batch.writers) {
      for (v1::Event& event : pending->request.events) committed.push_back(std::move(event));
    }
    for (auto& [id, listener] : listeners_) listener(committed);
    if (sink_) sink_(std::move(committed));
  }

  // The syncer thread: syncs every batch written so far, then publishes and finishes them.
  void SyncLoop() {
    for (;;) {
      std::deque<UnsyncedBatch> batches;
      {
        absl::MutexLock lock(&sync_mu_);
        auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_) {
          return !unsynced_.empty() || syncer_exits_;
        };
        sync_mu_.Await(absl::Condition(&woken));
        if (unsynced_.empty()) return;
        batches.swap(unsynced_);
        syncing_ = true;
      }
      const bool any_written = std::any_of(batches.begin(), batches.end(),
                                           [](const UnsyncedBatch& b) {
                                             return !b.writers.empty();
                                           });
      const rocksdb::Status synced = any_written ? db_->SyncWAL() : rocksdb::Status::OK();
      if (synced.ok()) {
        {
          absl::MutexLock lock(&state_mu_);
          if (any_written) syncs_++;
        }
        for (UnsyncedBatch& batch : batches) Publish(batch, /*synced=*/false);
        for (UnsyncedBatch& batch : batches) committer_->Finished(batch.group);
      } else {
        Undo(batches, WriteError(synced, "syncing the write-ahead log"));
      }
      absl::MutexLock lock(&sync_mu_);
      syncing_ = false;
    }
  }

  // After a failed sync: fails `batches` and every batch written after them, deletes what
  // they wrote and puts back the published head (synced; kept pending and retried before
  // the next group while that fails), and stages the next group on the published head.
  void Undo(std::deque<UnsyncedBatch>& batches, const absl::Status& error) {
    {
      absl::MutexLock lock(&sync_mu_);
      undo_waiting_ = true;  // WhenSettled lets go of write_mu_
    }
    {
      absl::MutexLock write_lock(&write_mu_);  // the group being written, if any, first
      {
        absl::MutexLock lock(&sync_mu_);
        undo_waiting_ = false;
        for (UnsyncedBatch& later : unsynced_) batches.push_back(std::move(later));
        unsynced_.clear();
      }
      auto undo = std::make_unique<rocksdb::WriteBatch>();
      for (UnsyncedBatch& batch : batches) {
        for (PendingAppend* pending : batch.writers) {
          ARRS_ASSERT(pending->result.ok(), "a batch's writers hold their positions");
          const AppendResult& written = *pending->result;
          ARRS_ASSERT(written.first_position >= 1 &&
                          written.last_position >= written.first_position,
                      "a written request holds at least one position");
          const uint64_t count = written.last_position - written.first_position + 1;
          ARRS_ASSERT(written.stream_version >= count,
                      "a written request's events are versions 1..stream_version");
          for (uint64_t i = 0; i < count; ++i) {
            undo->Delete(events_, EventKey(written.first_position + i));
            undo->Delete(streams_,
                         StreamKey(pending->request.stream, written.stream_version - i));
          }
          undo->Delete(requests_,
                       RequestKey(pending->request.stream, pending->request.request_id));
        }
      }
      {
        absl::MutexLock lock(&state_mu_);
        SetTip(head_);
      }
      undo->Put(meta_, kMetaHead, EncodeHead(tip_.position, tip_.hash));
      tip_versions_.clear();
      pending_undo_ = std::move(undo);
      // Else the next group retries it first (after RocksDB's Resume), and fails until
      // it is written.
      WritePendingUndo().IgnoreError();
      for (UnsyncedBatch& batch : batches) FailAll(batch.group, error);
    }
    for (UnsyncedBatch& batch : batches) committer_->Finished(batch.group);
  }

  const std::string dir_;
  const LogOptions options_;
  std::unique_ptr<OpenDb> open_;
  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const events_;
  rocksdb::ColumnFamilyHandle* const streams_;
  rocksdb::ColumnFamilyHandle* const requests_;
  rocksdb::ColumnFamilyHandle* const snapshots_;
  rocksdb::ColumnFamilyHandle* const meta_;

  // What readers see: the last batch published (synced).
  mutable absl::Mutex state_mu_;
  Head head_ ABSL_GUARDED_BY(state_mu_);
  mutable std::unordered_map<std::string, uint64_t> versions_ ABSL_GUARDED_BY(state_mu_);
  uint64_t group_commits_ ABSL_GUARDED_BY(state_mu_) = 0;
  uint64_t syncs_ ABSL_GUARDED_BY(state_mu_) = 0;
  uint64_t appended_requests_ ABSL_GUARDED_BY(state_mu_) = 0;

  // What the writer stages on: the last batch written, synced or not.
  mutable absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(sync_mu_) ABSL_ACQUIRED_BEFORE(state_mu_);
  Head tip_ ABSL_GUARDED_BY(write_mu_);
  std::atomic<uint64_t> written_position_;  // tip_.position, for Stats()
  // Versions of the streams that written, unpublished batches moved on.
  std::unordered_map<std::string, uint64_t> tip_versions_ ABSL_GUARDED_BY(write_mu_);
  int64_t last_recorded_at_ ABSL_GUARDED_BY(write_mu_) = 0;
  bool last_write_failed_ ABSL_GUARDED_BY(write_mu_) = false;
  // The undo of batches whose sync failed, while it could not be written.
  // (mutable: Verify and Checkpoint write it when they can, before they look.)
  mutable std::unique_ptr<rocksdb::WriteBatch> pending_undo_ ABSL_GUARDED_BY(write_mu_);

  // Batches handed to the syncer thread, in the order written.
  mutable absl::Mutex sync_mu_;
  std::deque<UnsyncedBatch> unsynced_ ABSL_GUARDED_BY(sync_mu_);
  bool syncing_ ABSL_GUARDED_BY(sync_mu_) = false;  // the syncer holds batches
  bool syncer_exits_ ABSL_GUARDED_BY(sync_mu_) = false;
  bool undo_waiting_ ABSL_GUARDED_BY(sync_mu_) = false;  // Undo waits for write_mu_
  std::thread syncer_ ABSL_GUARDED_BY(sync_mu_);

  // Held while listeners run, so that RemoveListener returning means no further calls.
  absl::Mutex listeners_mu_;
  std::map<int, AppendListener> listeners_ ABSL_GUARDED_BY(listeners_mu_);
  AppendSink sink_ ABSL_GUARDED_BY(listeners_mu_);
  int sink_id_ ABSL_GUARDED_BY(listeners_mu_) = 0;
  int next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 1;

  std::unique_ptr<GroupCommitter> committer_;
};

rocksdb::ColumnFamilyOptions FamilyOptions(const std::string& name) {
  rocksdb::ColumnFamilyOptions options;
  if (name == kRequestsFamily || name == kStreamsFamily) {
    // Point lookups (request ids) and prefix seeks (stream versions): bloom filters help.
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  }
  if (name == kRequestsFamily) {
    // Every append looks its request id up, and almost every id is new: a bloom filter
    // over the memtable's keys answers those misses without searching the skip list.
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 0.02;
  }
  return options;
}

// Format 1 keyed the requests column family by request id alone. Rebuilds it keyed by
// (stream, request id) from the events up to the head (a request's events are
// consecutive and each carries its stream and request id; format 1 had no kinds or
// digests, so the records have none), and sets format 2, in one synced batch. `head` is
// set to the log's head.
absl::Status MigrateFromFormat1(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                                rocksdb::ColumnFamilyHandle* requests,
                                rocksdb::ColumnFamilyHandle* meta, const std::string& dir,
                                Head* head) {
  std::string head_value;
  if (absl::Status r = FromRocks(db->Get(rocksdb::ReadOptions(), meta, kMetaHead, &head_value),
                                 "reading meta head");
      !r.ok()) {
    return r;
  }
  if (absl::Status d = DecodeHead(head_value, &head->position, &head->hash); !d.ok()) return d;
  rocksdb::WriteBatch batch;
  uint64_t old_records = 0;
  std::unique_ptr<rocksdb::Iterator> old(db->NewIterator(rocksdb::ReadOptions(), requests));
  for (old->SeekToFirst(); old->Valid(); old->Next(), ++old_records) {
    batch.Delete(requests, old->key());
  }
  if (!old->status().ok()) return FromRocks(old->status(), "reading format-1 request ids");
  uint64_t records = 0;
  RequestRecord record;
  std::string request_id;
  auto flush = [&] {
    if (record.first_position == 0) return;
    batch.Put(requests, RequestKey(record.stream, request_id), EncodeRequestRecord(record));
    ++records;
  };
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), events));
  v1::Event event;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::optional<uint64_t> position = DecodeEventKey(ToView(it->key()));
    if (!position || *position > head->position) break;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("migrating ", dir, ": stored bytes of event ",
                                              *position, " do not parse"));
    }
    const bool same_request = record.first_position != 0 &&
                              *position == record.last_position + 1 &&
                              event.stream() == record.stream && event.request_id() == request_id;
    if (!same_request) {
      flush();
      record = RequestRecord{*position, *position, 0, event.stream(), {}, {}};
      request_id = event.request_id();
    }
    record.last_position = *position;
    record.stream_version = event.stream_version();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading events to migrate");
  flush();
  batch.Put(meta, kMetaFormatVersion, kFormatVersion);
  rocksdb::WriteOptions write;
  write.sync = true;
  if (absl::Status w = FromRocks(db->Write(write, &batch), "migrating request ids"); !w.ok()) {
    return w;
  }
  std::fprintf(stderr,
               "arrs event log: migrated %s from format %s to %s: %llu request ids (keyed "
               "alone) replaced by %llu keyed by stream, rebuilt from events 1..%llu\n",
               dir.c_str(), kPreviousFormatVersion, kFormatVersion,
               static_cast<unsigned long long>(old_records),
               static_cast<unsigned long long>(records),
               static_cast<unsigned long long>(head->position));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> OpenRocksEventLog(const std::string& dir,
                                                            LogOptions options,
                                                            rocksdb::Env* env) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;
  // After a retryable write error, RocksDB retries recovery in the background; do so
  // every 100 ms rather than every second so that appends come back quickly.
  db_options.bgerror_resume_retry_interval = 100'000;
  // On reopen, a write-ahead log record that is damaged anywhere but in an incomplete last
  // write fails the open (Corruption) instead of ending the replay there: RocksDB's default
  // (point-in-time recovery) would quietly drop that record and every acknowledged one
  // after it. A crash part-way through the last, unacknowledged write is still tolerated.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  if (env == nullptr) env = options.env;  // LogOptions::env, when the argument is null
  if (env != nullptr) db_options.env = env;

  const std::vector<std::string> ours = {rocksdb::kDefaultColumnFamilyName, kEventsFamily,
                                         kStreamsFamily, kRequestsFamily, kSnapshotsFamily,
                                         kMetaFamily};
  std::vector<std::string> names = ours;
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, dir, &existing).ok()) {
    for (const std::string& name : existing) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, FamilyOptions(name));

  auto open = std::make_unique<OpenDb>();
  if (absl::Status s = FromRocks(
          rocksdb::DB::Open(db_options, dir, descriptors, &open->handles, &open->db),
          absl::StrCat("opening event log in ", dir));
      !s.ok()) {
    return s;
  }
  rocksdb::ColumnFamilyHandle* events = open->handles[1];
  rocksdb::ColumnFamilyHandle* meta = open->handles[5];
  rocksdb::DB* db = open->db;

  std::string format;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), meta, kMetaFormatVersion, &format);
  Head head;
  if (s.IsNotFound()) {
    std::string head_value;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), events));
    it->SeekToFirst();
    if (it->Valid() ||
        !db->Get(rocksdb::ReadOptions(), meta, kMetaHead, &head_value).IsNotFound()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "event log in ", dir, " holds data but no format_version; expected format \"",
          kFormatVersion, "\""));
    }
    head.hash = ZeroHash();
    rocksdb::WriteBatch init;
    init.Put(meta, kMetaFormatVersion, kFormatVersion);
    init.Put(meta, kMetaHead, EncodeHead(0, head.hash));
    rocksdb::WriteOptions write;
    write.sync = true;
    if (absl::Status w = FromRocks(db->Write(write, &init), "initialising event log");
        !w.ok()) {
      return w;
    }
  } else if (!s.ok()) {
    return FromRocks(s, "reading format_version");
  } else if (format == kPreviousFormatVersion) {
    if (absl::Status m = MigrateFromFormat1(db, events, open->handles[3], meta, dir, &head);
        !m.ok()) {
      return m;
    }
  } else if (format != kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("event log in ", dir, " has format_version \"", format,
                     "\" but this build reads format_version \"", kFormatVersion, "\""));
  } else {
    std::string head_value;
    if (absl::Status r = FromRocks(db->Get(rocksdb::ReadOptions(), meta, kMetaHead, &head_value),
                                   "reading meta head");
        !r.ok()) {
      return r;
    }
    if (absl::Status d = DecodeHead(head_value, &head.position, &head.hash); !d.ok()) return d;
  }

  rocksdb::ColumnFamilyHandle* streams = open->handles[2];
  rocksdb::ColumnFamilyHandle* requests = open->handles[3];
  rocksdb::ColumnFamilyHandle* snapshots = open->handles[4];
  return std::unique_ptr<EventLog>(new RocksEventLog(dir, std::move(options), std::move(open),
                                                     events, streams, requests, snapshots,
                                                     meta, std::move(head)));
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir,
                                                         LogOptions options) {
  return OpenRocksEventLog(dir, std::move(options), nullptr);
}

}  // namespace arrs::store
