// Issue 19: publishing a rule version reports its total effect on paid claims (the
// arrears report of its year just before and just after the publication).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/cli/process_harness.h"

namespace arrs::cli_test {
namespace {

// The shipped 2024/25 r2 file with every maximum raised 3% under a new version name.
std::string UpliftedRules() {
  std::ifstream in(std::string(ARRS_SOURCE_DIR) + "/rules/2024-25-r2.textproto");
  std::stringstream text;
  text << in.rdbuf();
  std::string out = std::regex_replace(text.str(), std::regex("version: \"2024/25 r2\""),
                                       "version: \"2024/25 test uplift\"");
  const std::regex figure("(annual_max_pence|outer_london_pence|inner_london_pence): ([0-9]+)");
  std::string raised;
  auto last = out.cbegin();
  for (std::sregex_iterator it(out.begin(), out.end(), figure), end; it != end; ++it) {
    raised.append(last, (*it)[0].first);
    const long long pence = std::stoll((*it)[2].str());
    absl::StrAppend(&raised, (*it)[1].str(), ": ", pence + pence * 3 / 100);
    last = (*it)[0].second;
  }
  raised.append(last, out.cend());
  return raised;
}

TEST(RulesPublishEffectTest, PublishingABackdatedUpliftReportsTheArrearsItCreates) {
  const std::string dir = MakeTempDir();
  Server server;
  ASSERT_TRUE(server.Start(dir)) << "arrsd did not start";
  RunResult demo = RunArrsctl({"demo"}, server.address(), "demo-admin-token");
  ASSERT_EQ(demo.code, 0) << demo.err;
  const std::string file = dir + "/uplift.textproto";
  WriteFile(file, UpliftedRules());

  RunResult published =
      RunArrsctl({"rules", "publish", file, "--reason", "3% uplift backdated to April 2024"},
                 server.address(), "demo-admin-token");
  ASSERT_EQ(published.code, 0) << published.err << published.out;
  EXPECT_NE(published.out.find("effect on paid claims of 2024/25"), std::string::npos)
      << published.out;
  // Arrears appear: the lines paid at the old maxima are owed the difference.
  const std::regex arrears("arrears due +£([0-9,.]+) \\(before: £0.00\\)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(published.out, m, arrears)) << published.out;
  EXPECT_NE(m[1].str(), "0.00") << published.out;

  RunResult report = RunArrsctl({"arrears", "--year", "2024/25"}, server.address(),
                                "demo-auditor-token");
  ASSERT_EQ(report.code, 0) << report.err;
  EXPECT_NE(report.out.find("rule version 2024/25 test uplift"), std::string::npos)
      << report.out;
  server.Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace arrs::cli_test
