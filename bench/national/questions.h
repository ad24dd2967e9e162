// As-of questions the benches ask: a PCN, a date, a log position (known_at), and the
// BalanceRequest or CapUsageRequest that asks it. Header only.
#ifndef ARRS_BENCH_NATIONAL_QUESTIONS_H_
#define ARRS_BENCH_NATIONAL_QUESTIONS_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "arrs/v1/api.pb.h"
#include "ledger/util/civil_date.h"

namespace arrs::bench {

// One random as-of question: a PCN, a valid date, a log position.
struct Question {
  std::string pcn;
  absl::CivilDay as_of;
  uint64_t known_at;  // 0 = the head
  bool balance;
};

inline v1::BalanceRequest BalanceOf(const Question& q) {
  v1::BalanceRequest r;
  r.set_pcn_code(q.pcn);
  r.set_financial_year(FinancialYearOf(q.as_of));
  *r.mutable_as_of() = ToProtoDate(q.as_of);
  if (q.known_at) r.mutable_known_at()->set_position(q.known_at);
  return r;
}

inline v1::CapUsageRequest CapsOf(const Question& q) {
  v1::CapUsageRequest r;
  r.set_pcn_code(q.pcn);
  *r.mutable_as_of() = ToProtoDate(q.as_of);
  if (q.known_at) r.mutable_known_at()->set_position(q.known_at);
  return r;
}

}  // namespace arrs::bench

#endif  // ARRS_BENCH_NATIONAL_QUESTIONS_H_
