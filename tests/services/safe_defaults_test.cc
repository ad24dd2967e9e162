// Safe defaults (issue 22 findings 5, 6, 8, 9 and issue 19 finding 10): no default tokens
// file, no empty or short tokens, owner-only data files, refusals that do not reveal
// another tenant's PCN or ICB, list sizes recorded only by commissioners and admins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "services/auth.h"
#include "services/request_checks.h"
#include "tests/services/arrsd_process.h"
#include "tests/services/server_fixture.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TokenRulesTest, EmptyAndShortTokensAreRefusedAtBothEnds) {
  absl::StatusOr<services::TokenStore> store =
      services::TokenStore::Parse(absl::StrCat(services::TokenHash(""), " admin * eve\n"));
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("empty token"));
  store = services::TokenStore::Parse(absl::StrCat(std::string(64, 'z'), " admin * eve\n"));
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("64 hex digits"));

  // Even a file that lists a short token's hash does not let that token in.
  store = services::TokenStore::Parse(
      absl::StrCat(services::TokenHash("short"), " admin * eve\n",
                   services::TokenHash("a-long-enough-token"), " auditor * nao\n"));
  ASSERT_TRUE(store.ok()) << store.status();
  for (const char* header : {"Bearer ", "Bearer    ", "Bearer short"}) {
    absl::StatusOr<services::Principal> who = store->Authenticate(header);
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated) << header;
  }
  EXPECT_TRUE(store->Authenticate("Bearer a-long-enough-token").ok());
}

// Runs `command` in the shell and returns its exit status and combined output.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  char buffer[512];
  while (pipe != nullptr && fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  const int status = pipe == nullptr ? -1 : pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(ArrsdDefaultsTest, RefusesToStartWithoutATokensFile) {
  // Run from the source folder, where config/demo-tokens.txt is: it must not be picked up.
  const TempDir temp("notokens");
  const std::string data = temp.Sub("data");
  auto [code, output] = Shell(absl::StrCat("cd ", ARRS_SOURCE_DIR, " && timeout 20 ",
                                           ARRS_BINARY_DIR, "/services/arrsd --data ", data,
                                           " --listen 127.0.0.1:0 --log-level warn"));
  EXPECT_EQ(code, 1) << output;
  EXPECT_THAT(output, HasSubstr("--tokens"));
}

TEST(ArrsdDefaultsTest, RefusesAMessageLimitBelowFourMebibytes) {
  const TempDir temp("msglimit");
  const std::string dir = temp.str();
  std::ofstream(dir + "/tokens") << services::TokenHash("limit-admin-token") << " admin * a\n";
  for (const char* limit : {"-1", "0", "1000"}) {
    auto [code, output] = Shell(absl::StrCat(
        "timeout 20 ", ARRS_BINARY_DIR, "/services/arrsd --data ", dir, "/data --tokens ", dir,
        "/tokens --listen 127.0.0.1:0 --log-level warn --max-message-bytes ", limit));
    EXPECT_EQ(code, 1) << limit << ": " << output;
    EXPECT_THAT(output, HasSubstr("--max-message-bytes")) << limit;
  }
}

TEST(ArrsdDefaultsTest, QueueLimitsAreFlagsAndZeroOrNegativeIsRefused) {
  const TempDir temp("queues");
  const std::string dir = temp.str();
  std::ofstream(dir + "/tokens") << services::TokenHash("queue-admin-token") << " admin * a\n";
  for (const char* flag : {"--max-queued-per-stream", "--max-queued-appends"}) {
    for (const char* value : {"0", "-5"}) {
      auto [code, output] = Shell(absl::StrCat(
          "timeout 20 ", ARRS_BINARY_DIR, "/services/arrsd --data ", dir, "/data --tokens ",
          dir, "/tokens --listen 127.0.0.1:0 --log-level warn ", flag, " ", value));
      EXPECT_NE(code, 0) << flag << " " << value << ": " << output;
      EXPECT_THAT(output, HasSubstr(flag)) << value;
    }
  }
}

TEST(ArrsdDefaultsTest, WriteStallExitIsAFlagAndNegativeIsRefused) {
  auto [help_code, help] = Shell(
      absl::StrCat("timeout 20 ", ARRS_BINARY_DIR, "/services/arrsd --help"));
  EXPECT_EQ(help_code, 0) << help;
  EXPECT_THAT(help, HasSubstr("--write-stall-exit-seconds"));
  EXPECT_THAT(help, HasSubstr("code 75"));
  const TempDir temp("stall");
  const std::string dir = temp.str();
  std::ofstream(dir + "/tokens") << services::TokenHash("stall-admin-token") << " admin * a\n";
  auto [code, output] = Shell(absl::StrCat(
      "timeout 20 ", ARRS_BINARY_DIR, "/services/arrsd --data ", dir, "/data --tokens ", dir,
      "/tokens --listen 127.0.0.1:0 --log-level warn --write-stall-exit-seconds -1"));
  EXPECT_NE(code, 0) << output;
  EXPECT_THAT(output, HasSubstr("--write-stall-exit-seconds"));
}

TEST(ArrsdDefaultsTest, DataFolderAndFilesAreOwnerOnly) {
  const TempDir temp("perms");
  const std::filesystem::path& dir = temp.path();
  const std::string tokens = (dir / "tokens.txt").string();
  std::ofstream(tokens) << services::TokenHash("perms-admin-token") << " admin * root\n";
  const mode_t old_umask = umask(022);  // the usual default; arrsd must not rely on it
  ArrsdProcess arrsd;
  const bool started = arrsd.Start((dir / "data").string(), tokens);
  umask(old_umask);
  ASSERT_TRUE(started);
  EXPECT_EQ(arrsd.Stop(SIGTERM), 0);
  struct stat st;
  ASSERT_EQ(stat((dir / "data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "data")) {
    ASSERT_EQ(stat(entry.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u) << entry.path() << " mode " << (st.st_mode & 0777);
    ++files;
  }
  EXPECT_GT(files, 3);
}

class ScopeMessagesTest : public ServerFixture {};

TEST_F(ScopeMessagesTest, RefusalsDoNotRevealAnotherTenantsPcnOrIcb) {
  RegisterTwoPcns();  // U40001 in QAA, U40002 in QBB
  v1::AssessClaimRequest r;
  r.mutable_header()->set_request_id(NextId());
  r.set_claim_id("c1");
  v1::CommandResult out;
  r.set_pcn_code("U40001");  // exists, in ICB QAA
  grpc::Status existing = commands_->AssessClaim(Ctx(kCommB).get(), r, &out);
  r.set_pcn_code("U40009");  // does not exist
  grpc::Status missing = commands_->AssessClaim(Ctx(kCommB).get(), r, &out);
  EXPECT_EQ(existing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(existing.error_message(), Not(HasSubstr("QAA")));
  EXPECT_THAT(existing.error_message(), HasSubstr("outside the caller's scope"));
  std::string same = missing.error_message();
  same.replace(same.find("U40009"), 6, "U40001");
  EXPECT_EQ(existing.error_message(), same);
}

TEST_F(ScopeMessagesTest, PcnTokenCannotRecordItsOwnListSize) {
  RegisterTwoPcns();
  v1::RecordListSizeRequest l;
  l.mutable_header()->set_request_id(NextId());
  l.set_pcn_code("U40001");
  *l.mutable_reference_date() = Day(2024, 1, 1);
  l.set_registered_list_size(150000);
  l.set_weighted_population_milli(150000000);
  v1::CommandResult out;
  const uint64_t head = Head();
  grpc::Status s = commands_->RecordListSize(Ctx(kPcnA).get(), l, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_EQ(Head(), head);
  l.mutable_header()->set_request_id(NextId());
  s = commands_->RecordListSize(Ctx(kCommA).get(), l, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST(ClaimMonthTest, MonthsAfterTheCurrentMonthAreRefused) {
  const absl::CivilDay today(2026, 12, 3);
  EXPECT_TRUE(services::CheckClaimMonthNotAfter(Day(2026, 12, 31), today).ok());
  EXPECT_TRUE(services::CheckClaimMonthNotAfter(Day(2019, 4, 1), today).ok());
  absl::Status s = services::CheckClaimMonthNotAfter(Day(2027, 1, 1), today);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("2027-01"));
  EXPECT_THAT(s.message(), HasSubstr("2026-12"));
}

TEST_F(ScopeMessagesTest, AClaimForAMonthYearsAheadIsRefused) {
  RegisterTwoPcns();
  v1::SubmitClaimRequest c;
  c.mutable_header()->set_request_id(NextId());
  c.set_pcn_code("U40001");
  c.set_claim_id("future-1");
  *c.mutable_month() = Day(2031, 1, 1);
  v1::ClaimLine* line = c.add_lines();
  line->set_line_no(1);
  line->set_staff_id("p1");
  line->set_actual_cost_pence(100000);
  v1::CommandResult out;
  const uint64_t head = Head();
  grpc::Status s = commands_->SubmitClaim(Ctx(kPcnA).get(), c, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("2031-01"));
  EXPECT_THAT(s.error_message(), HasSubstr("current month"));
  EXPECT_EQ(Head(), head);
}

}  // namespace
}  // namespace arrs::testing_support

namespace arrs::testing_support {
namespace {

// Issue 22 finding 13: "loopback" was decided by the address's spelling ("127." or
// "localhost:" prefixes); now by what the host resolves to.
TEST(LoopbackTest, DecidedByWhatTheHostResolvesTo) {
  for (const char* loopback : {"127.0.0.1:50151", "127.0.0.2:0", "localhost:0", "[::1]:0"}) {
    EXPECT_TRUE(services::IsLoopbackAddress(loopback)) << loopback;
  }
  for (const char* other : {"127.attacker.invalid:50151", "0.0.0.0:50151", "[::]:0",
                            "10.0.0.1:50151", "127.0.0.1", ":50151", "localhost"}) {
    EXPECT_FALSE(services::IsLoopbackAddress(other)) << other;
  }
}

// Tried on a plain fixture's ledger and tokens.
class LoopbackServerTest : public ServerFixture {};

TEST_F(LoopbackServerTest, ANameThatOnlyLooksLikeLoopbackNeedsTls) {
  services::ServerOptions options;
  options.listen_address = "127.attacker.invalid:0";
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("without TLS"), std::string::npos) << server.status();
}

}  // namespace
}  // namespace arrs::testing_support
