// The two status-propagation macros of the tree (in the manner of abseil's internal
// ones): RETURN_IF_ERROR(expr) returns a non-OK absl::Status from the enclosing function;
// ASSIGN_OR_RETURN(name, expr) declares `auto name` from an absl::StatusOr<T>, returning
// its status when it is not OK. ASSIGN_OR_RETURN(name, expr, on_error) returns
// on_error(status) instead, for a function that does not return a Status (arrsctl's
// commands return an exit code: on_error is cli's ReportError). Neither defines a function.
//
//   RETURN_IF_ERROR(CheckCode("pcn_code", r.pcn_code()));
//   ASSIGN_OR_RETURN(claim, FindClaim(pcn, r.claim_id()));   // claim is T
//   ASSIGN_OR_RETURN(role, ParseRoleArg(o.role), ReportError);  // returns an exit code
//
// Thread-safe: expand to local code only.
#ifndef ARRS_LEDGER_UTIL_STATUS_MACROS_H_
#define ARRS_LEDGER_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RETURN_IF_ERROR(expr)                                     \
  do {                                                            \
    if (absl::Status arrs_status_ = (expr); !arrs_status_.ok()) { \
      return arrs_status_;                                        \
    }                                                             \
  } while (0)

// `name` is declared in the enclosing scope (a second use in one scope needs another
// name). The StatusOr is kept as name##_or_.
#define ASSIGN_OR_RETURN(...) \
  ARRS_STATUS_PICK_(__VA_ARGS__, ARRS_ASSIGN_OR_RETURN_3_, ARRS_ASSIGN_OR_RETURN_2_, )(__VA_ARGS__)

#define ARRS_STATUS_PICK_(a, b, c, chosen, ...) chosen
#define ARRS_ASSIGN_OR_RETURN_2_(name, expr)                   \
  auto name##_or_ = (expr);                                    \
  if (!name##_or_.ok()) return std::move(name##_or_).status(); \
  auto name = *std::move(name##_or_)
#define ARRS_ASSIGN_OR_RETURN_3_(name, expr, on_error)                     \
  auto name##_or_ = (expr);                                                \
  if (!name##_or_.ok()) return (on_error)(std::move(name##_or_).status()); \
  auto name = *std::move(name##_or_)

#endif  // ARRS_LEDGER_UTIL_STATUS_MACROS_H_
