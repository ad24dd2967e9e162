#include "ledger/rules/figure.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::rules {

const v1::BandRow* FindBandRow(const v1::FinancialYearRules& rules, const std::string& band) {
  if (band.empty()) return nullptr;
  for (const v1::BandRow& row : rules.band_rows()) {
    if (row.band() == band) return &row;
  }
  return nullptr;
}

bool HireBandListed(const v1::RoleRule& role, const std::string& hire_band) {
  if (hire_band.empty()) return false;
  return std::find(role.hire_bands().begin(), role.hire_bands().end(), hire_band) !=
         role.hire_bands().end();
}

std::string RowNameFor(const v1::RoleRule& role, const std::string& hire_band) {
  if (role.hire_bands().empty()) return role.band_row();
  return HireBandListed(role, hire_band) ? hire_band : std::string();
}

const v1::MaxAmount* AmountCovering(
    const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts, absl::CivilDay day) {
  for (const v1::MaxAmount& m : amounts) {
    if (CompareDate(m.effective_from(), day) <= 0 && CompareDate(m.effective_to(), day) >= 0) {
      return &m;
    }
  }
  return nullptr;
}

absl::CivilDay FigureHoldsThrough(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                                  absl::CivilDay day, absl::CivilDay last,
                                  const std::string& hire_band) {
  absl::CivilDay through = last;
  auto narrow = [&](const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts) {
    for (const v1::MaxAmount& m : amounts) {
      // The covering set changes the day after one ends or the day one starts.
      if (CompareDate(m.effective_from(), day) > 0) {
        const absl::CivilDay from(m.effective_from().year(), m.effective_from().month(),
                                  m.effective_from().day());
        through = std::min(through, from - 1);
      }
      if (CompareDate(m.effective_to(), day) >= 0) {
        const absl::CivilDay to(m.effective_to().year(), m.effective_to().month(),
                                m.effective_to().day());
        through = std::min(through, to);
      }
    }
  };
  narrow(role.max_amounts());
  if (const v1::BandRow* row = FindBandRow(rules, RowNameFor(role, hire_band))) {
    narrow(row->amounts());
  }
  return through;
}

bool IsKnown(const v1::MaxAmount& amount) {
  return !amount.unverified() && amount.annual_max_pence() > 0;
}

Figure FigureFor(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                 absl::CivilDay day, v1::LondonZone zone, const std::string& hire_band) {
  Figure f;
  f.zone = zone == v1::LONDON_ZONE_UNSPECIFIED ? v1::LONDON_ZONE_NONE : zone;
  const v1::MaxAmount* own = AmountCovering(role.max_amounts(), day);
  if (own != nullptr && IsKnown(*own)) {
    f.amount = own;
    f.confidence = own->confidence();
  } else if (const v1::BandRow* row = FindBandRow(rules, RowNameFor(role, hire_band))) {
    const v1::MaxAmount* band = AmountCovering(row->amounts(), day);
    if (band == nullptr || !IsKnown(*band)) return f;
    f.amount = band;
    f.row = row;
    const bool for_this_role =
        std::find(band->published_for().begin(), band->published_for().end(), role.role()) !=
        band->published_for().end();
    f.confidence = for_this_role ? band->confidence() : v1::FIGURE_BAND_INFERRED;
  } else {
    return f;
  }
  f.annual_pence = f.amount->annual_max_pence();
  const int64_t zoned = f.zone == v1::INNER_LONDON   ? f.amount->inner_london_pence()
                        : f.zone == v1::OUTER_LONDON ? f.amount->outer_london_pence()
                                                     : 0;
  if (f.zone == v1::INNER_LONDON || f.zone == v1::OUTER_LONDON) {
    if (zoned > 0) {
      f.annual_pence = zoned;
    } else {
      f.zone_missing = true;
    }
  }
  return f;
}

bool AnyKnownFigure(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                    absl::CivilDay first, absl::CivilDay last, const std::string& hire_band) {
  auto any = [&](const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts) {
    for (const v1::MaxAmount& m : amounts) {
      if (!IsKnown(m)) continue;
      if (IsUnset(m.effective_from()) || IsUnset(m.effective_to())) return true;
      if (CompareDate(m.effective_to(), first) >= 0 &&
          CompareDate(m.effective_from(), last) <= 0) {
        return true;
      }
    }
    return false;
  };
  if (any(role.max_amounts())) return true;
  const v1::BandRow* row = FindBandRow(rules, RowNameFor(role, hire_band));
  return row != nullptr && any(row->amounts());
}

namespace {

// How a figure's confidence is written out: in words, and as a table's short code.
struct ConfidenceNames {
  v1::FigureConfidence confidence;
  const char* text;
  const char* code;
};

constexpr ConfidenceNames kConfidenceNames[] = {
    {v1::FIGURE_PUBLISHED, "published", "P"},
    {v1::FIGURE_PERIOD_INFERRED, "published, period inferred", "P*"},
    {v1::FIGURE_BAND_INFERRED, "band-inferred", "B"},
};

// Any other confidence: not recorded in the rule version.
constexpr ConfidenceNames kConfidenceNotRecorded = {
    v1::FigureConfidence(), "sourced (confidence not recorded in this rule version)", "-"};

const ConfidenceNames& NamesOf(v1::FigureConfidence confidence) {
  for (const ConfidenceNames& names : kConfidenceNames) {
    if (names.confidence == confidence) return names;
  }
  return kConfidenceNotRecorded;
}

}  // namespace

std::string ConfidenceText(v1::FigureConfidence confidence) { return NamesOf(confidence).text; }

std::string ConfidenceCode(v1::FigureConfidence confidence) { return NamesOf(confidence).code; }

std::string ZoneText(v1::LondonZone zone) {
  switch (zone) {
    case v1::INNER_LONDON:
      return "inner London";
    case v1::OUTER_LONDON:
      return "outer London";
    default:
      return "national";
  }
}

std::string DescribeFigure(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                           const Figure& f) {
  if (!f.known()) return "unknown";
  const v1::MaxAmount& m = *f.amount;
  std::string out;
  if (f.zone == v1::INNER_LONDON || f.zone == v1::OUTER_LONDON) {
    out = f.zone_missing
              ? absl::StrCat("national maximum used: the ", ZoneText(f.zone),
                             " figure is not in the rule book; ")
              : absl::StrCat(ZoneText(f.zone), " figure (national ",
                             FormatPounds(m.annual_max_pence()), "); ");
  }
  const std::string source = m.source().empty() ? "no source recorded" : m.source();
  if (f.row != nullptr) {
    std::vector<std::string> names;
    for (int r : m.published_for()) names.push_back(v1::Role_Name(static_cast<v1::Role>(r)));
    absl::StrAppend(&out, "band ", f.row->band(), " row",
                    names.empty() ? "" : absl::StrCat(", published for ",
                                                      absl::StrJoin(names, ", ")),
                    " (", source, "); ", v1::Role_Name(role.role()), " is on band ",
                    f.row->band(), " in ", FormatFinancialYear(rules.financial_year()));
    const bool per_hire = !role.hire_bands().empty();
    const std::string& row_source = per_hire ? role.hire_bands_source() : role.band_row_source();
    absl::StrAppend(&out, per_hire ? " by its hire band" : "", " (",
                    row_source.empty() ? "no source recorded" : row_source, "); ");
  } else {
    absl::StrAppend(&out, "own figure for ", v1::Role_Name(role.role()), " (", source, "); ");
  }
  absl::StrAppend(&out, ConfidenceText(f.confidence));
  if (!m.note().empty()) absl::StrAppend(&out, " (", m.note(), ")");
  return out;
}

}  // namespace arrs::rules
