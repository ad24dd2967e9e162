// LoadLog: folds the whole event log into a LedgerState at start-up.
//
// One thread reads and parses pages of events (into protobuf arenas, which the state then
// keeps) while the calling thread folds the page before: on two cores, reading and
// folding overlap instead of taking turns.
#ifndef ARRS_LEDGER_ENGINE_LOG_LOADER_H_
#define ARRS_LEDGER_ENGINE_LOG_LOADER_H_

#include "absl/status/status.h"
#include "ledger/store/event_log.h"

namespace arrs::engine {

class LedgerState;

// Folds every event from `state`'s head + 1 up to the log's head as it was when called.
// Takes state.mu (exclusively) for each page folded. Errors: the log's read errors
// (DATA_LOSS for events that do not parse or are missing).
absl::Status LoadLog(const store::EventLog& log, LedgerState& state);

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_LOG_LOADER_H_
