// The rule book in the DES's own shape: band rows, provenance and London figures.
//
// 1. Every shipped year is loaded (r1 then r2, as arrsd publishes them) and the figure that
//    prices each role on a day, for a PCN outside London or in a London zone, is checked
//    against a table copied from /work/shared/reference/arrs-maxima.md: pence and the
//    confidence the rule book reports (P published, P* period inferred, B band-inferred),
//    or unknown.
// 2. The loader refuses bad band rows with file:line:column and the field.
// 3. Several versions of one year load in `published` order, and the later one is in force
//    from its publication (test-only files with made-up figures, named as such).
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/rules/calculator.h"
#include "ledger/rules/coverage.h"
#include "ledger/rules/figure.h"
#include "ledger/rules/rule_file.h"
#include "ledger/rules/rule_validate.h"
#include "ledger/util/civil_date.h"
#include "tests/rules/rules_test_support.h"
#include "tests/testing/temp_dir.h"

namespace arrs::rules {
namespace {

using ::testing::HasSubstr;
using testing::LoadError;
using testing::Replaced;

constexpr v1::FigureConfidence P = v1::FIGURE_PUBLISHED;
constexpr v1::FigureConfidence PS = v1::FIGURE_PERIOD_INFERRED;
constexpr v1::FigureConfidence B = v1::FIGURE_BAND_INFERRED;
constexpr v1::FigureConfidence UNKNOWN = v1::FIGURE_CONFIDENCE_UNSPECIFIED;
constexpr v1::LondonZone NONE = v1::LONDON_ZONE_NONE;
constexpr v1::LondonZone OUTER = v1::OUTER_LONDON;
constexpr v1::LondonZone INNER = v1::INNER_LONDON;

struct Expected {
  v1::Role role;
  absl::CivilDay day;
  v1::LondonZone zone;
  int64_t pence;  // 0 = unknown
  v1::FigureConfidence confidence;
  bool zone_missing = false;  // London PCN priced at the national figure
};

// arrs-maxima.md section 1, year by year (national unless a zone is named).
const Expected kTable[] = {
    // 2019/20: the roles' own figures.
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2019, 8, 1), NONE, 3781000, P},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2019, 8, 1), NONE, 3411300, P},
    // 2020/21
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2020, 6, 1), NONE, 5567000, P},
    {v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2020, 6, 1), NONE, 5567000, P},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2020, 6, 1), NONE, 3538900, P},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2020, 6, 1), NONE, 3538900, P},
    {v1::CARE_COORDINATOR, absl::CivilDay(2020, 6, 1), NONE, 2913500, P},
    {v1::NURSING_ASSOCIATE, absl::CivilDay(2020, 11, 1), NONE, 2913500, P},
    {v1::TRAINEE_NURSING_ASSOCIATE, absl::CivilDay(2020, 11, 1), NONE, 2567100, P},
    {v1::HEALTH_AND_WELLBEING_COACH, absl::CivilDay(2020, 6, 1), NONE, 0, UNKNOWN},
    {v1::PHYSICIAN_ASSOCIATE, absl::CivilDay(2020, 6, 1), NONE, 0, UNKNOWN},
    // 2021/22
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2021, 6, 1), NONE, 6270500, P},
    {v1::CARE_COORDINATOR, absl::CivilDay(2021, 6, 1), NONE, 2972600, P},
    {v1::NURSING_ASSOCIATE, absl::CivilDay(2021, 6, 1), NONE, 2972600, B},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2021, 6, 1), NONE, 0, UNKNOWN},
    // 2022/23: 1 April-30 September
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 5, 1), NONE, 5731800, P},
    {v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2022, 5, 1), NONE, 5731800, B},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2022, 5, 1), NONE, 3642800, PS},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2022, 5, 1), NONE, 3642800, B},
    {v1::CARE_COORDINATOR, absl::CivilDay(2022, 5, 1), NONE, 0, UNKNOWN},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2022, 5, 1), NONE, 0, UNKNOWN},
    // 2022/23: from 1 October 2022
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 11, 1), NONE, 5931200, P},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 11, 1), INNER, 6876800, P},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 11, 1), OUTER, 5931200, P, /*zone_missing=*/true},
    {v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2022, 11, 1), NONE, 5931200, B},
    {v1::CARE_COORDINATOR, absl::CivilDay(2022, 11, 1), NONE, 3174600, PS},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2022, 11, 1), NONE, 3818700, PS},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2022, 11, 1), NONE, 3818700, PS},
    {v1::GP_ASSISTANT, absl::CivilDay(2022, 11, 1), NONE, 3174600, B},
    {v1::NURSING_ASSOCIATE, absl::CivilDay(2022, 11, 1), NONE, 3174600, B},
    {v1::HEALTH_AND_WELLBEING_COACH, absl::CivilDay(2022, 11, 1), NONE, 3818700, B},
    {v1::DIGITAL_AND_TRANSFORMATION_LEAD, absl::CivilDay(2022, 11, 1), NONE, 0, UNKNOWN},
    // 2023/24: to 30 June / from 1 July 2023
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2023, 5, 1), NONE, 5931200, P},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2023, 8, 1), NONE, 6234000, P},
    {v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2023, 8, 1), NONE, 6234000, P},
    {v1::CARE_COORDINATOR, absl::CivilDay(2023, 5, 1), NONE, 3174600, P},
    {v1::CARE_COORDINATOR, absl::CivilDay(2023, 8, 1), NONE, 3339600, P},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2023, 8, 1), NONE, 4015900, P},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2023, 5, 1), NONE, 3818700, P},
    {v1::APPRENTICE_PHYSICIAN_ASSOCIATE, absl::CivilDay(2023, 5, 1), NONE, 3818700, B},
    {v1::APPRENTICE_PHYSICIAN_ASSOCIATE, absl::CivilDay(2023, 8, 1), NONE, 4015900, B},
    {v1::HEALTH_AND_WELLBEING_COACH, absl::CivilDay(2023, 8, 1), NONE, 4015900, B},
    {v1::GP_ASSISTANT, absl::CivilDay(2023, 5, 1), NONE, 3174600, B},
    {v1::GP_ASSISTANT, absl::CivilDay(2023, 8, 1), NONE, 3339600, B},
    {v1::NURSING_ASSOCIATE, absl::CivilDay(2023, 8, 1), NONE, 3339600, B},
    {v1::PHYSICIAN_ASSOCIATE, absl::CivilDay(2023, 8, 1), NONE, 0, UNKNOWN},  // weak B not loaded
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2023, 8, 1), NONE, 0, UNKNOWN},  // D not loaded
    // 2024/25: 1 April-30 September
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2024, 5, 1), NONE, 6234000, PS},
    {v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2024, 5, 1), NONE, 6234000, B},
    {v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2024, 5, 1), NONE, 6040100, P},
    {v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2024, 5, 1), OUTER, 6736900, P},
    {v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2024, 5, 1), INNER, 7033000, P},
    {v1::PHYSICIAN_ASSOCIATE, absl::CivilDay(2024, 5, 1), NONE, 6040100, B},
    {v1::DIETITIAN, absl::CivilDay(2024, 5, 1), NONE, 6040100, B},
    {v1::PODIATRIST, absl::CivilDay(2024, 5, 1), NONE, 6040100, B},
    {v1::OCCUPATIONAL_THERAPIST, absl::CivilDay(2024, 5, 1), NONE, 6040100, B},
    {v1::PARAMEDIC, absl::CivilDay(2024, 5, 1), NONE, 6040100, B},
    {v1::PARAMEDIC, absl::CivilDay(2024, 5, 1), INNER, 7033000, B},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2024, 5, 1), NONE, 4015900, PS},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2024, 5, 1), NONE, 4015900, B},
    {v1::HEALTH_AND_WELLBEING_COACH, absl::CivilDay(2024, 5, 1), NONE, 4015900, B},
    {v1::APPRENTICE_PHYSICIAN_ASSOCIATE, absl::CivilDay(2024, 5, 1), NONE, 4015900, B},
    {v1::CARE_COORDINATOR, absl::CivilDay(2024, 5, 1), NONE, 3339600, PS},
    {v1::GP_ASSISTANT, absl::CivilDay(2024, 5, 1), NONE, 3339600, B},
    {v1::NURSING_ASSOCIATE, absl::CivilDay(2024, 5, 1), NONE, 3339600, B},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2024, 5, 1), NONE, 0, UNKNOWN},  // about £68,315 is D
    // 2024/25: from 1 October 2024
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2024, 11, 1), NONE, 6583800, P},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2024, 11, 1), OUTER, 7318900, P},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2024, 11, 1), INNER, 7631300, P},
    {v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2024, 11, 1), NONE, 6583800, P},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2024, 11, 1), NONE, 7214100, P},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2024, 11, 1), OUTER, 7949200, P},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2024, 11, 1), INNER, 8261600, P},
    {v1::DIGITAL_AND_TRANSFORMATION_LEAD, absl::CivilDay(2024, 11, 1), NONE, 7214100, B},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2024, 11, 1), NONE, 4243700, P},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2024, 11, 1), OUTER, 4899100, P},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2024, 11, 1), INNER, 5117600, P},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2024, 11, 1), NONE, 4243700, B},
    {v1::HEALTH_AND_WELLBEING_COACH, absl::CivilDay(2024, 11, 1), NONE, 4243700, B},
    {v1::APPRENTICE_PHYSICIAN_ASSOCIATE, absl::CivilDay(2024, 11, 1), NONE, 4243700, B},
    {v1::GENERAL_PRACTITIONER, absl::CivilDay(2024, 11, 1), NONE, 9246200, P},
    {v1::GENERAL_PRACTITIONER, absl::CivilDay(2024, 11, 1), INNER, 9523300, P},
    {v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2024, 11, 1), NONE, 0, UNKNOWN},
    {v1::CARE_COORDINATOR, absl::CivilDay(2024, 11, 1), NONE, 0, UNKNOWN},
    {v1::TRAINEE_NURSING_ASSOCIATE, absl::CivilDay(2024, 11, 1), NONE, 0, UNKNOWN},
    // 2025/26: the DES figures as published (before the backdated uplift)
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2025, 6, 1), NONE, 6697200, P},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2025, 6, 1), OUTER, 7439200, P},
    {v1::CLINICAL_PHARMACIST, absl::CivilDay(2025, 6, 1), INNER, 7754500, P},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2025, 6, 1), NONE, 7333400, P},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2025, 6, 1), OUTER, 8075400, P},
    {v1::ADVANCED_PRACTITIONER, absl::CivilDay(2025, 6, 1), INNER, 8390700, P},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2025, 6, 1), NONE, 4335200, P},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2025, 6, 1), OUTER, 4996700, P},
    {v1::PHARMACY_TECHNICIAN, absl::CivilDay(2025, 6, 1), INNER, 5217200, P},
    {v1::NEW_TO_GENERAL_PRACTICE_NURSE, absl::CivilDay(2025, 6, 1), NONE, 4335200, P},
    {v1::EXPERIENCED_GENERAL_PRACTICE_NURSE, absl::CivilDay(2025, 6, 1), NONE, 5331900, P},
    {v1::CONSULTANT_NURSE, absl::CivilDay(2025, 6, 1), NONE, 10268300, P},
    {v1::HEALTHCARE_SUPPORT_WORKER, absl::CivilDay(2025, 6, 1), NONE, 3215900, P},
    {v1::GENERAL_PRACTITIONER, absl::CivilDay(2025, 6, 1), NONE, 10588200, P},
    {v1::GENERAL_PRACTITIONER, absl::CivilDay(2025, 6, 1), INNER, 10588200, P, /*zone_missing=*/true},
    {v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2025, 6, 1), NONE, 6697200, B},
    {v1::SOCIAL_PRESCRIBING_LINK_WORKER, absl::CivilDay(2025, 6, 1), NONE, 4335200, B},
    {v1::HEALTH_AND_WELLBEING_COACH, absl::CivilDay(2025, 6, 1), NONE, 4335200, B},
    {v1::APPRENTICE_PHYSICIAN_ASSOCIATE, absl::CivilDay(2025, 6, 1), NONE, 4335200, B},
    {v1::TRAINEE_NURSING_ASSOCIATE, absl::CivilDay(2025, 6, 1), NONE, 3215900, B},
    {v1::DIGITAL_AND_TRANSFORMATION_LEAD, absl::CivilDay(2025, 6, 1), NONE, 7333400, B},
    {v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2025, 6, 1), NONE, 0, UNKNOWN},
    {v1::CARE_COORDINATOR, absl::CivilDay(2025, 6, 1), NONE, 0, UNKNOWN},
    {v1::MENTAL_HEALTH_PRACTITIONER, absl::CivilDay(2025, 6, 1), NONE, 0, UNKNOWN},
};

const v1::RoleRule* RoleIn(const v1::FinancialYearRules& rules, v1::Role role) {
  for (const v1::RoleRule& r : rules.roles()) {
    if (r.role() == role) return &r;
  }
  return nullptr;
}

TEST(BandRows, EveryShippedYearPricesTheReferenceTable) {
  RuleBook book;
  testing::PublishShipped(&book);
  for (const Expected& x : kTable) {
    SCOPED_TRACE(absl::StrCat(v1::Role_Name(x.role), " on ", FormatCivilDay(x.day), " ",
                              ZoneText(x.zone)));
    const v1::FinancialYearRules* rules = book.ForDate(x.day);
    ASSERT_NE(rules, nullptr);
    EXPECT_THAT(rules->version(), ::testing::EndsWith(" r2"));
    const v1::RoleRule* role = RoleIn(*rules, x.role);
    ASSERT_NE(role, nullptr);
    const Figure f = FigureFor(*rules, *role, x.day, x.zone);
    if (x.pence == 0) {
      EXPECT_FALSE(f.known()) << f.annual_pence;
      continue;
    }
    ASSERT_TRUE(f.known());
    EXPECT_EQ(f.annual_pence, x.pence);
    EXPECT_EQ(ConfidenceCode(f.confidence), ConfidenceCode(x.confidence));
    EXPECT_EQ(f.zone_missing, x.zone_missing);
  }
}

// Every role of every shipped r2 is priced from a band row or its own figure, or is
// explicitly unknown; band-inferred is never written in a file.
TEST(BandRows, EveryRoleHasARowItsOwnFigureOrIsMarkedUnknown) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all =
      LoadRulesDir(testing::ShippedRulesDir());
  ASSERT_TRUE(all.ok()) << all.status();
  for (const v1::FinancialYearRules& rules : *all) {
    for (const v1::RoleRule& r : rules.roles()) {
      EXPECT_TRUE(!r.band_row().empty() || !r.max_amounts().empty() || r.unverified())
          << rules.version() << " " << v1::Role_Name(r.role());
    }
    for (const v1::BandRow& row : rules.band_rows()) {
      for (const v1::MaxAmount& m : row.amounts()) {
        EXPECT_NE(m.confidence(), v1::FIGURE_BAND_INFERRED) << rules.version();
      }
    }
  }
}

// Per-year coverage, r1 (before) and r2 (after), on one grid per year (every change day of
// either version): priced role-periods of eligible role-periods, as docs/RULES.md records.
TEST(BandRows, CoverageBeforeAndAfter) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all =
      LoadRulesDir(testing::ShippedRulesDir());
  ASSERT_TRUE(all.ok()) << all.status();
  std::map<int, std::set<absl::CivilDay>> grid;
  for (const v1::FinancialYearRules& rules : *all) {
    for (absl::CivilDay d : ChangeDays(rules)) grid[rules.financial_year()].insert(d);
  }
  std::map<std::string, std::pair<int, int>> got;
  for (const v1::FinancialYearRules& rules : *all) {
    const v1::YearCoverage c = CoverageOf(rules, grid[rules.financial_year()]);
    got[rules.version()] = {c.priced(), c.eligible()};
  }
  const std::map<std::string, std::pair<int, int>> expected = {
      {"2019/20 r1", {2, 2}},   {"2019/20 r2", {2, 2}},    // CP, SPLW
      {"2020/21 r1", {10, 22}}, {"2020/21 r2", {12, 22}},  // + SPLW (P)
      {"2021/22 r1", {2, 15}},  {"2021/22 r2", {3, 15}},   // + NA (B)
      {"2022/23 r1", {2, 32}},  {"2022/23 r2", {13, 32}},
      {"2023/24 r1", {10, 36}}, {"2023/24 r2", {18, 36}},
      {"2024/25 r1", {6, 41}},  {"2024/25 r2", {24, 41}},
      {"2025/26 r1", {0, 25}},  {"2025/26 r2", {14, 25}},
  };
  EXPECT_EQ(got, expected);
}

// ---- The loader refuses bad band rows, naming file:line:column and the field ----

// A valid year in the new shape; the numbers on the right are 1-based lines.
constexpr char kBandBase[] =
    "version: \"2024/25 test\"\n"                                   // 1
    "financial_year: 2024\n"                                        // 2
    "band_rows {\n"                                                 // 3
    "  band: \"7\"\n"                                               // 4
    "  amounts {\n"                                                 // 5
    "    effective_from { year: 2024 month: 4 day: 1 }\n"           // 6
    "    effective_to { year: 2024 month: 9 day: 30 }\n"            // 7
    "    annual_max_pence: 6040100\n"                               // 8
    "    outer_london_pence: 6736900\n"                             // 9
    "    inner_london_pence: 7033000\n"                             // 10
    "    confidence: FIGURE_PUBLISHED\n"                            // 11
    "    published_for: ENHANCED_PRACTICE_NURSE\n"                  // 12
    "    source: \"https://example.org/epn\"\n"                     // 13
    "  }\n"                                                         // 14
    "  amounts {\n"                                                 // 15
    "    effective_from { year: 2024 month: 10 day: 1 }\n"          // 16
    "    effective_to { year: 2025 month: 3 day: 31 }\n"            // 17
    "    annual_max_pence: 0\n"                                     // 18
    "    unverified: true\n"                                        // 19
    "  }\n"                                                         // 20
    "}\n"                                                           // 21
    "roles {\n"                                                     // 22
    "  role: PARAMEDIC\n"                                           // 23
    "  eligible_from { year: 2024 month: 4 day: 1 }\n"              // 24
    "  eligible_to { year: 2025 month: 3 day: 31 }\n"               // 25
    "  reimbursed_bp: 10000\n"                                      // 26
    "  band_row: \"7\"\n"                                           // 27
    "  band_row_source: \"https://example.org/bands\"\n"            // 28
    "  unverified: true\n"                                          // 29
    "}\n";                                                          // 30

TEST(BandRowFile, TheBaseLoads) {
  absl::StatusOr<v1::FinancialYearRules> r = ParseRulesText(kBandBase, "ok.textproto");
  ASSERT_TRUE(r.ok()) << r.status();
}

TEST(BandRowFile, RowPeriodsMustBeContiguous) {
  EXPECT_EQ(LoadError(Replaced(kBandBase, "month: 10 day: 1 }", "month: 10 day: 2 }")),
            "bad.textproto:16:5: band_rows[0] (band 7).amounts[1].effective_from = 2024-10-02: "
            "leaves a gap: the previous period ends 2024-09-30, so this one must start "
            "2024-10-01 (write an unknown period as annual_max_pence: 0 with unverified: "
            "true)");
}

TEST(BandRowFile, LondonFiguresMustBeAboveTheNationalOne) {
  EXPECT_EQ(
      LoadError(Replaced(kBandBase, "outer_london_pence: 6736900", "outer_london_pence: 6040100")),
      "bad.textproto:9:5: band_rows[0] (band 7).amounts[0].outer_london_pence = 6040100: "
      "a London figure must be higher than the national figure 6040100");
}

TEST(BandRowFile, SourcesAreUrls) {
  EXPECT_EQ(LoadError(Replaced(kBandBase, "\"https://example.org/epn\"", "\"the DES, table 2\"")),
            "bad.textproto:13:5: band_rows[0] (band 7).amounts[0].source = \"the DES, table "
            "2\": must be the URL(s) the figure is copied from (http:// or https://, \" ; \" "
            "between several)");
  EXPECT_EQ(LoadError(Replaced(kBandBase, "\"https://example.org/bands\"", "\"\"")),
            "bad.textproto:28:3: roles[0] (PARAMEDIC).band_row_source = \"\": must be the URL(s) "
            "saying the role is on this band row (http:// or https://)");
}

TEST(BandRowFile, ARowMustNameTheRolesItsFigureIsPublishedFor) {
  EXPECT_EQ(LoadError(Replaced(kBandBase, "    published_for: ENHANCED_PRACTICE_NURSE\n", "")),
            "bad.textproto:5:3: band_rows[0] (band 7).amounts[0].published_for = none: a "
            "band-row figure names the role(s) it is published for");
}

TEST(BandRowFile, BandInferredIsNeverWritten) {
  EXPECT_EQ(LoadError(Replaced(kBandBase, "FIGURE_PUBLISHED", "FIGURE_BAND_INFERRED")),
            "bad.textproto:11:5: band_rows[0] (band 7).amounts[0].confidence = "
            "FIGURE_BAND_INFERRED: is derived, never written: give the confidence for the "
            "roles in published_for");
}

TEST(BandRowFile, ARoleNamesARowOfTheYear) {
  EXPECT_EQ(LoadError(Replaced(kBandBase, "band_row: \"7\"", "band_row: \"7-8a\"")),
            "bad.textproto:27:3: roles[0] (PARAMEDIC).band_row = \"7-8a\": names no band row "
            "of this year (band_rows[].band)");
}

TEST(BandRowFile, ARoleWithAnUnknownPeriodMustBeMarkedUnknown) {
  EXPECT_EQ(LoadError(Replaced(kBandBase, "  unverified: true\n}", "}")),
            "bad.textproto:27:3: roles[0] (PARAMEDIC).band_row = \"7\": has no known figure on "
            "2024-10-01 and the role has none of its own (mark the role unverified: true if "
            "the figure is not known)");
}

TEST(BandRowFile, DuplicateRowsAreRefused) {
  std::string text = kBandBase;
  text += "band_rows {\n  band: \"7\"\n  amounts {\n    effective_from { year: 2024 month: 4 "
          "day: 1 }\n    effective_to { year: 2025 month: 3 day: 31 }\n    annual_max_pence: "
          "0\n    unverified: true\n  }\n}\n";
  EXPECT_EQ(LoadError(text),
            "bad.textproto:32:3: band_rows[1] (band 7).band = \"7\": duplicate band row: listed "
            "twice in this year");
}

// ---- Several versions of one year: the later one is in force from its publication ----

// TEST-ONLY figures, made up: £50,000.00 and £60,000.00 are not ARRS figures.
std::string MadeUpVersion(const std::string& version, const std::string& published,
                          int64_t pence) {
  return absl::StrCat(
      "version: \"", version, "\"\n", published, "financial_year: 2025\n",
      "summary: \"TEST ONLY: made-up figures\"\n",
      "band_rows {\n  band: \"7-8a\"\n  amounts {\n",
      "    effective_from { year: 2025 month: 4 day: 1 }\n",
      "    effective_to { year: 2026 month: 3 day: 31 }\n",
      "    annual_max_pence: ", pence, "  # MADE-UP TEST FIGURE\n",
      "    confidence: FIGURE_PUBLISHED\n    published_for: CLINICAL_PHARMACIST\n",
      "    source: \"https://example.org/made-up-test-figure\"\n  }\n}\n",
      "roles {\n  role: CLINICAL_PHARMACIST\n",
      "  eligible_from { year: 2025 month: 4 day: 1 }\n",
      "  eligible_to { year: 2026 month: 3 day: 31 }\n  reimbursed_bp: 10000\n",
      "  band_row: \"7-8a\"\n  band_row_source: \"https://example.org/made-up-test-figure\"\n}\n");
}

TEST(RuleVersions, ALaterVersionChangesThePastFromItsPublication) {
  const testing_support::TempDir dir("band-rows");
  // r2 "published 1 August 2025" with periods from 1 April 2025 (file sorts first by name).
  dir.Write("2025-26-r2.textproto",
            MadeUpVersion("2025/26 r2 (test)", "published { year: 2025 month: 8 day: 1 }\n",
                          6000000));
  dir.Write("2025-26.textproto",
            MadeUpVersion("2025/26 r1 (test)", "published { year: 2025 month: 3 day: 27 }\n",
                          5000000));
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(dir.str());
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].version(), "2025/26 r1 (test)");  // published order, not file order
  EXPECT_EQ((*all)[1].version(), "2025/26 r2 (test)");
  RuleBook book;
  book.Apply(testing::PublishEvent(1, (*all)[0]));
  book.Apply(testing::PublishEvent(2, (*all)[1]));
  EXPECT_TRUE(book.Published(2025, "2025/26 r1 (test)"));
  EXPECT_TRUE(book.Published(2025, "2025/26 r2 (test)"));
  LineInput in;
  in.role = v1::CLINICAL_PHARMACIST;
  in.month = absl::CivilDay(2025, 4, 1);
  in.in_post = {{absl::CivilDay(2025, 4, 1), absl::CivilDay(2025, 4, 30), 10000}};
  in.claimed_pence = 1'000'000;
  in.context.sum_remaining_pence = 100'000'000;
  // As known before r2's publication: r1's made-up £50,000 / 12 = 416,666.67 -> 416,666 p.
  LinePrice before = PriceLine(book, in, /*known_at=*/1);
  EXPECT_EQ(before.approved_pence, 416666);
  EXPECT_THAT(before.rule_versions, ::testing::ElementsAre("2025/26 r1 (test)"));
  // From r2's publication on, April 2025 is priced with r2: £60,000 / 12 = 500,000 p.
  LinePrice after = PriceLine(book, in, /*known_at=*/2);
  EXPECT_EQ(after.approved_pence, 500000);
  EXPECT_THAT(after.rule_versions, ::testing::ElementsAre("2025/26 r2 (test)"));
}

TEST(RuleVersions, TwoVersionsOfAYearMustHaveDifferentPublishedDays) {
  const testing_support::TempDir dir("band-rows");
  const std::string day = "published { year: 2025 month: 8 day: 1 }\n";
  dir.Write("2025-26.textproto", MadeUpVersion("2025/26 a (test)", day, 5000000));
  dir.Write("2025-26-r2.textproto", MadeUpVersion("2025/26 b (test)", day, 6000000));
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(dir.str());
  ASSERT_FALSE(all.ok());
  EXPECT_THAT(std::string(all.status().message()), HasSubstr("with the same published day"));
}

TEST(RuleVersions, AVersionFileNamedForAnotherYearIsRefused) {
  const testing_support::TempDir dir("band-rows");
  dir.Write("2024-25-r2.textproto",
            MadeUpVersion("2025/26 r2 (test)", "published { year: 2025 month: 8 day: 1 }\n",
                          6000000));
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(dir.str());
  ASSERT_FALSE(all.ok());
  EXPECT_THAT(std::string(all.status().message()), HasSubstr("named for 2024/25"));
}

// ---- Explanations, word for word (golden files in tests/rules/testdata) ----

class Explained : public testing::ShippedBookTest {
 protected:
  LinePrice Price(v1::Role role, absl::CivilDay month, int64_t claimed,
                  v1::LondonZone zone = v1::LONDON_ZONE_NONE) {
    LineInput in;
    in.role = role;
    in.month = month;
    in.in_post = {{FirstDayOfMonth(month), LastDayOfMonth(month), 10000}};
    in.claimed_pence = claimed;
    in.context.sum_remaining_pence = 100'000'000;
    if (zone != v1::LONDON_ZONE_NONE) {
      in.zones = {{FirstDayOfMonth(month), LastDayOfMonth(month), zone}};
    }
    return PriceLine(book_, in);
  }
};

// GP assistant, August 2023, 1.0 WTE, claimed £3,000: no figure is published for GP
// assistants; they are on band 4 (Pulse), whose £33,396 from 1 July 2023 is published for
// care coordinators. 3,339,600 x 10,000 x 31 / (12 x 10,000 x 31) = 278,300 p exactly.
TEST_F(Explained, BandInferredLine) {
  LinePrice p = Price(v1::GP_ASSISTANT, absl::CivilDay(2023, 8, 1), 300000);
  testing::ExpectGoldenText(p.explanation, "explained-band-inferred-line.txt");
  EXPECT_EQ(p.approved_pence, 278300);
}

// Clinical pharmacist, inner London PCN, November 2024, claimed £7,000: the DES prints
// £76,313 inner London (national £65,838). 7,631,300 / 12 = 635,941.67 -> 635,941 p.
TEST_F(Explained, LondonLineAtTheZoneFigure) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2024, 11, 1), 700000,
                      v1::INNER_LONDON);
  testing::ExpectGoldenText(p.explanation, "explained-london-line-at-the-zone-figure.txt");
  EXPECT_EQ(p.approved_pence, 635941);
}

// Clinical pharmacist, outer London PCN, November 2022: only the inner London figure
// (£68,768) was published for 2022/23, so the national £59,312 is used and the line says so.
// 5,931,200 / 12 = 494,266.67 -> 494,266 p.
TEST_F(Explained, LondonLineAtTheNationalFigureForWantOfAZoneFigure) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 11, 1), 600000,
                      v1::OUTER_LONDON);
  testing::ExpectGoldenText(p.explanation, "explained-london-line-at-the-national-figure.txt");
  EXPECT_EQ(p.approved_pence, 494266);
}

}  // namespace
}  // namespace arrs::rules
