// The balance forecast prices a whole month in post like the month before when nothing it
// depends on changed. Checked against pricing every month afresh on seeded random PCNs
// under the shipped rule book: the two must agree to the penny. The WTE ranked ahead of
// each member, from running sums (domain::RankedWte), is checked against adding it up
// member by member.
#include <gtest/gtest.h>

#include <random>

#include "ledger/domain/assess.h"
#include "ledger/domain/ranked_wte.h"
#include "ledger/projections/projections.h"
#include "ledger/util/civil_date.h"
#include "tests/rules/rules_test_support.h"

namespace arrs::projections {
namespace {

using absl::CivilDay;

constexpr v1::Role kRoles[] = {v1::CLINICAL_PHARMACIST, v1::SOCIAL_PRESCRIBING_LINK_WORKER,
                               v1::ADVANCED_PRACTITIONER, v1::MENTAL_HEALTH_PRACTITIONER,
                               v1::PARAMEDIC, v1::CARE_COORDINATOR, v1::PHARMACY_TECHNICIAN,
                               v1::GP_ASSISTANT};

domain::PcnModel RandomPcn(std::mt19937_64& rng) {
  auto between = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  domain::PcnModel pcn;
  pcn.registered = true;
  pcn.pcn_code = "U00001";
  const int64_t list = between(20, 150) * 1000;
  pcn.list_sizes[CivilDay(2019, 1, 1)] = domain::ListSize{list, list * 1000};
  if (between(0, 1)) pcn.list_sizes[CivilDay(2023, 1, 1)] = domain::ListSize{list + 30000, list * 1000};
  v1::RoleBaseline cp;
  cp.set_role(v1::CLINICAL_PHARMACIST);
  cp.set_headcount(1);
  cp.set_wte_bp(between(0, 1) * 10000);
  pcn.baseline[v1::CLINICAL_PHARMACIST] = cp;
  const int staff = between(1, 30);
  for (int i = 0; i < staff; ++i) {
    domain::StaffModel s;
    s.staff_id = "S" + std::to_string(i);
    s.role = kRoles[between(0, 7)];
    s.hired = CivilDay(2019, 4, 1) + between(0, 2500);
    if (between(0, 3) == 0) s.started = s.hired + between(0, 20);
    if (between(0, 3) == 0) s.left = s.hired + between(10, 900);
    s.hired_position = static_cast<uint64_t>(i + 1);
    s.wte_bp[s.hired] = between(4, 10) * 1000;
    s.pay[s.hired] = domain::Pay{between(12000, 60000) * 100LL, between(2000, 15000) * 100LL};
    for (int n = between(0, 3); n > 0; --n) {
      const CivilDay day = s.hired + between(0, 800);
      if (between(0, 1)) {
        s.wte_bp[day] = between(2, 10) * 1000;
      } else {
        s.pay[day] = domain::Pay{between(12000, 70000) * 100LL, between(2000, 15000) * 100LL};
      }
    }
    if (between(0, 5) == 0) {
      const CivilDay from = s.hired + between(0, 400);
      s.leaves.push_back(domain::Leave{from, from + between(10, 120), 5000, v1::PARENTAL});
    }
    pcn.staff[s.staff_id] = s;
  }
  return pcn;
}

// Random PCNs priced under the shipped rule book.
class BalanceForecastTest : public ::testing::Test {
 protected:
  BalanceForecastTest() { rules::testing::PublishShipped(&book); }
  rules::RuleBook book;
};

TEST_F(BalanceForecastTest, ReusingEqualMonthsPricesExactlyAsPricingEveryMonth) {
  std::mt19937_64 rng(7);
  int with_forecast = 0;
  for (int trial = 0; trial < 150; ++trial) {
    const domain::PcnModel pcn = RandomPcn(rng);
    for (int year = 2019; year <= 2025; ++year) {
      const CivilDay as_of = FinancialYearStart(year) + static_cast<int>(rng() % 365);
      const v1::Balance fast = ComputeBalance(pcn, book, year, as_of, rules::kLatest, true);
      const v1::Balance slow = ComputeBalance(pcn, book, year, as_of, rules::kLatest, false);
      ASSERT_EQ(fast.forecast_to_year_end_pence(), slow.forecast_to_year_end_pence())
          << "trial " << trial << " year " << year << " as_of " << as_of;
      ASSERT_EQ(fast.full_year_effect_next_year_pence(), slow.full_year_effect_next_year_pence())
          << "trial " << trial << " year " << year;
      with_forecast += slow.forecast_to_year_end_pence() > 0;
    }
  }
  EXPECT_GT(with_forecast, 300) << "most questions should have something to forecast";
}

TEST_F(BalanceForecastTest, RunningSumsRankAsMemberByMember) {
  std::mt19937_64 rng(11);
  int with_wte_ahead = 0;
  for (int trial = 0; trial < 60; ++trial) {
    domain::PcnModel pcn = RandomPcn(rng);
    // Ties in the first day in post, broken by hire position.
    for (auto& [id, s] : pcn.staff) {
      if (rng() % 3 == 0) s.started = CivilDay(2021, 4, 1);
    }
    std::vector<const domain::StaffModel*> members;
    for (const auto& [id, s] : pcn.staff) members.push_back(&s);
    domain::RankedWte ranked(members);
    for (const auto& [id, s] : pcn.staff) {
      for (int months = 0; months < 84; months += 5) {
        const CivilDay month(absl::CivilMonth(2019, 4) + months);
        const rules::LineInput slow =
            domain::BuildLineInput(pcn, book, s, month, 100000, rules::kLatest);
        const rules::LineInput fast =
            domain::BuildLineInput(pcn, book, s, month, 100000, rules::kLatest, ranked);
        ASSERT_EQ(fast.context.role_wte_ahead_bp, slow.context.role_wte_ahead_bp)
            << "trial " << trial << " " << id << " " << month;
        ASSERT_EQ(fast.context.cap_wte_ahead_bp, slow.context.cap_wte_ahead_bp)
            << "trial " << trial << " " << id << " " << month;
        with_wte_ahead += slow.context.cap_wte_ahead_bp > 0;
      }
    }
  }
  EXPECT_GT(with_wte_ahead, 500) << "many lines should have someone ranked ahead in their cap";
}

}  // namespace
}  // namespace arrs::projections
