// Loader tests: every shipped rule file loads and validates, and each kind of bad file is
// refused with a message naming file:line:column and the problem.
#include "ledger/rules/rule_file.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/rules/rule_validate.h"
#include "ledger/util/civil_date.h"
#include "tests/rules/rules_test_support.h"
#include "tests/testing/temp_dir.h"

namespace arrs::rules {
namespace {

using ::testing::HasSubstr;
using testing::ShippedRulesDir;

// A valid rule version; the numbers on the right are the 1-based lines the tests expect.
constexpr char kBase[] =
    "version: \"2022/23 test\"\n"                             // 1
    "financial_year: 2022\n"                                  // 2
    "roles {\n"                                               // 3
    "  role: CLINICAL_PHARMACIST\n"                           // 4
    "  eligible_from { year: 2022 month: 4 day: 1 }\n"        // 5
    "  eligible_to { year: 2023 month: 3 day: 31 }\n"         // 6
    "  reimbursed_bp: 10000\n"                                // 7
    "  max_amounts {\n"                                       // 8
    "    effective_from { year: 2022 month: 4 day: 1 }\n"     // 9
    "    effective_to { year: 2022 month: 9 day: 30 }\n"      // 10
    "    annual_max_pence: 5731800\n"                         // 11
    "  }\n"                                                   // 12
    "  max_amounts {\n"                                       // 13
    "    effective_from { year: 2022 month: 10 day: 1 }\n"    // 14
    "    effective_to { year: 2023 month: 3 day: 31 }\n"      // 15
    "    annual_max_pence: 5931200\n"                         // 16
    "  }\n"                                                   // 17
    "}\n"                                                     // 18
    "caps {\n"                                                // 19
    "  roles: ADVANCED_PRACTITIONER\n"                        // 20
    "  effective_from { year: 2022 month: 4 day: 1 }\n"       // 21
    "  effective_to { year: 2023 month: 3 day: 31 }\n"        // 22
    "  list_size_threshold: 100000\n"                         // 23
    "  cap_wte_bp_below: 20000\n"                             // 24
    "  cap_wte_bp_at_or_above: 30000\n"                       // 25
    "}\n";                                                    // 26

std::string With(const std::string& from, const std::string& to) {
  return testing::Replaced(kBase, from, to);
}

TEST(RuleFile, BaseIsValid) {
  absl::StatusOr<v1::FinancialYearRules> r = ParseRulesText(kBase, "base.textproto");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->roles(0).max_amounts(1).annual_max_pence(), 5931200);
}

TEST(RuleFile, ZeroAmountMarkedUnverifiedIsAccepted) {
  std::string text = With("    annual_max_pence: 5931200\n",
                          "    annual_max_pence: 0\n    unverified: true\n");
  text = text.replace(text.find("  reimbursed_bp"), 0, "  unverified: true\n");
  absl::StatusOr<v1::FinancialYearRules> r = ParseRulesText(text, "ok.textproto");
  EXPECT_TRUE(r.ok()) << r.status();
}

TEST(RuleFile, DuplicateRole) {
  const std::string text = std::string(kBase) +
                           "roles {\n"                                         // 27
                           "  role: CLINICAL_PHARMACIST\n"                     // 28
                           "  eligible_from { year: 2022 month: 4 day: 1 }\n"  // 29
                           "  eligible_to { year: 2023 month: 3 day: 31 }\n"   // 30
                           "  reimbursed_bp: 10000\n"                          // 31
                           "  unverified: true\n"                              // 32
                           "}\n";
  const std::string e = testing::LoadError(text);
  EXPECT_THAT(e, HasSubstr("bad.textproto:28:3: roles[1] (CLINICAL_PHARMACIST).role"));
  EXPECT_THAT(e, HasSubstr("duplicate role"));
}

// One edit of kBase (a replaced or removed text) that the loader refuses, and the parts its
// message must contain.
// Source of each expectation: the loader contract in ledger/rules/rule_file.h.
struct BadEdit {
  const char* name;
  const char* from;
  const char* to;
  std::vector<std::string> parts;
};

const BadEdit kBadEdits[] = {
    {"UnknownRoleNameIsAParseErrorWithLine",
     "role: CLINICAL_PHARMACIST",
     "role: CLINICAL_PHARMACISTS",
     {"bad.textproto:4:", "CLINICAL_PHARMACISTS"}},
    {"UnknownFieldIsAParseErrorWithLine",
     "    annual_max_pence: 5931200",
     "    annual_max_pounds: 5",
     {"bad.textproto:16:", "annual_max_pounds"}},
    {"UnspecifiedRole",
     "role: CLINICAL_PHARMACIST",
     "role: ROLE_UNSPECIFIED",
     {"bad.textproto:4:3: roles[0] (ROLE_UNSPECIFIED).role", "unknown or unspecified role"}},
    {"NegativeAmount",
     "annual_max_pence: 5931200",
     "annual_max_pence: -5",
     {"bad.textproto:16:5: roles[0] (CLINICAL_PHARMACIST)"
      ".max_amounts[1].annual_max_pence = -5: must not be negative"}},
    {"ZeroAmountWithoutUnverifiedIsMissing",
     "annual_max_pence: 5931200",
     "annual_max_pence: 0",
     {"bad.textproto:16:", "missing amount"}},
    // Line 13 is the max_amounts { line.
    {"AbsentAmountPointsAtItsBlock",
     "    annual_max_pence: 5931200\n",
     "",
     {"bad.textproto:13:3: ", "missing amount"}},
    {"OverlappingVersions",
     "effective_from { year: 2022 month: 10 day: 1 }",
     "effective_from { year: 2022 month: 9 day: 15 }",
     {"bad.textproto:14:", "overlaps the previous version, which runs to 2022-09-30"}},
    {"GappedVersions",
     "effective_from { year: 2022 month: 10 day: 1 }",
     "effective_from { year: 2022 month: 10 day: 2 }",
     {"bad.textproto:14:", "leaves a gap"}},
    // Line 8 is the first max_amounts of the role.
    {"AmountsNotCoveringEligibility",
     "    effective_to { year: 2023 month: 3 day: 31 }",
     "    effective_to { year: 2023 month: 2 day: 28 }",
     {"bad.textproto:8:", "does not cover the eligibility window 2022-04-01..2023-03-31"}},
    {"EffectiveDateOutsideTheFinancialYear",
     "eligible_from { year: 2022 month: 4 day: 1 }",
     "eligible_from { year: 2022 month: 3 day: 1 }",
     {"bad.textproto:5:", "eligible_from = 2022-03-01: is outside the financial year 2022/23"}},
    {"AmountDateOutsideTheFinancialYear",
     "    effective_to { year: 2023 month: 3 day: 31 }",
     "    effective_to { year: 2023 month: 4 day: 30 }",
     {"bad.textproto:15:", "max_amounts[1].effective_to = 2023-04-30: is outside"}},
    {"ImpossibleDate",
     "effective_to { year: 2022 month: 9 day: 30 }",
     "effective_to { year: 2022 month: 9 day: 31 }",
     {"bad.textproto:10:", "is not a real date"}},
    {"MissingPercentagePointsAtTheRole",
     "  reimbursed_bp: 10000\n",
     "",
     {"bad.textproto:3:1: roles[0] (CLINICAL_PHARMACIST).reimbursed_bp"}},
    {"NegativeCapValue",
     "cap_wte_bp_below: 20000",
     "cap_wte_bp_below: -1",
     {"bad.textproto:24:3: caps[0].cap_wte_bp_below = -1: must not be negative"}},
    {"NegativeThreshold",
     "list_size_threshold: 100000",
     "list_size_threshold: -100000",
     {"bad.textproto:23:3: caps[0].list_size_threshold = -100000"}},
    {"MissingVersion",
     "version: \"2022/23 test\"\n",
     "",
     {"bad.textproto:1:1: version = \"\": is required"}},
    {"MissingYear",
     "financial_year: 2022\n",
     "",
     {"bad.textproto:1:1: financial_year = 0: is required"}},
};

// Names the case in test output (instead of its bytes).
void PrintTo(const BadEdit& c, std::ostream* os) { *os << c.name; }

class BadRuleFile : public ::testing::TestWithParam<BadEdit> {};

TEST_P(BadRuleFile, IsRefusedNamingLineAndProblem) {
  const std::string e = testing::LoadError(With(GetParam().from, GetParam().to));
  for (const std::string& part : GetParam().parts) EXPECT_THAT(e, HasSubstr(part));
}

INSTANTIATE_TEST_SUITE_P(RuleFile, BadRuleFile, ::testing::ValuesIn(kBadEdits),
                         [](const ::testing::TestParamInfo<BadEdit>& info) {
                           return std::string(info.param.name);
                         });

TEST(RuleFile, ValidateRulesNamesFieldPathAndValueForTheApi) {
  v1::FinancialYearRules rules = testing::RulesFromText(kBase);
  rules.mutable_roles(0)->mutable_max_amounts(1)->set_annual_max_pence(-5);
  absl::Status s = ValidateRules(rules);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("roles[0] (CLINICAL_PHARMACIST).max_amounts[1].annual_max_pence = -5"));
  rules = testing::RulesFromText(kBase);
  rules.mutable_roles(0)->set_role(static_cast<v1::Role>(99));  // not in the enum
  s = ValidateRules(rules);
  EXPECT_THAT(std::string(s.message()), HasSubstr("roles[0] (99).role = 99: unknown"));
}

TEST(RuleFile, MissingFileIsNotFound) {
  EXPECT_EQ(LoadRulesFile("/nonexistent/2022-23.textproto").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadRulesDir("/nonexistent-rules-dir").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(RuleDir, RefusesTwoFilesForOneYear) {
  const testing_support::TempDir dir("rules");
  dir.Write("a.textproto", kBase);
  dir.Write("b.textproto", kBase);
  absl::StatusOr<std::vector<v1::FinancialYearRules>> r = LoadRulesDir(dir.str());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("a second rules file for 2022/23"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("a.textproto"));
}

TEST(RuleDir, RefusesAFileNamedForAnotherYear) {
  const testing_support::TempDir dir("rules");
  dir.Write("2023-24.textproto", kBase);
  absl::StatusOr<std::vector<v1::FinancialYearRules>> r = LoadRulesDir(dir.str());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("named for 2023/24"));
}

TEST(RuleDir, ABadFileFailsTheLoadWithItsLine) {
  const testing_support::TempDir dir("rules");
  dir.Write("2022-23.textproto", With("annual_max_pence: 5931200", "annual_max_pence: -5"));
  absl::StatusOr<std::vector<v1::FinancialYearRules>> r = LoadRulesDir(dir.str());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("2022-23.textproto:16:5:"));
}

// ---- The shipped data (rules/*.textproto) ----

TEST(ShippedRules, EveryFileLoadsAndValidatesInYearOrder) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(ShippedRulesDir());
  ASSERT_TRUE(all.ok()) << all.status();
  // Each year: r1 as first published, then r2 (band rows, provenance) published after it.
  ASSERT_EQ(all->size(), 14u);
  for (size_t i = 0; i < all->size(); ++i) {
    const int year = 2019 + static_cast<int>(i / 2);
    EXPECT_EQ((*all)[i].financial_year(), year);
    EXPECT_EQ((*all)[i].version(),
              absl::StrCat(FormatFinancialYear(year), i % 2 == 0 ? " r1" : " r2"));
    EXPECT_TRUE(ValidateRules((*all)[i]).ok());
    for (const v1::RoleRule& role : (*all)[i].roles()) {
      // A role with no known maximum of its own or from a band row must say so.
      if (role.max_amounts().empty() && role.band_row().empty()) {
        EXPECT_TRUE(role.unverified()) << role.role();
      }
      for (const v1::MaxAmount& m : role.max_amounts()) {
        if (!m.unverified()) {
          EXPECT_FALSE(m.source().empty()) << role.role();
        }
      }
    }
  }
}

const v1::RoleRule* Find(const v1::FinancialYearRules& rules, v1::Role role) {
  for (const v1::RoleRule& r : rules.roles()) {
    if (r.role() == role) return &r;
  }
  return nullptr;
}

v1::FinancialYearRules Year(const std::string& file) {
  absl::StatusOr<v1::FinancialYearRules> r = LoadRulesFile(ShippedRulesDir() + "/" + file);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : v1::FinancialYearRules();
}

// Figures from /work/shared/reference/arrs-rules.md section 1 and 3.
TEST(ShippedRules, RolesEnterWhenTheReferenceSays) {
  EXPECT_EQ(Year("2019-20.textproto").roles_size(), 2);  // CP and SPLW only
  EXPECT_EQ(Find(Year("2019-20.textproto"), v1::PARAMEDIC), nullptr);
  const v1::FinancialYearRules y20 = Year("2020-21.textproto");
  EXPECT_EQ(y20.roles_size(), 12);  // "12 roles ... for this year" (Hempsons)
  EXPECT_EQ(Find(y20, v1::NURSING_ASSOCIATE)->eligible_from().month(), 10);
  EXPECT_EQ(Find(y20, v1::TRAINEE_NURSING_ASSOCIATE)->eligible_from().month(), 10);
  EXPECT_EQ(Find(y20, v1::PARAMEDIC), nullptr);
  const v1::FinancialYearRules y21 = Year("2021-22.textproto");
  EXPECT_NE(Find(y21, v1::PARAMEDIC), nullptr);
  EXPECT_NE(Find(y21, v1::MENTAL_HEALTH_PRACTITIONER), nullptr);
  EXPECT_EQ(Find(y21, v1::ADVANCED_PRACTITIONER)->max_amounts(0).annual_max_pence(), 6270500);
  const v1::FinancialYearRules y22 = Year("2022-23.textproto");
  EXPECT_EQ(Find(y22, v1::GP_ASSISTANT)->eligible_from().month(), 10);
  EXPECT_EQ(Find(y22, v1::DIGITAL_AND_TRANSFORMATION_LEAD)->eligible_from().month(), 10);
  EXPECT_EQ(Find(y22, v1::APPRENTICE_PHYSICIAN_ASSOCIATE), nullptr);
  EXPECT_NE(Find(Year("2023-24.textproto"), v1::APPRENTICE_PHYSICIAN_ASSOCIATE), nullptr);
  const v1::FinancialYearRules y24 = Year("2024-25.textproto");
  EXPECT_NE(Find(y24, v1::ENHANCED_PRACTICE_NURSE), nullptr);
  EXPECT_EQ(Find(y24, v1::GENERAL_PRACTITIONER)->eligible_from().month(), 10);
  EXPECT_EQ(Find(y24, v1::GENERAL_PRACTITIONER)->max_amounts(0).annual_max_pence(), 9246200);
  const v1::FinancialYearRules y25 = Year("2025-26.textproto");
  EXPECT_EQ(y25.roles_size(), 25);
  EXPECT_EQ(Find(y25, v1::CONSULTANT_NURSE)->max_amounts(0).annual_max_pence(), 10268300);
  EXPECT_TRUE(Find(y25, v1::CONSULTANT_NURSE)->max_amounts(0).unverified());
}

TEST(ShippedRules, ClinicalPharmacistUpliftsAreContiguousVersions) {
  const v1::FinancialYearRules y22 = Year("2022-23.textproto");
  const v1::FinancialYearRules y23 = Year("2023-24.textproto");
  const v1::FinancialYearRules y24 = Year("2024-25.textproto");
  const v1::RoleRule* cp = Find(y22, v1::CLINICAL_PHARMACIST);
  ASSERT_EQ(cp->max_amounts_size(), 2);
  EXPECT_EQ(cp->max_amounts(0).annual_max_pence(), 5731800);  // £57,318 (C+D)
  EXPECT_EQ(cp->max_amounts(0).effective_to().month(), 9);
  EXPECT_EQ(cp->max_amounts(1).annual_max_pence(), 5931200);  // £59,312 from 1 Oct 2022
  cp = Find(y23, v1::CLINICAL_PHARMACIST);
  EXPECT_EQ(cp->max_amounts(1).effective_from().month(), 7);  // 1 July 2023
  EXPECT_EQ(cp->max_amounts(1).annual_max_pence(), 6234000);  // £62,340
  cp = Find(y24, v1::CLINICAL_PHARMACIST);
  EXPECT_EQ(cp->max_amounts(1).effective_from().month(), 10);  // 1 Oct 2024
  EXPECT_EQ(cp->max_amounts(1).annual_max_pence(), 6583800);   // £65,838
}

}  // namespace
}  // namespace arrs::rules
