// Property test: random valid histories (seeded, reproducible). Projections answered live
// from the incrementally maintained models must equal those of a ledger rebuilt from the
// log, at many (as_of, known_at) points.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using google::protobuf::util::MessageDifferencer;

struct Observation {
  uint64_t known_at;
  std::string pcn;
  v1::Date as_of;
  v1::Balance balance;
  v1::CapUsage caps;
  v1::Workforce workforce;
  v1::AuditTrail audit;
};

class IncrementalVsRebuildTest : public LedgerFixture,
                                 public ::testing::WithParamInterface<uint32_t> {
 protected:
  Observation Observe(const std::string& pcn, v1::Date as_of) {
    Observation o;
    o.known_at = Head();
    o.pcn = pcn;
    o.as_of = as_of;
    o.balance = Balance(pcn, FinancialYearOf(absl::CivilDay(as_of.year(), as_of.month(), as_of.day())),
                        as_of, o.known_at);
    v1::CapUsageRequest cr;
    cr.set_pcn_code(pcn);
    *cr.mutable_as_of() = as_of;
    cr.mutable_known_at()->set_position(o.known_at);
    o.caps = ledger_->GetCapUsage(cr).value();
    v1::WorkforceRequest wr;
    wr.set_pcn_code(pcn);
    *wr.mutable_as_of() = as_of;
    wr.mutable_known_at()->set_position(o.known_at);
    o.workforce = ledger_->GetWorkforce(wr).value();
    v1::AuditRequest ar;
    ar.set_pcn_code(pcn);
    ar.mutable_known_at()->set_position(o.known_at);
    o.audit = ledger_->GetAuditTrail(ar).value();
    return o;
  }
};

TEST_P(IncrementalVsRebuildTest, LiveAnswersEqualRebuiltAnswers) {
  const uint32_t seed = GetParam();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> pcns = {"U30001", "U30002", "U30003"};
  const std::vector<int64_t> list_sizes = {35000, 80000, 120000};
  for (size_t i = 0; i < pcns.size(); ++i) Register(pcns[i], i < 2 ? "QCC" : "QDD", list_sizes[i], 60000000);
  const std::vector<v1::Role> roles = {v1::CLINICAL_PHARMACIST, v1::PHARMACY_TECHNICIAN,
                                       v1::CARE_COORDINATOR, v1::SOCIAL_PRESCRIBING_LINK_WORKER,
                                       v1::FIRST_CONTACT_PHYSIOTHERAPIST, v1::PARAMEDIC};
  std::vector<std::vector<std::string>> staff(pcns.size());
  std::vector<std::vector<std::string>> claims(pcns.size());
  std::vector<Observation> observed;
  int claim_no = 0, accepted = 0;

  for (int step = 0; step < 160; ++step) {
    const int p = pick(3);
    const std::string& pcn = pcns[p];
    const absl::CivilDay day = absl::CivilDay(2020, 4, 1) + pick(5 * 365);
    const v1::Date date = ToProtoDate(day);
    absl::StatusOr<v1::CommandResult> result = absl::UnknownError("no command");
    switch (pick(8)) {
      case 0:
      case 1: {
        const std::string id = absl::StrCat("s", step);
        result = Hire(pcn, id, roles[pick(roles.size())], date, 2000 + 1000 * pick(9),
                      2000000 + 100000 * pick(40), 400000 + 10000 * pick(40));
        if (result.ok()) staff[p].push_back(id);
        break;
      }
      case 2: {
        if (staff[p].empty()) break;
        v1::StaffChangeRequest r;
        *r.mutable_header() = Header();
        r.set_pcn_code(pcn);
        r.set_staff_id(staff[p][pick(staff[p].size())]);
        *r.mutable_effective_date() = date;
        switch (pick(3)) {
          case 0: r.mutable_fte_changed()->set_wte_bp(1000 * (1 + pick(10))); break;
          case 1: r.mutable_pay_changed()->set_annual_salary_pence(3000000 + 1000 * pick(999)); break;
          default: r.mutable_left()->set_leaving_reason("resigned"); break;
        }
        result = ledger_->ChangeStaff("t", r);
        break;
      }
      case 3:
      case 4: {
        if (staff[p].empty()) break;
        const std::string id = absl::StrCat("c", ++claim_no);
        std::vector<std::pair<std::string, int64_t>> lines;
        for (const std::string& s : staff[p]) {
          if (pick(2)) lines.push_back({s, 100000 + 1000 * pick(500)});
        }
        if (lines.empty()) break;
        result = Claim(pcn, id, date, lines);
        if (result.ok()) claims[p].push_back(id);
        break;
      }
      case 5: {
        if (claims[p].empty()) break;
        result = Assess(pcn, claims[p][pick(claims[p].size())]);
        break;
      }
      case 6: {
        if (claims[p].empty()) break;
        const std::string& claim = claims[p][pick(claims[p].size())];
        v1::ExplainRequest er;
        er.set_pcn_code(pcn);
        er.set_claim_id(claim);
        absl::StatusOr<v1::Explanation> ex = ledger_->ExplainClaim(er);
        if (!ex.ok()) break;
        int64_t total = 0;
        for (const auto& line : ex->lines()) total += line.approved_pence();
        result = Pay(pcn, claim, ToProtoDate(day + 400), total);
        break;
      }
      case 7: {
        // Reverse a random event of this PCN (some refusals expected).
        v1::AuditRequest ar;
        ar.set_pcn_code(pcn);
        const v1::AuditTrail trail = ledger_->GetAuditTrail(ar).value();
        const v1::Event& target = trail.entries(pick(trail.entries_size())).event();
        v1::CorrectRequest c;
        *c.mutable_header() = Header("random reversal");
        c.set_pcn_code(pcn);
        c.set_corrects_position(target.position());
        c.set_reverse(true);
        result = ledger_->Correct("admin", c);
        break;
      }
    }
    if (result.ok()) ++accepted;
    if (step % 8 == 7) {
      const int q = pick(3);
      observed.push_back(Observe(pcns[q], ToProtoDate(absl::CivilDay(2020, 4, 1) + pick(6 * 365))));
    }
  }
  EXPECT_GT(accepted, 60) << "the generator should mostly produce valid commands";

  // Every model rebuilt from the log; then (the first reopen wrote one at close) restored
  // from a snapshot, with each PCN's events read on first need.
  for (const bool restore : {false, true}) {
    engine::LedgerOptions options;
    options.restore_snapshot = restore;
    options.warm_after_restore = false;
    Reopen(options);
    ASSERT_EQ(ledger_->startup().snapshot_position > 0, restore);
    for (const Observation& before : observed) {
      SCOPED_TRACE(::testing::Message() << before.pcn << " known_at " << before.known_at
                                        << (restore ? " (from a snapshot)" : " (full rebuild)"));
      const Observation after = [&] {
        // Query the rebuilt ledger at the same point.
        Observation o;
        o.balance = Balance(before.pcn, before.balance.financial_year(), before.as_of,
                            before.known_at);
        v1::CapUsageRequest cr;
        cr.set_pcn_code(before.pcn);
        *cr.mutable_as_of() = before.as_of;
        cr.mutable_known_at()->set_position(before.known_at);
        o.caps = ledger_->GetCapUsage(cr).value();
        v1::WorkforceRequest wr;
        wr.set_pcn_code(before.pcn);
        *wr.mutable_as_of() = before.as_of;
        wr.mutable_known_at()->set_position(before.known_at);
        o.workforce = ledger_->GetWorkforce(wr).value();
        v1::AuditRequest ar;
        ar.set_pcn_code(before.pcn);
        ar.mutable_known_at()->set_position(before.known_at);
        o.audit = ledger_->GetAuditTrail(ar).value();
        return o;
      }();
      std::string diff;
      MessageDifferencer differ;
      differ.ReportDifferencesToString(&diff);
      EXPECT_TRUE(differ.Compare(before.balance, after.balance)) << diff;
      EXPECT_TRUE(differ.Compare(before.caps, after.caps)) << diff;
      EXPECT_TRUE(differ.Compare(before.workforce, after.workforce)) << diff;
      EXPECT_TRUE(differ.Compare(before.audit, after.audit)) << diff;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, IncrementalVsRebuildTest, ::testing::Values(1u, 2u, 3u, 42u));

}  // namespace
}  // namespace arrs::testing_support
