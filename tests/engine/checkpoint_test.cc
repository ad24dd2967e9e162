// Old as-of views start from the stream's latest checkpoint at or before known_at and
// apply the events after it. Checked against folding the stream from scratch at every
// position of a history long enough for several checkpoints, with corrections (of recent
// claims, and of one several checkpoints back) and a reversal in it. The head model after
// each correction is refolded from a checkpoint, so this checks that too.
#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "ledger/domain/decide.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/projections/projections.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using google::protobuf::util::MessageDifferencer;

class CheckpointTest : public LedgerFixture {};

TEST_F(CheckpointTest, ModelAtEveryPositionEqualsAFoldFromScratch) {
  Register("U10001", "QAA", 52000, 50000000);
  ASSERT_OK(Hire("U10001", "cp-1", v1::CLINICAL_PHARMACIST, D(2021, 4, 1), kWholeTimeBp));
  ASSERT_OK(Hire("U10001", "ap-1", v1::ADVANCED_PRACTITIONER, D(2021, 6, 1), 8000));
  absl::StatusOr<v1::CommandResult> wrong =
      Hire("U10001", "para-1", v1::PARAMEDIC, D(2021, 5, 1), 6000);
  ASSERT_OK(wrong);
  int corrections = 0;
  std::vector<uint64_t> submissions;
  for (int i = 0; i < 57; ++i) {
    const absl::CivilDay month = absl::CivilDay(2021, 7 + i, 1);
    const std::string claim = FormatCivilDay(month).substr(0, 7);
    absl::StatusOr<v1::CommandResult> submitted =
        Claim("U10001", claim, ToProtoDate(month), {{"cp-1", 450000}, {"ap-1", 380000}});
    ASSERT_OK(submitted);
    submissions.push_back(submitted->first_position());
    ASSERT_OK(Assess("U10001", claim));
    if (i == 50) {  // a claim of long ago (several checkpoints back) corrected late
      const absl::CivilDay old_month = absl::CivilDay(2021, 7 + 20, 1);
      ASSERT_TRUE(CorrectClaim("U10001", submissions[20],
                               FormatCivilDay(old_month).substr(0, 7), ToProtoDate(old_month),
                               "cp-1", 410000, "found in the 2023 audit")
                      .ok());
      ++corrections;
    }
    if (i % 7 == 3) {
      ASSERT_TRUE(CorrectClaim("U10001", submitted->first_position(), claim,
                               ToProtoDate(month), "cp-1", 400000, "payroll corrected")
                      .ok());
      ++corrections;
    }
    if (i == 12) {  // the paramedic was never employed: reverse the hire
      v1::CorrectRequest reverse;
      *reverse.mutable_header() = Header("hired on the wrong PCN");
      reverse.set_pcn_code("U10001");
      reverse.set_corrects_position(wrong->first_position());
      reverse.set_reverse(true);
      ASSERT_OK(ledger_->Correct("admin:alice", reverse));
    }
  }
  ASSERT_GE(corrections, 4);

  engine::LedgerState state;
  absl::StatusOr<std::vector<v1::Event>> all = ledger_->log().ReadFrom(1, 100000);
  ASSERT_OK(all);
  state.Apply(*all);
  std::vector<const v1::Event*> events;  // owned by `state`
  size_t checkpoints = 0;
  state.ForEachStream([&](const std::string& name, const engine::StreamState& stream) {
    if (name != "pcn/U10001") return;
    events = stream.events;
    checkpoints = stream.checkpoints.size();
  });
  ASSERT_GE(events.size(), 2 * engine::LedgerState::kCheckpointEvery);
  ASSERT_GE(checkpoints, 2u + corrections);

  int compared = 0;
  for (const v1::Event* e : events) {
    const uint64_t k = e->position();
    const domain::PcnModel slow = domain::FoldPcn(events, k);
    absl::Status same = state.ReadPcnAt<bool>(
        "pcn/U10001", k, false, [&](const engine::StreamRead& read) -> absl::StatusOr<bool> {
          const domain::PcnModel* fast = &read.model;
          EXPECT_TRUE(read.known) << k;
          EXPECT_EQ(fast->position, slow.position) << k;
          EXPECT_EQ(fast->stream_version, slow.stream_version) << k;
          EXPECT_EQ(fast->staff.size(), slow.staff.size()) << k;
          EXPECT_EQ(fast->claims.size(), slow.claims.size()) << k;
          for (const absl::CivilDay as_of :
               {absl::CivilDay(2022, 3, 31), absl::CivilDay(2023, 9, 30)}) {
            const int year = FinancialYearOf(as_of);
            EXPECT_TRUE(MessageDifferencer::Equals(
                projections::ComputeBalance(*fast, read.rules, year, as_of, k),
                projections::ComputeBalance(slow, read.rules, year, as_of, k)))
                << "balance at known_at " << k;
            EXPECT_TRUE(MessageDifferencer::Equals(
                projections::ComputeCapUsage(*fast, read.rules, as_of, k),
                projections::ComputeCapUsage(slow, read.rules, as_of, k)))
                << "caps at known_at " << k;
            EXPECT_TRUE(MessageDifferencer::Equals(
                projections::ComputeWorkforce(*fast, as_of, k),
                projections::ComputeWorkforce(slow, as_of, k)))
                << "workforce at known_at " << k;
          }
          return true;
        }).status();
    ASSERT_OK(same);
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(events.size()));
}

}  // namespace
}  // namespace arrs::testing_support
