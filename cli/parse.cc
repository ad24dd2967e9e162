#include "cli/parse.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {
namespace {

absl::Status Bad(const std::string& option, const std::string& text, const std::string& want) {
  return absl::InvalidArgumentError(
      absl::StrCat(option, ": \"", text, "\" is not ", want));
}

std::string Normalise(const std::string& text) {
  std::string out = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  absl::StrReplaceAll({{"-", "_"}, {" ", "_"}}, &out);
  return out;
}

}  // namespace

absl::StatusOr<v1::Date> ParseDateArg(const std::string& text, const std::string& option) {
  if (text.empty()) return v1::Date();
  absl::StatusOr<absl::CivilDay> day = ParseCivilDay(text, option);
  if (!day.ok()) return Bad(option, text, "a date (YYYY-MM-DD)");
  return ToProtoDate(*day);
}

absl::StatusOr<v1::Date> ParseMonthArg(const std::string& text, const std::string& option) {
  std::string full = text.size() == 7 ? text + "-01" : text;
  absl::StatusOr<absl::CivilDay> day = ParseCivilDay(full, option);
  if (!day.ok()) return Bad(option, text, "a month (YYYY-MM)");
  return ToProtoDate(FirstDayOfMonth(*day));
}

absl::StatusOr<int> ParseYearArg(const std::string& text, const std::string& option) {
  absl::StatusOr<int> year = ParseFinancialYear(text);
  if (!year.ok()) return Bad(option, text, "a financial year (e.g. 2023/24)");
  return *year;
}

absl::StatusOr<v1::KnownAt> ParseKnownAtArg(const std::string& text) {
  v1::KnownAt out;
  if (text.empty()) return out;
  uint64_t position = 0;
  if (absl::SimpleAtoi(text, &position)) {
    if (position == 0) return Bad("--known-at", text, "a log position (1 or more)");
    out.set_position(position);
    return out;
  }
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d%ET%H:%M:%S%Ez", text, &time, &error) &&
      !absl::ParseTime("%Y-%m-%d%ET%H:%M:%SZ", text, &time, &error)) {
    return Bad("--known-at", text,
               "a log position or a UTC date-time (YYYY-MM-DDTHH:MM:SSZ)");
  }
  out.set_recorded_at_micros(absl::ToUnixMicros(time));
  return out;
}

absl::StatusOr<int64_t> ParsePoundsArg(const std::string& text, const std::string& option) {
  absl::StatusOr<int64_t> pence = ParsePounds(text, option);
  if (!pence.ok()) return Bad(option, text, "an amount in pounds (e.g. 1234.56)");
  return *pence;
}

absl::StatusOr<int32_t> ParseWteArg(const std::string& text, const std::string& option) {
  absl::StatusOr<int32_t> wte = ParseWte(text, option);
  if (!wte.ok()) return Bad(option, text, "a whole-time equivalent (e.g. 0.8)");
  return *wte;
}

absl::StatusOr<int64_t> ParseMilliArg(const std::string& text, const std::string& option) {
  std::string s(absl::StripAsciiWhitespace(text));
  absl::StrReplaceAll({{",", ""}}, &s);
  const size_t dot = s.find('.');
  std::string whole = s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  int64_t w = 0;
  int64_t f = 0;
  if (whole.empty() || frac.size() > 3 || !absl::SimpleAtoi(whole, &w) || w < 0 ||
      (!frac.empty() && (!absl::SimpleAtoi(frac, &f) || f < 0 || frac[0] == '-' ||
                         frac[0] == '+'))) {
    return Bad(option, text, "a number with up to 3 decimals");
  }
  // w * 1000 + f must fit in 64 bits.
  if (w > (INT64_MAX - 999) / 1000) return Bad(option, text, "a number below 9,223,372,036,854,774");
  while (frac.size() < 3) {
    frac += '0';
    f *= 10;
  }
  return w * 1000 + f;
}

absl::StatusOr<v1::Role> ParseRoleArg(const std::string& text) {
  static const std::map<std::string, v1::Role> kShort = {
      {"CP", v1::CLINICAL_PHARMACIST}, {"SPLW", v1::SOCIAL_PRESCRIBING_LINK_WORKER},
      {"FCP", v1::FIRST_CONTACT_PHYSIOTHERAPIST}, {"PT", v1::PHARMACY_TECHNICIAN},
      {"CC", v1::CARE_COORDINATOR}, {"HWC", v1::HEALTH_AND_WELLBEING_COACH},
      {"PA", v1::PHYSICIAN_ASSOCIATE}, {"AP", v1::ADVANCED_PRACTITIONER},
      {"MHP", v1::MENTAL_HEALTH_PRACTITIONER}, {"GPA", v1::GP_ASSISTANT},
      {"DTL", v1::DIGITAL_AND_TRANSFORMATION_LEAD}, {"EPN", v1::ENHANCED_PRACTICE_NURSE},
      {"GP", v1::GENERAL_PRACTITIONER}, {"PARA", v1::PARAMEDIC},
      {"NA", v1::NURSING_ASSOCIATE}, {"TNA", v1::TRAINEE_NURSING_ASSOCIATE}};
  const std::string key = Normalise(text);
  if (auto it = kShort.find(key); it != kShort.end()) return it->second;
  v1::Role role;
  if (v1::Role_Parse(key, &role) && role != v1::ROLE_UNSPECIFIED) return role;
  return Bad("role", text, "a known role (e.g. clinical-pharmacist, cp, splw, ap)");
}

absl::StatusOr<v1::EmploymentModel> ParseEmploymentArg(const std::string& text) {
  const std::string key = Normalise(text);
  if (key == "JOINT" || key == "MEMBER_PRACTICES") return v1::MEMBER_PRACTICES_JOINTLY;
  if (key == "LEAD") return v1::LEAD_PRACTICE;
  v1::EmploymentModel model;
  if (v1::EmploymentModel_Parse(key, &model) && model != v1::EMPLOYMENT_MODEL_UNSPECIFIED) {
    return model;
  }
  return Bad("employment model", text,
             "one of member-practices-jointly (joint), lead-practice (lead), third-party");
}

absl::StatusOr<v1::MhpFunding> ParseMhpFundingArg(const std::string& text) {
  const std::string key = Normalise(text);
  if (key == "SHARED_50") return v1::MHP_SHARED_50;
  if (key == "FULL_100") return v1::MHP_FULL_100;
  v1::MhpFunding funding;
  if (v1::MhpFunding_Parse(key, &funding) && funding != v1::MHP_FUNDING_UNSPECIFIED) {
    return funding;
  }
  return Bad("MHP funding", text, "one of shared-50, full-100");
}

absl::StatusOr<v1::LeaveKind> ParseLeaveKindArg(const std::string& text) {
  v1::LeaveKind kind;
  if (v1::LeaveKind_Parse(Normalise(text), &kind) && kind != v1::LEAVE_KIND_UNSPECIFIED) {
    return kind;
  }
  return Bad("leave kind", text, "one of sickness, parental, unpaid, other");
}

std::string RoleName(v1::Role role) {
  std::string name = absl::AsciiStrToLower(v1::Role_Name(role));
  absl::StrReplaceAll({{"_", " "}}, &name);
  return name;
}

std::string EmploymentName(v1::EmploymentModel model) {
  std::string name = absl::AsciiStrToLower(v1::EmploymentModel_Name(model));
  absl::StrReplaceAll({{"_", " "}}, &name);
  return name;
}

std::string OutcomeName(v1::LineOutcome outcome) {
  return absl::AsciiStrToLower(v1::LineOutcome_Name(outcome));
}

std::string DateText(const v1::Date& date) {
  if (IsUnset(date)) return "";
  absl::StatusOr<absl::CivilDay> day = ToCivilDay(date, "date");
  if (!day.ok()) return absl::StrCat(date.year(), "-", date.month(), "-", date.day());
  return FormatCivilDay(*day);
}

std::string MicrosText(int64_t micros) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMicros(micros),
                          absl::UTCTimeZone());
}

std::string SignedWte(int32_t wte_bp) {
  return wte_bp < 0 ? "-" + FormatWte(-wte_bp) : FormatWte(wte_bp);
}

std::string HexText(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace arrs::cli
