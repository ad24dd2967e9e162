// End-to-end tests of arrsctl against a real arrsd: the demo, each main subcommand's
// output as a table, JSON and CSV, bulk import, backup + offline verify and replay, and
// exit codes.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "arrs/v1/api.pb.h"
#include "ledger/engine/snapshot.h"
#include "ledger/store/event_log.h"
#include "tests/cli/process_harness.h"

namespace arrs::cli_test {
namespace {

constexpr char kAdmin[] = "demo-admin-token";
constexpr char kAuditor[] = "demo-auditor-token";
constexpr char kRiverside[] = "demo-pcn-u10001-token";
constexpr char kQwe[] = "demo-icb-qwe-token";

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

class ArrsctlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir());
    server_ = new Server();
    ASSERT_TRUE(server_->Start(*dir_)) << "arrsd did not start";
    demo_ = new RunResult(RunArrsctl({"demo"}, server_->address(), ""));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    std::system(("rm -rf " + *dir_).c_str());
  }

  RunResult Run(const std::vector<std::string>& args, const std::string& token = kAuditor) {
    return RunArrsctl(args, server_->address(), token);
  }
  uint64_t Head() {
    RunResult r = Run({"stats", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    return ParseJson<v1::StatsResponse>(r.out).head_position();
  }
  // `arrsctl import <what> <file>` as U10001, which rejects some rows (exit code 1) and
  // prints `summary`.
  RunResult ImportRejectingSome(const std::string& what, const std::string& file,
                                const std::string& summary) {
    RunResult r = Run({"import", what, file}, kRiverside);
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find(summary), std::string::npos) << r.out;
    return r;
  }

  static std::string* dir_;
  static Server* server_;
  static RunResult* demo_;
};

std::string* ArrsctlTest::dir_ = nullptr;
Server* ArrsctlTest::server_ = nullptr;
RunResult* ArrsctlTest::demo_ = nullptr;

TEST_F(ArrsctlTest, DemoLoadsAndARerunWritesNothing) {
  ASSERT_EQ(demo_->code, 0) << demo_->err;
  EXPECT_NE(demo_->out.find("4 in 2 ICBs"), std::string::npos) << demo_->out;
  EXPECT_NE(demo_->out.find("cap_exceeded="), std::string::npos) << demo_->out;
  EXPECT_NE(demo_->out.find("arrsctl balance"), std::string::npos);
  const uint64_t head = Head();
  EXPECT_GT(head, 300u);
  EXPECT_LT(head, 3000u);
  RunResult again = Run({"demo"}, "");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("events   0 new"), std::string::npos) << again.out;
  EXPECT_EQ(Head(), head);
}

TEST_F(ArrsctlTest, PcnListAsTableJsonAndCsv) {
  RunResult table = Run({"pcn", "list"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("Riverside PCN"), std::string::npos);
  EXPECT_NE(table.out.find("City Central PCN"), std::string::npos);

  RunResult json = Run({"pcn", "list", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto list = ParseJson<v1::ListPcnsResponse>(json.out);
  ASSERT_EQ(list.pcns_size(), 4);
  EXPECT_EQ(list.pcns(0).pcn_code(), "U10001");

  RunResult csv = Run({"pcn", "list", "--csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  const auto lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "pcn,name,icb,staff,claims,version");

  // A PCN service sees only its own PCN.
  RunResult own = Run({"pcn", "list", "--json"}, kRiverside);
  ASSERT_EQ(own.code, 0) << own.err;
  EXPECT_EQ(ParseJson<v1::ListPcnsResponse>(own.out).pcns_size(), 1);
}

TEST_F(ArrsctlTest, KnownAtPositionAndTime) {
  RunResult early = Run({"pcn", "list", "--json", "--known-at", "10"});
  ASSERT_EQ(early.code, 0) << early.err;
  const auto list = ParseJson<v1::ListPcnsResponse>(early.out);
  EXPECT_EQ(list.computed_at_position(), 10u);
  EXPECT_LT(list.pcns_size(), 4);
  RunResult before = Run({"pcn", "list", "--json", "--known-at", "2001-01-01T00:00:00Z"});
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_EQ(ParseJson<v1::ListPcnsResponse>(before.out).pcns_size(), 0);
}

TEST_F(ArrsctlTest, BalanceAsTableJsonAndCsv) {
  RunResult table = Run({"balance", "U10002", "--year", "2023/24"});
  ASSERT_EQ(table.code, 0) << table.err;
  ExpectHasAll(table.out, {"£", "2023/24", "2023-11"});

  RunResult json = Run({"balance", "U10002", "--year", "2023/24", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto b = ParseJson<v1::Balance>(json.out);
  EXPECT_EQ(b.financial_year(), 2023);
  EXPECT_GT(b.sum_pence(), 0);
  EXPECT_GT(b.approved_pence(), 0);
  EXPECT_EQ(b.paid_pence(), b.approved_pence());
  EXPECT_EQ(b.claims_size(), 4);

  RunResult csv = Run({"balance", "U10002", "--year", "2023/24", "--csv",
                       "--as-of", "2023-12-31"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  const auto lines = Lines(csv.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "claim,month,status,claimed,approved,paid");
  EXPECT_EQ(csv.out.find("£"), std::string::npos) << "CSV amounts are plain numbers";
}

TEST_F(ArrsctlTest, CapsShowTheTechnicianOverTheCap) {
  RunResult json = Run({"caps", "U10001", "--as-of", "2021-02-28", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto caps = ParseJson<v1::CapUsage>(json.out);
  bool over = false;
  for (const v1::CapLine& c : caps.caps()) {
    if (c.roles_size() == 1 && c.roles(0) == v1::PHARMACY_TECHNICIAN) {
      over = c.used_wte_bp() > c.cap_wte_bp();
    }
  }
  EXPECT_TRUE(over) << json.out;
  RunResult table = Run({"caps", "U10001", "--as-of", "2021-02-28"});
  EXPECT_NE(table.out.find("pharmacy technician"), std::string::npos);
  RunResult csv = Run({"caps", "U10001", "--as-of", "2021-02-28", "--csv"});
  EXPECT_NE(csv.out.find("pharmacy technician,1.0,2.0,-1.0,2020/21 r2,yes,PT-01 PT-02"),
            std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find("first contact physiotherapist,0.0,0.6,-0.6,2020/21 r2,no (unverified)"),
            std::string::npos)
      << csv.out;
}

TEST_F(ArrsctlTest, ExplainPrintsRuleVersionFiguresAndArithmetic) {
  RunResult table = Run({"explain", "U10001", "2021-02"});
  ASSERT_EQ(table.code, 0) << table.err;
  ExpectHasAll(table.out, {"2020/21 r2", "cap_exceeded", "Maximum ="});

  RunResult json = Run({"explain", "U10002", "2023-11", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto e = ParseJson<v1::Explanation>(json.out);
  ASSERT_GT(e.lines_size(), 0);
  ASSERT_EQ(e.reductions_size(), 1) << "the demo's commissioner reduction";
  EXPECT_EQ(e.reductions(0).line_no(), 1);

  // The third advanced practitioner at Riverside is over the 2022/23 cap of 2 WTE.
  RunResult ap = Run({"explain", "U10001", "2022-11", "--json"});
  bool ap_refused = false;
  const auto ap_lines = ParseJson<v1::Explanation>(ap.out);
  for (const v1::AssessedLine& l : ap_lines.lines()) {
    if (l.staff_id() == "AP-03") ap_refused = l.outcome() == v1::CAP_EXCEEDED;
  }
  EXPECT_TRUE(ap_refused) << ap.out.substr(0, 2000);

  RunResult one = Run({"explain", "U10002", "2023-11", "--line", "1", "--csv"});
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(Lines(one.out)[0].rfind("line,staff,rule_versions,claimed", 0), 0u) << one.out;
}

TEST_F(ArrsctlTest, WorkforceAndRegion) {
  RunResult table = Run({"workforce", "U20004", "--as-of", "2025-03-31"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("general practitioner"), std::string::npos);
  EXPECT_NE(table.out.find("Staff in post"), std::string::npos);
  RunResult json = Run({"workforce", "U20004", "--as-of", "2025-03-31", "--json"});
  const auto w = ParseJson<v1::Workforce>(json.out);
  EXPECT_GT(w.roles_size(), 10);
  EXPECT_GT(w.staff_size(), 15);

  RunResult region = Run({"region", "--as-of", "2025-03-31", "--json"});
  ASSERT_EQ(region.code, 0) << region.err;
  const auto r = ParseJson<v1::RegionSummary>(region.out);
  EXPECT_EQ(r.icbs_size(), 2);
  EXPECT_EQ(r.national().pcn_count(), 4);
  RunResult csv = Run({"region", "--as-of", "2025-03-31", "--csv"});
  EXPECT_EQ(Lines(csv.out).size(), 4u) << csv.out;
}

TEST_F(ArrsctlTest, AuditShowsActorsReasonsAndCorrectionsBothWays) {
  RunResult table = Run({"audit", "U10001", "--staff", "CP-01"});
  ASSERT_EQ(table.code, 0) << table.err;
  ExpectHasAll(table.out, {"admin:alice", "the contract variation says", "no (corrected)"});

  RunResult json = Run({"audit", "U20004", "--staff", "CP-02", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto trail = ParseJson<v1::AuditTrail>(json.out);
  uint64_t corrected = 0, correcting = 0;
  for (const v1::AuditEntry& e : trail.entries()) {
    if (!e.corrected_by().empty()) corrected = e.event().position();
    if (e.event().corrects() != 0) correcting = e.event().corrects();
  }
  EXPECT_NE(corrected, 0u);
  EXPECT_EQ(corrected, correcting);

  RunResult csv = Run({"audit", "U10001", "--claim", "2023-05", "--csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(Lines(csv.out)[0],
            "position,recorded_at,effective,actor,event,what,reason,corrects,corrected_by,"
            "in_force");
  EXPECT_NE(csv.out.find("claim_paid"), std::string::npos);
}

TEST_F(ArrsctlTest, RulesShow) {
  RunResult table = Run({"rules", "show", "--year", "2024/25"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("2024/25 r2"), std::string::npos);
  EXPECT_NE(table.out.find("£65,838.00"), std::string::npos);
  RunResult json = Run({"rules", "show", "--year", "2024-25", "--json"});
  EXPECT_EQ(ParseJson<v1::RulesResponse>(json.out).rules().financial_year(), 2024);
}

TEST_F(ArrsctlTest, VerifyStatsAndSubscribe) {
  RunResult verify = Run({"verify"});
  ASSERT_EQ(verify.code, 0) << verify.err;
  EXPECT_EQ(verify.out.rfind("OK", 0), 0u) << verify.out;
  RunResult stats = Run({"stats", "--csv"});
  EXPECT_NE(stats.out.find("pcn/U10001,"), std::string::npos) << stats.out;

  RunResult sub = Run({"subscribe", "--from", "5", "--limit", "3", "--json"});
  ASSERT_EQ(sub.code, 0) << sub.err;
  const auto lines = Lines(sub.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(ParseJson<v1::Event>(lines[0]).position(), 5u);
  EXPECT_EQ(ParseJson<v1::Event>(lines[2]).position(), 7u);
}

TEST_F(ArrsctlTest, ImportStaffLandsGoodRowsReportsBadOnesAndIsIdempotent) {
  const std::string file = *dir_ + "/staff.csv";
  WriteFile(file,
            "pcn_code,staff_id,role,band,employment_model,employer_name,hire_date,wte,"
            "annual_salary,annual_on_costs,display_name\n"
            "U10001,IMP-1,cp,7,joint,,2025-06-02,1.0,\"41,000.00\",10660,\"Lee, Sam\"\n"
            "U10001,IMP-2,wizard,7,joint,,2025-06-02,1.0,41000,10660,Bad Role\n"
            "\n"
            "U10001,CP-01,cp,7,joint,,2025-06-02,1.0,41000,10660,Already There\n"
            "U10001,IMP-3,splw,5,third-party,\"Action, Ltd\",2025-07-01,0.6,16000,4160,Ann\n"
            "U10001,IMP-4,ap,8a,joint,,2025-02-30,1.0,50000,13000,Bad Date\n");
  const uint64_t before = Head();
  RunResult r =
      ImportRejectingSome("staff", file, "5 rows: 2 imported, 0 already present, 3 rejected");
  EXPECT_NE(r.err.find("row 3: rejected: role"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 5: rejected: ALREADY_EXISTS"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 7: rejected: hire_date"), std::string::npos) << r.err;
  EXPECT_EQ(Head(), before + 2);

  ImportRejectingSome("staff", file, "0 imported, 2 already present, 3 rejected");
  EXPECT_EQ(Head(), before + 2);

  RunResult wf = Run({"workforce", "U10001", "--as-of", "2025-08-01", "--json"});
  EXPECT_NE(wf.out.find("IMP-3"), std::string::npos);
}

TEST_F(ArrsctlTest, ImportClaimsGroupsRowsIntoOneAtomicClaim) {
  const std::string file = *dir_ + "/claims.csv";
  WriteFile(file,
            "pcn_code,claim_id,month,staff_id,actual_cost\n"
            "U10001,2026-03,2026-03,CP-01,4789.00\n"
            "U10001,2026-03,2026-03,SPLW-01,2646.00\n"
            "U10001,X-BAD,2026-05,CP-01,100.00\n"
            "U10001,X-BAD,2026-05,NOBODY,100.00\n"
            "U10001,2026-04,2026-04,CP-01,12.3.4\n");
  const uint64_t before = Head();
  RunResult r =
      ImportRejectingSome("claims", file, "5 rows: 2 imported, 0 already present, 3 rejected");
  EXPECT_NE(r.err.find("rows 4,5: rejected: claim X-BAD: NOT_FOUND"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 6: rejected"), std::string::npos) << r.err;
  EXPECT_EQ(Head(), before + 1) << "one claim of two lines is one event";
  ImportRejectingSome("claims", file, "0 imported, 2 already present");
  EXPECT_EQ(Head(), before + 1);
}

TEST_F(ArrsctlTest, BackupThenOfflineVerifyReplayAndRestore) {
  const std::string backup = *dir_ + "/backup";
  RunResult b = Run({"backup", "--to", backup, "--json"}, kAdmin);
  ASSERT_EQ(b.code, 0) << b.err;
  const auto resp = ParseJson<v1::BackupResponse>(b.out);

  RunResult v = Run({"verify", "--data", backup, "--json"}, "");
  ASSERT_EQ(v.code, 0) << v.err;
  const auto report = ParseJson<v1::VerifyResponse>(v.out);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.head_position(), resp.head_position());
  EXPECT_EQ(report.head_hash(), resp.head_hash());
  RunResult text = Run({"verify", "--data", backup}, "");
  EXPECT_EQ(text.out.rfind("OK", 0), 0u) << text.out;

  RunResult replay = Run({"replay", "--data", backup, "--to", "120"}, "");
  ASSERT_EQ(replay.code, 0) << replay.err;
  EXPECT_NE(replay.out.find("U10001"), std::string::npos) << replay.out;
  EXPECT_EQ(replay.out.find("U20004"), std::string::npos) << "not registered by position 120";
  EXPECT_NE(replay.out.find("2023/24"), std::string::npos);
  RunResult csv = Run({"replay", "--data", backup, "--to", "120", "--csv"}, "");
  EXPECT_EQ(Lines(csv.out)[0], "pcn,icb,staff,claims,year,sum,claimed,approved,paid,remaining");
  RunResult beyond = Run({"replay", "--data", backup, "--to", "999999"}, "");
  EXPECT_EQ(beyond.code, 2);
  {
    // The replays folded the log themselves and left no snapshot behind.
    absl::StatusOr<std::unique_ptr<store::EventLog>> log = store::EventLog::Open(backup);
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_EQ((*log)->LatestSnapshot(engine::kLedgerSnapshot, UINT64_MAX).status().code(),
              absl::StatusCode::kNotFound);
  }

  const std::string restored = *dir_ + "/restored";
  RunResult rs = Run({"restore", "--from", backup, "--data", restored}, "");
  ASSERT_EQ(rs.code, 0) << rs.err;
  EXPECT_NE(rs.out.find("OK"), std::string::npos);
  RunResult twice = Run({"restore", "--from", backup, "--data", restored}, "");
  EXPECT_EQ(twice.code, 1) << "refuses an existing folder";
  RunResult missing = Run({"verify", "--data", *dir_ + "/nowhere"}, "");
  EXPECT_EQ(missing.code, 1);
}

TEST_F(ArrsctlTest, CommandsRefusalsAndExitCodes) {
  EXPECT_EQ(Run({}).code, 2);
  EXPECT_EQ(Run({"balance", "U10001"}).code, 2) << "missing --year";
  EXPECT_EQ(Run({"balance", "U10001", "--year", "2023/25"}).code, 2);
  EXPECT_EQ(Run({"pcn", "list", "--no-such-flag"}).code, 2);
  EXPECT_EQ(Run({"balance", "U10001", "--year", "2023/24", "--as-of", "2024-02-30"}).code, 2);

  RunResult denied = Run({"balance", "U20004", "--year", "2023/24"}, kRiverside);
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.err.find("PERMISSION_DENIED"), std::string::npos) << denied.err;
  RunResult unknown = Run({"pcn", "list"}, "not-a-token");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("UNAUTHENTICATED"), std::string::npos);

  // A command that works, then is refused by a rule, then replays by request id.
  RunResult hire = Run({"staff", "hire", "U10001", "CLI-1", "--role", "paramedic", "--band", "7",
                        "--date", "2025-04-01", "--wte", "0.5", "--salary", "21000",
                        "--on-costs", "5460", "--request-id", "test:hire-cli-1", "--json"},
                       kRiverside);
  ASSERT_EQ(hire.code, 0) << hire.err;
  EXPECT_FALSE(ParseJson<v1::CommandResult>(hire.out).deduplicated());
  RunResult same = Run({"staff", "hire", "U10001", "CLI-1", "--role", "paramedic", "--band", "7",
                        "--date", "2025-04-01", "--wte", "0.5", "--salary", "21000",
                        "--on-costs", "5460", "--request-id", "test:hire-cli-1", "--json"},
                       kRiverside);
  ASSERT_EQ(same.code, 0) << same.err;
  EXPECT_TRUE(ParseJson<v1::CommandResult>(same.out).deduplicated());
  // The same request id for a different request is refused, not answered.
  RunResult other = Run({"staff", "hire", "U10001", "CLI-1", "--role", "paramedic", "--date",
                         "2025-04-01", "--salary", "21000", "--request-id", "test:hire-cli-1",
                         "--json"},
                        kRiverside);
  EXPECT_EQ(other.code, 1);
  EXPECT_NE(other.err.find("ALREADY_EXISTS"), std::string::npos) << other.err;
  EXPECT_NE(other.err.find("test:hire-cli-1"), std::string::npos) << other.err;
  RunResult leave = Run({"staff", "leave-post", "U10001", "CLI-1", "--date", "2025-03-01"},
                        kRiverside);
  EXPECT_EQ(leave.code, 1);
  EXPECT_NE(leave.err.find("FAILED_PRECONDITION"), std::string::npos) << leave.err;

  RunResult pay = Run({"claim", "pay", "U10001", "2026-03", "--paid-on", "2026-04-20",
                       "--amount", "1.00"},
                      kQwe);
  EXPECT_EQ(pay.code, 1);
  RunResult no_reason = Run({"correct", "U10001", "5", "--reverse"}, kAdmin);
  EXPECT_EQ(no_reason.code, 2);
}

TEST_F(ArrsctlTest, ClaimLifecycleThroughTheCommands) {
  ASSERT_EQ(Run({"claim", "submit", "U10001", "CLI-2026-01", "--month", "2026-01", "--line",
                 "CP-01=4789.00"},
                kRiverside).code, 0);
  RunResult assess = Run({"claim", "assess", "U10001", "CLI-2026-01"}, kQwe);
  ASSERT_EQ(assess.code, 0) << assess.err;
  EXPECT_NE(assess.out.find("approved total: £"), std::string::npos) << assess.out;
}

TEST_F(ArrsctlTest, TokenHashMatchesTheDemoTokensFile) {
  RunResult r = Run({"token-hash", "demo-admin-token"}, "");
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37\n");
}

TEST_F(ArrsctlTest, TokenHashRefusesEmptyAndShortTokens) {
  // `arrsctl token-hash "$TOKEN"` with TOKEN unset must not print a hash arrsd would accept.
  for (const std::string& token : {std::string(), std::string("short-token")}) {
    RunResult r = Run({"token-hash", token}, "");
    EXPECT_NE(r.code, 0) << token;
    EXPECT_EQ(r.out, "") << token;
    EXPECT_NE(r.err.find("16"), std::string::npos) << r.err;
  }
}

TEST_F(ArrsctlTest, HelpShowsAnExample) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"balance", "--help"},
                                             {"staff", "hire", "--help"},
                                             {"import", "claims", "--help"},
                                             {"replay", "--help"}}) {
    RunResult r = Run(args, "");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("Example:"), std::string::npos) << args[0];
  }
}

// Issue 20: the commissioner records a PCN's London zone; the PCN itself may not; a zone
// name outside inner/outer/none is refused, naming the flag and the value.
TEST_F(ArrsctlTest, PcnLondonZoneIsTheCommissionersAndChecked) {
  RunResult recorded = Run({"pcn", "london-zone", "U10001", "--zone", "inner", "--from",
                            "2026-04-01", "--source", "HCAS zone list"},
                           kQwe);
  ASSERT_EQ(recorded.code, 0) << recorded.err;
  EXPECT_NE(recorded.out.find("London zone of U10001 from 2026-04-01: inner"), std::string::npos)
      << recorded.out;
  RunResult denied = Run({"pcn", "london-zone", "U10001", "--zone", "outer", "--from",
                          "2026-04-01"},
                         kRiverside);
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.err.find("PERMISSION_DENIED"), std::string::npos) << denied.err;
  RunResult bad = Run({"pcn", "london-zone", "U10001", "--zone", "central", "--from",
                       "2026-04-01"},
                      kQwe);
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("--zone must be inner, outer or none, got \"central\""),
            std::string::npos)
      << bad.err;
  RunResult audit = Run({"audit", "U10001", "--json"});
  ASSERT_EQ(audit.code, 0) << audit.err;
  EXPECT_NE(audit.out.find("INNER_LONDON"), std::string::npos);
}

}  // namespace
}  // namespace arrs::cli_test
