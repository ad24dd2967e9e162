// PowerLossFileSystem is not vacuous: a cut throws away data appended after the last sync,
// files whose directory entry was never synced, and renames not made durable, and keeps
// exactly what was synced (data and entry). And an EventLog that acknowledges without
// syncing (LogOptions::sync = false) does lose acknowledged appends at a cut, while the
// default (synced) log loses none.
#include "tests/store/power_loss_file_system.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/store/event_log.h"
#include "rocksdb/env.h"
#include "tests/store/store_test_util.h"

namespace arrs::testing_support {
namespace {

using store::testing_util::TempDir;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class PowerLossFileSystemTest : public ::testing::Test {
 protected:
  // Writes `text` to a new file `name` in the folder; syncs it when asked.
  void Write(const std::string& name, const std::string& text, bool sync) {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    ASSERT_TRUE(fs_->NewWritableFile(Path(name), {}, &file, nullptr).ok());
    ASSERT_TRUE(file->Append(text, {}, nullptr).ok());
    if (sync) {
      ASSERT_TRUE(file->Sync({}, nullptr).ok());
    }
    ASSERT_TRUE(file->Close({}, nullptr).ok());
  }
  void SyncFolder() {
    std::unique_ptr<rocksdb::FSDirectory> folder;
    ASSERT_TRUE(fs_->NewDirectory(dir_.path(), {}, &folder, nullptr).ok());
    ASSERT_TRUE(folder->Fsync({}, nullptr).ok());
  }
  void Cut() {
    fs_->CutPower();
    ASSERT_TRUE(fs_->LoseUnsyncedData().ok());
    fs_->RestorePower();
  }
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }
  bool Exists(const std::string& name) { return std::filesystem::exists(Path(name)); }

  TempDir dir_;
  std::shared_ptr<PowerLossFileSystem> fs_ = std::make_shared<PowerLossFileSystem>();
};

TEST_F(PowerLossFileSystemTest, DataAppendedAfterTheLastSyncIsGone) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  ASSERT_TRUE(fs_->NewWritableFile(Path("wal"), {}, &file, nullptr).ok());
  ASSERT_TRUE(file->Append("synced|", {}, nullptr).ok());
  ASSERT_TRUE(file->Sync({}, nullptr).ok());
  ASSERT_TRUE(file->Append("not synced", {}, nullptr).ok());
  ASSERT_TRUE(file->Flush({}, nullptr).ok());
  SyncFolder();
  EXPECT_EQ(Slurp(Path("wal")), "synced|not synced");  // in the page cache
  fs_->CutPower();
  EXPECT_FALSE(file->Append("after the cut", {}, nullptr).ok());
  EXPECT_FALSE(file->Sync({}, nullptr).ok());
  EXPECT_FALSE(fs_->LoseUnsyncedData().ok()) << "a file is still open";
  file.reset();
  ASSERT_TRUE(fs_->LoseUnsyncedData().ok());
  fs_->RestorePower();
  EXPECT_EQ(Slurp(Path("wal")), "synced|");
  EXPECT_EQ(fs_->counters().bytes_dropped, 10u);
}

TEST_F(PowerLossFileSystemTest, ASyncedFileWhoseFolderWasNeverSyncedIsGone) {
  Write("synced-file", "data", /*sync=*/true);
  Write("unsynced-file", "data", /*sync=*/false);
  Cut();
  EXPECT_FALSE(Exists("synced-file"));
  EXPECT_FALSE(Exists("unsynced-file"));
  EXPECT_EQ(fs_->counters().entries_removed, 2u);
}

TEST_F(PowerLossFileSystemTest, ASyncedFileInASyncedFolderSurvives) {
  Write("durable", "all of it", /*sync=*/true);
  Write("entry-only", "lost", /*sync=*/false);
  SyncFolder();
  Cut();
  EXPECT_EQ(Slurp(Path("durable")), "all of it");
  ASSERT_TRUE(Exists("entry-only"));  // the entry is durable, its data was never synced
  EXPECT_EQ(Slurp(Path("entry-only")), "");
}

// RocksDB's CURRENT: a synced temporary file renamed over the old one, then the folder
// synced. Without that folder sync the old CURRENT comes back, and the temporary name too.
TEST_F(PowerLossFileSystemTest, ARenameIsUndoneUntilItsFolderIsSynced) {
  Write("CURRENT", "MANIFEST-000001\n", true);
  SyncFolder();
  Write("CURRENT.dbtmp", "MANIFEST-000007\n", true);
  ASSERT_TRUE(fs_->RenameFile(Path("CURRENT.dbtmp"), Path("CURRENT"), {}, nullptr).ok());
  Cut();
  EXPECT_EQ(Slurp(Path("CURRENT")), "MANIFEST-000001\n");
  EXPECT_FALSE(Exists("CURRENT.dbtmp"));  // it was never durable either

  Write("CURRENT.dbtmp", "MANIFEST-000009\n", true);
  ASSERT_TRUE(fs_->RenameFile(Path("CURRENT.dbtmp"), Path("CURRENT"), {}, nullptr).ok());
  SyncFolder();
  Cut();
  EXPECT_EQ(Slurp(Path("CURRENT")), "MANIFEST-000009\n");
}

TEST_F(PowerLossFileSystemTest, NothingIsWrittenAfterTheCut) {
  fs_->CutPower();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  EXPECT_FALSE(fs_->NewWritableFile(Path("new"), {}, &file, nullptr).ok());
  EXPECT_FALSE(fs_->CreateDir(Path("sub"), {}, nullptr).ok());
  std::unique_ptr<rocksdb::FSDirectory> folder;
  ASSERT_TRUE(fs_->NewDirectory(dir_.path(), {}, &folder, nullptr).ok());
  EXPECT_FALSE(folder->Fsync({}, nullptr).ok());
  EXPECT_FALSE(Exists("new"));
  EXPECT_GE(fs_->counters().refused_after_cut, 3u);
}

// Appends `n` requests to an EventLog on `fs`, cuts the power, and returns the head the
// log has when reopened.
uint64_t HeadAfterCut(const std::string& dir, std::shared_ptr<PowerLossFileSystem> fs, bool sync,
                      int n) {
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  store::LogOptions options;
  options.env = env.get();
  options.sync = sync;
  {
    absl::StatusOr<std::unique_ptr<store::EventLog>> log = store::EventLog::Open(dir, options);
    EXPECT_TRUE(log.ok()) << log.status();
    if (!log.ok()) return 0;
    for (int i = 0; i < n; ++i) {
      auto appended = (*log)->Append(
          store::testing_util::MakeRequest("power/s", absl::StrCat("req-", i), 2));
      EXPECT_TRUE(appended.ok()) << appended.status();  // acknowledged
    }
    const PowerLossCounters seen = fs->counters();  // what RocksDB synced, for the docs
    std::printf("[ power ] sync=%d: %llu file syncs (", sync,
                static_cast<unsigned long long>(seen.file_syncs));
    for (const auto& [kind, n] : seen.syncs_by_kind) {
      std::printf("%s %llu ", kind.c_str(), static_cast<unsigned long long>(n));
    }
    std::printf("), %llu directory fsyncs, %llu renames, %llu files created\n",
                static_cast<unsigned long long>(seen.dir_fsyncs),
                static_cast<unsigned long long>(seen.renames),
                static_cast<unsigned long long>(seen.files_created));
    fs->CutPower();
  }
  EXPECT_TRUE(fs->LoseUnsyncedData().ok());
  fs->RestorePower();
  absl::StatusOr<std::unique_ptr<store::EventLog>> reopened = store::EventLog::Open(dir, options);
  EXPECT_TRUE(reopened.ok()) << reopened.status();
  if (!reopened.ok()) return 0;
  const store::VerifyReport report = (*reopened)->Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  return (*reopened)->head().position;
}

TEST(PowerLossEventLogTest, ASyncedLogKeepsEveryAcknowledgedAppend) {
  TempDir dir;
  auto fs = std::make_shared<PowerLossFileSystem>();
  EXPECT_EQ(HeadAfterCut(dir.path(), fs, /*sync=*/true, 20), 40u);
  const PowerLossCounters seen = fs->counters();
  std::printf("[ power ] dropped at the cut: %llu bytes from %llu files, %llu entries\n",
              static_cast<unsigned long long>(seen.bytes_dropped),
              static_cast<unsigned long long>(seen.files_truncated),
              static_cast<unsigned long long>(seen.entries_removed));
}

TEST(PowerLossEventLogTest, ALogThatDoesNotSyncLosesAcknowledgedAppends) {
  TempDir dir;
  auto fs = std::make_shared<PowerLossFileSystem>();
  EXPECT_LT(HeadAfterCut(dir.path(), fs, /*sync=*/false, 20), 40u);
  EXPECT_GT(fs->counters().bytes_dropped, 0u);
}

}  // namespace
}  // namespace arrs::testing_support
