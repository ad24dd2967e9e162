// Hiring a mental health practitioner: the funding arrangement is required (and refused for
// other roles), the band must be one the year's rules table the role on, and an arrangement
// the year's rules say does not exist is refused. The per-band checks run against TEST-ONLY
// rule versions with made-up figures (tests/rules/mhp_test_rules); the shipped rules list no
// MHP bands, so there only the first checks apply.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/domain/mhp_hire.h"
#include "tests/domain/domain_log.h"
#include "tests/testing/hire_request.h"

namespace arrs::domain {
namespace {

using ::testing::HasSubstr;

class MhpHire : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<v1::FinancialYearRules>> all =
        rules::LoadRulesDir(std::string(ARRS_SOURCE_DIR) + "/tests/rules/mhp_test_rules");
    ASSERT_TRUE(all.ok()) << all.status();
    uint64_t position = 0;
    for (const v1::FinancialYearRules& r : *all) {
      v1::Event e;
      e.set_position(++position);
      e.set_stream(rules::kRulesStream);
      *e.mutable_payload()->mutable_rule_version_published()->mutable_rules() = r;
      book_.Apply(e);
    }
  }
  static v1::StaffHired Hire(v1::Role role, const std::string& band, v1::MhpFunding funding) {
    v1::StaffHired h;
    h.set_staff_id("MHP-1");
    h.set_role(role);
    h.set_band(band);
    h.set_mhp_funding(funding);
    return h;
  }
  rules::RuleBook book_;
};

TEST_F(MhpHire, AnAllowedBandAndArrangementIsAccepted) {
  EXPECT_TRUE(CheckMhpHire(book_, Hire(v1::MENTAL_HEALTH_PRACTITIONER, "6", v1::MHP_SHARED_50),
                           absl::CivilDay(2023, 5, 1))
                  .ok());
  EXPECT_TRUE(CheckMhpHire(book_, Hire(v1::MENTAL_HEALTH_PRACTITIONER, "7", v1::MHP_FULL_100),
                           absl::CivilDay(2024, 5, 1))
                  .ok());
}

TEST_F(MhpHire, ABandTheYearDoesNotListIsRefused) {
  const absl::Status s =
      CheckMhpHire(book_, Hire(v1::MENTAL_HEALTH_PRACTITIONER, "9", v1::MHP_SHARED_50),
                   absl::CivilDay(2024, 5, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "band \"9\" is not a band MENTAL_HEALTH_PRACTITIONER is tabled on under rule "
            "version \"2024/25 test (made-up figures)\" (2024/25), which lists bands 5, 6, 7, 8a");
}

TEST_F(MhpHire, TheArrangementIsRequired) {
  const absl::Status s =
      CheckMhpHire(book_, Hire(v1::MENTAL_HEALTH_PRACTITIONER, "6", v1::MHP_FUNDING_UNSPECIFIED),
                   absl::CivilDay(2024, 5, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("mhp_funding is required for a MENTAL_HEALTH_PRACTITIONER "
                                     "hire (MHP_SHARED_50 or MHP_FULL_100); got "
                                     "MHP_FUNDING_UNSPECIFIED"));
}

TEST_F(MhpHire, TheBandIsRequired) {
  const absl::Status s =
      CheckMhpHire(book_, Hire(v1::MENTAL_HEALTH_PRACTITIONER, "", v1::MHP_SHARED_50),
                   absl::CivilDay(2024, 5, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("band is required for a MENTAL_HEALTH_PRACTITIONER hire"));
}

TEST_F(MhpHire, OtherRolesHaveNoArrangement) {
  const absl::Status s = CheckMhpHire(
      book_, Hire(v1::CLINICAL_PHARMACIST, "7-8a", v1::MHP_SHARED_50), absl::CivilDay(2024, 5, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "mhp_funding is only for MENTAL_HEALTH_PRACTITIONER hires; got MHP_SHARED_50 for "
            "CLINICAL_PHARMACIST");
}

TEST_F(MhpHire, FullHundredBefore2024IsRefused) {
  const absl::Status s =
      CheckMhpHire(book_, Hire(v1::MENTAL_HEALTH_PRACTITIONER, "6", v1::MHP_FULL_100),
                   absl::CivilDay(2023, 5, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "mhp_funding MHP_FULL_100 does not exist under rule version \"2023/24 test (made-up "
            "figures)\" (2023/24) (https://example.org/test-only-figure)");
}

// Through the command, under the shipped rules: the arrangement is required.
TEST(MhpHireCommand, TheCommandRefusesAnMhpWithoutAnArrangement) {
  testing::DomainLog log;
  log.PublishShippedRules();
  ASSERT_TRUE(log.Register(80000, 100000000, 2024, 2024).ok());
  v1::HireStaffRequest r = testing_support::WholeTimeHire(
      "", log.pcn_code(), "MHP-1", v1::MENTAL_HEALTH_PRACTITIONER, v1::THIRD_PARTY,
      ToProtoDate(absl::CivilDay(2024, 5, 1)), 4000000);
  *r.mutable_header() = log.Header();
  r.set_band("6");
  r.set_employer_name("A Mental Health Trust");
  const absl::StatusOr<Events> refused = DecideHireStaff(log.Model(), log.book(), r);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("mhp_funding is required"));
  r.set_mhp_funding(v1::MHP_SHARED_50);
  EXPECT_TRUE(DecideHireStaff(log.Model(), log.book(), r).ok());
}

}  // namespace
}  // namespace arrs::domain
