// FigureHoldsThrough (rules/figure.h): the calculator looks a month's figure up once per
// span it returns, so the figure must be the same on every day of that span, for every
// role, day and London zone of every shipped rule version.
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "ledger/rules/figure.h"
#include "ledger/rules/rule_file.h"
#include "ledger/util/civil_date.h"

namespace arrs::rules {
namespace {

TEST(FigureSpan, TheFigureHoldsOnEveryDayOfTheSpanForEveryShippedRole) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> files =
      LoadRulesDir(ARRS_SOURCE_DIR "/rules");
  ASSERT_TRUE(files.ok()) << files.status();
  int spans = 0, days = 0;
  for (const v1::FinancialYearRules& rules : *files) {
    const absl::CivilDay start = FinancialYearStart(rules.financial_year());
    const absl::CivilDay end = FinancialYearStart(rules.financial_year() + 1) - 1;
    for (const v1::RoleRule& role : rules.roles()) {
      for (v1::LondonZone zone : {v1::LONDON_ZONE_NONE, v1::INNER_LONDON, v1::OUTER_LONDON}) {
        absl::CivilDay day = start;
        while (day <= end) {
          const absl::CivilDay through = FigureHoldsThrough(rules, role, day, end);
          ASSERT_GE(through, day);
          const Figure first = FigureFor(rules, role, day, zone);
          for (absl::CivilDay d = day + 1; d <= through; ++d) {
            ASSERT_TRUE(FigureFor(rules, role, d, zone) == first)
                << rules.version() << " " << v1::Role_Name(role.role()) << " "
                << FormatCivilDay(d) << " (span from " << FormatCivilDay(day) << ")";
            ++days;
          }
          // The span ends where the figure may change (or at the year's end).
          day = through + 1;
          ++spans;
        }
      }
    }
  }
  // Spans are long: a year's figure changes a few times at most.
  EXPECT_GT(days, 50 * spans);
  EXPECT_GT(spans, 500);
  std::printf("%d spans, %d days\n", spans, days);
}

}  // namespace
}  // namespace arrs::rules
