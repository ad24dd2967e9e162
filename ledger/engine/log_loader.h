// LoadLog: folds the whole event log into a LedgerState at start-up.
//
// Reader threads read and parse pages of events (into protobuf arenas, which the state
// then keeps), each taking every n-th page, while the calling thread folds the pages in
// log order: decoding, the larger part of the work, is spread over the cores, and folding
// overlaps it instead of taking turns.
#ifndef ARRS_LEDGER_ENGINE_LOG_LOADER_H_
#define ARRS_LEDGER_ENGINE_LOG_LOADER_H_

#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "google/protobuf/arena.h"
#include "ledger/store/event_log.h"

namespace arrs::engine {

class LedgerState;

// An arena sized for a page of events read from the log.
std::unique_ptr<google::protobuf::Arena> NewEventPageArena();

struct LoadOptions {
  size_t page_events = 4096;  // events read and parsed as one page
  int readers = 2;            // reading threads (at least 1)
  size_t pages_ahead = 6;     // parsed pages waiting to be folded, at most
};

// Folds every event from `state`'s head + 1 up to the log's head as it was when called.
// Takes the state's lock (exclusively) for each page folded. Errors: the log's read errors
// (DATA_LOSS for events that do not parse or are missing); INVALID_ARGUMENT for options
// out of range.
absl::Status LoadLog(const store::EventLog& log, LedgerState& state,
                     const LoadOptions& options = LoadOptions());

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_LOG_LOADER_H_
