// Issue 23, finding 3: an auditor's offline tools leave the folder they check byte for byte
// as they found it. arrsd leaves its last writes in the write-ahead log at a clean stop;
// `arrsctl verify --data` and `replay` used to flush them into new SST files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/event_log.h"
#include "tests/cli/process_harness.h"

namespace arrs::cli_test {
namespace {

// Every file under `dir` (relative path) -> SHA-256 of its bytes.
std::map<std::string, std::string> FolderDigest(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    out[std::filesystem::relative(entry.path(), dir).string()] = store::Sha256(bytes.str());
  }
  return out;
}

// The files added, removed or changed between two digests, for the failure message.
std::string Differences(const std::map<std::string, std::string>& before,
                        const std::map<std::string, std::string>& after) {
  std::string out;
  for (const auto& [path, digest] : before) {
    auto it = after.find(path);
    if (it == after.end()) absl::StrAppend(&out, "removed ", path, "\n");
    else if (it->second != digest) absl::StrAppend(&out, "changed ", path, "\n");
  }
  for (const auto& [path, digest] : after) {
    if (!before.count(path)) absl::StrAppend(&out, "added ", path, "\n");
  }
  return out;
}

TEST(OfflineReadOnlyTest, VerifyAndReplayLeaveTheFolderAsTheyFoundIt) {
  const std::string dir = MakeTempDir();
  const std::string data = dir + "/data";
  {
    Server server;
    ASSERT_TRUE(server.Start(dir)) << "arrsd did not start";
    RunResult demo = RunArrsctl({"demo"}, server.address(), "demo-admin-token");
    ASSERT_EQ(demo.code, 0) << demo.err;
  }  // a clean stop (SIGTERM): the last writes stay in the write-ahead log

  const auto before = FolderDigest(data);
  ASSERT_FALSE(before.empty());
  RunResult verify = RunArrsctl({"verify", "--data", data}, "", "");
  ASSERT_EQ(verify.code, 0) << verify.err;
  EXPECT_EQ(verify.out.rfind("OK", 0), 0u) << verify.out;
  RunResult replay = RunArrsctl({"replay", "--data", data, "--to", "200"}, "", "");
  ASSERT_EQ(replay.code, 0) << replay.err;
  EXPECT_NE(replay.out.find("U10001"), std::string::npos) << replay.out;
  const auto after = FolderDigest(data);
  EXPECT_EQ(after, before) << Differences(before, after);

  // The read-only log refuses writes, naming why.
  store::LogOptions options;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<store::EventLog>> log = store::EventLog::Open(data, options);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_GT((*log)->head().position, 400u);
  store::AppendRequest append;
  append.stream = "pcn/U10001";
  append.request_id = "read-only-test";
  append.events.emplace_back();
  absl::StatusOr<store::AppendResult> refused = (*log)->Append(append);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("read-only"), std::string::npos)
      << refused.status();
  log->reset();
  const auto still = FolderDigest(data);
  EXPECT_EQ(still, before) << Differences(before, still);

  // Not a folder of the log: refused, nothing created.
  RunResult missing = RunArrsctl({"verify", "--data", dir + "/nowhere"}, "", "");
  EXPECT_EQ(missing.code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir + "/nowhere"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace arrs::cli_test
