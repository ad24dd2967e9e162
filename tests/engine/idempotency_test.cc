// Request ids as idempotency keys: a command sent again with the same request id answers
// the first result (deduplicated, nothing written), including an assessment's figures and
// explanations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using ::google::protobuf::util::MessageDifferencer;

class IdempotencyTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    Register("U10001", "QAA", 52000, 50000000);
    ASSERT_OK(Hire("U10001", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp));
    ASSERT_OK(Hire("U10001", "ap-1", v1::ADVANCED_PRACTITIONER, D(2023, 4, 1), 6000));
    ASSERT_TRUE(
        Claim("U10001", "2023-06", D(2023, 6, 1), {{"cp-1", 500000}, {"ap-1", 390000}}).ok());
    assess_ = ValidAssess("U10001", "2023-06", "assess-2023-06");
  }
  v1::AssessClaimRequest assess_;
};

// Issue 19, finding 5: the repeat answered deduplicated = true with an empty assessment.
TEST_F(IdempotencyTest, RepeatedAssessmentAnswersTheFirstAssessmentWithItsExplanations) {
  absl::StatusOr<v1::CommandResult> first = ledger_->AssessClaim("test:icb", assess_);
  ASSERT_OK(first);
  ASSERT_EQ(first->assessment().lines_size(), 2);
  ASSERT_FALSE(first->assessment().lines(0).explanation().empty());

  // A later fact that would price the claim differently if it were assessed again.
  v1::StaffChangeRequest fte;
  *fte.mutable_header() = Header();
  fte.set_pcn_code("U10001");
  fte.set_staff_id("cp-1");
  *fte.mutable_effective_date() = D(2023, 5, 1);
  fte.mutable_fte_changed()->set_wte_bp(5000);
  ASSERT_OK(ledger_->ChangeStaff("test:pcn", fte));
  const uint64_t head = Head();

  absl::StatusOr<v1::CommandResult> again = ledger_->AssessClaim("test:icb", assess_);
  ASSERT_OK(again);
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->first_position(), first->first_position());
  EXPECT_EQ(again->last_position(), first->last_position());
  EXPECT_TRUE(MessageDifferencer::Equals(again->assessment(), first->assessment()))
      << "first:\n" << first->assessment().DebugString() << "again:\n"
      << again->assessment().DebugString();
  EXPECT_EQ(Head(), head) << "nothing written";

  // The same without blocking.
  absl::StatusOr<v1::CommandResult> async_again;
  absl::Notification told;
  ledger_->CommandAsync("test:icb", assess_, [&](absl::StatusOr<v1::CommandResult> result) {
    async_again = std::move(result);
    told.Notify();
  });
  told.WaitForNotification();
  ASSERT_OK(async_again);
  EXPECT_TRUE(async_again->deduplicated());
  EXPECT_TRUE(MessageDifferencer::Equals(async_again->assessment(), first->assessment()));
}

// After a restart (the state restored from a snapshot, the stream's events not yet read)
// the repeat still answers the first assessment.
TEST_F(IdempotencyTest, RepeatedAssessmentAfterARestartAnswersTheFirstAssessment) {
  absl::StatusOr<v1::CommandResult> first = ledger_->AssessClaim("test:icb", assess_);
  ASSERT_OK(first);
  Reopen({.warm_after_restore = false});
  absl::StatusOr<v1::CommandResult> again = ledger_->AssessClaim("test:icb", assess_);
  ASSERT_OK(again);
  EXPECT_TRUE(again->deduplicated());
  EXPECT_TRUE(MessageDifferencer::Equals(again->assessment(), first->assessment()))
      << again->assessment().DebugString();
}

// A repeated command that appended no assessment answers none.
TEST_F(IdempotencyTest, RepeatedHireAnswersNoAssessment) {
  const v1::HireStaffRequest hire = ValidHire("U10001", "cp-2", "hire-cp-2");
  absl::StatusOr<v1::CommandResult> first = ledger_->HireStaff("test:pcn", hire);
  ASSERT_OK(first);
  absl::StatusOr<v1::CommandResult> again = ledger_->HireStaff("test:pcn", hire);
  ASSERT_OK(again);
  EXPECT_TRUE(again->deduplicated());
  EXPECT_FALSE(again->has_assessment());
}

}  // namespace
}  // namespace arrs::testing_support

namespace arrs::testing_support {
namespace {

// Issue 19 finding 6 / issue 22 finding 2: a request id is the idempotency key of one
// request by one principal on one stream. Reused for a different request, or by another
// principal on the same stream, it is refused and nothing is written; the same request
// again is answered with the first result; another stream may use the same id.
class RequestIdReuseTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    Register("U10001", "QAA", 52000, 50000000);
    Register("U10002", "QAA", 48000, 45000000);
  }
  v1::HireStaffRequest HireOf(const std::string& pcn, const std::string& staff) {
    v1::HireStaffRequest r = ValidHire(pcn, staff);
    r.mutable_header()->set_request_id("import-staff:U10002:X");
    return r;
  }
};

TEST_F(RequestIdReuseTest, SameRequestAgainIsAnsweredWithTheFirstResult) {
  absl::StatusOr<v1::CommandResult> first = ledger_->HireStaff("test:pcn", HireOf("U10001", "a"));
  ASSERT_OK(first);
  const uint64_t head = Head();
  absl::StatusOr<v1::CommandResult> again = ledger_->HireStaff("test:pcn", HireOf("U10001", "a"));
  ASSERT_OK(again);
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->first_position(), first->first_position());
  EXPECT_EQ(Head(), head);
}

TEST_F(RequestIdReuseTest, DifferentRequestWithTheSameIdIsRefusedAndWritesNothing) {
  ASSERT_OK(ledger_->HireStaff("test:pcn", HireOf("U10001", "a")));
  const uint64_t head = Head();
  absl::StatusOr<v1::CommandResult> other = ledger_->HireStaff("test:pcn", HireOf("U10001", "b"));
  ASSERT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
  EXPECT_THAT(std::string(other.status().message()),
              ::testing::HasSubstr("import-staff:U10002:X"));
  EXPECT_THAT(std::string(other.status().message()), ::testing::HasSubstr("HireStaff"));
  EXPECT_EQ(Head(), head) << "nothing written";
}

TEST_F(RequestIdReuseTest, SameRequestByAnotherPrincipalOnTheSameStreamIsRefused) {
  ASSERT_OK(ledger_->HireStaff("test:pcn", HireOf("U10001", "a")));
  const uint64_t head = Head();
  absl::StatusOr<v1::CommandResult> other = ledger_->HireStaff("test:icb", HireOf("U10001", "a"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists) << other.status();
  EXPECT_EQ(Head(), head);
}

TEST_F(RequestIdReuseTest, AnotherTenantsStreamMayUseTheSameId) {
  // U10001 uses the id U10002's import would use; U10002's import still writes.
  ASSERT_OK(ledger_->HireStaff("test:pcn", HireOf("U10001", "X")));
  absl::StatusOr<v1::CommandResult> theirs =
      ledger_->HireStaff("test:pcn", HireOf("U10002", "X"));
  ASSERT_OK(theirs);
  EXPECT_FALSE(theirs->deduplicated());
}

}  // namespace
}  // namespace arrs::testing_support
