#include "ledger/store/rocks_resumer.h"

#include <utility>

#include "absl/time/clock.h"
#include "ledger/util/assert.h"

namespace arrs::store::internal {

Resumer::Resumer(absl::Duration min_interval) : min_interval_(min_interval) {}

Resumer::~Resumer() { Stop(); }

void Resumer::Start(rocksdb::DB* db) {
  absl::MutexLock lock(&mu_);
  ARRS_ASSERT(db != nullptr, "Resumer::Start needs an open DB");
  ARRS_ASSERT(!thread_.joinable() && !stopping_, "Resumer::Start is called once, before Stop");
  db_ = db;
  thread_ = std::thread([this] { Loop(); });
}

void Resumer::Stop() {
  std::thread thread;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

uint64_t Resumer::resumes() const {
  absl::MutexLock lock(&mu_);
  return resumes_;
}

void Resumer::Request() {
  absl::MutexLock lock(&mu_);
  if (!fatal_) wanted_ = true;
}

void Resumer::OnBackgroundError(rocksdb::BackgroundErrorReason /*reason*/,
                                rocksdb::Status* bg_error) {
  // Called by RocksDB without its DB mutex, on the thread that met the error: take the
  // leaf lock only, and never call into the DB from here.
  if (bg_error == nullptr || bg_error->ok()) return;
  absl::MutexLock lock(&mu_);
  if (bg_error->severity() >= rocksdb::Status::Severity::kFatalError) {
    fatal_ = true;  // Resume() would refuse it; the log stops at its next write
    return;
  }
  // A full disk is recovered by RocksDB's SstFileManager (its own thread, which polls
  // for free space and is not the recovery that can deadlock); a Resume() of ours would
  // only be refused as Busy meanwhile.
  if (bg_error->subcode() == rocksdb::Status::SubCode::kNoSpace ||
      bg_error->subcode() == rocksdb::Status::SubCode::kSpaceLimit) {
    return;
  }
  wanted_ = true;
}

void Resumer::Loop() {
  absl::Time last = absl::InfinitePast();
  for (;;) {
    rocksdb::DB* db = nullptr;
    bool confirming = false;
    {
      absl::MutexLock lock(&mu_);
      auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || ((wanted_ || confirm_) && !fatal_);
      };
      mu_.Await(absl::Condition(&woken));
      // At most one Resume() per interval: wait out the rest of it (Stop() cuts it short).
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      mu_.AwaitWithDeadline(absl::Condition(&stopping), last + min_interval_);
      if (stopping_) return;
      if (fatal_) continue;  // the error turned fatal meanwhile: nothing to resume
      confirming = !wanted_;
      wanted_ = false;
      confirm_ = false;
      ++resumes_;
      db = db_;
    }
    last = absl::Now();
    const rocksdb::Status resumed = db->Resume();  // no lock of ours held
    absl::MutexLock lock(&mu_);
    if (resumed.ok()) {
      // RocksDB calls listeners before it records the error, so this Resume() may have
      // found nothing to do yet: one more after the interval makes sure.
      if (!confirming) confirm_ = true;
      continue;
    }
    if (resumed.severity() >= rocksdb::Status::Severity::kFatalError) {
      fatal_ = true;
    } else {
      wanted_ = true;  // the fault is still there, or another Resume() runs: try again
    }
  }
}

}  // namespace arrs::store::internal
