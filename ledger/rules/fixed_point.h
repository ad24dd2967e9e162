// Internal helpers of ledger/rules: 128-bit integer arithmetic and its display. All
// arguments are non-negative; division rounds down (the rule book's one rounding rule).
#ifndef ARRS_LEDGER_RULES_FIXED_POINT_H_
#define ARRS_LEDGER_RULES_FIXED_POINT_H_

#include <algorithm>
#include <cstdint>
#include <string>

namespace arrs::rules::internal {

using i128 = __int128;

// Decimal digits of v, grouped in thousands ("1,234,567") when `grouped`.
inline std::string I128ToString(i128 v, bool grouped = true) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  if (negative) v = -v;
  std::string digits;
  int n = 0;
  while (v > 0) {
    if (grouped && n > 0 && n % 3 == 0) digits.push_back(',');
    digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
    ++n;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// num / den in pence with four decimals, truncated: "494,266.6666 pence".
inline std::string ExactPence(i128 num, i128 den) {
  const i128 whole = num / den;
  const i128 frac = (num % den) * 10000 / den;
  std::string f = I128ToString(frac, false);
  return I128ToString(whole) + "." + std::string(4 - f.size(), '0') + f + " pence";
}

}  // namespace arrs::rules::internal

#endif  // ARRS_LEDGER_RULES_FIXED_POINT_H_
