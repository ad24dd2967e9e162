// RocksEventLog's syncer thread: syncs the batches written unsynced, publishes them, and
// after a failed sync undoes them; and WhenSettled, which waits for all that to drain. See
// rocks_event_log_internal.h for the pipeline's states and the locks.
#include <algorithm>
#include <deque>
#include <memory>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "ledger/store/log_format.h"
#include "ledger/store/rocks_event_log_internal.h"
#include "ledger/util/assert.h"

namespace arrs::store::internal {

bool RocksEventLog::InFlight() const {
  absl::MutexLock lock(&sync_mu_);
  return InFlightLocked();
}

bool RocksEventLog::InFlightLocked() const { return !unsynced_.empty() || syncing_; }

void RocksEventLog::HandToSyncer(UnsyncedBatch batch) {
  absl::MutexLock lock(&sync_mu_);
  unsynced_.push_back(std::move(batch));
  if (!syncer_.joinable()) syncer_ = std::thread([this] { SyncLoop(); });
}

void RocksEventLog::FailUnsynced(const absl::Status& error) {
  absl::MutexLock lock(&sync_mu_);
  for (UnsyncedBatch& batch : unsynced_) {
    if (batch.later_write_failed.ok()) {
      batch.later_write_failed = absl::Status(error.code(), error.message());
    }
  }
}

void RocksEventLog::SyncLoop() {
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
    // A write after these batches failed: never SyncWAL them (see FailUnsynced).
    auto failed_later = std::find_if(batches.begin(), batches.end(), [](const UnsyncedBatch& b) {
      return !b.later_write_failed.ok();
    });
    if (failed_later != batches.end()) {
      const absl::Status error = failed_later->later_write_failed;
      Undo(batches, error);
      absl::MutexLock lock(&sync_mu_);
      syncing_ = false;
      continue;
    }
    const bool any_written = std::any_of(batches.begin(), batches.end(),
                                         [](const UnsyncedBatch& b) { return !b.writers.empty(); });
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

void RocksEventLog::Undo(std::deque<UnsyncedBatch>& batches, const absl::Status& error) {
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
    pending_undo_ = UndoBatch(batches);
    tip_versions_.clear();
    // Else the next group retries it first (after RocksDB's Resume), and fails until it
    // is written.
    WritePendingUndo().IgnoreError();
    for (UnsyncedBatch& batch : batches) FailAll(batch.group, error);
  }
  for (UnsyncedBatch& batch : batches) committer_->Finished(batch.group);
}

std::unique_ptr<rocksdb::WriteBatch> RocksEventLog::UndoBatch(
    const std::deque<UnsyncedBatch>& batches) {
  auto undo = std::make_unique<rocksdb::WriteBatch>();
  for (const UnsyncedBatch& batch : batches) {
    for (const PendingAppend* pending : batch.writers) {
      ARRS_ASSERT(pending->result.ok(), "a batch's writers hold their positions");
      const AppendResult& written = *pending->result;
      ARRS_ASSERT(written.first_position >= 1 && written.last_position >= written.first_position,
                  "a written request holds at least one position");
      const uint64_t count = written.last_position - written.first_position + 1;
      ARRS_ASSERT(written.stream_version >= count,
                  "a written request's events are versions 1..stream_version");
      for (uint64_t i = 0; i < count; ++i) {
        undo->Delete(cf_.events, EventKey(written.first_position + i));
        undo->Delete(cf_.streams, StreamKey(pending->request.stream, written.stream_version - i));
      }
      undo->Delete(cf_.requests, RequestKey(pending->request.stream, pending->request.request_id));
    }
  }
  {
    absl::MutexLock lock(&state_mu_);
    SetTip(head_);
  }
  undo->Put(cf_.meta, kMetaHead, EncodeHead(tip_.position, tip_.hash));
  return undo;
}

absl::Status RocksEventLog::WritePendingUndo() const {
  if (pending_undo_ == nullptr) return absl::OkStatus();
  // A failed write or sync may leave RocksDB in a background-error state; a fatal one
  // cannot be resumed, and the log stops writing (the undo stays pending until a reopen).
  if (StopIfFatal(db_->Resume())) return stopped_;
  rocksdb::WriteOptions write;
  write.sync = true;
  rocksdb::Status s = db_->Write(write, pending_undo_.get());
  if (StopIfFatal(s)) return stopped_;
  if (!s.ok()) return WriteError(s, "undoing a batch whose sync failed");
  pending_undo_.reset();
  return absl::OkStatus();
}

void RocksEventLog::WhenSettled(absl::FunctionRef<void(absl::Status undone)> f) const {
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
      if (settled) {
        f(WritePendingUndo());
        return;
      }
    }
    absl::MutexLock lock(&sync_mu_);
    auto undone = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_) { return !undo_waiting_; };
    sync_mu_.Await(absl::Condition(&undone));
  }
}

}  // namespace arrs::store::internal
