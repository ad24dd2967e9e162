// Which maximum prices a role on a day, and where that figure comes from.
//
// A role's annual maximum on day d is, in this order:
//   1. its own MaxAmount covering d (RoleRule.max_amounts), when that figure is known
//      (not unverified, above 0): the DES prints a figure for the role itself (the GP row,
//      the 2019/20 clinical pharmacist's 70% cap);
//   2. else its band row's MaxAmount covering d, when known. The row is RoleRule.band_row,
//      or, for a role tabled per band (RoleRule.hire_bands: mental health practitioners),
//      the row named by the member's hire band when the year lists that band (none when it
//      does not);
//   3. else unknown (the line cannot be priced).
// London (HCAS): for a PCN in the outer or inner zone, the zone figure of the chosen
// MaxAmount when the rule book has it; else the national figure, flagged zone_missing so
// the line says "national maximum used: the inner London figure is not in the rule book".
//
// Confidence of the figure used: the MaxAmount's own confidence (published / published,
// period inferred; unspecified in rule versions written before provenance was recorded),
// except that a band-row figure used for a role not in its published_for is band-inferred.
//
// Thread-safe: pure functions; the result points into `rules`, which must outlive it.
#ifndef ARRS_LEDGER_RULES_FIGURE_H_
#define ARRS_LEDGER_RULES_FIGURE_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::rules {

struct Figure {
  const v1::MaxAmount* amount = nullptr;  // null: no known figure on the day
  const v1::BandRow* row = nullptr;       // set when the figure comes from the band row
  v1::FigureConfidence confidence = v1::FIGURE_CONFIDENCE_UNSPECIFIED;
  int64_t annual_pence = 0;               // the figure used (zone or national)
  v1::LondonZone zone = v1::LONDON_ZONE_NONE;  // the PCN's zone on the day
  bool zone_missing = false;              // London PCN priced at the national figure

  bool known() const { return amount != nullptr; }
  // Same figure from the same place: the calculator splits a month where this changes.
  bool operator==(const Figure& o) const {
    return amount == o.amount && row == o.row && annual_pence == o.annual_pence &&
           zone == o.zone && zone_missing == o.zone_missing && confidence == o.confidence;
  }
};

// The band row named `band` in `rules`, or null.
const v1::BandRow* FindBandRow(const v1::FinancialYearRules& rules, const std::string& band);

// The band row name pricing `role` for a member hired on `hire_band`: role.band_row(), or
// for a role with hire_bands, `hire_band` when listed there, else "" (no row).
std::string RowNameFor(const v1::RoleRule& role, const std::string& hire_band);

// True when `role` is tabled per hire band (RoleRule.hire_bands set) and lists `hire_band`.
bool HireBandListed(const v1::RoleRule& role, const std::string& hire_band);

// The MaxAmount of `amounts` covering `day`, or null.
const v1::MaxAmount* AmountCovering(
    const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts, absl::CivilDay day);

// True when the figure can price a line (not unverified, above 0).
bool IsKnown(const v1::MaxAmount& amount);

// The figure pricing `role` on `day` for a PCN in `zone` (see the order above).
// `hire_band` is the member's band (StaffHired.band); it matters only for a role with
// hire_bands.
Figure FigureFor(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                 absl::CivilDay day, v1::LondonZone zone = v1::LONDON_ZONE_NONE,
                 const std::string& hire_band = "");

// The last day of [day, last] through which FigureFor(rules, role, d, zone) equals its
// value on `day` for a fixed zone: no maximum of the role's own or of its band row starts
// or ends after `day` before it. Lets a caller price a month's days with one lookup per
// span instead of one per day.
absl::CivilDay FigureHoldsThrough(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                                  absl::CivilDay day, absl::CivilDay last,
                                  const std::string& hire_band = "");

// True when some day of [first, last] has a known figure for `role` (own or band row).
bool AnyKnownFigure(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                    absl::CivilDay first, absl::CivilDay last, const std::string& hire_band = "");

// "published", "published, period inferred", "band-inferred", "sourced (confidence not
// recorded in this rule version)".
std::string ConfidenceText(v1::FigureConfidence confidence);
// "P", "P*", "B", "-" (not recorded).
std::string ConfidenceCode(v1::FigureConfidence confidence);
// "inner London", "outer London", "national".
std::string ZoneText(v1::LondonZone zone);

// One sentence saying where `f` comes from, e.g.
//   band 4 row, published for CARE_COORDINATOR (https://...); GP_ASSISTANT is on band 4 in
//   2023/24 (https://...); band-inferred
//   own figure for CLINICAL_PHARMACIST (https://...); published
// with "inner London figure" / "national maximum used: the inner London figure is not in
// the rule book" in front for London PCNs. For a role with hire_bands the band sentence
// reads "... is on band 6 in 2024/25 by its hire band (source of hire_bands)".
std::string DescribeFigure(const v1::FinancialYearRules& rules, const v1::RoleRule& role,
                           const Figure& f);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_FIGURE_H_
