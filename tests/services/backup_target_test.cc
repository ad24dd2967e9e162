// Issue 22 finding 13: Backup wrote to any path the server could write, including inside
// the live data folder. Now only inside --backup-root, never inside the data folder, never
// over an existing path, and not at all without a root.
#include "services/backup_target.h"

#include <gtest/gtest.h>

#include <filesystem>

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
  for (const auto& [target, why] : refused) {
    absl::StatusOr<std::string> got = Resolve(target);
    ASSERT_FALSE(got.ok()) << target;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << target;
    EXPECT_TRUE(absl::StrContains(got.status().message(), why)) << target << ": " << got.status();
  }
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
