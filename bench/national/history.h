// NationalHistory: a deterministic, seeded generator of England's ARRS history as the
// commands its users would send, for benchmarks.
//
// 1,250 PCNs x scale in 42 ICBs, list sizes spread like England's (about 20,000 to
// 150,000, most 30,000 to 70,000), each PCN's staff grown month by month from April 2019
// to March 2026 towards about 32 staff per 50,000 patients (about 40,000 in post at x1),
// across the roles the shipped rule book makes reimbursable on each hire date, with
// starts, pay rises, FTE changes, leave and leavers; one claim per PCN per month with a
// line for everyone in post; about 3% of claims corrected two months later.
//
// Each PCN's script is generated on demand from (seed, PCN index), so x10 never holds the
// whole history in memory and any client can generate its own share.
#ifndef ARRS_BENCH_NATIONAL_HISTORY_H_
#define ARRS_BENCH_NATIONAL_HISTORY_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "arrs/v1/api.pb.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::bench {

// Submit a monthly claim, assess it, and pay the approved total on `paid_on`.
struct ClaimCycle {
  v1::SubmitClaimRequest submit;
  v1::Date paid_on;
};

// Replace an earlier claim submission (found by claim id) with corrected lines.
struct ClaimCorrection {
  std::string pcn_code;
  std::string claim_id;
  std::string request_id;
  v1::ClaimSubmitted replacement;
};

using Command = std::variant<v1::RegisterPcnRequest, v1::RecordListSizeRequest,
                             v1::RecordBaselineRequest, v1::SetEntitlementRequest,
                             v1::HireStaffRequest, v1::StaffChangeRequest, ClaimCycle,
                             ClaimCorrection>;

struct PcnScript {
  std::string pcn_code;
  std::string icb_code;
  int64_t list_size_2019 = 0;
  std::vector<Command> commands;  // in the order they must be sent
};

struct HistoryOptions {
  uint64_t seed = 2019;
  int scale = 1;  // PCNs = 1,250 x scale
  int pcn_limit = 0;  // when > 0, only the first pcn_limit PCNs (quick trial runs)
};

class NationalHistory {
 public:
  // `rules`: the shipped rule book (one entry per financial year), used to pick roles
  // eligible on each hire date and pay near each role's maximum.
  NationalHistory(HistoryOptions options, std::vector<v1::FinancialYearRules> rules);

  int pcn_count() const {
    return options_.pcn_limit > 0 ? std::min(options_.pcn_limit, 1250 * options_.scale)
                                  : 1250 * options_.scale;
  }
  static constexpr int kIcbCount = 42;

  // The commands of PCN `index` (0 <= index < pcn_count()), identical on every call.
  PcnScript Generate(int index) const;

  // Events the log will hold once `script` is executed (claim cycles count submit,
  // assess and pay; a correction of an assessed claim counts its re-assessment).
  static uint64_t ExpectedEvents(const PcnScript& script);

 private:
  HistoryOptions options_;
  std::vector<v1::FinancialYearRules> rules_;
};

}  // namespace arrs::bench

#endif  // ARRS_BENCH_NATIONAL_HISTORY_H_
