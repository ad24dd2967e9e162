// PowerLossFileSystem: the wrapped files and directories, the bookkeeping of what is
// durable, and the cut itself. See power_loss_file_system.h for the contract.
#include "tests/store/power_loss_file_system.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace arrs::testing_support {
namespace {

namespace fs = std::filesystem;

// One spelling per path, so that "d//x" and "d/x/" name what "d/x" names.
std::string Normal(const std::string& path) {
  std::string out = fs::path(path).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string Folder(const std::string& path) { return fs::path(path).parent_path().string(); }
std::string Leaf(const std::string& path) { return fs::path(path).filename().string(); }

// The kind of RocksDB file a name is, for the counters.
std::string Kind(const std::string& path) {
  const std::string leaf = Leaf(path);
  if (absl::EndsWith(leaf, ".log")) return "log";
  if (absl::EndsWith(leaf, ".sst")) return "sst";
  if (absl::EndsWith(leaf, ".dbtmp")) return "dbtmp";
  if (absl::StartsWith(leaf, "MANIFEST-")) return "MANIFEST";
  if (absl::StartsWith(leaf, "OPTIONS-")) return "OPTIONS";
  if (leaf == "CURRENT" || leaf == "IDENTITY") return leaf;
  return "other";
}

}  // namespace

template <typename SyncFn, typename Begin, typename Done>
rocksdb::IOStatus PowerLossFileSystem::Synced(SyncFn sync, Begin begin, Done done) {
  uint64_t noted = 0;
  {
    absl::MutexLock lock(&mu_);
    if (!power_on_) return Refused();
    noted = begin();
  }
  rocksdb::IOStatus s = sync();
  absl::MutexLock lock(&mu_);
  if (!power_on_) return Refused();
  if (s.ok()) done(noted);
  return s;
}

// A writable file whose appends and syncs are counted in its FileState.
class PowerLossFileSystem::File : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(std::unique_ptr<rocksdb::FSWritableFile> file, PowerLossFileSystem* fs, std::string path,
       std::shared_ptr<FileState> state)
      : FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        path_(std::move(path)),
        state_(std::move(state)) {}
  ~File() override {
    absl::MutexLock lock(&fs_->mu_);
    --fs_->open_files_;
  }

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(); !s.ok()) return s;
    rocksdb::IOStatus s = FSWritableFileOwnerWrapper::Append(data, options, dbg);
    return Appended(s, data.size());
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(); !s.ok()) return s;
    rocksdb::IOStatus s = FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    return Appended(s, data.size());
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("PowerLossFileSystem: positioned appends");
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     const rocksdb::DataVerificationInfo&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("PowerLossFileSystem: positioned appends");
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    absl::MutexLock lock(&fs_->mu_);
    if (!fs_->power_on_) return fs_->Refused();  // ignored, or failed
    rocksdb::IOStatus s = FSWritableFileOwnerWrapper::Truncate(size, options, dbg);
    if (s.ok()) {
      state_->size = size;
      state_->durable = std::min(state_->durable, size);
    }
    return s;
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Flush(options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return Synced([&] { return FSWritableFileOwnerWrapper::Sync(options, dbg); });
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return Synced([&] { return FSWritableFileOwnerWrapper::Fsync(options, dbg); });
  }
  // sync_file_range: starts writeback, promises nothing.
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
  }
  rocksdb::IOStatus Allocate(uint64_t offset, uint64_t len, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus s = Check(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Allocate(offset, len, options, dbg);
  }
  // The real file is closed either way (its descriptor released; it writes no data), but
  // after the cut the close fails, as a write would.
  rocksdb::IOStatus Close(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FSWritableFileOwnerWrapper::Close(options, dbg);
    if (rocksdb::IOStatus off = Check(); !off.ok()) return off;
    return s;
  }

 private:
  rocksdb::IOStatus Check() {
    absl::MutexLock lock(&fs_->mu_);
    // After a cut that ignores writes they still reach the file (RocksDB may read them
    // back), but no sync makes them durable.
    if (fs_->power_on_ || !fs_->fail_after_cut_) return rocksdb::IOStatus::OK();
    return fs_->Refused();
  }
  rocksdb::IOStatus Appended(const rocksdb::IOStatus& s, size_t n) {
    if (s.ok()) {
      absl::MutexLock lock(&fs_->mu_);
      state_->size += n;
    }
    return s;
  }
  // What was appended when the sync began is durable once it returns OK, unless the power
  // went off meanwhile (then the sync fails and nothing more is durable).
  template <typename SyncFn>
  rocksdb::IOStatus Synced(SyncFn sync) {
    return fs_->Synced(
        sync, [&] { return state_->size; },
        [&](uint64_t covered) {
          state_->durable = std::max(state_->durable, covered);
          fs_->CountSync(path_);
        });
  }

  PowerLossFileSystem* fs_;
  const std::string path_;
  const std::shared_ptr<FileState> state_;
};

// A directory whose fsync makes the entries changed in it before the fsync began durable.
class PowerLossFileSystem::Directory : public rocksdb::FSDirectoryWrapper {
 public:
  Directory(std::unique_ptr<rocksdb::FSDirectory> dir, PowerLossFileSystem* fs, std::string path)
      : FSDirectoryWrapper(std::move(dir)), fs_(fs), path_(std::move(path)) {}

  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return Synced([&] { return FSDirectoryWrapper::Fsync(options, dbg); });
  }
  rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& options,
                                        rocksdb::IODebugContext* dbg,
                                        const rocksdb::DirFsyncOptions& dir_options) override {
    return Synced([&] { return FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options); });
  }

 private:
  template <typename SyncFn>
  rocksdb::IOStatus Synced(SyncFn sync) {
    return fs_->Synced(
        sync, [&] { return fs_->changes_; },
        [&](uint64_t began) {
          ++fs_->counters_.dir_fsyncs;
          auto it = fs_->pending_.find(path_);
          if (it == fs_->pending_.end()) return;
          for (auto entry = it->second.begin(); entry != it->second.end();) {
            entry = entry->second.change <= began ? it->second.erase(entry) : std::next(entry);
          }
          if (it->second.empty()) fs_->pending_.erase(it);
        });
  }

  PowerLossFileSystem* fs_;
  const std::string path_;
};

PowerLossFileSystem::PowerLossFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
PowerLossFileSystem::~PowerLossFileSystem() = default;

void PowerLossFileSystem::CutPower(CutMode mode) {
  absl::MutexLock lock(&mu_);
  power_on_ = false;
  fail_after_cut_ = mode == CutMode::kFailWrites;
}

bool PowerLossFileSystem::power_on() const {
  absl::MutexLock lock(&mu_);
  return power_on_;
}

PowerLossCounters PowerLossFileSystem::counters() const {
  absl::MutexLock lock(&mu_);
  return counters_;
}

void PowerLossFileSystem::RestorePower() {
  absl::MutexLock lock(&mu_);
  power_on_ = true;
  files_.clear();
  pending_.clear();
  PowerLossCounters fresh;
  fresh.bytes_dropped = counters_.bytes_dropped;
  fresh.files_truncated = counters_.files_truncated;
  fresh.entries_removed = counters_.entries_removed;
  fresh.entries_restored = counters_.entries_restored;
  counters_ = fresh;
}

absl::Status PowerLossFileSystem::LoseUnsyncedData() {
  absl::MutexLock lock(&mu_);
  if (power_on_) return absl::FailedPreconditionError("LoseUnsyncedData: cut the power first");
  if (open_files_ > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "LoseUnsyncedData: ", open_files_, " file(s) opened for writing are still open; destroy "
        "every database using this file system first"));
  }
  counters_.bytes_dropped = 0;
  counters_.files_truncated = 0;
  counters_.entries_removed = 0;
  counters_.entries_restored = 0;
  absl::Status s = TruncateToDurable();
  if (s.ok()) s = UndoPendingEntries();
  files_.clear();
  pending_.clear();
  return s;
}

absl::Status PowerLossFileSystem::TruncateToDurable() {
  for (const auto& [path, state] : files_) {
    std::error_code ec;
    const uintmax_t size = fs::file_size(path, ec);
    if (ec || size <= state->durable) continue;  // gone, or nothing unsynced
    fs::resize_file(path, state->durable, ec);
    if (ec) return absl::InternalError(absl::StrCat("truncating ", path, ": ", ec.message()));
    counters_.bytes_dropped += size - state->durable;
    ++counters_.files_truncated;
  }
  return absl::OkStatus();
}

// Entries put back first, then the ones that were never durable removed (a folder that
// was not durable goes with everything in it).
absl::Status PowerLossFileSystem::UndoPendingEntries() {
  for (const auto& [folder, entries] : pending_) {
    for (const auto& [leaf, entry] : entries) {
      if (!entry.before.has_value()) continue;
      const std::string path = folder + "/" + leaf;
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << *entry.before;
      if (!out.flush()) return absl::InternalError(absl::StrCat("restoring ", path));
      ++counters_.entries_restored;
    }
  }
  for (const auto& [folder, entries] : pending_) {
    for (const auto& [leaf, entry] : entries) {
      if (entry.before.has_value()) continue;
      std::error_code ec;
      if (fs::remove_all(folder + "/" + leaf, ec) > 0) ++counters_.entries_removed;
      if (ec) return absl::InternalError(absl::StrCat("removing ", folder, "/", leaf));
    }
  }
  return absl::OkStatus();
}

rocksdb::IOStatus PowerLossFileSystem::Refused() {
  ++counters_.refused_after_cut;
  return fail_after_cut_ ? rocksdb::IOStatus::IOError(kPowerCut) : rocksdb::IOStatus::OK();
}

void PowerLossFileSystem::NoteEntryChanged(const std::string& path,
                                           std::optional<std::string> before) {
  PendingEntry& entry = pending_[Folder(path)].try_emplace(Leaf(path)).first->second;
  if (entry.change == 0) entry.before = std::move(before);  // the first change keeps it
  entry.change = ++changes_;
}

bool PowerLossFileSystem::EntryPending(const std::string& path) const {
  auto it = pending_.find(Folder(path));
  return it != pending_.end() && it->second.count(Leaf(path)) > 0;
}

std::optional<std::string> PowerLossFileSystem::DurableContent(const std::string& path) const {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto it = files_.find(path);
  if (it != files_.end() && content.size() > it->second->durable) {
    content.resize(it->second->durable);
  }
  return content;
}

void PowerLossFileSystem::Wrap(const std::string& path, std::shared_ptr<FileState> state,
                               std::unique_ptr<rocksdb::FSWritableFile>* result) {
  files_[path] = state;
  ++open_files_;
  *result = std::make_unique<File>(std::move(*result), this, path, std::move(state));
}

void PowerLossFileSystem::CountSync(const std::string& path) {
  ++counters_.file_syncs;
  ++counters_.syncs_by_kind[Kind(path)];
}

// ---- Operations on names: each refused after the cut, each recorded for the cut.

rocksdb::IOStatus PowerLossFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(name);
  absl::MutexLock lock(&mu_);
  if (!power_on_ && fail_after_cut_) return Refused();
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  std::optional<std::string> old;
  if (existed && !power_on_ && !EntryPending(path)) old = DurableContent(path);
  rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(name, options, result, dbg);
  if (!s.ok()) return s;
  // A file truncated by this open loses its old content at once (harsher than a disk),
  // unless the power is already off: then the open never reached the disk.
  if (!existed) {
    NoteEntryChanged(path, std::nullopt);
  } else if (!power_on_) {
    NoteEntryChanged(path, old);
  }
  ++counters_.files_created;
  Wrap(path, std::make_shared<FileState>(), result);
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::ReopenWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(name);
  absl::MutexLock lock(&mu_);
  if (!power_on_ && fail_after_cut_) return Refused();
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  const uint64_t size = existed ? fs::file_size(path, ec) : 0;
  rocksdb::IOStatus s = FileSystemWrapper::ReopenWritableFile(name, options, result, dbg);
  if (!s.ok()) return s;
  std::shared_ptr<FileState> state;
  if (auto it = files_.find(path); it != files_.end()) {
    state = it->second;
    state->size = size;
  } else {
    state = std::make_shared<FileState>(FileState{size, size});  // found on disk: durable
    if (!existed) NoteEntryChanged(path, std::nullopt);
  }
  Wrap(path, std::move(state), result);
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::ReuseWritableFile(
    const std::string&, const std::string&, const rocksdb::FileOptions&,
    std::unique_ptr<rocksdb::FSWritableFile>*, rocksdb::IODebugContext*) {
  return rocksdb::IOStatus::NotSupported("PowerLossFileSystem: recycled log files");
}

rocksdb::IOStatus PowerLossFileSystem::NewRandomRWFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSRandomRWFile>* result, rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!power_on_) return rocksdb::IOStatus::IOError(kPowerCut);  // untracked: never
  return FileSystemWrapper::NewRandomRWFile(name, options, result, dbg);
}

rocksdb::IOStatus PowerLossFileSystem::NewDirectory(const std::string& name,
                                                    const rocksdb::IOOptions& options,
                                                    std::unique_ptr<rocksdb::FSDirectory>* result,
                                                    rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus s = FileSystemWrapper::NewDirectory(name, options, result, dbg);
  if (s.ok()) *result = std::make_unique<Directory>(std::move(*result), this, Normal(name));
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::DeleteFile(const std::string& name,
                                                  const rocksdb::IOOptions& options,
                                                  rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!power_on_) return Refused();
  rocksdb::IOStatus s = FileSystemWrapper::DeleteFile(name, options, dbg);
  if (s.ok()) files_.erase(Normal(name));  // not brought back by a cut (see the header)
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::Truncate(const std::string& name, size_t size,
                                                const rocksdb::IOOptions& options,
                                                rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!power_on_) return Refused();
  rocksdb::IOStatus s = FileSystemWrapper::Truncate(name, size, options, dbg);
  if (auto it = files_.find(Normal(name)); s.ok() && it != files_.end()) {
    it->second->size = size;
    it->second->durable = std::min<uint64_t>(it->second->durable, size);
  }
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::CreateDir(const std::string& name,
                                                 const rocksdb::IOOptions& options,
                                                 rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!power_on_ && fail_after_cut_) return Refused();
  rocksdb::IOStatus s = FileSystemWrapper::CreateDir(name, options, dbg);
  if (s.ok()) NoteEntryChanged(Normal(name), std::nullopt);
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::CreateDirIfMissing(const std::string& name,
                                                          const rocksdb::IOOptions& options,
                                                          rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(name);
  absl::MutexLock lock(&mu_);
  if (!power_on_ && fail_after_cut_) return Refused();
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  rocksdb::IOStatus s = FileSystemWrapper::CreateDirIfMissing(name, options, dbg);
  if (s.ok() && !existed) NoteEntryChanged(path, std::nullopt);
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::DeleteDir(const std::string& name,
                                                 const rocksdb::IOOptions& options,
                                                 rocksdb::IODebugContext* dbg) {
  absl::MutexLock lock(&mu_);
  if (!power_on_) return Refused();
  return FileSystemWrapper::DeleteDir(name, options, dbg);
}

rocksdb::IOStatus PowerLossFileSystem::RenameFile(const std::string& from_name,
                                                  const std::string& to_name,
                                                  const rocksdb::IOOptions& options,
                                                  rocksdb::IODebugContext* dbg) {
  const std::string from = Normal(from_name);
  const std::string to = Normal(to_name);
  absl::MutexLock lock(&mu_);
  if (!power_on_ && fail_after_cut_) return Refused();
  // What a cut would leave under each name if this rename never reached the disk.
  std::optional<std::string> from_before = EntryPending(from) ? std::nullopt : DurableContent(from);
  std::optional<std::string> to_before = EntryPending(to) ? std::nullopt : DurableContent(to);
  rocksdb::IOStatus s = FileSystemWrapper::RenameFile(from_name, to_name, options, dbg);
  if (!s.ok()) return s;
  ++counters_.renames;
  NoteEntryChanged(from, std::move(from_before));
  NoteEntryChanged(to, std::move(to_before));
  auto it = files_.find(from);
  if (it != files_.end()) {
    files_[to] = it->second;
    files_.erase(it);
  } else {
    files_.erase(to);  // the content under `to` is now the (durable) content `from` had
  }
  return s;
}

rocksdb::IOStatus PowerLossFileSystem::LinkFile(const std::string& from_name,
                                                const std::string& to_name,
                                                const rocksdb::IOOptions& options,
                                                rocksdb::IODebugContext* dbg) {
  const std::string from = Normal(from_name);
  const std::string to = Normal(to_name);
  absl::MutexLock lock(&mu_);
  if (!power_on_ && fail_after_cut_) return Refused();
  rocksdb::IOStatus s = FileSystemWrapper::LinkFile(from_name, to_name, options, dbg);
  if (!s.ok()) return s;
  NoteEntryChanged(to, std::nullopt);
  if (auto it = files_.find(from); it != files_.end()) files_[to] = it->second;  // one inode
  return s;
}

}  // namespace arrs::testing_support
