// Field validation shared by the domain's commands. Each check returns OK or an
// INVALID_ARGUMENT whose message names the field and the offending value.
#ifndef ARRS_LEDGER_DOMAIN_FIELD_CHECKS_H_
#define ARRS_LEDGER_DOMAIN_FIELD_CHECKS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "arrs/v1/common.pb.h"

namespace arrs::domain {

inline constexpr size_t kMaxTextBytes = 200;
inline constexpr size_t kMaxIdBytes = 64;
// Upper bound on any money field: £100m in pence.
inline constexpr int64_t kMaxPence = 10'000'000'000;

// ODS-style code: 3..10 characters, upper-case letters and digits.
absl::Status CheckCode(absl::string_view field, absl::string_view value);
// Identifier: 1..64 characters of letters, digits, '-', '_', '.', '/'.
absl::Status CheckId(absl::string_view field, absl::string_view value);
// Free text: at most 200 bytes; no control characters (C0, DEL, C1 U+0080..U+009F) and
// no bidirectional overrides or isolates (U+202A..U+202E, U+2066..U+2069); `required`
// refuses empty.
absl::Status CheckText(absl::string_view field, absl::string_view value, bool required);
// 0..kMaxPence (`positive` refuses 0).
absl::Status CheckPence(absl::string_view field, int64_t pence, bool positive);
// 1..10000 basis points (0 < WTE <= 1.0).
absl::Status CheckWte(absl::string_view field, int32_t wte_bp);
// 0..10000 basis points.
absl::Status CheckShareBp(absl::string_view field, int32_t bp);
// A defined role other than ROLE_UNSPECIFIED.
absl::Status CheckRole(absl::string_view field, v1::Role role);
absl::Status CheckEmploymentModel(absl::string_view field, v1::EmploymentModel model);
// kFirstFinancialYear..kLastFinancialYear, or also 0 ("every year") when `zero_is_every_year`.
absl::Status CheckFinancialYear(absl::string_view field, int64_t year, bool zero_is_every_year);
// A real civil date between 2019-01-01 and 2100-12-31.
absl::StatusOr<absl::CivilDay> CheckDate(absl::string_view field, const v1::Date& date);

std::string RoleName(v1::Role role);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_FIELD_CHECKS_H_
