// Resumer: resumes RocksDB after a background error it can recover from, in place of
// RocksDB's own auto-recovery, which the log turns off (max_bgerror_resume_count = 0).
//
// Why: RocksDB 7.8's auto-recovery can deadlock under retryable faults in quick
// succession. A flush job meeting a new retryable error calls SetBGError, which joins the
// previous auto-recovery thread, while that thread waits in ResumeImpl for the same flush
// job (WaitForBackgroundWork). With auto-recovery off RocksDB starts no recovery thread,
// and this class calls DB::Resume() from a thread of its own instead.
//
// How: registered as an EventListener of the DB, OnBackgroundError (called by RocksDB on
// the thread that met the error, a flush or compaction job or a writer, without its DB
// mutex) only records that a resume is wanted, under a leaf lock of its own, and returns:
// it never calls into the DB. The resumer's thread then calls DB::Resume(), at most once
// per `min_interval` (100 ms by default), and again after that interval for as long as
// Resume() fails with an error that may pass (a fault still there, Busy while another
// Resume runs). RocksDB notifies listeners before it records the error, so a Resume()
// right after the notification may find nothing to do: after a successful Resume() for
// a notification the thread makes one more, an interval later. Left to RocksDB: a full
// disk (NoSpace, SpaceLimit), which its SstFileManager recovers on a thread of its own
// once space returns (not the recovery that can deadlock), and every write after a
// failed one asks for a Resume() (Request(), RocksEventLog::ReadyToWrite). A background error
// RocksDB reports as fatal or worse (a non-retryable I/O error with paranoid checks on)
// is not resumed: Resume() would refuse it, and the event log stops writing when its next
// write meets it (EventLog::WritingStopped). From then on the thread only waits for Stop().
//
// Bounded: the thread sleeps until a resume is wanted; while one is, it wakes at most once
// per min_interval (each notification costs at most two Resume() calls once it succeeds). Resume() may block while it flushes (that is what recovery does), but
// it is never called with a lock of this class held, so OnBackgroundError never waits for
// it.
//
// Life cycle: construct, pass as a listener in the DB's options, DB::Open, then Start(db);
// Stop() (which joins the thread) before the DB is closed. Stop() waits for a Resume() in
// progress, which waits for RocksDB's running flushes and compactions. Thread-safe.
#ifndef ARRS_LEDGER_STORE_ROCKS_RESUMER_H_
#define ARRS_LEDGER_STORE_ROCKS_RESUMER_H_

#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/listener.h"

namespace arrs::store::internal {

class Resumer final : public rocksdb::EventListener {
 public:
  explicit Resumer(absl::Duration min_interval = absl::Milliseconds(100));
  // Stop()s.
  ~Resumer() override;

  Resumer(const Resumer&) = delete;
  Resumer& operator=(const Resumer&) = delete;

  // Starts the thread that resumes `db` (not owned; it must stay open until Stop()
  // returns). A resume wanted before Start (an error during the open) is made then. Call
  // at most once.
  void Start(rocksdb::DB* db) ABSL_LOCKS_EXCLUDED(mu_);
  // Joins the thread (after the Resume() it is running, if any, returns). Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // Asks for a Resume() as OnBackgroundError does (also for a full disk: RocksDB's own
  // recovery answers Busy meanwhile, and the thread tries again an interval later).
  // Returns at once; for the event log after a failed write, in place of a Resume() of
  // its own, which can wait as long as a fault lasts (for RocksDB's background jobs).
  void Request() ABSL_LOCKS_EXCLUDED(mu_);

  // DB::Resume() calls made so far, successful or not (for tests).
  uint64_t resumes() const ABSL_LOCKS_EXCLUDED(mu_);

  // rocksdb::EventListener. Records that a resume is wanted; returns at once.
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                         rocksdb::Status* bg_error) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);

  const absl::Duration min_interval_;
  mutable absl::Mutex mu_;  // a leaf lock: nothing is called while it is held
  rocksdb::DB* db_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool wanted_ ABSL_GUARDED_BY(mu_) = false;   // a background error awaits a Resume()
  bool confirm_ ABSL_GUARDED_BY(mu_) = false;  // one more Resume() after a successful one
  bool fatal_ ABSL_GUARDED_BY(mu_) = false;   // RocksDB reported an error it cannot resume
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t resumes_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace arrs::store::internal

#endif  // ARRS_LEDGER_STORE_ROCKS_RESUMER_H_
