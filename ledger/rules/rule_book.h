// RuleBook: the ARRS rule book in force, a projection of the "rules/arrs" event stream.
//
// Each RuleVersionPublished event publishes one financial year's rules; a later publish of
// the same financial year supersedes the earlier one from its position on. An
// EventReversed event whose envelope `corrects` names a publish cancels that publish from
// the reversal's position on, so the previous version of that year (if any) is in force
// again. Nothing is forgotten: every query takes `known_at`, a log position, and answers as
// the log stood then ("which rules did we price this with?").
//
//   RuleBook book;
//   for (const v1::Event& e : log_events) book.Apply(e);
//   RulesInForce now = book.InForceOn(absl::CivilDay(2022, 10, 15));
//   RulesInForce then = book.InForceOn(absl::CivilDay(2022, 10, 15), /*known_at=*/41);
//
// Apply rules:
//   - events of other streams are ignored, as are events at or before position();
//   - a published version that fails ValidateRules is not used; it is listed by rejected();
//   - a reversal naming anything other than a publish of this stream is ignored (reversing
//     a reversal is not supported: publish the version again instead).
//
// Thread safety: const methods may run concurrently with each other; Apply needs exclusive
// access. Pointers returned stay valid for the RuleBook's lifetime (versions are never
// dropped).
#ifndef ARRS_LEDGER_RULES_RULE_BOOK_H_
#define ARRS_LEDGER_RULES_RULE_BOOK_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "arrs/v1/events.pb.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::rules {

inline constexpr char kRulesStream[] = "rules/arrs";
inline constexpr uint64_t kLatest = UINT64_MAX;

// A rule version and the log position of the event that published it (0 with a null
// `rules` when no version is in force).
struct RulesInForce {
  const v1::FinancialYearRules* rules = nullptr;
  uint64_t published_at = 0;
  explicit operator bool() const { return rules != nullptr; }
};

class RuleBook {
 public:
  RuleBook() = default;
  RuleBook(const RuleBook&) = delete;
  RuleBook& operator=(const RuleBook&) = delete;
  RuleBook(RuleBook&&) = default;
  RuleBook& operator=(RuleBook&&) = default;

  // Folds one event of the log (see the rules above).
  void Apply(const v1::Event& event);

  // The version of `financial_year` (2023 = 2023/24) in force as the log stood at position
  // `known_at`; null when none.
  const v1::FinancialYearRules* ForYear(int financial_year, uint64_t known_at = kLatest) const;
  // The version in force for the financial year containing `day`.
  const v1::FinancialYearRules* ForDate(absl::CivilDay day, uint64_t known_at = kLatest) const;

  // As ForYear/ForDate, with the position of the publishing event.
  RulesInForce InForce(int financial_year, uint64_t known_at = kLatest) const;
  RulesInForce InForceOn(absl::CivilDay day, uint64_t known_at = kLatest) const;

  // The financial years with a version in force as the log stood at `known_at`, ascending.
  std::vector<int> Years(uint64_t known_at = kLatest) const;

  // True when a version named `version` of `financial_year` was published (and not
  // reversed) as the log stood at `known_at`, whether or not it is still in force.
  bool Published(int financial_year, const std::string& version,
                 uint64_t known_at = kLatest) const;

  // Position of the last event applied (0 when none).
  uint64_t position() const { return position_; }

  // Published versions refused by ValidateRules: (position, reason).
  const std::vector<std::pair<uint64_t, absl::Status>>& rejected() const { return rejected_; }

 private:
  struct Version {
    uint64_t published_at;
    uint64_t reversed_at;  // position of the reversal; 0 while not reversed
    v1::FinancialYearRules rules;
  };
  std::deque<Version> versions_;  // in publish order; deque keeps addresses stable
  std::vector<std::pair<uint64_t, absl::Status>> rejected_;
  uint64_t position_ = 0;
};

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_RULE_BOOK_H_
