// RocksEventLog's construction and closing, its reads, listeners, snapshots, checkpoints
// and stats. See rocks_event_log_internal.h for the class, its locks and the commit
// pipeline; rocks_open.cc opens the folder.
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ledger/store/append_validation.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/log_format.h"
#include "ledger/store/index_verifier.h"
#include "ledger/store/log_verifier.h"
#include "ledger/store/rocks_event_log_internal.h"
#include "ledger/store/rocks_status.h"
#include "rocksdb/utilities/checkpoint.h"

namespace arrs::store::internal {

void OpenDb::Close() {
  if (db == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  handles.clear();
  db->Close().PermitUncheckedError();
  delete db;
  db = nullptr;
}

RocksEventLog::RocksEventLog(std::string dir, LogOptions options, std::unique_ptr<OpenDb> open,
                             Families families, Head head)
    : dir_(std::move(dir)),
      options_(std::move(options)),
      open_(std::move(open)),
      db_(open_->db),
      cf_(families),
      head_(std::move(head)) {
  {
    absl::MutexLock lock(&write_mu_);
    SetTip(head_);
  }
  committer_ = std::make_unique<GroupCommitter>(
      options_.max_requests_per_batch, options_.max_events_per_batch, options_.max_queued_appends,
      [this](const std::vector<PendingAppend*>& group, bool more_queued) {
        return CommitGroup(group, more_queued);
      });
}

RocksEventLog::~RocksEventLog() {
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

absl::StatusOr<AppendResult> RocksEventLog::Append(AppendRequest request) {
  const absl::Time start = absl::Now();
  if (absl::Status s = Prepare(request); !s.ok()) return s;
  absl::StatusOr<AppendResult> result = committer_->Submit(std::move(request));
  append_latency_.Record(absl::Now() - start);
  return result;
}

void RocksEventLog::AppendAsync(AppendRequest request, AppendCallback done) {
  if (absl::Status s = Prepare(request); !s.ok()) {
    done(std::move(s));
    return;
  }
  committer_->SubmitAsync(
      std::move(request),
      [this, start = absl::Now(), done = std::move(done)](
          absl::StatusOr<AppendResult> result) mutable {
        append_latency_.Record(absl::Now() - start);
        done(std::move(result));
      });
}

absl::StatusOr<std::vector<v1::Event>> RocksEventLog::ReadFrom(uint64_t from_position,
                                                               size_t max_events) const {
  std::vector<v1::Event> out;
  absl::Status s = ScanFrom(
      from_position, max_events, [&out](size_t count) { out.reserve(count); },
      [&out]() { return &out.emplace_back(); });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<v1::Event*>> RocksEventLog::ReadFromArena(
    uint64_t from_position, size_t max_events, google::protobuf::Arena* arena) const {
  std::vector<v1::Event*> out;
  absl::Status s = ScanFrom(
      from_position, max_events, [&out](size_t count) { out.reserve(count); },
      [&out, arena]() {
        return out.emplace_back(google::protobuf::Arena::CreateMessage<v1::Event>(arena));
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<v1::Event>> RocksEventLog::ReadStream(const std::string& stream,
                                                                 uint64_t from_version,
                                                                 size_t max_events) const {
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
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cf_.streams));
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
  if (!it->status().ok()) {
    return FromRocks(it->status(), absl::StrCat("reading stream ", stream, ": its index"));
  }
  out.reserve(positions.size());
  std::string value;
  for (uint64_t position : positions) {
    absl::StatusOr<v1::Event> event = ReadEvent(position, &value);
    if (!event.ok()) {
      // Name the stream: a query that loads it (a PCN's events) reports what it could not
      // read, e.g. "reading stream pcn/U1: reading event 7: IO error: ...".
      return absl::Status(event.status().code(),
                          absl::StrCat("reading stream ", stream, ": ", event.status().message()));
    }
    out.push_back(*std::move(event));
  }
  return out;
}

absl::StatusOr<v1::Event> RocksEventLog::Get(uint64_t position) const {
  const uint64_t head = PublishedPosition();
  if (position == 0 || position > head) {
    return absl::NotFoundError(
        absl::StrCat("no event at position ", position, " (head is ", head, ")"));
  }
  std::string value;
  return ReadEvent(position, &value);
}

absl::StatusOr<std::optional<AppendResult>> RocksEventLog::FindRequest(
    const std::string& stream, const std::string& request_id) const {
  if (absl::Status s = ValidateStreamId(stream, "stream"); !s.ok()) return s;
  if (request_id.empty() || request_id.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id must be 1..", kMaxIdBytes, " bytes, got ", request_id.size()));
  }
  const uint64_t head = PublishedPosition();
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf_.requests, RequestKey(stream, request_id), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading request ids");
  absl::StatusOr<RequestRecord> record = DecodeRequestRecord(value);
  if (!record.ok()) return record.status();
  if (record->last_position > head) return std::nullopt;  // written, not yet published
  return ServedResult(*std::move(record));
}

Head RocksEventLog::head() const {
  absl::MutexLock lock(&state_mu_);
  return head_;
}

absl::StatusOr<uint64_t> RocksEventLog::StreamVersion(const std::string& stream) const {
  if (absl::Status s = ValidateStreamId(stream, "stream"); !s.ok()) return s;
  absl::MutexLock lock(&state_mu_);
  return LoadVersionLocked(stream, /*cache_unknown=*/false);
}

VerifyReport RocksEventLog::Verify() const {
  absl::Status unsettled;
  const rocksdb::Snapshot* snapshot = nullptr;
  WhenSettled([&](absl::Status undone) {
    unsettled = std::move(undone);
    snapshot = db_->GetSnapshot();
  });
  VerifyReport report = VerifyLog(db_, cf_.events, cf_.meta, snapshot);
  if (report.ok) {
    // Everything else the server reads: the files' own checksums, then the indexes
    // derived from the events (index_verifier.h).
    absl::Status indexes = VerifyFileChecksums(db_);
    if (indexes.ok()) {
      indexes = VerifyIndexes(db_, IndexFamilies{cf_.events, cf_.streams, cf_.requests},
                              snapshot, report.head.position);
    }
    if (!indexes.ok()) {
      report.ok = false;
      report.problem = std::string(indexes.message());
    }
  }
  if (report.ok && !unsettled.ok()) {
    // The snapshot holds batches whose sync failed: report them rather than pass them.
    report.ok = false;
    report.first_bad_position = PublishedPosition() + 1;
    report.problem =
        absl::StrCat("positions from ", report.first_bad_position,
                     " were never acknowledged and are not yet undone: ", unsettled.message());
  }
  db_->ReleaseSnapshot(snapshot);
  return report;
}

int RocksEventLog::AddListener(AppendListener listener) {
  absl::MutexLock lock(&listeners_mu_);
  const int id = next_listener_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

absl::StatusOr<int> RocksEventLog::SetSink(AppendSink sink) {
  absl::MutexLock lock(&listeners_mu_);
  if (sink_) {
    return absl::FailedPreconditionError(
        absl::StrCat("the log already has a sink (listener ", sink_id_, ")"));
  }
  sink_ = std::move(sink);
  sink_id_ = next_listener_id_++;
  return sink_id_;
}

void RocksEventLog::RemoveListener(int id) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.erase(id);
  if (sink_ && id == sink_id_) sink_ = nullptr;
}

absl::Status RocksEventLog::PutSnapshot(const std::string& projection, uint64_t position,
                                        const std::string& state) {
  if (absl::Status s = WritableOrError("write a snapshot"); !s.ok()) return s;
  if (absl::Status s = ValidateStreamId(projection, "projection"); !s.ok()) return s;
  const uint64_t head = PublishedPosition();
  if (position > head) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot position ", position,
                                                   " is beyond the head of the log (", head, ")"));
  }
  return FromRocks(
      db_->Put(SnapshotWrite(), cf_.snapshots, SnapshotKey(projection, position), state),
      "writing snapshot");
}

rocksdb::WriteOptions RocksEventLog::SnapshotWrite() const {
  rocksdb::WriteOptions write;
  write.sync = options_.sync;
  write.no_slowdown = true;
  return write;
}

absl::Status RocksEventLog::DeleteSnapshotsBefore(const std::string& projection,
                                                  uint64_t position) {
  if (absl::Status s = WritableOrError("delete snapshots"); !s.ok()) return s;
  if (absl::Status s = ValidateStreamId(projection, "projection"); !s.ok()) return s;
  return FromRocks(db_->DeleteRange(SnapshotWrite(), cf_.snapshots, SnapshotKey(projection, 0),
                                    SnapshotKey(projection, position)),
                   "deleting snapshots");
}

absl::StatusOr<EventLog::Snapshot> RocksEventLog::LatestSnapshot(const std::string& projection,
                                                                 uint64_t at_or_before) const {
  if (absl::Status s = ValidateStreamId(projection, "projection"); !s.ok()) return s;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_.snapshots));
  it->SeekForPrev(SnapshotKey(projection, at_or_before));
  if (!it->status().ok()) return FromRocks(it->status(), "reading snapshots");
  if (it->Valid()) {
    if (std::optional<uint64_t> position =
            DecodeStreamKeyVersion(ToView(it->key()), StreamPrefix(projection))) {
      return Snapshot{*position, it->value().ToString()};
    }
  }
  return absl::NotFoundError(
      absl::StrCat("no snapshot of ", projection, " at or before ", at_or_before));
}

absl::Status RocksEventLog::Checkpoint(const std::string& target_dir) const {
  absl::Status out;
  WhenSettled([&](absl::Status undone) {
    out = undone.ok() ? CheckpointNow(target_dir) : std::move(undone);
  });
  return out;
}

absl::Status RocksEventLog::CheckpointNow(const std::string& target_dir) const {
  if (target_dir.find('\0') != std::string::npos) {
    // The file system would see the path cut at the NUL (another folder than the caller
    // named); RocksDB's checkpoint then fails part-way.
    return absl::InvalidArgumentError("checkpoint folder must not contain a NUL byte");
  }
  rocksdb::Checkpoint* raw = nullptr;
  if (absl::Status s = FromRocks(rocksdb::Checkpoint::Create(db_, &raw), "checkpoint"); !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(target_dir),
                   absl::StrCat("checkpoint into ", target_dir));
}

absl::Status RocksEventLog::WritingStopped() const {
  absl::MutexLock lock(&stopped_copy_mu_);
  return stopped_copy_;
}

WriteProgress RocksEventLog::Progress() const { return committer_->progress(); }

LogStats RocksEventLog::Stats() const {
  LogStats stats;
  {
    absl::MutexLock lock(&state_mu_);
    stats.head = head_;
    stats.group_commits = group_commits_;
    stats.syncs = syncs_;
    stats.appended_requests = appended_requests_;
  }
  stats.written_position = written_position_.load(std::memory_order_relaxed);
  stats.queued_appends = committer_->queued();
  stats.append_latency = append_latency_.Read();
  // Distinct streams: one seek per stream, jumping past each stream's keys.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_.streams));
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

absl::Status RocksEventLog::ScanFrom(uint64_t from_position, size_t max_events,
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
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cf_.events));
  reserve(static_cast<size_t>(count));
  uint64_t expected = from_position;
  for (it->Seek(EventKey(from_position)); it->Valid() && expected <= last; it->Next(), ++expected) {
    if (DecodeEventKey(ToView(it->key())) != expected) break;
    v1::Event* event = next_event();
    if (!event->ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("stored bytes of event ", expected, " do not parse"));
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading events");
  if (expected <= last) {
    return absl::DataLossError(absl::StrCat("event ", expected, " is missing below head ", head));
  }
  return absl::OkStatus();
}

uint64_t RocksEventLog::PublishedPosition() const {
  absl::MutexLock lock(&state_mu_);
  return head_.position;
}

int64_t RocksEventLog::NowMicros() const {
  return options_.now_micros ? options_.now_micros() : absl::ToUnixMicros(absl::Now());
}

absl::StatusOr<v1::Event> RocksEventLog::ReadEvent(uint64_t position, std::string* value) const {
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_.events, EventKey(position), value);
  if (s.IsNotFound()) {
    return absl::DataLossError(absl::StrCat("event ", position, " is missing below head"));
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading event ", position));
  v1::Event event;
  if (!event.ParseFromString(*value)) {
    return absl::DataLossError(absl::StrCat("stored bytes of event ", position, " do not parse"));
  }
  return event;
}

absl::StatusOr<uint64_t> RocksEventLog::LoadVersionLocked(const std::string& stream,
                                                          bool cache_unknown) const {
  if (auto it = versions_.find(stream); it != versions_.end()) return it->second;
  const std::string prefix = StreamPrefix(stream);
  const rocksdb::Slice lower_slice = ToSlice(prefix);
  rocksdb::ReadOptions read;
  read.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cf_.streams));
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

absl::Status RocksEventLog::WritableOrError(const char* what) const {
  if (!options_.read_only) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("cannot ", what, ": the event log in ", dir_, " is open read-only"));
}

absl::Status RocksEventLog::Prepare(AppendRequest& request) const {
  if (absl::Status s = WritableOrError("append"); !s.ok()) return s;
  if (absl::Status s = ValidateAppendRequest(request, options_); !s.ok()) return s;
  for (v1::Event& event : request.events) {
    event.set_redacted(false);
    event.set_payload_hash(PayloadHash(event.payload()));
  }
  return absl::OkStatus();
}

}  // namespace arrs::store::internal
