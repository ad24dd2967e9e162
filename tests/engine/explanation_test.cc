// The log keeps an assessment's figures; ExplainClaim derives its explanations again from
// the facts as they stood before the assessment and the rule book it priced with. These
// tests check that the derived text is exactly what the assessor was told, also for a
// claim re-assessed by a correction and after the rule book changed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

class ExplanationTest : public LedgerFixture {
 protected:
  v1::Explanation Explain(const std::string& claim, uint64_t known_at = 0) {
    v1::ExplainRequest r;
    r.set_pcn_code("U10001");
    r.set_claim_id(claim);
    if (known_at) r.mutable_known_at()->set_position(known_at);
    absl::StatusOr<v1::Explanation> out = ledger_->ExplainClaim(r);
    EXPECT_OK(out);
    return out.ok() ? *out : v1::Explanation();
  }
};

TEST_F(ExplanationTest, StoredEventHasFiguresAndExplainClaimGivesTheAssessorsText) {
  Register("U10001", "QAA", 52000, 50000000);
  ASSERT_OK(Hire("U10001", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp));
  ASSERT_OK(Hire("U10001", "ap-1", v1::ADVANCED_PRACTITIONER, D(2023, 4, 1), 6000));
  ASSERT_OK(Claim("U10001", "2023-06", D(2023, 6, 1), {{"cp-1", 500000}, {"ap-1", 390000}}));
  absl::StatusOr<v1::CommandResult> assessed = Assess("U10001", "2023-06");
  ASSERT_OK(assessed);
  ASSERT_EQ(assessed->assessment().lines_size(), 2);

  absl::StatusOr<v1::Event> stored = ledger_->log().Get(assessed->last_position());
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->payload().has_claim_assessed());
  for (const v1::AssessedLine& line : stored->payload().claim_assessed().lines()) {
    EXPECT_EQ(line.explanation(), "") << "the log keeps figures, not text";
  }
  EXPECT_GT(stored->payload().claim_assessed().lines(0).maximum_pence(), 0);

  const v1::Explanation explained = Explain("2023-06");
  ASSERT_EQ(explained.lines_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(assessed->assessment().lines(i).explanation().empty());
    EXPECT_EQ(explained.lines(i).explanation(), assessed->assessment().lines(i).explanation());
    EXPECT_EQ(explained.lines(i).approved_pence(), assessed->assessment().lines(i).approved_pence());
  }
  EXPECT_THAT(explained.lines(0).explanation(), HasSubstr("2023/24"));

  // Later facts (a back-dated FTE change) do not change how June was explained.
  v1::StaffChangeRequest fte;
  *fte.mutable_header() = Header();
  fte.set_pcn_code("U10001");
  fte.set_staff_id("cp-1");
  *fte.mutable_effective_date() = D(2023, 5, 1);
  fte.mutable_fte_changed()->set_wte_bp(5000);
  ASSERT_OK(ledger_->ChangeStaff("admin:alice", fte));
  EXPECT_EQ(Explain("2023-06").lines(0).explanation(),
            assessed->assessment().lines(0).explanation());
}

TEST_F(ExplanationTest, CorrectedClaimIsExplainedAsReassessedAndTheOriginalAsKnownBefore) {
  absl::StatusOr<v1::CommandResult> assessed = AssessedMarch2024Claim();
  ASSERT_OK(assessed);
  const uint64_t before_correction = Head();

  absl::StatusOr<v1::CommandResult> corrected = CorrectClaim(
      "U10001", assessed->first_position() - 1, "2024-03", D(2024, 3, 1), "cp-1", 450000,
      "payroll showed £4,500.00");
  ASSERT_OK(corrected);
  ASSERT_TRUE(corrected->has_assessment());

  const v1::Explanation now = Explain("2024-03");
  ASSERT_EQ(now.lines_size(), 1);
  EXPECT_EQ(now.lines(0).approved_pence(), 450000);
  EXPECT_EQ(now.lines(0).explanation(), corrected->assessment().lines(0).explanation());
  const v1::Explanation then = Explain("2024-03", before_correction);
  ASSERT_EQ(then.lines_size(), 1);
  EXPECT_EQ(then.lines(0).approved_pence(), 500000);
  EXPECT_EQ(then.lines(0).explanation(), assessed->assessment().lines(0).explanation());
  EXPECT_NE(now.lines(0).explanation(), then.lines(0).explanation());
}

}  // namespace
}  // namespace arrs::testing_support
