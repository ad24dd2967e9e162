// Old as-of views start from the stream's latest checkpoint at or before known_at that no
// correction known then reaches into, and fold the events after it. Checked against
// folding the stream from scratch at every position of a history long enough for several
// checkpoints, with corrections (of recent claims, and of one several checkpoints back)
// and a reversal in it. The head model after each correction is refolded from a
// checkpoint, so this checks that too. A stream that grows to thousands of staff keeps
// its checkpoints' memory in proportion to its length, and still folds right.
#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "ledger/domain/decide.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/engine/snapshot.h"
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
  ASSERT_GE(checkpoints, 2u);

  int compared = 0;
  for (const v1::Event* e : events) {
    const uint64_t k = e->position();
    const domain::PcnModel slow = domain::FoldPcn(events, k);
    absl::Status same = state.ReadPcnAt<bool>(
        "pcn/U10001", k, false, [&](const engine::StreamRead& read) -> absl::StatusOr<bool> {
          const domain::PcnModel* fast = &read.model;
          EXPECT_TRUE(read.known) << k;
          EXPECT_EQ(engine::EncodePcnModel(*fast), engine::EncodePcnModel(slow)) << k;
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


// A PCN stream of `hires` hires (each a new member of staff, so the head model grows by
// one entry an event), with a replacement of a recent hire every 40 events and a
// reversal of a hire far back every 170.
std::vector<v1::Event> GrowingStream(int hires) {
  std::vector<v1::Event> events;
  auto add = [&](uint64_t corrects) -> v1::Event& {
    v1::Event& e = events.emplace_back();
    e.set_position(events.size());
    e.set_stream_version(events.size());
    e.set_stream("pcn/U20001");
    e.set_corrects(corrects);
    *e.mutable_effective_date() = ToProtoDate(absl::CivilDay(2024, 4, 1));
    return e;
  };
  v1::PcnRegistered& registered = *add(0).mutable_payload()->mutable_pcn_registered();
  registered.set_pcn_code("U20001");
  registered.set_icb_code("QAA");
  auto hire = [](v1::Event& e, int staff, int32_t wte_bp) {
    v1::StaffHired& h = *e.mutable_payload()->mutable_staff_hired();
    h.set_staff_id(absl::StrCat("s-", staff));
    h.set_role(v1::CLINICAL_PHARMACIST);
    h.set_wte_bp(wte_bp);
  };
  std::vector<uint64_t> uncorrected;  // hires nothing has corrected yet
  for (int i = 0; i < hires; ++i) {
    hire(add(0), i, 10000);
    if (i % 40 == 39) {
      hire(add(events.size()), i, 5000);  // replaces the hire just made
    } else {
      uncorrected.push_back(events.size());
    }
    if (i % 170 == 169) {  // reverses a hire from about half the stream ago
      const auto target = uncorrected.begin() + uncorrected.size() / 2;
      add(*target).mutable_payload()->mutable_event_reversed();
      uncorrected.erase(target);
    }
  }
  return events;
}

TEST(CheckpointMemoryTest, ALongStreamsCheckpointsHoldNoMoreEntriesThanItsEvents) {
  engine::LedgerState state;
  state.Apply(GrowingStream(3000));
  std::vector<const v1::Event*> events;  // owned by `state`
  size_t held = 0;
  size_t checkpoints = 0;
  state.ForEachStream([&](const std::string& name, const engine::StreamState& stream) {
    ASSERT_EQ(name, "pcn/U20001");
    events = stream.events;
    checkpoints = stream.checkpoints.size();
    for (const engine::Checkpoint& c : stream.checkpoints) {
      held += engine::LedgerState::CopyWeight(*c.model);
    }
  });
  ASSERT_GT(events.size(), 3000u);
  // One head's worth every 64 events would be ~50 checkpoints of ~1,500 entries (70,000);
  // spaced by half the head's entries, they double: 64, 128, 256, ... 2,048 events.
  EXPECT_LE(held, 2 * events.size());
  EXPECT_GE(checkpoints, 5u);

  for (size_t i = 0; i < events.size(); i += 23) {
    const uint64_t k = events[i]->position();
    const std::string slow = engine::EncodePcnModel(domain::FoldPcn(events, k));
    absl::StatusOr<std::string> fast = state.ReadPcnAt<std::string>(
        "pcn/U20001", k, false, [](const engine::StreamRead& read) -> absl::StatusOr<std::string> {
          return engine::EncodePcnModel(read.model);
        });
    ASSERT_OK(fast);
    EXPECT_EQ(*fast, slow) << "known_at " << k;
  }
}

}  // namespace
}  // namespace arrs::testing_support
