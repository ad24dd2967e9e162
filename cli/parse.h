// Parsing what people type (dates, months, financial years, known-at points, roles,
// pounds) into API values, and naming API values for output. INVALID_ARGUMENT errors
// name the option and the text given.
#ifndef ARRS_CLI_PARSE_H_
#define ARRS_CLI_PARSE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "arrs/v1/api.pb.h"

namespace arrs::cli {

// "2024-03-31" ("" -> unset Date).
absl::StatusOr<v1::Date> ParseDateArg(const std::string& text, const std::string& option);
// "2024-05" or "2024-05-01" -> the first of the month.
absl::StatusOr<v1::Date> ParseMonthArg(const std::string& text, const std::string& option);
// "2023/24", "2023-24" or "2023" -> 2023.
absl::StatusOr<int> ParseYearArg(const std::string& text, const std::string& option);
// "" -> unset; "1234" -> position; "2024-03-31T12:00:00Z" -> recorded_at_micros.
absl::StatusOr<v1::KnownAt> ParseKnownAtArg(const std::string& text);
// "£1,234.56" / "1234.56" -> pence.
absl::StatusOr<int64_t> ParsePoundsArg(const std::string& text, const std::string& option);
// "0.6" -> 6000.
absl::StatusOr<int32_t> ParseWteArg(const std::string& text, const std::string& option);
// "30123.456" (weighted patients, up to 3 decimals) -> thousandths.
absl::StatusOr<int64_t> ParseMilliArg(const std::string& text, const std::string& option);

// Enum names, case-insensitive, '-' or '_' ("clinical-pharmacist", "CLINICAL_PHARMACIST").
// Short forms: cp, splw, fcp, pt, cc, hwc, pa, ap, mhp, gpa, dtl, epn, gp, para.
absl::StatusOr<v1::Role> ParseRoleArg(const std::string& text);
absl::StatusOr<v1::EmploymentModel> ParseEmploymentArg(const std::string& text);
absl::StatusOr<v1::LeaveKind> ParseLeaveKindArg(const std::string& text);
// "shared-50" (MHP_SHARED_50) or "full-100" (MHP_FULL_100); the enum names too.
absl::StatusOr<v1::MhpFunding> ParseMhpFundingArg(const std::string& text);

// Output names.
std::string RoleName(v1::Role role);  // "clinical pharmacist"
std::string EmploymentName(v1::EmploymentModel model);
std::string OutcomeName(v1::LineOutcome outcome);
std::string DateText(const v1::Date& date);  // "2024-03-31", "" when unset
std::string MicrosText(int64_t micros);      // "2024-03-31T12:00:00Z"
std::string HexText(const std::string& bytes);
// FormatWte that also handles negative values ("-0.6").
std::string SignedWte(int32_t wte_bp);

}  // namespace arrs::cli

#endif  // ARRS_CLI_PARSE_H_
