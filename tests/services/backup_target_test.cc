// Issue 22 finding 13: Backup wrote to any path the server could write, including inside
// the live data folder. Now only inside --backup-root, never inside the data folder, never
// over an existing path, and not at all without a root.
#include "services/backup_target.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/services/server_fixture.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

namespace fs = std::filesystem;

class BackupTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(base_ / "data");
    fs::create_directories(base_ / "backups" / "taken");
    fs::create_directories(base_ / "elsewhere");
    fs::create_directory_symlink(base_ / "elsewhere", base_ / "backups" / "escape");
  }
  std::string P(const std::string& rel) { return (base_ / rel).string(); }

  absl::StatusOr<std::string> Resolve(const std::string& target) {
    return services::ResolveBackupTarget(P("backups"), P("data"), target);
  }
  // Each target is refused with INVALID_ARGUMENT, its message containing the reason given.
  void ExpectRefused(const std::vector<std::pair<std::string, std::string>>& targets_and_why) {
    for (const auto& [target, why] : targets_and_why) {
      absl::StatusOr<std::string> got = Resolve(target);
      ASSERT_FALSE(got.ok()) << target;
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << target;
      EXPECT_TRUE(absl::StrContains(got.status().message(), why)) << target << ": " << got.status();
    }
  }
  const TempDir temp_{"backup-target"};
  const fs::path& base_ = temp_.path();
};

TEST_F(BackupTargetTest, NewFoldersInsideTheRootAreAccepted) {
  absl::StatusOr<std::string> absolute = Resolve(P("backups/2025-04-01"));
  ASSERT_TRUE(absolute.ok()) << absolute.status();
  EXPECT_EQ(*absolute, P("backups/2025-04-01"));
  absl::StatusOr<std::string> relative = Resolve("2025-04-02");
  ASSERT_TRUE(relative.ok()) << relative.status();
  EXPECT_EQ(*relative, P("backups/2025-04-02"));
}

TEST_F(BackupTargetTest, EscapesTheDataFolderAndExistingPathsAreRefused) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {P("elsewhere/b"), "outside the backup root"},
      {"../elsewhere/b", "outside the backup root"},
      {P("backups/../data/b"), "outside the backup root"},
      {"escape/b", "outside the backup root"},  // a symbolic link out of the root
      {P("backups"), "outside the backup root"},
      {"/etc/cron.d/x", "outside the backup root"},
      {"taken", "already exists"},
      {"", "inside the backup root"},
  };
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(refused));
  // A root that holds the data folder still refuses targets inside it.
  absl::StatusOr<std::string> inside_data =
      services::ResolveBackupTarget(base_.string(), P("data"), P("data/b"));
  ASSERT_FALSE(inside_data.ok());
  EXPECT_TRUE(absl::StrContains(inside_data.status().message(), "inside the live data folder"));
}

TEST_F(BackupTargetTest, WithoutARootBackupsAreOffAndABadRootStopsTheStart) {
  absl::StatusOr<std::string> none = services::ResolveBackupTarget("", P("data"), P("b"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(none.status().message(), "--backup-root"));
  EXPECT_TRUE(services::CheckBackupRoot(P("backups"), P("data")).ok());
  EXPECT_TRUE(services::CheckBackupRoot("", P("data")).ok());
  EXPECT_FALSE(services::CheckBackupRoot(P("missing"), P("data")).ok());
  fs::create_directories(base_ / "data" / "bk");
  absl::Status in_data = services::CheckBackupRoot(P("data/bk"), P("data"));
  EXPECT_FALSE(in_data.ok());
  EXPECT_TRUE(absl::StrContains(in_data.message(), "inside the data folder")) << in_data;
}

// The rpc fuzzer met Backup into a fresh name answered UNAVAILABLE by RocksDB's checkpoint
// ("checkpoint into <root>/a"): a target with a NUL byte passed the checks on one path
// (the file system sees it cut at the NUL) and RocksDB failed part-way on another. Such
// targets, and the others RocksDB's checkpoint cannot write (no parent folder, a file where
// it stages the backup), are refused up front with INVALID_ARGUMENT.
TEST_F(BackupTargetTest, TargetsTheCheckpointCannotWriteAreRefusedUpFront) {
  fs::create_directories(base_ / "backups" / "busy.tmp");  // RocksDB clears a staging folder
  { std::ofstream(P("backups/stale.tmp")) << "left over"; }
  const std::vector<std::pair<std::string, std::string>> refused = {
      {std::string("a\0b1", 4), "NUL byte"},
      {"missing/b", "does not exist"},
      {"stale", "is not a folder"},
  };
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(refused));
  for (const std::string ok : {"busy", "taken/inner", "trailing/", "a/."}) {
    absl::StatusOr<std::string> got = Resolve(ok);
    EXPECT_TRUE(got.ok()) << ok << ": " << got.status();
  }
  absl::StatusOr<std::string> trailing = Resolve("c1/");
  ASSERT_TRUE(trailing.ok());
  EXPECT_EQ(*trailing, P("backups/c1"));
}

// Every target the checks accept, the log's checkpoint writes (a fresh server, a root).
class BackupIntoRootTest : public ServerFixture {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / absl::StrCat("arrs-backup-root-", getpid());
    fs::remove_all(root_);
    fs::create_directories(root_ / "taken");
    fs::create_directories(root_ / "busy.tmp");
    server_options_.backup_root = root_.string();
    ServerFixture::SetUp();
  }
  void TearDown() override {
    ServerFixture::TearDown();
    fs::remove_all(root_);
  }
  fs::path root_;
};

TEST_F(BackupIntoRootTest, AcceptedTargetsAreWrittenAndRefusedOnesAreInvalidArguments) {
  RegisterTwoPcns();
  for (const std::string target :
       {std::string("n\0b1", 4), std::string("a"), std::string("busy"),
        std::string("taken/inner"), std::string("t/"), std::string("missing/b"),
        std::string("a")}) {
    v1::BackupRequest request;
    request.set_target_dir(target);
    v1::BackupResponse out;
    const grpc::Status s = admin_->Backup(Ctx(kAdmin).get(), request, &out);
    EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
        << target << ": " << s.error_code() << " " << s.error_message();
  }
  EXPECT_TRUE(fs::is_directory(root_ / "a"));
  EXPECT_TRUE(fs::is_directory(root_ / "busy"));
  EXPECT_TRUE(fs::is_directory(root_ / "taken" / "inner"));
  EXPECT_TRUE(fs::is_directory(root_ / "t"));
  EXPECT_FALSE(fs::exists(root_ / "missing"));
  EXPECT_FALSE(fs::exists(root_ / "n"));
}

// Over RPC, with the fixture's defaults (no --backup-root): refused, nothing written.
class BackupRpcTest : public ServerFixture {};

TEST_F(BackupRpcTest, WithoutABackupRootTheRpcIsRefusedAndWritesNothing) {
  const fs::path target = dir_ / "inside-data-backup";
  v1::BackupRequest request;
  request.set_target_dir(target.string());
  v1::BackupResponse out;
  const grpc::Status s = admin_->Backup(Ctx(kAdmin).get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_FALSE(fs::exists(target));
}

}  // namespace
}  // namespace arrs::testing_support
