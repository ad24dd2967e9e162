// Caps on the whole-time equivalents of a role (or group of roles) a PCN may claim for.
//
// A CapRule gives one value below a registered-list-size threshold and another at or above
// it ("99,999 or fewer" vs "100,000 or over" is threshold 100000). Caps marked unverified
// are returned (flagged) so an explanation can mention them; the calculator does not
// enforce them.
//
// Thread-safe: pure function over a const RuleBook.
#ifndef ARRS_LEDGER_RULES_CAPS_H_
#define ARRS_LEDGER_RULES_CAPS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/common.pb.h"
#include "ledger/rules/rule_book.h"

namespace arrs::rules {

struct CapInForce {
  int32_t cap_wte_bp = 0;              // the cap at this list size
  std::vector<v1::Role> roles;         // roles counted together against it
  std::string rule_version;            // e.g. "2023/24 r1"
  uint64_t published_at = 0;           // log position of that rule version
  int64_t list_size_threshold = 0;     // below: cap_wte_bp_below; at or above: the other
  int64_t registered_list_size = 0;    // the list size the cap was chosen for
  absl::CivilDay effective_from, effective_to;
  bool unverified = false;             // not enforced by the calculator
  std::string source;
};

// The cap on `role` in force on `day` for a PCN of `registered_list_size`, as the log stood
// at `known_at`; nullopt when no cap applies. When several caps name the role that day, a
// verified one is preferred, then the first listed. When `same_through` is given, it is
// set to the last day through which the answer stays the same (for every day from `day`
// to it, CapFor returns what it returned for `day`).
std::optional<CapInForce> CapFor(const RuleBook& book, v1::Role role, absl::CivilDay day,
                                 int64_t registered_list_size, uint64_t known_at = kLatest,
                                 absl::CivilDay* same_through = nullptr);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_CAPS_H_
