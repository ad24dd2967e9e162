// Money and fixed-point quantities.
//
// Money is int64 pence everywhere. Whole-time equivalent is basis points (10000 = 1.0
// WTE); percentages are basis points (10000 = 100%). Formatting only: no arithmetic here
// ever goes through floating point.
#ifndef ARRS_LEDGER_UTIL_MONEY_H_
#define ARRS_LEDGER_UTIL_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs {

inline constexpr int32_t kWholeTimeBp = 10000;
inline constexpr int32_t kHundredPercentBp = 10000;

// "£1,234.56" (negative: "-£1,234.56").
std::string FormatPounds(int64_t pence);
// "1234.56" without symbol or separators, for CSV.
std::string FormatPoundsPlain(int64_t pence);
// Parses "1234.56", "1,234.56", "£1234", "1234.5" into pence; refuses more than 2
// decimals and anything that is not a number.
absl::StatusOr<int64_t> ParsePounds(absl::string_view text, absl::string_view field);

// "0.6" / "1.0" / "0.4500" trimmed: 6000 -> "0.6", 10000 -> "1.0".
std::string FormatWte(int32_t wte_bp);
// Parses "0.6", "1", "0.8125" (at most 4 decimals) into basis points.
absl::StatusOr<int32_t> ParseWte(absl::string_view text, absl::string_view field);

// 7000 -> "70%", 12345 -> "123.45%".
std::string FormatPercentBp(int32_t bp);

}  // namespace arrs

#endif  // ARRS_LEDGER_UTIL_MONEY_H_
