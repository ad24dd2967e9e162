#include "ledger/util/money.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace arrs {
namespace {

std::string GroupThousands(int64_t whole) {
  std::string digits = absl::StrCat(whole);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Parses an unsigned decimal with at most `max_decimals` fractional digits into an
// integer scaled by 10^max_decimals. Returns false on anything else.
bool ParseScaled(absl::string_view text, int max_decimals, int64_t* out) {
  if (text.empty()) return false;
  int64_t value = 0;
  int decimals = -1;
  for (char c : text) {
    if (c == '.') {
      if (decimals >= 0) return false;
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    if (decimals >= 0 && ++decimals > max_decimals) return false;
    if (value > (INT64_MAX - 9) / 10) return false;
    value = value * 10 + (c - '0');
  }
  if (decimals == 0) return false;  // "12." is not a number
  for (int i = decimals < 0 ? 0 : decimals; i < max_decimals; ++i) {
    if (value > INT64_MAX / 10) return false;
    value *= 10;
  }
  *out = value;
  return true;
}

}  // namespace

std::string FormatPounds(int64_t pence) {
  const bool negative = pence < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(pence) : pence;
  return absl::StrFormat("%s£%s.%02d", negative ? "-" : "",
                         GroupThousands(static_cast<int64_t>(abs / 100)),
                         static_cast<int>(abs % 100));
}

std::string FormatPoundsPlain(int64_t pence) {
  const bool negative = pence < 0;
  const uint64_t abs = negative ? 0 - static_cast<uint64_t>(pence) : pence;
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", abs / 100,
                         static_cast<int>(abs % 100));
}

absl::StatusOr<int64_t> ParsePounds(absl::string_view text, absl::string_view field) {
  std::string cleaned;
  absl::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && rest.front() == '-') {
    negative = true;
    rest.remove_prefix(1);
  }
  if (absl::StartsWith(rest, "£")) rest.remove_prefix(std::string("£").size());
  for (char c : rest) {
    if (c != ',') cleaned.push_back(c);
  }
  int64_t pence = 0;
  if (!ParseScaled(cleaned, 2, &pence)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be an amount in pounds with at most 2 decimals, got \"", text, "\""));
  }
  return negative ? -pence : pence;
}

std::string FormatWte(int32_t wte_bp) {
  const int64_t magnitude = wte_bp < 0 ? -static_cast<int64_t>(wte_bp) : wte_bp;
  std::string out = absl::StrFormat("%s%d.%04d", wte_bp < 0 ? "-" : "", magnitude / kWholeTimeBp,
                                    magnitude % kWholeTimeBp);
  while (out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
  return out;
}

absl::StatusOr<int32_t> ParseWte(absl::string_view text, absl::string_view field) {
  int64_t bp = 0;
  if (!ParseScaled(text, 4, &bp) || bp > 100 * kWholeTimeBp) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be a whole-time equivalent like 0.6 (at most 4 decimals), got \"", text,
        "\""));
  }
  return static_cast<int32_t>(bp);
}

std::string FormatPercentBp(int32_t bp) {
  if (bp % 100 == 0) return absl::StrCat(bp / 100, "%");
  return absl::StrFormat("%d.%02d%%", bp / 100, bp % 100);
}

}  // namespace arrs
