// RuleChecker's checks of the roles and band rows: eligibility, the MaxAmount chain, band
// rows and hire bands, MHP arrangements, and each figure's provenance (rule_checker.h).
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "ledger/rules/rule_checker.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules::internal {

void RuleChecker::CheckRole(int i, std::set<int>* seen) {
  const v1::RoleRule& r = rules_.roles(i);
  const Path base{{"roles", i}};
  if (!KnownRole(r.role())) {
    Add(Join(base, "role"), RoleText(r.role()), "unknown or unspecified role");
  } else if (!seen->insert(r.role()).second) {
    Add(Join(base, "role"), RoleText(r.role()), "duplicate role: listed twice in this year");
  }
  if (r.reimbursed_bp() <= 0 || r.reimbursed_bp() > kHundredPercentBp) {
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

std::optional<std::pair<absl::CivilDay, absl::CivilDay>> RuleChecker::CheckAmountChain(
    int i, std::optional<absl::CivilDay> elig_from, std::optional<absl::CivilDay> elig_to) {
  const v1::RoleRule& r = rules_.roles(i);
  const Path base{{"roles", i}};
  std::optional<absl::CivilDay> prev_to;
  std::optional<absl::CivilDay> first_from;
  bool chain_ok = true;
  for (int j = 0; j < r.max_amounts_size(); ++j) {
    const v1::MaxAmount& m = r.max_amounts(j);
    const Path at = Join(base, "max_amounts", j);
    const std::optional<DayRange> period = CheckFigure(m, at, /*on_band_row=*/false);
    if (!period) {
      chain_ok = false;
      continue;
    }
    const auto [from, to] = *period;
    if (from > to) {
      Add(Join(at, "effective_to"), FormatCivilDay(to),
          absl::StrCat("is before effective_from ", FormatCivilDay(from)));
      chain_ok = false;
      continue;
    }
    if (elig_from && elig_to && (from < *elig_from || to > *elig_to)) {
      Add(at, absl::StrCat(FormatCivilDay(from), "..", FormatCivilDay(to)),
          absl::StrCat("lies outside the role's eligibility ", FormatCivilDay(*elig_from), "..",
                       FormatCivilDay(*elig_to)));
      chain_ok = false;
    }
    if (prev_to) {
      if (from <= *prev_to) {
        Add(Join(at, "effective_from"), FormatCivilDay(from),
            absl::StrCat("overlaps the previous version, which runs to ",
                         FormatCivilDay(*prev_to)));
        chain_ok = false;
      } else if (from > *prev_to + 1) {
        Add(Join(at, "effective_from"), FormatCivilDay(from),
            absl::StrCat("leaves a gap: the previous version ends ", FormatCivilDay(*prev_to),
                         ", so this one must start ", FormatCivilDay(*prev_to + 1)));
        chain_ok = false;
      }
    } else {
      first_from = from;
    }
    prev_to = to;
  }
  if (!chain_ok || !first_from) return std::nullopt;
  return std::make_pair(*first_from, *prev_to);
}

void RuleChecker::CheckAmounts(int i, std::optional<absl::CivilDay> elig_from,
                               std::optional<absl::CivilDay> elig_to) {
  const v1::RoleRule& r = rules_.roles(i);
  const Path base{{"roles", i}};
  const std::optional<std::pair<absl::CivilDay, absl::CivilDay>> chain =
      CheckAmountChain(i, elig_from, elig_to);
  CheckArrangements(r, base);
  if (!r.hire_bands().empty()) {
    CheckHireBands(r, base, elig_from, elig_to);
    return;
  }
  if (!r.band_row().empty()) {
    CheckBandRowCover(r, base, elig_from, elig_to);
    return;
  }
  if (r.unverified() || !elig_from || !elig_to) return;
  if (r.max_amounts_size() == 0) {
    Add(Join(base, "max_amounts"), "none",
        "missing amount: a role not marked unverified needs a maximum covering its "
        "eligibility");
  } else if (chain && (chain->first != *elig_from || chain->second != *elig_to)) {
    Add(Join(base, "max_amounts"),
        absl::StrCat(FormatCivilDay(chain->first), "..", FormatCivilDay(chain->second)),
        absl::StrCat("does not cover the eligibility window ", FormatCivilDay(*elig_from), "..",
                     FormatCivilDay(*elig_to),
                     " (mark the role unverified if the figure is not known)"));
  }
}

void RuleChecker::CheckBandRowCover(const v1::RoleRule& r, const Path& base,
                                    std::optional<absl::CivilDay> elig_from,
                                    std::optional<absl::CivilDay> elig_to) {
  {
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
  }
}

const v1::BandRow* RuleChecker::RowNamed(const std::string& band) const {
  for (const v1::BandRow& b : rules_.band_rows()) {
    if (b.band() == band) return &b;
  }
  return nullptr;
}

// A role tabled per hire band: no band_row beside it, each band listed once and naming a
// band row of the year, a source; unless the role is unverified, every listed row has a
// known figure (own or row) on every eligible day.
void RuleChecker::CheckHireBands(const v1::RoleRule& r, const Path& base,
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
      Add(at, absl::StrCat("\"", band, "\""), "names no band row of this year (band_rows[].band)");
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
void RuleChecker::CheckArrangements(const v1::RoleRule& r, const Path& base) {
  if (r.mhp_arrangements().empty()) return;
  if (r.role() != v1::MENTAL_HEALTH_PRACTITIONER) {
    Add(Join(base, "mhp_arrangements"), absl::StrCat(r.mhp_arrangements_size(), " entries"),
        "only MENTAL_HEALTH_PRACTITIONER has funding arrangements");
  }
  std::set<int> seen;
  for (int j = 0; j < r.mhp_arrangements_size(); ++j) {
    const v1::MhpArrangement& a = r.mhp_arrangements(j);
    const Path at = Join(base, "mhp_arrangements", j);
    const std::string name = v1::MhpFunding_IsValid(a.funding()) ? v1::MhpFunding_Name(a.funding())
                                                                 : absl::StrCat(a.funding());
    if (a.funding() == v1::MHP_FUNDING_UNSPECIFIED || !v1::MhpFunding_IsValid(a.funding())) {
      Add(Join(at, "funding"), name, "unknown or unspecified arrangement");
    } else if (!seen.insert(a.funding()).second) {
      Add(Join(at, "funding"), name, "duplicate arrangement: listed twice in this year");
    }
    if (a.available() && (a.reimbursed_bp() <= 0 || a.reimbursed_bp() > kHundredPercentBp)) {
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

bool RuleChecker::KnownOn(const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts,
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
bool RuleChecker::IsUrlList(const std::string& text) {
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
std::optional<RuleChecker::DayRange> RuleChecker::CheckFigure(const v1::MaxAmount& m,
                                                                const Path& at,
                                                                bool on_band_row) {
  if (m.annual_max_pence() < 0) {
    Add(Join(at, "annual_max_pence"), absl::StrCat(m.annual_max_pence()), "must not be negative");
  } else if (m.annual_max_pence() == 0 && !m.unverified()) {
    Add(Join(at, "annual_max_pence"), "0",
        on_band_row ? "missing amount: give the annual maximum in pence, or mark the period "
                      "unverified: true"
                    : "missing amount: give the annual maximum in pence, or mark it unverified: "
                      "true");
  }
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
  std::optional<absl::CivilDay> from = InYear(m.effective_from(), Join(at, "effective_from"));
  std::optional<absl::CivilDay> to = InYear(m.effective_to(), Join(at, "effective_to"));
  if (!from || !to) return std::nullopt;
  return DayRange{*from, *to};
}

void RuleChecker::CheckBandRow(int i, std::set<std::string>* seen) {
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
    const std::optional<DayRange> period = CheckFigure(m, at, /*on_band_row=*/true);
    if (!period) {
      prev_to.reset();
      continue;
    }
    const auto [from, to] = *period;
    if (from > to) {
      Add(Join(at, "effective_to"), FormatCivilDay(to),
          absl::StrCat("is before effective_from ", FormatCivilDay(from)));
    } else if (prev_to && from <= *prev_to) {
      Add(Join(at, "effective_from"), FormatCivilDay(from),
          absl::StrCat("overlaps the previous period, which runs to ", FormatCivilDay(*prev_to)));
    } else if (prev_to && from > *prev_to + 1) {
      Add(Join(at, "effective_from"), FormatCivilDay(from),
          absl::StrCat("leaves a gap: the previous period ends ", FormatCivilDay(*prev_to),
                       ", so this one must start ", FormatCivilDay(*prev_to + 1),
                       " (write an unknown period as annual_max_pence: 0 with "
                       "unverified: true)"));
    }
    prev_to = to;
  }
}

}  // namespace arrs::rules::internal
