// Pricer: the steps that price one claim line (calculator.h's PriceLine). Internal to
// ledger/rules; nothing outside calculator*.cc and pricer_*.cc includes it.
//
// One Pricer per line. Run() takes the steps in this order, and the first that refuses
// the line ends it (Finish) with its outcome and reason:
//
//   ReadSegments     the in-post segments become days_[].wte_bp     (pricer_role.cc)
//   AnyInPost        NOT_IN_POST when no day has paid WTE
//   FindRole         the rule version in force and the role's rule;  ROLE_NOT_ELIGIBLE
//     FindArrangement  an MHP hire's funding arrangement, if the role has them
//   CheckCaps        the role-group WTE caps;                        CAP_EXCEEDED
//   (pricer_checks.cc) CheckAdditional  the 2019 baseline; NOT_ADDITIONAL CheckPerHire     the hire
//   band and MHP arrangement are priceable; MAXIMUM_UNKNOWN (pricer_role.cc) FindAmounts      the
//   maximum in force on each day;               MAXIMUM_UNKNOWN (pricer_amounts.cc) SumDays the
//   exact maximum, split where WTE, figure or eligibility changes Reimburse        the capped,
//   reimbursed amount, rounded once, down CheckSum         what is left of the PCN's yearly sum
//   (pricer_checks.cc)
//
// Definitive refusals (cap, baseline) come before "maximum unknown", which a later rule
// version can cure. With LineInput::explain false no text is built: refusals carry an
// empty reason and only the outcome and the amounts count.
#ifndef ARRS_LEDGER_RULES_PRICER_H_
#define ARRS_LEDGER_RULES_PRICER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "ledger/rules/calculator.h"
#include "ledger/rules/figure.h"
#include "ledger/rules/fixed_point.h"

// Adds a line of explanation inside a Pricer method; the arguments are not even
// formatted when the caller asked for figures only (LineInput::explain = false).
#define ARRS_SAY(...)                                             \
  do {                                                            \
    if (in_.explain) lines_.push_back(absl::StrCat(__VA_ARGS__)); \
  } while (0)

namespace arrs::rules::internal {

std::string RoleName(v1::Role role);
// "2024-04-01" or "2024-04-01..2024-04-30".
std::string Range(absl::CivilDay a, absl::CivilDay b);

// What one day of the claimed month contributes.
struct DayInMonth {
  int32_t wte_bp = 0;     // paid WTE (0 = not in post)
  bool eligible = false;  // inside the role's eligibility window
  int figure = -1;        // index into Pricer::figures_, -1 = none known
};

class Pricer {
 public:
  Pricer(const RuleBook& book, const LineInput& in, uint64_t known_at)
      : book_(book), in_(in), known_at_(known_at) {}

  // Prices the line; call once.
  LinePrice Run();

 private:
  static constexpr int kMaxDays = 31;

  // pricer_role.cc
  std::optional<std::string> ReadSegments();
  bool AnyInPost() const;
  std::string InPostText() const;
  std::optional<std::string> FindRole();
  std::optional<std::string> FindArrangement();
  std::optional<std::string> CheckPerHire();
  std::string KnownAtText() const;
  // pricer_checks.cc
  std::optional<std::string> CheckCaps();
  std::optional<std::string> CheckAdditional();
  LinePrice CheckSum();
  // pricer_amounts.cc
  std::optional<std::string> FindAmounts();
  v1::LondonZone ZoneOn(int i) const;
  int FigureOn(int i);
  int IndexOfFigure(const Figure& f);
  void SumDays();
  void SayWhereFiguresComeFrom();
  void Reimburse();
  i128 ReimburseShare(i128 claimed, i128 den);
  // calculator.cc
  LinePrice Finish(v1::LineOutcome outcome, const std::string& reason);

  absl::CivilDay Day(int i) const { return first_ + i; }
  // Day index of `day` within the claimed month: -1 before it, dim_ after it.
  int IndexOf(absl::CivilDay day) const;
  // False when asked for figures only: refusal reasons are then left empty.
  bool Explaining() const { return in_.explain; }
  void Say(std::string line) {
    if (in_.explain) lines_.push_back(std::move(line));
  }

  const RuleBook& book_;
  const LineInput& in_;
  const uint64_t known_at_;
  absl::CivilDay first_;
  int dim_ = 0;
  DayInMonth days_[kMaxDays];
  RulesInForce in_force_;
  const v1::RoleRule* role_ = nullptr;
  // The hire's MHP funding arrangement, when the role has mhp_arrangements and lists it.
  const v1::MhpArrangement* arrangement_ = nullptr;
  absl::CivilDay elig_from_, elig_to_;
  int32_t own_wte_bp_ = 0;  // highest WTE on an eligible day
  int32_t cap_fit_bp_ = 0;  // > 0: only this much of own_wte_bp_ fits under a cap
  std::vector<Figure> figures_;
  int figure_through_ = -1;  // FigureOn: days up to this index take figure_held_
  int figure_held_ = -1;
  i128 numerator_ = 0;       // sum of annual pence x wte bp x days
  i128 den_ = 0;             // numerator_ / den_ is the exact maximum
  int64_t claimed_den_ = 1;  // the scaled claim is claimed / claimed_den_ pence
  std::vector<std::string> lines_;
  LinePrice out_;
};

}  // namespace arrs::rules::internal

#endif  // ARRS_LEDGER_RULES_PRICER_H_
