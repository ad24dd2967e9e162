// Every refusal: the status code, a message naming the field/value/rule, and a log head
// that did not move.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "tests/engine/ledger_fixture.h"
#include "tests/testing/hire_request.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

class RefusalsTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    Register("U20001", "QBB", 50000, 30000000);
  }

  // Runs `command`, expects `code` with `fragment` in the message and no new events.
  void ExpectRefused(const std::function<absl::StatusOr<v1::CommandResult>()>& command,
                     absl::StatusCode code, const std::string& fragment) {
    const uint64_t head = Head();
    absl::StatusOr<v1::CommandResult> result = command();
    ASSERT_FALSE(result.ok()) << "expected a refusal containing: " << fragment;
    EXPECT_EQ(result.status().code(), code) << result.status();
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(fragment));
    EXPECT_EQ(Head(), head) << "a refused command wrote to the log";
  }

  v1::HireStaffRequest GoodHire() {
    return WholeTimeHire(NextId(), "U20001", "x-1", v1::CARE_COORDINATOR,
                         v1::MEMBER_PRACTICES_JOINTLY, D(2023, 4, 1), 2500000);
  }
};

TEST_F(RefusalsTest, InvalidFieldsNameFieldAndValue) {
  auto hire = [&](std::function<void(v1::HireStaffRequest&)> edit) {
    return [this, edit] {
      v1::HireStaffRequest r = GoodHire();
      edit(r);
      return ledger_->HireStaff("t", r);
    };
  };
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  ExpectRefused(hire([](auto& r) { r.set_staff_id(""); }), kInvalid, "staff_id");
  ExpectRefused(hire([](auto& r) { r.set_staff_id(std::string(65, 'a')); }), kInvalid,
                "staff_id must be 1 to 64");
  ExpectRefused(hire([](auto& r) { r.set_wte_bp(-5); }), kInvalid, "wte_bp must be");
  ExpectRefused(hire([](auto& r) { r.set_wte_bp(10001); }), kInvalid, "got 10001");
  ExpectRefused(hire([](auto& r) { r.set_annual_salary_pence(-1); }), kInvalid,
                "annual_salary_pence");
  ExpectRefused(hire([](auto& r) { r.set_role(static_cast<v1::Role>(999)); }), kInvalid,
                "role must name a reimbursable role, got 999");
  ExpectRefused(hire([](auto& r) { r.set_role(v1::ROLE_UNSPECIFIED); }), kInvalid, "role");
  ExpectRefused(hire([](auto& r) {
                  r.mutable_hire_date()->set_year(2023);
                  r.mutable_hire_date()->set_month(2);
                  r.mutable_hire_date()->set_day(30);  // D() would normalise it
                }),
                kInvalid,
                "hire_date is not a real date: 2023-02-30");
  ExpectRefused(hire([](auto& r) { r.clear_hire_date(); }), kInvalid, "hire_date is required");
  ExpectRefused(hire([](auto& r) {
                  r.set_employment_model(v1::THIRD_PARTY);
                  r.clear_employer_name();
                }),
                kInvalid, "employer_name is required");
  ExpectRefused(hire([](auto& r) { r.set_pcn_code("u2"); }), kInvalid,
                "pcn_code must be an ODS code");
  ExpectRefused(hire([](auto& r) { r.mutable_header()->set_request_id(""); }), kInvalid,
                "request_id");
}

TEST_F(RefusalsTest, StateRefusals) {
  ASSERT_OK(Hire("U20001", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp));
  ExpectRefused([&] { return Hire("U20001", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp); },
                absl::StatusCode::kAlreadyExists, "cp-1 is already on PCN U20001");
  ExpectRefused([&] { return Hire("U99999", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp); },
                absl::StatusCode::kNotFound, "PCN U99999 is not registered");
  ExpectRefused([&] { return Claim("U20001", "c1", D(2023, 5, 1), {{"nobody", 100}}); },
                absl::StatusCode::kNotFound, "staff member nobody");
  ASSERT_OK(Claim("U20001", "c1", D(2023, 5, 1), {{"cp-1", 400000}}));
  ExpectRefused([&] { return Claim("U20001", "c1", D(2023, 6, 1), {{"cp-1", 400000}}); },
                absl::StatusCode::kAlreadyExists, "claim c1 was already submitted");
  ExpectRefused([&] { return Claim("U20001", "c2", D(2023, 5, 17), {{"cp-1", 400000}}); },
                absl::StatusCode::kFailedPrecondition, "already claimed for 2023-05 in claim c1");
  ExpectRefused([&] { return Pay("U20001", "c1", D(2023, 6, 20), 400000); },
                absl::StatusCode::kFailedPrecondition, "has not been assessed yet");
  ASSERT_OK(Assess("U20001", "c1"));
  ExpectRefused([&] { return Pay("U20001", "c1", D(2023, 6, 20), 399999); },
                absl::StatusCode::kFailedPrecondition, "does not match the approved amount due");

  v1::ReduceClaimLineRequest reduce;
  reduce.set_pcn_code("U20001");
  reduce.set_claim_id("c1");
  reduce.set_line_no(1);
  reduce.set_approved_pence(300000);
  *reduce.mutable_header() = Header();
  ExpectRefused([&] { return ledger_->ReduceClaimLine("icb", reduce); },
                absl::StatusCode::kInvalidArgument, "header.reason is required");
  *reduce.mutable_header() = Header("duplicate hours");
  reduce.set_approved_pence(500000);
  ExpectRefused([&] { return ledger_->ReduceClaimLine("icb", reduce); },
                absl::StatusCode::kFailedPrecondition, "is not a reduction");
  reduce.set_line_no(7);
  reduce.set_approved_pence(100);
  ExpectRefused([&] { return ledger_->ReduceClaimLine("icb", reduce); },
                absl::StatusCode::kNotFound, "has no line 7");
  ASSERT_OK(Pay("U20001", "c1", D(2023, 6, 20), 400000));
  // A paid claim may be assessed again (docs/RESTATEMENT.md): the new assessment
  // supersedes the one in force.
  absl::StatusOr<v1::CommandResult> again = Assess("U20001", "c1");
  ASSERT_OK(again);
  EXPECT_EQ(again->assessment().supersedes_position(), again->first_position() - 2);
  ExpectRefused([&] { return Pay("U20001", "c1", D(2023, 6, 21), 1); },
                absl::StatusCode::kFailedPrecondition, "nothing left to pay");
}

TEST_F(RefusalsTest, ExpectedVersionConflictIsAbortedAndRepeatedRequestIsDeduplicated) {
  v1::HireStaffRequest r = GoodHire();
  r.mutable_header()->set_expected_version(1);  // the stream is at 2 + entitlements
  ExpectRefused([&] { return ledger_->HireStaff("t", r); }, absl::StatusCode::kAborted,
                "not the expected version 1");

  r.mutable_header()->clear_expected_version();
  absl::StatusOr<v1::CommandResult> first = ledger_->HireStaff("t", r);
  ASSERT_OK(first);
  const uint64_t head = Head();
  // Same request id: the first result, even though deciding again would now refuse.
  absl::StatusOr<v1::CommandResult> again = ledger_->HireStaff("t", r);
  ASSERT_OK(again);
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->first_position(), first->first_position());
  EXPECT_EQ(Head(), head);
}

TEST_F(RefusalsTest, CorrectionRefusals) {
  ASSERT_OK(Hire("U20001", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp));
  const uint64_t hired_at = Head();
  Register("U20002", "QBB", 40000);
  const uint64_t other_stream = Head();

  v1::CorrectRequest c;
  c.set_pcn_code("U20001");
  c.set_corrects_position(hired_at);
  c.set_reverse(true);
  *c.mutable_header() = Header();
  ExpectRefused([&] { return ledger_->Correct("admin", c); },
                absl::StatusCode::kInvalidArgument, "header.reason is required");
  *c.mutable_header() = Header("entered twice");
  c.set_corrects_position(other_stream);
  ExpectRefused([&] { return ledger_->Correct("admin", c); },
                absl::StatusCode::kFailedPrecondition, "belongs to stream pcn/U20002");
  c.set_corrects_position(Head() + 10);
  ExpectRefused([&] { return ledger_->Correct("admin", c); }, absl::StatusCode::kNotFound,
                "beyond the log's head");
  c.set_corrects_position(hired_at);
  c.mutable_replacement()->mutable_fte_changed()->set_staff_id("cp-1");
  c.mutable_replacement()->mutable_fte_changed()->set_wte_bp(5000);
  ExpectRefused([&] { return ledger_->Correct("admin", c); },
                absl::StatusCode::kInvalidArgument, "same kind of event");
  c.set_reverse(true);
  *c.mutable_header() = Header("entered by mistake");
  absl::StatusOr<v1::CommandResult> reversed = ledger_->Correct("admin", c);
  ASSERT_OK(reversed);
  *c.mutable_header() = Header("again");
  ExpectRefused([&] { return ledger_->Correct("admin", c); },
                absl::StatusCode::kFailedPrecondition,
                absl::StrCat("already corrected by position ", reversed->first_position()));
}

TEST_F(RefusalsTest, CorrectionPuttingAPaidLineOverTheCapIsAccepted) {
  // 2020/21: pharmacy technicians capped at 1 WTE for a PCN under 100,000 patients.
  ASSERT_OK(Hire("U20001", "pt-1", v1::PHARMACY_TECHNICIAN, D(2020, 4, 1), 6000));
  const uint64_t pt1_hired = Head();
  ASSERT_OK(Hire("U20001", "pt-2", v1::PHARMACY_TECHNICIAN, D(2020, 5, 1), 4000));
  ASSERT_OK(Claim("U20001", "2020-06", D(2020, 6, 1), {{"pt-1", 200000}, {"pt-2", 200000}}));
  absl::StatusOr<v1::CommandResult> assessed = Assess("U20001", "2020-06");
  ASSERT_OK(assessed);
  // £35,389 a year: June at 0.6 WTE = £1,769.45; at 0.4 WTE = £1,179.6333 -> £1,179.63.
  ASSERT_EQ(assessed->assessment().lines(0).approved_pence(), 176945);
  ASSERT_EQ(assessed->assessment().lines(1).approved_pence(), 117963);
  ASSERT_OK(Pay("U20001", "2020-06", D(2020, 7, 20), 176945 + 117963));

  v1::CorrectRequest c;
  *c.mutable_header() = Header("pt-1 was full time");
  c.set_pcn_code("U20001");
  c.set_corrects_position(pt1_hired);
  v1::StaffHired* h = c.mutable_replacement()->mutable_staff_hired();
  h->set_staff_id("pt-1");
  h->set_role(v1::PHARMACY_TECHNICIAN);
  h->set_band("7");
  h->set_employment_model(v1::LEAD_PRACTICE);
  h->set_wte_bp(8000);
  h->set_annual_salary_pence(5000000);
  h->set_annual_on_costs_pence(1200000);
  // Line 2 is now over the cap: the money paid on it is an overpayment
  // (docs/RESTATEMENT.md), never a reason to refuse the truth.
  absl::StatusOr<v1::CommandResult> corrected = ledger_->Correct("admin", c);
  ASSERT_OK(corrected);
  c.set_corrects_position(corrected->first_position());
  *c.mutable_header() = Header("band 5, not 7");
  h->set_band("5");
  EXPECT_TRUE(ledger_->Correct("admin", c).ok()) << "and a later correction too";
}

TEST_F(RefusalsTest, CapExceededLineIsRefusedWithTheCapInTheExplanation) {
  ASSERT_OK(Hire("U20001", "pt-1", v1::PHARMACY_TECHNICIAN, D(2020, 4, 1), kWholeTimeBp));
  ASSERT_OK(Hire("U20001", "pt-2", v1::PHARMACY_TECHNICIAN, D(2020, 5, 1), 5000));
  ASSERT_OK(Claim("U20001", "2020-06", D(2020, 6, 1), {{"pt-1", 200000}, {"pt-2", 100000}}));
  absl::StatusOr<v1::CommandResult> assessed = Assess("U20001", "2020-06");
  ASSERT_OK(assessed);
  EXPECT_EQ(assessed->assessment().lines(0).outcome(), v1::APPROVED);
  EXPECT_EQ(assessed->assessment().lines(1).outcome(), v1::CAP_EXCEEDED);
  EXPECT_EQ(assessed->assessment().lines(1).approved_pence(), 0);
  EXPECT_EQ(assessed->assessment().total_approved_pence(), 200000);
}

}  // namespace
}  // namespace arrs::testing_support

namespace arrs::testing_support {
namespace {

class ConcurrentCommandsTest : public LedgerFixture {};

TEST_F(ConcurrentCommandsTest, ConcurrentRetriesOfOneRequestWriteOnceAndAllGetItsResult) {
  Register("U20009", "QBB", 50000);
  const v1::HireStaffRequest r = WholeTimeHire("retry-me", "U20009", "cc-1", v1::CARE_COORDINATOR,
                                               v1::LEAD_PRACTICE, D(2023, 4, 1), 2500000);
  const uint64_t head = Head();
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<v1::CommandResult>> results(8, absl::UnknownError("not run"));
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { results[i] = ledger_->HireStaff("t", r); });
  }
  for (std::thread& t : threads) t.join();
  int fresh = 0;
  for (const auto& result : results) {
    ASSERT_OK(result);
    EXPECT_EQ(result->first_position(), head + 1);
    fresh += result->deduplicated() ? 0 : 1;
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(ConcurrentCommandsTest, ConcurrentWritersOnOnePcnAllSucceedWithoutExpectedVersions) {
  Register("U20010", "QBB", 50000);
  const uint64_t head = Head();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 25; ++i) {
        if (!Hire("U20010", absl::StrCat("s", w, "-", i), v1::CARE_COORDINATOR, D(2023, 4, 1),
                  10000).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Head(), head + 100);
}

}  // namespace
}  // namespace arrs::testing_support
