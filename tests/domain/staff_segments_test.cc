// StaffModel::Segments cuts a month only where paid WTE can change. Checked against the
// definition, day by day, on many seeded random staff histories.
#include <gtest/gtest.h>

#include <random>

#include "ledger/domain/pcn_model.h"

namespace arrs::domain {
namespace {

using absl::CivilDay;

// The definition: paid WTE of each day, days not in post left out, equal neighbours merged.
std::vector<rules::PostSegment> DayByDay(const StaffModel& s, CivilDay first, CivilDay last) {
  std::vector<rules::PostSegment> out;
  for (CivilDay day = first; day <= last; ++day) {
    const int32_t wte = s.PaidWteOn(day);
    if (wte <= 0 && !s.InPost(day)) continue;
    if (!out.empty() && out.back().to == day - 1 && out.back().wte_bp == wte) {
      out.back().to = day;
    } else {
      out.push_back(rules::PostSegment{day, day, wte});
    }
  }
  return out;
}

TEST(StaffSegmentsTest, MatchesTheDayByDayDefinition) {
  std::mt19937_64 rng(20240401);
  auto between = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  const CivilDay base(2023, 1, 1);
  int compared = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    StaffModel s;
    s.hired = base + between(0, 120);
    if (between(0, 1)) s.started = s.hired + between(0, 20);
    if (between(0, 2) == 0) s.left = s.hired + between(0, 150);
    s.wte_bp[s.hired] = between(1, 10) * 1000;
    for (int n = between(0, 3); n > 0; --n) s.wte_bp[base + between(0, 180)] = between(0, 10) * 1000;
    for (int n = between(0, 2); n > 0; --n) {
      const CivilDay from = base + between(0, 180);
      s.leaves.push_back(Leave{from, from + between(0, 40), between(0, 2) * 5000,
                               v1::LEAVE_KIND_UNSPECIFIED});
    }
    const CivilDay first = base + between(0, 150);
    const CivilDay last = first + between(0, 40);
    const std::vector<rules::PostSegment> want = DayByDay(s, first, last);
    const std::vector<rules::PostSegment> got = s.Segments(first, last);
    ASSERT_EQ(got.size(), want.size()) << "trial " << trial;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].from, want[i].from) << "trial " << trial << " segment " << i;
      EXPECT_EQ(got[i].to, want[i].to) << "trial " << trial << " segment " << i;
      EXPECT_EQ(got[i].wte_bp, want[i].wte_bp) << "trial " << trial << " segment " << i;
    }
    compared += !want.empty();
  }
  EXPECT_GT(compared, 500) << "most random histories should be in post somewhere";
}

TEST(StaffSegmentsTest, LeaveAtHalfPayAndALeaverSplitTheMonth) {
  StaffModel s;
  s.hired = CivilDay(2024, 1, 10);
  s.wte_bp[s.hired] = 8000;
  s.leaves.push_back(Leave{CivilDay(2024, 3, 5), CivilDay(2024, 3, 14), 5000, v1::PARENTAL});
  s.left = CivilDay(2024, 3, 25);
  const std::vector<rules::PostSegment> got = s.Segments(CivilDay(2024, 3, 1), CivilDay(2024, 3, 31));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].from, CivilDay(2024, 3, 1));
  EXPECT_EQ(got[0].to, CivilDay(2024, 3, 4));
  EXPECT_EQ(got[0].wte_bp, 8000);
  EXPECT_EQ(got[1].to, CivilDay(2024, 3, 14));
  EXPECT_EQ(got[1].wte_bp, 4000);
  EXPECT_EQ(got[2].from, CivilDay(2024, 3, 15));
  EXPECT_EQ(got[2].to, CivilDay(2024, 3, 25));
  EXPECT_EQ(got[2].wte_bp, 8000);
}

}  // namespace
}  // namespace arrs::domain
