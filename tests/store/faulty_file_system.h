// A RocksDB FileSystem that injects storage faults on demand, by kind of file (by name:
// `*.log` the write-ahead log, `*.sst` table files written by flushes and compactions,
// `MANIFEST-*`, and `CURRENT`, which RocksDB writes as `*.dbtmp` and renames):
//   - DiskFullAfter(n, kinds): appends to files of `kinds` fail with NoSpace once n more
//     bytes have been written to them (a disk filling up part-way through a batch);
//   - FailWrites(kinds): appends, syncs and closes of files of `kinds` fail with an I/O
//     error (for CURRENT: the rename onto it fails too);
//   - FailSyncs(): WAL Sync/Fsync fail with an I/O error (the data may be in the page
//     cache but is not known to be durable);
//   - FailSstReads(corrupt): Read/MultiRead of `*.sst` files fail with an I/O error, or,
//     with `corrupt`, return the bytes with one flipped (a bad block: RocksDB's checksum
//     finds it and reports Corruption);
//   - Clear(): the disk works again.
// Injected errors are retryable (as a transient fault, a full disk, is) unless
// SetRetryable(false): then RocksDB does not resume writing by itself.
// The default (DiskFullAfter(n), FailSyncs()) touches the WAL only, as before.
#ifndef ARRS_TESTS_STORE_FAULTY_FILE_SYSTEM_H_
#define ARRS_TESTS_STORE_FAULTY_FILE_SYSTEM_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "ledger/store/event_log.h"
#include "ledger/store/rocks_event_log.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace arrs::testing_support {

inline constexpr char kInjectedNoSpace[] = "injected fault: disk full";
inline constexpr char kInjectedSyncError[] = "injected fault: fsync failed";
inline constexpr char kInjectedWriteError[] = "injected fault: write failed";
inline constexpr char kInjectedReadError[] = "injected fault: read failed";

// Kinds of file, as a bit mask.
enum FileKind : unsigned {
  kWalFile = 1,
  kSstFile = 2,
  kManifestFile = 4,
  kCurrentFile = 8,  // CURRENT and the *.dbtmp file RocksDB renames onto it
};

// The kind of the file at path `name` (0 when none of the above: LOG, OPTIONS, ...).
inline unsigned KindOfFile(const std::string& name) {
  const size_t slash = name.rfind('/');
  const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  if (absl::EndsWith(base, ".log")) return kWalFile;
  if (absl::EndsWith(base, ".sst")) return kSstFile;
  if (absl::StartsWith(base, "MANIFEST-")) return kManifestFile;
  if (base == "CURRENT" || absl::EndsWith(base, ".dbtmp")) return kCurrentFile;
  return 0;
}

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultyFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FaultyFileSystem"; }

  void DiskFullAfter(int64_t bytes, unsigned kinds = kWalFile) {
    budget_ = bytes;
    full_kinds_ = kinds;
  }
  void FailWrites(unsigned kinds) { fail_write_kinds_ = kinds; }
  void FailSyncs() { fail_syncs_ = true; }
  void FailSstReads(bool corrupt = false) {
    corrupt_reads_ = corrupt;
    fail_sst_reads_ = true;
  }
  void SetRetryable(bool retryable) { retryable_ = retryable; }
  void Clear() {
    full_kinds_ = 0;
    fail_write_kinds_ = 0;
    fail_syncs_ = false;
    fail_sst_reads_ = false;
  }
  // Faults returned to RocksDB so far (a test checks its fault was really hit), in all or
  // on files of `kinds` only.
  int injected() const { return injected_; }
  int injected(unsigned kinds) const {
    int n = 0;
    for (unsigned k = 0; k < 4; ++k) {
      if (kinds & (1u << k)) n += injected_by_kind_[k];
    }
    return n;
  }

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
    return Wrap(name, FileSystemWrapper::NewWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    return Wrap(name, FileSystemWrapper::ReopenWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    return Wrap(name, FileSystemWrapper::ReuseWritableFile(name, old_name, options, result, dbg),
                result);
  }
  rocksdb::IOStatus NewRandomAccessFile(const std::string& name,
                                        const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                        rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::NewRandomAccessFile(name, options, result, dbg);
    if (s.ok() && KindOfFile(name) == kSstFile) {
      *result = std::make_unique<SstReader>(std::move(*result), this);
    }
    return s;
  }
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    if (FailsWrite(KindOfFile(to))) return Fault(kInjectedWriteError, false, KindOfFile(to));
    return FileSystemWrapper::RenameFile(from, to, options, dbg);
  }

 private:
  class FaultyFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultyFileSystem* fs,
               unsigned kind)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), kind_(kind) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeAppend(kind_, data.size()); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeAppend(kind_, data.size()); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeSync(kind_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeSync(kind_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }
    rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (fs_->FailsWrite(kind_)) {
        FSWritableFileOwnerWrapper::Close(options, dbg).PermitUncheckedError();
        return fs_->Fault(kInjectedWriteError, false, kind_);
      }
      return FSWritableFileOwnerWrapper::Close(options, dbg);
    }

   private:
    FaultyFileSystem* fs_;
    const unsigned kind_;
  };

  class SstReader : public rocksdb::FSRandomAccessFileOwnerWrapper {
   public:
    SstReader(std::unique_ptr<rocksdb::FSRandomAccessFile> file, FaultyFileSystem* fs)
        : FSRandomAccessFileOwnerWrapper(std::move(file)), fs_(fs) {}

    rocksdb::IOStatus Read(uint64_t offset, size_t n, const rocksdb::IOOptions& options,
                           rocksdb::Slice* result, char* scratch,
                           rocksdb::IODebugContext* dbg) const override {
      if (fs_->fail_sst_reads_ && !fs_->corrupt_reads_) {
        return fs_->Fault(kInjectedReadError, false, kSstFile);
      }
      rocksdb::IOStatus s =
          FSRandomAccessFileOwnerWrapper::Read(offset, n, options, result, scratch, dbg);
      if (s.ok() && fs_->fail_sst_reads_ && result->size() > 0 && scratch != nullptr) {
        // A bad block: flip a byte of a copy (the result may point into a mapping).
        if (result->data() != scratch) std::memmove(scratch, result->data(), result->size());
        scratch[result->size() / 2] ^= 0x5a;
        *result = rocksdb::Slice(scratch, result->size());
        ++fs_->injected_;
        ++fs_->injected_by_kind_[1];
      }
      return s;
    }
    rocksdb::IOStatus MultiRead(rocksdb::FSReadRequest* reqs, size_t num_reqs,
                                const rocksdb::IOOptions& options,
                                rocksdb::IODebugContext* dbg) override {
      for (size_t i = 0; i < num_reqs; ++i) {
        reqs[i].status = Read(reqs[i].offset, reqs[i].len, options, &reqs[i].result,
                              reqs[i].scratch, dbg);
      }
      return rocksdb::IOStatus::OK();
    }

   private:
    FaultyFileSystem* fs_;
  };

  // Wraps the file an open at `name` that answered `s` left in `result`; returns `s`.
  rocksdb::IOStatus Wrap(const std::string& name, const rocksdb::IOStatus& s,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    const unsigned kind = KindOfFile(name);
    if (s.ok() && kind != 0) *result = std::make_unique<FaultyFile>(std::move(*result), this, kind);
    return s;
  }

  bool FailsWrite(unsigned kind) const { return (fail_write_kinds_ & kind) != 0; }

  rocksdb::IOStatus BeforeAppend(unsigned kind, size_t n) {
    if (TakeBytes(kind, n)) return Fault(kInjectedNoSpace, true, kind);
    if (FailsWrite(kind)) return Fault(kInjectedWriteError, false, kind);
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus BeforeSync(unsigned kind) {
    if (kind == kWalFile) {
      PassGate();
      if (fail_syncs_) return Fault(kInjectedSyncError, false, kind);
    }
    if (FailsWrite(kind)) return Fault(kInjectedWriteError, false, kind);
    return rocksdb::IOStatus::OK();
  }

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

  // True when `n` bytes for a file of `kind` do not fit in what is left of the disk.
  bool TakeBytes(unsigned kind, size_t n) {
    if ((full_kinds_ & kind) == 0) return false;
    if (budget_.fetch_sub(static_cast<int64_t>(n)) < static_cast<int64_t>(n)) {
      budget_ = 0;
      return true;
    }
    return false;
  }

  rocksdb::IOStatus Fault(const char* what, bool no_space, unsigned kind) const {
    ++injected_;
    for (unsigned k = 0; k < 4; ++k) {
      if (kind == (1u << k)) ++injected_by_kind_[k];
    }
    rocksdb::IOStatus s = no_space ? rocksdb::IOStatus::NoSpace(what)
                                   : rocksdb::IOStatus::IOError(what);
    s.SetRetryable(retryable_);
    return s;
  }

  std::atomic<unsigned> full_kinds_{0};
  std::atomic<unsigned> fail_write_kinds_{0};
  std::atomic<bool> fail_syncs_{false};
  std::atomic<bool> fail_sst_reads_{false};
  std::atomic<bool> corrupt_reads_{false};
  std::atomic<bool> retryable_{true};
  std::atomic<int64_t> budget_{0};
  mutable std::atomic<int> injected_{0};
  mutable std::atomic<int> injected_by_kind_[4] = {};
  absl::Mutex gate_mu_;
  bool holding_ ABSL_GUARDED_BY(gate_mu_) = false;
  int allowed_ ABSL_GUARDED_BY(gate_mu_) = 0;
  int held_ ABSL_GUARDED_BY(gate_mu_) = 0;
};

// An event log opened through a new FaultyFileSystem, with the file system and the Env
// over it, which must outlive the log (members are destroyed log first). The setup of
// the store's fault tests.
struct LogOnFaultyFs {
  std::shared_ptr<FaultyFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
  std::unique_ptr<store::EventLog> log;
};

// Opens (creating it if need be) the event log in `dir` through a new FaultyFileSystem,
// with default LogOptions; the open's error, if it fails.
inline absl::StatusOr<LogOnFaultyFs> OpenOnFaultyFs(const std::string& dir) {
  LogOnFaultyFs opened;
  opened.fs = std::make_shared<FaultyFileSystem>();
  opened.env = rocksdb::NewCompositeEnv(opened.fs);
  absl::StatusOr<std::unique_ptr<store::EventLog>> log =
      store::OpenRocksEventLog(dir, store::LogOptions(), opened.env.get());
  if (!log.ok()) return log.status();
  opened.log = *std::move(log);
  return opened;
}

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_STORE_FAULTY_FILE_SYSTEM_H_
