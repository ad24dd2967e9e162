// The decision on a correction, taken on the PCN's whole stream: DecideCorrect (decide.h)
// checks the correction against its target, then the stream is folded as it would be with
// the correction, and a corrected claim that had been assessed is assessed again (in the
// same atomic append). A correction is never refused because of lines already paid: what
// it does to them shows as arrears or an overpayment (domain/restate.h).
//
// Thread-safe: a pure function of its arguments.
#ifndef ARRS_LEDGER_DOMAIN_CORRECT_H_
#define ARRS_LEDGER_DOMAIN_CORRECT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "arrs/v1/api.pb.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/rules/rule_book.h"

namespace arrs::domain {

// The events that correct `target` (an event of the PCN's stream, read from the log):
// the correction, then (when it replaces an assessed claim's submission) the corrected
// claim's new assessment, which corrects the old one.
//   stream_events: the PCN stream's events in position order (empty for an unknown PCN);
//   head: the PCN's model folded from them (at the head);
//   book: the rule book at the head;
//   next_position: the log position the first decided event would take (head + 1).
// Errors: those of DecideCorrect.
absl::StatusOr<Events> DecideCorrection(const std::vector<const v1::Event*>& stream_events,
                                        const PcnModel& head, const v1::Event& target,
                                        const rules::RuleBook& book,
                                        const v1::CorrectRequest& r, uint64_t next_position);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_CORRECT_H_
