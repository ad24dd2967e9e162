// `arrsctl demo --rules-dir` against an arrsd started without a rule book (as
// scripts/demo.sh runs it): the demo publishes the shipped rule versions itself, 2024/25's
// r2 only after that year's claims are assessed and paid, so lines assessed with no
// maximum under r1 are priced by r2 and owed as arrears with r2 as their cause. A second
// run writes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/process_harness.h"

namespace arrs::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdmin[] = "demo-admin-token";
constexpr char kAuditor[] = "demo-auditor-token";

TEST(DemoLateRules, RuleVersionPublishedAfterThePaymentsShowsAsArrears) {
  const std::string dir = MakeTempDir();
  Server server;
  ASSERT_TRUE(server.Start(dir, {}, /*shipped_rules=*/false));
  const std::string rules = ARRS_SOURCE_DIR "/rules";

  RunResult first = RunArrsctl({"demo", "--rules-dir", rules}, server.address(), kAdmin);
  ASSERT_EQ(first.code, 0) << first.err << first.out;
  EXPECT_THAT(first.out, HasSubstr("2024/25 r2 published after the year's claims were paid"));
  EXPECT_THAT(first.out, HasSubstr("effect on paid claims of 2024/25 (all PCNs):"));
  EXPECT_THAT(first.out, HasSubstr("maximum_unknown="));

  // The national arrears report for 2024/25 names r2 as a cause, with money owed.
  RunResult arrears =
      RunArrsctl({"arrears", "--year", "2024/25", "--json"}, server.address(), kAuditor);
  ASSERT_EQ(arrears.code, 0) << arrears.err;
  EXPECT_THAT(arrears.out, HasSubstr("rule version 2024/25 r2"));
  EXPECT_THAT(arrears.out, HasSubstr("(assessed under 2024/25 r1)"));
  RunResult table = RunArrsctl({"arrears", "--year", "2024/25"}, server.address(), kAuditor);
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, Not(HasSubstr("arrears due              £0.00")));

  // Lines that had no maximum when assessed are now priced: an explanation shows one.
  RunResult explain = RunArrsctl({"explain", "U10001", "2024-05"}, server.address(), kAuditor);
  ASSERT_EQ(explain.code, 0) << explain.err;
  EXPECT_THAT(explain.out, HasSubstr("(decided maximum_unknown"));
  EXPECT_THAT(explain.out,
              HasSubstr("rule version 2024/25 r2 for 2024/25 (assessed under 2024/25 r1)"));

  // Running the demo again writes nothing.
  RunResult again = RunArrsctl({"demo", "--rules-dir", rules}, server.address(), kAdmin);
  ASSERT_EQ(again.code, 0) << again.err << again.out;
  EXPECT_THAT(again.out, HasSubstr("events   0 new"));
  EXPECT_THAT(again.out, Not(HasSubstr("effect on paid claims")));
}

// Against a server that published the folder itself at start (arrsd --rules-dir), the
// demo's publications find every version there and publish nothing.
TEST(DemoLateRules, RulesAlreadyPublishedByTheServerAreLeftAsTheyAre) {
  const std::string dir = MakeTempDir();
  Server server;
  ASSERT_TRUE(server.Start(dir));
  RunResult run =
      RunArrsctl({"demo", "--rules-dir", ARRS_SOURCE_DIR "/rules"}, server.address(), kAdmin);
  ASSERT_EQ(run.code, 0) << run.err << run.out;
  EXPECT_THAT(run.out, HasSubstr("(already published: see `arrsctl arrears`)"));
  EXPECT_THAT(run.out, Not(HasSubstr("effect on paid claims")));
}

}  // namespace
}  // namespace arrs::cli_test
