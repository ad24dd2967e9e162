// An in-memory log for domain tests: the shipped rule book published on "rules/arrs", one
// PCN's stream, and commands decided by the domain's pure Decide* functions against the
// model folded at the head, their events given positions as the engine would. No engine,
// no storage: restatement is a pure function of these events.
#ifndef ARRS_TESTS_DOMAIN_DOMAIN_LOG_H_
#define ARRS_TESTS_DOMAIN_DOMAIN_LOG_H_

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/restate.h"
#include "ledger/domain/settle.h"
#include "ledger/rules/rule_book.h"
#include "ledger/rules/rule_file.h"
#include "ledger/util/civil_date.h"
#include "tests/testing/requests.h"

namespace arrs::domain::testing {

inline v1::Date D(int y, int m, int d) { return ToProtoDate(absl::CivilDay(y, m, d)); }

class DomainLog {
 public:
  explicit DomainLog(std::string pcn_code = "U30001") : pcn_code_(std::move(pcn_code)) {}

  const std::string& pcn_code() const { return pcn_code_; }
  uint64_t head() const { return head_; }
  const rules::RuleBook& book() const { return book_; }
  const std::vector<const v1::Event*>& events() const { return pcn_events_; }
  const v1::Event& at(uint64_t position) const { return all_[position - 1]; }

  void PublishShippedRules() {
    absl::StatusOr<std::vector<v1::FinancialYearRules>> all =
        rules::LoadRulesDir(std::string(ARRS_SOURCE_DIR) + "/rules");
    ASSERT_TRUE(all.ok()) << all.status();
    for (const v1::FinancialYearRules& year : *all) Publish(year);
  }
  uint64_t Publish(const v1::FinancialYearRules& rules) {
    v1::Event e;
    e.set_stream(rules::kRulesStream);
    *e.mutable_effective_date() = ToProtoDate(FinancialYearStart(rules.financial_year()));
    *e.mutable_payload()->mutable_rule_version_published()->mutable_rules() = rules;
    return AppendOne(std::move(e));
  }

  // The PCN as it stands (or as known at `known_at`). Points into this log's events.
  PcnModel Model(uint64_t known_at = UINT64_MAX) const { return FoldPcn(pcn_events_, known_at); }

  // Appends what a Decide* returned to the PCN stream; the first position, or the error.
  absl::StatusOr<uint64_t> Append(absl::StatusOr<Events> decided) {
    if (!decided.ok()) return decided.status();
    uint64_t first = 0;
    for (v1::Event& e : *decided) {
      e.set_stream(PcnStream(pcn_code_));
      e.set_actor("test");
      const uint64_t position = AppendOne(std::move(e));
      if (first == 0) first = position;
    }
    return first;
  }

  v1::CommandHeader Header(const std::string& reason = "test") {
    v1::CommandHeader h;
    h.set_request_id(absl::StrCat("r", ++requests_));
    h.set_reason(reason);
    return h;
  }

  // --- commands, decided against the head
  absl::StatusOr<uint64_t> Register(int64_t list_size, int64_t sum_pence, int first_year,
                                    int last_year) {
    v1::RegisterPcnRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn_code_);
    r.set_name("Test PCN");
    r.set_icb_code("QWE");
    *r.mutable_effective_date() = D(2019, 7, 1);
    absl::StatusOr<uint64_t> first = Append(DecideRegisterPcn(Model(), r));
    if (!first.ok()) return first;
    v1::RecordListSizeRequest l;
    *l.mutable_header() = Header();
    l.set_pcn_code(pcn_code_);
    *l.mutable_reference_date() = D(2019, 1, 1);
    l.set_registered_list_size(list_size);
    l.set_weighted_population_milli(list_size * 1000);
    if (absl::StatusOr<uint64_t> s = Append(DecideRecordListSize(Model(), l)); !s.ok()) return s;
    for (int year = first_year; year <= last_year; ++year) {
      v1::SetEntitlementRequest e;
      *e.mutable_header() = Header();
      e.set_pcn_code(pcn_code_);
      e.set_financial_year(year);
      e.set_sum_pence(sum_pence);
      if (absl::StatusOr<uint64_t> s = Append(DecideSetEntitlement(Model(), book_, e)); !s.ok()) {
        return s;
      }
    }
    return first;
  }
  // The shipped rules, the PCN registered with 30,000 patients and a yearly sum of
  // `sum_pence` for `first_year`..`last_year`, and cp-1 hired: a whole-time clinical
  // pharmacist from 1 April 2024. A refusal fails the test.
  void StartWithOnePharmacist(int64_t sum_pence, int first_year, int last_year) {
    PublishShippedRules();
    ASSERT_TRUE(Register(30000, sum_pence, first_year, last_year).ok());
    ASSERT_TRUE(Hire("cp-1", v1::CLINICAL_PHARMACIST, D(2024, 4, 1), 10000).ok());
  }
  // Sets (or sets again) the PCN's yearly sum for `financial_year`.
  absl::StatusOr<uint64_t> SetSum(int financial_year, int64_t sum_pence) {
    v1::SetEntitlementRequest e;
    *e.mutable_header() = Header();
    e.set_pcn_code(pcn_code_);
    e.set_financial_year(financial_year);
    e.set_sum_pence(sum_pence);
    return Append(DecideSetEntitlement(Model(), book_, e));
  }
  absl::StatusOr<uint64_t> Hire(const std::string& staff, v1::Role role, v1::Date hired,
                                int32_t wte_bp) {
    v1::HireStaffRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn_code_);
    r.set_staff_id(staff);
    r.set_role(role);
    r.set_band("7");
    r.set_employment_model(v1::LEAD_PRACTICE);
    *r.mutable_hire_date() = hired;
    r.set_wte_bp(wte_bp);
    r.set_annual_salary_pence(5000000);
    r.set_annual_on_costs_pence(1600000);
    if (role == v1::MENTAL_HEALTH_PRACTITIONER) r.set_mhp_funding(v1::MHP_SHARED_50);
    return Append(DecideHireStaff(Model(), book_, r));
  }
  absl::StatusOr<uint64_t> RecordListSize(v1::Date reference, int64_t list_size) {
    v1::RecordListSizeRequest l;
    *l.mutable_header() = Header();
    l.set_pcn_code(pcn_code_);
    *l.mutable_reference_date() = reference;
    l.set_registered_list_size(list_size);
    l.set_weighted_population_milli(list_size * 1000);
    return Append(DecideRecordListSize(Model(), l));
  }
  absl::StatusOr<uint64_t> Leave(const std::string& staff, v1::Date from, v1::Date to,
                                 int32_t paid_share_bp) {
    v1::StaffChangeRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn_code_);
    r.set_staff_id(staff);
    *r.mutable_effective_date() = from;
    r.mutable_leave()->set_kind(v1::PARENTAL);
    *r.mutable_leave()->mutable_end_date() = to;
    r.mutable_leave()->set_paid_share_bp(paid_share_bp);
    return Append(DecideChangeStaff(Model(), r));
  }
  absl::StatusOr<uint64_t> Start(const std::string& staff, v1::Date on) {
    v1::StaffChangeRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn_code_);
    r.set_staff_id(staff);
    *r.mutable_effective_date() = on;
    r.mutable_started();
    return Append(DecideChangeStaff(Model(), r));
  }
  absl::StatusOr<uint64_t> ChangeFte(const std::string& staff, v1::Date from, int32_t wte_bp) {
    v1::StaffChangeRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn_code_);
    r.set_staff_id(staff);
    *r.mutable_effective_date() = from;
    r.mutable_fte_changed()->set_wte_bp(wte_bp);
    return Append(DecideChangeStaff(Model(), r));
  }
  absl::StatusOr<uint64_t> Claim(const std::string& claim, v1::Date month,
                                 std::vector<std::pair<std::string, int64_t>> lines) {
    v1::SubmitClaimRequest r = testing_support::ValidClaim(pcn_code_, claim, month, lines);
    *r.mutable_header() = Header();
    return Append(DecideSubmitClaim(Model(), r));
  }
  absl::StatusOr<uint64_t> Assess(const std::string& claim) {
    v1::AssessClaimRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn_code_);
    r.set_claim_id(claim);
    return Append(DecideAssessClaim(Model(), book_, r));
  }
  absl::StatusOr<uint64_t> Reduce(const std::string& claim, int32_t line_no, int64_t pence) {
    v1::ReduceClaimLineRequest r;
    *r.mutable_header() = Header("evidence short");
    r.set_pcn_code(pcn_code_);
    r.set_claim_id(claim);
    r.set_line_no(line_no);
    r.set_approved_pence(pence);
    return Append(DecideReduceClaimLine(Model(), r));
  }
  // Pays what is due on the claim (its approved total not yet paid).
  absl::StatusOr<uint64_t> PayDue(const std::string& claim, v1::Date on) {
    const PcnModel model = Model();
    auto it = model.claims.find(claim);
    v1::PayClaimRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code(pcn_code_);
    r.set_claim_id(claim);
    *r.mutable_paid_on() = on;
    r.set_amount_pence(it == model.claims.end() ? 1
                                                : it->second.ApprovedPence() - it->second.paid_pence);
    r.set_payment_reference("BACS");
    return Append(DecidePayClaim(model, r));
  }
  absl::StatusOr<uint64_t> Correct(uint64_t position, const v1::CorrectRequest& base) {
    v1::CorrectRequest r = base;
    *r.mutable_header() = Header("correction");
    r.set_pcn_code(pcn_code_);
    r.set_corrects_position(position);
    const CorrectionView view = ResolveCorrections(pcn_events_, UINT64_MAX);
    auto superseded = view.superseded_by.find(position);
    return Append(DecideCorrect(Model(), at(position),
                                superseded == view.superseded_by.end() ? 0 : superseded->second,
                                r));
  }
  // Restatement at the head of what counts by `as_of`.
  PcnRestatement Restate(absl::CivilDay as_of = kEndOfTime, RestateOptions options = {}) const {
    return RestatePcn(pcn_events_, book_, UINT64_MAX, as_of, options);
  }
  absl::StatusOr<uint64_t> PayArrears(const std::string& claim, v1::Date on, int64_t pence) {
    v1::PayArrearsRequest r;
    *r.mutable_header() = Header("arrears");
    r.set_pcn_code(pcn_code_);
    r.set_claim_id(claim);
    *r.mutable_paid_on() = on;
    r.set_amount_pence(pence);
    return Append(DecidePayArrears(Model(), Restate(), r));
  }
  absl::StatusOr<uint64_t> Recover(const std::string& claim, v1::Date on, int64_t pence,
                                   const std::string& offset_claim = "") {
    v1::RecoverOverpaymentRequest r;
    *r.mutable_header() = Header("recovery");
    r.set_pcn_code(pcn_code_);
    r.set_claim_id(claim);
    *r.mutable_recovered_on() = on;
    r.set_amount_pence(pence);
    r.set_method(offset_claim.empty() ? v1::REPAID : v1::OFFSET);
    r.set_offset_claim_id(offset_claim);
    return Append(DecideRecoverOverpayment(Model(), Restate(), r));
  }

 private:
  uint64_t AppendOne(v1::Event e) {
    e.set_position(++head_);
    if (e.stream() == rules::kRulesStream) {
      e.set_stream_version(++rules_version_);
      all_.push_back(std::move(e));
      book_.Apply(all_.back());
    } else {
      e.set_stream_version(pcn_events_.size() + 1);
      all_.push_back(std::move(e));
      pcn_events_.push_back(&all_.back());
    }
    return head_;
  }

  std::string pcn_code_;
  rules::RuleBook book_;
  std::deque<v1::Event> all_;  // index = position - 1
  std::vector<const v1::Event*> pcn_events_;
  uint64_t head_ = 0;
  uint64_t rules_version_ = 0;
  int requests_ = 0;
};

}  // namespace arrs::domain::testing

#endif  // ARRS_TESTS_DOMAIN_DOMAIN_LOG_H_
