// A RocksDB FileSystem that injects storage faults into the write-ahead log on demand:
//   - DiskFullAfter(n): WAL appends fail with NoSpace once n more bytes have been written
//     (a disk filling up part-way through a batch);
//   - FailSyncs(): WAL Sync/Fsync fail with an I/O error (the data may be in the page
//     cache but is not known to be durable);
//   - Clear(): the disk works again.
// Injected errors are retryable, as a transient fault is, so RocksDB may resume writing
// (in the background) once the fault clears. Reads are never affected.
#ifndef ARRS_TESTS_STORE_FAULTY_FILE_SYSTEM_H_
#define ARRS_TESTS_STORE_FAULTY_FILE_SYSTEM_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace arrs::testing_support {

inline constexpr char kInjectedNoSpace[] = "injected fault: disk full";
inline constexpr char kInjectedSyncError[] = "injected fault: fsync failed";

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultyFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FaultyFileSystem"; }

  void DiskFullAfter(int64_t bytes) {
    budget_ = bytes;
    disk_full_ = true;
  }
  void FailSyncs() { fail_syncs_ = true; }
  void Clear() {
    disk_full_ = false;
    fail_syncs_ = false;
  }
  // Faults returned to RocksDB so far (a test checks its fault was really hit).
  int injected() const { return injected_; }

  // Holds every WAL sync until ReleaseSyncs(), but for `allowed` more: a test looks at the
  // log while a sync is in flight, then lets it finish or fail (FailSyncs() first).
  void HoldSyncs(int allowed = 0) {
    absl::MutexLock lock(&gate_mu_);
    holding_ = true;
    allowed_ = allowed;
  }
  void ReleaseSyncs() {
    absl::MutexLock lock(&gate_mu_);
    holding_ = false;
  }
  // Syncs waiting at the gate now.
  int held_syncs() {
    absl::MutexLock lock(&gate_mu_);
    return held_;
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = std::make_unique<WalFile>(std::move(*result), this);
    }
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::ReopenWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = std::make_unique<WalFile>(std::move(*result), this);
    }
    return s;
  }

 private:
  class WalFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    WalFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultyFileSystem* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_->TakeBytes(data.size())) return fs_->Fault(kInjectedNoSpace, true);
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_->TakeBytes(data.size())) return fs_->Fault(kInjectedNoSpace, true);
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      fs_->PassGate();
      if (fs_->fail_syncs_) return fs_->Fault(kInjectedSyncError, false);
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      fs_->PassGate();
      if (fs_->fail_syncs_) return fs_->Fault(kInjectedSyncError, false);
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }

   private:
    FaultyFileSystem* fs_;
  };

  // Waits while syncs are held, unless one more is allowed through.
  void PassGate() {
    absl::MutexLock lock(&gate_mu_);
    ++held_;
    auto open = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(gate_mu_) {
      return !holding_ || allowed_ > 0;
    };
    gate_mu_.Await(absl::Condition(&open));
    if (holding_) --allowed_;
    --held_;
  }

  // True when `n` bytes do not fit in what is left of the disk.
  bool TakeBytes(size_t n) {
    if (!disk_full_) return false;
    if (budget_.fetch_sub(static_cast<int64_t>(n)) < static_cast<int64_t>(n)) {
      budget_ = 0;
      return true;
    }
    return false;
  }

  rocksdb::IOStatus Fault(const char* what, bool no_space) {
    ++injected_;
    rocksdb::IOStatus s = no_space ? rocksdb::IOStatus::NoSpace(what)
                                   : rocksdb::IOStatus::IOError(what);
    s.SetRetryable(true);
    return s;
  }

  std::atomic<bool> disk_full_{false};
  std::atomic<bool> fail_syncs_{false};
  std::atomic<int64_t> budget_{0};
  std::atomic<int> injected_{0};
  absl::Mutex gate_mu_;
  bool holding_ ABSL_GUARDED_BY(gate_mu_) = false;
  int allowed_ ABSL_GUARDED_BY(gate_mu_) = 0;
  int held_ ABSL_GUARDED_BY(gate_mu_) = 0;
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_STORE_FAULTY_FILE_SYSTEM_H_
