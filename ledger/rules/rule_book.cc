#include "ledger/rules/rule_book.h"

#include <set>

#include "ledger/rules/rule_validate.h"
#include "ledger/util/civil_date.h"

namespace arrs::rules {

void RuleBook::Apply(const v1::Event& event) {
  if (event.stream() != kRulesStream || event.position() <= position_) return;
  position_ = event.position();
  const v1::Payload& payload = event.payload();
  if (payload.has_rule_version_published()) {
    const v1::FinancialYearRules& rules = payload.rule_version_published().rules();
    absl::Status valid = ValidateRules(rules);
    if (!valid.ok()) {
      rejected_.emplace_back(event.position(), std::move(valid));
      return;
    }
    versions_.push_back(Version{event.position(), /*reversed_at=*/0, rules});
  } else if (payload.has_event_reversed()) {
    for (Version& v : versions_) {
      if (v.published_at == event.corrects() && v.reversed_at == 0) {
        v.reversed_at = event.position();
      }
    }
  }
}

RulesInForce RuleBook::InForce(int financial_year, uint64_t known_at) const {
  RulesInForce best;
  for (const Version& v : versions_) {
    if (v.published_at > known_at) break;  // publish order = position order
    if (v.rules.financial_year() != financial_year) continue;
    if (v.reversed_at != 0 && v.reversed_at <= known_at) continue;  // reversed by then
    best = RulesInForce{&v.rules, v.published_at};  // later publishes supersede
  }
  return best;
}

std::vector<int> RuleBook::Years(uint64_t known_at) const {
  std::set<int> years;
  for (const Version& v : versions_) {
    if (v.published_at > known_at) break;
    years.insert(v.rules.financial_year());
  }
  std::vector<int> out;
  for (int fy : years) {
    if (InForce(fy, known_at)) out.push_back(fy);
  }
  return out;
}

bool RuleBook::Published(int financial_year, const std::string& version,
                         uint64_t known_at) const {
  for (const Version& v : versions_) {
    if (v.published_at > known_at) break;
    if (v.reversed_at != 0 && v.reversed_at <= known_at) continue;
    if (v.rules.financial_year() == financial_year && v.rules.version() == version) return true;
  }
  return false;
}

RulesInForce RuleBook::InForceOn(absl::CivilDay day, uint64_t known_at) const {
  return InForce(FinancialYearOf(day), known_at);
}

const v1::FinancialYearRules* RuleBook::ForYear(int financial_year, uint64_t known_at) const {
  return InForce(financial_year, known_at).rules;
}

const v1::FinancialYearRules* RuleBook::ForDate(absl::CivilDay day, uint64_t known_at) const {
  return InForceOn(day, known_at).rules;
}

}  // namespace arrs::rules
