// A RocksDB FileSystem for tests that simulates losing power: it keeps track of what has
// been made durable and, at a cut, throws away on the real disk everything that was not.
//
// Durable means, as POSIX promises it and no more:
//   - a file's data up to the size it had when its last Sync/Fsync *started* (and that
//     sync returned OK before the cut); data appended after that is lost;
//   - a directory entry (a file created, or the target of a rename or link) only after an
//     FSDirectory::Fsync of its directory (through NewDirectory) returned OK; until then a
//     new file disappears at a cut, and a renamed-over file gets its previous durable
//     content back (a rename source that was itself durable comes back too).
// What is not modelled (the loss is never bigger than these allow): a deleted file does
// not come back when its directory was not synced; files written through NewRandomRWFile
// are not tracked; RangeSync (sync_file_range) makes nothing durable. Files that existed
// before this FileSystem saw them, or before RestorePower(), count as durable.
//
// A power cut, in three steps, as a test does it:
//   1. CutPower(mode): the machine is "dead": nothing done from now on becomes durable,
//      and a sync in flight at the cut makes nothing durable. Reads still work. The
//      abandoned database can now be closed or destroyed without persisting anything more.
//      CutMode::kFailWrites: every later write, sync, create, rename, link, delete,
//      truncate and directory fsync fails (IOError "power cut"), as does a sync in flight.
//      CutMode::kIgnoreWrites: they all answer OK, and none counts: appends, creates,
//      renames and links still reach the disk (RocksDB may read them back) and are undone
//      in step 2; syncs, directory fsyncs, deletes and truncations do nothing. A caller
//      must then treat an answer it got after the cut as never received (the machine was
//      off). Needed because Debian's RocksDB 7.8 is built with assertions: after a failed
//      WAL append, the event log's syncer calling DB::SyncWAL aborts the process
//      (WritableFileWriter::AssertFalseAndGetStatusForPrevError), see docs/RELIABILITY.md.
//   2. LoseUnsyncedData(), once no file opened for writing through this FileSystem is
//      still open (every database using it destroyed): truncates each file to its durable
//      size, deletes files (and folders) whose entries were not durable, and puts back the
//      previous content of renamed-over files.
//   3. RestorePower(): live again; what is on disk now is all durable.
// A sync that returned OK before CutPower() is never undone: that is the line a power-loss
// test checks acknowledged writes against.
//
// Thread safety: all methods may be called concurrently (RocksDB's threads and the test's).
#ifndef ARRS_TESTS_STORE_POWER_LOSS_FILE_SYSTEM_H_
#define ARRS_TESTS_STORE_POWER_LOSS_FILE_SYSTEM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace arrs::testing_support {

inline constexpr char kPowerCut[] = "injected fault: power cut";

// What RocksDB asked of the file system since the last RestorePower() (or creation), and
// what the last LoseUnsyncedData() threw away.
struct PowerLossCounters {
  uint64_t file_syncs = 0;      // Sync/Fsync of a file that returned OK
  uint64_t dir_fsyncs = 0;      // FSDirectory fsyncs that returned OK
  uint64_t renames = 0;
  uint64_t files_created = 0;
  uint64_t refused_after_cut = 0;  // operations failed or ignored because the power was off
  // Per file-name kind ("log", "sst", "MANIFEST", "CURRENT", "OPTIONS", "other"): syncs.
  std::map<std::string, uint64_t> syncs_by_kind;
  // The last LoseUnsyncedData():
  uint64_t bytes_dropped = 0;      // file data beyond the durable size
  uint64_t files_truncated = 0;
  uint64_t entries_removed = 0;    // files/folders whose entries were not durable
  uint64_t entries_restored = 0;   // renamed-over (or renamed-away) files put back
};

class PowerLossFileSystem : public rocksdb::FileSystemWrapper {
 public:
  PowerLossFileSystem();
  ~PowerLossFileSystem() override;
  const char* Name() const override { return "PowerLossFileSystem"; }

  enum class CutMode { kFailWrites, kIgnoreWrites };
  void CutPower(CutMode mode = CutMode::kFailWrites);
  // FAILED_PRECONDITION while the power is on or a writable file is still open; the first
  // I/O error otherwise (the disk is then in an unknown state).
  absl::Status LoseUnsyncedData();
  void RestorePower();
  bool power_on() const;
  PowerLossCounters counters() const;

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& name,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  // Not supported (RocksDB uses it only with recycle_log_file_num > 0, off by default).
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& name, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& name, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& name, const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteDir(const std::string& name, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

  // A file written through this FileSystem: bytes appended, and bytes durable. Shared by
  // the open file and the path it is known by (a rename moves it, a link shares it).
  struct FileState {
    uint64_t size = 0;
    uint64_t durable = 0;
  };

 private:
  class File;
  class Directory;

  // A directory entry changed since its directory's last fsync: what a cut leaves there
  // (`before`: nullopt = nothing; otherwise the previous durable content), and the number
  // of the last change (a directory fsync makes durable the changes made before it began).
  struct PendingEntry {
    std::optional<std::string> before;
    uint64_t change = 0;
  };
  using PendingEntries = std::map<std::string, PendingEntry>;

  // The answer to an operation that does nothing because the power is off: an I/O error,
  // or OK under CutMode::kIgnoreWrites.
  rocksdb::IOStatus Refused() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A file's or a directory's sync: refused when the power is off as it begins or ends.
  // Else runs `sync()` (without mu_), having noted `begin()` (under mu_: what the sync
  // covers), and once it returns OK calls `done(noted)` (under mu_: makes that durable).
  // Defined in the .cc, the only user.
  template <typename SyncFn, typename Begin, typename Done>
  rocksdb::IOStatus Synced(SyncFn sync, Begin begin, Done done) ABSL_LOCKS_EXCLUDED(mu_);
  // Records `path`'s entry as changed (keeping the first record since the last dir sync).
  void NoteEntryChanged(const std::string& path, std::optional<std::string> before)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool EntryPending(const std::string& path) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The content `path` would have after a cut now (its durable prefix), if it exists.
  std::optional<std::string> DurableContent(const std::string& path) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Wraps a writable file just opened at `path`, tracked by `state`.
  void Wrap(const std::string& path, std::shared_ptr<FileState> state,
            std::unique_ptr<rocksdb::FSWritableFile>* result) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CountSync(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The two halves of LoseUnsyncedData.
  absl::Status TruncateToDurable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status UndoPendingEntries() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  bool power_on_ ABSL_GUARDED_BY(mu_) = true;
  bool fail_after_cut_ ABSL_GUARDED_BY(mu_) = true;
  int open_files_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t changes_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, std::shared_ptr<FileState>> files_ ABSL_GUARDED_BY(mu_);  // by path
  std::map<std::string, PendingEntries> pending_ ABSL_GUARDED_BY(mu_);            // by folder
  PowerLossCounters counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_STORE_POWER_LOSS_FILE_SYSTEM_H_
