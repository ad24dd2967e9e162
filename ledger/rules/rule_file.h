// Loading rule versions from protobuf text-format files (rules/2023-24.textproto).
//
// One file holds one arrs.v1.FinancialYearRules. Files are parsed strictly (unknown fields
// and unknown enum names, such as a misspelt role, are errors) and then validated
// (rule_validate.h). Every error names the file, the 1-based line and column, and the
// problem, e.g.
//   rules/2022-23.textproto:41:5: roles[2] (CARE_COORDINATOR).max_amounts[1].effective_from
//     = 2022-10-02: leaves a gap: the previous version ends 2022-09-30, ...
// Semantic errors are located through a TextFormat::ParseInfoTree: at the offending field
// when it is written in the file, otherwise at the nearest enclosing field that is.
//
// Thread-safe: pure functions (apart from reading files).
#ifndef ARRS_LEDGER_RULES_RULE_FILE_H_
#define ARRS_LEDGER_RULES_RULE_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::rules {

// Parses and validates one rule version written in text format. `filename` is used only in
// error messages. Errors: INVALID_ARGUMENT, one problem per line, each
// "<filename>:<line>:<column>: <problem>".
absl::StatusOr<v1::FinancialYearRules> ParseRulesText(absl::string_view text,
                                                      absl::string_view filename);

// Reads `path` and parses it as above. NOT_FOUND when the file cannot be read.
absl::StatusOr<v1::FinancialYearRules> LoadRulesFile(const std::string& path);

// Loads every "*.textproto" file directly in `dir`, sorted by financial year and, within a
// year, by `published` day (unset first): a year may have several versions
// ("2022-23.textproto" = "2022/23 r1", "2022-23-r2.textproto" = "2022/23 r2"), published in
// that order so the latest is in force from its publication on, the earlier ones kept as
// history. Refuses (INVALID_ARGUMENT), naming both files, two versions of one year with the
// same version name or the same published day (their order would be unknown), and a file
// named like a financial year ("2023-24.textproto", "2023-24-r2.textproto") whose
// financial_year says otherwise. NOT_FOUND when `dir` is not a readable folder. Any file's
// error fails the whole load.
absl::StatusOr<std::vector<v1::FinancialYearRules>> LoadRulesDir(const std::string& dir);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_RULE_FILE_H_
