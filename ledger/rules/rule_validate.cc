#include "ledger/rules/rule_validate.h"

#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "ledger/util/civil_date.h"

namespace arrs::rules {
namespace {

using Path = std::vector<PathStep>;

std::string PathText(const Path& path) {
  std::string out;
  for (const PathStep& step : path) {
    if (!out.empty()) out += ".";
    out += step.field;
    if (step.index >= 0) absl::StrAppend(&out, "[", step.index, "]");
  }
  return out;
}

Path Join(Path base, std::string field, int index = -1) {
  base.push_back(PathStep{std::move(field), index});
  return base;
}

std::string DateText(const v1::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

std::string RoleText(int role) {
  const std::string& name = v1::Role_Name(static_cast<v1::Role>(role));
  return name.empty() ? absl::StrCat(role) : name;
}

class Checker {
 public:
  Checker(const v1::FinancialYearRules& rules, size_t max_issues)
      : rules_(rules), max_issues_(max_issues) {}

  std::vector<RuleIssue> Run() {
    CheckHeader();
    if (fy_ok_) {
      std::set<std::string> bands;
      for (int i = 0; i < rules_.band_rows_size(); ++i) CheckBandRow(i, &bands);
      std::set<int> seen;
      for (int i = 0; i < rules_.roles_size(); ++i) CheckRole(i, &seen);
      for (int i = 0; i < rules_.caps_size(); ++i) CheckCap(i);
      for (int i = 0; i < rules_.training_size(); ++i) CheckTraining(i);
    }
    CheckEntitlement();
    CheckBaseline();
    return std::move(issues_);
  }

 private:
  void Add(const Path& path, const std::string& value, const std::string& problem) {
    if (issues_.size() >= max_issues_) return;
    std::string label = PathText(path);
    // Name the role in role paths so the message reads on its own.
    if (!path.empty() && path[0].field == "roles" && path[0].index >= 0 &&
        path[0].index < rules_.roles_size()) {
      const std::string head = absl::StrCat("roles[", path[0].index, "]");
      label.insert(head.size(),
                   absl::StrCat(" (", RoleText(rules_.roles(path[0].index).role()), ")"));
    }
    if (!path.empty() && path[0].field == "band_rows" && path[0].index >= 0 &&
        path[0].index < rules_.band_rows_size()) {
      const std::string head = absl::StrCat("band_rows[", path[0].index, "]");
      label.insert(head.size(),
                   absl::StrCat(" (band ", rules_.band_rows(path[0].index).band(), ")"));
    }
    issues_.push_back(RuleIssue{path, absl::StrCat(label, " = ", value, ": ", problem)});
  }

  // A required date inside the financial year.
  std::optional<absl::CivilDay> InYear(const v1::Date& date, const Path& path) {
    if (IsUnset(date)) {
      Add(path, "unset", "is required");
      return std::nullopt;
    }
    absl::StatusOr<absl::CivilDay> day = ToCivilDay(date, PathText(path));
    if (!day.ok()) {
      Add(path, DateText(date), "is not a real date");
      return std::nullopt;
    }
    if (*day < year_start_ || *day > year_end_) {
      Add(path, FormatCivilDay(*day),
          absl::StrCat("is outside the financial year ", FormatFinancialYear(fy_), " (",
                       FormatCivilDay(year_start_), " to ", FormatCivilDay(year_end_), ")"));
      return std::nullopt;
    }
    return *day;
  }

  bool KnownRole(int role) { return role != v1::ROLE_UNSPECIFIED && v1::Role_IsValid(role); }

  void CheckHeader() {
    if (rules_.version().empty()) Add({{"version"}}, "\"\"", "is required (a version name)");
    const int fy = rules_.financial_year();
    if (fy < 2000 || fy > 2100) {
      Add({{"financial_year"}}, absl::StrCat(fy),
          fy == 0 ? "is required (first calendar year, 2023 = 2023/24)"
                  : "must be 2000..2100 (first calendar year, 2023 = 2023/24)");
    } else {
      fy_ok_ = true;
      fy_ = fy;
      year_start_ = FinancialYearStart(fy);
      year_end_ = FinancialYearEnd(fy);
    }
    if (!IsUnset(rules_.published()) && !ToCivilDay(rules_.published(), "published").ok()) {
      Add({{"published"}}, DateText(rules_.published()), "is not a real date");
    }
  }

  void CheckRole(int i, std::set<int>* seen) {
    const v1::RoleRule& r = rules_.roles(i);
    const Path base{{"roles", i}};
    if (!KnownRole(r.role())) {
      Add(Join(base, "role"), RoleText(r.role()), "unknown or unspecified role");
    } else if (!seen->insert(r.role()).second) {
      Add(Join(base, "role"), RoleText(r.role()), "duplicate role: listed twice in this year");
    }
    if (r.reimbursed_bp() <= 0 || r.reimbursed_bp() > 10000) {
      Add(Join(base, "reimbursed_bp"), absl::StrCat(r.reimbursed_bp()),
          r.reimbursed_bp() == 0 ? "is required (basis points, 10000 = 100%)"
                                 : "must be 1..10000 basis points");
    }
    std::optional<absl::CivilDay> from = InYear(r.eligible_from(), Join(base, "eligible_from"));
    std::optional<absl::CivilDay> to = InYear(r.eligible_to(), Join(base, "eligible_to"));
    if (from && to && *from > *to) {
      Add(Join(base, "eligible_to"), FormatCivilDay(*to),
          absl::StrCat("is before eligible_from ", FormatCivilDay(*from)));
      return;
    }
    CheckAmounts(i, from, to);
  }

  void CheckAmounts(int i, std::optional<absl::CivilDay> elig_from,
                    std::optional<absl::CivilDay> elig_to) {
    const v1::RoleRule& r = rules_.roles(i);
    const Path base{{"roles", i}};
    std::optional<absl::CivilDay> prev_to;
    std::optional<absl::CivilDay> first_from;
    bool chain_ok = true;
    for (int j = 0; j < r.max_amounts_size(); ++j) {
      const v1::MaxAmount& m = r.max_amounts(j);
      const Path at = Join(base, "max_amounts", j);
      if (m.annual_max_pence() < 0) {
        Add(Join(at, "annual_max_pence"), absl::StrCat(m.annual_max_pence()),
            "must not be negative");
      } else if (m.annual_max_pence() == 0 && !m.unverified()) {
        Add(Join(at, "annual_max_pence"), "0",
            "missing amount: give the annual maximum in pence, or mark it unverified: true");
      }
      CheckFigure(m, at, /*on_band_row=*/false);
      std::optional<absl::CivilDay> from = InYear(m.effective_from(), Join(at, "effective_from"));
      std::optional<absl::CivilDay> to = InYear(m.effective_to(), Join(at, "effective_to"));
      if (!from || !to) {
        chain_ok = false;
        continue;
      }
      if (*from > *to) {
        Add(Join(at, "effective_to"), FormatCivilDay(*to),
            absl::StrCat("is before effective_from ", FormatCivilDay(*from)));
        chain_ok = false;
        continue;
      }
      if (elig_from && elig_to && (*from < *elig_from || *to > *elig_to)) {
        Add(at, absl::StrCat(FormatCivilDay(*from), "..", FormatCivilDay(*to)),
            absl::StrCat("lies outside the role's eligibility ", FormatCivilDay(*elig_from),
                         "..", FormatCivilDay(*elig_to)));
        chain_ok = false;
      }
      if (prev_to) {
        if (*from <= *prev_to) {
          Add(Join(at, "effective_from"), FormatCivilDay(*from),
              absl::StrCat("overlaps the previous version, which runs to ",
                           FormatCivilDay(*prev_to)));
          chain_ok = false;
        } else if (*from > *prev_to + 1) {
          Add(Join(at, "effective_from"), FormatCivilDay(*from),
              absl::StrCat("leaves a gap: the previous version ends ", FormatCivilDay(*prev_to),
                           ", so this one must start ", FormatCivilDay(*prev_to + 1)));
          chain_ok = false;
        }
      } else {
        first_from = from;
      }
      prev_to = to;
    }
    CheckArrangements(r, base);
    if (!r.hire_bands().empty()) {
      CheckHireBands(r, base, elig_from, elig_to);
      return;
    }
    if (!r.band_row().empty()) {
      const v1::BandRow* row = nullptr;
      for (const v1::BandRow& b : rules_.band_rows()) {
        if (b.band() == r.band_row()) row = &b;
      }
      if (row == nullptr) {
        Add(Join(base, "band_row"), absl::StrCat("\"", r.band_row(), "\""),
            "names no band row of this year (band_rows[].band)");
        return;
      }
      if (!IsUrlList(r.band_row_source())) {
        Add(Join(base, "band_row_source"), absl::StrCat("\"", r.band_row_source(), "\""),
            "must be the URL(s) saying the role is on this band row (http:// or https://)");
      }
      if (r.unverified() || !elig_from || !elig_to) return;
      // Not marked unknown: every eligible day has a known own or band-row figure.
      for (absl::CivilDay d = *elig_from; d <= *elig_to; ++d) {
        if (KnownOn(r.max_amounts(), d) || KnownOn(row->amounts(), d)) continue;
        Add(Join(base, "band_row"), absl::StrCat("\"", r.band_row(), "\""),
            absl::StrCat("has no known figure on ", FormatCivilDay(d),
                         " and the role has none of its own (mark the role unverified: "
                         "true if the figure is not known)"));
        return;
      }
      return;
    }
    if (r.unverified() || !elig_from || !elig_to) return;
    if (r.max_amounts_size() == 0) {
      Add(Join(base, "max_amounts"), "none",
          "missing amount: a role not marked unverified needs a maximum covering its "
          "eligibility");
    } else if (chain_ok && (*first_from != *elig_from || *prev_to != *elig_to)) {
      Add(Join(base, "max_amounts"),
          absl::StrCat(FormatCivilDay(*first_from), "..", FormatCivilDay(*prev_to)),
          absl::StrCat("does not cover the eligibility window ", FormatCivilDay(*elig_from),
                       "..", FormatCivilDay(*elig_to),
                       " (mark the role unverified if the figure is not known)"));
    }
  }

  const v1::BandRow* RowNamed(const std::string& band) const {
    for (const v1::BandRow& b : rules_.band_rows()) {
      if (b.band() == band) return &b;
    }
    return nullptr;
  }

  // A role tabled per hire band: no band_row beside it, each band listed once and naming a
  // band row of the year, a source; unless the role is unverified, every listed row has a
  // known figure (own or row) on every eligible day.
  void CheckHireBands(const v1::RoleRule& r, const Path& base,
                      std::optional<absl::CivilDay> elig_from,
                      std::optional<absl::CivilDay> elig_to) {
    if (!r.band_row().empty()) {
      Add(Join(base, "band_row"), absl::StrCat("\"", r.band_row(), "\""),
          "must be empty when hire_bands is set (the row is the hire's band)");
    }
    if (!IsUrlList(r.hire_bands_source())) {
      Add(Join(base, "hire_bands_source"), absl::StrCat("\"", r.hire_bands_source(), "\""),
          "must be the URL(s) saying which bands the role is tabled on (http:// or https://)");
    }
    std::set<std::string> seen;
    for (int j = 0; j < r.hire_bands_size(); ++j) {
      const std::string& band = r.hire_bands(j);
      const Path at = Join(base, "hire_bands", j);
      if (!seen.insert(band).second) {
        Add(at, absl::StrCat("\"", band, "\""), "duplicate band: listed twice");
        continue;
      }
      const v1::BandRow* row = RowNamed(band);
      if (row == nullptr) {
        Add(at, absl::StrCat("\"", band, "\""),
            "names no band row of this year (band_rows[].band)");
        continue;
      }
      if (r.unverified() || !elig_from || !elig_to) continue;
      for (absl::CivilDay d = *elig_from; d <= *elig_to; ++d) {
        if (KnownOn(r.max_amounts(), d) || KnownOn(row->amounts(), d)) continue;
        Add(at, absl::StrCat("\"", band, "\""),
            absl::StrCat("has no known figure on ", FormatCivilDay(d),
                         " and the role has none of its own (mark the role unverified: "
                         "true if the figure is not known)"));
        break;
      }
    }
  }

  // MHP funding arrangements: a known arrangement, listed once, a share of 1..10000 bp
  // when available (0 when not), a source.
  void CheckArrangements(const v1::RoleRule& r, const Path& base) {
    if (r.mhp_arrangements().empty()) return;
    if (r.role() != v1::MENTAL_HEALTH_PRACTITIONER) {
      Add(Join(base, "mhp_arrangements"), absl::StrCat(r.mhp_arrangements_size(), " entries"),
          "only MENTAL_HEALTH_PRACTITIONER has funding arrangements");
    }
    std::set<int> seen;
    for (int j = 0; j < r.mhp_arrangements_size(); ++j) {
      const v1::MhpArrangement& a = r.mhp_arrangements(j);
      const Path at = Join(base, "mhp_arrangements", j);
      const std::string name = v1::MhpFunding_IsValid(a.funding())
                                   ? v1::MhpFunding_Name(a.funding())
                                   : absl::StrCat(a.funding());
      if (a.funding() == v1::MHP_FUNDING_UNSPECIFIED || !v1::MhpFunding_IsValid(a.funding())) {
        Add(Join(at, "funding"), name, "unknown or unspecified arrangement");
      } else if (!seen.insert(a.funding()).second) {
        Add(Join(at, "funding"), name, "duplicate arrangement: listed twice in this year");
      }
      if (a.available() && (a.reimbursed_bp() <= 0 || a.reimbursed_bp() > 10000)) {
        Add(Join(at, "reimbursed_bp"), absl::StrCat(a.reimbursed_bp()),
            "must be 1..10000 basis points for an available arrangement");
      } else if (!a.available() && a.reimbursed_bp() != 0) {
        Add(Join(at, "reimbursed_bp"), absl::StrCat(a.reimbursed_bp()),
            "must be 0 for an arrangement that does not exist in the year (available: false)");
      }
      if (!a.available() && a.maximum_basis() != v1::MAXIMUM_BASIS_UNKNOWN) {
        Add(Join(at, "maximum_basis"), v1::MaximumBasis_Name(a.maximum_basis()),
            "must be unset for an arrangement that does not exist in the year");
      }
      if (!IsUrlList(a.source())) {
        Add(Join(at, "source"), absl::StrCat("\"", a.source(), "\""),
            "must be the URL(s) sourcing the arrangement (http:// or https://)");
      }
    }
  }

  static bool KnownOn(const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts,
                      absl::CivilDay d) {
    for (const v1::MaxAmount& m : amounts) {
      if (m.unverified() || m.annual_max_pence() <= 0) continue;
      if (CompareDate(m.effective_from(), d) <= 0 && CompareDate(m.effective_to(), d) >= 0) {
        return true;
      }
    }
    return false;
  }

  // "https://a ; https://b (remark)": every " ; "-separated part starts with a URL.
  static bool IsUrlList(const std::string& text) {
    if (text.empty()) return false;
    for (absl::string_view part : absl::StrSplit(text, " ; ")) {
      part = absl::StripAsciiWhitespace(part);
      if (!absl::StartsWith(part, "https://") && !absl::StartsWith(part, "http://")) {
        return false;
      }
    }
    return true;
  }

  // Provenance and London figures of one MaxAmount (a role's own or a band row's).
  void CheckFigure(const v1::MaxAmount& m, const Path& at, bool on_band_row) {
    const bool known = !m.unverified() && m.annual_max_pence() > 0;
    if (known && !m.source().empty() && !IsUrlList(m.source())) {
      Add(Join(at, "source"), absl::StrCat("\"", m.source(), "\""),
          "must be the URL(s) the figure is copied from (http:// or https://, \" ; \" "
          "between several)");
    }
    if (known && m.source().empty() && (on_band_row || m.confidence() != 0)) {
      Add(Join(at, "source"), "\"\"", "is required: the URL the figure is copied from");
    }
    if (m.confidence() == v1::FIGURE_BAND_INFERRED) {
      Add(Join(at, "confidence"), "FIGURE_BAND_INFERRED",
          on_band_row ? "is derived, never written: give the confidence for the roles in "
                        "published_for"
                      : "is derived, never written: put the figure on the role's band row");
    } else if (!v1::FigureConfidence_IsValid(m.confidence())) {
      Add(Join(at, "confidence"), absl::StrCat(m.confidence()), "unknown confidence");
    }
    if (on_band_row && known && m.published_for_size() == 0) {
      Add(Join(at, "published_for"), "none",
          "a band-row figure names the role(s) it is published for");
    }
    if (!on_band_row && m.published_for_size() > 0) {
      Add(Join(at, "published_for"), RoleText(m.published_for(0)),
          "only band-row figures name the roles they are published for");
    }
    for (int k = 0; k < m.published_for_size(); ++k) {
      if (!KnownRole(m.published_for(k))) {
        Add(Join(at, "published_for", k), RoleText(m.published_for(k)),
            "unknown or unspecified role");
      }
    }
    const std::pair<const char*, int64_t> zones[] = {{"outer_london_pence", m.outer_london_pence()},
                                                     {"inner_london_pence", m.inner_london_pence()}};
    for (const auto& [name, value] : zones) {
      if (value < 0) {
        Add(Join(at, name), absl::StrCat(value), "must not be negative");
      } else if (value > 0 && value <= m.annual_max_pence()) {
        Add(Join(at, name), absl::StrCat(value),
            absl::StrCat("a London figure must be higher than the national figure ",
                         m.annual_max_pence()));
      } else if (value > 0 && !known) {
        Add(Join(at, name), absl::StrCat(value),
            "a London figure needs a known national figure beside it");
      }
    }
    if (m.inner_london_pence() > 0 && m.outer_london_pence() > m.inner_london_pence()) {
      Add(Join(at, "outer_london_pence"), absl::StrCat(m.outer_london_pence()),
          absl::StrCat("is above the inner London figure ", m.inner_london_pence()));
    }
  }

  void CheckBandRow(int i, std::set<std::string>* seen) {
    const v1::BandRow& row = rules_.band_rows(i);
    const Path base{{"band_rows", i}};
    if (row.band().empty()) {
      Add(Join(base, "band"), "\"\"", "is required (the row's band as printed, e.g. \"7-8a\")");
    } else if (!seen->insert(row.band()).second) {
      Add(Join(base, "band"), absl::StrCat("\"", row.band(), "\""),
          "duplicate band row: listed twice in this year");
    }
    if (row.amounts_size() == 0) {
      Add(Join(base, "amounts"), "none", "a band row needs at least one period");
    }
    std::optional<absl::CivilDay> prev_to;
    for (int j = 0; j < row.amounts_size(); ++j) {
      const v1::MaxAmount& m = row.amounts(j);
      const Path at = Join(base, "amounts", j);
      if (m.annual_max_pence() < 0) {
        Add(Join(at, "annual_max_pence"), absl::StrCat(m.annual_max_pence()),
            "must not be negative");
      } else if (m.annual_max_pence() == 0 && !m.unverified()) {
        Add(Join(at, "annual_max_pence"), "0",
            "missing amount: give the annual maximum in pence, or mark the period "
            "unverified: true");
      }
      CheckFigure(m, at, /*on_band_row=*/true);
      std::optional<absl::CivilDay> from = InYear(m.effective_from(), Join(at, "effective_from"));
      std::optional<absl::CivilDay> to = InYear(m.effective_to(), Join(at, "effective_to"));
      if (!from || !to) {
        prev_to.reset();
        continue;
      }
      if (*from > *to) {
        Add(Join(at, "effective_to"), FormatCivilDay(*to),
            absl::StrCat("is before effective_from ", FormatCivilDay(*from)));
      } else if (prev_to && *from <= *prev_to) {
        Add(Join(at, "effective_from"), FormatCivilDay(*from),
            absl::StrCat("overlaps the previous period, which runs to ",
                         FormatCivilDay(*prev_to)));
      } else if (prev_to && *from > *prev_to + 1) {
        Add(Join(at, "effective_from"), FormatCivilDay(*from),
            absl::StrCat("leaves a gap: the previous period ends ", FormatCivilDay(*prev_to),
                         ", so this one must start ", FormatCivilDay(*prev_to + 1),
                         " (write an unknown period as annual_max_pence: 0 with "
                         "unverified: true)"));
      }
      prev_to = to;
    }
  }

  void CheckCap(int i) {
    const v1::CapRule& c = rules_.caps(i);
    const Path base{{"caps", i}};
    if (c.roles_size() == 0) Add(Join(base, "roles"), "none", "a cap must name its roles");
    for (int j = 0; j < c.roles_size(); ++j) {
      if (!KnownRole(c.roles(j))) {
        Add(Join(base, "roles", j), RoleText(c.roles(j)), "unknown or unspecified role");
      }
    }
    std::optional<absl::CivilDay> from = InYear(c.effective_from(), Join(base, "effective_from"));
    std::optional<absl::CivilDay> to = InYear(c.effective_to(), Join(base, "effective_to"));
    if (from && to && *from > *to) {
      Add(Join(base, "effective_to"), FormatCivilDay(*to),
          absl::StrCat("is before effective_from ", FormatCivilDay(*from)));
    }
    if (c.list_size_threshold() < 0) {
      Add(Join(base, "list_size_threshold"), absl::StrCat(c.list_size_threshold()),
          "must not be negative");
    }
    const std::pair<const char*, int32_t> values[] = {
        {"cap_wte_bp_below", c.cap_wte_bp_below()},
        {"cap_wte_bp_at_or_above", c.cap_wte_bp_at_or_above()}};
    for (const auto& [name, value] : values) {
      if (value < 0) {
        Add(Join(base, name), absl::StrCat(value), "must not be negative");
      } else if (value == 0 && !c.unverified()) {
        Add(Join(base, name), "0",
            "missing cap value (WTE basis points): give it, or mark the cap unverified: true");
      }
    }
  }

  void CheckTraining(int i) {
    const v1::TrainingTimeRule& t = rules_.training(i);
    const Path base{{"training", i}};
    if (!KnownRole(t.role())) {
      Add(Join(base, "role"), RoleText(t.role()), "unknown or unspecified role");
    }
    std::optional<absl::CivilDay> from = InYear(t.effective_from(), Join(base, "effective_from"));
    std::optional<absl::CivilDay> to = InYear(t.effective_to(), Join(base, "effective_to"));
    if (from && to && *from > *to) {
      Add(Join(base, "effective_to"), FormatCivilDay(*to),
          absl::StrCat("is before effective_from ", FormatCivilDay(*from)));
    }
    if (t.reimbursed_bp() < 0 || t.reimbursed_bp() > 10000) {
      Add(Join(base, "reimbursed_bp"), absl::StrCat(t.reimbursed_bp()),
          "must be 0..10000 basis points");
    }
  }

  void CheckEntitlement() {
    if (!rules_.has_entitlement()) return;
    const v1::EntitlementRule& e = rules_.entitlement();
    const Path base{{"entitlement"}};
    if (e.rate_per_patient_millipence() < 0) {
      Add(Join(base, "rate_per_patient_millipence"),
          absl::StrCat(e.rate_per_patient_millipence()), "must not be negative");
    }
    if (e.national_pot_pence() < 0) {
      Add(Join(base, "national_pot_pence"), absl::StrCat(e.national_pot_pence()),
          "must not be negative");
    }
    if (!IsUnset(e.population_date()) &&
        !ToCivilDay(e.population_date(), "population_date").ok()) {
      Add(Join(base, "population_date"), DateText(e.population_date()), "is not a real date");
    }
  }

  void CheckBaseline() {
    std::set<int> seen;
    for (int i = 0; i < rules_.baseline_roles_size(); ++i) {
      const int role = rules_.baseline_roles(i);
      if (!KnownRole(role)) {
        Add({{"baseline_roles", i}}, RoleText(role), "unknown or unspecified role");
      } else if (!seen.insert(role).second) {
        Add({{"baseline_roles", i}}, RoleText(role), "duplicate role");
      }
    }
  }

  const v1::FinancialYearRules& rules_;
  const size_t max_issues_;
  std::vector<RuleIssue> issues_;
  bool fy_ok_ = false;
  int fy_ = 0;
  absl::CivilDay year_start_, year_end_;
};

}  // namespace

std::vector<RuleIssue> FindRuleIssues(const v1::FinancialYearRules& rules, size_t max_issues) {
  return Checker(rules, max_issues).Run();
}

absl::Status ValidateRules(const v1::FinancialYearRules& rules) {
  std::vector<RuleIssue> issues = FindRuleIssues(rules);
  if (issues.empty()) return absl::OkStatus();
  std::vector<std::string> lines;
  for (const RuleIssue& issue : issues) lines.push_back(issue.message);
  return absl::InvalidArgumentError(
      absl::StrCat("rule version \"", rules.version(), "\" (", rules.financial_year(),
                   ") is invalid:\n", absl::StrJoin(lines, "\n")));
}

}  // namespace arrs::rules
