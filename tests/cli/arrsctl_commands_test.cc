// End-to-end tests of the arrsctl commands that set a PCN up and change staff, of
// corrections given as JSON, of publishing rules, and of TLS — against a fresh arrsd.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "arrs/v1/api.pb.h"
#include "tests/cli/process_harness.h"

namespace arrs::cli_test {
namespace {

constexpr char kAdmin[] = "demo-admin-token";

class ArrsctlCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_TRUE(server_.Start(dir_));
  }
  void TearDown() override {
    server_.Stop();
    std::system(("rm -rf " + dir_).c_str());
  }
  RunResult Run(std::vector<std::string> args, const std::string& token = kAdmin) {
    return RunArrsctl(args, server_.address(), token);
  }
  // Runs a command that must succeed and returns its JSON result.
  v1::CommandResult Ok(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.code, 0) << args[0] << " " << args[1] << ": " << r.err;
    return ParseJson<v1::CommandResult>(r.out);
  }

  std::string dir_;
  Server server_;
};

TEST_F(ArrsctlCommandsTest, SetUpAPcnHireAndChangeStaffThenQuery) {
  Ok({"pcn", "register", "U30005", "--name", "Test PCN", "--icb", "QWE", "--established",
      "2020-07-01", "--practice", "A10001=First Surgery", "--practice", "A10002=Second"});
  Ok({"pcn", "list-size", "U30005", "--date", "2024-01-01", "--list-size", "40000",
      "--weighted", "41234.567"});
  Ok({"pcn", "baseline", "U30005", "--role", "cp=1:0.2"});
  Ok({"pcn", "entitlement", "U30005", "--year", "2024/25", "--derive"});
  Ok({"staff", "hire", "U30005", "S-1", "--role", "clinical-pharmacist", "--band", "7",
      "--date", "2024-04-01", "--wte", "1.0", "--salary", "44000", "--on-costs", "11440"});
  Ok({"staff", "start", "U30005", "S-1", "--date", "2024-04-08"});
  Ok({"staff", "fte", "U30005", "S-1", "--date", "2024-09-01", "--wte", "0.8"});
  Ok({"staff", "pay", "U30005", "S-1", "--date", "2024-09-01", "--salary", "35200",
      "--on-costs", "9152"});
  Ok({"staff", "leave", "U30005", "S-1", "--date", "2024-10-01", "--to", "2024-10-31",
      "--kind", "sickness", "--paid-share", "1"});
  Ok({"staff", "leave-post", "U30005", "S-1", "--date", "2025-02-28", "--leaving-reason",
      "retired"});

  RunResult balance = Run({"balance", "U30005", "--year", "2024/25", "--json"});
  ASSERT_EQ(balance.code, 0) << balance.err;
  // 41,234.567 weighted patients x £22.894 = £944,024.17 (rounded down to pence).
  EXPECT_EQ(ParseJson<v1::Balance>(balance.out).sum_pence(), 41234567LL * 2289400 / 1000000);

  RunResult wf = Run({"workforce", "U30005", "--as-of", "2024-12-31", "--json"});
  ASSERT_EQ(wf.code, 0) << wf.err;
  const auto w = ParseJson<v1::Workforce>(wf.out);
  ASSERT_EQ(w.staff_size(), 1);
  EXPECT_EQ(w.staff(0).wte_bp(), 8000);
  EXPECT_EQ(w.staff(0).start_date().day(), 8);
  RunResult after = Run({"workforce", "U30005", "--as-of", "2025-03-31", "--json"});
  EXPECT_EQ(ParseJson<v1::Workforce>(after.out).staff_size(), 0) << "left in February";

  RunResult audit = Run({"audit", "U30005", "--staff", "S-1", "--json"});
  EXPECT_EQ(ParseJson<v1::AuditTrail>(audit.out).entries_size(), 6);
}

TEST_F(ArrsctlCommandsTest, CorrectWithAJsonReplacementAndReverse) {
  Ok({"pcn", "register", "U30006", "--name", "Correct PCN", "--icb", "QKK", "--established",
      "2020-07-01"});
  const v1::CommandResult hire =
      Ok({"staff", "hire", "U30006", "S-2", "--role", "pa", "--date", "2024-05-01", "--salary",
          "40000"});
  const std::string replacement =
      R"({"staff_hired": {"staff_id": "S-2", "role": "PHYSICIAN_ASSOCIATE", "wte_bp": 10000,
          "employment_model": "MEMBER_PRACTICES_JOINTLY", "annual_salary_pence": "4200000",
          "annual_on_costs_pence": "1092000"}})";
  const v1::CommandResult fixed =
      Ok({"correct", "U30006", absl::StrCat(hire.first_position()), "--replace", replacement,
          "--reason", "salary keyed without the London weighting"});
  EXPECT_GT(fixed.first_position(), hire.first_position());

  const v1::CommandResult fte = Ok({"staff", "fte", "U30006", "S-2", "--date", "2024-09-01",
                                    "--wte", "0.5"});
  Ok({"correct", "U30006", absl::StrCat(fte.first_position()), "--reverse", "--reason",
      "wrong member of staff"});

  RunResult audit = Run({"audit", "U30006", "--staff", "S-2", "--json"});
  const auto trail = ParseJson<v1::AuditTrail>(audit.out);
  int cancelled = 0;
  for (const v1::AuditEntry& e : trail.entries()) cancelled += e.cancelled();
  EXPECT_EQ(cancelled, 2) << audit.out;
  RunResult wf = Run({"workforce", "U30006", "--as-of", "2024-12-31", "--json"});
  const auto w = ParseJson<v1::Workforce>(wf.out);
  ASSERT_EQ(w.staff_size(), 1);
  EXPECT_EQ(w.staff(0).wte_bp(), 10000);
  EXPECT_EQ(w.staff(0).annual_cost_pence(), 4200000 + 1092000);

  RunResult bad = Run({"correct", "U30006", "1", "--replace", "{not json", "--reason", "x"});
  EXPECT_EQ(bad.code, 2) << bad.err;
}

TEST_F(ArrsctlCommandsTest, PublishingAVersionAlreadyInForceIsRefused) {
  RunResult r = Run({"rules", "publish", ARRS_SOURCE_DIR "/rules/2024-25.textproto"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ALREADY_EXISTS"), std::string::npos) << r.err;
  RunResult missing = Run({"rules", "publish", dir_ + "/none.textproto"});
  EXPECT_NE(missing.code, 0);
}

TEST_F(ArrsctlCommandsTest, TalksTls) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl";
  const std::string tls = dir_ + "/tls";
  ASSERT_EQ(std::system(("mkdir -p " + tls + " && openssl req -x509 -newkey rsa:2048 -nodes "
                         "-keyout " + tls + "/key.pem -out " + tls + "/cert.pem -days 1 "
                         "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
                         ">/dev/null 2>&1").c_str()),
            0);
  Server secure;
  ASSERT_TRUE(secure.Start(tls, {"--tls-cert", tls + "/cert.pem", "--tls-key", tls + "/key.pem"}));
  RunResult r = RunArrsctl({"--tls-ca", tls + "/cert.pem", "rules", "show", "--year", "2023/24"},
                           secure.address(), kAdmin);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2023/24 r2"), std::string::npos);
  RunResult plain = RunArrsctl({"--timeout", "3", "rules", "show", "--year", "2023/24"},
                               secure.address(), kAdmin);
  EXPECT_EQ(plain.code, 1) << "a plaintext client cannot talk to a TLS server";
  secure.Stop();
}

}  // namespace
}  // namespace arrs::cli_test
