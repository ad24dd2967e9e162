// London weighting end to end: the commissioner records a PCN's zone with an effective
// date (RecordLondonZone), claim lines for days in the zone are priced with the rule book's
// zone figure, or at the national figure with the line saying so, and the zone survives a
// restart from a snapshot.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

class LondonZoneTest : public LedgerFixture {
 protected:
  absl::StatusOr<v1::CommandResult> Zone(v1::LondonZone zone, v1::Date from) {
    v1::RecordLondonZoneRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code("U10001");
    r.set_zone(zone);
    *r.mutable_effective_from() = from;
    r.set_source("ICB HCAS list (test)");
    return ledger_->RecordLondonZone("test:icb", r);
  }
  v1::AssessedLine Line(const std::string& claim) {
    v1::ExplainRequest r;
    r.set_pcn_code("U10001");
    r.set_claim_id(claim);
    absl::StatusOr<v1::Explanation> out = ledger_->ExplainClaim(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() && out->lines_size() > 0 ? out->lines(0) : v1::AssessedLine();
  }
};

TEST_F(LondonZoneTest, ZoneFiguresPriceLondonLinesFromTheZoneDate) {
  Register("U10001", "QAA", 52000, 50000000);
  // Outer London from 1 November 2024, inner from 1 December 2024.
  ASSERT_TRUE(Zone(v1::OUTER_LONDON, D(2024, 11, 1)).ok());
  ASSERT_TRUE(Zone(v1::INNER_LONDON, D(2024, 12, 1)).ok());
  ASSERT_TRUE(Hire("U10001", "cp-1", v1::CLINICAL_PHARMACIST, D(2024, 4, 1), 10000).ok());
  for (const auto& [claim, month] :
       {std::pair<std::string, v1::Date>{"2024-10", D(2024, 10, 1)},
        {"2024-11", D(2024, 11, 1)},
        {"2024-12", D(2024, 12, 1)}}) {
    ASSERT_TRUE(Claim("U10001", claim, month, {{"cp-1", 900000}}).ok());
    ASSERT_TRUE(Assess("U10001", claim).ok());
  }
  // October: not yet in London: national £65,838 / 12 = 548,650 p.
  EXPECT_EQ(Line("2024-10").approved_pence(), 548650);
  // November: outer London £73,189 / 12 = 609,908.33 -> 609,908 p.
  v1::AssessedLine nov = Line("2024-11");
  EXPECT_EQ(nov.approved_pence(), 609908);
  EXPECT_THAT(nov.explanation(), HasSubstr("outer London figure (national £65,838.00)"));
  // December: inner London £76,313 / 12 = 635,941.67 -> 635,941 p.
  EXPECT_EQ(Line("2024-12").approved_pence(), 635941);
  // After a restart (snapshot start), the same explanation is derived again.
  const std::string before = Line("2024-12").explanation();
  Reopen();
  EXPECT_EQ(Line("2024-12").explanation(), before);
}

TEST_F(LondonZoneTest, NationalFigureWhenTheZoneFigureIsNotInTheRuleBook) {
  Register("U10001", "QAA", 52000, 50000000);
  ASSERT_TRUE(Zone(v1::OUTER_LONDON, D(2022, 4, 1)).ok());
  ASSERT_TRUE(Hire("U10001", "cp-1", v1::CLINICAL_PHARMACIST, D(2022, 4, 1), 10000).ok());
  ASSERT_TRUE(Claim("U10001", "2022-11", D(2022, 11, 1), {{"cp-1", 900000}}).ok());
  ASSERT_TRUE(Assess("U10001", "2022-11").ok());
  v1::AssessedLine line = Line("2022-11");
  EXPECT_EQ(line.approved_pence(), 494266);  // national £59,312 / 12
  EXPECT_THAT(line.explanation(),
              HasSubstr("national maximum used: the outer London figure is not in the rule "
                        "book"));
}

TEST_F(LondonZoneTest, BadZonesAreRefusedAndNothingIsWritten) {
  Register("U10001", "QAA", 52000);
  const uint64_t head = Head();
  absl::StatusOr<v1::CommandResult> r = Zone(v1::LONDON_ZONE_UNSPECIFIED, D(2024, 4, 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("zone must be INNER_LONDON, OUTER_LONDON or LONDON_ZONE_NONE, got "
                        "LONDON_ZONE_UNSPECIFIED"));
  r = Zone(v1::INNER_LONDON, v1::Date());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("effective_from"));
  EXPECT_EQ(Head(), head);
}

}  // namespace
}  // namespace arrs::testing_support
