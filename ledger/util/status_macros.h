// The two status-propagation macros of the tree (in the manner of abseil's internal
// ones): RETURN_IF_ERROR(expr) returns a non-OK absl::Status from the enclosing function;
// ASSIGN_OR_RETURN(name, expr) declares `auto name` from an absl::StatusOr<T>, returning
// its status when it is not OK. Neither defines a function.
//
//   RETURN_IF_ERROR(CheckCode("pcn_code", r.pcn_code()));
//   ASSIGN_OR_RETURN(claim, FindClaim(pcn, r.claim_id()));   // claim is T
//
// Thread-safe: expand to local code only.
#ifndef ARRS_LEDGER_UTIL_STATUS_MACROS_H_
#define ARRS_LEDGER_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RETURN_IF_ERROR(expr)                       \
  do {                                              \
    if (absl::Status arrs_status_ = (expr);         \
        !arrs_status_.ok()) {                       \
      return arrs_status_;                          \
    }                                               \
  } while (0)

// `name` is declared in the enclosing scope (a second use in one scope needs another
// name). The StatusOr is kept as name##_or_.
#define ASSIGN_OR_RETURN(name, expr)                           \
  auto name##_or_ = (expr);                                    \
  if (!name##_or_.ok()) return std::move(name##_or_).status(); \
  auto name = *std::move(name##_or_)

#endif  // ARRS_LEDGER_UTIL_STATUS_MACROS_H_
