// The restatement in the projections (balance, explanation, region, arrears report) and
// one assessment in force per claim in the audit trail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/projections/projections.h"
#include "tests/domain/domain_log.h"

namespace arrs::projections {
namespace {

using domain::testing::D;
using domain::testing::DomainLog;
using ::testing::HasSubstr;

class RestatementProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(log_.StartWithOnePharmacist(20'000'000, 2024, 2024));
    for (int month : {5, 6}) {
      const std::string id = absl::StrCat("2024-0", month);
      ASSERT_TRUE(log_.Claim(id, D(2024, month, 1), {{"cp-1", 550000}}).ok());
      ASSERT_TRUE(log_.Assess(id).ok());
      ASSERT_TRUE(log_.PayDue(id, D(2024, month + 1, 20)).ok());
    }
    fte_ = *log_.ChangeFte("cp-1", D(2024, 5, 1), 5000);
  }
  v1::Balance Balance(absl::CivilDay as_of) {
    const domain::PcnModel pcn = log_.Model();
    v1::Balance b = ComputeBalance(pcn, log_.book(), 2024, as_of, log_.head());
    domain::RestateOptions options;
    options.financial_year = 2024;
    options.only_months_to_as_of = true;
    AddRestatement(domain::RestatePcn(pcn, log_.events(), log_.book(), log_.head(), as_of,
                                      options),
                   &b);
    return b;
  }

  DomainLog log_;
  uint64_t fte_ = 0;
};

TEST_F(RestatementProjectionTest, BalanceShowsPaidArrearsOverpaymentsAndNet) {
  v1::Balance b = Balance(absl::CivilDay(2025, 3, 31));
  EXPECT_EQ(b.paid_pence(), 2 * 519500);
  EXPECT_EQ(b.restated_pence(), 2 * 259750);
  EXPECT_EQ(b.overpayment_to_recover_pence(), 2 * 259750);
  EXPECT_EQ(b.arrears_due_pence(), 0);
  EXPECT_EQ(b.net_due_pence(), -2 * 259750);
  ASSERT_EQ(b.claims_size(), 2);
  EXPECT_EQ(b.claims(0).overpayment_to_recover_pence(), 259750);
  EXPECT_EQ(b.claims(0).status(), "paid");

  ASSERT_TRUE(log_.Recover("2024-05", D(2024, 9, 1), 259750).ok());
  b = Balance(absl::CivilDay(2025, 3, 31));
  EXPECT_EQ(b.recovered_pence(), 259750);
  EXPECT_EQ(b.net_due_pence(), -259750);
  // On 19 June (finding 7): neither May nor June is paid yet.
  b = Balance(absl::CivilDay(2024, 6, 19));
  ASSERT_EQ(b.claims_size(), 2);
  EXPECT_EQ(b.claims(0).status(), "assessed");
  EXPECT_EQ(b.claims(1).status(), "assessed");
  EXPECT_EQ(b.paid_pence(), 0);
  EXPECT_EQ(b.overpayment_to_recover_pence(), 0);
}

TEST_F(RestatementProjectionTest, ExplanationAndArrearsReportNameTheCause) {
  const domain::PcnModel pcn = log_.Model();
  domain::RestateOptions options;
  options.explain = true;
  const domain::PcnRestatement r =
      domain::RestatePcn(pcn, log_.events(), log_.book(), log_.head(), domain::kEndOfTime,
                         options);
  v1::Explanation e;
  AddRestatement(r.claims.at("2024-05"), 0, &e);
  ASSERT_EQ(e.restated_size(), 1);
  EXPECT_EQ(e.restated(0).approved_pence(), 519500);
  EXPECT_EQ(e.restated(0).restated_pence(), 259750);
  EXPECT_EQ(e.restated(0).difference_pence(), -259750);
  EXPECT_THAT(e.restated(0).explanation(), HasSubstr("0.5"));
  ASSERT_EQ(e.restated(0).causes_size(), 1);
  EXPECT_EQ(e.restated(0).causes(0).position(), fte_);

  v1::ArrearsReport report;
  AddToArrearsReport(pcn, r, &report);
  ASSERT_EQ(report.pcns_size(), 1);
  EXPECT_EQ(report.overpayment_to_recover_pence(), 2 * 259750);
  ASSERT_EQ(report.pcns(0).claims_size(), 2);
  EXPECT_EQ(report.pcns(0).claims(0).claim_id(), "2024-05");
  ASSERT_EQ(report.pcns(0).claims(0).causes_size(), 1);
  EXPECT_THAT(report.pcns(0).claims(0).causes(0).what(), HasSubstr("FTE of cp-1"));

  v1::RegionSummary region;
  AddToRegion(pcn, absl::CivilDay(2024, 12, 31), &region);
  AddRestatementToRegion(pcn.icb_code, r, &region);
  EXPECT_EQ(region.icbs(0).overpayment_to_recover_pence(), 2 * 259750);
  EXPECT_EQ(region.national().overpayment_to_recover_pence(), 2 * 259750);
  EXPECT_EQ(region.national().paid_pence(), 2 * 519500);
}

// Finding 3: a re-assessment supersedes the assessment in force, and the audit trail says
// so both ways; only the latest is in force.
TEST_F(RestatementProjectionTest, ReassessmentSupersedesThePreviousAssessmentInTheAuditTrail) {
  const uint64_t first = log_.Model().claims.at("2024-05").assessed_position;
  const uint64_t second = *log_.Assess("2024-05");
  const v1::AuditTrail trail = ComputeAuditTrail(log_.events(), log_.head(), "", "2024-05");
  int in_force = 0;
  for (const v1::AuditEntry& entry : trail.entries()) {
    if (!entry.event().payload().has_claim_assessed()) continue;
    if (!entry.cancelled()) ++in_force;
    if (entry.event().position() == first) {
      EXPECT_TRUE(entry.cancelled());
      EXPECT_EQ(entry.superseded_by(), second);
    }
    if (entry.event().position() == second) {
      EXPECT_FALSE(entry.cancelled());
      EXPECT_EQ(entry.supersedes(), first);
      EXPECT_EQ(entry.event().payload().claim_assessed().supersedes_position(), first);
    }
  }
  EXPECT_EQ(in_force, 1);
}

}  // namespace
}  // namespace arrs::projections
