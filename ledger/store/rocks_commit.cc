// RocksEventLog's commit step: a group of requests staged on the tip, written in one
// WriteBatch, then published at once (synced) or handed to the syncer (pipelined). See
// rocks_event_log_internal.h for the pipeline's states and the locks.
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ledger/store/append_validation.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/log_format.h"
#include "ledger/store/rocks_event_log_internal.h"
#include "ledger/store/rocks_status.h"
#include "ledger/util/assert.h"
#include "rocksdb/perf_level.h"

namespace arrs::store::internal {

bool RocksEventLog::CommitGroup(const std::vector<PendingAppend*>& group, bool more_queued) {
  // RocksDB counts every key comparison in a thread-local perf context unless told not
  // to (per thread); the memtable inserts make dozens per key.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  absl::MutexLock write_lock(&write_mu_);
  if (absl::Status s = ReadyToWrite(); !s.ok()) {
    FailAll(group, s);
    return true;  // nothing is in flight while an undo is pending
  }
  const bool in_flight = InFlight();
  if (!in_flight) tip_versions_.clear();  // every batch written is published
  StagedGroup staged;
  staged.position = tip_.position;
  staged.prev_hash = tip_.hash;
  staged.now = std::max(NowMicros(), last_recorded_at_);
  for (PendingAppend* pending : group) {
    const AppendRequest& request = pending->request;
    std::string request_key = RequestKey(request.stream, request.request_id);
    if (ResolveDuplicate(pending, request_key, staged)) continue;
    absl::StatusOr<uint64_t> version = StagedVersion(request.stream, staged);
    if (!version.ok()) {
      pending->result = version.status();
      continue;
    }
    if (request.expected_version != kAnyVersion && request.expected_version != *version) {
      pending->result = absl::AbortedError(
          absl::StrCat("version conflict on stream ", request.stream, ": expected version ",
                       request.expected_version, ", actual version ", *version));
      continue;
    }
    StageRequest(pending, std::move(request_key), *version, staged);
  }
  return WriteBatchOrPipeline(group, staged, in_flight, more_queued);
}

absl::Status RocksEventLog::ReadyToWrite() {
  if (!stopped_.ok()) return stopped_;
  if (absl::Status s = WritePendingUndo(); !s.ok()) return s;
  if (last_write_failed_) {
    // A failed write leaves RocksDB in a background-error state. Retryable I/O errors
    // are also recovered automatically (see bgerror_resume_retry_interval); Resume()
    // returns Busy then, and the write reports whatever RocksDB still holds. A fatal
    // error (a non-retryable I/O error in a write, flush, compaction or MANIFEST write)
    // cannot be resumed: Resume() returns it, and the log stops writing.
    if (StopIfFatal(db_->Resume())) return stopped_;
  }
  return absl::OkStatus();
}

bool RocksEventLog::StopIfFatal(const rocksdb::Status& s) const {
  if (s.ok() || s.severity() < rocksdb::Status::Severity::kFatalError) return false;
  if (stopped_.ok()) {
    stopped_ = absl::UnavailableError(absl::StrCat(
        "the event log stopped writing after a storage error RocksDB cannot resume from (",
        s.ToString(), "): appends are refused, reads still work; reopen the folder ", dir_,
        " (restart arrsd) once the disk is healthy"));
    std::fprintf(stderr, "arrs event log: %s\n", std::string(stopped_.message()).c_str());
    absl::MutexLock lock(&stopped_copy_mu_);
    stopped_copy_ = stopped_;
  }
  return true;
}

bool RocksEventLog::ResolveDuplicate(PendingAppend* pending, const std::string& request_key,
                                     StagedGroup& staged) {
  const AppendRequest& request = pending->request;
  if (auto it = staged.staged.find(request_key); it != staged.staged.end()) {
    const AppendRequest& original = it->second->request;
    if (RequestDigestsDiffer(original.request_digest, request.request_digest)) {
      pending->result =
          RequestIdReusedError(request.stream, request.request_id, original.request_kind);
    } else {
      staged.duplicates.emplace_back(pending, it->second);  // answered once written
    }
    return true;
  }
  // Also finds the ids of batches written but not yet synced: the retry is then finished
  // after them, and fails with them if their sync fails.
  std::string value;
  rocksdb::Status found = db_->Get(rocksdb::ReadOptions(), cf_.requests, request_key, &value);
  if (found.IsNotFound()) return false;
  if (!found.ok()) {
    pending->result = FromRocks(found, "reading request ids");
    return true;
  }
  absl::StatusOr<RequestRecord> original = DecodeRequestRecord(value);
  if (!original.ok()) {
    pending->result = original.status();
  } else if (RequestDigestsDiffer(original->digest, request.request_digest)) {
    pending->result = RequestIdReusedError(request.stream, request.request_id, original->kind);
  } else {
    pending->result = ServedResult(*std::move(original));
  }
  return true;
}

absl::StatusOr<uint64_t> RocksEventLog::StagedVersion(const std::string& stream,
                                                      const StagedGroup& staged) const {
  if (auto it = staged.versions.find(stream); it != staged.versions.end()) return it->second;
  if (auto it = tip_versions_.find(stream); it != tip_versions_.end()) return it->second;
  absl::MutexLock lock(&state_mu_);
  return LoadVersionLocked(stream, /*cache_unknown=*/true);
}

void RocksEventLog::StageRequest(PendingAppend* pending, std::string request_key, uint64_t version,
                                 StagedGroup& staged) {
  AppendRequest& request = pending->request;
  AppendResult result;
  result.first_position = staged.position + 1;
  std::string bytes;
  for (v1::Event& event : request.events) {
    const uint64_t position = ++staged.position;
    ++version;
    event.set_position(position);
    event.set_recorded_at_micros(staged.now);
    event.set_stream(request.stream);
    event.set_stream_version(version);
    event.set_request_id(request.request_id);
    event.set_prev_hash(staged.prev_hash);
    event.set_hash(EventHash(event));
    staged.prev_hash = event.hash();
    bytes.clear();
    event.SerializeToString(&bytes);
    staged.batch.Put(cf_.events, EventKey(position), bytes);
    staged.batch.Put(cf_.streams, StreamKey(request.stream, version), EncodeU64(position));
  }
  result.last_position = staged.position;
  result.stream_version = version;
  staged.batch.Put(
      cf_.requests, request_key,
      EncodeRequestRecord({result.first_position, result.last_position, result.stream_version,
                           request.stream, request.request_kind, request.request_digest}));
  staged.versions[request.stream] = version;
  staged.staged.emplace(std::move(request_key), pending);
  pending->result = result;
  staged.writers.push_back(pending);
}

bool RocksEventLog::WriteBatchOrPipeline(const std::vector<PendingAppend*>& group,
                                         StagedGroup& staged, bool in_flight, bool more_queued) {
  // While batches are in flight, every group waits for them: a retry's answer or a
  // conflict may rest on what they wrote, and groups are finished in order.
  auto queue_behind = [&] {
    HandToSyncer(UnsyncedBatch{group, {}, tip_, {}, {}});
    return false;
  };
  if (staged.writers.empty()) return in_flight ? queue_behind() : true;

  staged.batch.Put(cf_.meta, kMetaHead, EncodeHead(staged.position, staged.prev_hash));
  const bool pipelined = options_.sync && (in_flight || more_queued || group.size() > 1);
  rocksdb::WriteOptions write;
  write.sync = options_.sync && !pipelined;
  rocksdb::Status written = db_->Write(write, &staged.batch);
  if (!written.ok()) {
    last_write_failed_ = true;
    const absl::Status error =
        StopIfFatal(written) ? stopped_ : WriteError(written, "writing events");
    FailAll(staged.writers, error);
    for (auto& duplicate : staged.duplicates) FailAll(std::vector{duplicate.first}, error);
    if (in_flight) {
      // The batches written before this one and waiting for their sync can no longer be
      // synced (FailUnsynced): they fail and are undone, as after a failed sync.
      FailUnsynced(absl::Status(error.code(),
                                absl::StrCat("syncing the write-ahead log: a later write to it "
                                             "failed before this batch was synced (",
                                             error.message(), ")")));
    }
    return in_flight ? queue_behind() : true;
  }
  last_write_failed_ = false;
  last_recorded_at_ = staged.now;
  SetTip(Head{staged.position, staged.prev_hash});
  for (auto& [retry, original] : staged.duplicates) {
    AppendResult result = *original->result;
    result.deduplicated = true;
    result.request_kind = original->request.request_kind;
    result.request_digest = original->request.request_digest;
    retry->result = result;
  }
  UnsyncedBatch batch{group, std::move(staged.writers), tip_, std::move(staged.versions), {}};
  if (!pipelined) {
    Publish(batch, /*synced=*/options_.sync);
    return true;
  }
  for (auto& [stream, version] : batch.versions) tip_versions_[stream] = version;
  HandToSyncer(std::move(batch));
  return false;
}

void RocksEventLog::Publish(UnsyncedBatch& batch, bool synced) {
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

void RocksEventLog::SetTip(Head tip) {
  tip_ = std::move(tip);
  written_position_.store(tip_.position, std::memory_order_relaxed);
}

AppendResult RocksEventLog::ServedResult(RequestRecord record) {
  AppendResult result{record.first_position, record.last_position, record.stream_version,
                      /*deduplicated=*/true, std::move(record.kind), std::move(record.digest)};
  return result;
}

absl::Status RocksEventLog::WriteError(const rocksdb::Status& s, const char* what) {
  absl::Status error = FromRocks(s, what);
  if (error.code() != absl::StatusCode::kUnavailable) {
    error = absl::InternalError(error.message());
  }
  return error;
}

}  // namespace arrs::store::internal
