// A Ledger in a fresh temporary folder with the shipped rule book published, and
// shorthand for the commands the engine tests issue.
#ifndef ARRS_TESTS_ENGINE_LEDGER_FIXTURE_H_
#define ARRS_TESTS_ENGINE_LEDGER_FIXTURE_H_

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/engine/ledger.h"
#include "ledger/util/civil_date.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/requests.h"

namespace arrs::testing_support {

class LedgerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    temp_ = std::make_unique<TempDir>("engine");
    dir_ = temp_->path();
    Open();
    absl::StatusOr<int> published =
        ledger_->PublishRulesDir(std::string(ARRS_SOURCE_DIR) + "/rules", "test:rules");
    ASSERT_OK(published);
    ASSERT_EQ(*published, 14);  // r1 and r2 of each year 2019/20..2025/26
  }
  void TearDown() override {
    ledger_.reset();
    temp_.reset();
  }
  void Open(engine::LedgerOptions options = {}) {
    absl::StatusOr<std::unique_ptr<engine::Ledger>> opened =
        engine::Ledger::Open(dir_.string(), options);
    ASSERT_OK(opened);
    ledger_ = *std::move(opened);
  }
  void Reopen(engine::LedgerOptions options = {}) {
    ledger_.reset();
    Open(options);
  }
  uint64_t Head() { return ledger_->log().head().position; }
  std::string NextId() { return absl::StrCat("req-", ++request_counter_); }

  v1::CommandHeader Header(const std::string& reason = "") {
    v1::CommandHeader h;
    h.set_request_id(NextId());
    h.set_reason(reason);
    return h;
  }

  void Register(const std::string& pcn, const std::string& icb, int64_t list_size,
                int64_t sum_pence_2023 = 0) {
    v1::RegisterPcnRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn);
    r.set_name(absl::StrCat("PCN ", pcn));
    r.set_icb_code(icb);
    *r.mutable_effective_date() = D(2019, 7, 1);
    v1::Practice* p = r.add_member_practices();
    p->set_ods_code(absl::StrCat("P", pcn.substr(1)));
    p->set_name("Practice");
    ASSERT_OK(ledger_->RegisterPcn("test:admin", r));
    v1::RecordListSizeRequest l;
    *l.mutable_header() = Header();
    l.set_pcn_code(pcn);
    *l.mutable_reference_date() = D(2019, 1, 1);
    l.set_registered_list_size(list_size);
    l.set_weighted_population_milli(list_size * 1000);
    ASSERT_OK(ledger_->RecordListSize("test:pcn", l));
    if (sum_pence_2023 > 0) {
      for (int year = 2019; year <= 2025; ++year) {
        v1::SetEntitlementRequest e;
        *e.mutable_header() = Header();
        e.set_pcn_code(pcn);
        e.set_financial_year(year);
        e.set_sum_pence(sum_pence_2023);
        ASSERT_OK(ledger_->SetEntitlement("test:icb", e));
      }
    }
  }

  absl::StatusOr<v1::CommandResult> Hire(const std::string& pcn, const std::string& staff,
                                         v1::Role role, v1::Date hired, int32_t wte_bp,
                                         int64_t salary_pence = 5000000,
                                         int64_t on_costs_pence = 1200000) {
    v1::HireStaffRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn);
    r.set_staff_id(staff);
    r.set_role(role);
    r.set_band("7");
    r.set_employment_model(v1::LEAD_PRACTICE);
    *r.mutable_hire_date() = hired;
    r.set_wte_bp(wte_bp);
    r.set_annual_salary_pence(salary_pence);
    r.set_annual_on_costs_pence(on_costs_pence);
    return ledger_->HireStaff("test:pcn", r);
  }

  absl::StatusOr<v1::CommandResult> Claim(const std::string& pcn, const std::string& claim,
                                          v1::Date month,
                                          std::vector<std::pair<std::string, int64_t>> lines) {
    v1::SubmitClaimRequest r = testing_support::ValidClaim(pcn, claim, month, lines);
    *r.mutable_header() = Header();
    return ledger_->SubmitClaim("test:pcn", r);
  }

  absl::StatusOr<v1::CommandResult> Assess(const std::string& pcn, const std::string& claim) {
    v1::AssessClaimRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn);
    r.set_claim_id(claim);
    return ledger_->AssessClaim("test:icb", r);
  }

  // U10001 (ICB QAA) and U10002 (ICB QBB) registered, each hiring cp-1 (clinical
  // pharmacist, 1.0 WTE from 1 April 2021) and ap-1 (advanced practitioner, 0.8 WTE from
  // 1 June 2021); then U10001 hires para-1 (paramedic, 0.6 WTE from 1 May 2021), the hire
  // returned for a test to reverse.
  absl::StatusOr<v1::CommandResult> TwoPcnsWithStaffAndAWrongHire() {
    Register("U10001", "QAA", 52000, 50000000);
    Register("U10002", "QBB", 41000, 40000000);
    for (const char* pcn : {"U10001", "U10002"}) {
      EXPECT_OK(Hire(pcn, "cp-1", v1::CLINICAL_PHARMACIST, D(2021, 4, 1), kWholeTimeBp));
      EXPECT_OK(Hire(pcn, "ap-1", v1::ADVANCED_PRACTITIONER, D(2021, 6, 1), 8000));
    }
    return Hire("U10001", "para-1", v1::PARAMEDIC, D(2021, 5, 1), 6000);
  }

  // U10001 (ICB QAA, 52,000 patients, a £500,000 sum) hires cp-1, a clinical pharmacist at
  // 1.0 WTE from 1 April 2023, and claims £5,000 for March 2024 (claim "2024-03"); returns
  // the claim's assessment.
  absl::StatusOr<v1::CommandResult> AssessedMarch2024Claim() {
    Register("U10001", "QAA", 52000, 50000000);
    EXPECT_OK(Hire("U10001", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp));
    EXPECT_OK(Claim("U10001", "2024-03", D(2024, 3, 1), {{"cp-1", 500000}}));
    return Assess("U10001", "2024-03");
  }

  // Submits and assesses a claim of U10001 and one of U10002 (cp-1 at £4,500) for each of
  // `months` months from January of `year`, then sets `*done`: a writer to run while
  // snapshots are taken.
  void ClaimMonthsThenSetDone(int year, int months, std::atomic<bool>* done) {
    for (int i = 0; i < months; ++i) {
      const absl::CivilDay month(year, 1 + i, 1);
      const std::string claim = FormatCivilDay(month).substr(0, 7);
      for (const char* pcn : {"U10001", "U10002"}) {
        EXPECT_OK(Claim(pcn, claim, ToProtoDate(month), {{"cp-1", 450000}}));
        EXPECT_OK(Assess(pcn, claim));
      }
    }
    *done = true;
  }

  absl::StatusOr<v1::CommandResult> Pay(const std::string& pcn, const std::string& claim,
                                        v1::Date on, int64_t amount) {
    v1::PayClaimRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn);
    r.set_claim_id(claim);
    *r.mutable_paid_on() = on;
    r.set_amount_pence(amount);
    r.set_payment_reference("BACS-1");
    return ledger_->PayClaim("test:icb", r);
  }

  // Replaces the claim submission at `position` with one line for `staff` at `cost`.
  absl::StatusOr<v1::CommandResult> CorrectClaim(const std::string& pcn, uint64_t position,
                                                 const std::string& claim, v1::Date month,
                                                 const std::string& staff, int64_t cost,
                                                 const std::string& reason) {
    v1::CorrectRequest correct;
    *correct.mutable_header() = Header(reason);
    correct.set_pcn_code(pcn);
    correct.set_corrects_position(position);
    v1::ClaimSubmitted* fixed = correct.mutable_replacement()->mutable_claim_submitted();
    fixed->set_claim_id(claim);
    *fixed->mutable_month() = month;
    v1::ClaimLine* line = fixed->add_lines();
    line->set_line_no(1);
    line->set_staff_id(staff);
    line->set_actual_cost_pence(cost);
    return ledger_->Correct("admin:alice", correct);
  }

  v1::Balance Balance(const std::string& pcn, int year, v1::Date as_of, uint64_t known_at = 0) {
    v1::BalanceRequest r;
    r.set_pcn_code(pcn);
    r.set_financial_year(year);
    *r.mutable_as_of() = as_of;
    if (known_at) r.mutable_known_at()->set_position(known_at);
    absl::StatusOr<v1::Balance> b = ledger_->GetBalance(r);
    EXPECT_OK(b);
    return b.ok() ? *b : v1::Balance();
  }

  std::unique_ptr<TempDir> temp_;
  std::filesystem::path dir_;  // temp_->path()
  std::unique_ptr<engine::Ledger> ledger_;
  std::atomic<int> request_counter_{0};
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_ENGINE_LEDGER_FIXTURE_H_
