#include "ledger/domain/field_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ledger/util/civil_date.h"

namespace arrs::domain {
namespace {

std::string Quote(absl::string_view value) {
  std::string shown(value.substr(0, 80));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return absl::StrCat("\"", shown, value.size() > 80 ? "...\"" : "\"");
}

}  // namespace

absl::Status CheckCode(absl::string_view field, absl::string_view value) {
  bool ok = value.size() >= 3 && value.size() <= 10;
  for (char c : value) ok = ok && (absl::ascii_isupper(c) || absl::ascii_isdigit(c));
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, " must be an ODS code of 3 to 10 upper-case letters or digits, got ",
      Quote(value)));
}

absl::Status CheckId(absl::string_view field, absl::string_view value) {
  bool ok = !value.empty() && value.size() <= kMaxIdBytes;
  for (char c : value) {
    ok = ok && (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, " must be 1 to 64 letters, digits, '-', '_', '.' or '/', got ", Quote(value)));
}

absl::Status CheckText(absl::string_view field, absl::string_view value, bool required) {
  if (required && value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (value.size() > kMaxTextBytes) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is ", value.size(),
                                                   " bytes long; the limit is ", kMaxTextBytes));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " contains a control character: ", Quote(value)));
    }
    // C1 controls U+0080..U+009F (C2 80..C2 9F) and the bidirectional overrides and
    // isolates U+202A..U+202E (E2 80 AA..AE) and U+2066..U+2069 (E2 81 A6..A9): they can
    // make text on a terminal or in a report read differently from what is stored.
    const unsigned char c1 = i + 1 < value.size() ? value[i + 1] : 0;
    const unsigned char c2 = i + 2 < value.size() ? value[i + 2] : 0;
    const bool c1_control = c == 0xc2 && c1 >= 0x80 && c1 <= 0x9f;
    const bool bidi = c == 0xe2 && ((c1 == 0x80 && c2 >= 0xaa && c2 <= 0xae) ||
                                    (c1 == 0x81 && c2 >= 0xa6 && c2 <= 0xa9));
    if (c1_control || bidi) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " contains a ", c1_control ? "C1 control" : "bidirectional override",
          " character at byte ", i, ": ", Quote(value)));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPence(absl::string_view field, int64_t pence, bool positive) {
  if (pence < 0 || pence > kMaxPence || (positive && pence == 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be ", positive ? "more than 0" : "0 or more", " and at most ", kMaxPence,
        " pence, got ", pence));
  }
  return absl::OkStatus();
}

absl::Status CheckWte(absl::string_view field, int32_t wte_bp) {
  if (wte_bp <= 0 || wte_bp > 10000) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be a WTE in basis points from 1 to 10000 (1.0 WTE), got ", wte_bp));
  }
  return absl::OkStatus();
}

absl::Status CheckShareBp(absl::string_view field, int32_t bp) {
  if (bp < 0 || bp > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be basis points from 0 to 10000, got ", bp));
  }
  return absl::OkStatus();
}

absl::Status CheckRole(absl::string_view field, v1::Role role) {
  if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must name a reimbursable role, got ", static_cast<int>(role)));
  }
  return absl::OkStatus();
}

absl::Status CheckEmploymentModel(absl::string_view field, v1::EmploymentModel model) {
  if (model == v1::EMPLOYMENT_MODEL_UNSPECIFIED || !v1::EmploymentModel_IsValid(model)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be MEMBER_PRACTICES_JOINTLY, LEAD_PRACTICE or THIRD_PARTY, got ",
        static_cast<int>(model)));
  }
  return absl::OkStatus();
}

absl::Status CheckFinancialYear(absl::string_view field, int64_t year, bool zero_is_every_year) {
  if (zero_is_every_year && year == 0) return absl::OkStatus();
  if (year < kFirstFinancialYear || year > kLastFinancialYear) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be ", zero_is_every_year ? "0 (every year) or " : "", kFirstFinancialYear,
        "..", kLastFinancialYear, " (", kFirstFinancialYear, " = ",
        FormatFinancialYear(kFirstFinancialYear), "), got ", year));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> CheckDate(absl::string_view field, const v1::Date& date) {
  absl::StatusOr<absl::CivilDay> day = ToCivilDay(date, field);
  if (!day.ok()) return day.status();
  const absl::CivilDay first(kFirstFinancialYear, 1, 1);
  const absl::CivilDay last(kLastFinancialYear, 12, 31);
  if (*day < first || *day > last) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be between ",
                                                   FormatCivilDay(first), " and ",
                                                   FormatCivilDay(last), ", got ",
                                                   FormatCivilDay(*day)));
  }
  return *day;
}

std::string RoleName(v1::Role role) {
  return v1::Role_IsValid(role) ? v1::Role_Name(role) : absl::StrCat("role ", role);
}

}  // namespace arrs::domain
