#include "ledger/rules/coverage.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "ledger/rules/figure.h"
#include "ledger/util/civil_date.h"

namespace arrs::rules {
namespace {

// Adds the first day of each amount and the day after its last to `cuts`.
void AddCuts(const google::protobuf::RepeatedPtrField<v1::MaxAmount>& amounts,
             std::set<absl::CivilDay>* cuts) {
  for (const v1::MaxAmount& m : amounts) {
    absl::StatusOr<absl::CivilDay> from = ToCivilDay(m.effective_from(), "effective_from");
    absl::StatusOr<absl::CivilDay> to = ToCivilDay(m.effective_to(), "effective_to");
    if (from.ok()) cuts->insert(*from);
    if (to.ok()) cuts->insert(*to + 1);
  }
}

}  // namespace

std::set<absl::CivilDay> ChangeDays(const v1::FinancialYearRules& rules) {
  std::set<absl::CivilDay> cuts;
  for (const v1::RoleRule& role : rules.roles()) AddCuts(role.max_amounts(), &cuts);
  for (const v1::BandRow& row : rules.band_rows()) AddCuts(row.amounts(), &cuts);
  return cuts;
}

v1::YearCoverage CoverageOf(const v1::FinancialYearRules& rules,
                            const std::set<absl::CivilDay>& extra_cuts) {
  v1::YearCoverage out;
  out.set_financial_year(rules.financial_year());
  out.set_version(rules.version());
  for (const v1::RoleRule& role : rules.roles()) {
    absl::StatusOr<absl::CivilDay> first = ToCivilDay(role.eligible_from(), "eligible_from");
    absl::StatusOr<absl::CivilDay> last = ToCivilDay(role.eligible_to(), "eligible_to");
    if (!first.ok() || !last.ok() || *first > *last) continue;
    std::set<absl::CivilDay> cuts = extra_cuts;
    AddCuts(role.max_amounts(), &cuts);
    if (const v1::BandRow* row = FindBandRow(rules, role.band_row())) {
      AddCuts(row->amounts(), &cuts);
    }
    cuts.insert(*last + 1);
    absl::CivilDay from = *first;
    for (absl::CivilDay cut : cuts) {
      if (cut <= from) continue;
      if (cut > *last + 1) break;
      const absl::CivilDay to = cut - 1;
      const Figure f = FigureFor(rules, role, from);
      v1::CoverageRow* row = out.add_rows();
      row->set_role(role.role());
      *row->mutable_from() = ToProtoDate(from);
      *row->mutable_to() = ToProtoDate(to);
      out.set_eligible(out.eligible() + 1);
      if (f.known()) {
        out.set_priced(out.priced() + 1);
        row->set_annual_max_pence(f.annual_pence);
        row->set_where_from(f.row != nullptr ? absl::StrCat("band row ", f.row->band())
                                             : "own");
        row->set_confidence(f.confidence);
        row->set_source(f.amount->source());
        row->set_outer_london_pence(f.amount->outer_london_pence());
        row->set_inner_london_pence(f.amount->inner_london_pence());
      }
      from = cut;
    }
  }
  return out;
}

}  // namespace arrs::rules
